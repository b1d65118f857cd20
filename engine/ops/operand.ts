/** Turning op arguments into arrays: JavaScript numbers are "weak" scalars that adopt the array's dtype. */
import { runBinary } from '../kernels/elementwise';
import { sizeOf, type Shape } from '../shape';
import { convertData, DEFAULT_DTYPE, scalarDType, allocate, castNumber, type DType } from '../dtype';
import { engineError } from '../errors';
import { NDArray } from '../ndarray';

/** What arithmetic accepts on either side. */
export type Operand = NDArray | number | boolean;

/** A 0-d array holding `value`. */
export function scalarArray(value: number, dtype: DType): NDArray {
  const data = allocate(dtype, 1);
  data[0] = castNumber(value, dtype);
  return new NDArray(data, [], dtype);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a JavaScript array (wrap it with np.array(...))';
  return typeof value === 'object' ? `an object (${Object.prototype.toString.call(value)})` : `${typeof value} ${String(value)}`;
}

/** `value` as an array; a number takes its dtype from `like` (the other operand), if any. */
export function toArray(op: string, value: unknown, like: DType | null, position: string): NDArray {
  if (value instanceof NDArray) return value;
  if (typeof value === 'number') return scalarArray(value, like === null ? DEFAULT_DTYPE : scalarDType(like, value));
  if (typeof value === 'boolean') return scalarArray(value ? 1 : 0, 'bool');
  throw engineError(op, `${position} must be an NDArray or a number, got ${describe(value)}`);
}

/** Both operands of a binary op as arrays. */
export function toOperands(op: string, a: unknown, b: unknown): [NDArray, NDArray] {
  const likeA = a instanceof NDArray ? a.dtype : null;
  const likeB = b instanceof NDArray ? b.dtype : null;
  return [toArray(op, a, likeB, 'the first operand'), toArray(op, b, likeA, 'the second operand')];
}

export function checkArray(op: string, value: unknown, position = 'the input'): NDArray {
  if (value instanceof NDArray) return value;
  throw engineError(op, `${position} must be an NDArray, got ${describe(value)}`);
}

/** The array's storage in `dtype` (the same storage when it already is). Not recorded. */
export function dataAs(array: NDArray, dtype: DType) {
  return array.dtype === dtype ? array._data : convertData(array._data, dtype);
}

/** The array's values in `dtype`, broadcast to `shape` and stored densely. Not recorded. */
export function materialize(array: NDArray, dtype: DType, shape: Shape) {
  const out = allocate(dtype, sizeOf(shape));
  runBinary('left', dtype, dataAs(array, dtype), array.shape, allocate(dtype, 1), [], out, shape);
  return out;
}
