/**
 * A training run as the Training view draws it, from the passes' summaries alone (a summarised
 * pass has nothing else): the passes in order with their loss, each variable's series aligned to
 * them, curves reduced to what pixel columns can show, the layer × pass heatmap of gradient norms,
 * the gradient flow of one pass, and the run in words. Pure (no DOM): tested in Node.
 */
import type { Thresholds } from '../../protocol/messages';
import { formatNumber } from '../../protocol/query/format';
import { indexTrace } from '../../protocol/query/indexTrace';
import { nodeNames } from '../../protocol/query/names';
import { firstNonFiniteLoss, seriesOf, vanishedFrom, type Series } from '../../protocol/query/training';
import { decodeNumber, isKept, type Trace, type VariableSummary } from '../../protocol/trace';
import { labelText } from './labels';

/** Passes with a summary a trace needs for a Training view. */
export const TRAINING_MIN_PASSES = 2;
/** A trace of this many passes opens on the Training view when no selection was asked for. */
export const TRAINING_OPENS_AT = 20;
/** The rule of thumb for ‖Δw‖ / ‖w‖ per step: far below it, a parameter barely learns. */
export const UPDATE_RATIO_RULE = 1e-3;

const summarised = (trace: Trace) => trace.backwardPasses.reduce((n, pass) => n + (pass.summary ? 1 : 0), 0);

/** Whether the trace has a Training view: at least two passes with summaries. */
export function hasTraining(trace: Trace): boolean {
  return summarised(trace) >= TRAINING_MIN_PASSES;
}

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

export interface TrainingRun {
  passes: RunPass[];
  /** In network order: by the pass they first appear in, then by node id (leaves made in forward order). */
  series: RunSeries[];
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
  return { passes, series };
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

const nonFiniteWord = (value: number) => (Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞');

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

// ---- Heatmap ----------------------------------------------------------------------------------

/** What a heatmap cell holds: nothing (the series took no part), a norm, all zeros, NaN/∞ elements. */
export const CellKind = { None: 0, Value: 1, Zero: 2, NonFinite: 3 } as const;

/** Gradient norms by series (rows, network order) and pass (columns, or buckets of passes). */
export interface Heatmap {
  rows: number;
  columns: number;
  /** log10 ‖∇‖ per cell, row-major; NaN where the cell holds no positive finite norm. */
  values: Float64Array;
  kinds: Uint8Array;
  /** Per cell: the run position of the pass whose norm it shows (the largest, or the first non-finite); -1 for none. */
  passAt: Int32Array;
  /** Per column: its first and last run positions. */
  firstOf: Int32Array;
  lastOf: Int32Array;
  /** The log10 range of the values (0, 0 without any). */
  min: number;
  max: number;
}

/**
 * The heatmap of ‖∇‖: one column per pass, or, with more passes than `maxColumns`, per bucket of
 * consecutive passes, showing its largest norm (a spike is never averaged away). A cell with a
 * NaN/∞ gradient is NonFinite whatever else the bucket holds; one whose every gradient was all
 * zeros is Zero.
 */
export function heatmapOf(run: TrainingRun, maxColumns: number): Heatmap {
  const n = run.passes.length;
  const rows = run.series.length;
  const columns = Math.max(0, Math.min(n, Math.floor(maxColumns)));
  const cells = rows * columns;
  const values = new Float64Array(cells).fill(NaN);
  const kinds = new Uint8Array(cells);
  const passAt = new Int32Array(cells).fill(-1);
  const firstOf = new Int32Array(columns);
  const lastOf = new Int32Array(columns);
  for (let c = 0; c < columns; c++) {
    firstOf[c] = Math.floor((c * n) / columns);
    lastOf[c] = Math.floor(((c + 1) * n) / columns) - 1;
  }
  let min = Infinity;
  let max = -Infinity;
  run.series.forEach((series, r) => {
    for (let c = 0; c < columns; c++) {
      const cell = r * columns + c;
      let best = -1;
      let zeroAt = -1;
      let badAt = -1;
      for (let p = firstOf[c]!; p <= lastOf[c]!; p++) {
        const v = series.at[p];
        if (!v) continue;
        if (v.nan + v.inf > 0) { if (badAt < 0) badAt = p; continue; }
        if (v.gradL2 === null) continue;
        if (v.gradL2 === 0) { if (zeroAt < 0) zeroAt = p; continue; }
        if (best < 0 || v.gradL2 > series.at[best]!.gradL2!) best = p;
      }
      if (badAt >= 0) { kinds[cell] = CellKind.NonFinite; passAt[cell] = badAt; continue; }
      if (best >= 0) {
        const log = Math.log10(series.at[best]!.gradL2!);
        values[cell] = log;
        kinds[cell] = CellKind.Value;
        passAt[cell] = best;
        if (log < min) min = log;
        if (log > max) max = log;
      } else if (zeroAt >= 0) { kinds[cell] = CellKind.Zero; passAt[cell] = zeroAt; }
    }
  });
  return { rows, columns, values, kinds, passAt, firstOf, lastOf, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
}

/** Where a value falls on the heatmap's colour scale, 0 to 1 (0.5 when the range is one value). */
export function heatPosition(map: Heatmap, log10: number): number {
  return map.max > map.min ? Math.min(1, Math.max(0, (log10 - map.min) / (map.max - map.min))) : 0.5;
}

/**
 * Which rows get a label when `rowHeight` pixels are less than a label's `labelHeight`: every
 * k-th row, k the smallest step that leaves room for each label.
 */
export function labelEvery(rowHeight: number, labelHeight: number): number {
  return rowHeight >= labelHeight ? 1 : Math.ceil(labelHeight / Math.max(rowHeight, 0.001));
}

/** The height of a heatmap row: as much as fits in `height` (at most `most`), never less than `least`. */
export function rowHeightFor(rows: number, height: number, least = 2, most = 18): number {
  return rows === 0 ? most : Math.max(least, Math.min(most, Math.floor(height / rows)));
}

/** Evenly spaced pass numbers for the axis, about `count` of them, on round numbers. */
export function passTicks(first: number, last: number, count: number): number[] {
  if (last <= first) return [first];
  const raw = (last - first) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? 10 * magnitude); // whole passes
  const ticks: number[] = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) ticks.push(t);
  return ticks.length > 0 ? ticks : [first];
}

/** Powers of ten within [min, max], every k-th so that at most `room` of them are left. */
export function decades(min: number, max: number, room: number): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  const low = Math.ceil(Math.log10(min) - 1e-9);
  const high = Math.floor(Math.log10(max) + 1e-9);
  const every = Math.max(1, Math.ceil((high - low + 1) / room));
  const out: number[] = [];
  for (let d = Math.ceil(low / every) * every; d <= high; d += every) out.push(Number(`1e${d}`));
  return out;
}

// ---- Gradient flow ----------------------------------------------------------------------------

/**
 * The RMS of a gradient's finite elements, √(mean² + std²) (the summary's std is the population
 * one, so mean² + std² is the mean of the squares): the "mean size" of one element's gradient,
 * comparable between parameters of any size. Null without finite elements.
 */
export function rmsGradient(v: VariableSummary): number | null {
  return v.gradMean === null || v.gradStd === null ? null : Math.sqrt(v.gradMean * v.gradMean + v.gradStd * v.gradStd);
}

export interface FlowBar {
  /** Its position in TrainingRun.series. */
  series: number;
  name: string;
  layer: string | null;
  rms: number | null;
  /** Its gradient had NaN or ±∞ elements. */
  nonFinite: boolean;
  variable: VariableSummary;
}

/** The gradient flow of the pass at run position `position`: each series that took part, in network order. */
export function flowOf(run: TrainingRun, position: number): FlowBar[] {
  const bars: FlowBar[] = [];
  run.series.forEach((series, s) => {
    const v = series.at[position];
    if (v) bars.push({ series: s, name: series.name, layer: series.layer, rms: rmsGradient(v), nonFinite: v.nan + v.inf > 0, variable: v });
  });
  return bars;
}

/** Consecutive bars of the same layer, as [first, last] positions in the list (a bar without a layer is its own group). */
export function layerGroups(bars: readonly FlowBar[]): { layer: string | null; first: number; last: number }[] {
  const groups: { layer: string | null; first: number; last: number }[] = [];
  bars.forEach((bar, i) => {
    const last = groups[groups.length - 1];
    if (last && bar.layer !== null && last.layer === bar.layer) last.last = i;
    else groups.push({ layer: bar.layer, first: i, last: i });
  });
  return groups;
}

/** The log10 range of the RMS gradients over the whole run (a fixed axis while the pass shown changes). */
export function flowRange(run: TrainingRun): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const series of run.series) for (const v of series.at) {
    const rms = v ? onLogAxis(rmsGradient(v)) : null;
    if (rms === null) continue;
    if (rms < min) min = rms;
    if (rms > max) max = rms;
  }
  return Number.isFinite(min) ? { min: Math.log10(min), max: Math.log10(max) } : null;
}

// ---- Words ------------------------------------------------------------------------------------

/** A sentence of text and passes (the view makes each pass a button that opens it). */
export type Phrase = (string | { pass: RunPass })[];

const passWord = (count: number) => `${count.toLocaleString('en-US')} ${count === 1 ? 'pass' : 'passes'}`;

/** `loss 2.302 → 0.4132 over 240 passes` (null: no pass has a loss). */
export function lossSummary(run: TrainingRun): string | null {
  const losses = run.passes.filter((p) => p.loss !== null);
  if (losses.length === 0) return null;
  return `loss ${formatNumber(losses[0]!.loss!)} → ${formatNumber(losses[losses.length - 1]!.loss!)} over ${passWord(run.passes.length)}`;
}

/** How many vanished series are named before "and N more". */
const NAMED_VANISHED = 5;

/**
 * What went wrong, first: the first pass whose loss was NaN or ±∞, and each series whose gradient
 * vanished (‖∇‖ below the threshold from some pass to the end), with that pass. One phrase when
 * nothing did.
 */
export function findings(trace: Trace, run: TrainingRun, thresholds: Thresholds): Phrase[] {
  const phrases: Phrase[] = [];
  const byIndex = (index: number) => run.passes[positionOfIndex(run, index)]!;
  const nonFinite = firstNonFiniteLoss(trace);
  if (nonFinite && positionOfIndex(run, nonFinite.index) >= 0) {
    phrases.push([`The loss became ${nonFiniteWord(nonFinite.value)} at pass `, { pass: byIndex(nonFinite.index) }, '.']);
  }
  const threshold = formatNumber(thresholds.vanishing);
  const vanished = run.series.map((series) => ({ series, from: vanishedFrom(series.source, thresholds.vanishing) })).filter((v) => v.from !== null);
  for (const { series, from } of vanished.slice(0, NAMED_VANISHED)) {
    phrases.push(from!.always
      ? [`${series.name}'s gradient was below ${threshold} in every pass, from pass `, { pass: byIndex(from!.point.index) }, '.']
      : [`${series.name}'s gradient vanished from pass `, { pass: byIndex(from!.point.index) }, ` (‖∇‖ below ${threshold} to the end).`]);
  }
  if (vanished.length > NAMED_VANISHED) {
    const more = vanished.length - NAMED_VANISHED;
    phrases.push([`${more.toLocaleString('en-US')} more parameter${more === 1 ? '\'s gradient' : 's\' gradients'} vanished (the heatmap shows them).`]);
  }
  if (vanished.length === 0) phrases.push([`No parameter's gradient vanished (‖∇‖ below ${threshold} to the end of the run)${nonFinite ? '' : ', and the loss stayed finite'}.`]);
  return phrases;
}

/** A phrase as plain text (#N for each pass), for an aria-label or a test. */
export function phraseText(phrase: Phrase): string {
  return phrase.map((part) => (typeof part === 'string' ? part : `#${part.pass.number.toLocaleString('en-US')}`)).join('');
}

const at = (run: TrainingRun, position: number) => `#${run.passes[position]!.number.toLocaleString('en-US')}`;

/** The extremes of one value over the series at a pass: `largest net.0.weight 0.23 · smallest net.2.bias 0.0015`. */
function extremes(run: TrainingRun, position: number, value: (v: VariableSummary) => number | null): string | null {
  let low: [RunSeries, number] | null = null;
  let high: [RunSeries, number] | null = null;
  for (const series of run.series) {
    const v = series.at[position];
    const x = v ? value(v) : null;
    if (x === null || !Number.isFinite(x)) continue;
    if (!low || x < low[1]) low = [series, x];
    if (!high || x > high[1]) high = [series, x];
  }
  if (!low || !high) return null;
  return low[0] === high[0] ? `${high[0].name} ${formatNumber(high[1])}` : `largest ${high[0].name} ${formatNumber(high[1])}, smallest ${low[0].name} ${formatNumber(low[1])}`;
}

/** The last run position where some series has a value (the end of the run, for the charts' words). */
function lastWith(run: TrainingRun, value: (v: VariableSummary) => number | null): number {
  for (let p = run.passes.length - 1; p >= 0; p--) if (run.series.some((s) => { const v = s.at[p]; return v !== null && value(v) !== null; })) return p;
  return -1;
}

/** Each chart in a line of words: its text alternative. */
export function chartWords(run: TrainingRun, thresholds: Thresholds): { loss: string; gradNorm: string; updates: string; zeros: string } {
  const marks = runMarks(run);
  const finite = run.passes.filter((p) => p.loss !== null && Number.isFinite(p.loss));
  const lowest = finite.reduce<RunPass | null>((best, p) => (!best || p.loss! < best.loss! ? p : best), null);
  const loss = [lossSummary(run) ?? 'no pass has a scalar loss',
    lowest ? `lowest ${formatNumber(lowest.loss!)} at #${lowest.number.toLocaleString('en-US')}` : '',
    marks.length > 0 ? `marked: ${marks.slice(0, 3).map((m) => `#${m.number.toLocaleString('en-US')} ${m.label}`).join('; ')}${marks.length > 3 ? `; ${marks.length - 3} more` : ''}` : '',
  ].filter(Boolean).join('; ');
  const normAt = lastWith(run, (v) => v.gradL2);
  const gradNorm = normAt < 0 ? 'no finite gradient norm' : `‖∇‖ at ${at(run, normAt)}: ${extremes(run, normAt, (v) => v.gradL2)}`
    + `; vanishing below ${formatNumber(thresholds.vanishing)}, exploding above ${formatNumber(thresholds.exploding)}`;
  const ratioAt = lastWith(run, (v) => v.updateRatio);
  const below = ratioAt < 0 ? [] : run.series.filter((s) => { const r = s.at[ratioAt]?.updateRatio; return r !== null && r !== undefined && r < UPDATE_RATIO_RULE; });
  const updates = ratioAt < 0 ? 'no update ratio (a series needs two passes)' : `‖Δw‖/‖w‖ at ${at(run, ratioAt)}: ${extremes(run, ratioAt, (v) => v.updateRatio)}`
    + `; ${below.length === 0 ? 'none' : below.length.toLocaleString('en-US')} below the ${formatNumber(UPDATE_RATIO_RULE)} rule of thumb`;
  let most: { series: RunSeries; position: number; value: number } | null = null;
  for (const series of run.series) {
    for (let position = 0; position < series.at.length; position++) {
      const v = series.at[position];
      if (v && (!most || v.zeroFraction > most.value)) most = { series, position, value: v.zeroFraction };
    }
  }
  const zeros = !most || most.value === 0 ? 'no exact-zero gradient elements in any pass'
    : `most exact-zero gradient elements: ${most.series.name}, ${formatNumber(most.value * 100, 3)}% at ${at(run, most.position)}`;
  return { loss, gradNorm, updates, zeros };
}

/** The heatmap in words: its size, its range, and its NaN/∞ cells. */
export function heatmapWords(run: TrainingRun, map: Heatmap): string {
  let bad = 0;
  let zero = 0;
  for (const kind of map.kinds) { if (kind === CellKind.NonFinite) bad++; else if (kind === CellKind.Zero) zero++; }
  const size = `${run.series.length.toLocaleString('en-US')} ${run.series.length === 1 ? 'parameter' : 'parameters'} × ${passWord(run.passes.length)}`
    + (map.columns < run.passes.length ? ` in ${map.columns.toLocaleString('en-US')} columns (each the largest of its passes)` : '');
  const range = map.kinds.some((k) => k === CellKind.Value) ? `‖∇‖ from ${formatNumber(10 ** map.min)} to ${formatNumber(10 ** map.max)}` : 'no positive finite ‖∇‖';
  const cells = (count: number) => `${count.toLocaleString('en-US')} ${count === 1 ? 'cell' : 'cells'}`;
  return [size, range, bad > 0 ? `NaN/∞ in ${cells(bad)}` : '', zero > 0 ? `all-zero in ${cells(zero)}` : ''].filter(Boolean).join('; ');
}

/** The flow chart of a pass in words: which parameter has the largest and the smallest RMS gradient. */
export function flowWords(run: TrainingRun, position: number): string {
  const bars = flowOf(run, position);
  const pass = at(run, position);
  if (bars.length === 0) return `pass ${pass}: no variable's gradient`;
  const range = extremes(run, position, rmsGradient);
  const bad = bars.filter((b) => b.nonFinite).map((b) => b.name);
  return `pass ${pass}: RMS ∇ ${range ?? 'not finite'}${bad.length > 0 ? `; NaN/∞ in ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}` : ''}`;
}
