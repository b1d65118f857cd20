/**
 * Puts a state on screen. `render(state)` derives what the state shows (state/derive.ts) and
 * applies what is not already there: each derived piece is compared by identity with the one on
 * screen, so a step redraws the step layer and the step panel, a colour change the decorations,
 * a new selection the graph — and no caller chooses among them. The side bar's panels, the
 * Training view, a summarised pass and the minimap come with the script loaded after the first
 * frame (lazy.ts): the first render asks for it, and until it is in they wait.
 */
import { visible } from '../protocol/display';
import type { SourceRef, TextRef, UiState } from '../protocol/messages';
import type { Trace } from '../protocol/trace';
import type { Host } from './host';
import type { Decorations } from './model/decorate';
import type { GraphModel } from './model/graph';
import type { Frame, StepMarks } from './model/marks';
import { tooltipText } from './model/tooltip';
import { currentNode, type Derivation, type GraphScreen, type Screen } from './state/derive';
import type { InspectorState } from './state/state';
import type { Later } from './later';
import { AccessibleView } from './ui/accessibleView';
import { LiveRegion } from './ui/announce';
import { truncationBanner } from './ui/banner';
import { el } from './ui/dom';
import type { Minimap } from './ui/minimap';
import { errorScreen, FailureBar, loadingScreen, shownProblems } from './ui/screens';
import type { SideActions, SideGraph } from './ui/sidePanels';
import { Stepper } from './ui/stepper';
import { summaryScreen, tooLargeScreen } from './ui/summaryScreen';
import type { TrainingScreen } from './ui/trainingScreen';
import { cssVar, readTheme } from './ui/theme';
import { Toolbar, type ToolbarCommands } from './ui/toolbar';
import { Tooltip } from './ui/tooltip';
import { GraphView } from './view/graphView';

/** The graph's keys, as its description says them (app.ts handles them; docs/extension.md lists them). */
const GRAPH_KEYS = 'Left arrow: to an input of the node. Right arrow: to a consumer. Up and down arrows: the other inputs or consumers of the node you came from (before a move, the nodes of the same column). '
  + 'Enter: the node\'s details. Escape: leave the graph. Shift with left or right arrow: previous or next step. Alt+Shift+V: the accessible view, the pass as a table.';

/** Milliseconds of the last graph shown, and when frames were drawn (for benchmarks). */
export interface Timings {
  scriptStartedAt: number;
  constructedAt: number;
  receivedAt: number;
  validate: number;
  model: number;
  layout: number;
  show: number;
  firstFrameAt: number;
  summaryAt: number;
  /** The frame after the second script came in and drew what waited for it (the side bar, the controls). */
  completeAt: number;
}

export interface RendererEvents extends ToolbarCommands {
  /** A graph element was clicked (null: the background). */
  onGraphSelect(elementId: string | null): void;
  /** The script loaded after the first frame is wanted (once the first frame is drawn, or now for a screen it draws). */
  needLater(): void;
}

/** What is on screen, to compare the next derivation with. */
interface Shown {
  screen: Screen | null;
  trace: Trace | null;
  model: GraphModel | null;
  groupByFunction: boolean;
  decorations: Decorations | null;
  marks: StepMarks | null;
  frame: Frame | null;
  ui: UiState | null;
}

export class Renderer {
  view: GraphView | null = null;
  private readonly toolbar: Toolbar;
  private readonly stepper: Stepper;
  private readonly tooltip = new Tooltip();
  private readonly failure = new FailureBar();
  /** The graph's overview (from the second script). */
  private minimap: Minimap | null = null;
  /** What the second script holds, once it has run. */
  private later: Later | null = null;
  /** The first render asked for the second script. */
  private laterAsked = false;
  /** The side bar is not drawn for what is shown (its panels are the second script's). */
  private sideStale = true;
  /** The screen shown waits for the second script (the Training view, a summarised pass). */
  private screenWaits = false;
  private readonly canvas: HTMLElement;
  /**
   * The graph: a canvas, so an application to assistive technology (its keys are ours: graph keys in
   * app.ts), named by what it shows and described by its keys. Its nodes have no DOM element, so no
   * aria-activedescendant: the node the keyboard is on is said by a live region (`nodeLive`), one
   * sentence per move — a hidden mirror of every node (10⁴ of them) would cost more than the
   * graph and be read as a list, not a graph.
   */
  private readonly graphElement = el('div', {
    class: 'graph', id: 'graph', role: 'application', 'aria-roledescription': 'autograd graph', 'aria-label': 'Autograd graph: none shown',
    'aria-describedby': 'graph-keys', tabindex: '-1', 'aria-hidden': 'true',
  });
  private readonly graphKeys = el('p', { id: 'graph-keys', class: 'sr-only' }, GRAPH_KEYS);
  /** The node the keyboard is on, said as it moves. */
  private readonly nodeLive = new LiveRegion('node-live', 120);
  /** The chain rule of the step, said when the step changes (stepping fast: the last one). */
  private readonly stepLive = new LiveRegion('step-live', 400);
  private readonly accessible: AccessibleView;
  private shownAccess: { label: string | null; element: string | null; words: string | null } = { label: null, element: null, words: null };
  /** The name of the last graph shown, whatever was shown since (the Training view, a summary). */
  private lastGraphLabel: string | null = null;
  private readonly empty = el('div', { class: 'empty' }, 'Waiting for a trace…');
  private readonly summary = el('div', { class: 'summary-screen', hidden: '' });
  /** Busy until the second script has drawn its panels (a narrow page keeps their room: styles.css). */
  private readonly side = el('aside', { class: 'side', 'aria-label': 'step and node details', 'aria-busy': 'true' });
  private readonly banner = el('div', { class: 'banners' });
  private training: TrainingScreen | null = null;
  private shown: Shown = { screen: null, trace: null, model: null, groupByFunction: false, decorations: null, marks: null, frame: null, ui: null };

  constructor(root: HTMLElement, private readonly host: Host, private readonly derive: Derivation, readonly timings: Timings,
    private readonly events: RendererEvents, initial: InspectorState) {
    this.toolbar = new Toolbar(events);
    this.stepper = new Stepper(events.dispatch, initial.ui);
    this.canvas = el('div', { class: 'canvas' }, this.graphElement, this.tooltip.element, this.empty, this.summary, this.failure.element);
    const main = el('main', { class: 'body' }, this.canvas, this.side);
    const page = [this.toolbar.element, this.banner, main, this.stepper.element];
    this.accessible = new AccessibleView(() => events.dispatch({ type: 'listing/set', open: false }),
      (on) => { for (const part of page) part.inert = on; }, () => (this.graphElement.tabIndex === 0 ? this.graphElement : null));
    // The live regions stay outside what the accessible view makes inert: they are read while it is open too.
    root.replaceChildren(...page, this.graphKeys, this.nodeLive.element, this.stepLive.element, this.accessible.element);
  }

  /** The graph's element (it takes the keyboard's focus). */
  get graphContainer(): HTMLElement {
    return this.graphElement;
  }

  /** Says `text` where the node the keyboard is on is said (a move that goes nowhere says why). */
  sayAboutNode(text: string): void {
    this.nodeLive.say(text);
  }

  /** The focus to the step buttons (Escape leaves the graph there: ← and → step again). */
  focusStepper(): void {
    this.stepper.focus();
  }

  /** The graph on screen, if one is. */
  get graph(): GraphScreen | null {
    return this.shown.screen?.tag === 'graph' ? this.shown.screen : null;
  }

  get decorations(): Decorations | null {
    return this.shown.decorations;
  }

  render(state: InspectorState): void {
    const derive = this.derive;
    let screen = derive.screen(state);
    const trace = state.doc.kind === 'trace' ? state.doc.trace : null;
    if (trace !== this.shown.trace || state.ui.selection !== this.shown.ui?.selection) {
      const banner = trace ? truncationBanner(trace) : null;
      this.banner.replaceChildren(...(banner ? [banner] : []));
    }
    const graph = screen.tag === 'graph' ? screen : null;
    const frame = graph ? derive.frame(state) : null;
    const decorations = graph ? derive.decorations(state) : null;
    const marks = graph ? derive.marks(state) : null;
    let newGraph = false;
    try {
      if (screen !== this.shown.screen || (graph && state.page.groupByFunction !== this.shown.groupByFunction)) {
        newGraph = graph !== null;
        this.showScreen(screen, decorations!, state);
      } else if (graph && decorations !== this.shown.decorations) {
        this.view!.decorate(decorations!);
      }
      if (graph && (newGraph || marks !== this.shown.marks)) this.view!.mark(marks!);
    } catch (error) {
      console.error('GradLens inspector: drawing the graph failed', error);
      screen = { tag: 'error', title: 'The graph could not be drawn', problems: [error instanceof Error ? `${error.name}: ${error.message}` : String(error)] };
      this.showScreen(screen, null, state);
    }
    const drawn = screen.tag === 'graph' ? screen : null;
    this.renderSide(state, trace, screen, frame, decorations);
    // Stepping keeps the node of the step in view (a new graph is fitted instead).
    if (drawn && !newGraph && frame !== this.shown.frame && drawn.model === this.shown.model) {
      const node = currentNode(frame);
      const element = node !== null ? drawn.model.elementOf.get(node) : undefined;
      if (element) this.view!.reveal(element);
    }
    this.updateControls(state, screen, frame);
    this.updateAccess(state, drawn, frame, newGraph);
    if (drawn && frame !== this.shown.frame) this.reportStep(state, drawn, frame);
    if (state.ui !== this.shown.ui) this.host.setState({ ...state.ui });
    this.shown = {
      screen, trace, model: drawn?.model ?? null, groupByFunction: state.page.groupByFunction,
      decorations: drawn ? decorations : null, marks: drawn ? marks : null, frame: drawn ? frame : null, ui: state.ui,
    };
    // The second script once this is on screen (not words saying what is on the way): after the
    // frame that shows it (a task queued in a frame runs after its paint).
    if (!this.laterAsked && screen.tag !== 'waiting' && screen.tag !== 'loading') {
      this.laterAsked = true;
      requestAnimationFrame(() => setTimeout(() => this.events.needLater(), 0));
    }
  }

  /**
   * The second script has run: the minimap goes in, and the next render draws what waited for it
   * (the side bar, a screen of its).
   */
  laterArrived(later: Later): void {
    this.later = later;
    this.minimap = new later.Minimap((x, y) => this.view?.panTo(x, y));
    this.canvas.append(this.minimap.element);
    const graph = this.graph;
    if (graph && this.view) {
      this.minimap.setLayout(graph.layout);
      this.drawMinimap();
    } else {
      this.minimap.element.hidden = true;
    }
    this.sideStale = true;
    if (this.screenWaits) {
      this.screenWaits = false;
      this.shown = { ...this.shown, screen: null };
    }
  }

  /** A handler failed (failures.ts): say so above the graph, tell the host, and carry on. */
  showFailure(where: string, error: unknown): void {
    console.error(`GradLens inspector: ${where} failed`, error);
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const text = `Something went wrong (${visible(where, { limit: 100 })}): ${visible(reason, { limit: 500 })}`;
    this.failure.show(text);
    this.host.post({ type: 'webview/error', message: text });
  }

  hover(elementId: string | null, at: { x: number; y: number } | null): void {
    const graph = this.graph;
    this.tooltip.show(elementId && at && graph ? tooltipText(graph.trace, graph.model, elementId) : null, at);
  }

  drawMinimap(): void {
    if (!this.view || !this.minimap) return;
    this.minimap.draw(this.view.viewport(), { node: cssVar('--gl-muted', '#888'), frame: cssVar('--gl-accent', '#0078d4') });
  }

  setTheme(): void {
    this.view?.setTheme(readTheme());
    this.training?.draw();
    this.drawMinimap();
  }

  // ---- Screens -------------------------------------------------------------------------------

  private showScreen(screen: Screen, decorations: Decorations | null, state: InspectorState): void {
    this.summary.hidden = true;
    this.side.hidden = false;
    this.training?.dispose();
    this.training = null;
    if (screen.tag === 'graph') { this.showGraph(screen, decorations!, state); return; }
    this.clearGraph();
    this.empty.hidden = false;
    switch (screen.tag) {
      case 'waiting': this.empty.textContent = 'Waiting for a trace…'; break;
      case 'empty': this.empty.textContent = visible(screen.message, { multiline: true, limit: 1000 }); break;
      case 'error': {
        this.empty.replaceChildren(errorScreen(screen.title, screen.problems));
        this.host.post({ type: 'webview/error', message: `${screen.title}: ${shownProblems(screen.problems).join('; ')}` });
        break;
      }
      case 'summary': {
        this.showPage(summaryScreen(screen.trace, screen.summary, this.derive.limits.summary, {
          ...this.panelActions(), open: (selection) => this.events.dispatch({ type: 'selection/set', selection }),
        }));
        this.timings.summaryAt = performance.now();
        this.frameDrawn();
        break;
      }
      case 'summarised': {
        if (!this.later) { this.waitForLater(); break; }
        const { openPass, keepAgain } = this.passActions();
        this.showPage(this.later.summarisedScreen(screen.trace, screen.view, {
          ...this.panelActions(), openPass,
          ...(screen.training ? { openTraining: () => this.events.dispatch({ type: 'selection/set', selection: { kind: 'training' } }) } : {}),
          ...(keepAgain ? { keepAgain } : {}),
        }));
        this.frameDrawn();
        break;
      }
      case 'training': {
        if (!this.later) { this.waitForLater(); break; }
        const { openPass, keepAgain } = this.passActions();
        this.training = new this.later.TrainingScreen(screen.trace, screen.run, screen.thresholds, {
          openPass,
          openNode: (id, node) => this.events.dispatch({ type: 'selection/set', selection: { kind: 'pass', id }, atNode: node }),
          ...(keepAgain ? { keepAgain } : {}),
        });
        this.showPage(this.training.element);
        this.training.draw();
        this.frameDrawn();
        break;
      }
      case 'loading': {
        const what = screen.selection.kind === 'pass'
          ? `pass #${screen.trace.backwardPasses.findIndex((p) => p.id === screen.selection.id) + 1}`
          : `the recording at line ${screen.trace.recordings.find((r) => r.id === screen.selection.id)?.source?.line ?? '?'}`;
        this.empty.replaceChildren(loadingScreen(what, screen.bytes, screen.problem));
        this.frameDrawn();
        break;
      }
      case 'tooLarge': {
        const what = screen.selection.kind === 'pass' ? 'This backward pass' : 'This recording';
        this.empty.replaceChildren(tooLargeScreen(what, screen.nodes, screen.drawn, screen.folded, this.derive.limits.draw, {
          ...(screen.canRefold ? { fold: () => this.events.dispatch({ type: 'fold/set', folded: true }) } : {}),
          ...(screen.canSummary ? { summary: () => this.events.dispatch({ type: 'selection/set', selection: null }) } : {}),
        }));
        this.timings.firstFrameAt = 0;
        this.frameDrawn();
        break;
      }
    }
  }

  /** A screen the second script draws, before it has run: nothing yet, and the script asked for now. */
  private waitForLater(): void {
    this.screenWaits = true;
    this.empty.textContent = '';
    this.events.needLater();
  }

  private showGraph(screen: GraphScreen, decorations: Decorations, state: InspectorState): void {
    this.empty.hidden = true;
    const started = performance.now();
    this.minimap?.setLayout(screen.layout);
    this.view ??= new GraphView(this.graphElement, readTheme(), {
      onSelect: (elementId) => this.events.onGraphSelect(elementId),
      onViewport: () => { this.drawMinimap(); this.hover(null, null); },
      onHover: (elementId, at) => this.hover(elementId, at),
    });
    this.view.show(screen.model, screen.layout, decorations, { groupByFunction: state.page.groupByFunction });
    this.drawMinimap();
    Object.assign(this.timings, { model: this.derive.times.model, layout: this.derive.times.layout, show: performance.now() - started, firstFrameAt: 0 });
    this.frameDrawn();
  }

  /** No graph on screen (words, the summary or a description are): nothing to hover. */
  private clearGraph(): void {
    this.view?.clear();
    this.tooltip.hide();
    if (this.minimap) this.minimap.element.hidden = true;
  }

  private frameDrawn(): void {
    requestAnimationFrame(() => { this.timings.firstFrameAt = performance.now(); });
  }

  // ---- Side bar, controls, host --------------------------------------------------------------

  /**
   * All panels when the graph or its look changed; only the step panel when just the step did (the
   * others keep their scroll). The panels are the second script's: until it has run, none.
   */
  private renderSide(state: InspectorState, trace: Trace | null, screen: Screen, frame: Frame | null, decorations: Decorations | null): void {
    if (!trace) { this.side.replaceChildren(); return; }
    const later = this.later;
    if (!later) return;
    if (screen.tag === 'summary' || screen.tag === 'training' || screen.tag === 'summarised') return; // the side bar is hidden beside these
    const graph = screen.tag === 'graph' ? screen : null;
    const side: SideGraph | null = graph ? {
      model: graph.model, pass: this.derive.pass(state), frame, folded: graph.folded, expanded: state.ui.expanded, selectedNode: state.ui.selectedNode,
    } : null;
    const sameLook = !this.sideStale && trace === this.shown.trace && screen === this.shown.screen && decorations === this.shown.decorations
      && state.page.groupByFunction === this.shown.groupByFunction;
    const current = this.side.querySelector(':scope > .step-panel');
    if (sameLook && (!side || frame === this.shown.frame)) return;
    if (sameLook && side && current) { current.replaceWith(later.stepPanel(trace, side, this.panelActions())); return; }
    this.side.replaceChildren(...later.sidePanels(trace, side, this.sideActions()));
    this.side.removeAttribute('aria-busy');
    this.sideStale = false;
  }

  private updateControls(state: InspectorState, screen: Screen, frame: Frame | null): void {
    const graph = screen.tag === 'graph' ? screen : null;
    const large = state.doc.kind === 'trace' && state.doc.large;
    const found = this.derive.matchesDrawn(state);
    this.toolbar.update({
      choices: this.derive.choices(state),
      selection: state.doc.kind === 'trace' ? state.ui.selection : null,
      summary: large && state.ui.selection === null,
      graphControls: screen.tag !== 'training' && screen.tag !== 'summarised',
      view: state.ui.view,
      colorMode: state.ui.colorMode,
      folded: screen.tag === 'graph' || screen.tag === 'tooLarge' ? screen.folded : state.ui.folded ?? false,
      byLayer: graph ? graph.byLayer : null,
      searchInfo: found === null ? '' : `${found} found`,
      passes: state.doc.kind === 'trace' ? state.doc.trace.backwardPasses.length : 0,
    });
    this.stepper.update({
      kind: frame?.kind ?? null, stepping: graph !== null, step: state.ui.step, total: frame?.frame.total ?? 0,
      playing: state.page.playing, scale: graph ? this.derive.scale(state) : null, colorMode: state.ui.colorMode,
    });
  }

  /**
   * What assistive technology gets of the graph: its name (what it shows, the step), the node the
   * keyboard is on (marked, panned to, said), the step's chain rule (said when the step changes
   * within a graph; the first graph says nothing, another one its name), and the accessible view.
   */
  private updateAccess(state: InspectorState, drawn: GraphScreen | null, frame: Frame | null, newGraph: boolean): void {
    const label = drawn ? this.derive.graphLabel(state) : null;
    const previous = this.shownAccess.label;
    if (label !== previous) {
      this.graphElement.setAttribute('aria-label', label ?? 'Autograd graph: none shown');
      this.graphElement.tabIndex = label ? 0 : -1;
      if (label) this.graphElement.removeAttribute('aria-hidden'); else this.graphElement.setAttribute('aria-hidden', 'true');
    }
    const focus = drawn ? this.derive.focus(state) : null;
    const element = focus?.element.id ?? null;
    if (this.view && (newGraph || element !== this.shownAccess.element)) this.view.setKeyboardFocus(element);
    if (focus && focus.words !== this.shownAccess.words) this.nodeLive.say(focus.words);
    this.shownAccess = { label, element, words: focus?.words ?? null };
    if (!drawn || newGraph) {
      this.stepLive.cancel();
      // Another graph than the one before (PageDown, the picker, the host): say which; the first one is the page's, said by nothing.
      if (label && this.lastGraphLabel !== null && label !== this.lastGraphLabel) this.stepLive.say(label);
    } else if (frame !== this.shown.frame && drawn.model === this.shown.model) {
      const words = this.derive.stepWords(state);
      if (words) this.stepLive.say(words);
    }
    if (label) this.lastGraphLabel = label;
    const listing = state.page.listing ? this.derive.listing(state) : null;
    if (listing) this.accessible.show(listing, state.ui.step);
    else this.accessible.hide();
  }

  /** A page in the graph's place (the summary, a summarised pass, the Training view): no side bar. */
  private showPage(element: HTMLElement): void {
    this.empty.hidden = true;
    this.side.hidden = true;
    this.summary.hidden = false;
    this.summary.replaceChildren(element);
    this.summary.scrollTop = 0;
  }

  /** Opening a pass going backward; tracing the run again keeping a pass (VS Code only). */
  private passActions(): { openPass(id: number): void; keepAgain?: (id: number) => void } {
    const openPass = (id: number) => this.events.dispatch({ type: 'selection/set', selection: { kind: 'pass', id }, view: 'backward' });
    return this.host.kind === 'vscode' ? { openPass, keepAgain: (pass) => this.host.post({ type: 'run/again-keeping', pass }) } : { openPass };
  }

  /** Tells the host which node and line this step is at (VS Code highlights the line). */
  private reportStep(state: InspectorState, drawn: GraphScreen, frame: Frame | null): void {
    const selection = drawn.selection;
    if (!frame) return;
    const node = currentNode(frame);
    this.host.post({ type: 'step/changed', selection, view: frame.kind, step: state.ui.step, total: frame.frame.total, nodeIds: node !== null ? [node] : [] });
  }

  private panelActions() {
    const dispatch = this.events.dispatch;
    // In VS Code the host can open the whole of a text cut short; the standalone page cannot.
    const openText = this.host.kind === 'vscode' ? (ref: TextRef) => this.host.post({ type: 'text/open', ref }) : undefined;
    return {
      reveal: (ref: SourceRef) => this.host.post({ type: 'source/reveal', ref }),
      ...(openText ? { openText } : {}),
      select: (nodeId: number) => {
        dispatch({ type: 'nodes/focus', nodeIds: [nodeId] });
        this.fitNodes([nodeId]);
      },
    };
  }

  private sideActions(): SideActions {
    const dispatch = this.events.dispatch;
    const checkGradients = this.host.kind === 'vscode' ? () => this.host.post({ type: 'gradcheck/run' }) : undefined;
    return {
      ...this.panelActions(),
      showCuts: (nodeIds: number[]) => {
        dispatch({ type: 'cuts/show', nodeIds });
        this.fitNodes(nodeIds);
      },
      refold: (key: string) => dispatch({ type: 'group/refold', key }),
      ...(checkGradients ? { checkGradients } : {}),
    };
  }

  /** Moves the camera to the nodes the graph on screen draws (none: it stays). */
  fitNodes(nodeIds: Iterable<number>): void {
    const graph = this.graph;
    if (!graph) return;
    const elements = [...nodeIds].map((id) => graph.model.elementOf.get(id)).filter((e): e is string => e !== undefined);
    if (elements.length > 0) this.view?.fit(elements);
  }
}
