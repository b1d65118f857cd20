/**
 * The layer × pass heatmap of gradient norms, drawn on a canvas: a row per series (network order),
 * a column per pass or per bucket of passes (model/training.ts heatmapOf), viridis by log10 ‖∇‖,
 * NaN/∞ cells in the error colour, all-zero ones grey. Rows shrink to fit hundreds; their labels
 * then go every few rows. Hover reads a cell, a click opens its pass.
 */
import { formatCount, formatNumber } from '../../protocol/query/format';
import { viridis, ZERO_COLOR } from '../model/colors';
import type { TrainingRun } from '../model/training';
import { CellKind, heatmapOf, heatPosition, labelEvery, passTicks, rowHeightFor, type Heatmap } from '../model/trainingCharts';
import { el } from './dom';
import { safely } from './failures';
import { cssVar } from './theme';

/** Tallest the rows of the heatmap get together (CSS pixels), and a row label's height. */
const ROWS_HEIGHT = 360;
const LABEL_HEIGHT = 13;
const AXIS_HEIGHT = 30;
const MAX_GUTTER = 180;

export interface HeatmapEvents {
  /** The pointer (client coordinates) is over the cell of `row` showing the pass at run position `position` (null: none). */
  onHover(cell: { row: number; position: number; text: string } | null, at: { x: number; y: number } | null): void;
  onClick(position: number): void;
}

function cellText(run: TrainingRun, map: Heatmap, row: number, column: number): string {
  const series = run.series[row]!;
  const cell = row * map.columns + column;
  const first = run.passes[map.firstOf[column]!]!;
  const last = run.passes[map.lastOf[column]!]!;
  const passes = first === last ? `pass #${formatCount(first.number)}` : `passes #${formatCount(first.number)}–#${formatCount(last.number)}`;
  const shown = map.passAt[cell]!;
  const v = shown >= 0 ? series.at[shown] : null;
  const at = first === last || shown < 0 ? '' : ` (at #${formatCount(run.passes[shown]!.number)})`;
  let what: string;
  switch (map.kinds[cell]) {
    case CellKind.NonFinite: what = `∇ has ${v!.nan > 0 ? `${v!.nan} NaN` : ''}${v!.nan > 0 && v!.inf > 0 ? ' and ' : ''}${v!.inf > 0 ? `${v!.inf} ±∞` : ''}${at}`; break;
    case CellKind.Zero: what = `‖∇‖ 0: every element exactly zero${at}`; break;
    case CellKind.Value: what = `‖∇‖ ${first === last ? '' : 'largest '}${formatNumber(v!.gradL2!)}${at} · exact zeros ${formatNumber(v!.zeroFraction * 100, 3)}%`; break;
    default: what = 'took no part';
  }
  return `${series.name} · ${passes}\n${what}${map.kinds[cell] === CellKind.None ? '' : '\nclick: open the pass'}`;
}

/** Draws the heatmap on a canvas in `container` (replacing what was there), as wide as it; returns its cells. */
export function drawHeatmap(container: HTMLElement, run: TrainingRun, events: HeatmapEvents): Heatmap {
  const ratio = window.devicePixelRatio || 1;
  const canvas = el('canvas', { class: 'heatmap-canvas', 'aria-hidden': 'true' });
  container.replaceChildren(canvas);
  const ctx = canvas.getContext('2d')!;
  const font = `11px ${cssVar('--gl-font', 'sans-serif')}`;
  ctx.font = font;
  const labelWidth = Math.min(MAX_GUTTER, Math.max(40, ...run.series.map((s) => ctx.measureText(s.name).width)) + 10);
  const width = Math.max(300, container.clientWidth || 600);
  const plotWidth = Math.max(1, Math.floor(width - labelWidth - 8));
  const map = heatmapOf(run, plotWidth);
  const rowHeight = rowHeightFor(map.rows, ROWS_HEIGHT);
  const every = labelEvery(rowHeight, LABEL_HEIGHT);
  const height = map.rows * rowHeight + AXIS_HEIGHT;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  ctx.scale(ratio, ratio);
  ctx.font = font;
  const cellWidth = plotWidth / Math.max(1, map.columns);
  const error = cssVar('--gl-error', '#d13438');
  const fg = cssVar('--gl-fg', '#1f1f1f');
  const muted = cssVar('--gl-muted', '#6b6b6b');
  for (let r = 0; r < map.rows; r++) {
    for (let c = 0; c < map.columns; c++) {
      const cell = r * map.columns + c;
      const kind = map.kinds[cell];
      if (kind === CellKind.None) continue;
      ctx.fillStyle = kind === CellKind.NonFinite ? error : kind === CellKind.Zero ? ZERO_COLOR : viridis(heatPosition(map, map.values[cell]!));
      // Whole pixels, a hair wider, so that neighbouring cells leave no seams.
      const x = Math.floor(labelWidth + c * cellWidth);
      ctx.fillRect(x, r * rowHeight, Math.ceil(labelWidth + (c + 1) * cellWidth) - x, rowHeight);
    }
  }
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  let lastLabel = -Infinity;
  for (let r = 0; r < map.rows; r += every) {
    ctx.fillStyle = fg;
    const name = run.series[r]!.name;
    let shown = name;
    while (shown.length > 1 && ctx.measureText(shown).width > labelWidth - 8) shown = shown.slice(0, -1);
    // Centred on its row, but never cut by the top edge or the axis.
    const y = Math.min(Math.max(r * rowHeight + rowHeight / 2, LABEL_HEIGHT / 2), map.rows * rowHeight - LABEL_HEIGHT / 2);
    if (y - lastLabel < LABEL_HEIGHT) continue; // pushed down from the top edge onto the next label
    lastLabel = y;
    ctx.fillText(shown === name ? name : `${shown.slice(0, -1)}…`, labelWidth - 5, y);
  }
  // The x axis: pass numbers at round values.
  const top = map.rows * rowHeight;
  ctx.strokeStyle = muted;
  ctx.fillStyle = muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const first = run.passes[0]?.number ?? 1;
  const last = run.passes[run.passes.length - 1]?.number ?? 1;
  const xOf = (number: number) => {
    // The column holding that pass (buckets are by run position, numbers may skip passes without a summary).
    let position = run.passes.findIndex((p) => p.number >= number);
    if (position < 0) position = run.passes.length - 1;
    const column = map.columns === run.passes.length ? position : Math.min(map.columns - 1, Math.floor((position * map.columns) / run.passes.length));
    return labelWidth + (column + 0.5) * cellWidth;
  };
  for (const tick of passTicks(first, last, Math.max(2, Math.floor(plotWidth / 80)))) {
    const x = xOf(tick);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + 4);
    ctx.stroke();
    const label = `#${formatCount(tick)}`;
    const half = ctx.measureText(label).width / 2;
    ctx.fillText(label, Math.min(Math.max(x, labelWidth + half), width - half), top + 6); // within the canvas
  }
  const cellAt = (event: MouseEvent) => {
    const box = canvas.getBoundingClientRect();
    const x = event.clientX - box.left - labelWidth;
    const y = event.clientY - box.top;
    const column = Math.floor(x / cellWidth);
    const row = Math.floor(y / rowHeight);
    if (x < 0 || column >= map.columns || row < 0 || row >= map.rows) return null;
    return { row, column };
  };
  canvas.addEventListener('mousemove', safely('hovering the heatmap', (event: MouseEvent) => {
    const at = cellAt(event);
    if (!at) { events.onHover(null, null); return; }
    const cell = at.row * map.columns + at.column;
    const position = map.passAt[cell]! >= 0 ? map.passAt[cell]! : map.firstOf[at.column]!;
    events.onHover({ row: at.row, position, text: cellText(run, map, at.row, at.column) }, { x: event.clientX, y: event.clientY });
  }));
  canvas.addEventListener('mouseleave', () => events.onHover(null, null));
  canvas.addEventListener('click', safely('opening a pass from the heatmap', (event: MouseEvent) => {
    const at = cellAt(event);
    if (!at) return;
    const shown = map.passAt[at.row * map.columns + at.column]!;
    if (shown >= 0) events.onClick(shown);
  }));
  return map;
}

/** The heatmap's colour key: the log10 range in viridis, and the error and zero colours. */
export function heatmapLegend(map: Heatmap): HTMLElement {
  const stop = (color: string, label: string) => {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = color;
    return el('span', { class: 'legend-stop' }, swatch, label);
  };
  const stops = map.max > map.min ? [0, 0.25, 0.5, 0.75, 1] : [0.5];
  return el('div', { class: 'legend heatmap-legend', 'aria-label': 'heatmap colours' },
    el('span', { class: 'legend-title' }, '‖∇‖ (log)'),
    ...stops.map((t) => stop(viridis(t), formatNumber(10 ** (map.min + t * (map.max - map.min)), 2))),
    stop(ZERO_COLOR, '0'),
    stop(cssVar('--gl-error', '#d13438'), 'NaN/∞'),
    el('span', {}, 'blank: took no part'));
}
