/**
 * A narrow hook for tools that watch the engine (GradLens capture). The engine calls the attached
 * observer at a few points; with none attached the cost is one null check.
 */
import type { NDArray, GradReq } from './ndarray';
import type { TapeNode } from './tape';
import type { OpName } from './ops/attrs';

export interface OpEvent {
  op: OpName;
  inputs: readonly NDArray[];
  attrs: object;
  output: NDArray;
  /** The node recorded for the op, or null (not recording, or no input needs a gradient). */
  node: TapeNode | null;
  recording: boolean;
  training: boolean;
}

export type ScopeKind = 'record' | 'pause' | 'trainMode' | 'predictMode';

export interface ScopeEvent {
  kind: ScopeKind;
  recording: boolean;
  training: boolean;
  /** On exit: what the scope's function returned (undefined when it threw). */
  result?: unknown;
}

export interface BackwardStartEvent {
  kind: 'backward' | 'grad';
  heads: readonly NDArray[];
  /** The head gradients used, implicit ones included. */
  headGrads: readonly NDArray[];
  /** For each head, whether its gradient was implicit (ones). */
  implicit: readonly boolean[];
  retainGraph: boolean;
  createGraph: boolean;
}

export interface Contribution {
  /** Position of the input in the node's inputs. */
  index: number;
  input: NDArray;
  grad: NDArray;
}

export interface BackwardStepEvent {
  node: TapeNode;
  upstream: NDArray;
  contributions: readonly Contribution[];
}

export interface LeafGrad {
  array: NDArray;
  gradReq: GradReq;
  /** The gradient this pass computed for the variable. */
  grad: NDArray;
}

export interface BackwardEndEvent {
  kind: 'backward' | 'grad';
  leafGrads: readonly LeafGrad[];
}

export type GraphBreakKind = 'detach' | 'attachGrad' | 'coerce';

export interface GraphBreakEvent {
  kind: GraphBreakKind;
  /** The array gradient stops at (the detached copy, the re-attached array, the coerced array). */
  array: NDArray;
  /** The node the array came from, when there was one. */
  node: TapeNode | null;
  message: string;
}

export interface EngineObserver {
  op?(event: OpEvent): void;
  /** An array made by a creation function (`np.array`, `np.arange`, `np.random.normal`, …). */
  created?(array: NDArray, how: string): void;
  scopeEnter?(event: ScopeEvent): void;
  scopeExit?(event: ScopeEvent): void;
  attachGrad?(array: NDArray, gradReq: GradReq): void;
  graphBreak?(event: GraphBreakEvent): void;
  backwardStart?(event: BackwardStartEvent): void;
  backwardStep?(event: BackwardStepEvent): void;
  backwardEnd?(event: BackwardEndEvent): void;
  /** A backward pass that threw (freed graph, bad head gradient…), before the error propagates. */
  backwardError?(error: unknown): void;
  /**
   * An in-place write (`assign`, `set`, `np.random.shuffle`) changed `array`'s elements; `recorded`
   * when it joined the graph as an op (then `op` was heard first). Values seen before the write are
   * now out of date.
   */
  write?(event: WriteEvent): void;
  /** A gluon block's `call` starts (`blockEnter`) and ends (`blockExit`, also when it threw): ops heard between ran inside it. */
  blockEnter?(event: BlockEvent): void;
  blockExit?(event: BlockEvent): void;
  /** A parameter's array was made while its block ran (deferred initialization): its structured name. */
  parameter?(event: { name: string; array: NDArray; init: string | null }): void;
}

export interface BlockEvent {
  /** Where the block is in the outermost block being called: `net.0` (its field names and indices, as collectParams names them); '' for that outermost one. */
  path: string;
  /** Its class and settings, as gluon prints it: `Dense(256, relu)`. */
  label: string;
  /** Its own parameters with their structured names (`net.0.weight`), arrays (null until made) and initializers (`Normal(0.01)`). */
  params: readonly { name: string; array: NDArray | null; init: string | null }[];
}

export interface WriteEvent {
  op: 'assign' | 'set' | 'shuffle';
  array: NDArray;
  /** The index as NumPy writes it (`'...'` for assign and shuffle). */
  index: string;
  recorded: boolean;
}

/** The attached observer (at most one). */
export const observer: { current: EngineObserver | null } = { current: null };

/** Attaches `next` (or detaches with null) and returns the observer it replaced. */
export function setEngineObserver(next: EngineObserver | null): EngineObserver | null {
  const previous = observer.current;
  observer.current = next;
  return previous;
}
