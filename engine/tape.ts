/**
 * The tape: a recorded op is a plain node that names the op, its inputs, its attributes and the
 * arrays its gradient rule needs. `emit` is the single place where an op's result joins the graph.
 */
import type { NDArray } from './ndarray';
import type { OpAttrs, OpName } from './ops/attrs';
import { observer } from './observer';
import { autogradState } from './state';
import { isFloat } from './dtype';

export interface TapeNode<K extends OpName = OpName> {
  readonly id: number;
  readonly op: K;
  /** The arrays the op read, in order; emptied when a backward pass frees the node. */
  inputs: readonly NDArray[];
  /** For each input, the node that had produced it when the op ran (null for a leaf). */
  parents: readonly (TapeNode | null)[];
  /** For each input, whether gradient must flow to it (a variable, or an array in the graph). */
  needsGrad: readonly boolean[];
  readonly attrs: OpAttrs[K];
  /** Extra arrays the gradient rule reads (a dropout mask, a sort permutation). */
  saved: readonly NDArray[];
  /** The op's result; the rules of exp, sigmoid, softmax… read it. Null once freed. */
  output: NDArray | null;
  /** Whether the op ran in training mode (dropout, batchNorm differ). */
  readonly trainMode: boolean;
  /** Set by a backward pass without `retainGraph`: the node can no longer be differentiated. */
  freed: boolean;
  /** Scratch for backward passes: the number of the pass that last visited the node… */
  visit: number;
  /** …and the gradient of its output summed so far during that pass. */
  upstream: NDArray | null;
  /**
   * The storage versions of the inputs and then the output when the op ran (storage.ts), or null
   * when all were 0 (never written): a backward pass compares them with the current ones.
   */
  readonly versions: readonly number[] | null;
  /** Scratch for a tool watching the engine (GradLens capture): which watch, and its id there. */
  watchEpoch: number;
  watchId: number;
}

const NONE: readonly NDArray[] = [];
const parentOf = (input: NDArray): TapeNode | null => input._node;

/** The storage versions of `inputs` and `output`, or null when every one is 0 (the usual case). */
function versionsOf(inputs: readonly NDArray[], output: NDArray): number[] | null {
  let versions: number[] | null = null;
  const n = inputs.length;
  for (let i = 0; i <= n; i++) {
    const storage = (i < n ? inputs[i]! : output)._storage;
    if (storage === null || storage.version === 0) continue;
    versions ??= new Array<number>(n + 1).fill(0);
    versions[i] = storage.version;
  }
  return versions;
}
const requiresGrad = (input: NDArray): boolean => input._requiresGrad;

/**
 * Finishes an op: when recording and some input needs a gradient, `output` gets a node;
 * an observer, if one is attached, hears about every op.
 */
export function emit<K extends OpName>(
  op: K, inputs: readonly NDArray[], attrs: OpAttrs[K], output: NDArray, saved: readonly NDArray[] = NONE,
): NDArray {
  const state = autogradState;
  if (state.recording) {
    output._madeWhileRecording = true;
    let anyNeedsGrad = false;
    for (const input of inputs) if (input._requiresGrad) { anyNeedsGrad = true; break; }
    if (anyNeedsGrad && isFloat(output.dtype)) {
      output._node = {
        id: state.nextNodeId++,
        op,
        inputs,
        parents: inputs.map(parentOf),
        needsGrad: inputs.map(requiresGrad),
        attrs,
        saved,
        output,
        trainMode: state.training,
        versions: versionsOf(inputs, output),
        freed: false,
        visit: 0,
        upstream: null,
        watchEpoch: 0,
        watchId: -1,
      };
      output._requiresGrad = true;
    }
  }
  if (observer.current !== null && state.silent === 0) {
    observer.current.op?.({ op, inputs, attrs, output, node: output._node, recording: state.recording, training: state.training });
  }
  return output;
}
