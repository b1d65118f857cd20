/**
 * Where GradLens applies, as context keys for the manifest's `when` clauses, so that its buttons,
 * keys, lenses and views show only where they can do something:
 *
 * - `gradlens:programFiles` — the open files that import gradlens (their paths): the editor-title
 *   button and Ctrl+K G ask `resourcePath in gradlens:programFiles`;
 * - `gradlens:hasPrograms` — the workspace has such a file (an open one, or one a bounded scan of
 *   the workspace found);
 * - `gradlens:hasTrace` — a trace was made or opened in this window, or the workspace has a
 *   `*.gradlens.json`.
 *
 * The three Run and Debug views show once either of the last two holds.
 */
import * as vscode from 'vscode';
import { isProgram } from './codelens';
import { Disposable } from './dispose';
import type { Runs } from './runs';
import { importsGradlens } from './sites';

export const PROGRAM_FILES = 'gradlens:programFiles';
export const HAS_PROGRAMS = 'gradlens:hasPrograms';
export const HAS_TRACE = 'gradlens:hasTrace';

/** The workspace's files the scan reads, at most (the first that imports gradlens ends it). */
const SCAN_FILES = 2000;
/** Files larger than this are not read by the scan (a program that imports gradlens says so near its top). */
const SCAN_BYTES = 1 << 20;
const PROGRAM_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';
const SCAN_EXCLUDE = '**/{node_modules,dist,out,build,.git}/**';
export const TRACE_GLOB = '**/*.gradlens.json';

export class WorkspaceContext extends Disposable {
  private readonly programs = new Set<string>();
  private published = '';
  private scanned = false;
  private traced = false;
  private readonly flags = new Map<string, boolean>();
  private editTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly edited = new Set<vscode.TextDocument>();
  private lastActive: vscode.Uri | null = null;
  /** The workspace scan, once it has finished (tests wait for it). */
  readonly ready: Promise<void>;

  constructor(runs: Runs) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.consider(document)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.closed(document)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.considerSoon(event.document)));
    this.register(vscode.window.onDidChangeActiveTextEditor((editor) => this.noteActive(editor)));
    this.noteActive(vscode.window.activeTextEditor);
    this.register(runs.onDidRun(() => this.setTraced()));
    const traces = this.register(vscode.workspace.createFileSystemWatcher(TRACE_GLOB, false, true, true));
    this.register(traces.onDidCreate(() => this.setTraced()));
    this.register({ dispose: () => { if (this.editTimer) clearTimeout(this.editTimer); } });
    for (const document of vscode.workspace.textDocuments) this.consider(document, false);
    this.publish();
    this.ready = this.scan();
  }

  /** The open files that import gradlens (for tests). */
  get programFiles(): readonly string[] {
    return [...this.programs].sort();
  }

  /**
   * The program a command without a file means when no text editor is active (a walkthrough's
   * button, the inspector focused): the one in an editor last, if it is still open.
   */
  lastProgram(): vscode.Uri | null {
    return this.lastActive && this.programs.has(this.lastActive.fsPath) ? this.lastActive : null;
  }

  private noteActive(editor: vscode.TextEditor | undefined): void {
    if (!editor) return;
    this.consider(editor.document);
    if (this.programs.has(editor.document.uri.fsPath)) this.lastActive = editor.document.uri;
  }

  get hasPrograms(): boolean {
    return this.programs.size > 0 || this.scanned;
  }

  get hasTrace(): boolean {
    return this.traced;
  }

  private considerSoon(document: vscode.TextDocument): void {
    if (!isProgram(document)) return;
    this.edited.add(document);
    if (this.editTimer) clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => {
      this.editTimer = null;
      for (const edited of this.edited) this.consider(edited, false);
      this.edited.clear();
      this.publish();
    }, 300);
  }

  private consider(document: vscode.TextDocument, publish = true): void {
    const path = document.uri.fsPath;
    const program = isProgram(document) && !document.isClosed && importsGradlens(document.getText());
    const had = this.programs.has(path);
    if (program) this.programs.add(path);
    else this.programs.delete(path);
    if (publish && program !== had) this.publish();
  }

  private closed(document: vscode.TextDocument): void {
    if (!this.programs.delete(document.uri.fsPath)) return;
    // A program of the workspace stays one once its editor is closed.
    if (document.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(document.uri)) this.scanned = true;
    this.publish();
  }

  private setTraced(): void {
    if (this.traced) return;
    this.traced = true;
    this.publish();
  }

  private publish(): void {
    const files = JSON.stringify(this.programFiles);
    if (files !== this.published) {
      this.published = files;
      void vscode.commands.executeCommand('setContext', PROGRAM_FILES, this.programFiles);
    }
    this.set(HAS_PROGRAMS, this.hasPrograms);
    this.set(HAS_TRACE, this.traced);
  }

  private set(key: string, value: boolean): void {
    if (this.flags.get(key) === value) return;
    this.flags.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  /** Looks once for a trace file and for a program in the workspace (bounded: see SCAN_FILES, SCAN_BYTES). */
  private async scan(): Promise<void> {
    if (!vscode.workspace.workspaceFolders?.length) return;
    try {
      const [traces, candidates] = await Promise.all([
        vscode.workspace.findFiles(TRACE_GLOB, '**/node_modules/**', 1),
        vscode.workspace.findFiles(PROGRAM_GLOB, SCAN_EXCLUDE, SCAN_FILES),
      ]);
      if (this.isDisposed) return;
      if (traces.length > 0) this.traced = true;
      for (const uri of candidates) {
        if (this.isDisposed || this.programs.size > 0) break;
        if (await importsGradlensOnDisk(uri)) { this.scanned = true; break; }
      }
    } catch {
      // a workspace that cannot be searched: the keys follow open files and runs only
    }
    if (!this.isDisposed) this.publish();
  }
}

async function importsGradlensOnDisk(uri: vscode.Uri): Promise<boolean> {
  try {
    const { size } = await vscode.workspace.fs.stat(uri);
    if (size > SCAN_BYTES) return false;
    return importsGradlens(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
  } catch {
    return false;
  }
}
