/**
 * The small shapes a trace is built of, checked field by field (docs/trace-format.md): numbers,
 * shapes, tensors and their stats, sources, attributes. Each check reports what is wrong through
 * `Problems` and says whether the value can be used. They run for every node of a trace of a
 * million nodes, so they allocate nothing unless something is wrong.
 */
import { visible } from './display';
import { withoutMarkup, type Problems } from './problems';

/** More dimensions than any engine makes: a longer shape is not a shape. */
export const MAX_RANK = 64;
/** Attributes nested deeper than this are not an op's attributes (and would overflow a stack). */
export const MAX_ATTR_DEPTH = 32;

export const EXPECT = {
  id: 'a node id (a whole number ≥ 0)',
  count: 'a whole number ≥ 0',
  positive: 'a whole number ≥ 1',
  number: 'a number',
  text: 'text',
  flag: 'true or false',
  list: 'a list',
  source: 'a source {file, line, column, text} or null',
  tensor: 'a tensor {shape, dtype, stats, and data or sample}',
  stats: 'stats {min, max, mean, std, l2, nan, inf, zeros}',
  dtype: 'float32, float64, int32, int64 or bool',
  traceNumber: 'a number, "NaN", "Infinity" or "-Infinity"',
  numberOrNull: 'a number or null',
  attrs: 'an object of attributes',
} as const;

export type Fields = Record<string, unknown>;

export const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
export const isPositive = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
export const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
export const isDType = (value: unknown): boolean =>
  value === 'float32' || value === 'float64' || value === 'int32' || value === 'int64' || value === 'bool';
const isTraceNumber = (value: unknown): boolean =>
  typeof value === 'number' ? Number.isFinite(value) : value === 'NaN' || value === 'Infinity' || value === '-Infinity';

/** A shape; its size (the product of its dimensions), or -1 when it is not a shape. */
export function checkShape(p: Problems, key: string, value: unknown): number {
  if (!Array.isArray(value)) { p.wrong(key, value, 'a shape (a list of whole numbers ≥ 0)'); return -1; }
  if (value.length > MAX_RANK) { p.say(key, `has ${value.length} dimensions, expected at most ${MAX_RANK}`); return -1; }
  let size = 1;
  for (let i = 0; i < value.length; i++) {
    const dimension: unknown = value[i];
    if (!isCount(dimension)) { p.enter(key); p.wrong(i, dimension, EXPECT.count); p.leave(); return -1; }
    size *= dimension;
  }
  if (!Number.isSafeInteger(size)) { p.say(key, `has ${size} elements, more than any array can hold`); return -1; }
  return size;
}

/** A list of trace numbers (data, sample); its length, or -1. */
function checkNumbers(p: Problems, key: string, value: unknown): number {
  if (!Array.isArray(value)) { p.wrong(key, value, `${EXPECT.list} of numbers`); return -1; }
  for (let i = 0; i < value.length; i++) {
    if (!isTraceNumber(value[i])) { p.enter(key); p.wrong(i, value[i], EXPECT.traceNumber); p.leave(); return -1; }
  }
  return value.length;
}

export function checkStats(p: Problems, key: string | number, value: unknown): boolean {
  if (!isObject(value)) return p.wrong(key, value, EXPECT.stats);
  let ok = true;
  p.enter(key);
  const { min, max, mean, std, l2, nan, inf, zeros } = value;
  if (min !== null && !isNumber(min)) ok = p.wrong('min', min, EXPECT.numberOrNull);
  if (max !== null && !isNumber(max)) ok = p.wrong('max', max, EXPECT.numberOrNull);
  if (mean !== null && !isNumber(mean)) ok = p.wrong('mean', mean, EXPECT.numberOrNull);
  if (std !== null && !isNumber(std)) ok = p.wrong('std', std, EXPECT.numberOrNull);
  if (l2 !== null && !isNumber(l2)) ok = p.wrong('l2', l2, EXPECT.numberOrNull);
  if (!isCount(nan)) ok = p.wrong('nan', nan, EXPECT.count);
  if (!isCount(inf)) ok = p.wrong('inf', inf, EXPECT.count);
  if (!isCount(zeros)) ok = p.wrong('zeros', zeros, EXPECT.count);
  p.leave();
  return ok;
}

export function checkTensor(p: Problems, key: string | number, value: unknown): boolean {
  if (!isObject(value)) return p.wrong(key, value, EXPECT.tensor);
  let ok = true;
  p.enter(key);
  const size = checkShape(p, 'shape', value.shape);
  if (size < 0) ok = false;
  if (!isDType(value.dtype)) ok = p.wrong('dtype', value.dtype, EXPECT.dtype);
  const { data, sample } = value;
  if (data !== undefined && sample !== undefined) {
    p.say(null, 'has both data and sample, expected one of them');
    ok = false;
  } else if (data !== undefined) {
    const length = checkNumbers(p, 'data', data);
    if (length < 0) ok = false;
    else if (size >= 0 && length !== size) { p.say('data', `has ${length} values, expected ${size} (all the elements of its shape)`); ok = false; }
  } else if (sample !== undefined) {
    const length = checkNumbers(p, 'sample', sample);
    if (length < 0) ok = false;
    else if (size >= 0 && length > size) { p.say('sample', `has ${length} values, more than the ${size} elements of its shape`); ok = false; }
  }
  if (!checkStats(p, 'stats', value.stats)) ok = false;
  p.leave();
  return ok;
}

/** A source, or null. */
export function checkSource(p: Problems, key: string, value: unknown): boolean {
  if (value === null) return true;
  if (!isObject(value)) return p.wrong(key, value, EXPECT.source);
  let ok = true;
  p.enter(key);
  if (typeof value.file !== 'string') ok = p.wrong('file', value.file, EXPECT.text);
  if (!isPositive(value.line)) ok = p.wrong('line', value.line, EXPECT.positive);
  if (!isPositive(value.column)) ok = p.wrong('column', value.column, EXPECT.positive);
  if (typeof value.text !== 'string') ok = p.wrong('text', value.text, EXPECT.text);
  if (value.function !== undefined && typeof value.function !== 'string') ok = p.wrong('function', value.function, `${EXPECT.text} (or no field)`);
  p.leave();
  return ok;
}

/** A list whose every item is a node id (references are checked by the caller). */
export function checkIdList(p: Problems, key: string, value: unknown): value is number[] {
  if (!Array.isArray(value)) return p.wrong(key, value, `${EXPECT.list} of node ids`);
  for (let i = 0; i < value.length; i++) {
    if (!isCount(value[i])) { p.enter(key); p.wrong(i, value[i], EXPECT.id); p.leave(); return false; }
  }
  return true;
}

/**
 * An op's attributes: an object of JSON values (the inspector prints them), nested at most
 * {@link MAX_ATTR_DEPTH} deep — which also refuses a cycle, possible in a message from the host.
 */
export function checkAttrs(p: Problems, key: string, value: unknown): boolean {
  if (!isObject(value)) return p.wrong(key, value, EXPECT.attrs);
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const problem = jsonProblem(value[name], 1);
    if (problem !== null) {
      p.enter(key);
      // The attribute's name comes from the trace: short, escaped, no markup, like a quoted value.
      p.say(withoutMarkup(visible(name, { limit: 40 })), problem);
      p.leave();
      return false;
    }
  }
  return true;
}

/** What keeps a value from being plain JSON of bounded depth, or null. */
function jsonProblem(value: unknown, depth: number): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `is ${value}, expected a JSON value`;
  if (typeof value !== 'object') return `is a ${typeof value}, expected a JSON value`;
  if (depth >= MAX_ATTR_DEPTH) return `is nested more than ${MAX_ATTR_DEPTH} levels deep`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblem(value[i], depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  }
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const problem = jsonProblem((value as Fields)[name], depth + 1);
    if (problem !== null) return problem;
  }
  return null;
}
