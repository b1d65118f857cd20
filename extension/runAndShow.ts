/**
 * "Run the file, then open the inspector on its trace", the one way every command that runs a
 * program does it: Compute Gradients (palette, editor title), a lens, Re-run Last, Check Gradients
 * Numerically, the Training view's Run again keeping pass #N and a `gradlens` launch configuration. The run is Runs.run's (trust, one at a time,
 * saving, progress with Cancel, output, the error notification); then a run that was not cancelled
 * is shown — when the setting asks for it, or when the inspector is open already (it moves to the
 * new run) — at what the lens pointed at, if a lens started it; or, always, at what the caller
 * asks for (a run traced again to keep a pass opens on that pass).
 *
 *   const runAndShow = runAndShowWith(runs, showRunWith(show));
 *   await runAndShow(uri, { line: 6 }); // the pass made at line 7, in the inspector
 */
import * as vscode from 'vscode';
import { readSettings } from './config';
import { InspectorPanel, type Focus } from './panel';
import type { RunOptions, RunRecord, Runs } from './runs';

/** How a run is asked for: the lens's line (0-based) besides the run's own options. */
export interface RunAndShowOptions extends RunOptions {
  line?: number | null;
  /**
   * What to show of the new trace, instead of what the lens pointed at: given, the inspector opens
   * on it whatever the setting says (the user asked to see it).
   */
  focus?(record: RunRecord): Focus;
}

/** Runs `file` and shows its trace; resolves with the record, or null when it did not run. */
export type RunAndShow = (file: vscode.Uri, options?: RunAndShowOptions) => Promise<RunRecord | null>;

/** Shows a run's record as every run is shown (a debugger's run, once its session ended, too). */
export type ShowRun = (record: RunRecord, focus?: RunAndShowOptions['focus']) => void;

/** `show` opens (or moves) the inspector panel on a record. */
export function showRunWith(show: (record: RunRecord, focus: Focus) => unknown): ShowRun {
  return (record, focus) => {
    if (record.result.cancelled) return;
    if (focus) show(record, focus(record));
    else if (readSettings(vscode.Uri.file(record.file)).openInspector || InspectorPanel.active) show(record, record.focus ? { selection: record.focus } : {});
  };
}

export function runAndShowWith(runs: Runs, showRun: ShowRun): RunAndShow {
  return async (file, { line = null, focus, ...options } = {}) => {
    const record = await runs.run(file, line, options);
    if (record) showRun(record, focus);
    return record;
  };
}
