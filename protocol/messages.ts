/**
 * The messages between the inspector (webview) and its host (the VS Code extension, or nothing in
 * the standalone page). Names are `area/verb`. The host answers `webview/ready` with a complete
 * snapshot, never a delta: a hidden webview keeps only the newest message. A big trace's snapshot
 * is its head and the parts it needs first; the inspector asks for other parts as it shows them. The webview persists
 * UI state only (VS Code's setState), never trace data.
 */
import type { PartData, Trace } from './trace';

/** A graph the inspector shows: a recording's, or a backward pass's (and the step in it). */
export type GraphSelection =
  | { kind: 'recording'; id: number }
  | { kind: 'pass'; id: number };

/**
 * What the inspector shows: a graph, or the Training view (the run's passes as curves, from their
 * summaries). The Training view names no id (`id?: never` lets code written for graphs read `.id`).
 */
export type Selection = GraphSelection | { kind: 'training'; id?: never };

export type ColorMode = 'gradient' | 'value';

/** Thresholds of the vanishing/exploding badges, on the L2 norm of a gradient. */
export interface Thresholds {
  vanishing: number;
  exploding: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { vanishing: 1e-7, exploding: 1e3 };

/** The inspector's own state, kept across reloads (VS Code setState), never trace data. */
export interface UiState {
  selection: Selection | null;
  /** Backward step (0 = head gradients) or forward step shown. */
  step: number;
  view: 'backward' | 'forward';
  colorMode: ColorMode;
  /** Expanded groups of folded nodes, by group key. */
  expanded: string[];
  folded: boolean | null;
  selectedNode: number | null;
  thresholds: Thresholds;
  speed: number;
}

export type HostToWebview =
  /** Everything the inspector needs: sent in answer to `webview/ready`, and when the trace changes. */
  | { type: 'trace/snapshot'; trace: Trace; selection?: Selection; focusNode?: number; thresholds?: Thresholds }
  /** No trace to show (a panel restored after its trace was deleted): say what to do instead. */
  | { type: 'trace/none'; message: string }
  /** Select and show a node (the editor's cursor moved to its line, a tree item was clicked). */
  | { type: 'node/focus'; nodeIds: number[] }
  /** Stepping from the host's commands and keybindings. */
  | { type: 'step/move'; to: 'next' | 'previous' | 'first' | 'last' }
  | { type: 'selection/set'; selection: Selection }
  | { type: 'settings/thresholds'; thresholds: Thresholds }
  /** From the host's commands: open the accessible view (the shown graph as tables), or put the keyboard in the graph. */
  | { type: 'view/accessible' }
  | { type: 'graph/focus' }
  /**
   * Parts of the trace shown (a trace in parts, protocol/traceParts.ts), in answer to `parts/load`:
   * their content, checked by the inspector before they join the trace (validateParts.ts).
   */
  | { type: 'parts/data'; parts: PartData[] }
  /** Parts asked for that cannot be given (the file changed, was removed, is malformed): why, in words. */
  | { type: 'parts/failed'; parts: number[]; problem: string };

/**
 * Something of the trace that has a source line, named by id: the host looks the line up in the
 * trace it holds (a webview never tells the host which file to open).
 */
export type SourceRef =
  | { kind: 'node'; id: number }
  | { kind: 'pass'; id: number }
  | { kind: 'recording'; id: number }
  /** An index into `graphBreaks` / `anomalies`. */
  | { kind: 'break'; index: number }
  | { kind: 'anomaly'; index: number }
  /** The run's uncaught error. */
  | { kind: 'error' };

/** A text of the trace that the inspector shows cut short: VS Code opens the whole of it on request. */
export type TextRef =
  | { kind: 'node'; id: number; field: 'op' | 'attrs' | 'sourceFile' | 'sourceText' }
  | { kind: 'break'; index: number; field: 'message' }
  | { kind: 'anomaly'; index: number; field: 'message' }
  | { kind: 'pass'; id: number; field: 'error' }
  | { kind: 'error'; field: 'message' | 'stack' }
  | { kind: 'output'; field: 'stdout' | 'stderr' };

export type WebviewToHost =
  | { type: 'webview/ready' }
  /** Open the file at the line of something in the trace (a source link). */
  | { type: 'source/reveal'; ref: SourceRef }
  /** The step shown changed, and its node (the host highlights that node's line in the editor). */
  | { type: 'step/changed'; selection: GraphSelection; view: 'backward' | 'forward'; step: number; total: number; nodeIds: number[] }
  /** The user selected nodes in the graph (for selection sync with the editor and tree views). */
  | { type: 'node/selected'; nodeIds: number[] }
  /** Save exported bytes (PNG/SVG/DOT); the host asks where. */
  | { type: 'export/save'; format: 'png' | 'svg' | 'dot'; fileName: string; data: string; encoding: 'base64' | 'utf8' }
  /** Run the traced file again with numeric gradient checks (Check Gradients Numerically). */
  | { type: 'gradcheck/run' }
  /**
   * Trace the same program again (its file, arguments and seed) keeping the backward pass `pass`
   * (its id) whole: the Training view asks when a pass the user opened was summarised.
   */
  | { type: 'run/again-keeping'; pass: number }
  /**
   * The inspector needs these parts of the trace it shows (indices into `trace.parts.list`) to draw
   * a graph: the host answers `parts/data` or `parts/failed`. No trace is named: the host answers
   * from the trace it sent last, and messages arrive in the order they were posted, so an answer
   * always follows the snapshot it belongs to (a late ask of an earlier trace is answered from the
   * new one, after its snapshot).
   */
  | { type: 'parts/load'; parts: number[] }
  /** Show the whole of a text the inspector cut short. */
  | { type: 'text/open'; ref: TextRef }
  /** Something the host should show the user (a malformed trace…). */
  | { type: 'webview/error'; message: string };
