/** Element types of an NDArray, their storage and the promotion rules between them. */
import { arrayBytes, overBudget } from './memory';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
export const DEFAULT_DTYPE: DType = 'float32';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

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
    case 'bool': charge(size, size, dtype); return new Uint8Array(size);
  }
}

// The hot path of every allocation: one add and one compare; the budget is measured only past it.
function charge(bytes: number, elements: number, dtype: DType): void {
  if ((arrayBytes.charged += bytes) > arrayBytes.limit) overBudget(bytes, elements, dtype);
}

/** Converts one number to what an array of `dtype` stores (int32 truncates toward zero, bool is 0/1). */
export function castNumber(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32': return Math.fround(value);
    case 'float64': return value;
    case 'int32': return value | 0;
    case 'bool': return value !== 0 ? 1 : 0; // NaN is true, as in NumPy
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** The dtype of an operation between two arrays (MXNet np rules: float64 > float32 > int32 > bool). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype a JavaScript number takes next to an array of `dtype` ("weak" scalars, as in NumPy):
 * it never widens a float array; an int array meets a fractional number as float32.
 */
export function scalarDType(arrayDType: DType, value: number): DType {
  if (isFloat(arrayDType)) return arrayDType;
  return Number.isInteger(value) ? 'int32' : DEFAULT_DTYPE;
}

/** The float dtype an op such as `exp` or true division produces from `dtype`. */
export function floatResult(dtype: DType): DType {
  return isFloat(dtype) ? dtype : DEFAULT_DTYPE;
}

/** The dtype arithmetic (add, mul, …) computes in: bool counts as int32. */
export function arithmeticType(dtype: DType): DType {
  return dtype === 'bool' ? 'int32' : dtype;
}

/** A copy of `data` converted to `dtype` (int32 truncates toward zero, bool is "not zero"). */
export function convertData(data: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, data.length);
  if (dtype === 'bool') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32') {
    for (let i = 0; i < data.length; i++) out[i] = Math.trunc(data[i]!);
  } else {
    out.set(data);
  }
  return out;
}
