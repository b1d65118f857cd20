/**
 * "Compute gradient" above every `autograd.record(`, `.backward(` and `autograd.grad(` call of a
 * TS/JS file that imports gradlens. After a run the lens shows the result of its line ("x.grad =
 * [0, 4, 8, 12] · step through 2 steps", which opens the inspector there; over a training loop's
 * backward, "80 passes · loss 2.3 → 0.41 · Training view" and "step through the last (9 steps)");
 * once the file is edited the lens says the result is stale and runs it again.
 */
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { lensResults } from './results';
import { isCurrent, type Runs } from './runs';
import { findSites } from './sites';
import { safe } from './untrusted';

export const LENS_LANGUAGES: vscode.DocumentSelector = [
  { language: 'typescript', scheme: 'file' },
  { language: 'javascript', scheme: 'file' },
  { language: 'typescriptreact', scheme: 'file' },
  { language: 'javascriptreact', scheme: 'file' },
];

/** Whether GradLens can run the document: a TypeScript or JavaScript file on disk. */
export function isProgram(document: vscode.TextDocument): boolean {
  return vscode.languages.match(LENS_LANGUAGES, document) > 0;
}

/** `gradlens.codeLens.enabled`: whether the lenses show (per folder: a resource setting). */
export const LENS_SETTING = 'gradlens.codeLens.enabled';

export function lensesEnabled(scope?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('gradlens', scope).get<boolean>('codeLens.enabled') ?? true;
}

/**
 * GradLens: Toggle "Compute gradient" Lenses — flips the setting where it is set: the workspace's
 * value if the workspace sets one, else the user's.
 */
export async function toggleLenses(): Promise<boolean> {
  const scope = vscode.window.activeTextEditor?.document.uri;
  const config = vscode.workspace.getConfiguration('gradlens', scope);
  const inspected = config.inspect<boolean>('codeLens.enabled');
  const next = !lensesEnabled(scope);
  const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('codeLens.enabled', next, target);
  return next;
}

export class GradientLenses extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly runs: Runs) {
    super();
    this.register(runs.onDidRun(() => this.changed.fire()));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => { if (event.affectsConfiguration(LENS_SETTING)) this.changed.fire(); }));
    // A lens over an edited file goes stale: ask again once the edit is made.
    this.register(vscode.workspace.onDidChangeTextDocument((event) => {
      if (runs.last(event.document.uri.fsPath)) this.changed.fire();
    }));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!lensesEnabled(document.uri)) return [];
    const sites = findSites(document.getText());
    if (sites.length === 0) return [];
    const record = this.runs.last(document.uri.fsPath);
    const fresh = record !== null && isCurrent(record, document);
    const lenses: vscode.CodeLens[] = [];
    const seenLines = new Set<number>();
    for (const site of sites) {
      if (seenLines.has(site.line)) continue; // y.backward() inside autograd.record(…) on one line: one lens
      seenLines.add(site.line);
      const range = new vscode.Range(site.line, site.column, site.line, site.column);
      const results = fresh ? lensResults(record.trace, record.file, site.line + 1) : [];
      if (results.length > 0) {
        results.forEach((result, i) => {
          const icon = result.selection.kind === 'training' ? '$(graph-line)' : i === 0 ? '$(graph)' : '$(debug-step-into)';
          lenses.push(new vscode.CodeLens(range, { title: `${icon} ${safe.icons`${result.title}`}`, command: 'gradlens.openInspectorAt', arguments: [document.uri, result.selection], tooltip: result.tooltip }));
        });
        lenses.push(new vscode.CodeLens(range, { title: '$(refresh) Compute again', command: 'gradlens.computeGradient', arguments: [document.uri, site.line], tooltip: 'Run the file again with capture' }));
      } else {
        const title = record && !fresh ? 'Compute gradient (file changed)'
          : record && fresh ? (record.trace.run.paused ? 'Compute gradient (not reached yet: paused)' : 'Compute gradient (not reached in the last run)') : 'Compute gradient';
        lenses.push(new vscode.CodeLens(range, { title: `$(play) ${title}`, command: 'gradlens.computeGradient', arguments: [document.uri, site.line], tooltip: 'Run this file with capture and open the inspector here' }));
      }
    }
    return lenses;
  }
}
