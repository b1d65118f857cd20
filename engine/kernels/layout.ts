/**
 * Data movement: permuting axes, gathering and scattering along an axis, sorting lanes. Arrays are
 * row-major; an axis is addressed as the middle of `[outer, size, inner]`.
 */
import type { DType, TypedArray } from '../dtype';
import { specialize } from './specialize';
import { wasmTranspose } from './wasmElementwise';

/** out (row-major, shape `outShape`) = a read through `srcStrides` (a's strides, permuted). */
const permuteLoop = (a: TypedArray, out: TypedArray, outShape: number[], srcStrides: number[]): void => {
  const ndim = outShape.length;
  const size = out.length;
  if (ndim === 0) { if (size > 0) out[0] = a[0]; return; }
  const last = ndim - 1;
  const inner = outShape[last];
  const innerStride = srcStrides[last];
  const index = new Array(last).fill(0);
  let src = 0;
  for (let dst = 0; dst < size; dst += inner) {
    let s = src;
    for (let j = 0; j < inner; j++, s += innerStride) out[dst + j] = a[s];
    for (let axis = last - 1; axis >= 0; axis--) {
      src += srcStrides[axis];
      if (++index[axis] < outShape[axis]) break;
      src -= srcStrides[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
};

/**
 * The permutations that transpose (the last two axes of out are a's last two, swapped): a copy in
 * tiles of TILE × TILE, so that the strided side of each tile stays in the cache — a plain copy
 * reads or writes with a stride of a whole row and misses the cache on every element once the
 * matrix outgrows it (1024 × 1024 float32: 4× slower, bench "transposes").
 * out's matrix t: out[t, r, c] = a[bases[t] + r + c·stride] for r < rows, c < cols.
 * (The tile's 32 is written out in the loop: a kernel refers to nothing outside itself, specialize.ts.)
 */
const TILE = 32;
const transposeTilesLoop = (a: TypedArray, out: TypedArray, rows: number, cols: number, stride: number, bases: number[]): void => {
  const matrix = rows * cols;
  for (let t = 0; t < bases.length; t++) {
    const dst = t * matrix;
    const base = bases[t];
    for (let r0 = 0; r0 < rows; r0 += 32) {
      const r1 = Math.min(rows, r0 + 32);
      for (let c0 = 0; c0 < cols; c0 += 32) {
        const c1 = Math.min(cols, c0 + 32);
        for (let r = r0; r < r1; r++) {
          const row = dst + r * cols;
          let s = base + r + c0 * stride;
          for (let c = c0; c < c1; c++, s += stride) out[row + c] = a[s];
        }
      }
    }
  }
};

/** Where each matrix of a transposing permutation starts in its source: the batch axes' odometer. */
function matrixBases(out: TypedArray, outShape: number[], srcStrides: number[]): number[] {
  const ndim = outShape.length;
  const count = out.length / (outShape[ndim - 2]! * outShape[ndim - 1]!);
  const bases = new Array<number>(count);
  const index = new Array<number>(ndim - 2).fill(0);
  let base = 0;
  for (let t = 0; t < count; t++) {
    bases[t] = base;
    for (let axis = ndim - 3; axis >= 0; axis--) {
      base += srcStrides[axis]!;
      if (++index[axis]! < outShape[axis]!) break;
      base -= srcStrides[axis]! * outShape[axis]!;
      index[axis] = 0;
    }
  }
  return bases;
}

export function runPermute(dtype: DType, a: TypedArray, out: TypedArray, outShape: number[], srcStrides: number[]): void {
  const ndim = outShape.length;
  const transposes = ndim >= 2 && srcStrides[ndim - 2] === 1 && srcStrides[ndim - 1] !== 1
    && outShape[ndim - 2]! >= TILE && outShape[ndim - 1]! >= TILE;
  if (!transposes) {
    specialize(permuteLoop, dtype)(a, out, outShape, srcStrides);
    return;
  }
  const [rows, cols, stride] = [outShape[ndim - 2]!, outShape[ndim - 1]!, srcStrides[ndim - 1]!];
  const bases = matrixBases(out, outShape, srcStrides);
  // float32 on WebAssembly SIMD (wasmElementwise.ts) when it runs here, else the JS tiles.
  if (dtype === 'float32' && wasmTranspose(a as Float32Array, out as Float32Array, rows, cols, stride, bases)) return;
  specialize(transposeTilesLoop, dtype)(a, out, rows, cols, stride, bases);
}

/**
 * out[p, t, q] = a[p, indices[t], q]. Rows of 64 elements or more are copied as blocks (set of a
 * subarray: a memory copy, 4–8× the element loop for a minibatch's 784-float images).
 */
const gatherLoop = (a: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, inner: number): void => {
  const count = indices.length;
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < count; t++) {
      const src = (p * size + indices[t]) * inner;
      const dst = (p * count + t) * inner;
      if (inner >= 64) out.set(a.subarray(src, src + inner), dst);
      else for (let q = 0; q < inner; q++) out[dst + q] = a[src + q];
    }
  }
};

/** out[p, indices[t], q] += g[p, t, q]; `out` starts as zeros. */
const scatterAddLoop = (g: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, inner: number): void => {
  const count = indices.length;
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < count; t++) {
      const dst = (p * size + indices[t]) * inner;
      const src = (p * count + t) * inner;
      for (let q = 0; q < inner; q++) out[dst + q] += g[src + q];
    }
  }
};

export function runGather(dtype: DType, a: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, inner: number): void {
  specialize(gatherLoop, dtype)(a, out, indices, outer, size, inner);
}

export function runScatterAdd(dtype: DType, g: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, inner: number): void {
  specialize(scatterAddLoop, dtype)(g, out, indices, outer, size, inner);
}

/** out[p, t, q] = a[p, indices[p, t, q], q] for indices of shape [outer, count, inner]. */
const gatherAlongLoop = (a: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, count: number, inner: number): void => {
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < count; t++) {
      const row = (p * count + t) * inner;
      for (let q = 0; q < inner; q++) out[row + q] = a[(p * size + indices[row + q]) * inner + q];
    }
  }
};

/** out[p, indices[p, t, q], q] += g[p, t, q]; `out` starts as zeros. */
const scatterAlongLoop = (g: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, count: number, inner: number): void => {
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < count; t++) {
      const row = (p * count + t) * inner;
      for (let q = 0; q < inner; q++) out[(p * size + indices[row + q]) * inner + q] += g[row + q];
    }
  }
};

export function runGatherAlong(dtype: DType, a: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, count: number, inner: number): void {
  specialize(gatherAlongLoop, dtype)(a, out, indices, outer, size, count, inner);
}

export function runScatterAlong(dtype: DType, g: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, count: number, inner: number): void {
  specialize(scatterAlongLoop, dtype)(g, out, indices, outer, size, count, inner);
}

/**
 * The ascending order of every lane along the middle axis, as indices (stable; NaN sorts last, as
 * in NumPy).
 */
export function argsortLanes(a: TypedArray, outer: number, size: number, inner: number): Int32Array {
  const order = new Int32Array(a.length);
  const lane = new Array<number>(size);
  const values = new Float64Array(size);
  const compare = (i: number, j: number): number => {
    const x = values[i]!;
    const y = values[j]!;
    if (x < y) return -1;
    if (x > y) return 1;
    const xNaN = x !== x;
    const yNaN = y !== y;
    if (xNaN !== yNaN) return xNaN ? 1 : -1;
    return i - j;
  };
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * size * inner + q;
      for (let r = 0; r < size; r++) {
        lane[r] = r;
        values[r] = a[base + r * inner]!;
      }
      lane.sort(compare);
      for (let r = 0; r < size; r++) order[base + r * inner] = lane[r]!;
    }
  }
  return order;
}

/** Copies each part (shape [outer, partSize, inner]) into its place along the middle axis of out. */
export function concatenateInto(parts: readonly TypedArray[], partSizes: readonly number[], out: TypedArray, outer: number, inner: number): void {
  const total = partSizes.reduce((s, n) => s + n, 0);
  let offset = 0;
  parts.forEach((part, i) => {
    const block = partSizes[i]! * inner;
    for (let p = 0; p < outer; p++) {
      out.set(part.subarray(p * block, (p + 1) * block), (p * total + offset) * inner);
    }
    offset += partSizes[i]!;
  });
}

/** out[p, t, q] = a[p, indices[t], q], or `fill` where indices[t] < 0 (pad, flip, tile, repeat: one axis at a time). */
const gatherOrFillLoop = (a: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, inner: number, fill: number): void => {
  const count = indices.length;
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < count; t++) {
      const dst = (p * count + t) * inner;
      const index = indices[t];
      if (index < 0) { for (let q = 0; q < inner; q++) out[dst + q] = fill; continue; }
      const src = (p * size + index) * inner;
      for (let q = 0; q < inner; q++) out[dst + q] = a[src + q];
    }
  }
};

/** out[p, indices[t], q] += g[p, t, q] where indices[t] ≥ 0; `out` starts as zeros (pad's gradient). */
const scatterKeptLoop = (g: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, inner: number): void => {
  const count = indices.length;
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < count; t++) {
      const index = indices[t];
      if (index < 0) continue;
      const dst = (p * size + index) * inner;
      const src = (p * count + t) * inner;
      for (let q = 0; q < inner; q++) out[dst + q] += g[src + q];
    }
  }
};

export function runGatherOrFill(dtype: DType, a: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, inner: number, fill: number): void {
  specialize(gatherOrFillLoop, dtype)(a, out, indices, outer, size, inner, fill);
}

export function runScatterKept(dtype: DType, g: TypedArray, out: TypedArray, indices: Int32Array, outer: number, size: number, inner: number): void {
  specialize(scatterKeptLoop, dtype)(g, out, indices, outer, size, inner);
}
