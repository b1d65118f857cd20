/**
 * The Training view's drawings as numbers: the layer × pass heatmap of gradient norms (cells,
 * buckets, rows and their labels), the gradient flow of one pass (RMS ∇ per parameter, grouped by
 * layer), and the ticks of their axes. Pure (no DOM): tested in Node.
 */
import type { VariableSummary } from '../../protocol/trace';
import { onLogAxis, type TrainingRun } from './training';

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
