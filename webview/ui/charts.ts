/**
 * Charts, drawn by uPlot (a small, well-kept chart library): the f(x) and ∂f/∂x plot of a backward
 * pass, and histograms of a tensor's values. The only module that imports uPlot.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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
