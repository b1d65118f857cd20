/**
 * Running a program that a trace names (Check Gradients Numerically from a trace read back from a
 * file): a trace is data, never an instruction. The file must be inside a workspace folder of a
 * trusted workspace, and the user confirms in a dialog that names it. A trace this window's run
 * made names the program the user ran, and runs it again without asking.
 */
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { ask, notify } from './notify';
import { checkTracePath } from './pathPolicy';
import type { RunRecord } from './runs';
import { plainText, safe } from './untrusted';

export const RUN_CHOICE = 'Run It';

/** The program to run for `record`, once allowed (and confirmed, naming the arguments it will get), or null. */
export async function programToRun(record: RunRecord, purpose: string, args: readonly string[] = []): Promise<vscode.Uri | null> {
  if (record.origin === 'run') return vscode.Uri.file(record.file);
  if (!vscode.workspace.isTrusted) {
    void notify('warning', 'GradLens does not run a program named by a trace file in Restricted Mode.');
    return null;
  }
  const roots = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const checked = checkTracePath(record.file, { roots });
  if (!checked.ok) {
    void notify('warning', safe.notification`GradLens does not run ${record.file}, named by the trace: ${checked.reason === 'it is outside the workspace folders and the folder of the trace' ? 'it is outside the workspace folders' : checked.reason}.`);
    return null;
  }
  let isFile = false;
  try {
    isFile = statSync(checked.path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    void notify('warning', safe.notification`GradLens cannot run ${checked.path}, named by the trace: there is no such file.`);
    return null;
  }
  const from = record.tracePath ? plainText(record.tracePath) : 'a file';
  const choice = await ask(
    safe.notification`Run ${vscode.workspace.asRelativePath(checked.path)}?`,
    `${purpose} runs the program ${plainText(checked.path)}${args.length > 0 ? ` with the arguments ${plainText(args.map((arg) => JSON.stringify(arg)).join(' '))}` : ''}, which the trace read from ${from} names. Run it only if you trust that file.`,
    RUN_CHOICE,
  );
  return choice === RUN_CHOICE ? vscode.Uri.file(checked.path) : null;
}
