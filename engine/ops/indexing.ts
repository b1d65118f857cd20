/**
 * `a.get(index)`, `a.set(index, value)`, `a.assign(value)` and iteration along axis 0. A read is
 * a copy (unlike NumPy's views). A write keeps the array's identity (its `.grad`, `gradReq`, its
 * name in traces) and bumps its storage version (storage.ts); inside `autograd.record`, a write to
 * an array or from a value that needs a gradient is recorded as the op `set` (defs/indexing.ts).
 */
import { allocate, isFloat } from '../dtype';
import { engineError, formatShape } from '../errors';
import { parseIndex, indexText, type Index } from '../indexing/parse';
import { select, type Selection } from '../indexing/select';
import { NDArray, type NestedArray } from '../ndarray';
import { observer } from '../observer';
import { broadcastShapes, sameShape } from '../shape';
import { autogradState } from '../state';
import { noteWrite } from '../storage';
import { emit } from '../tape';
import { array as arrayFrom } from './creation';
import { checkArray, materialize, scalarArray } from './operand';

/** What `assign` and `set` write: an array, a number or boolean, or nested JavaScript lists. */
export type WriteValue = NDArray | number | boolean | NestedArray;

function selectionOf(op: string, x: NDArray, index: unknown): Selection {
  return select(op, x.shape, parseIndex(op, index), index);
}

/** `a[index]`: a new array holding the selected elements (gradients flow back to `a`). */
export function get(a: NDArray, index: Index): NDArray {
  if (arguments.length !== 2) throw engineError('get', `takes one index (a.get(':, 2:6'), a.get([i, j])), got ${arguments.length - 1} arguments: put the entries of a multi-axis index in one list`);
  const x = checkArray('get', a);
  const sel = selectionOf('get', x, index);
  const out = allocate(x.dtype, sel.map.length);
  const source = x._data;
  const { map } = sel;
  for (let i = 0; i < map.length; i++) out[i] = source[map[i]!]!;
  const positions = new NDArray(map, sel.shape, 'int32');
  return emit('get', [x, ...sel.arrays], { index: sel.text }, new NDArray(out, sel.shape, x.dtype), [positions]);
}

function valueArray(op: string, value: unknown, like: NDArray): NDArray {
  if (value instanceof NDArray) return value;
  if (typeof value === 'number') return scalarArray(value, like.dtype);
  if (typeof value === 'boolean') return scalarArray(value ? 1 : 0, like.dtype);
  if (Array.isArray(value)) return arrayFrom(value as NestedArray as never, { dtype: like.dtype });
  throw engineError(op, `the value must be an NDArray, a number, a boolean or nested lists of numbers, got ${value === null ? 'null' : typeof value}`);
}

/** Refuses a recorded write that autograd could not follow. */
function checkRecordedWrite(op: string, target: NDArray): void {
  if (target._node === null && target._requiresGrad) {
    throw engineError(op, `cannot write into a variable (an array with attachGrad()) inside autograd.record(): the graph would read the variable after changing it. `
      + `Update parameters outside record, after backward(): p.assign(p.sub(p.grad.mul(lr)))`);
  }
  if (target._storage?.shared) {
    throw engineError(op, `cannot record a write into an array that shares its elements with another (a reshape, expandDims, squeeze or detach of it, or the array it was made from): `
      + `autograd would not see the other one change. Write into a copy (a.copy()), or write outside autograd.record()`);
  }
}

/** Writes `value` (broadcast) into `target` at `sel` (everywhere when null); records it when it must. */
function write(op: 'assign' | 'set', target: NDArray, sel: Selection | null, value: unknown): NDArray {
  const v = valueArray(op, value, target);
  const shape = sel === null ? target.shape : sel.shape;
  const where = sel === null ? '' : ` at ${sel.text === '' ? 'the whole array' : `[${sel.text}]`}`;
  let fits = false;
  try {
    fits = sameShape(broadcastShapes(op, v.shape, shape), shape);
  } catch { /* reported below */ }
  if (!fits) {
    throw engineError(op, `cannot broadcast a value of shape ${formatShape(v.shape)} to the selection of shape ${formatShape(shape)}${where} (the array has shape ${formatShape(target.shape)})`);
  }
  const values = materialize(v, target.dtype, shape);
  const recorded = autogradState.recording && isFloat(target.dtype) && (target._requiresGrad || v._requiresGrad);
  let previous: NDArray | null = null;
  if (recorded) {
    checkRecordedWrite(op, target);
    // The array as it was: the graph's input for what the write left in place.
    previous = new NDArray(target._data.slice(), target.shape, target.dtype);
    previous._node = target._node;
    previous._requiresGrad = target._requiresGrad;
    previous._madeWhileRecording = target._madeWhileRecording;
    // A watching tool (GradLens capture) knows the array as it was by its id: the previous version keeps it.
    previous._watchEpoch = target._watchEpoch;
    previous._watchId = target._watchId;
  }
  const data = target._data;
  if (sel === null) data.set(values);
  else for (let i = 0; i < sel.map.length; i++) data[sel.map[i]!] = values[i]!;
  noteWrite(target, op);
  const index = sel === null ? '...' : sel.text;
  if (previous !== null) {
    const map = sel?.map ?? Int32Array.from({ length: target.size }, (_, i) => i);
    const keep = allocate(target.dtype, target.size).fill(1);
    for (let i = 0; i < map.length; i++) keep[map[i]!] = 0;
    // With repeated positions, the last write lands (NumPy): the earlier ones get no gradient.
    const landed = lastWrites(map, target.size);
    const saved = [new NDArray(map, shape, 'int32'), new NDArray(keep, target.shape, target.dtype)];
    if (landed !== null) saved.push(new NDArray(landed, shape, target.dtype));
    target._node = null;
    emit('set', [previous, v, ...(sel?.arrays ?? [])], { index }, target, saved);
  }
  observer.current?.write?.({ op, array: target, index, recorded: previous !== null });
  return target;
}

/** 1 where a position of `map` is written for the last time, 0 before; null when no position repeats. */
function lastWrites(map: Int32Array, size: number): Float64Array | null {
  const last = new Int32Array(size).fill(-1);
  let repeats = false;
  for (let i = 0; i < map.length; i++) {
    if (last[map[i]!] !== -1) repeats = true;
    last[map[i]!] = i;
  }
  if (!repeats) return null;
  const landed = new Float64Array(map.length);
  for (let i = 0; i < map.length; i++) landed[i] = last[map[i]!] === i ? 1 : 0;
  return landed;
}

/** `a[:] = value`: every element of `a` from `value` (broadcast to `a`'s shape, cast to its dtype). Returns `a`. */
export function assign(a: NDArray, value: WriteValue): NDArray {
  if (arguments.length !== 2) throw engineError('assign', `takes one value, got ${arguments.length - 1} arguments`);
  return write('assign', checkArray('assign', a), null, value);
}

/** `a[index] = value` (value broadcast to the selection, cast to `a`'s dtype). Returns `a`. */
export function set(a: NDArray, index: Index, value: WriteValue): NDArray {
  if (arguments.length !== 3) throw engineError('set', `takes an index and a value (a.set([i, j], v)), got ${arguments.length - 1} arguments`);
  const x = checkArray('set', a);
  if (value === undefined) throw engineError('set', `needs a value to write at ${indexText(index)}`);
  return write('set', x, selectionOf('set', x, index), value);
}

/** The sub-arrays along axis 0, one `get` each (`for (const row of a)`). */
export function* rows(a: NDArray): IterableIterator<NDArray> {
  if (a.ndim === 0) throw engineError('iterate', 'a 0-d array cannot be iterated (use .item())');
  for (let i = 0; i < a.shape[0]!; i++) yield get(a, i);
}
