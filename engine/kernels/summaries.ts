/**
 * Sums over an array's values, for tools that summarise every array a program makes (GradLens
 * capture: a trace's tensor stats, a pass's norms and update ratios). They run on the WebAssembly
 * SIMD kernel (wasmStats.ts) for float32 values, SUMMARY_ELEMENTS of them or more, on the
 * 'wasm' kernel path; otherwise each function returns null and the tool runs its own loop. The
 * sums are float64, added in another order than a loop's: they agree with it to float64 rounding.
 */
import { kernelPath } from './kernelPath';
import { wasmAnyNonFinite, wasmStats, wasmUpdateSums } from './wasmStats';

/** Below this many values a loop in JavaScript costs less than the copy and the call. */
export const SUMMARY_ELEMENTS = 1024;

/** What `valueSums` counts and adds up; all but the counts over the finite values only. */
export interface ValueSums {
  nan: number;
  inf: number;
  /** Exact zeros (±0). */
  zeros: number;
  /** Of the finite values: +Infinity / −Infinity when there is none. */
  min: number;
  max: number;
  /** Σv. */
  total: number;
  /** The first finite value (0 when there is none): the shift of the next two sums. */
  shift: number;
  /** Σ(v − shift) and Σ(v − shift)²: the variance without the cancellation of Σv² − n·mean². */
  shifted: number;
  shiftedSquares: number;
  /** Σv². */
  squares: number;
}

function kernelValues(data: ArrayLike<number>): Float32Array | null {
  return data instanceof Float32Array && data.length >= SUMMARY_ELEMENTS && kernelPath() === 'wasm' ? data : null;
}

/** The sums over `data`, or null: not float32, too short, or no kernel here (the caller loops). */
export function valueSums(data: ArrayLike<number>): ValueSums | null {
  const values = kernelValues(data);
  if (values === null) return null;
  let shift = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v === 0) { shift = v; break; }
  }
  const sums = wasmStats(values, shift);
  if (sums === null) return null;
  return {
    nan: sums[0]!, inf: sums[1]!, zeros: sums[2]!, min: sums[3]!, max: sums[4]!, total: sums[5]!,
    shift, shifted: sums[6]!, shiftedSquares: sums[7]!, squares: sums[8]!,
  };
}

/** Whether `data` has a NaN or ±Infinity, or null as valueSums. */
export function anyNonFinite(data: ArrayLike<number>): boolean | null {
  const values = kernelValues(data);
  return values === null ? null : wasmAnyNonFinite(values);
}

/**
 * Σ(now − before)² and Σbefore² over the positions where both are finite (a parameter's update
 * since the previous pass, and its size then), or null as valueSums (also for lengths that differ).
 */
export function updateSums(now: ArrayLike<number>, before: ArrayLike<number>): { delta: number; base: number } | null {
  const a = kernelValues(now);
  const b = kernelValues(before);
  if (a === null || b === null || a.length !== b.length) return null;
  const sums = wasmUpdateSums(a, b);
  return sums === null ? null : { delta: sums[0], base: sums[1] };
}
