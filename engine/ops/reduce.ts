/**
 * Reductions: sum, mean, max, min, var, std, prod, any, all over any set of axes; argmax/argmin over
 * one axis or all. (np.linalg.norm: norm.ts.)
 */
import { allocate, floatResult, wholeInt64, type DType, type TypedArray } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runReduce, type ReduceKernel } from '../kernels/reduce';
import { runLanes } from '../kernels/lanes';
import { runPermute } from '../kernels/layout';
import { NDArray } from '../ndarray';
import { normalizeAxes, normalizeAxis, reducedShape, sizeOf, stridesOf } from '../shape';
import { emit } from '../tape';
import { checkArray, dataAs } from './operand';
import { booleanOption, nonNegativeIntegerOption, option, readOptions } from './options';

type Axis = number | readonly number[] | null | undefined;

/** Runs `kernel` over `axes`, one run of neighbouring axes at a time (last run first). */
function reduceAxes(kernel: ReduceKernel, dtype: DType, outDType: DType, data: TypedArray, shape: readonly number[], axes: readonly number[]): TypedArray {
  let current = data;
  let currentShape = [...shape];
  let currentDType = dtype;
  let end = axes.length - 1;
  while (end >= 0) {
    let start = end;
    while (start > 0 && axes[start - 1] === axes[start]! - 1) start--;
    const first = axes[start]!;
    const last = axes[end]!;
    const nextShape = [...currentShape.slice(0, first), ...currentShape.slice(last + 1)];
    const out = allocate(outDType, sizeOf(nextShape));
    runReduce(kernel, currentDType, current, currentShape, first, last, out);
    current = out;
    currentShape = nextShape;
    currentDType = outDType;
    end = start - 1;
  }
  return current;
}

function reduction(op: 'sum' | 'mean' | 'max' | 'min', a: NDArray, axis: Axis, keepdims: boolean): NDArray {
  const x = checkArray(op, a);
  const axes = normalizeAxes(op, axis, x.ndim);
  const shape = reducedShape(x.shape, axes, keepdims);
  const count = axes.reduce((n, ax) => n * x.shape[ax]!, 1);
  if ((op === 'max' || op === 'min') && count === 0) {
    throw engineError(op, `zero-size array (shape ${formatShape(x.shape)}) has no ${op === 'max' ? 'maximum' : 'minimum'}`);
  }
  const dtype: DType = op === 'max' || op === 'min' ? x.dtype
    : op === 'mean' ? floatResult(x.dtype)
    : x.dtype === 'bool' ? 'int32' : x.dtype;
  const kernel: ReduceKernel = op === 'mean' ? 'sum' : op;
  const inputDType = op === 'mean' ? dtype : x.dtype;
  let data = reduceAxes(kernel, inputDType, dtype, dataAs(x, inputDType), x.shape, axes);
  if (data === x._data) data = data.slice(); // no axes to reduce: still a new array
  if (op === 'mean') for (let i = 0; i < data.length; i++) data[i] = data[i]! / count;
  return emit(op, [x], { axis: axes, keepdims }, new NDArray(data, shape, dtype));
}

/** Σ over `axis` (all axes by default). */
export function sum(a: NDArray, axis?: Axis, keepdims = false): NDArray { return reduction('sum', a, axis, keepdims); }
/** Arithmetic mean over `axis` (all axes by default). */
export function mean(a: NDArray, axis?: Axis, keepdims = false): NDArray { return reduction('mean', a, axis, keepdims); }
/** Largest element over `axis`; the gradient is shared equally among ties. */
export function max(a: NDArray, axis?: Axis, keepdims = false): NDArray { return reduction('max', a, axis, keepdims); }
/** Smallest element over `axis`; the gradient is shared equally among ties. */
export function min(a: NDArray, axis?: Axis, keepdims = false): NDArray { return reduction('min', a, axis, keepdims); }

function argReduction(op: 'argmax' | 'argmin', a: NDArray, axis: number | null | undefined): NDArray {
  const x = checkArray(op, a);
  if (x.size === 0) throw engineError(op, `attempt to get ${op} of an empty sequence (shape ${formatShape(x.shape)})`);
  const ax = axis === undefined || axis === null ? null : normalizeAxis(op, axis, x.ndim);
  const shape = ax === null ? [] : reducedShape(x.shape, [ax], false);
  const out = allocate('int64', sizeOf(shape)); // indices are int64, as in MXNet
  if (ax === null) runReduce(op, x.dtype, x._data, [x.size], 0, 0, out);
  else runReduce(op, x.dtype, x._data, x.shape, ax, ax, out);
  return emit(op, [x], { axis: ax }, new NDArray(out, shape, 'int64'));
}

/** Index (int64) of the largest element along `axis` (of the flattened array by default). */
export function argmax(a: NDArray, axis?: number | null): NDArray { return argReduction('argmax', a, axis); }
/** Index (int64) of the smallest element along `axis` (of the flattened array by default). */
export function argmin(a: NDArray, axis?: number | null): NDArray { return argReduction('argmin', a, axis); }

// ---- var, std, prod, any, all: over lanes (the reduced axes moved last) ----

/**
 * x's values in `dtype` with the `axes` moved last, in the order given (the other axes first, in
 * theirs): one lane of `n` contiguous elements per output element. No copy when they already are.
 */
export function lanes(x: NDArray, axes: readonly number[], dtype: DType): { data: TypedArray; count: number; n: number } {
  const kept = x.shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
  const order = [...kept, ...axes];
  const n = axes.reduce((size, axis) => size * x.shape[axis]!, 1);
  const count = kept.reduce((size, axis) => size * x.shape[axis]!, 1);
  const source = dataAs(x, dtype);
  if (order.every((axis, i) => axis === i)) return { data: source, count, n };
  const strides = stridesOf(x.shape);
  const data = allocate(dtype, x.size);
  runPermute(dtype, source, data, order.map((axis) => x.shape[axis]!), order.map((axis) => strides[axis]!));
  return { data, count, n };
}

/** np.var's and np.std's keyword arguments. */
export interface VarOptions {
  /** Delta degrees of freedom: the divisor is n − ddof (default 0, the biased estimate; 1 for the sample variance). */
  ddof?: number;
  /** Keep the reduced axes as axes of length 1 (default false). */
  keepdims?: boolean;
}

function spread(op: 'var' | 'std', a: NDArray, axis: Axis, options: VarOptions | undefined): NDArray {
  const x = checkArray(op, a);
  const given = readOptions(op, options, ['ddof', 'keepdims']);
  const ddof = nonNegativeIntegerOption(op, 'ddof', option(given, 'ddof', 0));
  const keepdims = booleanOption(op, 'keepdims', option(given, 'keepdims', false));
  const axes = normalizeAxes(op, axis, x.ndim);
  const dtype = floatResult(x.dtype);
  const { data, count, n } = lanes(x, axes, dtype);
  const out = allocate(dtype, count);
  runLanes('variance', dtype, data, out, count, n, ddof);
  if (op === 'std') for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]!);
  return emit(op, [x], { axis: axes, keepdims, ddof }, new NDArray(out, reducedShape(x.shape, axes, keepdims), dtype));
}

/**
 * The variance over `axis` (all axes by default): Σ (a − mean)² / (n − ddof).
 *
 * ```ts
 * np.var(np.array([1, 2, 3, 4]));                 // array(1.25)
 * np.var(np.array([[1, 2], [3, 5]]), 1, { ddof: 1 }); // array([0.5, 2. ])
 * ```
 */
export function variance(a: NDArray, axis?: Axis, options?: VarOptions): NDArray { return spread('var', a, axis, options); }

/** The standard deviation over `axis` (all axes by default): √var, with var's options. */
export function std(a: NDArray, axis?: Axis, options?: VarOptions): NDArray { return spread('std', a, axis, options); }

/**
 * The product over `axis` (all axes by default); its gradient is the product of the other elements,
 * right at zeros too.
 *
 * ```ts
 * np.prod(np.array([[1, 2], [3, 4]]), 1);  // array([ 2., 12.])
 * ```
 */
export function prod(a: NDArray, axis?: Axis, keepdims = false): NDArray {
  const x = checkArray('prod', a);
  const axes = normalizeAxes('prod', axis, x.ndim);
  const dtype: DType = x.dtype === 'bool' ? 'int32' : x.dtype;
  const { data, count, n } = lanes(x, axes, dtype);
  const out = allocate(dtype, count);
  runLanes('product', dtype, data, out, count, n);
  if (dtype === 'int64') wholeInt64(out); // 0 · −1 is −0 in float64 storage
  return emit('prod', [x], { axis: axes, keepdims }, new NDArray(out, reducedShape(x.shape, axes, keepdims), dtype));
}

function truth(op: 'any' | 'all', a: NDArray, axis: Axis, keepdims: boolean): NDArray {
  const x = checkArray(op, a);
  const axes = normalizeAxes(op, axis, x.ndim);
  const { data, count, n } = lanes(x, axes, x.dtype);
  const out = allocate('bool', count);
  runLanes(op, x.dtype, data, out, count, n);
  return emit(op, [x], { axis: axes, keepdims }, new NDArray(out, reducedShape(x.shape, axes, keepdims), 'bool'));
}

/** Whether some element over `axis` is true (non-zero; NaN counts as true): a bool array, 0-d over all axes. */
export function any(a: NDArray, axis?: Axis, keepdims = false): NDArray { return truth('any', a, axis, keepdims); }
/** Whether every element over `axis` is true (non-zero; NaN counts as true): a bool array, 0-d over all axes. */
export function all(a: NDArray, axis?: Axis, keepdims = false): NDArray { return truth('all', a, axis, keepdims); }
