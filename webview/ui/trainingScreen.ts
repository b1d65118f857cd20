/**
 * The Training view: a run of many backward passes read from their summaries — what went wrong
 * first (a vanished gradient, a loss gone NaN, a relu layer mostly dead), the loss, per-parameter
 * gradient norms, update ratios, exact-zero gradient fractions and the relu layers' dead units as
 * curves over the passes, the layer × pass heatmap of norms,
 * and the gradient flow of the pass under the pointer. A click opens that pass's graph, or, for a
 * summarised pass, says how to keep it. Built from model/training.ts; every name from the trace
 * goes in as text.
 */
import type { Thresholds } from '../../protocol/messages';
import { formatCount, formatNumber } from '../../protocol/query/format';
import type { Trace } from '../../protocol/trace';
import {
  deadShareCurve, gradNormCurve, lossCurve, nearestPosition, passNumbers, reduceToColumns, runMarks, seriesMarks, updateRatioCurve, UPDATE_RATIO_RULE, zeroFractionCurve,
  type PassMark, type RunPass, type RunSeries, type TrainingRun,
} from '../model/training';
import { flowRange } from '../model/trainingCharts';
import { chartWords, DEAD_FINDING, findings, flowWords, heatmapWords, lossSummary, percentWord, type Phrase } from '../model/trainingWords';
import { keepCommand } from '../model/keepCommand';
import { runChart, type ChartLine, type ChartMark } from './charts';
import { el, link } from './dom';
import { safely } from './failures';
import { shownText } from './text';
import { drawFlow } from './flowChart';
import { drawHeatmap, heatmapLegend } from './heatmap';
import { cssVar } from './theme';
import { button } from './toolkit';
import { Tooltip } from './tooltip';

export interface TrainingActions {
  /** Open a kept pass's graph, going backward. */
  openPass(id: number): void;
  /** Open a kept pass's graph at the step of one of its nodes, that node selected. */
  openNode(id: number, node: number): void;
  /** Ask the host to trace the run again keeping the pass (VS Code); absent on the standalone page. */
  keepAgain?: (id: number) => void;
}

type Chart = ReturnType<typeof runChart>;

/** How a curve chart draws its values: axis, what a value is called in the readout, lines across. */
interface CurveOptions {
  log: boolean;
  yLabel: string;
  include: number[];
  what: string;
  percent?: boolean;
  lines: ChartLine[];
}

/** Above this many series the curve charts have no legend (the heatmap names every row). */
const LEGEND_SERIES = 10;
const CHART_HEIGHT = 220;
const SERIES_COLORS = 8;

const number = (pass: RunPass) => `#${formatCount(pass.number)}`;

/** The curve whose value at `position` is nearest to the pointer's height `y` (-1: none has one there). */
function nearestCurve(curves: readonly (number | null)[][], position: number, y: number, log: boolean): number {
  let best = -1;
  let distance = Infinity;
  curves.forEach((curve, i) => {
    const v = curve[position] ?? null;
    if (v === null) return;
    const d = log ? Math.abs(Math.log10(v) - Math.log10(Math.max(y, Number.MIN_VALUE))) : Math.abs(v - y);
    if (d < distance) { distance = d; best = i; }
  });
  return best;
}

/** What a curve chart of several series draws: a name and a value per pass for each, the marks of their own. */
interface CurveSet {
  names: string[];
  full: (number | null)[][];
  /** Marks of one curve (`series`: its position in `names`). */
  marks: PassMark[];
  /** The readout of curve `i` at run position `position` (default: its name, what a value is, the value). */
  readout?: (i: number, position: number) => string;
}

export class TrainingScreen {
  readonly element: HTMLElement;
  private readonly tooltip = new Tooltip();
  private readonly note = el('div', { class: 'training-note', role: 'status', hidden: '' });
  private readonly heatmapBox = el('div', { class: 'heatmap', role: 'img' });
  private readonly heatmapKey = el('div', {});
  private readonly heatmapWords = el('p', { class: 'chart-words' });
  private readonly flowBox = el('div', { class: 'flow', role: 'img' });
  private readonly flowTitle = el('h2', {});
  private readonly flowWords = el('p', { class: 'chart-words' });
  private readonly curves: { box: HTMLElement; readout: HTMLElement; build: (box: HTMLElement, readout: HTMLElement) => Chart }[] = [];
  private charts: Chart[] = [];
  private readonly range: { min: number; max: number } | null;
  /** The pass the flow chart shows when the pointer is on no chart: the last one clicked, else the last. */
  private pinned: number;
  private flowAt = -1;
  private drawnWidth = -1;
  private readonly resize: ResizeObserver;

  constructor(private readonly trace: Trace, private readonly run: TrainingRun, thresholds: Thresholds, private readonly actions: TrainingActions) {
    this.pinned = run.passes.length - 1;
    this.range = flowRange(run);
    const words = chartWords(run, thresholds);
    const summarisedCount = run.passes.filter((p) => !p.kept).length;
    const parameters = `${formatCount(run.series.length)} ${run.series.length === 1 ? 'variable' : 'variables'}`;
    this.element = el('div', { class: 'training', role: 'region', 'aria-label': 'Training view' },
      el('h1', {}, `Training: ${formatCount(run.passes.length)} passes · ${parameters}`),
      el('div', { class: 'findings' }, ...findings(trace, run, thresholds).map((phrase) => this.sentence(phrase))),
      el('p', { class: 'muted' }, [lossSummary(run) ?? 'no pass has a scalar loss',
        summarisedCount > 0 ? `${formatCount(summarisedCount)} of them summarised (statistics only; a click on one says how to keep it)` : 'every pass kept whole',
        'click a point or a cell to open that pass'].join(' · ')),
      this.note,
      el('div', { class: 'training-grid' },
        this.curve('Loss', words.loss, (box, readout) => this.lossChart(box, readout)),
        this.curve('Gradient norm ‖∇‖ per parameter (log)', words.gradNorm, (box, readout) => this.seriesChart(box, readout, {
          values: gradNormCurve, log: true, yLabel: '‖∇‖', include: [thresholds.vanishing, thresholds.exploding], what: '‖∇‖',
          lines: [
            { y: thresholds.vanishing, label: `vanishing < ${formatNumber(thresholds.vanishing)}`, color: cssVar('--gl-warning', '#b8860b'), labelAt: 'left' },
            { y: thresholds.exploding, label: `exploding > ${formatNumber(thresholds.exploding)}`, color: cssVar('--gl-error', '#d13438') },
          ],
        })),
        this.curve('Update ratio ‖Δw‖ / ‖w‖ per step (log)', words.updates, (box, readout) => this.seriesChart(box, readout, {
          values: updateRatioCurve, log: true, yLabel: '‖Δw‖/‖w‖', include: [UPDATE_RATIO_RULE], what: 'update ratio',
          lines: [{ y: UPDATE_RATIO_RULE, label: `${formatNumber(UPDATE_RATIO_RULE)}: rule of thumb`, color: cssVar('--gl-muted', '#6b6b6b') }],
        })),
        this.curve('Gradient elements exactly 0, per parameter (share of its gradient\'s elements)', `the share of each parameter's gradient elements that are exactly 0 (a gradient, not the units: the dead relu units are counted in their own chart when the run has relu layers); ${words.zeros}`, (box, readout) => this.seriesChart(box, readout, {
          values: zeroFractionCurve, log: false, yLabel: 'fraction', include: [0, 1], what: 'exact zeros', percent: true, lines: [],
        })),
        ...(run.activations.length === 0 ? [] : [
          this.curve('Dead relu units (share of units that were 0 for the whole batch)', `each relu layer's units (features, channels) whose output was 0 for every example of the pass's batch, as a share of its units; ${words.dead}`, (box, readout) => this.curveChart(box, readout, {
            names: run.activations.map((a) => a.name), full: run.activations.map(deadShareCurve), marks: [],
            readout: (i, position) => {
              const { name, at } = run.activations[i]!;
              const a = at[position]!;
              return `${name}: ${formatCount(a.dead)} of ${formatCount(a.units)} units dead (${formatNumber((a.dead / a.units) * 100, 3)}%)`;
            },
          }, {
            log: false, yLabel: 'dead share', include: [0, 1], what: 'dead', percent: true,
            lines: [{ y: DEAD_FINDING, label: `${percentWord(DEAD_FINDING)}: named in the findings`, color: cssVar('--gl-muted', '#6b6b6b') }],
          })),
        ])),
      el('figure', { class: 'chart wide' },
        el('h2', {}, 'Gradient norm by parameter and pass (heatmap)'),
        this.heatmapBox, this.heatmapKey, this.heatmapWords),
      el('figure', { class: 'chart wide' },
        this.flowTitle,
        el('p', { class: 'muted' }, 'RMS ∇ per parameter: √(mean² + std²) of its gradient\'s finite elements — the typical size of one element\'s gradient, '
          + 'comparable across parameters of any size — in network order, grouped by layer. The pass under the pointer, else the last one clicked.'),
        this.flowBox, this.flowWords),
      this.tooltip.element);
    this.resize = new ResizeObserver(safely('resizing the Training view', () => {
      if (this.element.isConnected && Math.abs(this.element.clientWidth - this.drawnWidth) > 8) this.draw();
    }));
    this.resize.observe(this.element);
  }

  /** Draws the charts at the width the view has (call once it is in the page, and again on resizing). */
  draw(): void {
    this.drawnWidth = this.element.clientWidth;
    for (const chart of this.charts) chart.destroy();
    this.charts = this.curves.map(({ box, readout, build }) => build(box, readout));
    const map = drawHeatmap(this.heatmapBox, this.run, {
      onHover: (cell, at) => {
        this.showTooltip(cell?.text ?? null, at);
        this.showFlow(cell ? cell.position : this.pinned);
      },
      onClick: (position) => this.open(position),
    });
    const words = heatmapWords(this.run, map);
    this.heatmapBox.setAttribute('aria-label', `Heatmap of gradient norms: ${words}`);
    this.heatmapWords.textContent = words;
    this.heatmapKey.replaceChildren(heatmapLegend(map));
    this.flowAt = -1;
    this.showFlow(this.pinned);
  }

  dispose(): void {
    this.resize.disconnect();
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
  }

  // ---- Pieces --------------------------------------------------------------------------------

  private sentence(phrase: Phrase): HTMLElement {
    return el('p', {}, ...phrase.map((part) => {
      if (typeof part === 'string') return part;
      const { pass, node } = part;
      return node !== undefined
        ? link(part.label ?? `node ${node}`, `open pass ${number(pass)} at this op's step`, () => this.actions.openNode(pass.id, node))
        : link(number(pass), `open pass ${number(pass)}`, () => this.open(this.run.passes.indexOf(pass)));
    }));
  }

  private curve(title: string, words: string, build: (box: HTMLElement, readout: HTMLElement) => Chart): HTMLElement {
    const box = el('div', { class: 'run-chart', role: 'img', 'aria-label': `${title}: ${words}` });
    const readout = el('div', { class: 'readout', 'aria-live': 'polite' });
    this.curves.push({ box, readout, build });
    return el('figure', { class: 'chart' }, el('h2', {}, title), readout, box, el('p', { class: 'chart-words' }, words));
  }

  /** The width a chart's plot has, in pixel columns (its box less the y axis). */
  private columns(box: HTMLElement): number {
    return Math.max(50, (box.clientWidth || 420) - 70);
  }

  private colorOf(s: number): string {
    return cssVar(`--gl-series-${(s % SERIES_COLORS) + 1}`, '#3b82f6');
  }

  private runChartMarks(): ChartMark[] {
    const error = cssVar('--gl-error', '#d13438');
    return runMarks(this.run).map((m) => ({ x: m.number, color: error, line: true }));
  }

  private lossChart(box: HTMLElement, readout: HTMLElement): Chart {
    const run = this.run;
    const reduced = reduceToColumns({ x: passNumbers(run), ys: [lossCurve(run)] }, this.columns(box));
    const marks = runMarks(run);
    readout.textContent = ' ';
    return runChart(box, {
      x: reduced.x, series: [{ label: 'loss', values: reduced.ys[0]!, color: this.colorOf(0) }], log: false, height: CHART_HEIGHT, legend: false, yLabel: 'loss',
      marks: this.runChartMarks(),
      onHover: (at) => this.hover(at, readout, (position) => {
        const pass = run.passes[position]!;
        const mark = marks.find((m) => m.number === pass.number);
        return `${number(pass)} · loss ${pass.loss === null ? '—' : formatNumber(pass.loss)}${pass.kept ? '' : ' · summarised'}${mark ? ` · ${mark.label}` : ''}`;
      }),
      onClick: (x) => this.open(nearestPosition(run, x)),
    });
  }

  /** A chart of the variables' series (one curve each, `values` of it). */
  private seriesChart(box: HTMLElement, readout: HTMLElement, options: CurveOptions & { values: (s: RunSeries) => (number | null)[] }): Chart {
    const run = this.run;
    return this.curveChart(box, readout, { names: run.series.map((s) => s.name), full: run.series.map(options.values), marks: seriesMarks(run) }, options);
  }

  private curveChart(box: HTMLElement, readout: HTMLElement, curves: CurveSet, options: CurveOptions): Chart {
    const run = this.run;
    const { names, full, marks } = curves;
    const reduced = reduceToColumns({ x: passNumbers(run), ys: full }, this.columns(box));
    const chartMarks = [...this.runChartMarks(), ...marks.map((m) => ({ x: m.number, color: this.colorOf(m.series!), line: false }))];
    readout.textContent = ' ';
    const shown = (v: number) => (options.percent ? `${formatNumber(v * 100, 3)}%` : formatNumber(v));
    return runChart(box, {
      x: reduced.x, log: options.log, height: CHART_HEIGHT, legend: names.length <= LEGEND_SERIES, yLabel: options.yLabel,
      series: names.map((name, i) => ({ label: name, values: reduced.ys[i]!, color: this.colorOf(i) })),
      include: options.include, lines: options.lines, marks: chartMarks,
      onHover: (at) => this.hover(at, readout, (position) => {
        const pass = run.passes[position]!;
        const nearest = nearestCurve(full, position, at!.y, options.log);
        const bad = marks.filter((m) => m.number === pass.number).map((m) => m.label);
        const value = nearest < 0 ? `no ${options.what}`
          : curves.readout ? curves.readout(nearest, position) : `${names[nearest]!} ${options.what} ${shown(full[nearest]![position]!)}`;
        return `${number(pass)} · ${value}${names.length > 1 && nearest >= 0 ? ' (the series nearest the pointer)' : ''}${bad.length > 0 ? ` · ${bad.slice(0, 2).join('; ')}` : ''}`;
      }),
      onClick: (x) => this.open(nearestPosition(run, x)),
    });
  }

  private hover(at: { x: number; y: number } | null, readout: HTMLElement, text: (position: number) => string): void {
    const position = at ? nearestPosition(this.run, at.x) : -1;
    readout.textContent = position >= 0 ? text(position) : ' ';
    this.showFlow(position >= 0 ? position : this.pinned);
  }

  private showTooltip(text: string | null, at: { x: number; y: number } | null): void {
    if (!text || !at) { this.tooltip.hide(); return; }
    const box = this.element.getBoundingClientRect();
    this.tooltip.show(text, { x: at.x - box.left, y: at.y - box.top });
  }

  private showFlow(position: number): void {
    if (position === this.flowAt || position < 0) return;
    this.flowAt = position;
    const pass = this.run.passes[position]!;
    this.flowTitle.textContent = `Gradient flow at pass ${number(pass)}${pass.kept ? '' : ' (summarised)'}`;
    const words = flowWords(this.run, position);
    this.flowBox.setAttribute('aria-label', `Gradient flow: ${words}`);
    this.flowWords.textContent = words;
    drawFlow(this.flowBox, this.run, position, this.range, { onHover: (text, at) => this.showTooltip(text, at) });
  }

  /** A click on a pass: its graph when it was kept, else what it is and how to keep it. */
  private open(position: number): void {
    const pass = this.run.passes[position];
    if (!pass) return;
    this.pinned = position;
    if (pass.kept) { this.actions.openPass(pass.id); return; }
    this.showFlow(position);
    const backward = this.trace.backwardPasses[pass.index]!;
    const omitted = backward.omitted;
    const keepAgain = this.actions.keepAgain;
    this.note.replaceChildren(
      el('p', {}, el('b', {}, `Pass ${number(pass)} was summarised: only its statistics were kept.`),
        omitted ? ` Its ${formatCount(omitted.nodes)} nodes and ${formatCount(omitted.steps)} steps were left out to keep the trace within its budget; the charts here are from its summary.` : ''),
      keepAgain
        ? button({ label: `Run again keeping pass ${number(pass)}`, title: `Run again keeping pass ${number(pass)}`, appearance: 'primary', onClick: () => keepAgain(pass.id) })
        : el('p', {}, 'To see its graph, trace the same run again keeping it: ', el('code', { class: 'keep-command' }, shownText(keepCommand(this.trace, backward), { limit: 2000 }))));
    this.note.hidden = false;
    this.note.scrollIntoView({ block: 'nearest' });
  }
}
