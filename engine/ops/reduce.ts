/** Reductions: sum, mean, max, min over any set of axes; argmax/argmin over one axis or all. */
import { allocate, floatResult, type DType, type TypedArray } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runReduce, type ReduceKernel } from '../kernels/reduce';
import { NDArray } from '../ndarray';
import { normalizeAxes, normalizeAxis, reducedShape, sizeOf } from '../shape';
import { emit } from '../tape';
import { checkArray, dataAs } from './operand';

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
