/**
 * A summarised pass opened from the picker (or a link): it has no graph, so the inspector shows
 * what its summary knows — the loss, each variable's gradient statistics (in network order) with
 * the badges the graph would have given — and the nearest passes that were kept whole. Pure (no DOM): tested in Node.
 */
import type { Thresholds } from '../../protocol/messages';
import { decodeNumber, isKept, type ActivationSummary, type BackwardPass, type TensorStats, type Trace, type VariableSummary } from '../../protocol/trace';
import { badges, type Badge } from './colors';
import type { TrainingRun } from './training';

export interface SummarisedRow {
  name: string;
  /** The variable's gluon block, for grouping; null outside gluon. */
  layer: string | null;
  variable: VariableSummary;
  /** The badges the graph gives this gradient (nan, inf, zero, vanishing, exploding). */
  badges: Badge[];
}

export interface KeptNeighbour {
  id: number;
  /** As the picker numbers passes, from 1. */
  number: number;
}

/** A relu layer of the pass: its name as the Training view gives it, and its summary there. */
export interface SummarisedActivation {
  name: string;
  activation: ActivationSummary;
}

export interface SummarisedPassView {
  pass: BackwardPass;
  number: number;
  /** The loss (a one-element head), NaN and ±∞ included; null without one. */
  loss: number | null;
  rows: SummarisedRow[];
  /** Its relu layers' dead units (the summary's activations), named as the Training view names them. */
  activations: SummarisedActivation[];
  /** The nearest passes before and after it that were kept whole (null: none that side). */
  before: KeptNeighbour | null;
  after: KeptNeighbour | null;
}

/** The badges the graph would give a gradient of these statistics (colors.ts decides; an all-zero gradient is 'zero'). */
export function summaryBadges(variable: VariableSummary, thresholds: Thresholds): Badge[] {
  const stats: TensorStats = {
    min: null, max: null, mean: variable.gradMean, std: variable.gradStd, l2: variable.gradL2,
    nan: variable.nan, inf: variable.inf, zeros: variable.zeroFraction === 1 ? 1 : 0,
  };
  return badges(stats, thresholds, true, 1);
}

function neighbour(trace: Trace, from: number, direction: 1 | -1): KeptNeighbour | null {
  for (let index = from + direction; index >= 0 && index < trace.backwardPasses.length; index += direction) {
    const pass = trace.backwardPasses[index]!;
    if (isKept(pass) && !pass.error) return { id: pass.id, number: index + 1 };
  }
  return null;
}

/**
 * What the inspector says of the summarised pass at `index` of `backwardPasses`; `run` (the
 * Training view's run, when the trace has one) names the variables as its charts do.
 */
export function summarisedPassView(trace: Trace, index: number, run: TrainingRun | null, thresholds: Thresholds): SummarisedPassView {
  const pass = trace.backwardPasses[index]!;
  const summary = pass.summary;
  const names = new Map(run?.series.map((s, order) => [s.id, { name: s.name, layer: s.layer, order }]) ?? []);
  // In network order, as the Training view lists them (else as the pass computed them).
  const order = (variable: VariableSummary) => names.get(variable.series)?.order ?? 0;
  const variables = [...(summary?.variables ?? [])].sort((a, b) => order(a) - order(b));
  const rows = variables.map((variable): SummarisedRow => {
    const known = names.get(variable.series);
    return {
      name: known?.name ?? variable.param ?? `variable ${variable.series}`,
      layer: known?.layer ?? null,
      variable,
      badges: summaryBadges(variable, thresholds),
    };
  });
  return {
    pass, number: index + 1,
    loss: summary?.head === null || summary?.head === undefined ? null : decodeNumber(summary.head),
    rows,
    activations: (summary?.activations ?? []).map((activation) => ({
      name: run?.activations.find((a) => a.key === activation.series)?.name ?? 'relu', activation,
    })),
    before: neighbour(trace, index, -1), after: neighbour(trace, index, 1),
  };
}
