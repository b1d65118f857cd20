/** Rearranging elements along axes: flip, tile, repeat and split (np.pad: pad.ts). */
import { allocate, type DType, type TypedArray } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runGatherOrFill } from '../kernels/layout';
import { NDArray } from '../ndarray';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape';
import { emit } from '../tape';
import { checkArray } from './operand';
import { describe } from './options';

/** Sizes before, along and after `axis`. */
export function aroundAxis(shape: readonly number[], axis: number): { outer: number; size: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), size: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

/**
 * `data` of `shape` read along `axis` at `indices` (−1 reads `fill`): the new data, whose shape is
 * `shape` with that axis `indices.length` long.
 */
export function gatherAxis(dtype: DType, data: TypedArray, shape: readonly number[], axis: number, indices: Int32Array, fill = 0): TypedArray {
  const { outer, size, inner } = aroundAxis(shape, axis);
  const out = allocate(dtype, outer * indices.length * inner);
  runGatherOrFill(dtype, data, out, indices, outer, size, inner, fill);
  return out;
}

/** A list of integers ≥ 0 (or one), as NumPy takes repeats and reps; `what` names it in errors. */
function counts(op: string, what: string, value: unknown): number[] {
  const list = typeof value === 'number' ? [value] : Array.isArray(value) ? [...value as unknown[]] : null;
  if (list === null || !list.every((v) => Number.isInteger(v) && (v as number) >= 0)) {
    throw engineError(op, `${what} must be an integer ≥ 0 or a list of them, got ${describe(value)}`);
  }
  return list as number[];
}

/**
 * Reversed along `axis` (every axis by default): NumPy `flip`.
 *
 * ```ts
 * np.flip(np.array([[1, 2], [3, 4]]), 1);  // array([[2., 1.], [4., 3.]])
 * ```
 */
export function flip(a: NDArray, axis?: number | readonly number[] | null): NDArray {
  const x = checkArray('flip', a);
  const axes = normalizeAxes('flip', axis, x.ndim);
  let data = x._data;
  for (const ax of axes) {
    const size = x.shape[ax]!;
    data = gatherAxis(x.dtype, data, x.shape, ax, Int32Array.from({ length: size }, (_, t) => size - 1 - t));
  }
  if (data === x._data) data = data.slice(); // nothing to flip (a 0-d array): still a new array
  return emit('flip', [x], { axis: axes }, new NDArray(data, x.shape, x.dtype));
}

/**
 * `a` repeated `reps` times along each axis: NumPy `tile` (reps shorter than a's dimensions count
 * for the last axes; longer, and a gets new leading axes).
 *
 * ```ts
 * np.tile(np.array([1, 2]), [2, 2]);  // array([[1., 2., 1., 2.], [1., 2., 1., 2.]])
 * ```
 */
export function tile(a: NDArray, reps: number | readonly number[]): NDArray {
  const x = checkArray('tile', a);
  const given = counts('tile', 'reps', reps);
  const ndim = Math.max(x.ndim, given.length);
  const full = [...Array<number>(ndim - given.length).fill(1), ...given];
  let shape = [...Array<number>(ndim - x.ndim).fill(1), ...x.shape];
  let data = x._data;
  full.forEach((times, axis) => {
    if (times === 1) return;
    const dim = shape[axis]!;
    data = gatherAxis(x.dtype, data, shape, axis, Int32Array.from({ length: dim * times }, (_, t) => t % dim));
    shape = shape.map((d, i) => (i === axis ? d * times : d));
  });
  if (data === x._data) data = data.slice(); // every rep 1: still a new array
  return emit('tile', [x], { reps: full }, new NDArray(data, shape, x.dtype));
}

/**
 * Each element repeated along `axis` (of the flattened array by default): NumPy `repeat`, with one
 * count for all or a list of one count per element.
 *
 * ```ts
 * np.repeat(np.array([[1, 2], [3, 4]]), [1, 2], 0);  // array([[1., 2.], [3., 4.], [3., 4.]])
 * ```
 */
export function repeat(a: NDArray, repeats: number | readonly number[], axis?: number | null): NDArray {
  const x = checkArray('repeat', a);
  const ax = axis === undefined || axis === null ? null : normalizeAxis('repeat', axis, x.ndim);
  const given = counts('repeat', 'repeats', repeats);
  const viewShape = ax === null ? [x.size] : x.shape;
  const size = viewShape[ax ?? 0]!;
  if (given.length !== 1 && given.length !== size) {
    throw engineError('repeat', `${given.length} repeats do not match ${ax === null ? 'the flattened array' : `axis ${ax}`} of size ${size} (give one count, or one per element)`);
  }
  const perElement = given.length === 1 ? Array<number>(size).fill(given[0]!) : given;
  const positions = Int32Array.from(perElement.flatMap((times, i) => Array<number>(times).fill(i)));
  const shape = viewShape.map((d, i) => (i === (ax ?? 0) ? positions.length : d));
  const data = gatherAxis(x.dtype, x._data, viewShape, ax ?? 0, positions);
  const recorded = typeof repeats === 'number' ? repeats : given;
  return emit('repeat', [x], { repeats: recorded, axis: ax }, new NDArray(data, shape, x.dtype), [new NDArray(positions, [positions.length], 'int32')]);
}

/** The piece [begin, end) of `a` along `axis`, as `split` records it (and as its replay makes it). */
export function splitPiece(a: NDArray, axis: number, begin: number, end: number): NDArray {
  const x = checkArray('split', a);
  const positions = Int32Array.from({ length: Math.max(end - begin, 0) }, (_, t) => begin + t);
  const shape = x.shape.map((d, i) => (i === axis ? positions.length : d));
  return emit('split', [x], { axis, begin, end }, new NDArray(gatherAxis(x.dtype, x._data, x.shape, axis, positions), shape, x.dtype));
}

/**
 * `a` cut along `axis` into equal pieces (a number of sections that divides the axis) or at the
 * given indices (as Python slices: a[:i₀], a[i₀:i₁], …, a[iₖ:]): NumPy `split`. Each piece is
 * recorded as an op of its own, so that gradients flow back from every piece used.
 *
 * ```ts
 * np.split(np.arange(6), 3);          // [array([0., 1.]), array([2., 3.]), array([4., 5.])]
 * np.split(np.arange(6), [1, 4]);     // [array([0.]), array([1., 2., 3.]), array([4., 5.])]
 * ```
 */
export function split(a: NDArray, indicesOrSections: number | readonly number[], axis = 0): NDArray[] {
  const x = checkArray('split', a);
  if (x.ndim === 0) throw engineError('split', 'a 0-d array cannot be split');
  const ax = normalizeAxis('split', axis, x.ndim);
  const size = x.shape[ax]!;
  let bounds: number[];
  if (typeof indicesOrSections === 'number') {
    const sections = indicesOrSections;
    if (!Number.isInteger(sections) || sections < 1) throw engineError('split', `the number of sections must be a positive integer, got ${describe(sections)}`);
    if (size % sections !== 0) {
      throw engineError('split', `array split does not result in an equal division: axis ${ax} of size ${size} into ${sections} sections (shape ${formatShape(x.shape)})`);
    }
    bounds = Array.from({ length: sections + 1 }, (_, i) => (i * size) / sections);
  } else if (Array.isArray(indicesOrSections) && indicesOrSections.every((i) => Number.isInteger(i))) {
    // Python slice bounds: negative counts from the end, beyond the axis clamps.
    const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
    bounds = [0, ...indicesOrSections.map(clamp), size];
  } else {
    throw engineError('split', `indicesOrSections must be a number of sections or a list of integer indices, got ${describe(indicesOrSections)}`);
  }
  return bounds.slice(1).map((end, i) => splitPiece(x, ax, bounds[i]!, Math.max(end, bounds[i]!)));
}
