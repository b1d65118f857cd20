/**
 * Backward propagation: a topological order of the recorded nodes reachable from the heads, then
 * one walk from the heads to the leaves applying each node's gradient rule and summing the
 * contributions that reach an array along several paths.
 */
import { isFloat } from './dtype';
import { engineError, formatShape, siteText } from './errors';
import { gradRules, type GradContext, type GradRule } from './gradRules';
import { NDArray, type BackwardOptions } from './ndarray';
import { observer, type Contribution, type LeafGrad } from './observer';
import type { OpName } from './ops/attrs';
import { full, zerosLike } from './ops/creation';
import { add } from './ops/elementwise';
import { astype } from './ops/layout';
import { sameShape } from './shape';
import { autogradState } from './state';
import { checkOptions } from './strict';
import { noteWrite } from './storage';
import type { TapeNode } from './tape';

type Kind = 'backward' | 'grad';

export type HeadGrad = NDArray | number | null | undefined;

function notInGraphMessage(array: NDArray, what: string): string {
  return array._madeWhileRecording
    ? `${what} was computed inside autograd.record(), but from arrays that need no gradient: call attachGrad() on the variables before recording`
    : `${what} was not computed inside autograd.record(), so there is no recorded graph to differentiate: compute it inside autograd.record(() => ...) after calling attachGrad() on its inputs`;
}

function freedError(op: Kind, node: TapeNode): Error {
  return engineError(op, `the graph that computed this array (its '${node.op}' op, node #${node.id}) was freed by an earlier backward pass; pass { retainGraph: true } to the first backward() to run backward through the same graph again`);
}

function checkHeads(kind: Kind, heads: readonly NDArray[], headGrads: readonly HeadGrad[]): NDArray[] {
  if (heads.length === 0) throw engineError(kind, 'needs at least one head array');
  if (headGrads.length !== heads.length) throw engineError(kind, `got ${headGrads.length} head gradients for ${heads.length} heads`);
  return heads.map((head, i) => {
    const name = heads.length === 1 ? 'the head' : `head ${i}`;
    if (!(head instanceof NDArray)) throw engineError(kind, `${name} must be an NDArray`);
    if (!isFloat(head.dtype)) throw engineError(kind, `${name} has dtype ${head.dtype}; gradients exist for float arrays only`);
    if (!head._requiresGrad) throw engineError(kind, notInGraphMessage(head, name === 'the head' ? 'this array' : name));
    const given = headGrads[i];
    if (given === null || given === undefined) return full(head.shape, 1, { dtype: head.dtype });
    if (typeof given === 'number') return full(head.shape, given, { dtype: head.dtype });
    if (!(given instanceof NDArray)) throw engineError(kind, `the head gradient for ${name} must be an NDArray or a number`);
    if (!sameShape(given.shape, head.shape)) {
      throw engineError(kind, `the head gradient has shape ${formatShape(given.shape)} but ${name} has shape ${formatShape(head.shape)}`);
    }
    return given.dtype === head.dtype ? given : astype(given, head.dtype);
  });
}

let passes = 0;

/** Nodes reachable from `roots` through inputs that need gradients, each before its inputs' nodes. */
function topologicalOrder(kind: Kind, roots: readonly TapeNode[]): TapeNode[] {
  const pass = ++passes;
  const postorder: TapeNode[] = [];
  const stack: TapeNode[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (root.visit === pass) continue;
    root.visit = pass;
    stack.push(root);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top]!;
      if (node.freed) throw freedError(kind, node);
      let child: TapeNode | null = null;
      while (next[top]! < node.parents.length && child === null) {
        const i = next[top]!++;
        const parent = node.parents[i]!;
        if (parent !== null && node.needsGrad[i] && parent.visit !== pass) child = parent;
      }
      if (child === null) {
        stack.pop();
        next.pop();
        postorder.push(node);
      } else {
        child.visit = pass;
        child.upstream = null;
        stack.push(child);
        next.push(0);
      }
    }
  }
  for (const root of roots) root.upstream = null;
  return postorder.reverse();
}

/** The storage version `array` had when `node` recorded it as input `i` (the output when i = inputs.length). */
function recordedVersion(node: TapeNode, i: number): number {
  return node.versions === null ? 0 : node.versions[i]!;
}

function currentVersion(array: NDArray): number {
  return array._storage === null ? 0 : array._storage.version;
}

/** Whether an input or the output of `node` was written (assign, set) since the op was recorded. */
function writtenSince(node: TapeNode): boolean {
  const { inputs } = node;
  for (let i = 0; i < inputs.length; i++) if (currentVersion(inputs[i]!) !== recordedVersion(node, i)) return true;
  return currentVersion(node.output!) !== recordedVersion(node, inputs.length);
}

function staleMessage(kind: Kind, node: TapeNode, array: NDArray, which: string): string {
  const write = array._storage?.lastWrite ?? null;
  const site = write?.site ? siteText(write.site) : null;
  const where = write === null ? '' : ` by ${write.op}${site === null ? '' : ` at ${site}`}`;
  return `the gradient of '${node.op}' (node #${node.id}) needs the value ${which} (shape ${formatShape(array.shape)}) had when the op ran, `
    + `but the array was written afterwards${where}: the gradient would be wrong. Write after ${kind === 'grad' ? 'autograd.grad' : 'backward'}, `
    + 'or keep the value the op read with .copy() (x = x.copy()) before writing into the array';
}

/**
 * A stand-in for an array written since the op read it: the same shape, dtype and graph links, but
 * its elements cannot be read. A rule that needs only the shape (add, sum, reshape) runs; one that
 * needs the values (mul, exp) fails with the reason — PyTorch's version check, asked of the values
 * a rule actually reads.
 */
function staleArray(kind: Kind, node: TapeNode, array: NDArray, which: string): NDArray {
  const stale = Object.create(NDArray.prototype) as NDArray;
  for (const key of Object.keys(array) as (keyof NDArray)[]) {
    if (key !== '_data') Object.defineProperty(stale, key, { value: array[key], writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(stale, '_data', { get: () => { throw engineError(kind, staleMessage(kind, node, array, which)); } });
  return stale;
}

/** The rule's view of `node`: the node itself, or with stand-ins for what was written since. */
function ruleContext(kind: Kind, node: TapeNode): GradContext<OpName> {
  if (!writtenSince(node)) return node as GradContext<OpName>;
  const inputs = node.inputs.map((input, i) =>
    currentVersion(input) === recordedVersion(node, i) ? input : staleArray(kind, node, input, `its input ${i}`));
  const output = node.output!;
  return {
    inputs, attrs: node.attrs, saved: node.saved, needsGrad: node.needsGrad,
    output: currentVersion(output) === recordedVersion(node, inputs.length) ? output : staleArray(kind, node, output, 'its output'),
  };
}

interface Propagation {
  leafGrads: Map<NDArray, NDArray>;
  /** The summed gradient of the outputs of the nodes in `keep`. */
  kept: Map<TapeNode, NDArray>;
}

function sum(previous: NDArray | null | undefined, grad: NDArray): NDArray {
  return previous === null || previous === undefined ? grad : add(previous, grad);
}

function propagate(kind: Kind, heads: readonly NDArray[], headGrads: readonly NDArray[], order: readonly TapeNode[], keep: ReadonlySet<TapeNode>): Propagation {
  const leafGrads = new Map<NDArray, NDArray>();
  const kept = new Map<TapeNode, NDArray>();
  heads.forEach((head, i) => {
    const node = head._node;
    if (node !== null) node.upstream = sum(node.upstream, headGrads[i]!);
    else leafGrads.set(head, sum(leafGrads.get(head), headGrads[i]!));
  });
  const obs = observer.current;
  for (const node of order) {
    const upstream = node.upstream!;
    node.upstream = null;
    if (keep.has(node)) kept.set(node, upstream);
    // The node itself is the rule's context (its output is set: freed nodes never get here).
    const grads = (gradRules[node.op] as GradRule<OpName>)(upstream, ruleContext(kind, node));
    const contributions: Contribution[] | null = obs?.backwardStep ? [] : null;
    const { inputs, parents, needsGrad } = node;
    for (let i = 0; i < inputs.length; i++) {
      if (!needsGrad[i]) continue;
      const input = inputs[i]!;
      let grad = grads[i];
      if (!(grad instanceof NDArray) || !sameShape(grad.shape, input.shape)) {
        const got = grad instanceof NDArray ? `shape ${formatShape(grad.shape)}` : String(grad);
        throw engineError(kind, `internal error: the gradient rule of '${node.op}' gave ${got} for input ${i} of shape ${formatShape(input.shape)}`);
      }
      if (grad.dtype !== input.dtype) grad = astype(grad, input.dtype);
      contributions?.push({ index: i, input, grad });
      const parent = parents[i]!;
      if (parent !== null) parent.upstream = sum(parent.upstream, grad);
      else leafGrads.set(input, sum(leafGrads.get(input), grad));
    }
    if (contributions !== null) obs!.backwardStep!({ node, upstream, contributions });
  }
  return { leafGrads, kept };
}

const NO_ARRAYS: readonly NDArray[] = Object.freeze([]);
const NO_PARENTS: readonly (TapeNode | null)[] = Object.freeze([]);

/** Marks the nodes as used: their saved arrays go, and backward through them fails clearly. */
function freeNodes(order: readonly TapeNode[]): void {
  for (const node of order) {
    node.freed = true;
    node.inputs = NO_ARRAYS;
    node.parents = NO_PARENTS;
    node.saved = NO_ARRAYS;
    node.output = null;
    node.upstream = null;
  }
}

/** Runs `fn` with recording on (createGraph) or off and silent (ordinary backward). */
function inGradientMode<T>(createGraph: boolean, fn: () => T): T {
  const state = autogradState;
  const recording = state.recording;
  state.recording = createGraph;
  if (!createGraph) state.silent++;
  try {
    return fn();
  } finally {
    state.recording = recording;
    if (!createGraph) state.silent--;
  }
}

function withObserverErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    observer.current?.backwardError?.(error);
    throw error;
  }
}

/**
 * `head.backward()` / `autograd.backward(heads)`: writes (gradReq 'write') or adds (gradReq 'add')
 * the gradient of the heads into the `.grad` of every variable the pass reaches.
 */
export function runBackward(kind: Kind, heads: readonly NDArray[], headGrads: readonly HeadGrad[], options: BackwardOptions): void {
  withObserverErrors(() => {
    checkOptions(kind, options, ['retainGraph', 'createGraph']);
    const createGraph = options.createGraph ?? false;
    const retainGraph = options.retainGraph ?? createGraph;
    const grads = checkHeads(kind, heads, headGrads);
    const roots = heads.flatMap((head) => (head._node === null ? [] : [head._node]));
    const order = topologicalOrder(kind, roots);
    const obs = observer.current;
    obs?.backwardStart?.({ kind, heads, headGrads: grads, implicit: headGrads.map((g) => g === null || g === undefined), retainGraph, createGraph });
    const { leafGrads } = inGradientMode(createGraph, () => propagate(kind, heads, grads, order, new Set()));
    const written: LeafGrad[] = [];
    inGradientMode(createGraph, () => {
      for (const [array, grad] of leafGrads) {
        const target = array._grad;
        if (target === null || array._gradReq === 'null') continue;
        if (createGraph) {
          array._grad = array._gradReq === 'add' ? add(target, grad) : grad;
        } else if (array._gradReq === 'add') {
          const data = target._data;
          const addend = grad._data;
          for (let i = 0; i < data.length; i++) data[i] = data[i]! + addend[i]!;
          noteWrite(target, kind, false);
        } else {
          target._data.set(grad._data);
          noteWrite(target, kind, false);
        }
        written.push({ array, gradReq: array._gradReq, grad });
      }
    });
    if (!retainGraph) freeNodes(order);
    obs?.backwardEnd?.({ kind, leafGrads: written });
  });
}

export interface GradOptions extends BackwardOptions {
  /** Head gradients, one per head (default ones). */
  headGrads?: readonly HeadGrad[] | NDArray | null;
}

/**
 * `autograd.grad(heads, variables)`: the gradients of the heads with respect to `variables`,
 * returned in order; `.grad` buffers are left untouched.
 */
export function computeGrads(heads: readonly NDArray[], variables: readonly NDArray[], options: GradOptions): NDArray[] {
  return withObserverErrors(() => {
    checkOptions('grad', options, ['headGrads', 'retainGraph', 'createGraph']);
    const createGraph = options.createGraph ?? false;
    const retainGraph = options.retainGraph ?? createGraph;
    const given = options.headGrads;
    const headGradList: readonly HeadGrad[] = given === undefined || given === null ? heads.map(() => null)
      : given instanceof NDArray ? [given] : given;
    const grads = checkHeads('grad', heads, headGradList);
    if (!Array.isArray(variables) || variables.length === 0) throw engineError('grad', 'needs a non-empty list of variables');
    variables.forEach((variable, i) => {
      if (!(variable instanceof NDArray)) throw engineError('grad', `variable ${i} must be an NDArray`);
      if (!variable._requiresGrad) throw engineError('grad', `variable ${i} needs no gradient: call attachGrad() on it before autograd.record()`);
    });
    const roots = heads.flatMap((head) => (head._node === null ? [] : [head._node]));
    const order = topologicalOrder('grad', roots);
    const keep = new Set(variables.flatMap((v) => (v._node === null ? [] : [v._node])));
    const obs = observer.current;
    obs?.backwardStart?.({ kind: 'grad', heads, headGrads: grads, implicit: headGradList.map((g) => g === null || g === undefined), retainGraph, createGraph });
    const { kept, leafGrads } = inGradientMode(createGraph, () => propagate('grad', heads, grads, order, keep));
    const results = variables.map((variable) => {
      const grad = variable._node !== null ? kept.get(variable._node) : leafGrads.get(variable);
      return grad ?? zerosLike(variable);
    });
    if (!retainGraph) freeNodes(order);
    obs?.backwardEnd?.({
      kind: 'grad',
      leafGrads: variables.map((array, i) => ({ array, gradReq: array._gradReq, grad: results[i]! })),
    });
    return results;
  });
}
