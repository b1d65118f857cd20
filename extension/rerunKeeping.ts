/**
 * Tracing a run again to keep one of its summarised passes whole (the Training view's "Run again
 * keeping pass #N", message `run/again-keeping`): the new run's options, read from the trace the
 * host holds — the same arguments, seed and limits, the passes that run asked for and this one — and what
 * came of it: the pass kept (the same loss, or not: the program did not run the same way), or not
 * there at all. Pure: no VS Code, so it is tested in Node (keepAgain.ts runs it).
 *
 *   const plan = keepAgainPlan(trace, 57); // { pass, args: ['80'], seed: 1234, keep: [[57, 57]], maxTraceMb: 64, maxElements: 1024 }
 */
import type { Selection } from '../protocol/messages';
import { formatNumber } from '../protocol/query/format';
import { hasTraining, passToKeep } from '../protocol/query/training';
import { decodeNumber, isKept, type BackwardPass, type Trace } from '../protocol/trace';
import { safe } from './untrusted';

export type PassRange = [first: number, last: number];

/** How to trace the run again so that `pass` is kept. */
export interface KeepAgainPlan {
  /** The summarised pass, in the trace the host holds. */
  pass: BackwardPass;
  args: string[];
  seed: number;
  /** The passes the run asked for, and this one. */
  keep: PassRange[];
  /** The run's own limits (so that it keeps the same other passes): its budget (absent in version 1) and tensor elements. */
  maxTraceMb?: number;
  maxElements: number;
}

/** "#58": a pass as the user sees it numbered (ids count from 0, the inspector and views from 1). */
export function passNumber(id: number): string {
  return `#${(id + 1).toLocaleString('en-US')}`;
}

/** Ranges sorted, overlapping and adjacent ones joined: [[5, 7], [1, 1], [6, 9]] → [[1, 1], [5, 9]]. */
export function mergeRanges(ranges: readonly (readonly [number, number])[]): PassRange[] {
  const sorted = ranges.map(([first, last]): PassRange => [first, last]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: PassRange[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous && range[0] <= previous[1] + 1) previous[1] = Math.max(previous[1], range[1]);
    else merged.push(range);
  }
  return merged;
}

/** The options that trace `trace`'s run again keeping pass `id`; null unless it names a summarised pass of it. */
export function keepAgainPlan(trace: Trace, id: number): KeepAgainPlan | null {
  const pass = passToKeep(trace, id);
  if (!pass) return null;
  const { run } = trace;
  return {
    pass, args: [...run.argv], seed: run.seed, keep: mergeRanges([...(run.keep?.requested ?? []), [pass.id, pass.id]]),
    maxElements: run.maxElements, ...(run.keep ? { maxTraceMb: run.keep.maxTraceMb } : {}),
  };
}

/** What came of the new run, and where the inspector opens on it. */
export type KeepAgainOutcome =
  /** The pass is kept whole: the inspector opens on it. `loss`: before and after, when both passes had one. */
  | { kind: 'kept'; id: number; selection: Selection; loss: { before: number; after: number } | null }
  /** The new run made no such pass, or summarised it again: the Training view (when the new trace has one) says what ran. */
  | { kind: 'missing' | 'summarised'; id: number; selection: Selection | null; passes: number };

const lossOf = (pass: BackwardPass): number | null => {
  const head = pass.summary?.head;
  return head === null || head === undefined ? null : decodeNumber(head);
};

/** The same loss, to the last bits a float32 loss carries through a JSON trace (NaN is NaN). */
export function sameLoss(before: number, after: number): boolean {
  if (Number.isNaN(before) || Number.isNaN(after)) return Number.isNaN(before) && Number.isNaN(after);
  if (!Number.isFinite(before) || !Number.isFinite(after)) return before === after;
  return before === after || Math.abs(before - after) <= 1e-9 * Math.max(Math.abs(before), Math.abs(after));
}

/** Where pass `before` (of the old trace) is in `after`, the trace of the run traced again. */
export function keepAgainOutcome(before: BackwardPass, after: Trace): KeepAgainOutcome {
  const id = before.id;
  const pass = after.backwardPasses.find((p) => p.id === id);
  if (!pass || !isKept(pass)) {
    return { kind: pass ? 'summarised' : 'missing', id, selection: hasTraining(after) ? { kind: 'training' } : null, passes: after.backwardPasses.length };
  }
  const [lossBefore, lossAfter] = [lossOf(before), lossOf(pass)];
  return { kind: 'kept', id, selection: { kind: 'pass', id }, loss: lossBefore !== null && lossAfter !== null ? { before: lossBefore, after: lossAfter } : null };
}

/**
 * The warning a notification shows about the outcome (null: the pass is there, as it was), built
 * with `safe.notification`: `file` is the program's name.
 */
export function keepAgainWarning(outcome: KeepAgainOutcome, file: string): string | null {
  const number = passNumber(outcome.id);
  const instead = outcome.kind !== 'kept' && outcome.selection?.kind === 'training' ? ' The Training view shows the new run.' : '';
  switch (outcome.kind) {
    case 'missing': {
      const made = `${outcome.passes.toLocaleString('en-US')} backward pass${outcome.passes === 1 ? '' : 'es'}`;
      return safe.notification`GradLens: traced again, ${file} did not run backward pass ${number} (it made ${made} this time): the program did not run the same way (is it deterministic?).${instead}`;
    }
    case 'summarised':
      return safe.notification`GradLens: traced again, ${file} still summarised backward pass ${number}: the program did not run the same way (is it deterministic?).${instead}`;
    case 'kept':
      if (!outcome.loss || sameLoss(outcome.loss.before, outcome.loss.after)) return null;
      return safe.notification`GradLens: traced again, ${file} did not run the same way: the loss of pass ${number} was ${formatNumber(outcome.loss.before)}, now ${formatNumber(outcome.loss.after)}. The program may use randomness not seeded through the engine (Math.random, the time); the pass shown is the new run's.`;
  }
}
