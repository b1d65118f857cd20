/**
 * Per-dtype copies of kernel functions.
 *
 * V8 optimises a loop for the typed-array types it has seen; one loop fed Float32Array and
 * Float64Array ran 1.1-1.7x slower than two loops fed one type each (bench/README.md). A kernel is
 * therefore written once as an ordinary function that refers to nothing outside itself, and each
 * dtype gets its own compiled copy from the function's source text. Where compiling code is not
 * allowed (a strict Content-Security-Policy), the shared original runs instead: same results, slower.
 */
import type { DType } from '../dtype';

type AnyFunction = (...args: never[]) => unknown;

const copies = new WeakMap<AnyFunction, Partial<Record<DType, AnyFunction>>>();
let compilingAllowed = true; // false after the first refusal: one failed attempt is enough

function compileCopy<F extends AnyFunction>(kernel: F): F {
  if (!compilingAllowed) return kernel;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- engine-owned source, never user data
    return new Function(`"use strict"; return (${kernel.toString()});`)() as F;
  } catch {
    compilingAllowed = false;
    return kernel;
  }
}

/** The copy of `kernel` that only ever sees arrays of `dtype`. */
export function specialize<F extends AnyFunction>(kernel: F, dtype: DType): F {
  let byDType = copies.get(kernel);
  if (byDType === undefined) {
    byDType = {};
    copies.set(kernel, byDType);
  }
  let copy = byDType[dtype] as F | undefined;
  if (copy === undefined) {
    copy = compileCopy(kernel);
    byDType[dtype] = copy;
  }
  return copy;
}
