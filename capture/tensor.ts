/**
 * Summarising an array's values: in the traced program, as compactly as possible (the journal);
 * in the runner, as the trace's tensors with their stats.
 */
import type { NDArray } from 'gradlens';
import { decodeNumber, statsOf, type Tensor, type TensorStats, type TraceDType, type TraceNumber } from '../protocol/trace';

export { statsOf };

/** NaN and ±Infinity as JSON can carry them (see docs/trace-format.md). */
export function encodeNumber(value: number): TraceNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

const TRIAL_DIGITS = [6, 7, 8] as const;

/**
 * The fewest digits that read back as the same float32 (0.1 and 0.002, not the
 * 0.10000000149011612 of their float64 image, nor the 0.100000001 of nine digits).
 */
export function shortestFloat32(value: TraceNumber): TraceNumber {
  if (typeof value !== 'number' || Number.isInteger(value)) return value;
  const target = Math.fround(value);
  if (String(target).length <= 9) return target; // 0.5, 0.25: short already
  for (const digits of TRIAL_DIGITS) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) {
      // A shorter form may still exist below six digits (0.002 is 0.00200000 at six).
      return candidate;
    }
  }
  return Number(target.toPrecision(9));
}


/**
 * A tensor as the journal carries it: the complete data (the runner computes the stats), or for
 * a tensor larger than the limit, a leading sample and the stats of all of it.
 */
export type JournalTensor =
  | [shape: number[], dtype: TraceDType, data: TraceNumber[]]
  | [shape: number[], dtype: TraceDType, sample: TraceNumber[], stats: TensorStats];

/**
 * The journal's picture of an array (for the JSON records; nodes and steps go binary); `stats` of
 * a sampled one (the traced program's: on the engine's kernels, capture/valueStats.ts). float32
 * values go as they are (their exact float64 image): the runner shortens them (shortestFloat32),
 * so the traced program's thread does no digit work.
 */
export function compact(array: NDArray, maxElements: number, stats: (array: NDArray) => TensorStats = (a) => statsOf(a._data)): JournalTensor {
  const data = array._data;
  const shape = array.shape.length === 0 ? [] : [...array.shape];
  if (data.length > maxElements) {
    const sample = new Array<TraceNumber>(maxElements);
    for (let i = 0; i < maxElements; i++) sample[i] = encodeNumber(data[i]!);
    return [shape, array.dtype, sample, stats(array)];
  }
  const values = new Array<TraceNumber>(data.length);
  for (let i = 0; i < data.length; i++) values[i] = encodeNumber(data[i]!);
  return [shape, array.dtype, values];
}

/** The trace's tensor from the journal's: stats computed here when the journal has all the data. */
export function expand(tensor: JournalTensor): Tensor {
  const [shape, dtype, written] = tensor;
  const values = dtype === 'float32' ? written.map(shortestFloat32) : written;
  if (tensor.length === 4) return { shape, dtype, sample: values, stats: tensor[3] };
  const numbers = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) numbers[i] = decodeNumber(values[i]!);
  // float32 values were written in shortest digits: their stats are those of the float32 values.
  if (dtype === 'float32') for (let i = 0; i < numbers.length; i++) numbers[i] = Math.fround(numbers[i]!);
  return { shape, dtype, data: values, stats: statsOf(numbers) };
}

/** The trace's picture of an array: stats, and its data when it has at most `maxElements` elements. */
export function summarise(array: NDArray, maxElements: number): Tensor {
  return expand(compact(array, maxElements));
}
