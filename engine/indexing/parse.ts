/**
 * Index arguments of `get`/`set`, parsed into entries: NumPy's index syntax as a string
 * (`':, 2:6'`, `'1:3, ::2, -1'`, `'...'`), or a list with one entry per axis (numbers, slice
 * strings, `null` for `:`, `np.newaxis`, integer lists or arrays, bool arrays).
 */
import { engineError } from '../errors';
import { NDArray } from '../ndarray';

/** `np.newaxis`: a new axis of length 1 at its place in an index (NumPy's `None`). */
export const newaxis: unique symbol = Symbol('np.newaxis');

/** One entry of a list index. */
export type IndexItem = number | string | null | typeof newaxis | NDArray | readonly NestedIndex[];
/** Integer (or bool) lists, nested once per dimension of the index array they stand for. */
export type NestedIndex = number | boolean | readonly NestedIndex[];

/** What `get` and `set` take: the whole index as a string, one item, or a list of items (one per axis). */
export type Index = number | string | NDArray | readonly IndexItem[];

export type IndexEntry =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'newaxis' }
  | { kind: 'ellipsis' }
  /** Advanced indexing: an integer array (or list), or a bool mask (it may span several axes). */
  | { kind: 'array'; array: NDArray; mask: boolean };

const INTEGER = /^[+-]?\d+$/;

function integerText(op: string, text: string, index: string): number {
  if (!INTEGER.test(text)) throw engineError(op, `'${text}' in the index '${index}' is not an integer, a slice (start:stop:step), '...' or 'None'`);
  return Number(text);
}

/** One entry written as NumPy writes it: `3`, `-1`, `1:3`, `::2`, `:`, `...`, `None`. */
function parseEntryText(op: string, raw: string, index: string): IndexEntry {
  const text = raw.trim();
  if (text === '...') return { kind: 'ellipsis' };
  if (text === 'None' || text === 'np.newaxis' || text === 'newaxis') return { kind: 'newaxis' };
  if (text === '') throw engineError(op, `the index '${index}' has an empty entry (write ':' for a whole axis)`);
  if (!text.includes(':')) return { kind: 'int', value: integerText(op, text, index) };
  const parts = text.split(':');
  if (parts.length > 3) throw engineError(op, `'${text}' in the index '${index}' has more than two colons (a slice is start:stop:step)`);
  const [start, stop, step] = parts.map((part) => (part.trim() === '' ? null : integerText(op, part.trim(), index)));
  if (step === 0) throw engineError(op, `the slice '${text}' in the index '${index}' has step 0`);
  return { kind: 'slice', start: start ?? null, stop: stop ?? null, step: step ?? null };
}

/** Nested JavaScript lists of integers or booleans as an index array. */
function listArray(op: string, list: readonly NestedIndex[], index: () => string): NDArray {
  const shape: number[] = [];
  const values: number[] = [];
  let bools: boolean | null = null;
  const walk = (item: NestedIndex, depth: number): void => {
    if (Array.isArray(item)) {
      if (shape.length === depth) shape.push(item.length);
      else if (shape[depth] !== item.length || depth >= shape.length) throw engineError(op, `the index list in ${index()} is ragged: its rows have different lengths`);
      for (const inner of item) walk(inner, depth + 1);
      return;
    }
    if (depth !== shape.length) throw engineError(op, `the index list in ${index()} is ragged: numbers and lists at the same depth`);
    const isBool = typeof item === 'boolean';
    if (!isBool && (typeof item !== 'number' || !Number.isInteger(item))) {
      throw engineError(op, `the index list in ${index()} holds ${JSON.stringify(item) ?? String(item)}: index lists hold integers (or booleans, for a mask)`);
    }
    if (bools === null) bools = isBool;
    else if (bools !== isBool) throw engineError(op, `the index list in ${index()} mixes booleans and numbers`);
    values.push(Number(item));
  };
  walk(list, 0);
  if (bools === true) return new NDArray(Uint8Array.from(values), shape, 'bool');
  return new NDArray(Float64Array.from(values), shape, 'float64');
}

function describeItem(item: unknown): string {
  if (item === null) return 'null';
  if (item === newaxis) return 'np.newaxis';
  if (item instanceof NDArray) return `an array of shape (${item.shape.join(', ')}${item.ndim === 1 ? ',' : ''})`;
  if (typeof item === 'string') return `'${item}'`;
  try {
    return JSON.stringify(item) ?? String(item);
  } catch {
    return Object.prototype.toString.call(item);
  }
}

/** How the index reads in messages: the string as given, or the list's items. */
export function indexText(index: unknown): string {
  if (typeof index === 'string') return `'${index}'`;
  if (Array.isArray(index)) return `[${index.map(describeItem).join(', ')}]`;
  return describeItem(index);
}

function arrayEntry(array: NDArray): IndexEntry {
  return { kind: 'array', array, mask: array.dtype === 'bool' };
}

/** One item of a list index. */
function parseItem(op: string, item: unknown, index: () => string): IndexEntry {
  if (item === null) return { kind: 'slice', start: null, stop: null, step: null };
  if (item === newaxis) return { kind: 'newaxis' };
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw engineError(op, `${item} in the index ${index()} is not an integer`);
    return { kind: 'int', value: item };
  }
  if (typeof item === 'string') {
    if (item.includes(',')) throw engineError(op, `the item '${item}' of the index ${index()} has a comma: in a list, each item is one axis (or give the whole index as one string)`);
    return parseEntryText(op, item, item);
  }
  if (item instanceof NDArray) return arrayEntry(item);
  if (Array.isArray(item)) return arrayEntry(listArray(op, item, index));
  throw engineError(op, `${describeItem(item)} in the index ${index()} is not an index item: use a number, a slice string ('1:3'), null (a whole axis), np.newaxis, an integer list or array, or a bool array`);
}

/** The entries of an index argument, in order. */
export function parseIndex(op: string, index: unknown): IndexEntry[] {
  const text = () => indexText(index);
  if (typeof index === 'string') {
    const trimmed = index.trim();
    if (trimmed === '') return [];
    return trimmed.split(',').map((part) => parseEntryText(op, part, index));
  }
  if (Array.isArray(index)) return index.map((item) => parseItem(op, item, text));
  if (typeof index === 'number' || index instanceof NDArray || index === null || index === newaxis) return [parseItem(op, index, text)];
  throw engineError(op, `the index must be a number, a string in NumPy's syntax (':, 2:6'), an array of booleans or integers, or a list with one item per axis; got ${describeItem(index)}`);
}
