/**
 * The inspector, wired: host messages and page events become actions; each action goes through
 * the reducer (state/reduce.ts) and the screen is rendered from the new state (render.ts, which
 * applies only what changed). Owns the play timer and the keyboard; holds no state of its own.
 * A trace too large to draw opens as a summary; a panel or handler that fails says so in its place.
 */
import type { HostToWebview } from '../protocol/messages';
import type { Trace } from '../protocol/trace';
import { withParts } from '../protocol/traceParts';
import { validateTrace } from '../protocol/validate';
import { checkPartData } from '../protocol/validateParts';
import type { Host } from './host';
import { elementIndex, type GraphModel } from './model/graph';
import { entryFocus, focusedElement, moveFocus, representative, type FocusMove, type GraphFocus } from './model/graphNav';
import { noMoveWords } from './model/spoken';
import { exportFileName } from './model/exportName';
import { Renderer, type Timings } from './render';
import { currentNode, Derivation, type Limits } from './state/derive';
import { reduce } from './state/reduce';
import { initialState, traceOf, type Action, type InspectorState } from './state/state';
import { loadLater } from './lazy';
import type { Later } from './later';
import { onFailure, safely } from './ui/failures';
import { watchTheme } from './ui/theme';
import type { ExportFormat } from './ui/toolbar';
import type { GraphView } from './view/graphView';

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

/**
 * The graph's own keys, while it has the focus: the arrows follow its edges (Shift+← / → still step,
 * as do Home, End, Space, PageUp and PageDown); Enter opens the node's details; Escape leaves.
 */
const GRAPH_MOVES: Record<string, FocusMove> = { ArrowLeft: 'input', ArrowRight: 'consumer', ArrowUp: 'previous', ArrowDown: 'next' };

/**
 * The accessible view's key: Alt+Shift+V (by the key's place, so that macOS's Option+Shift+V, which
 * types ◊, is the same key). Alt+F2, VS Code's own accessible view, is the workbench's.
 */
const isListingKey = (event: KeyboardEvent) => event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyV';

/** Keys that step without a modifier (with one, the key is VS Code's: Ctrl+Alt+→ steps through the host). */
const STEP_KEYS: Record<string, Action> = {
  ArrowRight: { type: 'step/move', to: 'next' },
  ArrowLeft: { type: 'step/move', to: 'previous' },
  Home: { type: 'step/move', to: 'first' },
  End: { type: 'step/move', to: 'last' },
  ' ': { type: 'play/toggle' },
  PageUp: { type: 'selection/step-same-line', direction: 'previous' },
  PageDown: { type: 'selection/step-same-line', direction: 'next' },
};

export class InspectorApp {
  /** The limits in force (benchmarks raise them to measure past them). */
  readonly limits: Limits = { draw: DRAW_LIMIT, summary: SUMMARY_THRESHOLD };
  readonly timings: Timings = { scriptStartedAt: 0, constructedAt: 0, receivedAt: 0, validate: 0, model: 0, layout: 0, show: 0, firstFrameAt: 0, summaryAt: 0, completeAt: 0 };
  private current: InspectorState;
  private readonly derive = new Derivation(this.limits);
  private readonly renderer: Renderer;
  private timer: { handle: ReturnType<typeof setInterval>; speed: number } | null = null;
  /** The parts asked of the host for the trace in parts on screen (each once). */
  private asked = new Set<number>();
  /** The second script (lazy.ts), once asked for. */
  private later: Promise<Later> | null = null;

  constructor(root: HTMLElement, private readonly host: Host) {
    this.current = initialState(host.getState());
    const dispatch = (action: Action) => this.dispatch(action);
    this.renderer = new Renderer(root, host, this.derive, this.timings, {
      dispatch,
      onGraphSelect: (elementId) => this.onGraphSelect(elementId),
      fit: () => this.view?.fit(),
      zoom: (factor) => this.view?.zoom(factor),
      fitMatches: () => this.renderer.fitNodes(this.derive.matches(this.current)),
      exportAs: (format) => this.exportAs(format),
      needLater: () => { void this.loadLater(); },
    }, this.current);
    onFailure((where, error) => this.renderer.showFailure(where, error));
    document.addEventListener('keydown', safely('a key press', (event: KeyboardEvent) => this.onKey(event)));
    // Focus changes come during a render too (the accessible view gives the focus back): acted on after it.
    const graph = this.renderer.graphContainer;
    graph.addEventListener('focus', safely('the graph taking the focus', () => {
      const fromKeyboard = graph.matches(':focus-visible');
      queueMicrotask(safely('the graph taking the focus', () => { if (fromKeyboard) this.enterGraph(); }));
    }));
    graph.addEventListener('blur', safely('the graph losing the focus', () => queueMicrotask(safely('the graph losing the focus', () => this.dispatch({ type: 'graph/blur' })))));
    window.addEventListener('resize', safely('resizing', () => this.renderer.drawMinimap())); // the graph view follows its own size
    // VS Code switches themes under an open panel: redraw the graph in the new colours.
    watchTheme(safely('changing the theme', () => this.renderer.setTheme()));
    this.timings.constructedAt = performance.now();
  }

  /** The state (read-only: change it with `dispatch`). */
  get state(): InspectorState['ui'] {
    return this.current.ui;
  }

  /** The graph view, once a graph was drawn; the model of the graph on screen. */
  get view(): GraphView | null {
    return this.renderer.view;
  }

  /** The trace on screen, if one is. */
  get trace(): Trace | null {
    return traceOf(this.current);
  }

  get model(): GraphModel | null {
    return this.renderer.graph?.model ?? null;
  }

  /** The number of steps of the frame on screen (0 without a graph). */
  stepCount(): number {
    return this.derive.stepCount(this.current);
  }

  dispatch(action: Action): void {
    const next = reduce(this.current, action, this.derive);
    if (next === this.current) return;
    this.current = next;
    this.renderer.render(next);
    this.syncTimer();
    this.askForParts();
  }

  /** A graph whose parts are not in yet, or the Training view's names and whys: ask the host for them, once each. */
  private askForParts(): void {
    const screen = this.derive.screen(this.current);
    const parts = screen.tag === 'loading' && screen.problem === null ? screen.parts : screen.tag === 'training' ? screen.wants : [];
    const wanted = parts.filter((part) => !this.asked.has(part));
    if (wanted.length === 0) return;
    for (const part of wanted) this.asked.add(part);
    this.host.post({ type: 'parts/load', parts: wanted });
  }

  /** Parts arrived: checked against the trace on screen, then in; a part that is wrong says why in its graph's place. */
  private partsArrived(parts: readonly unknown[]): void {
    const trace = this.trace;
    if (!trace?.parts) return;
    const checked = checkPartData(trace, parts.filter((part) => {
      const index = (part as { part?: unknown } | null)?.part;
      return typeof index !== 'number' || trace.parts!.loaded[index] !== true; // sent twice: the first one is in
    }));
    if (!checked.ok) {
      const numbers = parts.map((part) => (part as { part?: unknown } | null)?.part).filter((n): n is number => typeof n === 'number');
      this.dispatch({ type: 'parts/failed', parts: numbers, problem: `the trace's part is malformed: ${checked.problems.join('; ')}` });
      return;
    }
    if (checked.parts.length > 0) this.dispatch({ type: 'trace/grown', trace: withParts(trace, checked.parts) });
  }

  receive(message: HostToWebview): void {
    switch (message.type) {
      case 'trace/snapshot': {
        this.timings.receivedAt = performance.now();
        const validation = validateTrace(message.trace);
        this.timings.validate = performance.now() - this.timings.receivedAt;
        if (!validation.ok) { this.dispatch({ type: 'trace/invalid', title: 'This trace cannot be shown', problems: validation.problems }); return; }
        const { trace } = validation;
        this.asked = new Set();
        this.dispatch({
          type: 'trace/loaded', trace, large: trace.nodes.length > this.limits.summary,
          ...(message.selection ? { selection: message.selection } : {}), ...(message.thresholds ? { thresholds: message.thresholds } : {}),
          ...(message.focusNode !== undefined ? { focusNode: message.focusNode } : {}),
        });
        if (message.focusNode !== undefined) this.renderer.fitNodes([message.focusNode]);
        break;
      }
      case 'trace/none': this.dispatch({ type: 'trace/none', message: message.message }); break;
      case 'node/focus':
        this.dispatch({ type: 'nodes/focus', nodeIds: message.nodeIds });
        this.renderer.fitNodes(message.nodeIds);
        break;
      case 'step/move': this.dispatch({ type: 'step/move', to: message.to }); break;
      // The host asks for a pass to show its backward steps, whatever view a recording left open.
      case 'selection/set': this.dispatch({ type: 'selection/set', selection: message.selection, ...(message.selection?.kind === 'pass' ? { view: 'backward' as const } : {}) }); break;
      case 'settings/thresholds': this.dispatch({ type: 'thresholds/set', thresholds: message.thresholds }); break;
      // GradLens: Show the Graph as Text / Focus the Graph, from VS Code's palette or keys.
      case 'view/accessible': if (this.renderer.graph) this.dispatch({ type: 'listing/set', open: true }); break;
      case 'graph/focus': this.renderer.graphContainer.focus(); break;
      case 'parts/data': this.partsArrived(message.parts); break;
      case 'parts/failed': this.dispatch({ type: 'parts/failed', parts: message.parts, problem: message.problem }); break;
    }
  }

  /** An error screen in place of the graph (main.ts: a message the inspector could not handle). */
  showError(title: string, problems: string[]): void {
    this.dispatch({ type: 'trace/invalid', title, problems });
  }

  /**
   * The second script (after the first frame, or at once for a screen it draws): the toolkit's
   * components defined, then what waited for it drawn.
   */
  loadLater(): Promise<Later> {
    if (this.later) return this.later;
    this.later = loadLater().then((later) => {
      safely('setting up the controls', () => later.registerToolkit())();
      this.renderer.laterArrived(later);
      this.renderer.render(this.current);
      requestAnimationFrame(() => { this.timings.completeAt = performance.now(); });
      return later;
    });
    this.later.catch((error: unknown) => this.renderer.showFailure('loading the inspector\'s panels', error));
    return this.later;
  }

  exportAs(format: ExportFormat): void {
    void this.loadLater().then(safely(`exporting ${format}`, (later: Later) => {
      const graph = this.renderer.graph;
      const decorations = this.renderer.decorations;
      if (!graph || !this.view || !decorations) return;
      const fileName = exportFileName(graph.trace.run.file, graph.selection, format);
      later.exportGraph(format, { model: graph.model, layout: graph.layout, view: this.view, decorations, fileName }, (message) => this.host.post(message));
    }), () => {}); // a second script that did not come is reported once, by loadLater
  }

  private onGraphSelect(elementId: string | null): void {
    const model = this.model;
    const element = elementId && model ? elementIndex(model).nodes.get(elementId) : undefined;
    // A click while the keyboard is in the graph moves the keyboard there too.
    const page = this.current.page;
    if (element && model && page.graphActive && focusedElement(model, page.graphFocus)?.id !== element.id) {
      this.dispatch({ type: 'graph/focus', focus: { node: representative(element), via: null } });
    }
    // Clicking a folded group opens it.
    if (element?.kind === 'group' && element.foldKey) { this.dispatch({ type: 'group/expand', key: element.foldKey, firstMember: element.members[0] ?? null }); return; }
    this.dispatch({ type: 'node/select', nodeId: element ? element.members[element.members.length - 1]! : null });
    this.host.post({ type: 'node/selected', nodeIds: element ? element.members : [] });
  }

  private onKey(event: KeyboardEvent): void {
    if (this.current.page.listing) return; // the accessible view is modal: it handles its own keys
    const target = event.target as HTMLElement | null;
    if (target && /^(INPUT|TEXTAREA|VSCODE-TEXT-FIELD|SELECT|VSCODE-DROPDOWN)$/.test(target.tagName)) return;
    if (isListingKey(event)) {
      if (this.renderer.graph) { event.preventDefault(); this.dispatch({ type: 'listing/set', open: true }); }
      return;
    }
    if (target === this.renderer.graphContainer && this.onGraphKey(event)) { event.preventDefault(); return; }
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const action = STEP_KEYS[event.key];
    if (action) { event.preventDefault(); this.dispatch(action); }
  }

  /** Where the keyboard comes into the graph: the node it was on, else the selected node, the step's, the first head. */
  private entry(): GraphFocus | null {
    const graph = this.renderer.graph;
    if (!graph) return null;
    const kept = this.current.page.graphFocus;
    if (kept && focusedElement(graph.model, kept)) return kept;
    return entryFocus(graph.model, [this.current.ui.selectedNode, currentNode(this.derive.frame(this.current))]);
  }

  /** Tab brought the focus to the graph (a click did not: the pointer has its own way, and the first arrow key starts). */
  private enterGraph(): void {
    const entry = this.entry();
    if (entry && this.renderer.graphContainer === document.activeElement) this.dispatch({ type: 'graph/focus', focus: entry });
  }

  /** A key while the graph has the focus; false when it is not one of the graph's (it then does what it does on the page). */
  private onGraphKey(event: KeyboardEvent): boolean {
    const graph = this.renderer.graph;
    if (!graph || event.ctrlKey || event.altKey || event.metaKey) return false;
    const move = event.shiftKey ? undefined : GRAPH_MOVES[event.key];
    if (!move && event.key !== 'Enter' && event.key !== 'Escape') return false;
    if (event.key === 'Escape') { this.renderer.focusStepper(); return true; }
    const page = this.current.page;
    const at = page.graphActive && focusedElement(graph.model, page.graphFocus) ? page.graphFocus! : null;
    if (!at) {
      // The first key after a click: the keyboard starts where Tab would have.
      const entry = this.entry();
      if (entry) this.dispatch({ type: 'graph/focus', focus: entry });
      return true;
    }
    const element = focusedElement(graph.model, at)!;
    if (event.key === 'Enter') { this.onGraphSelect(element.id); return true; }
    const next = moveFocus(graph.model, graph.layout, at, move!);
    if (next) this.dispatch({ type: 'graph/focus', focus: next });
    else this.renderer.sayAboutNode(noMoveWords(graph.trace, element, move === 'input' || move === 'consumer' ? move : 'sibling'));
    return true;
  }

  /** The play timer runs while the state says playing, at the state's speed. */
  private syncTimer(): void {
    const { playing } = this.current.page;
    const speed = this.current.ui.speed;
    if (this.timer && (!playing || this.timer.speed !== speed)) { clearInterval(this.timer.handle); this.timer = null; }
    if (playing && !this.timer) this.timer = { handle: setInterval(safely('playing the steps', () => this.dispatch({ type: 'play/tick' })), 1000 / speed), speed };
  }
}
