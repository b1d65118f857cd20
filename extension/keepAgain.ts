/**
 * The host's side of the Training view's "Run again keeping pass #N" (`run/again-keeping`): the
 * pass is checked against the trace the panel holds, the program is run like any a trace names (a
 * trace read from a file runs nothing without the user's yes: runFromTrace.ts), traced again with
 * the same arguments, seed and limits through the run path every command takes (progress, Problems, views,
 * lenses), and the inspector opens on the pass — or, when the new run did not keep it, on the
 * Training view, with a warning that says so (rerunKeeping.ts has the pure part). The budget and
 * tensor limit are the trace's own, so the other passes kept are the same; the pass asked for is
 * kept whatever it costs.
 */
import { basename } from 'node:path';
import type * as vscode from 'vscode';
import { notify } from './notify';
import { keepAgainOutcome, keepAgainPlan, keepAgainWarning, passNumber, type KeepAgainOutcome } from './rerunKeeping';
import type { RunAndShow } from './runAndShow';
import { programToRun } from './runFromTrace';
import type { RunRecord } from './runs';
import { plainText, safe } from './untrusted';

/** Traces `record`'s program again keeping pass `id`; resolves with the new record, or null when nothing ran. */
export async function keepAgain(record: RunRecord, id: number, runAndShow: RunAndShow, output: vscode.OutputChannel): Promise<RunRecord | null> {
  const plan = keepAgainPlan(record.trace, id);
  if (!plan) {
    output.appendLine(`inspector: ignored run/again-keeping of pass ${id} (no summarised pass of the trace shown has that id)`);
    return null;
  }
  const uri = await programToRun(record, `Running it again to keep backward pass ${passNumber(id)}`, plan.args);
  if (!uri) return null;
  const name = basename(uri.fsPath);
  const seen: { outcome?: KeepAgainOutcome } = {};
  const next = await runAndShow(uri, {
    args: plan.args, seed: plan.seed, keep: plan.keep, maxElements: plan.maxElements,
    ...(plan.maxTraceMb !== undefined ? { maxTraceMb: plan.maxTraceMb } : {}),
    progressTitle: safe.notification`GradLens: tracing ${name} again, keeping backward pass ${passNumber(id)}`,
    focus: (run) => {
      const outcome = seen.outcome = keepAgainOutcome(plan.pass, run.trace);
      return outcome.selection ? { selection: outcome.selection } : {};
    },
  });
  const warning = next && seen.outcome ? keepAgainWarning(seen.outcome, name) : null;
  if (warning) {
    output.appendLine(`⚠ ${plainText(warning)}`);
    void notify('warning', warning);
  }
  return next;
}
