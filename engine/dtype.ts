/** Element types of an NDArray, their storage and the promotion rules between them. */
import { arrayBytes, overBudget } from './memory';

/**
 * An array's element type. Storage: float32 → Float32Array, float64 → Float64Array, int32 →
 * Int32Array (wraps around past ±2^31 as typed arrays do), bool → Uint8Array (0/1), and int64 —
 * MXNet's index type — a Float64Array of whole numbers: exact to ±2^53 (9,007,199,254,740,992);
 * beyond that, values round to the nearest float64 instead of wrapping around at ±2^63.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];
export const DEFAULT_DTYPE: DType = 'float32';

/** Storage of an array (int64 uses Float64Array, see DType). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The dtypes as an error message lists them. */
export const DTYPE_CHOICES = "'float32', 'float64', 'int32', 'int64' or 'bool'";

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** New zeroed storage for `size` elements, charged to the memory budget (memory.ts). */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32': charge(size * 4, size, dtype); return new Float32Array(size);
    case 'float64': charge(size * 8, size, dtype); return new Float64Array(size);
    case 'int32': charge(size * 4, size, dtype); return new Int32Array(size);
    case 'int64': charge(size * 8, size, dtype); return new Float64Array(size);
    case 'bool': charge(size, size, dtype); return new Uint8Array(size);
  }
}

// The hot path of every allocation: one add and one compare; the budget is measured only past it.
function charge(bytes: number, elements: number, dtype: DType): void {
  if ((arrayBytes.charged += bytes) > arrayBytes.limit) overBudget(bytes, elements, dtype);
}

/**
 * Converts one number to what an array of `dtype` stores: int32 and int64 truncate toward zero and
 * take NaN and ±Infinity as 0 (`|0` does that for int32; NumPy leaves those casts undefined), bool is 0/1.
 */
export function castNumber(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32': return Math.fround(value);
    case 'float64': return value;
    case 'int32': return value | 0;
    case 'int64': return toInt64(value);
    case 'bool': return value !== 0 ? 1 : 0; // NaN is true, as in NumPy
  }
}

/** A number as int64 stores it: truncated toward zero, NaN and ±Infinity as 0, never −0. */
export function toInt64(value: number): number {
  // `+ 0` turns the −0 of Math.trunc(−0.5) into 0, as an integer type has no −0.
  return Number.isFinite(value) ? Math.trunc(value) + 0 : 0;
}

/**
 * int64 results computed in float64 made whole again, in place (a negative power gives a fraction,
 * negating 0 gives −0): what storing into an Int32Array does for int32 by itself.
 */
export function wholeInt64(data: TypedArray): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v) || v === 0) data[i] = toInt64(v);
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/**
 * The dtype of an operation between two arrays (MXNet np rules: float64 > float32 > int64 > int32 >
 * bool: an integer array with a float array gives the float type).
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype a JavaScript number takes next to an array of `dtype` ("weak" scalars, as in NumPy):
 * it never widens a float array; an int array meets a fractional number as float32, a whole number
 * in its own type (int32 for bool).
 */
export function scalarDType(arrayDType: DType, value: number): DType {
  if (isFloat(arrayDType)) return arrayDType;
  if (!Number.isInteger(value)) return DEFAULT_DTYPE;
  return arrayDType === 'int64' ? 'int64' : 'int32';
}

/** The float dtype an op such as `exp` or true division produces from `dtype`. */
export function floatResult(dtype: DType): DType {
  return isFloat(dtype) ? dtype : DEFAULT_DTYPE;
}

/** The dtype arithmetic (add, mul, …) computes in: bool counts as int32. */
export function arithmeticType(dtype: DType): DType {
  return dtype === 'bool' ? 'int32' : dtype;
}

/** A copy of `data` converted to `dtype` (integers truncate toward zero, bool is "not zero"). */
export function convertData(data: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, data.length);
  if (dtype === 'bool') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32') {
    for (let i = 0; i < data.length; i++) out[i] = Math.trunc(data[i]!);
  } else if (dtype === 'int64') {
    for (let i = 0; i < data.length; i++) out[i] = toInt64(data[i]!);
  } else {
    out.set(data);
  }
  return out;
}
