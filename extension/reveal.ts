/**
 * Opening the source line of something in a trace — only where the trace may point (pathPolicy.ts):
 * anywhere for a trace this window's run made (its sources are the program's own files), under the
 * workspace folders or the trace's folder for one read from a file. Otherwise it says why.
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { Source } from '../protocol/trace';
import { notify } from './notify';
import { checkTracePath, type PathPolicy } from './pathPolicy';
import type { RunRecord } from './runs';
import { safe } from './untrusted';

/** Where the files a record's trace names may be opened from. */
export function pathPolicyOf(record: RunRecord): PathPolicy {
  if (record.origin === 'run') return { roots: null };
  const roots = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  if (record.tracePath) roots.push(dirname(record.tracePath));
  return { roots };
}

/** Opens the file at the source line; `keepFocus` leaves the keyboard where it was (the panel). */
export async function revealSource(record: RunRecord, source: Source, keepFocus: boolean, highlight?: vscode.TextEditorDecorationType): Promise<void> {
  const checked = checkTracePath(source.file, pathPolicyOf(record));
  if (!checked.ok) {
    void notify('warning', safe.notification`GradLens does not open ${source.file} from this trace: ${checked.reason}.`);
    return;
  }
  const uri = vscode.Uri.file(checked.path);
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri.fsPath);
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const line = Math.min(Math.max(0, Math.floor(source.line) - 1), document.lineCount - 1);
    const column = Math.max(0, Math.floor(source.column) - 1);
    const range = new vscode.Range(line, column, line, column);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: keepFocus, selection: range,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    if (highlight) editor.setDecorations(highlight, [document.lineAt(line).range]);
  } catch (error) {
    void notify('warning', safe.notification`GradLens cannot open ${source.file}:${source.line}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
