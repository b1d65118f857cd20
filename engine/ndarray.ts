/**
 * NDArray: a dense, row-major, n-dimensional array with MXNet's autograd members.
 *
 * ```ts
 * const x = np.arange(4);
 * x.attachGrad();
 * const y = autograd.record(() => np.dot(x, x).mul(2));
 * y.backward();
 * x.grad;            // array([ 0.,  4.,  8., 12.])
 * ```
 */
import { allocate, isFloat, type DType, type TypedArray } from './dtype';
import { DEBUG_DESCRIPTION, DEBUG_PROPERTIES, debugDescription, debugProperties } from './debugDescription';
import { engineError, engineTypeError, formatShape } from './errors';
import { formatArray } from './format';
import { observer } from './observer';
import { autogradState } from './state';
import type { TapeNode } from './tape';
import { sizeOf, type Shape } from './shape';
import { runBackward } from './backward';
import { shareStorage, type Storage } from './storage';
import * as ew from './ops/elementwise';
import * as red from './ops/reduce';
import * as lin from './ops/linalg';
import * as lay from './ops/layout';
import * as idx from './ops/indexing';
import * as arr from './ops/arrange';
import * as math from './ops/math';
import type { Index } from './indexing/parse';
import type { WriteValue } from './ops/indexing';
import type { Operand } from './ops/operand';
import type { VarOptions } from './ops/reduce';
import { UNARY_OPS, type UnaryOpName } from './ops/defs/unary';
import type { OpApi } from './ops/defs/types';
import { unaryOps, type UnaryMethods } from './ops/unary';
import { checkMethods, type ArgumentCounts } from './strict';

/** How `backward` treats a variable's gradient: overwrite it, add to it, or compute none. */
export type GradReq = 'write' | 'add' | 'null';

/** What `toArray()` returns: numbers (booleans for bool arrays) nested once per dimension. */
export type NestedArray = number | boolean | NestedArray[];

export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again (default false). */
  retainGraph?: boolean;
  /** Record the gradient computation itself, for higher derivatives (default false). */
  createGraph?: boolean;
}

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export class NDArray {
  /** Dimensions, outermost first. A 0-d array (a scalar) has shape `[]`. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;

  /** @internal Row-major storage; shared between an array and its reshaped views. */
  _data: TypedArray;
  /** @internal The version of the storage (in-place writes), once it has been written or shared (storage.ts). */
  _storage: Storage | null = null;
  /** @internal The recorded op that produced this array, when it is part of a graph. */
  _node: TapeNode | null = null;
  /** @internal A variable with a gradient, or the output of a recorded op. */
  _requiresGrad = false;
  /** @internal Produced by an op while recording (for error messages). */
  _madeWhileRecording = false;
  /** @internal */
  _grad: NDArray | null = null;
  /** @internal */
  _gradReq: GradReq = 'null';
  /** @internal Scratch for a tool watching the engine (GradLens capture): which watch, and its id there. */
  _watchEpoch = 0;
  /** @internal */
  _watchId = -1;

  /** @internal Arrays are made by `np.*` functions and ops, not by this constructor. */
  constructor(data: TypedArray, shape: Shape, dtype: DType) {
    this._data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.size = data.length;
  }

  get ndim(): number { return this.shape.length; }

  /** The gradient buffer, `null` until `attachGrad()` (and with gradReq `'null'`). */
  get grad(): NDArray | null { return this._grad; }

  get gradReq(): GradReq { return this._gradReq; }

  /** Transpose (all axes reversed). */
  get T(): NDArray { return lay.transpose(this); }

  /**
   * Makes this array a variable: allocates a zero gradient that `backward` fills. Called inside
   * `autograd.record` on a computed array, it detaches the array from the graph that made it
   * (MXNet's implicit `x = x.detach()`): gradients stop here.
   */
  attachGrad(gradReq: GradReq = 'write'): void {
    if (gradReq !== 'write' && gradReq !== 'add' && gradReq !== 'null') {
      throw engineError('attachGrad', `gradReq must be 'write', 'add' or 'null', got ${JSON.stringify(gradReq)}`);
    }
    if (!isFloat(this.dtype)) {
      throw engineError('attachGrad', `gradients exist for float arrays only; this array has dtype ${this.dtype} (convert it with .astype('float32'))`);
    }
    const node = this._node;
    this._node = null;
    this._gradReq = gradReq;
    this._requiresGrad = gradReq !== 'null';
    this._grad = gradReq === 'null' ? null : new NDArray(allocate(this.dtype, this.size), this.shape, this.dtype);
    const obs = observer.current;
    if (obs !== null) {
      if (node !== null) {
        obs.graphBreak?.({
          kind: 'attachGrad', array: this, node,
          message: `attachGrad() on the result of '${node.op}' detaches it: gradients stop at this array and do not reach the inputs of '${node.op}'`,
        });
      }
      obs.attachGrad?.(this, gradReq);
    }
  }

  /**
   * Computes the gradient of this array with respect to every variable it depends on and stores it
   * in their `.grad`. A non-scalar array uses `headGrad` (default: ones, i.e. the gradient of its sum).
   */
  backward(headGrad?: NDArray | null, options: BackwardOptions = {}): void {
    runBackward('backward', [this], [headGrad ?? null], options);
  }

  /** A new array with the same values that is not part of any graph: gradients stop here. */
  detach(): NDArray {
    const detached = shareStorage(this, new NDArray(this._data, this.shape, this.dtype));
    const obs = observer.current;
    if (obs !== null && this._requiresGrad) {
      obs.graphBreak?.({
        kind: 'detach', array: detached, node: this._node,
        message: this._node !== null
          ? `detach() makes a constant copy of the result of '${this._node.op}': gradients do not flow back through it`
          : 'detach() makes a constant copy of a variable: gradients do not flow back through it',
      });
    }
    return detached;
  }

  /** A copy with its own storage (recorded: gradients flow through it). */
  copy(): NDArray { return lay.copy(this); }

  astype(dtype: DType): NDArray { return lay.astype(this, dtype); }

  /** The values as nested JavaScript arrays (booleans for a bool array). */
  toArray(): NestedArray {
    const data = this._data;
    const bool = this.dtype === 'bool';
    const build = (axis: number, offset: number, stride: number): NestedArray => {
      if (axis === this.shape.length) return bool ? data[offset] !== 0 : data[offset]!;
      const dim = this.shape[axis]!;
      const inner = stride / Math.max(dim, 1);
      const out: NestedArray[] = [];
      for (let i = 0; i < dim; i++) out.push(build(axis + 1, offset + i * inner, inner));
      return out;
    };
    return build(0, 0, this.size);
  }

  /** The values, flattened in row-major order, as a plain array of numbers. */
  toFlatArray(): number[] { return Array.from(this._data); }

  /** The single number of a size-1 array. */
  item(): number {
    if (this.size !== 1) {
      throw engineError('item', `can only convert an array of size 1 to a number; this one has shape ${formatShape(this.shape)} (use .toArray())`);
    }
    this.reportCoercion('item');
    return this._data[0]!;
  }

  /** Lets `a.sum() > 0` work: a size-1 array converts to its number; larger arrays refuse. */
  valueOf(): number {
    if (this.size !== 1) {
      throw engineTypeError('valueOf', `an array of shape ${formatShape(this.shape)} cannot be used as a number; use .item() for a size-1 array, or .toArray() for the values`);
    }
    this.reportCoercion('valueOf');
    return this._data[0]!;
  }

  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'string' ? this.toString() : this.valueOf();
  }

  /** MXNet/NumPy style: `array([0., 1., 2., 3.])`. */
  toString(): string { return formatArray(this); }

  [inspectSymbol](): string { return formatArray(this); }

  /** The summary line VS Code's debugger shows in Variables, Watch and hover (debugDescription.ts). */
  [DEBUG_DESCRIPTION](): string { return debugDescription(this); }
  /** What the debugger shows when the array is expanded: values (a slice of a big one), grad, gradReq, recorded. */
  [DEBUG_PROPERTIES](): Record<string, unknown> { return debugProperties(this); }

  toJSON(): { shape: number[]; dtype: DType; data: NestedArray } {
    return { shape: [...this.shape], dtype: this.dtype, data: this.toArray() };
  }

  private reportCoercion(how: 'item' | 'valueOf'): void {
    const obs = observer.current;
    if (obs !== null && autogradState.recording && this._requiresGrad) {
      obs.graphBreak?.({
        kind: 'coerce', array: this, node: this._node,
        message: `${how}() turns this recorded array into a plain JavaScript number: anything computed from that number is a constant to autograd, so no gradient flows back through it`,
      });
    }
  }

  // Arithmetic (NumPy broadcasting; numbers accepted).
  add(other: Operand): NDArray { return ew.add(this, other); }
  sub(other: Operand): NDArray { return ew.sub(this, other); }
  mul(other: Operand): NDArray { return ew.mul(this, other); }
  div(other: Operand): NDArray { return ew.div(this, other); }
  pow(other: Operand): NDArray { return ew.pow(this, other); }
  maximum(other: Operand): NDArray { return ew.maximum(this, other); }
  minimum(other: Operand): NDArray { return ew.minimum(this, other); }
  clip(min: number | null, max: number | null): NDArray { return ew.clip(this, min, max); }

  // Comparisons (bool results, no gradient).
  equal(other: Operand): NDArray { return ew.equal(this, other); }
  notEqual(other: Operand): NDArray { return ew.notEqual(this, other); }
  less(other: Operand): NDArray { return ew.less(this, other); }
  greater(other: Operand): NDArray { return ew.greater(this, other); }
  lessEqual(other: Operand): NDArray { return ew.lessEqual(this, other); }
  greaterEqual(other: Operand): NDArray { return ew.greaterEqual(this, other); }

  // Reductions.
  sum(axis?: number | number[] | null, keepdims = false): NDArray { return red.sum(this, axis, keepdims); }
  mean(axis?: number | number[] | null, keepdims = false): NDArray { return red.mean(this, axis, keepdims); }
  max(axis?: number | number[] | null, keepdims = false): NDArray { return red.max(this, axis, keepdims); }
  min(axis?: number | number[] | null, keepdims = false): NDArray { return red.min(this, axis, keepdims); }
  argmax(axis?: number | null): NDArray { return red.argmax(this, axis); }
  argmin(axis?: number | null): NDArray { return red.argmin(this, axis); }

  // Linear algebra, shape and indexing.
  dot(other: NDArray): NDArray { return lin.dot(this, other); }
  matmul(other: NDArray): NDArray { return lin.matmul(this, other); }
  transpose(axes?: number[]): NDArray { return lay.transpose(this, axes); }
  /** The same elements in another shape: `a.reshape(2, 3)` or `a.reshape([2, 3])`; one dimension may be −1 (inferred), as in `X.reshape(-1, 784)`. */
  reshape(...shape: (number | readonly number[])[]): NDArray { return lay.reshape(this, lay.shapeArguments('reshape', shape)); }
  flatten(): NDArray { return lay.reshape(this, [-1]); }
  expandDims(axis: number): NDArray { return lay.expandDims(this, axis); }
  squeeze(axis?: number | number[] | null): NDArray { return lay.squeeze(this, axis); }
  broadcastTo(shape: readonly number[]): NDArray { return lay.broadcastTo(this, shape); }
  /**
   * `a[index]`, a copy of the selection (NumPy returns a view; GradLens always copies). `index` is
   * NumPy's syntax as one string (`':, 2:6'`, `'::-1'`, `'...'`), or a list with one item per axis:
   * a number, a slice string (`'1:3'`), null (a whole axis), np.newaxis, an integer list or array
   * (advanced indexing, NumPy's rules: `a.get([[0, 1], y])`), or a bool array (a mask).
   */
  get(index: Index): NDArray { return arguments.length === 1 ? idx.get(this, index) : (idx.get as (...args: unknown[]) => NDArray)(this, ...arguments); }
  /**
   * `a[index] = value`, in place (same index forms as `get`; value broadcast to the selection and
   * cast to this dtype). The array keeps its identity, `.grad` and name; inside autograd.record the
   * write is recorded when the array or the value needs a gradient. Returns this array.
   */
  set(index: Index, value: WriteValue): NDArray { return arguments.length === 2 ? idx.set(this, index, value) : (idx.set as (...args: unknown[]) => NDArray)(this, ...arguments); }
  /** `a[:] = value`, in place: the SGD step is `p.assign(p.sub(p.grad!.mul(lr)))`. Returns this array. */
  assign(value: WriteValue): NDArray { return arguments.length === 1 ? idx.assign(this, value) : (idx.assign as (...args: unknown[]) => NDArray)(this, ...arguments); }
  /** `for (const row of a)`: the sub-arrays along axis 0. */
  [Symbol.iterator](): IterableIterator<NDArray> { return idx.rows(this); }
  /** The sub-array at `index` along axis 0 (negative counts from the end). */
  at(index: number): NDArray { return lay.at(this, index); }
  take(indices: NDArray | number | number[], axis?: number | null): NDArray { return lay.take(this, indices, axis); }
  sort(axis = -1): NDArray { return lay.sort(this, axis); }

  // NumPy's statistics and shape methods (np.var, np.repeat, …; the same arguments after the array).
  /** The variance over `axis` (all by default): `a.var(0, { ddof: 1 })`. */
  var(axis?: number | number[] | null, options?: VarOptions): NDArray { return red.variance(this, axis, options); }
  /** The standard deviation over `axis` (all by default), with var's options. */
  std(axis?: number | number[] | null, options?: VarOptions): NDArray { return red.std(this, axis, options); }
  prod(axis?: number | number[] | null, keepdims = false): NDArray { return red.prod(this, axis, keepdims); }
  /** Each element repeated (one count, or one per element) along `axis`, of the flattened array by default. */
  repeat(repeats: number | readonly number[], axis?: number | null): NDArray { return arr.repeat(this, repeats, axis); }
  /** The whole array repeated `reps` times along its axes (np.tile). */
  tile(reps: number | readonly number[]): NDArray { return arr.tile(this, reps); }
  /** Reversed along `axis` (every axis by default). */
  flip(axis?: number | number[] | null): NDArray { return arr.flip(this, axis); }
  /** Running sums along `axis` (of the flattened array by default). */
  cumsum(axis?: number | null): NDArray { return math.cumsum(this, axis); }
}

// The unary ops' methods (a.neg(), a.exp(), …), one per definition with a `method` (ops/defs/unary.ts).
export interface NDArray extends UnaryMethods {}
for (const name of Object.keys(UNARY_OPS) as UnaryOpName[]) {
  const method = (UNARY_OPS[name].api as OpApi).method;
  if (method === undefined) continue;
  // unaryOps is read when the method is called: ops/unary.ts may load after this module.
  Object.defineProperty(NDArray.prototype, method, { value: function (this: NDArray) { return unaryOps[name](this); }, writable: true, configurable: true });
}

/** Wraps storage as an array; `shape` must describe exactly `data.length` elements. */
export function makeArray(data: TypedArray, shape: Shape, dtype: DType): NDArray {
  if (sizeOf(shape) !== data.length) throw engineError('array', `shape ${formatShape(shape)} does not match ${data.length} elements`);
  return new NDArray(data, shape, dtype);
}

/** Called by JavaScript itself with arguments of its own (JSON.stringify passes a key): not checked. */
type CalledByJavaScript = 'toString' | 'valueOf' | 'toJSON' | typeof Symbol.iterator | typeof Symbol.toPrimitive | typeof inspectSymbol | typeof DEBUG_DESCRIPTION | typeof DEBUG_PROPERTIES;

/** How many arguments each method takes (strict.ts: more is an error, never ignored). */
export const METHOD_ARGUMENTS: Omit<ArgumentCounts<NDArray>, CalledByJavaScript> = {
  attachGrad: 1, backward: 2, detach: 0, copy: 0, astype: 1, toArray: 0, toFlatArray: 0, item: 0,
  add: 1, sub: 1, mul: 1, div: 1, pow: 1, maximum: 1, minimum: 1, clip: 2,
  equal: 1, notEqual: 1, less: 1, greater: 1, lessEqual: 1, greaterEqual: 1,
  sum: 2, mean: 2, max: 2, min: 2, argmax: 1, argmin: 1,
  dot: 1, matmul: 1, transpose: 1, reshape: 'any', flatten: 0, expandDims: 1, squeeze: 1, broadcastTo: 1,
  get: 'own', set: 'own', assign: 'own', at: 1, take: 2, sort: 1,
  var: 2, std: 2, prod: 2, repeat: 2, tile: 1, flip: 1, cumsum: 1,
  ...(Object.fromEntries(Object.keys(UNARY_OPS).flatMap((name) => {
    const method = (UNARY_OPS[name as UnaryOpName].api as OpApi).method;
    return method === undefined ? [] : [[method, 0]];
  })) as { [M in keyof UnaryMethods]: 0 }),
};
checkMethods('NDArray', NDArray.prototype, METHOD_ARGUMENTS);
