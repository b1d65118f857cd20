/**
 * MXNet's lookups by index: npx.pick, npx.oneHot, npx.embedding and npx.sequenceMask (by length).
 * Their definitions: defs/nn.ts. Indices may be integer arrays or float arrays of whole numbers.
 */
import { allocate, castNumber, DTYPE_CHOICES, floatResult, isDType, type DType } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runGather, runGatherAlong } from '../kernels/layout';
import { NDArray } from '../ndarray';
import { sameShape, sizeOf } from '../shape';
import { emit } from '../tape';
import { checkArray } from './operand';
import {
  axisOption, booleanOption, choiceOption, describe, numberOption, option, positiveIntegerOption, readOptions,
} from './options';

/** Element `flat` of an array of `shape` as NumPy writes its index: [1, 2] (or [] for a 0-d array). */
function positionText(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(flat % shape[axis]!);
    flat = Math.floor(flat / shape[axis]!);
  }
  return `[${index.join(', ')}]`;
}

// ---- pick ----

export interface PickOptions {
  /** The axis picked along (default -1). */
  axis?: number;
  /** Keep that axis, with length 1 (default false). */
  keepdims?: boolean;
  /** An index out of range: 'clip' (default) to the first or last element, 'wrap' around (modulo the length). */
  mode?: 'clip' | 'wrap';
}

/**
 * MXNet's `npx.pick`: one element of `data` along `axis` at each index — `index` has the shape of
 * data without that axis (or with it as length 1). Index values are truncated toward zero, then
 * clipped or wrapped into range. The gradient puts the upstream gradient back where each element
 * was picked (an element picked twice gets both).
 *
 * ```ts
 * const x = np.array([[1, 2], [3, 4], [5, 6]]);
 * npx.pick(x, np.array([0, 1, 0]));                                  // [1, 4, 5]
 * npx.pick(x, np.array([0, 1]), { axis: 0 });                        // [1, 4]
 * npx.pick(x, np.array([1, 0, 2]), { keepdims: true }).shape;        // [3, 1] (2 clipped to 1: [[2], [3], [6]])
 * ```
 */
export function pick(data: NDArray, index: NDArray, options: PickOptions = {}): NDArray {
  const op = 'pick';
  const x = checkArray(op, data, 'data');
  const idx = checkArray(op, index, 'index');
  const given = readOptions(op, options, ['axis', 'keepdims', 'mode']);
  if (x.ndim === 0) throw engineError(op, 'data needs at least one dimension, got a 0-d array');
  const axis = axisOption(op, option(given, 'axis', -1), x, 'data');
  const keepdims = booleanOption(op, 'keepdims', option(given, 'keepdims', false));
  const mode = choiceOption(op, 'mode', option(given, 'mode', 'clip'), ['clip', 'wrap'] as const);
  const removed = x.shape.filter((_, i) => i !== axis);
  const kept = x.shape.map((dim, i) => (i === axis ? 1 : dim));
  if (!sameShape(idx.shape, removed) && !sameShape(idx.shape, kept)) {
    throw engineError(op, `index must have the shape of data ${formatShape(x.shape)} without axis ${axis}, ${formatShape(removed)} (or ${formatShape(kept)}), got ${formatShape(idx.shape)}`);
  }
  const size = x.shape[axis]!;
  if (size === 0 && idx.size > 0) throw engineError(op, `axis ${axis} of data ${formatShape(x.shape)} has length 0: there is nothing to pick`);
  const positions = allocate('int32', idx.size) as Int32Array;
  for (let t = 0; t < positions.length; t++) {
    const value = idx._data[t]!;
    if (!Number.isFinite(value)) throw engineError(op, `index holds ${value} at ${positionText(t, idx.shape)}: indices must be finite numbers`);
    const j = Math.trunc(value);
    positions[t] = mode === 'clip' ? Math.min(Math.max(j, 0), size - 1) : ((j % size) + size) % size;
  }
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = allocate(x.dtype, idx.size);
  runGatherAlong(x.dtype, x._data, out, positions, outer, size, 1, inner);
  const picked = new NDArray(positions, kept, 'int32');
  return emit(op, [x, idx], { axis, keepdims, mode }, new NDArray(out, keepdims ? kept : removed, x.dtype), [picked]);
}

// ---- oneHot ----

export interface OneHotOptions {
  /** The value at each index (default 1). */
  onValue?: number;
  /** The value everywhere else (default 0). */
  offValue?: number;
  /** The result's dtype (default 'float32'). */
  dtype?: DType;
}

/**
 * MXNet's `npx.one_hot`: a row of length `depth` per index, `onValue` at the index and `offValue`
 * elsewhere; an index outside [0, depth) gives a row of `offValue` only. No gradient.
 *
 * ```ts
 * npx.oneHot(np.array([1, 0, 3], { dtype: 'int32' }), 3);   // [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
 * npx.oneHot(np.array([2]), 4, { onValue: 5, offValue: -1, dtype: 'int32' });   // [[-1, -1, 5, -1]]
 * ```
 */
export function oneHot(indices: NDArray, depth: number, options: OneHotOptions = {}): NDArray {
  const op = 'oneHot';
  const idx = checkArray(op, indices, 'indices');
  const width = positiveIntegerOption(op, 'depth', depth);
  const given = readOptions(op, options, ['onValue', 'offValue', 'dtype']);
  const onValue = numberOption(op, 'onValue', option(given, 'onValue', 1));
  const offValue = numberOption(op, 'offValue', option(given, 'offValue', 0));
  const dtype = option(given, 'dtype', 'float32');
  if (!isDType(dtype)) throw engineError(op, `dtype must be ${DTYPE_CHOICES}, got ${describe(dtype)}`);
  for (let t = 0; t < idx.size; t++) {
    const value = idx._data[t]!;
    if (!Number.isInteger(value)) throw engineError(op, `indices must hold whole numbers, got ${value} at ${positionText(t, idx.shape)}`);
  }
  const out = allocate(dtype, idx.size * width);
  const off = castNumber(offValue, dtype);
  if (off !== 0) out.fill(off);
  const on = castNumber(onValue, dtype);
  for (let t = 0; t < idx.size; t++) {
    const j = idx._data[t]!;
    if (j >= 0 && j < width) out[t * width + j] = on;
  }
  return emit(op, [idx], { depth: width, onValue, offValue, dtype }, new NDArray(out, [...idx.shape, width], dtype));
}

// ---- embedding ----

export interface EmbeddingOptions {
  /** The number of rows of the weight (checked against it when given). */
  inputDim?: number;
  /** The length of each row (checked against the weight when given). */
  outputDim?: number;
}

/**
 * MXNet's `npx.embedding`: row `data[…]` of `weight` (inputDim, outputDim) for each index, giving
 * data's shape + [outputDim]. The weight's gradient adds the upstream gradient's rows into the rows
 * they were read from; the indices get none. Indices must be whole numbers in [0, inputDim) (MXNet
 * clips others to the last row; here they are refused).
 *
 * ```ts
 * const weight = np.arange(6).reshape([3, 2]);
 * npx.embedding(np.array([[2, 0]], { dtype: 'int32' }), weight);   // [[[4, 5], [0, 1]]]
 * ```
 */
export function embedding(data: NDArray, weight: NDArray, options: EmbeddingOptions = {}): NDArray {
  const op = 'embedding';
  const idx = checkArray(op, data, 'data');
  const w = checkArray(op, weight, 'weight');
  const given = readOptions(op, options, ['inputDim', 'outputDim']);
  if (w.ndim !== 2) throw engineError(op, `weight must be (inputDim, outputDim), one row per index, got shape ${formatShape(w.shape)}`);
  const [rows, width] = w.shape as [number, number];
  if (given['inputDim'] !== undefined && positiveIntegerOption(op, 'inputDim', given['inputDim']) !== rows) {
    throw engineError(op, `inputDim ${given['inputDim']} does not match weight ${formatShape(w.shape)}, which has ${rows} rows`);
  }
  if (given['outputDim'] !== undefined && positiveIntegerOption(op, 'outputDim', given['outputDim']) !== width) {
    throw engineError(op, `outputDim ${given['outputDim']} does not match weight ${formatShape(w.shape)}, whose rows have length ${width}`);
  }
  const positions = allocate('int32', idx.size) as Int32Array;
  for (let t = 0; t < positions.length; t++) {
    const value = idx._data[t]!;
    if (!Number.isInteger(value) || value < 0 || value >= rows) {
      throw engineError(op, `data holds ${value} at ${positionText(t, idx.shape)}, which is no row of weight ${formatShape(w.shape)}: indices must be whole numbers in [0, ${rows})`);
    }
    positions[t] = value;
  }
  const out = allocate(w.dtype, idx.size * width);
  runGather(w.dtype, w._data, out, positions, 1, rows, width);
  const read = new NDArray(positions, idx.shape, 'int32');
  return emit(op, [idx, w], { inputDim: rows, outputDim: width }, new NDArray(out, [...idx.shape, width], w.dtype), [read]);
}

// ---- sequenceMask ----

export interface SequenceMaskOptions {
  /** Mask by `sequenceLength` (default true); false returns the data unchanged. */
  useSequenceLength?: boolean;
  /** What masked steps are set to (default 0). */
  value?: number;
  /** The time axis: 0 for data (T, N, …) (default), 1 for (N, T, …). */
  axis?: number;
}

/**
 * MXNet's `npx.sequence_mask`: for data (T, N, …) (axis 0) or (N, T, …) (axis 1), the steps
 * t ≥ sequenceLength[n] of each sequence n set to `value`. Lengths (one per sequence, of any
 * numeric dtype) are truncated toward zero, as MXNet does. The gradient passes where the data is
 * kept and is 0 where it was masked. Unlike MXNet, `useSequenceLength` is true by default.
 *
 * ```ts
 * const x = np.ones([2, 3]);                                     // 2 sequences of 3 steps (axis 1)
 * npx.sequenceMask(x, np.array([1, 2]), { axis: 1, value: -1 }); // [[1, -1, -1], [1, 1, -1]]
 * ```
 */
export function sequenceMask(data: NDArray, sequenceLength?: NDArray | null, options: SequenceMaskOptions = {}): NDArray {
  const op = 'sequenceMask';
  const x = checkArray(op, data, 'data');
  const lengths = sequenceLength === undefined || sequenceLength === null ? null : checkArray(op, sequenceLength, 'sequenceLength');
  const given = readOptions(op, options, ['useSequenceLength', 'value', 'axis']);
  const useSequenceLength = booleanOption(op, 'useSequenceLength', option(given, 'useSequenceLength', true));
  const value = numberOption(op, 'value', option(given, 'value', 0));
  const axis = option(given, 'axis', 0);
  if (axis !== 0 && axis !== 1) throw engineError(op, `axis must be 0 (data (T, N, …)) or 1 (data (N, T, …)), got ${describe(axis)}`);
  if (x.ndim < 2) throw engineError(op, `data must have a time axis and a batch axis, (T, N, …) or (N, T, …), got shape ${formatShape(x.shape)}`);
  const attrs = { useSequenceLength, value, axis };
  if (!useSequenceLength) return emit(op, [x], attrs, new NDArray(x._data.slice(), x.shape, x.dtype));
  if (lengths === null) {
    throw engineError(op, 'sequenceLength is required with useSequenceLength (the default): one length per sequence, or pass { useSequenceLength: false }');
  }
  const [first, second] = x.shape as [number, number];
  const batch = axis === 0 ? second : first;
  if (!sameShape(lengths.shape, [batch])) {
    throw engineError(op, `sequenceLength must have shape (${batch},), one length per sequence of data ${formatShape(x.shape)} (sequences on axis ${1 - axis}), got ${formatShape(lengths.shape)}`);
  }
  const limits = Array.from(lengths._data, (length, n) => {
    if (!(length >= 0) || !Number.isFinite(length)) throw engineError(op, `sequenceLength[${n}] is ${length}: lengths must be finite numbers ≥ 0`);
    return Math.trunc(length);
  });
  const inner = sizeOf(x.shape.slice(2));
  const keep = allocate(floatResult(x.dtype), first * second);
  const out = allocate(x.dtype, x.size);
  const fill = castNumber(value, x.dtype);
  for (let i = 0; i < first; i++) {
    for (let j = 0; j < second; j++) {
      const kept = axis === 0 ? i < limits[j]! : j < limits[i]!;
      const row = i * second + j;
      keep[row] = kept ? 1 : 0;
      const base = row * inner;
      if (kept) out.set(x._data.subarray(base, base + inner), base);
      else out.fill(fill, base, base + inner);
    }
  }
  const keepShape = [first, second, ...x.shape.slice(2).map(() => 1)];
  return emit(op, [x, lengths], attrs, new NDArray(out, x.shape, x.dtype), [new NDArray(keep, keepShape, floatResult(x.dtype))]);
}
