/**
 * A loop over an array's elements, compiled once per element type. The capture runs a few such
 * loops (stats, norms) over every large tensor a traced program makes, with Float32Array,
 * Float64Array, Int32Array and Uint8Array data: one function reading all of them has megamorphic
 * element loads, three times slower than one that sees a single type (bench/capture.bench.ts, the
 * d2l RNN row). So each element type gets its own copy of the function, made from its source.
 *
 * `loop` must be self-contained: it may use its argument and globals (Math), nothing from the
 * module around it (the copy is compiled where nothing else is in scope). Tested against the
 * function itself for every dtype.
 */
import type { DType } from 'gradlens';

type ElementLoop<R> = (data: ArrayLike<number>) => R;
type ElementLoopWith<R, A> = (data: ArrayLike<number>, arg: A) => R;

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

function copyOf<L extends Function>(loop: L): L {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- our own function's source, not input
  return new Function(`return (${loop.toString()});`)() as L;
}

/** An array's element type and data (an NDArray, or a copy of its data). */
export interface TypedData {
  readonly dtype: DType;
  readonly _data: ArrayLike<number>;
}

/** `loop` over an array's data, by a copy that only ever sees that array's element type. */
export function perDtype<R>(loop: ElementLoop<R>): (array: TypedData) => R {
  const copies = new Map<DType, ElementLoop<R>>(DTYPES.map((dtype) => [dtype, copyOf(loop)]));
  return (array) => (copies.get(array.dtype) ?? loop)(array._data);
}

/** The same with one more argument for the loop (a shape, a buffer): not a rest parameter, which would cost the one-argument loops above. */
export function perDtypeWith<R, A>(loop: ElementLoopWith<R, A>): (array: TypedData, arg: A) => R {
  const copies = new Map<DType, ElementLoopWith<R, A>>(DTYPES.map((dtype) => [dtype, copyOf(loop)]));
  return (array, arg) => (copies.get(array.dtype) ?? loop)(array._data, arg);
}
