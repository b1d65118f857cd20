/** Summarising an array's values for the trace: stats always, the data itself up to a limit. */
import type { NDArray } from 'gradlens';
import type { Tensor, TensorStats, TraceNumber } from '../../webview/protocol/trace';

/** NaN and ±Infinity as JSON can carry them (see docs/trace-format.md). */
export function encodeNumber(value: number): TraceNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * float32 values with the fewest digits that read back as the same float32 (0.1, not the
 * 0.10000000149011612 of its float64 image). Random values need 8 or 9 digits, so the search
 * starts there and shortens while the value survives.
 */
function encodeFloat32(value: number): TraceNumber {
  if (!Number.isFinite(value)) return encodeNumber(value);
  if (Number.isInteger(value)) return value;
  let shortest = Number(value.toPrecision(9));
  for (let digits = 8; digits >= 1; digits--) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) !== value) break;
    shortest = candidate;
  }
  return shortest;
}

export function statsOf(data: ArrayLike<number>): TensorStats {
  let nan = 0;
  let inf = 0;
  let zeros = 0;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== v) { nan++; continue; }
    if (v === Infinity || v === -Infinity) { inf++; continue; }
    if (v === 0) zeros++;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  if (count === 0) return { min: null, max: null, mean: null, std: null, l2: null, nan, inf, zeros };
  const mean = sum / count;
  // A second pass for the variance: Σx²/n − mean² cancels badly when |mean| ≫ std.
  let squaredDeviations = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) squaredDeviations += (v - mean) * (v - mean);
  }
  return { min, max, mean, std: Math.sqrt(squaredDeviations / count), l2: Math.sqrt(sumSquares), nan, inf, zeros };
}

/** The trace's picture of an array: stats, and its data when it has at most `maxElements` elements. */
export function summarise(array: NDArray, maxElements: number): Tensor {
  const data = array._data;
  const encode = array.dtype === 'float32' ? encodeFloat32 : encodeNumber;
  const count = Math.min(data.length, maxElements);
  const values = new Array<TraceNumber>(count);
  for (let i = 0; i < count; i++) values[i] = encode(data[i]!);
  const tensor: Tensor = { shape: [...array.shape], dtype: array.dtype, stats: statsOf(data) };
  if (data.length <= maxElements) tensor.data = values;
  else tensor.sample = values;
  return tensor;
}

/** Whether the stats show a NaN or an infinity. */
export function hasNonFinite(stats: TensorStats): boolean {
  return stats.nan > 0 || stats.inf > 0;
}
