/** Sums of gradient terms; the readers and formatters of tensors are in protocol/format.ts. */
import { statsOf, type Tensor } from '../../protocol/trace';
import { values, sizeOf } from '../../protocol/query/format';

export { formatNumber, formatShape, formatTensorShort, formatTensorTiny, knownValues, sizeOf, values } from '../../protocol/query/format';

/** The elementwise sum of tensors of one shape, or null when any of them is only a sample. */
export function sumTensors(tensors: readonly Tensor[]): Tensor | null {
  if (tensors.length === 0) return null;
  if (tensors.length === 1) return tensors[0]!;
  const [first] = tensors;
  const total = new Float64Array(sizeOf(first!.shape));
  for (const tensor of tensors) {
    const data = values(tensor);
    if (data === null || data.length !== total.length) return null;
    for (let i = 0; i < total.length; i++) total[i]! += data[i]!;
  }
  if (first!.dtype === 'float32') for (let i = 0; i < total.length; i++) total[i] = Math.fround(total[i]!);
  return { shape: [...first!.shape], dtype: first!.dtype, data: Array.from(total, (v) => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity')), stats: statsOf(total) };
}
