/**
 * A training run as the Training view draws it, from the passes' summaries alone (a summarised
 * pass has nothing else): the passes in order with their loss, each variable's series aligned to
 * them, curves reduced to what pixel columns can show, and the passes marked on them. The heatmap
 * and the gradient flow are trainingCharts.ts; the run in words trainingWords.ts. Pure (no DOM):
 * tested in Node.
 */
import { indexTrace } from '../../protocol/query/indexTrace';
import { nodeNames } from '../../protocol/query/names';
import { hasTraining, seriesOf, type Series } from '../../protocol/query/training';
import { decodeNumber, isKept, type ActivationSummary, type Trace, type VariableSummary } from '../../protocol/trace';
import { labelText } from './labels';

// The predicate lives in the protocol: the host checks a Training view exists before it asks for one.
export { hasTraining, TRAINING_MIN_PASSES } from '../../protocol/query/training';

/** A trace of this many passes opens on the Training view when no selection was asked for. */
export const TRAINING_OPENS_AT = 20;
/** The rule of thumb for ‖Δw‖ / ‖w‖ per step: far below it, a parameter barely learns. */
export const UPDATE_RATIO_RULE = 1e-3;

/** Whether the trace opens on its Training view: a long run (TRAINING_OPENS_AT passes or more) with summaries. */
export function opensOnTraining(trace: Trace): boolean {
  return trace.backwardPasses.length >= TRAINING_OPENS_AT && hasTraining(trace);
}

/** A pass of the run: one with a summary. */
export interface RunPass {
  /** Its index in `backwardPasses`; `number` is index + 1, as the picker numbers passes. */
  index: number;
  number: number;
  id: number;
  /** False for a summarised pass: it has no graph to open. */
  kept: boolean;
  /** The loss (the summary's one-element head), NaN and ±∞ included; null without one. */
  loss: number | null;
  anomalies: number;
}

/** A variable over the run: the same array in every pass (a parameter updated in place). */
export interface RunSeries {
  id: number;
  /** What the view calls it: its gluon name, else its variable name or line, cut for a label. */
  name: string;
  /** The gluon block it belongs to (`net.0` for `net.0.weight`); null without a gluon name. */
  layer: string | null;
  /** Its summary at each pass of the run (aligned with TrainingRun.passes), null where it took no part. */
  at: (VariableSummary | null)[];
  /** The series as protocol/query/training reads it. */
  source: Series;
}

/** A relu layer over the run (summary.activations, by series key): its dead units at each pass. */
export interface ActivationSeries {
  /** The summaries' series key: a gluon block's path, or `site:N`. */
  key: string;
  /** What the view calls it: the block's path (`net.0`, `layer 0` for a bare number), else `relu at line 25`. */
  name: string;
  /** The subject of a sentence about it: `net.0's relu`, `the relu at line 25`. */
  subject: string;
  /** Its summary at each pass of the run (aligned with TrainingRun.passes), null where the pass's forward had none. */
  at: (ActivationSummary | null)[];
}

export interface TrainingRun {
  passes: RunPass[];
  /** In network order: by the pass they first appear in, then by node id (leaves made in forward order). */
  series: RunSeries[];
  /** The relu layers, in order of first call (empty when the run has none, or its trace predates them). */
  activations: ActivationSeries[];
}

/** `net.0.weight` → `net.0`; null for a name without a block. */
export function layerOf(param: string | null): string | null {
  if (!param) return null;
  const dot = param.lastIndexOf('.');
  return dot > 0 ? param.slice(0, dot) : null;
}

function seriesName(trace: Trace, series: Series): string {
  if (series.param) return labelText(series.param, 48);
  const nodes = indexTrace(trace).nodes;
  const names = nodeNames(trace);
  for (const point of series.points) {
    const node = nodes.get(point.variable.node);
    if (!node) continue; // a summarised pass left its nodes out
    const name = names.get(node.id);
    if (name) return labelText(name, 48);
    if (node.source) return `line ${node.source.line}`;
  }
  return `variable ${series.id}`;
}

const SITE_KEY = 'site:';

/** A relu series' name and subject: its block's path, else its line (from the first of its nodes the trace kept). */
function activationNames(trace: Trace, key: string, at: readonly (ActivationSummary | null)[]): { name: string; subject: string } {
  if (!key.startsWith(SITE_KEY)) {
    const path = labelText(key, 48);
    const name = /^\d+$/.test(key) ? `layer ${path}` : path;
    return { name, subject: `${name}'s relu` };
  }
  const nodes = indexTrace(trace).nodes;
  for (const a of at) {
    const line = a ? nodes.get(a.node)?.source?.line : undefined;
    if (line !== undefined) return { name: `relu at line ${line}`, subject: `the relu at line ${line}` };
  }
  return { name: 'relu', subject: 'a relu' };
}

function activationSeries(trace: Trace, summarised: readonly (ActivationSummary[] | undefined)[]): ActivationSeries[] {
  const byKey = new Map<string, (ActivationSummary | null)[]>();
  summarised.forEach((activations, position) => {
    for (const a of activations ?? []) {
      let at = byKey.get(a.series);
      if (!at) byKey.set(a.series, at = new Array<ActivationSummary | null>(summarised.length).fill(null));
      at[position] = a;
    }
  });
  return [...byKey].map(([key, at]) => ({ key, ...activationNames(trace, key, at), at }));
}

export function trainingRun(trace: Trace): TrainingRun {
  const passes: RunPass[] = [];
  const positionOf = new Map<number, number>();
  trace.backwardPasses.forEach((pass, index) => {
    const summary = pass.summary;
    if (!summary) return;
    positionOf.set(index, passes.length);
    passes.push({
      index, number: index + 1, id: pass.id, kept: isKept(pass),
      loss: summary.head === null ? null : decodeNumber(summary.head), anomalies: summary.anomalies,
    });
  });
  const series = seriesOf(trace).map((source): RunSeries => {
    const at = new Array<VariableSummary | null>(passes.length).fill(null);
    for (const point of source.points) at[positionOf.get(point.index)!] = point.variable;
    return { id: source.id, name: seriesName(trace, source), layer: layerOf(source.param), at, source };
  });
  const firstSeen = (s: RunSeries) => s.source.points[0]!;
  series.sort((a, b) => firstSeen(a).index - firstSeen(b).index || firstSeen(a).variable.node - firstSeen(b).variable.node);
  const activations = activationSeries(trace, passes.map((p) => trace.backwardPasses[p.index]!.summary!.activations));
  return { passes, series, activations };
}

/** The run position of the pass at `index` of `backwardPasses`, or -1. */
export function positionOfIndex(run: TrainingRun, index: number): number {
  let low = 0;
  let high = run.passes.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const at = run.passes[middle]!.index;
    if (at === index) return middle;
    if (at < index) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** The run position of the pass nearest to pass number `x` (a cursor's position), or -1 for an empty run. */
export function nearestPosition(run: TrainingRun, x: number): number {
  const { passes } = run;
  if (passes.length === 0 || !Number.isFinite(x)) return -1;
  let low = 0;
  let high = passes.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (passes[middle]!.number < x) low = middle + 1;
    else high = middle;
  }
  return low > 0 && x - passes[low - 1]!.number <= passes[low]!.number - x ? low - 1 : low;
}

// ---- Curves -----------------------------------------------------------------------------------

/** A value a log axis can place: positive and finite, else null (a gap). */
export const onLogAxis = (value: number | null | undefined): number | null =>
  value !== null && value !== undefined && value > 0 && Number.isFinite(value) ? value : null;

/** A value a linear axis can place: finite, else null. */
export const onAxis = (value: number | null | undefined): number | null =>
  value !== null && value !== undefined && Number.isFinite(value) ? value : null;

/** The x of every curve: the pass numbers. */
export const passNumbers = (run: TrainingRun): number[] => run.passes.map((p) => p.number);

export const lossCurve = (run: TrainingRun): (number | null)[] => run.passes.map((p) => onAxis(p.loss));

export const gradNormCurve = (series: RunSeries): (number | null)[] => series.at.map((v) => onLogAxis(v?.gradL2));

export const updateRatioCurve = (series: RunSeries): (number | null)[] => series.at.map((v) => onLogAxis(v?.updateRatio));

/** The share of a relu layer's units that were dead (0 for the whole batch) at each pass; null where it did not run or had no unit. */
export const deadShareCurve = (series: ActivationSeries): (number | null)[] => series.at.map((a) => (a && a.units > 0 ? a.dead / a.units : null));

export const zeroFractionCurve = (series: RunSeries): (number | null)[] => series.at.map((v) => (v ? v.zeroFraction : null));

/** Curves sharing one x, as a chart draws them. */
export interface Curves {
  x: number[];
  ys: (number | null)[][];
}

/**
 * Curves reduced to what `columns` pixel columns can show without losing a spike: when there are
 * more than two points per column, each column keeps two x (its first and last point's) and, for
 * each curve, its minimum and maximum in the column, in the order they came. Columns split the x
 * range evenly. Fewer points are returned as they are.
 */
export function reduceToColumns(curves: Curves, columns: number): Curves {
  const { x, ys } = curves;
  const n = x.length;
  if (columns < 1 || n <= 2 * columns) return { x: [...x], ys: ys.map((y) => [...y]) };
  const first = x[0]!;
  const span = x[n - 1]! - first;
  const columnOf = (value: number) => span === 0 ? 0 : Math.min(columns - 1, Math.floor(((value - first) / span) * columns));
  const outX: number[] = [];
  const outYs: (number | null)[][] = ys.map(() => []);
  let start = 0;
  while (start < n) {
    const column = columnOf(x[start]!);
    let end = start + 1;
    while (end < n && columnOf(x[end]!) === column) end++;
    const single = end - start === 1;
    outX.push(x[start]!);
    if (!single) outX.push(x[end - 1]!);
    ys.forEach((y, k) => {
      let minAt = -1;
      let maxAt = -1;
      for (let i = start; i < end; i++) {
        const v = y[i];
        if (v === null || v === undefined) continue;
        if (minAt < 0 || v < y[minAt]!) minAt = i;
        if (maxAt < 0 || v > y[maxAt]!) maxAt = i;
      }
      const out = outYs[k]!;
      if (single) { out.push(minAt < 0 ? null : y[minAt]!); return; }
      if (minAt < 0) { out.push(null, null); return; }
      const [earlier, later] = minAt <= maxAt ? [minAt, maxAt] : [maxAt, minAt];
      out.push(y[earlier]!, y[later]!);
    });
    start = end;
  }
  return { x: outX, ys: outYs };
}

/** Where a curve chart marks a pass: the loss was not finite, an anomaly was found, a series' gradient had NaN/∞. */
export interface PassMark {
  number: number;
  /** 'run': the loss or an anomaly (drawn on every chart); 'series': only that series' gradient. */
  kind: 'run' | 'series';
  /** The series (its position in TrainingRun.series) for a series mark. */
  series?: number;
  /** What happened there, in words. */
  label: string;
}

/** NaN, ∞ or −∞ in words. */
export const nonFiniteWord = (value: number) => (Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞');

/** The run's marks: passes whose loss was NaN or ±∞, and passes with anomalies. */
export function runMarks(run: TrainingRun): PassMark[] {
  const marks: PassMark[] = [];
  for (const pass of run.passes) {
    const words: string[] = [];
    if (pass.loss !== null && !Number.isFinite(pass.loss)) words.push(`loss ${nonFiniteWord(pass.loss)}`);
    if (pass.anomalies > 0) words.push(`${pass.anomalies} ${pass.anomalies === 1 ? 'anomaly' : 'anomalies'}`);
    if (words.length > 0) marks.push({ number: pass.number, kind: 'run', label: words.join(', ') });
  }
  return marks;
}

/** Passes where a series' gradient had NaN or ±∞ elements, for each series. */
export function seriesMarks(run: TrainingRun): PassMark[] {
  const marks: PassMark[] = [];
  run.series.forEach((series, s) => series.at.forEach((v, position) => {
    if (!v || v.nan + v.inf === 0) return;
    const parts = [v.nan > 0 ? `${v.nan} NaN` : '', v.inf > 0 ? `${v.inf} ±∞` : ''].filter(Boolean).join(' and ');
    marks.push({ number: run.passes[position]!.number, kind: 'series', series: s, label: `${series.name}: ∇ has ${parts}` });
  }));
  return marks.sort((a, b) => a.number - b.number || a.series! - b.series!);
}
