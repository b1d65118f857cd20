/**
 * The inspector's one state transition: `reduce(state, action, facts)` → the next state. Pure: it
 * changes nothing it is given, and what it needs to know of the graph on screen (how many steps
 * the current frame has, whether the graph shows a node) it asks `facts`, which the derivation
 * answers (derive.ts). Decisions live here; drawing them is the renderer's.
 */
import type { GraphSelection, Selection } from '../../protocol/messages';
import { indexTrace } from '../../protocol/query/indexTrace';
import { selectNodes } from '../../protocol/query/select';
import type { Trace } from '../../protocol/trace';
import { passLineKey } from '../../protocol/query/training';
import { missingParts } from '../../protocol/traceParts';
import { hasTraining, opensOnTraining } from '../model/training';
import { selectionKey, traceOf, type Action, type InspectorState, type StepTarget } from './state';

/** What the reducer asks of the graph a state shows. */
export interface Facts {
  /** The number of steps of the state's frame (0 without a graph). */
  stepCount(state: InspectorState): number;
  /** Whether the state's graph draws any of the nodes. */
  shows(state: InspectorState, nodeIds: readonly number[]): boolean;
}

export function reduce(state: InspectorState, action: Action, facts: Facts): InspectorState {
  switch (action.type) {
    case 'trace/loaded': return loaded(state, action, facts);
    case 'trace/none': return stopped({ ...state, doc: { kind: 'none', message: action.message } });
    case 'trace/grown': {
      // The same trace with more of its parts: everything on screen stays as it was.
      if (state.doc.kind !== 'trace') return state;
      return arrived({ ...state, doc: { ...state.doc, trace: action.trace } });
    }
    case 'parts/failed':
      return state.doc.kind === 'trace' ? { ...state, doc: { ...state.doc, unloadable: { parts: action.parts, problem: action.problem } } } : state;
    case 'trace/invalid': return stopped({ ...state, doc: { kind: 'invalid', title: action.title, problems: action.problems } });
    case 'selection/set': {
      const trace = traceOf(state);
      if (!trace || (action.selection && !exists(trace, action.selection))) return state;
      const selected = select(state, action.selection, action.keepStep ?? false);
      if (action.selection?.kind !== 'pass') return selected;
      const view = action.atNode !== undefined ? 'backward' : action.view ?? selected.ui.view;
      const at = action.atNode !== undefined ? indexTrace(trace).pass(action.selection.id)!.steps.findIndex((s) => s.node === action.atNode) : -1;
      // A pass whose part is still to load goes to its node's step once it is in (arrived).
      const later = action.atNode !== undefined && at < 0 && missingParts(trace, action.selection).length > 0;
      return {
        ...selected,
        ui: { ...selected.ui, view, ...(at >= 0 ? { step: at + 1, selectedNode: action.atNode! } : {}) },
        page: { ...selected.page, pendingAt: later ? { pass: action.selection.id, node: action.atNode! } : null },
      };
    }
    case 'selection/step-same-line': {
      const selection = sameLine(state, action.direction);
      return selection ? select(state, selection, false) : state;
    }
    case 'selection/pass-number': {
      const pass = traceOf(state)?.backwardPasses[action.number - 1];
      return pass && Number.isInteger(action.number) ? select(state, { kind: 'pass', id: pass.id }, true) : state;
    }
    case 'step/move': return setStep(state, target(state, action.to, facts), facts);
    case 'step/set': return setStep(state, action.step, facts);
    case 'play/toggle': {
      if (state.page.playing) return stopped(state);
      const rewound = state.ui.step >= facts.stepCount(state) ? setStep(state, 0, facts) : state;
      return { ...rewound, page: { ...rewound.page, playing: true } };
    }
    case 'play/stop': return stopped(state);
    case 'play/tick':
      if (!state.page.playing) return state;
      return state.ui.step >= facts.stepCount(state) ? stopped(state) : setStep(state, state.ui.step + 1, facts);
    case 'node/select':
      return { ...state, ui: { ...state.ui, selectedNode: action.nodeId }, page: { ...state.page, cutPoints: [] } };
    case 'nodes/focus': return focus(state, action.nodeIds, facts);
    case 'group/expand':
      return { ...state, ui: { ...state.ui, expanded: [...state.ui.expanded, action.key], selectedNode: action.firstMember } };
    case 'group/refold':
      return { ...state, ui: { ...state.ui, expanded: state.ui.expanded.filter((key) => key !== action.key) } };
    case 'fold/set':
      return { ...state, ui: { ...state.ui, folded: action.folded, expanded: [] }, page: { ...state.page, userFold: action.folded } };
    case 'groupByFunction/set': return { ...state, page: { ...state.page, groupByFunction: action.on } };
    case 'groupByLayer/set': return { ...state, page: { ...state.page, groupByLayer: action.on } };
    case 'search/set': return { ...state, page: { ...state.page, search: action.query } };
    case 'color/set': return { ...state, ui: { ...state.ui, colorMode: action.mode } };
    case 'view/set': return stopped({ ...state, ui: { ...state.ui, view: action.view, step: 0 } });
    case 'thresholds/set': return { ...state, ui: { ...state.ui, thresholds: action.thresholds } };
    case 'speed/set': return { ...state, ui: { ...state.ui, speed: action.speed } };
    case 'cuts/show': return { ...state, page: { ...state.page, cutPoints: [...action.nodeIds] } };
    case 'graph/focus': return { ...state, page: { ...state.page, graphFocus: action.focus, graphActive: true } };
    case 'graph/blur': return state.page.graphActive ? { ...state, page: { ...state.page, graphActive: false } } : state;
    case 'listing/set': return state.page.listing === action.open ? state : { ...state, page: { ...state.page, listing: action.open } };
  }
}

function loaded(state: InspectorState, action: Extract<Action, { type: 'trace/loaded' }>, facts: Facts): InspectorState {
  const { trace, large } = action;
  const ui = action.thresholds ? { ...state.ui, thresholds: action.thresholds } : state.ui;
  const next: InspectorState = { ...state, doc: { kind: 'trace', trace, large }, ui };
  // The same selection stays (with its step) when the new trace has it (the Training view too, in a
  // large trace); a long run opens on the Training view, another large trace as its summary.
  const kept = ui.selection && (!large || ui.selection.kind === 'training') && exists(trace, ui.selection) ? ui.selection : null;
  const wanted = action.selection && exists(trace, action.selection) ? action.selection : null;
  const fallback: Selection | null = opensOnTraining(trace) ? { kind: 'training' } : large ? null : defaultSelection(trace);
  const chosen = select(next, wanted ?? kept ?? fallback, kept !== null && !wanted);
  // The host asks for a pass to show its backward steps (a lens on `backward()`, a debugger's step over it).
  const selected = wanted?.kind === 'pass' ? { ...chosen, ui: { ...chosen.ui, view: 'backward' as const } } : chosen;
  return action.focusNode !== undefined ? focus(selected, [action.focusNode], facts) : selected;
}

/** A pass opened at a node's step before its part was in: now that it is, at that step. */
function arrived(state: InspectorState): InspectorState {
  const pending = state.page.pendingAt;
  const trace = traceOf(state);
  if (!pending || !trace || state.ui.selection?.kind !== 'pass' || state.ui.selection.id !== pending.pass) return state;
  const at = indexTrace(trace).pass(pending.pass)?.steps.findIndex((s) => s.node === pending.node) ?? -1;
  if (at < 0) return state;
  return { ...state, ui: { ...state.ui, step: at + 1, selectedNode: pending.node }, page: { ...state.page, pendingAt: null } };
}

/** Show `selection`: a different one starts at step 0, unexpanded, with the page's initial fold. */
function select(state: InspectorState, selection: Selection | null, keepStep: boolean): InspectorState {
  const previous = state.ui.selection;
  const changed = !previous || !selection || selectionKey(previous) !== selectionKey(selection);
  let ui = { ...state.ui, selection };
  // The accessible view follows a pass or recording to another; it has nothing to list beside the summary or the Training view.
  let page = { ...state.page, playing: false, pendingAt: null, listing: state.page.listing && selection !== null && selection.kind !== 'training' };
  if (changed || !keepStep) {
    ui = { ...ui, step: 0, expanded: [], folded: page.initialFold };
    page = { ...page, initialFold: null, cutPoints: [] };
  }
  if (selection?.kind === 'recording') ui = { ...ui, view: 'forward' };
  return { ...state, ui, page };
}

/** The pass before or after the open one among the passes of its line, if there is one. */
export function sameLine(state: InspectorState, direction: 'previous' | 'next'): Selection | null {
  const trace = traceOf(state);
  const selection = state.ui.selection;
  if (!trace || selection?.kind !== 'pass') return null;
  const passes = trace.backwardPasses;
  const at = passes.findIndex((p) => p.id === selection.id);
  if (at < 0) return null;
  const key = passLineKey(passes[at]!);
  const delta = direction === 'next' ? 1 : -1;
  for (let i = at + delta; i >= 0 && i < passes.length; i += delta) if (passLineKey(passes[i]!) === key) return { kind: 'pass', id: passes[i]!.id };
  return null;
}

function focus(state: InspectorState, nodeIds: readonly number[], facts: Facts): InspectorState {
  const trace = traceOf(state);
  if (!trace || nodeIds.length === 0) return state;
  let next = state;
  if (!facts.shows(state, nodeIds)) {
    const selection = selectionShowing(trace, nodeIds);
    if (selection) next = select(state, selection, false);
  }
  return { ...next, ui: { ...next.ui, selectedNode: nodeIds[nodeIds.length - 1]! } };
}

function target(state: InspectorState, to: StepTarget, facts: Facts): number {
  if (to === 'next') return state.ui.step + 1;
  if (to === 'previous') return state.ui.step - 1;
  return to === 'first' ? 0 : facts.stepCount(state);
}

/** The step, kept within the frame: the same state when it does not move. */
function setStep(state: InspectorState, step: number, facts: Facts): InspectorState {
  const clamped = Math.max(0, Math.min(facts.stepCount(state), Number.isFinite(step) ? Math.trunc(step) : 0));
  return clamped === state.ui.step ? state : { ...state, ui: { ...state.ui, step: clamped } };
}

function stopped(state: InspectorState): InspectorState {
  return state.page.playing ? { ...state, page: { ...state.page, playing: false } } : state;
}

export function exists(trace: Trace, selection: Selection): boolean {
  if (selection.kind === 'training') return hasTraining(trace);
  const index = indexTrace(trace);
  return selection.kind === 'pass' ? index.pass(selection.id) !== undefined : index.recording(selection.id) !== undefined;
}

/** The first pass that did not fail (else the first pass), else the first recording. */
export function defaultSelection(trace: Trace): GraphSelection | null {
  const pass = trace.backwardPasses.find((p) => !p.error) ?? trace.backwardPasses[0];
  if (pass) return { kind: 'pass', id: pass.id };
  const recording = trace.recordings[0];
  return recording ? { kind: 'recording', id: recording.id } : null;
}

/** The first pass, else the first recording, whose graph has one of the nodes (as an op or an input). */
export function selectionShowing(trace: Trace, nodeIds: readonly number[]): GraphSelection | null {
  const wanted = new Set(nodeIds);
  const candidates: GraphSelection[] = [
    ...trace.backwardPasses.filter((p) => !p.error).map((p) => ({ kind: 'pass' as const, id: p.id })),
    ...trace.recordings.map((r) => ({ kind: 'recording' as const, id: r.id })),
  ];
  return candidates.find((candidate) => selectNodes(trace, candidate).some((id) => wanted.has(id))) ?? null;
}
