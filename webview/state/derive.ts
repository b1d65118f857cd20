/**
 * What the screen shows, derived from the state: the screen itself (a tagged union), and for a
 * graph its model, layout, frame, colour scale, decorations and step marks. Each piece is memoised
 * on exactly the inputs it reads, so an unchanged piece is the identical object: the renderer
 * compares identities and applies only what changed, and no caller picks a refresh path.
 * Pure (no DOM): tested in Node.
 */
import { visible } from '../../protocol/display';
import { indexTrace } from '../../protocol/query/indexTrace';
import { nodeNames } from '../../protocol/query/names';
import { selectNodes } from '../../protocol/query/select';
import type { ColorMode, GraphSelection, Selection, Thresholds } from '../../protocol/messages';
import { isKept, type BackwardPass, type Tensor, type Trace } from '../../protocol/trace';
import { missingParts } from '../../protocol/traceParts';
import { contrastText, magnitudeScale, type MagnitudeScale } from '../model/colors';
import { decorate, magnitudeOf, type Decorations } from '../model/decorate';
import { buildGraph, type GraphModel, type GraphNode } from '../model/graph';
import { arrivalEdge, edgesOf, focusedElement, type GraphFocus } from '../model/graphNav';
import { forwardListing, passListing, type Listing } from '../model/listing';
import { graphLabel, nodeWords, stepWords } from '../model/spoken';
import { layeredLayout, type Positions } from '../model/layout';
import { stepMarks, type Frame, type StepMarks } from '../model/marks';
import { backwardFrame, forwardFrame, passGradients } from '../model/stepper';
import { pickerChoices, summarize, type Choice, type TraceSummary } from '../model/summary';
import { summarisedPassView, type SummarisedPassView } from '../model/summarisedPass';
import { hasTraining, trainingRun, type TrainingRun } from '../model/training';
import { trainingParts } from '../model/trainingParts';
import { memoLast } from './memo';
import type { Facts } from './reduce';
import { selectionKey, type InspectorState } from './state';

/** Above this many nodes, a selection opens folded. */
export const FOLD_THRESHOLD = 400;

/** The limits in force (benchmarks raise them to measure past them). */
export interface Limits {
  /** The most elements (nodes after folding) drawn; above, the graph is described instead. */
  draw: number;
  /** Above this many trace nodes, a trace opens as its summary. */
  summary: number;
}

/** The screen, by what it shows. */
export type Screen =
  | { tag: 'waiting' }
  /** Words instead of a graph: the host's message, or a trace with nothing to draw. */
  | { tag: 'empty'; message: string }
  | { tag: 'error'; title: string; problems: readonly string[] }
  | { tag: 'summary'; trace: Trace; summary: TraceSummary }
  /** A pass kept as its summary only: what the summary knows, and how to keep it. */
  | { tag: 'summarised'; trace: Trace; view: SummarisedPassView; training: boolean }
  /** The Training view: the run's passes as curves and a heatmap, from their summaries; `wants`: parts of a trace in parts it would read (names, the why). */
  | { tag: 'training'; trace: Trace; run: TrainingRun; thresholds: Thresholds; wants: readonly number[] }
  /**
   * A graph of a trace in parts whose parts are not in yet: which (the app asks the host for them),
   * about how many bytes, and why they cannot come when the host said so.
   */
  | { tag: 'loading'; trace: Trace; selection: GraphSelection; parts: readonly number[]; bytes: number; problem: string | null }
  /** A graph with more elements than the draw limit: how large it is and what to do. */
  | { tag: 'tooLarge'; trace: Trace; selection: GraphSelection; nodes: number; drawn: number; folded: boolean; canRefold: boolean; canSummary: boolean }
  /** `byLayer`: gluon blocks fold into one node each; null when the program used no blocks. */
  | { tag: 'graph'; trace: Trace; selection: GraphSelection; model: GraphModel; layout: Positions; folded: boolean; byLayer: boolean | null };

export type GraphScreen = Extract<Screen, { tag: 'graph' }>;

/** Milliseconds the last model and layout took to build (0 when they came from the cache). */
export interface BuildTimes {
  model: number;
  layout: number;
}

export class Derivation implements Facts {
  readonly times: BuildTimes = { model: 0, layout: 0 };
  private readonly layouts = new WeakMap<Trace, Map<string, Positions>>();

  constructor(readonly limits: Limits) {}

  screen(state: InspectorState): Screen {
    const doc = state.doc;
    if (doc.kind === 'waiting') return WAITING;
    if (doc.kind === 'none') return this.words(doc.message);
    if (doc.kind === 'invalid') return this.refused(doc);
    const { trace, large } = doc;
    const selection = state.ui.selection;
    if (!selection) return large ? this.summary(trace) : this.words(NOTHING_RECORDED);
    if (selection.kind === 'training') return this.training(trace, this.runOf(trace), state.ui.thresholds);
    if (selection.kind === 'pass') {
      const pass = indexTrace(trace).pass(selection.id);
      if (pass && !isKept(pass)) return this.summarised(trace, trace.backwardPasses.indexOf(pass), state.ui.thresholds);
    }
    const missing = this.missingOf(trace, selection);
    if (missing.length > 0) return this.loading(trace, selection, missing, doc.unloadable ?? null);
    return this.graph(trace, selection, state.ui.folded, state.page.userFold, state.ui.expanded, large, this.limits.draw, state.page.groupByLayer);
  }

  /** The graph screen of a state, or null when it shows none. */
  graphOf(state: InspectorState): GraphScreen | null {
    const screen = this.screen(state);
    return screen.tag === 'graph' ? screen : null;
  }

  /** The pass a state's graph shows (null for a recording). */
  pass(state: InspectorState): BackwardPass | null {
    const selection = state.ui.selection;
    const trace = state.doc.kind === 'trace' ? state.doc.trace : null;
    if (!trace || !selection || selection.kind !== 'pass') return null;
    return indexTrace(trace).pass(selection.id) ?? null;
  }

  frame(state: InspectorState): Frame | null {
    const graph = this.graphOf(state);
    if (!graph) return null;
    const pass = this.pass(state);
    return this.frameOf(graph.trace, graph.model, state.ui.view === 'backward' ? pass : null, state.ui.step);
  }

  /** In the backward view, each node's gradient once the pass has run (colours and badges). */
  gradients(state: InspectorState): ReadonlyMap<number, Tensor> | null {
    const pass = this.pass(state);
    return state.ui.view === 'backward' && pass ? this.passGradients(pass) : null;
  }

  scale(state: InspectorState): MagnitudeScale | null {
    const graph = this.graphOf(state);
    return graph ? this.scaleOf(graph.trace, graph.model, state.ui.colorMode, this.pass(state)) : null;
  }

  /** The nodes the search text finds, in the whole trace. */
  matches(state: InspectorState): ReadonlySet<number> {
    return this.matchesOf(state.doc.kind === 'trace' ? state.doc.trace : null, state.page.search);
  }

  /** How many of the search's matches the graph on screen draws (null without a search). */
  matchesDrawn(state: InspectorState): number | null {
    if (state.page.search.trim() === '') return null;
    return this.countDrawn(this.matches(state), this.graphOf(state)?.model ?? null);
  }

  decorations(state: InspectorState): Decorations | null {
    const graph = this.graphOf(state);
    if (!graph) return null;
    return this.decorationsOf(graph.trace, graph.model, this.gradients(state), state.ui.colorMode, this.scale(state), state.ui.thresholds,
      state.ui.selectedNode, this.matches(state), state.page.cutPoints);
  }

  marks(state: InspectorState): StepMarks | null {
    const graph = this.graphOf(state);
    return graph ? this.marksOf(graph.trace, graph.model, this.frame(state), state.ui.thresholds) : null;
  }

  /** The picker's choices: every pass and recording (and the summary of a large trace). */
  choices(state: InspectorState): Choice[] {
    return this.choicesOf(state.doc.kind === 'trace' ? state.doc : null, state.ui.selection);
  }

  // ---- Words for assistive technology (model/spoken.ts) ----------------------------------------

  /** The drawn element the keyboard is on, with what a screen reader says of it; null when it is on none. */
  focus(state: InspectorState): { element: GraphNode; words: string } | null {
    const graph = this.graphOf(state);
    return graph && state.page.graphActive ? this.focusOf(graph.trace, graph.selection, graph.model, state.page.graphFocus, this.gradients(state), state.ui.thresholds) : null;
  }

  /** The graph's accessible name (what it shows, the step), or null without a graph. */
  graphLabel(state: InspectorState): string | null {
    const graph = this.graphOf(state);
    return graph ? this.labelOf(graph.trace, graph.selection, graph.model, this.frame(state)) : null;
  }

  /** The step on screen as a sentence (the chain rule with its numbers), or null without a graph. */
  stepWords(state: InspectorState): string | null {
    const graph = this.graphOf(state);
    const frame = this.frame(state);
    return graph && frame ? this.stepWordsOf(graph.trace, frame, frame.kind === 'backward' ? this.pass(state) : null) : null;
  }

  /** The accessible view's tables: the pass step by step, or the recording op by op. */
  listing(state: InspectorState): Listing | null {
    const graph = this.graphOf(state);
    if (!graph) return null;
    const pass = state.ui.view === 'backward' ? this.pass(state) : null;
    return this.listingOf(graph.trace, graph.model, pass, graph.selection);
  }

  // ---- Facts the reducer asks ----------------------------------------------------------------

  stepCount(state: InspectorState): number {
    return this.frame(state)?.frame.total ?? 0;
  }

  shows(state: InspectorState, nodeIds: readonly number[]): boolean {
    const graph = this.graphOf(state);
    return graph !== null && nodeIds.some((id) => graph.model.elementOf.has(id));
  }

  // ---- Memoised pieces -----------------------------------------------------------------------

  private readonly words = memoLast((message: string): Screen => ({ tag: 'empty', message }));

  private readonly refused = memoLast((doc: { title: string; problems: readonly string[] }): Screen => ({ tag: 'error', title: doc.title, problems: doc.problems }));

  private readonly summary = memoLast((trace: Trace): Screen => ({ tag: 'summary', trace, summary: summarize(trace) }));

  private readonly runOf = memoLast((trace: Trace): TrainingRun => trainingRun(trace));

  private readonly summarised = memoLast((trace: Trace, index: number, thresholds: Thresholds): Screen => {
    const run = hasTraining(trace) ? this.runOf(trace) : null;
    return { tag: 'summarised', trace, view: summarisedPassView(trace, index, run, thresholds), training: run !== null };
  });

  private readonly missingOf = memoLast((trace: Trace, selection: GraphSelection): readonly number[] => missingParts(trace, selection));

  private readonly loading = memoLast((trace: Trace, selection: GraphSelection, parts: readonly number[], unloadable: { parts: readonly number[]; problem: string } | null): Screen => {
    const failed = unloadable !== null && parts.some((part) => unloadable.parts.includes(part));
    const bytes = parts.reduce((sum, part) => sum + (trace.parts?.list[part]?.bytes ?? 0), 0);
    return { tag: 'loading', trace, selection, parts, bytes, problem: failed ? unloadable.problem : null };
  });

  private readonly training = memoLast((trace: Trace, run: TrainingRun, thresholds: Thresholds): Screen => ({
    tag: 'training', trace, run, thresholds, wants: trainingParts(trace, run, thresholds),
  }));

  private readonly graph = memoLast((trace: Trace, selection: GraphSelection, preferred: boolean | null, userFold: boolean | null,
    expanded: readonly string[], large: boolean, drawLimit: number, byLayer: boolean | null): Screen => {
    try {
      return this.buildScreen(trace, selection, preferred, userFold, expanded, large, drawLimit, byLayer);
    } catch (error) {
      console.error('GradLens inspector: drawing the graph failed', error);
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { tag: 'error', title: 'The graph could not be drawn', problems: [visible(text, { limit: 500 })] };
    }
  });

  private buildScreen(trace: Trace, selection: GraphSelection, preferred: boolean | null, userFold: boolean | null,
    expanded: readonly string[], large: boolean, drawLimit: number, byLayerPreferred: boolean | null): Screen {
    const count = selectNodes(trace, selection).length;
    // A program with gluon blocks opens a large graph folded by layer, unless the user said otherwise.
    const byLayer = trace.layers === undefined ? null : byLayerPreferred ?? count > FOLD_THRESHOLD;
    // Unfolded, every node is drawn: past the draw limit a graph opens folded, unless the user unfolded it.
    const folded = (preferred ?? count > FOLD_THRESHOLD) || (count > drawLimit && userFold !== false);
    const tooLarge = (drawn: number): Screen => ({
      tag: 'tooLarge', trace, selection, nodes: count, drawn, folded, canRefold: !folded || expanded.length > 0, canSummary: large,
    });
    this.times.model = this.times.layout = 0;
    if (!folded && count > drawLimit) return tooLarge(count);
    const started = performance.now();
    const model = buildGraph(trace, selection, { fold: folded, foldLayers: byLayer === true, expanded: new Set(expanded) });
    this.times.model = performance.now() - started;
    if (model.nodes.length > drawLimit) return tooLarge(model.nodes.length);
    let cache = this.layouts.get(trace);
    if (!cache) this.layouts.set(trace, cache = new Map());
    const key = `${selectionKey(selection)}:${folded}:${byLayer === true}:${[...expanded].sort().join('|')}`;
    let layout = cache.get(key);
    if (!layout) {
      const laying = performance.now();
      cache.set(key, layout = layeredLayout(model));
      this.times.layout = performance.now() - laying;
    }
    return { tag: 'graph', trace, selection, model, layout, folded, byLayer };
  }

  private readonly frameOf = memoLast((trace: Trace, model: GraphModel, pass: BackwardPass | null, step: number): Frame =>
    pass
      ? { kind: 'backward', frame: backwardFrame(pass, step) }
      : { kind: 'forward', frame: forwardFrame(trace, model.traceNodes, step) });

  private readonly passGradients = memoLast((pass: BackwardPass) => passGradients(pass));

  private readonly scaleOf = memoLast((trace: Trace, model: GraphModel, mode: ColorMode, pass: BackwardPass | null): MagnitudeScale => {
    const byId = indexTrace(trace).nodes;
    const magnitudes = model.traceNodes.map((id) => byId.get(id)!).map((node) => magnitudeOf(mode === 'gradient' ? node.grad : node.value));
    // Step gradients too, so that colours do not jump as the pass proceeds.
    if (pass && mode === 'gradient') for (const step of pass.steps) magnitudes.push(magnitudeOf(step.upstream));
    return magnitudeScale(magnitudes);
  });

  private readonly matchesOf = memoLast((trace: Trace | null, query: string): ReadonlySet<number> => {
    const q = query.trim().toLowerCase();
    const matches = new Set<number>();
    if (!trace || !q) return matches;
    const line = /^(?:line\s*)?(\d+)$/.exec(q);
    const names = nodeNames(trace);
    for (const node of trace.nodes) {
      const name = names.get(node.id)?.toLowerCase();
      // Only the shown part of an op's name is searched (a 25 MB name is shown cut).
      const op = node.op.length > 200 ? node.op.slice(0, 200) : node.op;
      if (line ? node.source?.line === Number(line[1]) : op.toLowerCase().includes(q) || name === q || (name?.includes(q) ?? false)) matches.add(node.id);
    }
    return matches;
  });

  // Asked at every render (a step while playing too): counted once per search and graph.
  private readonly countDrawn = memoLast((matches: ReadonlySet<number>, model: GraphModel | null): number => {
    let count = 0;
    if (model) for (const id of matches) if (model.elementOf.has(id)) count++;
    return count;
  });

  private readonly decorationsOf = memoLast((trace: Trace, model: GraphModel, gradients: ReadonlyMap<number, Tensor> | null, colorMode: ColorMode,
    scale: MagnitudeScale | null, thresholds: Thresholds, selectedNode: number | null, matches: ReadonlySet<number>, cutPoints: readonly number[]) => decorate({
    trace, model, passGradients: gradients, colorMode, thresholds, matches,
    colorizer: scale ? { color: (m) => scale.color(m), textColor: contrastText } : null,
    selected: new Set(selectedNode !== null ? [selectedNode] : []),
    cutPoints: new Set(cutPoints),
  }));

  private readonly marksOf = memoLast((trace: Trace, model: GraphModel, frame: Frame | null, thresholds: Thresholds) =>
    stepMarks({ trace, model, frame, thresholds }));

  private readonly focusOf = memoLast((trace: Trace, selection: GraphSelection, model: GraphModel, focus: GraphFocus | null, gradients: ReadonlyMap<number, Tensor> | null, thresholds: Thresholds) => {
    const element = focusedElement(model, focus);
    if (!element || !focus) return null;
    const arrived = arrivalEdge(model, focus);
    const arrival = arrived ? { from: arrived.from, toward: focus.via!.toward, index: focus.via!.index, count: arrived.edges.length, cut: arrived.edge.cut !== null } : null;
    const words = nodeWords({
      trace, shows: selection.kind, element, inputs: edgesOf(model, element.id, 'input').length, consumers: edgesOf(model, element.id, 'consumer').length, arrival, gradients, thresholds,
    });
    return { element, words };
  });

  private readonly labelOf = memoLast((trace: Trace, selection: GraphSelection, model: GraphModel, frame: Frame | null) =>
    graphLabel({ trace, selection, nodes: model.nodes.length, frame }));

  private readonly stepWordsOf = memoLast((trace: Trace, frame: Frame, pass: BackwardPass | null) => stepWords(trace, frame, pass ?? undefined));

  private readonly listingOf = memoLast((trace: Trace, model: GraphModel, pass: BackwardPass | null, selection: GraphSelection): Listing => {
    if (pass) return passListing(trace, pass);
    const line = selection.kind === 'recording' ? indexTrace(trace).recording(selection.id)?.source?.line : indexTrace(trace).pass(selection.id)?.source?.line;
    const what = selection.kind === 'recording' ? 'Recording' : 'The graph of the pass, going forward';
    return forwardListing(trace, model.traceNodes, `${what}${line !== undefined ? ` at line ${line}` : ''}`);
  });

  private readonly choicesOf = memoLast((doc: { trace: Trace; large: boolean } | null, selection: Selection | null): Choice[] =>
    doc ? pickerChoices(doc.trace, selection, doc.large) : []);
}

const WAITING: Screen = { tag: 'waiting' };
const NOTHING_RECORDED = 'This trace has no recordings or backward passes: nothing was computed inside autograd.record().';

/** The node a frame is at: the step's node going backward, the op just computed going forward. */
export function currentNode(frame: Frame | null): number | null {
  if (!frame) return null;
  return frame.kind === 'backward' ? frame.frame.step?.node ?? null : frame.frame.current;
}
