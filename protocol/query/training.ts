/**
 * A training run read from its passes' summaries (docs/trace-format.md, "Pass summaries"): each
 * variable as a series over the passes, where its gradient vanished for good, and the first pass
 * whose loss was not finite. Pure: shared by the extension (Problems) and the inspector.
 */
import { decodeNumber, isKept, type BackwardPass, type Source, type Trace, type VariableSummary } from '../trace';

export interface SeriesPoint {
  pass: BackwardPass;
  /** The pass's index in `backwardPasses`. */
  index: number;
  variable: VariableSummary;
}

export interface Series {
  id: number;
  /** A gluon parameter's name, when it is one. */
  param: string | null;
  points: SeriesPoint[];
}

/** Passes with a summary a trace needs for a Training view. */
export const TRAINING_MIN_PASSES = 2;

/** Whether the trace has a Training view: at least two passes with summaries (the host checks a lens's selection, the inspector its own). */
export function hasTraining(trace: Trace): boolean {
  let summarised = 0;
  for (const pass of trace.backwardPasses) if (pass.summary && ++summarised >= TRAINING_MIN_PASSES) return true;
  return false;
}

/** Passes of the same kind at the same line of the same file: one line of a loop, however many times it ran. */
export function passLineKey(pass: BackwardPass): string {
  return `${pass.kind}:${pass.source?.file ?? ''}:${pass.source?.line ?? '?'}`;
}

/** Every variable's series, in order of first appearance. */
export function seriesOf(trace: Trace): Series[] {
  const byId = new Map<number, Series>();
  trace.backwardPasses.forEach((pass, index) => {
    for (const variable of pass.summary?.variables ?? []) {
      let series = byId.get(variable.series);
      if (!series) byId.set(variable.series, series = { id: variable.series, param: variable.param, points: [] });
      series.points.push({ pass, index, variable });
    }
  });
  return [...byId.values()];
}

const vanished = (v: VariableSummary, threshold: number) => v.nan === 0 && v.inf === 0 && (v.gradL2 === null || v.gradL2 < threshold);

/**
 * Where a series' gradient vanished for good: the first point of the run of passes, up to its
 * last, whose ‖∇‖ is below `threshold` — null when its last gradient is not below it. `always`
 * when that run is the whole series.
 */
export function vanishedFrom(series: Series, threshold: number): { point: SeriesPoint; always: boolean } | null {
  const { points } = series;
  let start = points.length;
  while (start > 0 && vanished(points[start - 1]!.variable, threshold)) start--;
  if (start === points.length) return null;
  return { point: points[start]!, always: start === 0 };
}

/** The first pass whose head (the loss) is NaN or infinite, and its value. */
export function firstNonFiniteLoss(trace: Trace): { pass: BackwardPass; index: number; value: number } | null {
  for (let index = 0; index < trace.backwardPasses.length; index++) {
    const pass = trace.backwardPasses[index]!;
    const head = pass.summary?.head;
    if (head === null || head === undefined) continue;
    const value = decodeNumber(head);
    if (!Number.isFinite(value)) return { pass, index, value };
  }
  return null;
}

/** The loss's first and last values over the passes of a line (null when they have no scalar head). */
export function lossRange(passes: readonly BackwardPass[]): { first: number; last: number } | null {
  const heads = passes.map((p) => p.summary?.head).filter((h) => h !== null && h !== undefined).map((h) => decodeNumber(h!));
  return heads.length === 0 ? null : { first: heads[0]!, last: heads[heads.length - 1]! };
}

/**
 * The pass a `run/again-keeping` message names, checked against the trace the host holds: a
 * summarised pass with that id, else null (no such pass, or one kept whole needs no new run).
 */
export function passToKeep(trace: Trace, id: number): BackwardPass | null {
  const pass = Number.isSafeInteger(id) ? trace.backwardPasses.find((p) => p.id === id) : undefined;
  return pass && !isKept(pass) ? pass : null;
}

/**
 * How many recordings the summarised passes left out (their `omitted.recordings`), of those begun
 * where `at` says (all without it): with the trace's own, every autograd.record that ran.
 */
export function leftOutRecordings(trace: Trace, at: (source: Source | null) => boolean = () => true): number {
  let count = 0;
  for (const pass of trace.backwardPasses) for (const r of pass.omitted?.recordings ?? []) if (at(r.source)) count += r.count;
  return count;
}
