/**
 * F5 in a GradLens program picks GradLens without asking. With no launch.json, VS Code's F5 asks
 * which debugger to use for a TypeScript or JavaScript file (js-debug offers several); in a file
 * that imports `gradlens`, in a folder with no launch configurations, F5 runs *GradLens: Debug
 * Current File* instead: a `gradlens` launch that pauses at breakpoints (debugRuns.ts). The context
 * key `gradlens:f5Debugs` says when (the keybinding's `when`); with a launch.json, F5 is VS Code's.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { isProgram } from './codelens';
import { Disposable } from './dispose';
import { importsGradlens } from './sites';
import { notify } from './notify';
import { refusedUntrusted } from './runs';

export const F5_CONTEXT = 'gradlens:f5Debugs';

/** The launch of `uri` that pauses at its breakpoints. */
export function debugFileLaunch(uri: vscode.Uri): vscode.DebugConfiguration {
  return { type: 'gradlens', request: 'launch', name: `GradLens: Debug ${basename(uri.fsPath)}`, program: uri.fsPath };
}

export class DebugKey extends Disposable {
  private current: boolean | null = null;

  constructor() {
    super();
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this.register(vscode.workspace.onDidSaveTextDocument((document) => { if (document === vscode.window.activeTextEditor?.document) this.update(); }));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => { if (event.affectsConfiguration('launch')) this.update(); }));
    this.update();
  }

  /** Whether F5 in the active editor is GradLens's. */
  get f5Debugs(): boolean {
    return this.current === true;
  }

  private update(): void {
    const document = vscode.window.activeTextEditor?.document;
    const on = !!document && document.uri.scheme === 'file' && isProgram(document) && importsGradlens(document.getText()) && !hasLaunchConfigurations(document.uri);
    if (on === this.current) return;
    this.current = on;
    void vscode.commands.executeCommand('setContext', F5_CONTEXT, on);
  }

  /** GradLens: Debug Current File — `given`, or the active editor's file, in a launch that pauses at its breakpoints. */
  async debug(given: vscode.Uri | undefined): Promise<boolean> {
    // Restricted Mode: refused as every run is, before VS Code's debugger is asked for anything.
    if (refusedUntrusted()) return false;
    const uri = given ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file') {
      void notify('info', 'GradLens: open a TypeScript or JavaScript file that imports gradlens, then debug it.');
      return false;
    }
    return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), debugFileLaunch(uri));
  }
}

/** Whether the folder of `uri` (or the workspace) has launch configurations of its own: then F5 is VS Code's. */
function hasLaunchConfigurations(uri: vscode.Uri): boolean {
  const launch = vscode.workspace.getConfiguration('launch', uri);
  const configurations = launch.get<unknown[]>('configurations');
  const compounds = launch.get<unknown[]>('compounds');
  return (Array.isArray(configurations) && configurations.length > 0) || (Array.isArray(compounds) && compounds.length > 0);
}
