/**
 * The gradient flow of one pass, drawn on a canvas: a bar per parameter in network order, its
 * height the RMS of its gradient's elements on a log axis fixed for the whole run (so that moving
 * from pass to pass compares), parameters of one gluon block grouped under the block's name.
 * NaN/∞ gradients are full bars in the error colour. Hover reads a bar.
 */
import { formatNumber } from '../../protocol/query/format';
import { ZERO_COLOR } from '../model/colors';
import { onLogAxis, type TrainingRun } from '../model/training';
import { flowOf, layerGroups, type FlowBar } from '../model/trainingCharts';
import { el } from './dom';
import { safely } from './failures';
import { cssVar } from './theme';

const HEIGHT = 210;
const AXIS_WIDTH = 56;
const GROUP_HEIGHT = 38;
const MAX_BAR = 36;

export interface FlowEvents {
  onHover(text: string | null, at: { x: number; y: number } | null): void;
}

function barText(bar: FlowBar): string {
  const v = bar.variable;
  const lines = [bar.name + (bar.layer !== null ? ` (layer ${bar.layer})` : '')];
  if (bar.nonFinite) lines.push(`∇ has ${v.nan} NaN and ${v.inf} ±∞ elements`);
  lines.push(`RMS ∇ ${bar.rms === null ? '—' : formatNumber(bar.rms)} · ‖∇‖ ${v.gradL2 === null ? '—' : formatNumber(v.gradL2)} · max |∇| ${v.gradMaxAbs === null ? '—' : formatNumber(v.gradMaxAbs)}`);
  lines.push(`exact zeros ${formatNumber(v.zeroFraction * 100, 3)}%`);
  return lines.join('\n');
}

/**
 * Draws the flow of the pass at run position `position` into `container` (replacing what was
 * there), on the log10 range `range` of RMS gradients.
 */
export function drawFlow(container: HTMLElement, run: TrainingRun, position: number, range: { min: number; max: number } | null, events: FlowEvents): void {
  const bars = flowOf(run, position);
  const ratio = window.devicePixelRatio || 1;
  const canvas = el('canvas', { class: 'flow-canvas', 'aria-hidden': 'true' });
  container.replaceChildren(canvas);
  const width = Math.max(300, container.clientWidth || 600);
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${HEIGHT}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(ratio, ratio);
  ctx.font = `11px ${cssVar('--gl-font', 'sans-serif')}`;
  const fg = cssVar('--gl-fg', '#1f1f1f');
  const muted = cssVar('--gl-muted', '#6b6b6b');
  const grid = cssVar('--gl-grid', 'rgba(128,128,128,0.2)');
  const accent = cssVar('--gl-series-1', '#3b82f6');
  const error = cssVar('--gl-error', '#d13438');
  const plotTop = 8;
  const plotBottom = HEIGHT - GROUP_HEIGHT;
  const plotWidth = width - AXIS_WIDTH - 8;
  const low = range ? Math.floor(range.min) : -8;
  const high = range ? Math.max(low + 1, Math.ceil(range.max)) : 0;
  const yOf = (log10: number) => plotBottom - ((log10 - low) / (high - low)) * (plotBottom - plotTop);
  // Decades of the axis.
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const decadeStep = Math.max(1, Math.ceil((high - low) / 6));
  for (let d = low; d <= high; d += decadeStep) {
    const y = yOf(d);
    ctx.strokeStyle = grid;
    ctx.beginPath();
    ctx.moveTo(AXIS_WIDTH, y);
    ctx.lineTo(width - 8, y);
    ctx.stroke();
    ctx.fillStyle = muted;
    ctx.fillText(`1e${d}`, AXIS_WIDTH - 6, y);
  }
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = Math.max(1, Math.min(MAX_BAR, slot * 0.8));
  const xOf = (i: number) => AXIS_WIDTH + i * slot + (slot - barWidth) / 2;
  bars.forEach((bar, i) => {
    const value = onLogAxis(bar.rms);
    if (!bar.nonFinite && value === null) {
      // An all-zero gradient has no place on a log axis: a grey stub at the bottom, as in the heatmap.
      if (bar.rms === 0) { ctx.fillStyle = ZERO_COLOR; ctx.fillRect(xOf(i), plotBottom - 3, barWidth, 3); }
      return;
    }
    const top = bar.nonFinite ? plotTop : Math.max(plotTop, yOf(Math.log10(value!)));
    ctx.fillStyle = bar.nonFinite ? error : accent;
    ctx.fillRect(xOf(i), top, barWidth, plotBottom - top);
  });
  // Each bar's own name (after its block's) under it, when it fits; then its block under a bracket.
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  bars.forEach((bar, i) => {
    const own = bar.layer !== null && bar.name.startsWith(`${bar.layer}.`) ? bar.name.slice(bar.layer.length + 1) : bar.name;
    if (bar.layer === null || ctx.measureText(own).width > slot - 2) return;
    ctx.fillStyle = muted;
    ctx.fillText(own, AXIS_WIDTH + (i + 0.5) * slot, plotBottom + 2);
  });
  // Blocks: a bracket under their bars and the block's name when it fits.
  for (const group of layerGroups(bars)) {
    const left = AXIS_WIDTH + group.first * slot + 1;
    const right = AXIS_WIDTH + (group.last + 1) * slot - 1;
    ctx.strokeStyle = muted;
    ctx.beginPath();
    ctx.moveTo(left, plotBottom + 17);
    ctx.lineTo(right, plotBottom + 17);
    ctx.stroke();
    const label = group.layer !== null ? `layer ${group.layer}` : bars[group.first]!.name;
    if (ctx.measureText(label).width <= right - left) {
      ctx.fillStyle = fg;
      ctx.fillText(label, (left + right) / 2, plotBottom + 20);
    }
  }
  canvas.addEventListener('mousemove', safely('hovering the gradient flow', (event: MouseEvent) => {
    const box = canvas.getBoundingClientRect();
    const i = Math.floor((event.clientX - box.left - AXIS_WIDTH) / slot);
    if (i < 0 || i >= bars.length) { events.onHover(null, null); return; }
    events.onHover(barText(bars[i]!), { x: event.clientX, y: event.clientY });
  }));
  canvas.addEventListener('mouseleave', () => events.onHover(null, null));
}
