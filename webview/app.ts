/**
 * The inspector: state (what is selected, which step, how it is coloured), and the wiring between
 * the host, the pure models, the graph view and the panels. Everything it draws is recomputed from
 * the state; the graph view applies only what changed. A trace too large to draw opens as a
 * summary; a graph too large to draw says so; a panel or handler that fails says so in its place.
 */
import { visible } from '../protocol/display';
import { DEFAULT_THRESHOLDS, type HostToWebview, type Selection, type SourceRef, type TextRef, type UiState } from '../protocol/messages';
import { indexTrace } from '../protocol/query/indexTrace';
import type { Tensor, Trace } from '../protocol/trace';
import type { Host } from './host';
import { contrastText, magnitudeScale, type MagnitudeScale } from './model/colors';
import { decorate, magnitudeOf } from './model/decorate';
import { toDot, toSvg } from './model/export';
import { exportFileName } from './model/exportName';
import { buildGraph, elementIndex, foldKey, nodeNames, selectNodes, type GraphModel } from './model/graph';
import { layeredLayout, type Positions } from './model/layout';
import { endedWell } from '../protocol/query/outcome';
import { functionPlot } from './model/plots';
import { stepMarks, type Frame, type StepMarks } from './model/marks';
import { backwardFrame, forwardFrame, passGradients } from './model/stepper';
import { pickerChoices, summarize, SUMMARY_CHOICE } from './model/summary';
import { tooltipText } from './model/tooltip';
import { validateTrace } from '../protocol/validate';
import { truncationBanner } from './ui/banner';
import { detailsPanel } from './ui/detailsPanel';
import { el } from './ui/dom';
import { errorText, onFailure, safely } from './ui/failures';
import { guardedPanel } from './ui/guard';
import { issuesPanel } from './ui/issuesPanel';
import { Minimap } from './ui/minimap';
import { plotPanel } from './ui/plotPanel';
import { runPanel } from './ui/runPanel';
import { backwardStepPanel, forwardStepPanel } from './ui/stepPanel';
import { summaryScreen, tooLargeScreen } from './ui/summaryScreen';
import { button, checkbox, dropdown, registerToolkit, textField } from './ui/toolkit';
import { cssVar, readTheme, watchTheme } from './ui/theme';
import { GraphView } from './view/graphView';

/** Above this many nodes, a selection opens folded. */
const FOLD_THRESHOLD = 400;
/**
 * The most elements (nodes after folding) the page draws; above, the graph is described instead.
 * Measured (bench/big-trace.bench.ts, headless Chromium, software rendering, 2 cores): 10,000 drawn
 * nodes show in 1 s and a step or a zoom takes 20 / 90 ms; at 20,000 both take 130–150 ms.
 */
export const DRAW_LIMIT = 10_000;
/**
 * Above this many trace nodes, the trace opens as a summary. Same measurement, opening folded:
 * 100,000 nodes take 0.5 s from receiving the trace to the first frame, 300,000 1 s, 600,000
 * 2.7 s — and every later rebuild (another pass, a fold, an opened group) costs as much again.
 */
export const SUMMARY_THRESHOLD = 200_000;
const SPEEDS = [0.5, 1, 2, 4, 8];
const EXPORT_CHOICES = [
  { value: '', label: 'Export…' },
  { value: 'png', label: 'PNG image' },
  { value: 'svg', label: 'SVG image' },
  { value: 'dot', label: 'Graphviz DOT' },
];

function selectionKey(selection: Selection): string {
  return `${selection.kind}:${selection.id}`;
}

export class InspectorApp {
  private trace: Trace | null = null;
  private state: UiState;
  private model: GraphModel | null = null;
  private layout: Positions | null = null;
  private readonly layouts = new Map<string, Positions>();
  private scale: MagnitudeScale | null = null;
  private view: GraphView | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private matches = new Set<number>();
  private cutPoints = new Set<number>();
  private groupByFunction = false;
  private initialFold: boolean | null = null;
  /** Folding as the user last set it with the checkbox in this page (null: never). */
  private userFold: boolean | null = null;
  /** The trace is above the summary threshold: it opens as a summary, one graph at a time from there. */
  private large = false;
  /** The limits in force (benchmarks raise them to measure past them). */
  readonly limits = { draw: DRAW_LIMIT, summary: SUMMARY_THRESHOLD };
  private readonly dom: ReturnType<InspectorApp['buildDom']>;
  /** Milliseconds spent in the last rebuild, and when its first frame was drawn (for benchmarks). */
  readonly timings = { scriptStartedAt: 0, constructedAt: 0, receivedAt: 0, validate: 0, model: 0, layout: 0, show: 0, firstFrameAt: 0, summaryAt: 0 };
  private readonly minimap: Minimap;
  /** Derived from the trace and the state, kept while they hold (a step recomputes only its frame). */
  private readonly memo: { frame?: { key: string; model: GraphModel; value: Frame | null }; passGradients?: { key: string; value: Map<number, Tensor> } } = {};

  constructor(private readonly root: HTMLElement, private readonly host: Host) {
    registerToolkit();
    const restored = host.getState();
    this.state = {
      selection: null, step: 0, view: 'backward', colorMode: 'gradient', expanded: [], folded: null, selectedNode: null,
      thresholds: DEFAULT_THRESHOLDS, speed: 1, ...(restored ?? {}),
    };
    this.initialFold = this.state.folded;
    this.minimap = new Minimap((x, y) => this.view?.panTo(x, y));
    this.dom = this.buildDom();
    onFailure((where, error) => this.showFailure(where, error));
    document.addEventListener('keydown', safely('a key press', (event: KeyboardEvent) => this.onKey(event)));
    window.addEventListener('resize', safely('resizing', () => this.drawMinimap())); // the graph view follows its own size
    // VS Code switches themes under an open panel: redraw the graph in the new colours.
    watchTheme(safely('changing the theme', () => { this.view?.setTheme(readTheme()); this.drawMinimap(); }));
    this.timings.constructedAt = performance.now();
  }

  // ---- Host messages -------------------------------------------------------------------------

  receive(message: HostToWebview): void {
    switch (message.type) {
      case 'trace/snapshot': {
        this.timings.receivedAt = performance.now();
        const validation = validateTrace(message.trace);
        this.timings.validate = performance.now() - this.timings.receivedAt;
        if (!validation.ok) { this.forget(); this.showError('This trace cannot be shown', validation.problems); return; }
        this.trace = validation.trace;
        this.large = validation.trace.nodes.length > this.limits.summary;
        this.layouts.clear();
        for (const key of Object.keys(this.memo) as (keyof InspectorApp['memo'])[]) delete this.memo[key];
        this.dom.banner.replaceChildren(...[truncationBanner(validation.trace)].filter((b): b is HTMLElement => b !== null));
        if (message.thresholds) this.state.thresholds = message.thresholds;
        // A trace too large to draw opens as its summary, unless the host asks for one of its graphs.
        const keep = !this.large && this.state.selection && this.exists(this.state.selection) ? this.state.selection : null;
        this.select(message.selection ?? keep ?? (this.large ? null : this.defaultSelection()), keep !== null && !message.selection);
        if (message.focusNode !== undefined) this.focus([message.focusNode]);
        break;
      }
      case 'trace/none':
        this.forget();
        this.dom.empty.hidden = false;
        this.dom.empty.textContent = visible(message.message, { multiline: true, limit: 1000 });
        this.renderPanels();
        break;
      case 'node/focus':
        this.focus(message.nodeIds);
        break;
      case 'step/move':
        this.move(message.to);
        break;
      case 'selection/set':
        if (this.exists(message.selection)) this.select(message.selection, false);
        break;
      case 'settings/thresholds':
        this.state.thresholds = message.thresholds;
        this.redecorate();
        break;
    }
  }

  private exists(selection: Selection): boolean {
    const trace = this.trace;
    if (!trace) return false;
    return selection.kind === 'pass' ? trace.backwardPasses.some((p) => p.id === selection.id) : trace.recordings.some((r) => r.id === selection.id);
  }

  private defaultSelection(): Selection | null {
    const trace = this.trace!;
    const pass = trace.backwardPasses.find((p) => !p.error) ?? trace.backwardPasses[0];
    if (pass) return { kind: 'pass', id: pass.id };
    const recording = trace.recordings[0];
    return recording ? { kind: 'recording', id: recording.id } : null;
  }

  // ---- State changes -------------------------------------------------------------------------

  private select(selection: Selection | null, keepStep: boolean): void {
    this.stop();
    const changed = !this.state.selection || !selection || selectionKey(this.state.selection) !== selectionKey(selection);
    this.state.selection = selection;
    if (changed || !keepStep) {
      this.state.step = 0;
      this.state.expanded = [];
      // A fold preference the page was opened with (?fold=0) applies to the first graph shown.
      this.state.folded = this.initialFold;
      this.initialFold = null;
      this.cutPoints.clear();
    }
    if (selection && selection.kind === 'recording') this.state.view = 'forward';
    this.rebuild();
  }

  /** A new graph (selection, folding, expansion): model, layout (cached), full redraw. */
  private rebuild(): void {
    try {
      this.draw();
    } catch (error) {
      console.error('GradLens inspector: drawing the graph failed', error);
      this.model = null;
      this.showError('The graph could not be drawn', [errorText(error)]);
    }
  }

  private draw(): void {
    const trace = this.trace;
    const selection = this.state.selection;
    this.updatePicker();
    this.dom.summary.hidden = true;
    this.dom.side.hidden = false;
    if (!trace || !selection) {
      this.model = null;
      if (trace && this.large) { this.showSummary(); return; }
      this.dom.empty.hidden = false;
      this.dom.empty.textContent = trace ? 'This trace has no recordings or backward passes: nothing was computed inside autograd.record().' : 'Waiting for a trace…';
      this.renderPanels();
      return;
    }
    this.dom.empty.hidden = true;
    const started = performance.now();
    const count = selectNodes(trace, selection).length;
    // Unfolded, every node is drawn: past the draw limit a graph opens folded, unless the user unfolded it.
    const fold = (this.state.folded ?? count > FOLD_THRESHOLD) || (count > this.limits.draw && this.userFold !== false);
    this.state.folded = fold;
    this.dom.fold.set(fold);
    if (!fold && count > this.limits.draw) { this.showTooLarge(selection, count, count, false); return; }
    const model = buildGraph(trace, selection, fold ? { fold: true, expanded: new Set(this.state.expanded) } : {});
    if (model.nodes.length > this.limits.draw) { this.showTooLarge(selection, count, model.nodes.length, fold); return; }
    this.model = model;
    const key = `${selectionKey(selection)}:${fold}:${[...this.state.expanded].sort().join('|')}`;
    const modelled = performance.now();
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = layeredLayout(model);
      this.layouts.set(key, layout);
    }
    const laidOut = performance.now();
    this.layout = layout;
    this.minimap.setLayout(layout);
    this.scale = this.buildScale();
    this.view ??= new GraphView(this.dom.graph, readTheme(), {
      onSelect: (elementId) => this.onGraphSelect(elementId),
      onViewport: () => { this.drawMinimap(); this.hover(null, null); },
      onHover: (elementId, at) => this.hover(elementId, at),
    });
    this.view.show(model, layout, this.decorations(), { groupByFunction: this.groupByFunction });
    this.view.mark(this.marks());
    this.updateStepper();
    this.updateLegend();
    this.renderPanels();
    this.drawMinimap();
    this.save();
    this.reportStep();
    Object.assign(this.timings, { model: modelled - started, layout: laidOut - modelled, show: performance.now() - laidOut, firstFrameAt: 0 });
    requestAnimationFrame(() => { this.timings.firstFrameAt = performance.now(); });
  }

  /** The summary screen of a large trace: its lists, no graph. */
  private showSummary(): void {
    const trace = this.trace!;
    this.clearGraph();
    this.dom.side.hidden = true;
    this.dom.summary.hidden = false;
    this.dom.summary.replaceChildren(summaryScreen(trace, summarize(trace), this.limits.summary, {
      ...this.panelActions(),
      open: (selection) => this.select(selection, false),
    }));
    this.dom.summary.scrollTop = 0;
    this.updateStepper();
    this.updateLegend();
    this.save();
    this.timings.summaryAt = performance.now();
    requestAnimationFrame(() => { this.timings.firstFrameAt = performance.now(); });
  }

  /** Instead of a graph with more elements than the draw limit: how large it is and what to do. */
  private showTooLarge(selection: Selection, nodes: number, drawn: number, folded: boolean): void {
    this.clearGraph();
    const what = selection.kind === 'pass' ? 'This backward pass' : 'This recording';
    const refold = !folded || this.state.expanded.length > 0
      ? () => { this.state.folded = this.userFold = true; this.state.expanded = []; this.rebuild(); }
      : undefined;
    this.dom.empty.hidden = false;
    this.dom.empty.replaceChildren(tooLargeScreen(what, nodes, drawn, folded, this.limits.draw, {
      ...(refold ? { fold: refold } : {}),
      ...(this.large ? { summary: () => this.select(null, false) } : {}),
    }));
    this.renderPanels();
    this.save();
    this.timings.firstFrameAt = 0;
    requestAnimationFrame(() => { this.timings.firstFrameAt = performance.now(); });
  }

  /** The trace shown is gone (another arrived that cannot be shown, or none): nothing of it stays on screen. */
  private forget(): void {
    this.trace = null;
    this.large = false;
    this.clearGraph();
    this.dom.banner.replaceChildren();
    this.dom.summary.hidden = true;
    this.dom.picker.set([], '');
    this.dom.side.replaceChildren();
    this.updateStepper();
    this.updateLegend();
  }

  /** No graph on screen (the summary or a description is): nothing to step through or hover. */
  private clearGraph(): void {
    this.model = null;
    this.layout = null;
    this.scale = null;
    this.stop(); // and the stepper says nothing: there is no graph to step through
    this.updateLegend();
    this.view?.clear();
    this.hover(null, null);
    this.minimap.element.hidden = true;
  }

  private buildScale(): MagnitudeScale {
    const byId = indexTrace(this.trace!).nodes;
    const members = this.model!.traceNodes.map((id) => byId.get(id)!);
    const magnitudes = members.map((node) => magnitudeOf(this.state.colorMode === 'gradient' ? node.grad : node.value));
    // Step gradients too, so that colours do not jump as the pass proceeds.
    const pass = this.pass();
    if (pass && this.state.colorMode === 'gradient') for (const step of pass.steps) magnitudes.push(magnitudeOf(step.upstream));
    return magnitudeScale(magnitudes);
  }

  private pass() {
    const selection = this.state.selection;
    if (!this.trace || !selection || selection.kind !== 'pass') return null;
    return this.trace.backwardPasses.find((p) => p.id === selection.id) ?? null;
  }

  private frame(): Frame | null {
    const trace = this.trace;
    const model = this.model;
    if (!trace || !model) return null;
    const pass = this.pass();
    const backward = this.state.view === 'backward' && pass !== null;
    const key = `${backward ? `pass:${pass.id}` : 'forward'}:${this.state.step}`;
    const memo = this.memo.frame;
    // The model is part of the key: a forward frame depends on the nodes shown.
    if (memo && memo.key === key && memo.model === model) return memo.value;
    const value: Frame = backward
      ? { kind: 'backward', frame: backwardFrame(pass, this.state.step) }
      : { kind: 'forward', frame: forwardFrame(trace, model.traceNodes, this.state.step) };
    this.memo.frame = { key, model, value };
    return value;
  }

  /** In the backward view, each node's gradient once the pass has run (colours and badges). */
  private passGradients(): Map<number, Tensor> | null {
    const pass = this.pass();
    if (this.state.view !== 'backward' || !pass) return null;
    const key = `pass:${pass.id}`;
    if (this.memo.passGradients?.key !== key) this.memo.passGradients = { key, value: passGradients(pass) };
    return this.memo.passGradients.value;
  }

  private marks(): StepMarks {
    return stepMarks({ trace: this.trace!, model: this.model!, frame: this.frame(), thresholds: this.state.thresholds });
  }

  private stepCount(): number {
    const frame = this.frame();
    return frame ? frame.frame.total : 0;
  }

  private decorations() {
    const scale = this.scale;
    return decorate({
      trace: this.trace!,
      model: this.model!,
      passGradients: this.passGradients(),
      colorMode: this.state.colorMode,
      colorizer: scale ? { color: (m) => scale.color(m), textColor: contrastText } : null,
      thresholds: this.state.thresholds,
      selected: new Set(this.state.selectedNode !== null ? [this.state.selectedNode] : []),
      matches: this.matches,
      cutPoints: this.cutPoints,
    });
  }

  /** Same graph, new look (colours, selection, search, view): classes and data, marks, panels. */
  private redecorate(): void {
    if (!this.view || !this.model || !this.trace) return;
    this.view.decorate(this.decorations());
    this.view.mark(this.marks());
    this.updateStepper();
    this.updateLegend();
    this.renderPanels();
    this.save();
  }

  /** Same graph, new moment: the step layer, the stepper and the step panel only. */
  private restep(): void {
    if (!this.view || !this.model || !this.trace) return;
    this.view.mark(this.marks());
    this.updateStepper();
    this.renderStepPanel();
    this.save();
    this.reportStep();
  }

  /** Tells the host which node and line this step is at (VS Code highlights the line). */
  private reportStep(): void {
    const selection = this.state.selection;
    const frame = this.frame();
    if (!selection || !frame) return;
    const node = frame.kind === 'backward' ? frame.frame.step?.node ?? null : frame.frame.current;
    this.host.post({ type: 'step/changed', selection, view: frame.kind, step: this.state.step, total: frame.frame.total, nodeIds: node !== null ? [node] : [] });
  }

  private setStep(step: number): void {
    const clamped = Math.max(0, Math.min(this.stepCount(), step));
    if (clamped === this.state.step) return;
    this.state.step = clamped;
    this.restep();
    // Keep the node of this step in view.
    const frame = this.frame();
    const current = frame?.kind === 'backward' ? frame.frame.step?.node : frame?.frame.current;
    const element = current !== undefined && current !== null ? this.model!.elementOf.get(current) : undefined;
    if (element) this.view!.reveal(element);
  }

  private move(to: 'next' | 'previous' | 'first' | 'last'): void {
    if (to === 'next') this.setStep(this.state.step + 1);
    else if (to === 'previous') this.setStep(this.state.step - 1);
    else if (to === 'first') this.setStep(0);
    else this.setStep(this.stepCount());
  }

  private togglePlay(): void {
    if (this.timer) { this.stop(); return; }
    if (this.state.step >= this.stepCount()) this.setStep(0);
    this.timer = setInterval(safely('playing the steps', () => {
      if (this.state.step >= this.stepCount()) { this.stop(); return; }
      this.setStep(this.state.step + 1);
    }), 1000 / this.state.speed);
    this.updateStepper();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.updateStepper();
  }

  private onGraphSelect(elementId: string | null): void {
    const element = elementId && this.model ? elementIndex(this.model).nodes.get(elementId) : undefined;
    if (element?.kind === 'group' && element.foldKey) {
      // Clicking a folded group opens it.
      this.state.expanded = [...this.state.expanded, element.foldKey];
      this.state.selectedNode = element.members[0] ?? null;
      this.rebuild();
      return;
    }
    this.state.selectedNode = element ? element.members[element.members.length - 1]! : null;
    this.cutPoints.clear();
    this.redecorate();
    this.host.post({ type: 'node/selected', nodeIds: element ? element.members : [] });
  }

  /** Select nodes (from the host or a panel link), switching to a selection that shows them. */
  private focus(nodeIds: readonly number[]): void {
    const trace = this.trace;
    if (!trace || nodeIds.length === 0) return;
    const wanted = new Set(nodeIds);
    if (!this.model || !nodeIds.some((id) => this.model!.elementOf.has(id))) {
      // The first pass, else the first recording, whose graph has the node (as an op or an input).
      const candidates: Selection[] = [
        ...trace.backwardPasses.filter((p) => !p.error).map((p) => ({ kind: 'pass' as const, id: p.id })),
        ...trace.recordings.map((r) => ({ kind: 'recording' as const, id: r.id })),
      ];
      const selection = candidates.find((candidate) => selectNodes(trace, candidate).some((id) => wanted.has(id)));
      if (selection) this.select(selection, false);
    }
    this.state.selectedNode = nodeIds[nodeIds.length - 1]!;
    const elements = nodeIds.map((id) => this.model?.elementOf.get(id)).filter((e): e is string => e !== undefined);
    this.redecorate();
    if (elements.length > 0) this.view?.fit(elements);
  }

  private search(query: string): void {
    const trace = this.trace;
    const q = query.trim().toLowerCase();
    this.matches = new Set();
    if (trace && q) {
      const line = /^(?:line\s*)?(\d+)$/.exec(q);
      const names = nodeNames(trace);
      for (const node of trace.nodes) {
        const name = names.get(node.id)?.toLowerCase();
        // Only the shown part of an op's name is searched (a 25 MB name is shown cut).
        const op = node.op.length > 200 ? node.op.slice(0, 200) : node.op;
        if (line ? node.source?.line === Number(line[1]) : op.toLowerCase().includes(q) || name === q || (name?.includes(q) ?? false)) this.matches.add(node.id);
      }
    }
    this.redecorate();
    this.dom.searchInfo.textContent = q ? `${[...this.matches].filter((id) => this.model?.elementOf.has(id)).length} found` : '';
  }

  private fitMatches(): void {
    const elements = [...this.matches].map((id) => this.model?.elementOf.get(id)).filter((e): e is string => e !== undefined);
    if (elements.length > 0) this.view?.fit(elements);
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (target && /^(INPUT|TEXTAREA|VSCODE-TEXT-FIELD|SELECT|VSCODE-DROPDOWN)$/.test(target.tagName)) return;
    // With a modifier the key is VS Code's (Ctrl+Alt+→ is "Next Backward Step", which steps through the host).
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const keys: Record<string, () => void> = {
      ArrowRight: () => this.move('next'),
      ArrowLeft: () => this.move('previous'),
      Home: () => this.move('first'),
      End: () => this.move('last'),
      ' ': () => this.togglePlay(),
    };
    const action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  }

  // ---- Drawing -------------------------------------------------------------------------------

  private save(): void {
    this.host.setState({ ...this.state });
  }

  private updatePicker(): void {
    const trace = this.trace;
    if (!trace) return;
    const selection = this.state.selection;
    this.dom.picker.set(pickerChoices(trace, selection, this.large), selection ? `${selection.kind}:${selection.id}` : this.large ? SUMMARY_CHOICE : '');
    this.dom.viewPicker.set([{ value: 'backward', label: 'Backward' }, { value: 'forward', label: 'Forward' }], this.state.view);
    this.dom.colorPicker.set([{ value: 'gradient', label: 'Colour: gradient' }, { value: 'value', label: 'Colour: value' }], this.state.colorMode);
  }

  private updateStepper(): void {
    const total = this.stepCount();
    const { scrubber, stepLabel, play } = this.dom;
    scrubber.max = String(total);
    scrubber.value = String(this.state.step);
    const frame = this.frame();
    stepLabel.textContent = frame
      ? `${frame.kind === 'backward' ? 'backward' : 'forward'} step ${this.state.step} / ${total}`
      : '';
    play.title = this.timer ? 'Pause (Space)' : 'Play (Space)';
    play.querySelector('.codicon')!.className = `codicon codicon-${this.timer ? 'debug-pause' : 'play'}`;
  }

  private updateLegend(): void {
    this.dom.legend.replaceChildren(...this.legendItems());
  }

  private legendItems(): HTMLElement[] {
    if (!this.scale) return [];
    const label = this.state.colorMode === 'gradient' ? '‖∇‖' : '‖value‖';
    return [el('span', { class: 'legend-title' }, `${label} (log)`), ...this.scale.legend(5).map((stop) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = stop.color;
      return el('span', { class: 'legend-stop' }, swatch, stop.label);
    })];
  }

  private panelActions() {
    // In VS Code the host can open the whole of a text cut short; the standalone page cannot.
    const openText = this.host.kind === 'vscode' ? (ref: TextRef) => this.host.post({ type: 'text/open', ref }) : undefined;
    return {
      reveal: (ref: SourceRef) => this.host.post({ type: 'source/reveal', ref }),
      ...(openText ? { openText } : {}),
      select: (nodeId: number) => this.focus([nodeId]),
      showCuts: (nodeIds: number[]) => {
        this.cutPoints = new Set(nodeIds);
        this.redecorate();
        const elements = nodeIds.map((id) => this.model?.elementOf.get(id)).filter((e): e is string => e !== undefined);
        this.view?.fit(elements);
      },
    };
  }

  /** The step panel: what this step computes. */
  private stepPanel(): HTMLElement {
    const trace = this.trace!;
    const frame = this.frame();
    const pass = this.pass();
    const panel = guardedPanel('Step', () => (frame?.kind === 'backward' && pass ? backwardStepPanel(trace, pass, frame.frame, this.panelActions())
      : frame?.kind === 'forward' ? forwardStepPanel(trace, frame.frame, this.panelActions())
        : el('section', { hidden: '' })))!;
    panel.classList.add('step-panel');
    return panel;
  }

  /** A step changes the step panel only; the other panels stay (and keep their scroll and charts). */
  private renderStepPanel(): void {
    const current = this.dom.side.querySelector(':scope > .step-panel');
    if (!this.trace || !current) { this.renderPanels(); return; }
    current.replaceWith(this.stepPanel());
  }

  private renderPanels(): void {
    const trace = this.trace;
    const side = this.dom.side;
    if (!trace) { side.replaceChildren(); return; }
    const actions = this.panelActions();
    const pass = this.pass();
    const model = this.model;
    const panels: (HTMLElement | null)[] = [];
    if (model) {
      panels.push(this.stepPanel());
      const selected = this.state.selectedNode;
      const element = selected !== null ? elementIndex(model).nodes.get(model.elementOf.get(selected) ?? '') : undefined;
      const selectedIds = element ? element.members.slice(0, element.members.indexOf(selected!) + 1) : selected !== null ? [selected] : [];
      // A node of an opened group can fold it again.
      const selectedTrace = selected !== null ? indexTrace(trace).nodes.get(selected) : undefined;
      const openedKey = selectedTrace && this.state.folded ? foldKey(selectedTrace) : null;
      const refold = openedKey && this.state.expanded.includes(openedKey)
        ? { label: `fold line ${selectedTrace!.source?.line ?? '?'} again`, run: () => { this.state.expanded = this.state.expanded.filter((k) => k !== openedKey); this.rebuild(); } }
        : undefined;
      const checkGradients = this.host.kind === 'vscode' ? () => this.host.post({ type: 'gradcheck/run' }) : undefined;
      panels.push(guardedPanel('Node', () => detailsPanel(trace, selectedIds, { ...actions, ...(refold ? { refold } : {}), ...(checkGradients ? { checkGradients } : {}) })));
      panels.push(guardedPanel('Plot', () => {
        const plot = pass ? functionPlot(trace, pass) : null;
        return plot ? plotPanel(plot) : null;
      }));
    }
    // How the run ended, when it did not end well: the graph may be all there is of it.
    if (!endedWell(trace.run)) panels.push(guardedPanel('Run', () => runPanel(trace.run, actions)));
    panels.push(guardedPanel('Anomalies and graph breaks', () => issuesPanel(trace, actions)));
    side.replaceChildren(...panels.filter((p): p is HTMLElement => p !== null));
  }

  /** A tooltip over the graph: a node's label, source line and breaks; a cut edge's explanation. */
  private hover(elementId: string | null, at: { x: number; y: number } | null): void {
    const tooltip = this.dom.tooltip;
    const text = elementId && at ? this.tooltipText(elementId) : null;
    if (!text || !at) { tooltip.hidden = true; return; }
    tooltip.textContent = text;
    tooltip.style.left = `${Math.round(at.x + 14)}px`;
    tooltip.style.top = `${Math.round(at.y + 14)}px`;
    tooltip.hidden = false;
  }

  private tooltipText(elementId: string): string | null {
    return this.model && this.trace ? tooltipText(this.trace, this.model, elementId) : null;
  }

  private drawMinimap(): void {
    if (!this.view) return;
    this.minimap.draw(this.view.viewport(), { node: cssVar('--gl-muted', '#888'), frame: cssVar('--gl-accent', '#0078d4') });
  }

  private exportAs(format: 'png' | 'svg' | 'dot'): void {
    if (!this.model || !this.layout || !this.view) return;
    // Plain characters only, whatever run.file holds: the VS Code host refuses any other name.
    const fileName = exportFileName(this.trace?.run.file, this.state.selection, format);
    if (format === 'png') {
      this.view.png().then(
        (data) => this.host.post({ type: 'export/save', format, fileName, data, encoding: 'base64' }),
        (error: unknown) => this.host.post({ type: 'webview/error', message: `PNG export failed: ${error instanceof Error ? error.message : String(error)}` }),
      );
      return;
    }
    const decorations = this.decorations();
    const colors = new Map<string, string>();
    for (const [id, data] of decorations.data) if (data.color) colors.set(id, data.color);
    const text = format === 'svg' ? toSvg(this.model, this.layout.positions, { colors, marks: this.view.marks }) : toDot(this.model, { title: fileName });
    this.host.post({ type: 'export/save', format, fileName, data: text, encoding: 'utf8' });
  }

  showError(title: string, problems: string[]): void {
    this.stop();
    this.dom.summary.hidden = true;
    this.dom.empty.hidden = false;
    // Problems quote the trace (briefly, escaped); escaped again here in case a caller did not.
    const shown = problems.slice(0, 12).map((p) => visible(p, { limit: 1000 }));
    this.dom.empty.replaceChildren(el('div', { class: 'error-screen', role: 'alert' },
      el('h1', {}, title), el('ul', {}, ...shown.map((p) => el('li', {}, p))),
      el('p', {}, 'Run `gradlens trace FILE` again to make a new trace.')));
    this.host.post({ type: 'webview/error', message: `${title}: ${shown.join('; ')}` });
  }

  /** A handler failed (failures.ts): say so above the graph, tell the host, and carry on. */
  private showFailure(where: string, error: unknown): void {
    console.error(`GradLens inspector: ${where} failed`, error);
    const text = `Something went wrong (${visible(where, { limit: 100 })}): ${errorText(error)}`;
    const dismiss = button({ icon: 'close', title: 'Dismiss', onClick: () => { this.dom.failure.hidden = true; } });
    this.dom.failure.replaceChildren(el('span', {}, text), dismiss);
    this.dom.failure.hidden = false;
    this.host.post({ type: 'webview/error', message: text });
  }

  private buildDom() {
    const picker = dropdown('What to show', (value) => {
      if (value === SUMMARY_CHOICE) { this.select(null, false); return; }
      const [kind, id] = value.split(':');
      if (kind === 'pass' || kind === 'recording') this.select({ kind, id: Number(id) }, false);
    });
    const viewPicker = dropdown('Backward or forward', (value) => {
      this.state.view = value === 'forward' ? 'forward' : 'backward';
      this.state.step = 0;
      this.stop();
      this.redecorate();
    });
    const colorPicker = dropdown('Colour nodes by', (value) => {
      this.state.colorMode = value === 'value' ? 'value' : 'gradient';
      this.scale = this.model ? this.buildScale() : null;
      this.redecorate();
    });
    const fold = checkbox('Fold loops', false, (checked) => { this.state.folded = this.userFold = checked; this.state.expanded = []; this.rebuild(); });
    const byFunction = checkbox('Group by function', false, (checked) => { this.groupByFunction = checked; this.rebuild(); });
    const searchInfo = el('span', { class: 'search-info', 'aria-live': 'polite' });
    const search = textField('Search op, name or line', (value) => this.search(value), () => this.fitMatches());
    const exporter = dropdown('Export the graph', (value) => {
      if (value === 'png' || value === 'svg' || value === 'dot') this.exportAs(value);
      exporter.set(EXPORT_CHOICES, '');
    });
    exporter.set(EXPORT_CHOICES, '');
    const graph = el('div', { class: 'graph', id: 'graph' });
    const empty = el('div', { class: 'empty' }, 'Waiting for a trace…');
    const side = el('aside', { class: 'side', 'aria-label': 'step and node details' });
    const legend = el('div', { class: 'legend', 'aria-label': 'colour legend' });
    const scrubber = el('input', { type: 'range', min: '0', max: '0', value: '0', class: 'scrubber', 'aria-label': 'step' });
    scrubber.addEventListener('input', safely('moving the scrubber', () => { this.stop(); this.setStep(Number(scrubber.value)); }));
    const stepLabel = el('span', { class: 'step-label', 'aria-live': 'polite' });
    const play = button({ icon: 'play', title: 'Play (Space)', onClick: () => this.togglePlay() });
    const speed = dropdown('Speed', (value) => { this.state.speed = Number(value); if (this.timer) { this.stop(); this.togglePlay(); } });
    speed.set(SPEEDS.map((s) => ({ value: String(s), label: `${s} step/s` })), String(this.state.speed));
    const toolbar = el('header', { class: 'toolbar' },
      picker.element, viewPicker.element, colorPicker.element, fold.element, byFunction.element, search, searchInfo,
      el('span', { class: 'spacer' }),
      button({ icon: 'screen-full', title: 'Fit the graph', onClick: () => this.view?.fit() }),
      button({ icon: 'zoom-out', title: 'Zoom out', onClick: () => this.view?.zoom(1 / 1.25) }),
      button({ icon: 'zoom-in', title: 'Zoom in', onClick: () => this.view?.zoom(1.25) }),
      exporter.element);
    const threshold = (which: 'vanishing' | 'exploding', label: string) => {
      const field = textField(label, (value) => {
        const number = Number(value);
        if (value.trim() !== '' && Number.isFinite(number) && number > 0) {
          this.state.thresholds = { ...this.state.thresholds, [which]: number };
          this.redecorate();
        }
      }, () => {});
      field.classList.add('threshold');
      field.setAttribute('value', String(this.state.thresholds[which]));
      field.setAttribute('title', `${label}: gradients whose L2 norm is ${which === 'vanishing' ? 'below' : 'above'} this get a badge`);
      return field;
    };
    const stepper = el('footer', { class: 'stepper' },
      button({ icon: 'debug-step-back', title: 'First step (Home)', onClick: () => this.move('first') }),
      button({ icon: 'arrow-left', title: 'Previous step (←)', onClick: () => this.move('previous') }),
      play,
      button({ icon: 'arrow-right', title: 'Next step (→)', onClick: () => this.move('next') }),
      button({ icon: 'debug-step-over', title: 'Last step (End)', onClick: () => this.move('last') }),
      speed.element, scrubber, stepLabel, legend,
      el('span', { class: 'thresholds' }, 'badges: vanishing ‖∇‖ <', threshold('vanishing', 'vanishing below'), 'exploding >', threshold('exploding', 'exploding above')));
    const tooltip = el('div', { class: 'graph-tooltip', role: 'tooltip', hidden: '' });
    const summary = el('div', { class: 'summary-screen', hidden: '' });
    const failure = el('div', { class: 'failure', role: 'alert', hidden: '' });
    const canvas = el('div', { class: 'canvas' }, graph, tooltip, empty, summary, failure, this.minimapElement());
    const banner = el('div', { class: 'banners' });
    this.root.replaceChildren(toolbar, banner, el('main', { class: 'body' }, canvas, side), stepper);
    return { picker, viewPicker, colorPicker, fold, byFunction, searchInfo, graph, tooltip, empty, summary, failure, banner, side, legend, scrubber, stepLabel, play };
  }

  private minimapElement(): HTMLElement {
    return this.minimap.element;
  }
}
