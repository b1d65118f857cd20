/**
 * All of the inspector's state, and the actions that change it (reduce.ts). Plain data: what the
 * screen shows is derived from it (derive.ts), never kept beside it. `ui` is what the webview
 * persists across reloads (protocol/messages.ts `UiState`); `page` lives as long as the page.
 */
import { DEFAULT_THRESHOLDS, type ColorMode, type Selection, type Thresholds, type UiState } from '../../protocol/messages';
import type { Trace } from '../../protocol/trace';
import type { GraphFocus } from '../model/graphNav';

/** What the inspector holds to show: nothing yet, a message instead of a trace, a refused trace, or a trace. */
export type DocState =
  | { kind: 'waiting' }
  | { kind: 'none'; message: string }
  | { kind: 'invalid'; title: string; problems: readonly string[] }
  /**
   * `large`: above the summary threshold, the trace opens as its summary, one graph at a time from there.
   * `unloadable`: parts of a trace in parts the host could not give, and why (their graphs say so).
   */
  | { kind: 'trace'; trace: Trace; large: boolean; unloadable?: { parts: readonly number[]; problem: string } };

export interface PageState {
  groupByFunction: boolean;
  /** Fold each gluon block into one node, as the user set it (null: automatic, for graphs of more than 400 nodes of a program with blocks). */
  groupByLayer: boolean | null;
  /** The search field's text. */
  search: string;
  /** Nodes where an explanation says gradient flow is cut (highlighted until another node is selected). */
  cutPoints: readonly number[];
  /** Folding as the user last set it with the checkbox in this page (null: never). */
  userFold: boolean | null;
  /** A fold preference the page was opened with (`?fold=0`): applies to the first graph shown. */
  initialFold: boolean | null;
  playing: boolean;
  /** A pass opened at a node's step while its part was still loading (the step is set when it arrives). */
  pendingAt: { pass: number; node: number } | null;
  /** The node the keyboard is on in the graph (kept while the focus is elsewhere: Tab comes back to it). */
  graphFocus: GraphFocus | null;
  /** The graph has the keyboard's focus: its node is marked and said. */
  graphActive: boolean;
  /** The accessible view (the graph as tables of text) is open. */
  listing: boolean;
}

export interface InspectorState {
  doc: DocState;
  ui: UiState;
  page: PageState;
}

export type StepTarget = 'next' | 'previous' | 'first' | 'last';

export type Action =
  /** A validated trace arrived; the host may ask for a selection, a node and thresholds with it. */
  | { type: 'trace/loaded'; trace: Trace; large: boolean; selection?: Selection; focusNode?: number; thresholds?: Thresholds }
  | { type: 'trace/none'; message: string }
  /** Parts of the trace arrived (a trace in parts): the same trace with them in, the view where it was. */
  | { type: 'trace/grown'; trace: Trace }
  /** Parts asked for could not be given: their graphs say why. */
  | { type: 'parts/failed'; parts: readonly number[]; problem: string }
  | { type: 'trace/invalid'; title: string; problems: readonly string[] }
  /**
   * Show a recording, a pass or the Training view (null: the summary of a large trace); `keepStep`
   * keeps the step, expansion and fold when it is the same one; `view` opens a pass going that way;
   * `atNode` opens a pass at that node's step (just run), the node selected.
   */
  | { type: 'selection/set'; selection: Selection | null; keepStep?: boolean; view?: 'backward' | 'forward'; atNode?: number }
  /** Open the previous or next backward pass of the open pass's source line (PageUp / PageDown). */
  | { type: 'selection/step-same-line'; direction: 'previous' | 'next' }
  /** Open the pass numbered `number` among all passes, from 1 (the toolbar's Pass # field). */
  | { type: 'selection/pass-number'; number: number }
  | { type: 'step/move'; to: StepTarget }
  | { type: 'step/set'; step: number }
  | { type: 'play/toggle' }
  | { type: 'play/stop' }
  /** The play timer fired: one step on, or stop at the end. */
  | { type: 'play/tick' }
  /** A node of the graph was clicked (its last member is selected), or the background (null). */
  | { type: 'node/select'; nodeId: number | null }
  /** Select nodes from the host or a panel link, switching to a selection that shows them. */
  | { type: 'nodes/focus'; nodeIds: readonly number[] }
  /** A folded group was clicked: it opens, its first member selected. */
  | { type: 'group/expand'; key: string; firstMember: number | null }
  | { type: 'group/refold'; key: string }
  | { type: 'fold/set'; folded: boolean }
  | { type: 'groupByFunction/set'; on: boolean }
  | { type: 'groupByLayer/set'; on: boolean }
  | { type: 'search/set'; query: string }
  | { type: 'color/set'; mode: ColorMode }
  | { type: 'view/set'; view: 'backward' | 'forward' }
  | { type: 'thresholds/set'; thresholds: Thresholds }
  | { type: 'speed/set'; speed: number }
  | { type: 'cuts/show'; nodeIds: readonly number[] }
  /** The keyboard is on a node of the graph (it came in, or moved: graphNav.ts). */
  | { type: 'graph/focus'; focus: GraphFocus }
  /** The keyboard left the graph. */
  | { type: 'graph/blur' }
  | { type: 'listing/set'; open: boolean };

/** The state a page starts in: what it persisted (if anything); its fold (`?fold=0`) applies to the first graph. */
export function initialState(restored: Partial<UiState> | null | undefined): InspectorState {
  const ui: UiState = {
    selection: null, step: 0, view: 'backward', colorMode: 'gradient', expanded: [], folded: null, selectedNode: null,
    thresholds: DEFAULT_THRESHOLDS, speed: 1, ...(restored ?? {}),
  };
  return {
    doc: { kind: 'waiting' },
    ui,
    page: { groupByFunction: false, groupByLayer: null, search: '', cutPoints: [], userFold: null, initialFold: ui.folded, playing: false, pendingAt: null, graphFocus: null, graphActive: false, listing: false },
  };
}

export function selectionKey(selection: Selection): string {
  return selection.kind === 'training' ? 'training' : `${selection.kind}:${selection.id}`;
}

/** The trace the state shows, if any. */
export function traceOf(state: InspectorState): Trace | null {
  return state.doc.kind === 'trace' ? state.doc.trace : null;
}
