/**
 * What the Training view reads of a trace in parts besides the summaries: the first kept pass's
 * nodes (the variables' names and lines, the relu layers' lines) and the kept passes that explain
 * a vanished gradient (gradientDrop.ts's pointsToExplain). The view draws at once from the
 * summaries; these parts, loaded after, fill in the names and the why. Pure: tested in Node.
 */
import type { Thresholds } from '../../protocol/messages';
import { pointsToExplain } from '../../protocol/query/gradientDrop';
import { vanishedFrom } from '../../protocol/query/training';
import { isKept, type Trace } from '../../protocol/trace';
import { partOfPass, withNeeds } from '../../protocol/traceParts';
import type { TrainingRun } from './training';

/** The parts of `trace` the Training view would read that it does not hold yet (none for a whole trace). */
export function trainingParts(trace: Trace, run: TrainingRun, thresholds: Thresholds): number[] {
  const parts = trace.parts;
  if (!parts) return [];
  const passes = new Set<number>();
  const first = trace.backwardPasses.find((pass) => isKept(pass) && !pass.error);
  if (first) passes.add(first.id);
  for (const series of run.series) {
    const from = vanishedFrom(series.source, thresholds.vanishing);
    if (from) for (const point of pointsToExplain(series.source, from.point.index)) passes.add(point.pass.id);
  }
  const wanted = [...passes].map((id) => partOfPass(trace, id)).filter((part) => part >= 0);
  return withNeeds(parts, wanted).filter((part) => !parts.loaded[part]);
}
