/**
 * Einstein summation: every assignment of the labels visited once (the last label innermost), the
 * operands' elements at it multiplied and added to the output's element at it. A label's stride in
 * an array is the sum of the strides of the axes it names (a repeated label reads a diagonal); 0
 * where it names none (the output's summed labels, an operand's missing ones).
 */
import type { DType, TypedArray } from '../dtype';
import { specialize } from './specialize';

/** acc[out offset] += Π operands[k][offset k] over the labels of `sizes`; `strides[k][l]`, `outStrides[l]` per label. */
const einsumLoop = (operands: TypedArray[], strides: number[][], acc: Float64Array, outStrides: number[], sizes: number[]): void => {
  const labels = sizes.length;
  const count = operands.length;
  for (let l = 0; l < labels; l++) if (sizes[l] === 0) return;
  if (labels === 0) {
    let product = 1;
    for (let k = 0; k < count; k++) product *= operands[k][0];
    acc[0] += product;
    return;
  }
  const last = labels - 1;
  const n = sizes[last];
  const lastStrides = strides.map((s) => s[last]);
  const outLast = outStrides[last];
  const offsets = new Array(count).fill(0);
  const index = new Array(labels).fill(0);
  let outOffset = 0;
  for (;;) {
    if (count === 2) {
      const a = operands[0];
      const b = operands[1];
      const sa = lastStrides[0];
      const sb = lastStrides[1];
      for (let t = 0, ia = offsets[0], ib = offsets[1], io = outOffset; t < n; t++, ia += sa, ib += sb, io += outLast) acc[io] += a[ia] * b[ib];
    } else {
      for (let t = 0; t < n; t++) {
        let product = 1;
        for (let k = 0; k < count; k++) product *= operands[k][offsets[k] + t * lastStrides[k]];
        acc[outOffset + t * outLast] += product;
      }
    }
    let axis = last - 1;
    for (; axis >= 0; axis--) {
      for (let k = 0; k < count; k++) offsets[k] += strides[k][axis];
      outOffset += outStrides[axis];
      if (++index[axis] < sizes[axis]) break;
      for (let k = 0; k < count; k++) offsets[k] -= strides[k][axis] * sizes[axis];
      outOffset -= outStrides[axis] * sizes[axis];
      index[axis] = 0;
    }
    if (axis < 0) return;
  }
};

export function runEinsum(dtype: DType, operands: TypedArray[], strides: number[][], acc: Float64Array, outStrides: number[], sizes: number[]): void {
  specialize(einsumLoop, dtype)(operands, strides, acc, outStrides, sizes);
}
