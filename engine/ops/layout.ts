/** Shape and indexing ops: transpose, reshape, broadcast, join, index, gather, sort, copy, cast. */
import { allocate, convertData, promoteTypes, type DType } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runBinary } from '../kernels/elementwise';
import {
  argsortLanes, concatenateInto, runGather, runGatherAlong, runPermute, runScatterAdd, runScatterAlong,
} from '../kernels/layout';
import { NDArray } from '../ndarray';
import { broadcastShapes, checkShape, normalizeAxis, normalizeAxes, resolveReshape, sameShape, sizeOf, stridesOf } from '../shape';
import { emit } from '../tape';
import { shareStorage } from '../storage';
import { DTYPE_CHOICES, isDType } from '../dtype';
import { checkArray, dataAs } from './operand';

const NO_ATTRS = {} as Record<string, never>;

/** Sizes before, along and after `axis`. */
function split(shape: readonly number[], axis: number): { outer: number; size: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), size: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

/** Axes permuted (reversed by default). */
export function transpose(a: NDArray, axes?: readonly number[] | null): NDArray {
  const x = checkArray('transpose', a);
  const order = axes === undefined || axes === null ? x.shape.map((_, i) => x.ndim - 1 - i) : [...axes];
  if (order.length !== x.ndim || normalizeAxes('transpose', order, x.ndim).length !== x.ndim) {
    throw engineError('transpose', `axes [${order.join(', ')}] do not match an array of shape ${formatShape(x.shape)}`);
  }
  const perm = order.map((ax) => normalizeAxis('transpose', ax, x.ndim));
  const strides = stridesOf(x.shape);
  const shape = perm.map((ax) => x.shape[ax]!);
  const out = allocate(x.dtype, x.size);
  runPermute(x.dtype, x._data, out, shape, perm.map((ax) => strides[ax]!));
  return emit('transpose', [x], { axes: perm }, new NDArray(out, shape, x.dtype));
}

/**
 * The shape a method call gives: `a.reshape(2, 3)` or `a.reshape([2, 3])` (NumPy and MXNet take
 * both); a list among several numbers is refused rather than read in part.
 */
export function shapeArguments(op: string, dims: readonly (number | readonly number[])[]): number | readonly number[] {
  if (dims.length === 1) return dims[0]!;
  if (dims.length === 0) throw engineError(op, 'needs the new shape, e.g. a.reshape(2, 3) or a.reshape([2, 3])');
  const numbers = dims.filter((d): d is number => typeof d === 'number');
  if (numbers.length !== dims.length) throw engineError(op, `takes the shape as numbers, a.${op}(2, 3), or as one list, a.${op}([2, 3]); got ${dims.length} arguments with a list among them`);
  return numbers;
}

/** The same values in a new shape (one dimension may be -1). Shares storage with `a`. */
export function reshape(a: NDArray, shape: number | readonly number[]): NDArray {
  // np.reshape(a, 2, 3) from JavaScript would otherwise drop the 3 (NumPy's third argument is `order`, which MXNet has not).
  if (arguments.length > 2) {
    const dims = Array.from(arguments).slice(1).map(String).join(', ');
    throw engineError('reshape', `takes the new shape as one argument, np.reshape(a, [${dims}]), or as numbers on the array, a.reshape(${dims})`);
  }
  const x = checkArray('reshape', a);
  const target = resolveReshape('reshape', x.shape, shape);
  return emit('reshape', [x], { shape: target }, shareStorage(x, new NDArray(x._data, target, x.dtype)));
}

/** A new axis of size 1 at `axis`. */
export function expandDims(a: NDArray, axis: number): NDArray {
  const x = checkArray('expandDims', a);
  const ax = normalizeAxis('expandDims', axis, x.ndim + 1);
  const shape = [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)];
  return emit('expandDims', [x], { axis: ax }, shareStorage(x, new NDArray(x._data, shape, x.dtype)));
}

/** Removes axes of size 1 (all of them by default). */
export function squeeze(a: NDArray, axis?: number | readonly number[] | null): NDArray {
  const x = checkArray('squeeze', a);
  const axes = axis === undefined || axis === null
    ? x.shape.flatMap((dim, i) => (dim === 1 ? [i] : []))
    : normalizeAxes('squeeze', axis, x.ndim);
  for (const ax of axes) {
    if (x.shape[ax] !== 1) throw engineError('squeeze', `cannot select an axis to squeeze out which has size not equal to one (axis ${ax} of shape ${formatShape(x.shape)})`);
  }
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  return emit('squeeze', [x], { axis: axes }, shareStorage(x, new NDArray(x._data, shape, x.dtype)));
}

/** `a` repeated along new leading axes and size-1 axes to fill `shape` (NumPy broadcasting). */
export function broadcastTo(a: NDArray, shape: readonly number[]): NDArray {
  const x = checkArray('broadcastTo', a);
  const target = checkShape('broadcastTo', shape);
  const result = broadcastShapes('broadcastTo', x.shape, target);
  if (!sameShape(result, target)) {
    throw engineError('broadcastTo', `cannot broadcast an array of shape ${formatShape(x.shape)} to shape ${formatShape(target)}`);
  }
  const out = allocate(x.dtype, sizeOf(target));
  runBinary('left', x.dtype, x._data, x.shape, out, [], out, target);
  return emit('broadcastTo', [x], { shape: target }, new NDArray(out, target, x.dtype));
}

function checkList(op: string, arrays: readonly NDArray[]): NDArray[] {
  if (!Array.isArray(arrays) || arrays.length === 0) throw engineError(op, 'needs a non-empty list of arrays');
  return arrays.map((array, i) => checkArray(op, array, `element ${i} of the list`));
}

/** Joins arrays along an existing axis. */
export function concatenate(arrays: readonly NDArray[], axis = 0): NDArray {
  const list = checkList('concatenate', arrays);
  const first = list[0]!;
  if (first.ndim === 0) throw engineError('concatenate', 'zero-dimensional arrays cannot be concatenated');
  const ax = normalizeAxis('concatenate', axis, first.ndim);
  list.forEach((array, i) => {
    const matches = array.ndim === first.ndim && array.shape.every((dim, d) => d === ax || dim === first.shape[d]);
    if (!matches) {
      throw engineError('concatenate', `all the input array dimensions except for the concatenation axis must match exactly: array 0 has shape ${formatShape(first.shape)}, array ${i} has shape ${formatShape(array.shape)}`);
    }
  });
  const dtype = list.reduce<DType>((d, array) => promoteTypes(d, array.dtype), list[0]!.dtype);
  const sizes = list.map((array) => array.shape[ax]!);
  const shape = [...first.shape];
  shape[ax] = sizes.reduce((s, n) => s + n, 0);
  const { outer, inner } = split(shape, ax);
  const out = allocate(dtype, sizeOf(shape));
  concatenateInto(list.map((array) => dataAs(array, dtype)), sizes, out, outer, inner);
  return emit('concatenate', list, { axis: ax }, new NDArray(out, shape, dtype));
}

/** Joins arrays of one shape along a new axis. */
export function stack(arrays: readonly NDArray[], axis = 0): NDArray {
  const list = checkList('stack', arrays);
  const first = list[0]!;
  list.forEach((array, i) => {
    if (!sameShape(array.shape, first.shape)) {
      throw engineError('stack', `all input arrays must have the same shape: array 0 has shape ${formatShape(first.shape)}, array ${i} has shape ${formatShape(array.shape)}`);
    }
  });
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  const dtype = list.reduce<DType>((d, array) => promoteTypes(d, array.dtype), first.dtype);
  const shape = [...first.shape.slice(0, ax), list.length, ...first.shape.slice(ax)];
  const { outer, inner } = split(shape, ax);
  const out = allocate(dtype, sizeOf(shape));
  concatenateInto(list.map((array) => dataAs(array, dtype)), list.map(() => 1), out, outer, inner);
  return emit('stack', list, { axis: ax }, new NDArray(out, shape, dtype));
}

/** The sub-array at `index` along axis 0; negative indices count from the end. */
export function at(a: NDArray, index: number): NDArray {
  const x = checkArray('at', a);
  if (x.ndim === 0) throw engineError('at', 'a 0-d array cannot be indexed (use .item())');
  const size = x.shape[0]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw engineError('at', `index ${index} is out of bounds for axis 0 with size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  const inner = x.size / size;
  const out = x._data.slice(i * inner, (i + 1) * inner);
  return emit('at', [x], { index: i }, new NDArray(out, x.shape.slice(1), x.dtype));
}

/** Integer indices, checked against `size` and made non-negative. */
function checkIndices(op: string, indices: NDArray, size: number, axis: number | null): Int32Array {
  const out = new Int32Array(indices.size);
  for (let t = 0; t < out.length; t++) {
    const value = indices._data[t]!;
    if (!Number.isInteger(value)) throw engineError(op, `index ${value} is not an integer`);
    if (value < -size || value >= size) {
      throw engineError(op, `index ${value} is out of bounds for ${axis === null ? 'the flattened array' : `axis ${axis}`} with size ${size}`);
    }
    out[t] = value < 0 ? value + size : value;
  }
  return out;
}

/** Positions as an array of indices: int64, as MXNet's index arrays are. */
function int64Indices(positions: ArrayLike<number>, shape: readonly number[]): NDArray {
  const data = allocate('int64', positions.length);
  for (let i = 0; i < positions.length; i++) data[i] = positions[i]!;
  return new NDArray(data, shape, 'int64');
}

function toIndexArray(op: string, indices: NDArray | number | readonly number[]): NDArray {
  if (indices instanceof NDArray) return indices;
  if (typeof indices === 'number') return int64Indices([indices], []);
  if (Array.isArray(indices)) return int64Indices(indices as number[], [indices.length]);
  throw engineError(op, 'indices must be an NDArray, a number or an array of numbers');
}

/**
 * Elements at `indices` along `axis` (of the flattened array when axis is null/undefined); the
 * result's shape puts the indices' shape in place of that axis.
 */
export function take(a: NDArray, indices: NDArray | number | readonly number[], axis?: number | null): NDArray {
  const x = checkArray('take', a);
  const idx = toIndexArray('take', indices);
  const ax = axis === undefined || axis === null ? null : normalizeAxis('take', axis, x.ndim);
  const viewShape = ax === null ? [x.size] : x.shape;
  const viewAxis = ax ?? 0;
  const { outer, size, inner } = split(viewShape, viewAxis);
  const positions = checkIndices('take', idx, size, ax);
  const shape = [...viewShape.slice(0, viewAxis), ...idx.shape, ...viewShape.slice(viewAxis + 1)];
  const out = allocate(x.dtype, sizeOf(shape));
  runGather(x.dtype, x._data, out, positions, outer, size, inner);
  return emit('take', [x, idx], { axis: ax }, new NDArray(out, shape, x.dtype));
}

/** The gradient of `take`: `g` scatter-added at `indices` into zeros of `shape`. */
export function takeGrad(g: NDArray, indices: NDArray, axis: number | null, shape: readonly number[]): NDArray {
  const viewShape = axis === null ? [sizeOf(shape)] : shape;
  const viewAxis = axis ?? 0;
  const { outer, size, inner } = split(viewShape, viewAxis);
  const positions = checkIndices('takeGrad', indices, size, axis);
  const out = allocate(g.dtype, sizeOf(shape));
  runScatterAdd(g.dtype, g._data, out, positions, outer, size, inner);
  return emit('takeGrad', [g, indices], { axis, shape: [...shape] }, new NDArray(out, [...shape], g.dtype));
}

/** out[…, t, …] = a[…, indices[…, t, …], …] along `axis` (NumPy take_along_axis). */
export function takeAlongAxis(a: NDArray, indices: NDArray, axis: number): NDArray {
  const x = checkArray('takeAlongAxis', a);
  const idx = checkArray('takeAlongAxis', indices, 'indices');
  const ax = normalizeAxis('takeAlongAxis', axis, x.ndim);
  if (idx.ndim !== x.ndim || idx.shape.some((dim, i) => i !== ax && dim !== x.shape[i])) {
    throw engineError('takeAlongAxis', `indices of shape ${formatShape(idx.shape)} do not match the array's shape ${formatShape(x.shape)} outside axis ${ax}`);
  }
  const { outer, size, inner } = split(x.shape, ax);
  const positions = checkIndices('takeAlongAxis', idx, size, ax);
  const out = allocate(x.dtype, idx.size);
  runGatherAlong(x.dtype, x._data, out, positions, outer, size, idx.shape[ax]!, inner);
  return emit('takeAlongAxis', [x, idx], { axis: ax }, new NDArray(out, [...idx.shape], x.dtype));
}

/** The gradient of `takeAlongAxis`: `g` scatter-added along `axis` into zeros of length `size`. */
export function takeAlongAxisGrad(g: NDArray, indices: NDArray, axis: number, size: number): NDArray {
  const shape = [...g.shape];
  shape[axis] = size;
  const { outer, inner } = split(shape, axis);
  const positions = checkIndices('takeAlongAxisGrad', indices, size, axis);
  const out = allocate(g.dtype, sizeOf(shape));
  runScatterAlong(g.dtype, g._data, out, positions, outer, size, g.shape[axis]!, inner);
  return emit('takeAlongAxisGrad', [g, indices], { axis, size }, new NDArray(out, shape, g.dtype));
}

/** Sorted ascending along `axis` (NaN last); the gradient follows each element to its place. */
export function sort(a: NDArray, axis = -1): NDArray {
  const x = checkArray('sort', a);
  if (x.ndim === 0) throw engineError('sort', 'a 0-d array cannot be sorted');
  const ax = normalizeAxis('sort', axis, x.ndim);
  const { outer, size, inner } = split(x.shape, ax);
  const order = argsortLanes(x._data, outer, size, inner);
  const out = allocate(x.dtype, x.size);
  runGatherAlong(x.dtype, x._data, out, order, outer, size, size, inner);
  const permutation = int64Indices(order, x.shape);
  return emit('sort', [x], { axis: ax }, new NDArray(out, x.shape, x.dtype), [permutation]);
}

/** The indices (int64) that sort `a` along `axis` (no gradient). */
export function argsort(a: NDArray, axis = -1): NDArray {
  const x = checkArray('argsort', a);
  if (x.ndim === 0) throw engineError('argsort', 'a 0-d array cannot be sorted');
  const ax = normalizeAxis('argsort', axis, x.ndim);
  const { outer, size, inner } = split(x.shape, ax);
  return int64Indices(argsortLanes(x._data, outer, size, inner), x.shape);
}

/** A copy with its own storage. */
export function copy(a: NDArray): NDArray {
  const x = checkArray('copy', a);
  return emit('copy', [x], NO_ATTRS, new NDArray(x._data.slice(), x.shape, x.dtype));
}

/** The values converted to `dtype` (a float→float cast keeps the gradient). */
export function astype(a: NDArray, dtype: DType): NDArray {
  const x = checkArray('astype', a);
  if (!isDType(dtype)) throw engineError('astype', `unknown dtype ${JSON.stringify(dtype)} (use ${DTYPE_CHOICES})`);
  return emit('astype', [x], { dtype }, new NDArray(convertData(x._data, dtype), x.shape, dtype));
}
