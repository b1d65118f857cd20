/**
 * The Problems panel: after each run, the program's error, its NaN/Inf anomalies, its graph
 * breaks, gradients that vanished over a run and a loss that turned NaN, as diagnostics at their lines, with the trace's explanation (results.ts says what they are).
 */
import * as vscode from 'vscode';
import { readSettings } from './config';
import { Disposable } from './dispose';
import { problemsOf, type Severity } from './results';
import { checkTracePath } from './pathPolicy';
import { pathPolicyOf } from './reveal';
import type { Runs } from './runs';
import { plainText } from './untrusted';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export class Problems extends Disposable {
  readonly collection = this.register(vscode.languages.createDiagnosticCollection('gradlens'));
  /** The files each run's diagnostics went to (cleared when that file runs again). */
  private readonly filesOf = new Map<string, vscode.Uri[]>();

  constructor(runs: Runs) {
    super();
    this.register(runs.onDidRun((record) => {
      for (const uri of this.filesOf.get(record.file) ?? []) this.collection.delete(uri);
      const byFile = new Map<string, vscode.Diagnostic[]>();
      const policy = pathPolicyOf(record);
      for (const problem of problemsOf(record.trace, readSettings(vscode.Uri.file(record.file)).thresholds)) {
        // A trace read from a file does not put problems on files outside the workspace and its folder.
        if (!checkTracePath(problem.file, policy).ok) continue;
        const line = Math.max(0, problem.line - 1);
        const column = Math.max(0, problem.column - 1);
        const diagnostic = new vscode.Diagnostic(new vscode.Range(line, column, line, Number.MAX_SAFE_INTEGER), plainText(problem.message, { multiline: true }), SEVERITY[problem.severity]);
        diagnostic.source = 'GradLens';
        diagnostic.code = problem.code;
        const list = byFile.get(problem.file) ?? [];
        list.push(diagnostic);
        byFile.set(problem.file, list);
      }
      const uris: vscode.Uri[] = [];
      for (const [file, diagnostics] of byFile) {
        const uri = vscode.Uri.file(file);
        this.collection.set(uri, diagnostics);
        uris.push(uri);
      }
      this.filesOf.set(record.file, uris);
    }));
  }
}
