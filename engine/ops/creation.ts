/** Array creation: from JavaScript values, ranges, constants. Created arrays are leaves (not recorded). */
import { checkOptions } from '../strict';
import { allocate, castNumber, convertData, DEFAULT_DTYPE, DTYPE_CHOICES, isDType, type DType, type TypedArray } from '../dtype';
import { engineError } from '../errors';
import { NDArray } from '../ndarray';
import { checkShape, sizeOf } from '../shape';
import { checkArray } from './operand';
import { observer } from '../observer';
import { autogradState } from '../state';

export interface DTypeOption {
  dtype?: DType;
}

/** Nested JavaScript arrays of numbers or booleans, as `np.array` accepts them. */
export type ArrayLikeInput = number | boolean | readonly ArrayLikeInput[];

function checkDType(op: string, dtype: unknown): DType | undefined {
  if (dtype === undefined) return undefined;
  if (!isDType(dtype)) throw engineError(op, `unknown dtype ${JSON.stringify(dtype)} (use ${DTYPE_CHOICES})`);
  return dtype;
}

/** A new leaf array; tools watching the engine hear how it was made. */
function fromData(data: TypedArray, shape: readonly number[], dtype: DType, how: string): NDArray {
  const array = new NDArray(data, [...shape], dtype);
  if (observer.current !== null && autogradState.silent === 0) observer.current.created?.(array, how);
  return array;
}

/**
 * An array from a number, nested arrays, a typed array or another NDArray (copied). Numbers give
 * float32 unless `dtype` says otherwise; booleans give bool; typed arrays keep their element type.
 */
export function array(value: ArrayLikeInput | NDArray | ArrayLike<number>, options: DTypeOption = {}): NDArray {
  checkOptions('array', options, ['dtype']);
  const dtype = checkDType('array', options.dtype);
  if (value instanceof NDArray) {
    return fromData(convertData(value._data, dtype ?? value.dtype), value.shape, dtype ?? value.dtype, 'array');
  }
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView || value instanceof BigInt64Array || value instanceof BigUint64Array) {
      throw engineError('array', `unsupported typed array ${Object.prototype.toString.call(value)}`);
    }
    const source = value as unknown as ArrayLike<number>;
    // Float arrays keep their precision; integer arrays of every width become int32.
    const target = dtype ?? (source instanceof Float64Array ? 'float64' : source instanceof Float32Array ? 'float32' : 'int32');
    const data = allocate(target, source.length);
    for (let i = 0; i < source.length; i++) data[i] = castNumber(source[i]!, target);
    return fromData(data, [source.length], target, 'array');
  }
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  let sawNumber = false;
  let sawBoolean = false;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node === 'number') sawNumber = true;
      else if (typeof node === 'boolean') sawBoolean = true;
      else if (Array.isArray(node)) throw engineError('array', `ragged nested arrays: element ${path || '[]'} is a list but other elements at that depth are not`);
      else throw engineError('array', `element ${path || '(the value)'} is ${node === null ? 'null' : typeof node}, expected a number or a boolean`);
      flat.push(Number(node));
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const got = Array.isArray(node) ? `length ${node.length}` : 'not a list';
      throw engineError('array', `ragged nested arrays: element ${path || '[]'} has ${got}, expected length ${shape[depth]}`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  const target = dtype ?? (sawBoolean && !sawNumber ? 'bool' : DEFAULT_DTYPE);
  const data = allocate(target, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = castNumber(flat[i]!, target);
  return fromData(data, shape, target, 'array');
}

/**
 * Evenly spaced values in [start, stop): `arange(stop)` or `arange(start, stop, step = 1)`.
 * float32 by default, as in MXNet.
 */
export function arange(start: number, stop?: number | DTypeOption, step?: number | DTypeOption, options?: DTypeOption): NDArray {
  let opts: DTypeOption = options ?? {};
  if (typeof stop === 'object') { opts = stop; stop = undefined; }
  if (typeof step === 'object') { opts = step; step = undefined; }
  checkOptions('arange', opts, ['dtype']);
  const dtype = checkDType('arange', opts.dtype) ?? DEFAULT_DTYPE;
  let from = start;
  let to = stop;
  if (to === undefined) { to = from; from = 0; }
  const delta = step ?? 1;
  for (const [name, v] of [['start', from], ['stop', to], ['step', delta]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw engineError('arange', `${name} must be a finite number, got ${String(v)}`);
  }
  if (delta === 0) throw engineError('arange', 'step must not be zero');
  const count = Math.max(0, Math.ceil((to - from) / delta));
  const data = allocate(dtype, count);
  for (let i = 0; i < count; i++) data[i] = castNumber(from + i * delta, dtype);
  return fromData(data, [count], dtype, 'arange');
}

/** `num` evenly spaced values from start to stop (stop included unless `endpoint: false`). */
export function linspace(start: number, stop: number, num = 50, options: DTypeOption & { endpoint?: boolean } = {}): NDArray {
  if (!Number.isInteger(num) || num < 0) throw engineError('linspace', `num must be a non-negative integer, got ${String(num)}`);
  checkOptions('linspace', options, ['dtype', 'endpoint']);
  const dtype = checkDType('linspace', options.dtype) ?? DEFAULT_DTYPE;
  const endpoint = options.endpoint ?? true;
  const divisions = endpoint ? num - 1 : num;
  const step = divisions > 0 ? (stop - start) / divisions : 0;
  const data = allocate(dtype, num);
  for (let i = 0; i < num; i++) data[i] = castNumber(start + i * step, dtype);
  if (endpoint && num > 1) data[num - 1] = castNumber(stop, dtype);
  return fromData(data, [num], dtype, 'linspace');
}

function filled(how: string, shape: number | readonly number[], value: number | boolean, options: DTypeOption): NDArray {
  const dims = checkShape(how, shape);
  checkOptions(how, options, ['dtype']);
  const dtype = checkDType(how, options.dtype) ?? (typeof value === 'boolean' ? 'bool' : DEFAULT_DTYPE);
  const data = allocate(dtype, sizeOf(dims));
  data.fill(castNumber(Number(value), dtype));
  return fromData(data, dims, dtype, how);
}

/** An array of `shape` filled with `value`. */
export function full(shape: number | readonly number[], value: number | boolean, options: DTypeOption = {}): NDArray {
  return filled('full', shape, value, options);
}

export function zeros(shape: number | readonly number[], options: DTypeOption = {}): NDArray {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: number | readonly number[], options: DTypeOption = {}): NDArray {
  return filled('ones', shape, 1, options);
}

/** The n×m identity (ones on diagonal `k`). */
export function eye(n: number, m?: number, k = 0, options: DTypeOption = {}): NDArray {
  const cols = m ?? n;
  const dims = checkShape('eye', [n, cols]);
  checkOptions('eye', options, ['dtype']);
  const dtype = checkDType('eye', options.dtype) ?? DEFAULT_DTYPE;
  const data = allocate(dtype, n * cols);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < cols) data[i * cols + j] = 1;
  }
  return fromData(data, dims, dtype, 'eye');
}

export function zerosLike(a: NDArray): NDArray {
  const x = checkArray('zerosLike', a);
  return fromData(allocate(x.dtype, x.size), x.shape, x.dtype, 'zerosLike');
}

export function onesLike(a: NDArray): NDArray {
  const x = checkArray('onesLike', a);
  return filled('onesLike', x.shape, 1, { dtype: x.dtype });
}

export function fullLike(a: NDArray, value: number): NDArray {
  const x = checkArray('fullLike', a);
  return filled('fullLike', x.shape, value, { dtype: x.dtype });
}
