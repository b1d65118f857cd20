/**
 * Charts, drawn by uPlot (a small, well-kept chart library): the f(x) and ∂f/∂x plot of a backward
 * pass, and histograms of a tensor's values. The only module that imports uPlot.
 */
import uPlot from 'uplot';
import { formatCount, formatNumber } from '../../protocol/query/format';
import { decades } from '../model/trainingCharts';

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function axisStyle() {
  const stroke = cssColor('--gl-muted', '#888888');
  const grid = cssColor('--gl-grid', 'rgba(128,128,128,0.2)');
  return { stroke, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
}

/** f and its derivative against x, two lines sharing the x axis. */
export function functionChart(container: HTMLElement, x: number[], f: number[], dfdx: number[], names: { x: string; f: string }): uPlot {
  const width = Math.max(240, container.clientWidth || 320);
  return new uPlot({
    width,
    height: 200,
    scales: { x: { time: false } },
    axes: [{ ...axisStyle(), label: names.x }, { ...axisStyle() }],
    series: [
      { label: names.x },
      { label: `${names.f}(${names.x})`, stroke: cssColor('--gl-series-1', '#3b82f6'), width: 2 },
      { label: `∂${names.f}/∂${names.x}`, stroke: cssColor('--gl-series-2', '#f97316'), width: 2, dash: [6, 4] },
    ],
    legend: { live: true },
  }, [x, f, dfdx], container);
}

/** A histogram of values (finite ones), `bins` bars. */
export function histogramChart(container: HTMLElement, values: ArrayLike<number>, bins = 30): uPlot | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return null;
  if (min === max) { min -= 0.5; max += 0.5; }
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  }
  const centres = counts.map((_, i) => min + (i + 0.5) * width);
  return new uPlot({
    width: Math.max(220, container.clientWidth || 300),
    height: 140,
    scales: { x: { time: false } },
    axes: [{ ...axisStyle() }, { ...axisStyle(), size: 40 }],
    series: [
      { label: 'value' },
      { label: 'count', stroke: cssColor('--gl-series-1', '#3b82f6'), fill: cssColor('--gl-series-1-fill', 'rgba(59,130,246,0.35)'), paths: uPlot.paths.bars!({ size: [0.95, 100] }), points: { show: false } },
    ],
    legend: { show: false },
  }, [centres, counts], container);
}

/** Tick steps of a pass axis: whole passes only (1, 2, 5, 10, 20, 50, …). */
const WHOLE_STEPS = Array.from({ length: 21 }, (_, i) => [1, 2, 5][i % 3]! * 10 ** Math.floor(i / 3));

/**
 * A run chart's y axis. A log axis is split, labelled and gridded at powers of ten only, every few
 * of them when there are more than its height has room for (our own splits: uPlot's log splits
 * loop without end on ranges that reach float32's denormals, 1e-45).
 */
function yAxis(spec: RunChartSpec): uPlot.Axis {
  const style = axisStyle();
  const values = (_u: uPlot, splits: (number | null)[]) => splits.map((v) => (v === null ? '' : formatNumber(v, 3)));
  if (!spec.log) return { ...style, label: spec.yLabel, labelSize: 20, size: 56, values };
  const room = Math.max(2, Math.floor((spec.height - 60) / 18));
  const splits = (_u: uPlot, _axis: number, min: number, max: number) => decades(min, max, room);
  const every = (_u: uPlot, all: number[]) => all; // uPlot's own log filter would drop some of ours
  return { ...style, label: spec.yLabel, labelSize: 20, size: 56, values, splits, filter: every, grid: { ...style.grid, filter: every }, ticks: { ...style.ticks, filter: every } };
}

/** A horizontal line across a run chart: a threshold, a rule of thumb. */
export interface ChartLine {
  y: number;
  label: string;
  color: string;
  /** Where its label goes along the line (two thresholds close on a wide log axis would overlap at one end). */
  labelAt?: 'left' | 'right';
}

/** A pass marked on a run chart: a vertical line (run marks) or a triangle at the top (a series' mark). */
export interface ChartMark {
  x: number;
  color: string;
  line: boolean;
}

export interface RunChartSpec {
  /** Pass numbers, as reduced for the chart's width (model/training.ts reduceToColumns). */
  x: number[];
  series: { label: string; values: (number | null)[]; color: string }[];
  /** A log10 y axis (values must be positive or null). */
  log: boolean;
  /** The y range to show at least (thresholds on a log axis, 0–1 for a fraction). */
  include?: number[];
  lines?: ChartLine[];
  marks?: ChartMark[];
  height: number;
  /** The series' names under the chart (off for many series: the heatmap names them). */
  legend: boolean;
  yLabel: string;
  /** The pointer is at pass number x, height y on the y axis (null: it left the chart). */
  onHover(at: { x: number; y: number } | null): void;
  /** A click at pass number x. */
  onClick(x: number): void;
}

/** The y range of a run chart: its values and `include`, a little wider (a log axis by whole factors). */
function runRange(spec: RunChartSpec): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  const see = (v: number | null) => {
    if (v === null || !Number.isFinite(v) || (spec.log && v <= 0)) return;
    if (v < min) min = v;
    if (v > max) max = v;
  };
  for (const s of spec.series) for (const v of s.values) see(v);
  for (const v of spec.include ?? []) see(v);
  if (!Number.isFinite(min)) return null;
  // A log axis: a quarter of a decade beyond the extremes, so that a threshold line there is not on the edge.
  if (spec.log) return [10 ** (Math.log10(min) - 0.25), 10 ** (Math.log10(max) + (max === min ? 1 : 0.25))];
  const pad = max === min ? Math.abs(max) * 0.1 || 1 : (max - min) * 0.05;
  return [min - pad, max + pad];
}

/** A curve chart over the passes of a run: lines, threshold lines, marked passes; hover and click report the pass. */
export function runChart(container: HTMLElement, spec: RunChartSpec): uPlot {
  const width = Math.max(260, container.clientWidth || 420);
  const range = runRange(spec);
  const drawOver = (u: uPlot) => {
    const ctx = u.ctx;
    const { left, top, width: w, height: h } = u.bbox;
    const ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, w, h);
    ctx.clip();
    ctx.font = `${Math.round(11 * ratio)}px ${cssColor('--gl-font', 'sans-serif')}`;
    for (const line of spec.lines ?? []) {
      const y = u.valToPos(line.y, 'y', true);
      if (!Number.isFinite(y) || y < top || y > top + h) continue;
      ctx.strokeStyle = line.color;
      ctx.fillStyle = line.color;
      ctx.lineWidth = ratio;
      ctx.setLineDash([6 * ratio, 4 * ratio]);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + w, y);
      ctx.stroke();
      // The label at one end, above the line (below it when the line is at the top).
      const atLeft = line.labelAt === 'left';
      ctx.textAlign = atLeft ? 'left' : 'right';
      ctx.textBaseline = y - 14 * ratio < top ? 'top' : 'bottom';
      const below = y - 14 * ratio < top;
      const x = atLeft ? left + 4 * ratio : left + w - 4 * ratio;
      const textY = y + (below ? 3 : -3) * ratio;
      // On a patch of the background: the label stays legible over dense curves.
      const textWidth = ctx.measureText(line.label).width;
      ctx.fillStyle = cssColor('--gl-bg', '#ffffff');
      ctx.fillRect(atLeft ? x - 2 * ratio : x - textWidth - 2 * ratio, below ? textY - ratio : textY - 12 * ratio, textWidth + 4 * ratio, 13 * ratio);
      ctx.fillStyle = line.color;
      ctx.fillText(line.label, x, textY);
    }
    ctx.setLineDash([]);
    for (const mark of spec.marks ?? []) {
      const x = u.valToPos(mark.x, 'x', true);
      if (!Number.isFinite(x)) continue;
      ctx.strokeStyle = mark.color;
      ctx.fillStyle = mark.color;
      if (mark.line) {
        ctx.lineWidth = ratio;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + h);
        ctx.stroke();
      }
      const size = 5 * ratio;
      ctx.beginPath();
      ctx.moveTo(x - size, top);
      ctx.lineTo(x + size, top);
      ctx.lineTo(x, top + size * 1.6);
      ctx.closePath();
      ctx.fill();
    }
    ctx.restore();
  };
  const chart = new uPlot({
    width,
    height: spec.height,
    scales: {
      x: { time: false },
      y: spec.log ? { distr: 3, log: 10, ...(range ? { range: () => range } : {}) } : { ...(range ? { range: () => range } : {}) },
    },
    axes: [
      { ...axisStyle(), label: 'pass #', labelSize: 20, incrs: WHOLE_STEPS, values: (_u: uPlot, splits: number[]) => splits.map((v) => formatCount(v)) },
      yAxis(spec),
    ],
    series: [
      { label: 'pass #' },
      ...spec.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: false, points: { show: spec.x.length <= 60, size: 4, fill: s.color } })),
    ],
    legend: { show: spec.legend, live: false },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
    hooks: {
      draw: [drawOver],
      setCursor: [(u: uPlot) => {
        const { left, top } = u.cursor;
        if (left === undefined || top === undefined || left < 0 || top < 0) { spec.onHover(null); return; }
        spec.onHover({ x: u.posToVal(left, 'x'), y: u.posToVal(top, 'y') });
      }],
    },
  }, [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData, container);
  chart.over.addEventListener('mouseleave', () => spec.onHover(null));
  chart.over.addEventListener('click', () => {
    const left = chart.cursor.left;
    if (left !== undefined && left >= 0) spec.onClick(chart.posToVal(left, 'x'));
  });
  return chart;
}
