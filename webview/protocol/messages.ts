/**
 * The messages between the inspector (webview) and its host (the VS Code extension, or nothing in
 * the standalone page). Names are `area/verb`. The host answers `webview/ready` with a complete
 * snapshot, never a delta: a hidden webview keeps only the newest message. The webview persists
 * UI state only (VS Code's setState), never trace data.
 */
import type { Source, Trace } from './trace';

/** What the inspector shows: a recording's graph, or a backward pass (and the step in it). */
export type Selection =
  | { kind: 'recording'; id: number }
  | { kind: 'pass'; id: number };

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
  | { type: 'settings/thresholds'; thresholds: Thresholds };

export type WebviewToHost =
  | { type: 'webview/ready' }
  /** Open the file at the line (a node's source link). */
  | { type: 'source/reveal'; source: Source }
  /** The step shown changed: its node and line (the host highlights that line in the editor). */
  | { type: 'step/changed'; selection: Selection; view: 'backward' | 'forward'; step: number; total: number; nodeIds: number[]; source: Source | null }
  /** The user selected nodes in the graph (for selection sync with the editor and tree views). */
  | { type: 'node/selected'; nodeIds: number[]; source: Source | null }
  /** Save exported bytes (PNG/SVG/DOT); the host asks where. */
  | { type: 'export/save'; format: 'png' | 'svg' | 'dot'; fileName: string; data: string; encoding: 'base64' | 'utf8' }
  /** Run the traced file again with numeric gradient checks (Check Gradients Numerically). */
  | { type: 'gradcheck/run' }
  /** Something the host should show the user (a malformed trace…). */
  | { type: 'webview/error'; message: string };

export function isHostMessage(value: unknown): value is HostToWebview {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
