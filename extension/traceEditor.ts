/**
 * Trace files as documents: `*.gradlens.json` opens in the inspector (a read-only custom editor,
 * VS Code's default for the pattern; *Reopen Editor With… → Text Editor* shows the JSON, which the
 * manifest's `jsonValidation` checks against the packaged schema). Reading a trace runs nothing, so
 * this works in Restricted Mode as well. The trace is read as Open Trace File… reads it (a big
 * file in parts), and it becomes GradLens's current trace (lenses, views, Problems), as there.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { notify } from './notify';
import { openTrace } from './openTrace';
import { InspectorPanel, type PanelEvents } from './panel';
import type { Runs } from './runs';
import { safe } from './untrusted';

export const TRACE_EDITOR_VIEW_TYPE = 'gradlens.traceFile';

export class TraceEditors extends Disposable implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly context: vscode.ExtensionContext, private readonly runs: Runs, private readonly events: PanelEvents) {
    super();
    this.register(vscode.window.registerCustomEditorProvider(TRACE_EDITOR_VIEW_TYPE, this, { supportsMultipleEditorsPerDocument: true }));
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => {} };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const name = basename(document.uri.path);
    if (document.uri.scheme !== 'file') {
      InspectorPanel.forDocument(panel, this.context, this.runs, this.events, null, safe.plain`GradLens reads trace files on this machine's disk only; ${name} is on ${document.uri.scheme}:. Save a copy locally to inspect it.`);
      return;
    }
    const read = openTrace(document.uri.fsPath);
    if (!read.ok) {
      const problems = read.problems.slice(0, 3).join('; ');
      InspectorPanel.forDocument(panel, this.context, this.runs, this.events, null, safe.plain`${name} is not a trace GradLens can show: ${problems}. Reopen it with the Text Editor to see its JSON.`);
      return;
    }
    if (read.notice) void notify('warning', safe.notification`GradLens: ${read.notice}`);
    const record = this.runs.adopt(read.trace, document.uri.fsPath, 'file', read.fileParts);
    InspectorPanel.forDocument(panel, this.context, this.runs, this.events, record);
  }
}
