/**
 * What an index selects: the result's shape and, for each element of the result, the flat
 * position it comes from in the indexed array (the gather map). NumPy's rules: integers drop
 * their axis, slices keep it, `newaxis` adds one; integer arrays (and bool masks, as the
 * positions where they are true) are broadcast together and their shape replaces the axes they
 * index — where the first of them stands when they are adjacent, first of all when a slice,
 * `newaxis` or `...` separates them.
 */
import { engineError, formatShape } from '../errors';
import type { NDArray } from '../ndarray';
import { broadcastShapes, sizeOf } from '../shape';
import { indexText, type IndexEntry } from './parse';

export interface Selection {
  shape: number[];
  /** Flat positions in the indexed array, one per element of the result, row-major. */
  map: Int32Array;
  /** The index as NumPy writes it, with index arrays as i₀, i₁, … (the step panel shows it). */
  text: string;
  /** The integer index arrays, in order (recorded as inputs: they take no gradient). */
  arrays: NDArray[];
}

/** One axis of the result: its length and what each position adds to the flat source position. */
interface Axis {
  size: number;
  offsets: ArrayLike<number>;
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
const arrayName = (i: number) => `i${String(i).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]!)}`;

/** A slice's positions along an axis of length n (NumPy's clamping; negative steps run backwards). */
function slicePositions(start: number | null, stop: number | null, step: number | null, n: number): number[] {
  const s = step ?? 1;
  let from: number;
  let to: number;
  if (s > 0) {
    from = start === null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
    to = stop === null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
  } else {
    from = start === null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
    to = stop === null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
  }
  const out: number[] = [];
  for (let i = from; s > 0 ? i < to : i > to; i += s) out.push(i);
  return out;
}

function sliceText(entry: Extract<IndexEntry, { kind: 'slice' }>): string {
  const part = (v: number | null) => (v === null ? '' : String(v));
  return entry.step === null ? `${part(entry.start)}:${part(entry.stop)}` : `${part(entry.start)}:${part(entry.stop)}:${entry.step}`;
}

/** The flat positions of the true elements of a mask, as one integer list per axis it spans. */
function maskPositions(mask: NDArray): Float64Array[] {
  const coords = mask.shape.map(() => [] as number[]);
  const strides = mask.shape.map((_, i) => sizeOf(mask.shape.slice(i + 1)));
  for (let flat = 0; flat < mask.size; flat++) {
    if (mask._data[flat] === 0) continue;
    mask.shape.forEach((dim, axis) => coords[axis]!.push(Math.floor(flat / strides[axis]!) % dim));
  }
  return coords.map((list) => Float64Array.from(list));
}

/** One axis's index values checked against its length, made non-negative. */
function checkedPositions(op: string, values: ArrayLike<number>, dim: number, axis: number, where: () => string): Int32Array {
  const out = new Int32Array(values.length);
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    if (!Number.isInteger(v)) throw engineError(op, `index ${v} is not an integer (${where()})`);
    if (v < -dim || v >= dim) throw engineError(op, `index ${v} is out of bounds for axis ${axis} with size ${dim} (${where()})`);
    out[t] = v < 0 ? v + dim : v;
  }
  return out;
}

/** Values of an array broadcast to `shape` (row-major), for index arrays. */
function broadcastValues(values: ArrayLike<number>, from: readonly number[], shape: readonly number[]): Int32Array {
  const size = sizeOf(shape);
  const out = new Int32Array(size);
  const lead = shape.length - from.length;
  const strides = from.map((dim, i) => (dim === 1 ? 0 : sizeOf(from.slice(i + 1))));
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let source = 0;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const dim = shape[axis]!;
      const coord = rest % dim;
      rest = Math.floor(rest / dim);
      if (axis >= lead) source += coord * strides[axis - lead]!;
    }
    out[flat] = values[source]!;
  }
  return out;
}

/** What `entries` select in an array of `shape`. `op` and `raw` (the index as given) word the errors. */
export function select(op: string, shape: readonly number[], entries: readonly IndexEntry[], raw: unknown): Selection {
  const where = () => `index ${indexText(raw)}, shape ${formatShape(shape)}`;
  // Masks become one integer list per axis they span; then every entry but newaxis/... spans one axis.
  type Flat = Exclude<IndexEntry, { kind: 'array' }> | { kind: 'array'; values: ArrayLike<number>; shape: readonly number[]; name: string }
    | { kind: 'whole' };
  const flat: Flat[] = [];
  const arrays: NDArray[] = [];
  let ellipses = 0;
  let axis = 0;
  const consumed = entries.reduce((n, e) => n + (e.kind === 'newaxis' || e.kind === 'ellipsis' ? 0 : e.kind === 'array' && e.mask ? e.array.ndim : 1), 0);
  if (consumed > shape.length) {
    throw engineError(op, `too many indices: the array is ${shape.length}-dimensional, but ${consumed} were indexed (${where()})`);
  }
  for (const entry of entries) {
    if (entry.kind === 'ellipsis') {
      if (++ellipses > 1) throw engineError(op, `an index can only have a single ellipsis ('...') (${where()})`);
      const fill = shape.length - consumed;
      flat.push({ kind: 'ellipsis' }); // its text; it separates index arrays
      for (let i = 0; i < fill; i++) flat.push({ kind: 'whole' });
      axis += fill;
    } else if (entry.kind === 'array' && entry.mask) {
      const spanned = shape.slice(axis, axis + entry.array.ndim);
      if (spanned.length !== entry.array.ndim || spanned.some((dim, i) => dim !== entry.array.shape[i])) {
        throw engineError(op, `the bool mask of shape ${formatShape(entry.array.shape)} does not match the indexed axes ${formatShape(spanned)} (${where()})`);
      }
      const name = arrayName(arrays.length);
      arrays.push(entry.array);
      for (const list of maskPositions(entry.array)) flat.push({ kind: 'array', values: list, shape: [list.length], name: `${name} (mask)` });
      axis += entry.array.ndim;
    } else if (entry.kind === 'array') {
      if (entry.array.dtype === 'bool') throw engineError(op, `internal error: a mask not marked as one (${where()})`);
      flat.push({ kind: 'array', values: entry.array._data, shape: entry.array.shape, name: arrayName(arrays.length) });
      arrays.push(entry.array);
      axis++;
    } else {
      flat.push(entry);
      if (entry.kind !== 'newaxis') axis++;
    }
  }
  for (; axis < shape.length; axis++) flat.push({ kind: 'whole' }); // the axes the index leaves out

  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const advanced = flat.some((e) => e.kind === 'array');
  const axes: { axis: Axis; dims: number[] }[] = [];
  const textParts: string[] = [];
  const advancedAt: number[] = [];
  const advancedLists: { values: Int32Array; shape: readonly number[]; stride: number }[] = [];
  let base = 0;
  let source = 0;
  let advancedSlot = -1;
  for (const entry of flat) {
    if (entry.kind === 'ellipsis') {
      textParts.push('...');
      continue;
    }
    if (entry.kind === 'newaxis') {
      textParts.push('None');
      axes.push({ axis: { size: 1, offsets: [0] }, dims: [1] });
      continue;
    }
    const dim = shape[source]!;
    const stride = strides[source]!;
    if (entry.kind === 'slice' || entry.kind === 'whole') {
      const positions = entry.kind === 'whole' ? slicePositions(null, null, null, dim) : slicePositions(entry.start, entry.stop, entry.step, dim);
      if (entry.kind === 'slice') textParts.push(sliceText(entry));
      axes.push({ axis: { size: positions.length, offsets: positions.map((p) => p * stride) }, dims: [positions.length] });
    } else if (entry.kind === 'int' && !advanced) {
      textParts.push(String(entry.value));
      const [position] = checkedPositions(op, [entry.value], dim, source, where);
      base += position! * stride;
    } else {
      // An index array, or an integer among index arrays (a 0-d one, as NumPy treats it).
      const values = entry.kind === 'int' ? [entry.value] : entry.values;
      const listShape = entry.kind === 'int' ? [] : entry.shape;
      textParts.push(entry.kind === 'int' ? String(entry.value) : entry.name);
      advancedLists.push({ values: checkedPositions(op, values, dim, source, where), shape: listShape, stride });
      advancedAt.push(textParts.length - 1);
      if (advancedSlot < 0) advancedSlot = axes.length;
    }
    source++;
  }
  if (advancedLists.length > 0) {
    const broadcast = advancedLists.reduce<readonly number[]>((acc, list) => {
      try {
        return broadcastShapes(op, acc, list.shape);
      } catch {
        throw engineError(op, `the index arrays' shapes ${advancedLists.map((l) => formatShape(l.shape)).join(', ')} cannot be broadcast together (${where()})`);
      }
    }, []);
    const count = sizeOf(broadcast);
    const offsets = new Float64Array(count);
    for (const list of advancedLists) {
      const values = broadcastValues(list.values, list.shape, broadcast);
      for (let t = 0; t < count; t++) offsets[t]! += values[t]! * list.stride;
    }
    // Adjacent index arrays keep their place; separated ones (by a slice, newaxis or ...) go first.
    const adjacent = advancedAt.every((at, i) => i === 0 || at === advancedAt[i - 1]! + 1);
    axes.splice(adjacent ? advancedSlot : 0, 0, { axis: { size: count, offsets }, dims: [...broadcast] });
  }
  // The gather map: base + the sum of one offset per result axis (an outer sum, axis by axis).
  let map = new Int32Array(1);
  map[0] = base;
  for (const { axis } of axes) {
    const next = new Int32Array(map.length * axis.size);
    for (let i = 0; i < map.length; i++) {
      const row = map[i]!;
      for (let k = 0; k < axis.size; k++) next[i * axis.size + k] = row + axis.offsets[k]!;
    }
    map = next;
  }
  return { shape: axes.flatMap((a) => a.dims), map, text: textParts.join(', '), arrays };
}
