/**
 * The trace's tensors in numbers and words: their values (all, or the leading sample), and short
 * text — a number, a few values, or shape and stats — for the inspector, the editor and the views.
 */
import { decodeNumber, type Tensor } from '../trace';

/** All the values, when the trace has them (not only a sample). */
export function values(tensor: Tensor): Float64Array | null {
  return tensor.data ? Float64Array.from(tensor.data, decodeNumber) : null;
}

/** The values the trace has: all of them, or the leading sample. */
export function knownValues(tensor: Tensor): Float64Array {
  return Float64Array.from(tensor.data ?? tensor.sample ?? [], decodeNumber);
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A number in at most `digits` significant digits, without noise: 0.1, 2, -3.5e-7, NaN, ∞. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits)); // 99999 rounds to 1e5: decide on the rounded value
  const abs = Math.abs(rounded);
  if (abs >= 1e5 || abs < 1e-4) return rounded.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  return String(rounded);
}

/**
 * A count as en-US writes it, thousands apart: 12,345. Without Intl: a page's first
 * toLocaleString builds ICU's number format, 20–40 ms of the inspector's first frame.
 *
 * @example formatCount(1234567) // '1,234,567'
 */
export function formatCount(value: number): string {
  if (!Number.isSafeInteger(value)) return value.toLocaleString('en-US');
  const digits = String(Math.abs(value));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return value < 0 ? `-${grouped}` : grouped;
}

/**
 * `(2, 3)`, `(4,)`, `scalar`: a shape as the inspector, the editor and the views show it (the one
 * shape formatter outside the engine). `dim` writes each dimension: the rule texts pass their own,
 * since a shape attribute in a trace can hold anything.
 */
export function formatShape<Dim = number>(shape: readonly Dim[], dim: (value: Dim) => string = String): string {
  if (shape.length === 0) return 'scalar';
  return shape.length === 1 ? `(${dim(shape[0]!)},)` : `(${shape.map((d) => dim(d)).join(', ')})`;
}

/**
 * A tensor in one short line: the number of a scalar, the values of a short vector, else shape,
 * dtype and summary stats.
 */
export function formatTensorShort(tensor: Tensor, maxValues = 6): string {
  const data = values(tensor);
  if (data !== null && tensor.shape.length === 0) return formatNumber(data[0]!);
  if (data !== null && data.length <= maxValues && tensor.shape.length <= 1) return `[${Array.from(data, (v) => formatNumber(v)).join(', ')}]`;
  const s = tensor.stats;
  if (s.min !== null && s.min === s.max && s.nan === 0 && s.inf === 0) return `${formatShape(tensor.shape)} all ${formatNumber(s.min)}`;
  const parts = [`${formatShape(tensor.shape)}`];
  if (s.mean !== null) parts.push(`mean ${formatNumber(s.mean)}`, `‖·‖ ${formatNumber(s.l2 ?? 0)}`);
  if (s.nan > 0) parts.push(`${s.nan} NaN`);
  if (s.inf > 0) parts.push(`${s.inf} ∞`);
  return parts.join(' · ');
}

/** A tensor in a few characters, for a graph node's label: a number, ≤ 4 values, or its norm. */
export function formatTensorTiny(tensor: Tensor): string {
  const data = values(tensor);
  if (data !== null && tensor.shape.length === 0) return formatNumber(data[0]!);
  if (data !== null && data.length <= 4) return `[${Array.from(data, (v) => formatNumber(v)).join(', ')}]`;
  const s = tensor.stats;
  const bad = s.nan > 0 ? ' NaN' : s.inf > 0 ? ' ∞' : '';
  if (s.min !== null && s.min === s.max && !bad) return `all ${formatNumber(s.min)}`;
  return `‖·‖ ${s.l2 === null ? '–' : formatNumber(s.l2, 3)}${bad}`;
}
