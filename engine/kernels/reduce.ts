/**
 * Reductions over one run of neighbouring axes, seen as `[outer, reduced, inner]`. Sums accumulate
 * in float64; max/min/argmax/argmin propagate NaN as NumPy does (the first NaN wins).
 */
import type { DType, TypedArray } from '../dtype';
import { specialize } from './specialize';
import { wasmReduce } from './wasmElementwise';

export type ReduceLoop = (a: TypedArray, out: TypedArray, outer: number, reduced: number, inner: number) => void;

export const reduceLoops = {
  sum: (a, o, outer, reduced, inner) => {
    if (inner === 1) {
      for (let p = 0; p < outer; p++) {
        let s = 0;
        const base = p * reduced;
        for (let r = 0; r < reduced; r++) s += a[base + r];
        o[p] = s;
      }
      return;
    }
    const acc = new Float64Array(inner);
    for (let p = 0; p < outer; p++) {
      acc.fill(0);
      const base = p * reduced * inner;
      for (let r = 0; r < reduced; r++) {
        const row = base + r * inner;
        for (let q = 0; q < inner; q++) acc[q] += a[row + q];
      }
      const dst = p * inner;
      for (let q = 0; q < inner; q++) o[dst + q] = acc[q];
    }
  },
  max: (a, o, outer, reduced, inner) => {
    if (inner === 1) {
      // Contiguous lanes: one comparison per element; a NaN fails it, wins and ends the lane.
      for (let p = 0; p < outer; p++) {
        const base = p * reduced;
        let m = a[base];
        if (m === m) {
          for (let r = 1; r < reduced; r++) {
            const v = a[base + r];
            if (!(v <= m)) { m = v; if (v !== v) break; }
          }
        }
        o[p] = m;
      }
      return;
    }
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        let i = p * reduced * inner + q;
        let m = a[i];
        for (let r = 1; r < reduced && m === m; r++) {
          i += inner;
          const v = a[i];
          if (v > m || v !== v) m = v;
        }
        o[p * inner + q] = m;
      }
    }
  },
  min: (a, o, outer, reduced, inner) => {
    if (inner === 1) {
      // Contiguous lanes: one comparison per element; a NaN fails it, wins and ends the lane.
      for (let p = 0; p < outer; p++) {
        const base = p * reduced;
        let m = a[base];
        if (m === m) {
          for (let r = 1; r < reduced; r++) {
            const v = a[base + r];
            if (!(v >= m)) { m = v; if (v !== v) break; }
          }
        }
        o[p] = m;
      }
      return;
    }
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        let i = p * reduced * inner + q;
        let m = a[i];
        for (let r = 1; r < reduced && m === m; r++) {
          i += inner;
          const v = a[i];
          if (v < m || v !== v) m = v;
        }
        o[p * inner + q] = m;
      }
    }
  },
  argmax: (a, o, outer, reduced, inner) => {
    if (inner === 1) {
      for (let p = 0; p < outer; p++) {
        const base = p * reduced;
        let m = a[base];
        let best = 0;
        if (m === m) {
          for (let r = 1; r < reduced; r++) {
            const v = a[base + r];
            if (!(v <= m)) { m = v; best = r; if (v !== v) break; }
          }
        }
        o[p] = best;
      }
      return;
    }
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        let i = p * reduced * inner + q;
        let m = a[i];
        let best = 0;
        for (let r = 1; r < reduced && m === m; r++) {
          i += inner;
          const v = a[i];
          if (v > m || v !== v) { m = v; best = r; }
        }
        o[p * inner + q] = best;
      }
    }
  },
  argmin: (a, o, outer, reduced, inner) => {
    if (inner === 1) {
      for (let p = 0; p < outer; p++) {
        const base = p * reduced;
        let m = a[base];
        let best = 0;
        if (m === m) {
          for (let r = 1; r < reduced; r++) {
            const v = a[base + r];
            if (!(v >= m)) { m = v; best = r; if (v !== v) break; }
          }
        }
        o[p] = best;
      }
      return;
    }
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        let i = p * reduced * inner + q;
        let m = a[i];
        let best = 0;
        for (let r = 1; r < reduced && m === m; r++) {
          i += inner;
          const v = a[i];
          if (v < m || v !== v) { m = v; best = r; }
        }
        o[p * inner + q] = best;
      }
    }
  },
} satisfies Record<string, ReduceLoop>;

export type ReduceKernel = keyof typeof reduceLoops;

/** Reduces axes `first..last` (inclusive, neighbours) of a row-major array of `shape`. */
export function runReduce(
  kernel: ReduceKernel, dtype: DType, a: TypedArray, shape: readonly number[],
  first: number, last: number, out: TypedArray,
): void {
  let outer = 1;
  let reduced = 1;
  let inner = 1;
  shape.forEach((dim, axis) => {
    if (axis < first) outer *= dim;
    else if (axis <= last) reduced *= dim;
    else inner *= dim;
  });
  // float32 sums, maxima and minima on the WebAssembly kernel when it pays (kernels/wasmElementwise.ts).
  if (dtype === 'float32' && (kernel === 'sum' || kernel === 'max' || kernel === 'min') && out instanceof Float32Array
    && wasmReduce(kernel, a as Float32Array, out, outer, reduced, inner)) return;
  specialize(reduceLoops[kernel], dtype)(a, out, outer, reduced, inner);
}
