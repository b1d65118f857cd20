/**
 * Reductions and scans over lanes: the reduced axes moved last (ops/reduce.ts `lanes`), so each
 * output element reads `n` contiguous inputs. Accumulation is in float64 (JavaScript numbers);
 * NaN propagates as NumPy's does.
 */
import type { DType, TypedArray } from '../dtype';
import { specialize } from './specialize';

/** out[p] from a[p·n … p·n + n − 1], for p < count; `param` is the loop's one parameter (ddof, or unused). */
export type LaneLoop = (a: TypedArray, out: TypedArray, count: number, n: number, param: number) => void;

export const laneLoops = {
  /** Σ (a − mean)² / (n − ddof), the mean from a first pass. */
  variance: (a, o, count, n, ddof) => {
    for (let p = 0; p < count; p++) {
      const base = p * n;
      let total = 0;
      for (let r = 0; r < n; r++) total += a[base + r];
      const mean = total / n;
      let squares = 0;
      for (let r = 0; r < n; r++) { const d = a[base + r] - mean; squares += d * d; }
      o[p] = squares / (n - ddof);
    }
  },
  product: (a, o, count, n, _param) => {
    for (let p = 0; p < count; p++) {
      let product = 1;
      for (let r = p * n, end = r + n; r < end; r++) product *= a[r];
      o[p] = product;
    }
  },
  any: (a, o, count, n, _param) => {
    for (let p = 0; p < count; p++) {
      let found = 0;
      for (let r = p * n, end = r + n; r < end; r++) if (a[r] !== 0) { found = 1; break; }
      o[p] = found;
    }
  },
  all: (a, o, count, n, _param) => {
    for (let p = 0; p < count; p++) {
      let every = 1;
      for (let r = p * n, end = r + n; r < end; r++) if (a[r] === 0) { every = 0; break; }
      o[p] = every;
    }
  },
  /** √Σ a², computed as m·√Σ (a/m)² with m = max |a|: no overflow or underflow of the squares. */
  norm2: (a, o, count, n, _param) => {
    for (let p = 0; p < count; p++) {
      const base = p * n;
      let m = 0;
      for (let r = 0; r < n; r++) { const v = Math.abs(a[base + r]); if (v > m || v !== v) m = v; }
      if (m === 0 || !(m < Infinity)) { o[p] = m; continue; } // zeros, an infinity, or NaN
      let squares = 0;
      for (let r = 0; r < n; r++) { const t = a[base + r] / m; squares += t * t; }
      o[p] = m * Math.sqrt(squares);
    }
  },
  norm1: (a, o, count, n, _param) => {
    for (let p = 0; p < count; p++) {
      let total = 0;
      for (let r = p * n, end = r + n; r < end; r++) total += Math.abs(a[r]);
      o[p] = total;
    }
  },
  maxAbs: (a, o, count, n, _param) => {
    for (let p = 0; p < count; p++) {
      let m = 0;
      for (let r = p * n, end = r + n; r < end; r++) { const v = Math.abs(a[r]); if (v > m || v !== v) { m = v; if (v !== v) break; } }
      o[p] = m;
    }
  },
  minAbs: (a, o, count, n, _param) => {
    for (let p = 0; p < count; p++) {
      let m = Infinity;
      for (let r = p * n, end = r + n; r < end; r++) { const v = Math.abs(a[r]); if (v < m || v !== v) { m = v; if (v !== v) break; } }
      o[p] = m;
    }
  },
} satisfies Record<string, LaneLoop>;

export type LaneKernel = keyof typeof laneLoops;

export function runLanes(kernel: LaneKernel, dtype: DType, a: TypedArray, out: TypedArray, count: number, n: number, param = 0): void {
  specialize(laneLoops[kernel], dtype)(a, out, count, n, param);
}

/**
 * Matrix norms over lanes of `summed × extreme` elements (row-major): Σ |a| over the first axis,
 * then the largest (`largest` 1) or smallest (0) of those sums over the second.
 */
const extremeSumLoop = (a: TypedArray, out: TypedArray, count: number, summed: number, extreme: number, largest: number): void => {
  const sums = new Float64Array(extreme);
  for (let p = 0; p < count; p++) {
    sums.fill(0);
    const base = p * summed * extreme;
    for (let s = 0; s < summed; s++) {
      const row = base + s * extreme;
      for (let e = 0; e < extreme; e++) sums[e] += Math.abs(a[row + e]);
    }
    let m = largest ? -Infinity : Infinity;
    for (let e = 0; e < extreme; e++) {
      const v = sums[e];
      if ((largest ? v > m : v < m) || v !== v) { m = v; if (v !== v) break; }
    }
    out[p] = m;
  }
};

export function runExtremeSum(dtype: DType, a: TypedArray, out: TypedArray, count: number, summed: number, extreme: number, largest: boolean): void {
  specialize(extremeSumLoop, dtype)(a, out, count, summed, extreme, largest ? 1 : 0);
}

/** Running sums along the middle axis of `[outer, size, inner]`, from the start (or from the end, `reverse` 1). */
const cumsumLoop = (a: TypedArray, out: TypedArray, outer: number, size: number, inner: number, reverse: number): void => {
  const acc = new Float64Array(inner);
  for (let p = 0; p < outer; p++) {
    acc.fill(0);
    const base = p * size * inner;
    for (let k = 0; k < size; k++) {
      const row = base + (reverse ? size - 1 - k : k) * inner;
      for (let q = 0; q < inner; q++) { acc[q] += a[row + q]; out[row + q] = acc[q]; }
    }
  }
};

export function runCumsum(dtype: DType, a: TypedArray, out: TypedArray, outer: number, size: number, inner: number, reverse: boolean): void {
  specialize(cumsumLoop, dtype)(a, out, outer, size, inner, reverse ? 1 : 0);
}
