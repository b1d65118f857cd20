/**
 * Matrix multiply C = A·B for row-major float arrays, the hot loop of dense layers.
 *
 * B is first packed transposed, so that the inner loop reads four rows of A and four columns of B
 * contiguously and keeps a 4×4 block of C in sixteen local variables (4.3 GFLOP/s at 512×512 on
 * the reference machine, against 1.1 for the textbook i-k-j loop; see bench/README.md).
 */
import type { DType, TypedArray } from '../dtype';
import { allocate } from '../dtype';
import { kernelPath } from './kernelPath';
import { specialize } from './specialize';
import { SMALL_PRODUCT, wasmGemm } from './wasmGemm';

type GemmLoop = (
  a: TypedArray, aOffset: number, bt: TypedArray, out: TypedArray, outOffset: number,
  m: number, k: number, n: number,
) => void;

/** `out[outOffset + i*n + j] = Σ_p a[aOffset + i*k + p] · bt[j*k + p]` — bt is B transposed (n×k). */
const gemmTiled: GemmLoop = (a, aOffset, bt, out, outOffset, m, k, n) => {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOffset + i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    const c0 = outOffset + i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const c3 = c2 + n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        const y0 = bt[b0 + p], y1 = bt[b1 + p], y2 = bt[b2 + p], y3 = bt[b3 + p];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      out[c0 + j] = s00; out[c0 + j + 1] = s01; out[c0 + j + 2] = s02; out[c0 + j + 3] = s03;
      out[c1 + j] = s10; out[c1 + j + 1] = s11; out[c1 + j + 2] = s12; out[c1 + j + 3] = s13;
      out[c2 + j] = s20; out[c2 + j + 1] = s21; out[c2 + j + 2] = s22; out[c2 + j + 3] = s23;
      out[c3 + j] = s30; out[c3 + j + 1] = s31; out[c3 + j + 2] = s32; out[c3 + j + 3] = s33;
    }
  }
  // Leftover rows and columns: one dot product each.
  for (let i = 0; i < m; i++) {
    const row = aOffset + i * k;
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      const col = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[row + p] * bt[col + p];
      out[outOffset + i * n + j] = s;
    }
  }
};

/** bt (n×k) = B (k×n, from `bOffset`) transposed. */
const transposeInto = (b: TypedArray, bOffset: number, bt: TypedArray, k: number, n: number): void => {
  for (let p = 0; p < k; p++) {
    const row = bOffset + p * n;
    for (let j = 0; j < n; j++) bt[j * k + p] = b[row + j];
  }
};

/** How runGemm reads its operands and where it writes: A or B given transposed, the result's first element. */
export interface GemmLayout {
  /** Each A[t] is stored k × m (the product reads its transpose). */
  transposedA?: boolean;
  /** Each B[t] is stored n × k (the product reads its transpose). */
  transposedB?: boolean;
  /** Where out[0] of the first product is (default 0); product t follows at outOffset + t·m·n. */
  outOffset?: number;
}

const ROW_MAJOR: GemmLayout = {};

/**
 * Independent products out[t] (m×n) = A[t] (m×k) · B[t] (k×n), where A[t] starts at element
 * `aOffsets[t]` of `a` and B[t] at `bOffsets[t]` of `b` (repeated offsets broadcast one matrix);
 * either may be given transposed (`layout`), as backward's products and npx.batchDot read them:
 * nothing is transposed into a new array for B, and for A only a copy of the kernel's own.
 */
export function runGemm(
  dtype: DType, a: TypedArray, aOffsets: readonly number[], b: TypedArray, bOffsets: readonly number[],
  out: TypedArray, m: number, k: number, n: number, layout: GemmLayout = ROW_MAJOR,
): void {
  const { transposedA = false, transposedB = false, outOffset = 0 } = layout;
  // float32 products big enough to pay for the copies: the WebAssembly SIMD kernel (wasmGemm.ts).
  if (dtype === 'float32' && m * k * n >= SMALL_PRODUCT && kernelPath() === 'wasm'
    && wasmGemm(a as Float32Array, aOffsets, transposedA, b as Float32Array, bOffsets, transposedB, out as Float32Array, outOffset, m, k, n)) return;
  const loop = specialize(gemmTiled, dtype);
  const pack = specialize(transposeInto, dtype);
  // The JS loop reads A row-major and B transposed (n × k): a B given so is read as it lies.
  const bt = transposedB ? null : allocate(dtype, k * n);
  const rows = transposedA ? allocate(dtype, m * k) : null;
  let packedOffset = -1;
  for (let t = 0; t < aOffsets.length; t++) {
    const bOffset = bOffsets[t]!;
    if (bt !== null && bOffset !== packedOffset) {
      pack(b, bOffset, bt, k, n);
      packedOffset = bOffset;
    }
    const panel = bt ?? b.subarray(bOffset, bOffset + n * k);
    if (rows !== null) {
      pack(a, aOffsets[t]!, rows, k, m); // A (m × k) from its transpose (k × m)
      loop(rows, 0, panel, out, outOffset + t * m * n, m, k, n);
    } else {
      loop(a, aOffsets[t]!, panel, out, outOffset + t * m * n, m, k, n);
    }
  }
}

/**
 * out (m×n, from `outOffset`) = A (m×k, from `aOffset`) · Bᵀ, for B given already transposed as `bt`
 * (n×k, from element 0): for callers that can lay B out that way themselves (the convolution's
 * unfolded patches), so that nothing is packed or allocated per product.
 */
export function runGemmTransposedB(
  dtype: DType, a: TypedArray, aOffset: number, bt: TypedArray, out: TypedArray, outOffset: number,
  m: number, k: number, n: number,
): void {
  runGemm(dtype, a, [aOffset], bt, [0], out, m, k, n, { transposedB: true, outOffset });
}

/** bt (n×k, from element 0) = the k×n matrix at `b[bOffset]`, transposed. */
export function runTranspose(dtype: DType, b: TypedArray, bOffset: number, bt: TypedArray, k: number, n: number): void {
  specialize(transposeInto, dtype)(b, bOffset, bt, k, n);
}
