/**
 * The loops the capture runs over every large array a traced program makes — its stats, whether it
 * has NaN/Inf, its norm, a parameter's update ratio — on the engine's kernels where the traced
 * program's engine has them (child.ts hands them over: `useSummaryKernels`), else as loops
 * compiled per element type (perDtype.ts). The kernels add in another order: the same stats to
 * float64 rounding.
 */
import type { TensorStats } from '../protocol/trace';
import { statsFromSums, sumsOf, type StatsSums } from '../protocol/trace';
import { perDtype, perDtypeWith, type TypedData } from './perDtype';

/** The engine's sums over an array's values (engine/kernels/summaries.ts): null where they do not run. */
export interface SummaryKernels {
  valueSums(data: ArrayLike<number>): StatsSums | null;
  anyNonFinite(data: ArrayLike<number>): boolean | null;
  updateSums(now: ArrayLike<number>, before: ArrayLike<number>): { delta: number; base: number } | null;
}

let kernels: SummaryKernels | null = null;

/** The traced program's engine's kernels (null: the loops alone). */
export function useSummaryKernels(given: SummaryKernels | null): void {
  kernels = given;
}

const loopSums = perDtype(sumsOf);

/**
 * Whether any value is NaN or ±Infinity: v·0 is 0 for a finite v and NaN otherwise, summed in four
 * lanes without a branch — twice as fast as testing each value.
 */
const loopNonFinite = perDtype(function nonFinite(data: ArrayLike<number>): boolean {
  const n = data.length;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a += data[i]! * 0;
    b += data[i + 1]! * 0;
    c += data[i + 2]! * 0;
    d += data[i + 3]! * 0;
  }
  for (; i < n; i++) a += data[i]! * 0;
  return a + b + c + d !== 0;
});

/** ‖x‖₂ over the finite elements, null when there is none. */
const loopL2 = perDtype(function finiteL2(values: ArrayLike<number>): number | null {
  let sum = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v === 0) { sum += v * v; finite++; } // finite: NaN − NaN and ∞ − ∞ are NaN
  }
  return finite === 0 ? null : Math.sqrt(sum);
});

/** [Σ(a − b)², Σb²] over the positions where both are finite (a as long as b). */
const loopUpdateSums = perDtypeWith(function updateSums(now: ArrayLike<number>, before: ArrayLike<number>): [number, number] {
  let delta = 0;
  let base = 0;
  for (let i = 0; i < now.length; i++) {
    const a = now[i]!;
    const b = before[i]!;
    if (a - a !== 0 || b - b !== 0) continue;
    delta += (a - b) * (a - b);
    base += b * b;
  }
  return [delta, base];
});

/** Stats of an array's values. */
export function arrayStats(array: TypedData): TensorStats {
  const data = array._data;
  return statsFromSums(data.length, kernels?.valueSums(data) ?? loopSums(array));
}

/**
 * Stats of an array's values on the engine's kernels, or null where they do not run: as cheap as
 * copying the values, so a caller that would copy them to compute stats later computes them now.
 */
export function kernelStats(array: TypedData): TensorStats | null {
  const sums = kernels?.valueSums(array._data) ?? null;
  return sums === null ? null : statsFromSums(array._data.length, sums);
}

/** Whether an array has a NaN or ±Infinity. */
export function hasNonFinite(array: TypedData): boolean {
  return kernels?.anyNonFinite(array._data) ?? loopNonFinite(array);
}

/** ‖x‖₂ over an array's finite elements, null when there is none. */
export function arrayL2(array: TypedData): number | null {
  const sums = kernels?.valueSums(array._data) ?? null;
  if (sums === null) return loopL2(array);
  return sums.nan + sums.inf === array._data.length ? null : Math.sqrt(sums.squares);
}

/** ‖now − before‖₂ / ‖before‖₂ over the elements finite in both (as long); null when ‖before‖ is 0. */
export function updateRatio(now: TypedData, before: TypedData): number | null {
  const sums = kernels?.updateSums(now._data, before._data) ?? null;
  const [delta, base] = sums === null ? loopUpdateSums(now, before._data) : [sums.delta, sums.base];
  return base === 0 ? null : Math.sqrt(delta / base);
}
