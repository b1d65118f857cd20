/**
 * Printing arrays as MXNet's `np` (NumPy) does: `array([0., 1., 2., 3.])`, `array(28.)`,
 * `array([ True, False])`, `array([1, 2], dtype=int64)`. Follows NumPy's `array_repr` with its
 * defaults: 8 digits of precision ("maxprec"), shortest round-trip digits, line width 75, and
 * summarisation with "..." above 1000 elements.
 */
import type { DType, TypedArray } from './dtype';
import { formatShape } from './errors';

/** What formatArray needs to know of an array (kept structural to avoid an import cycle). */
interface Printable {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  readonly _data: TypedArray;
}

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/**
 * Shortest decimal digits that read back as the same value in `dtype`, as d.ddd × 10^exponent.
 * `value` is not negative.
 */
function shortestDigits(value: number, dtype: DType): { digits: string; exponent: number } {
  let text = value.toExponential();
  if (dtype === 'float32') {
    for (let p = 1; p <= 9; p++) {
      const candidate = value.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === value) { text = candidate; break; }
    }
  }
  const [mantissa, exp] = text.split('e') as [string, string];
  return { digits: mantissa.replace('.', '').replace(/0+$/, '') || '0', exponent: Number(exp) };
}

/** Positional notation with at most `PRECISION` fractional digits, trailing zeros trimmed. */
function positional(value: number, dtype: DType): { int: string; frac: string } {
  const negative = value < 0 || Object.is(value, -0);
  const { digits, exponent } = shortestDigits(Math.abs(value), dtype);
  let int: string;
  let frac: string;
  if (exponent >= 0) {
    int = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    frac = digits.slice(exponent + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exponent - 1) + digits;
  }
  if (frac.length > PRECISION) {
    const [i, f = ''] = Math.abs(value).toFixed(PRECISION).split('.') as [string, string?];
    int = i;
    frac = f.replace(/0+$/, '');
  }
  return { int: (negative ? '-' : '') + int, frac };
}

/** Scientific notation with at most `PRECISION` fractional digits in the mantissa. */
function scientific(value: number, dtype: DType): { int: string; frac: string; exp: number } {
  const negative = value < 0 || Object.is(value, -0);
  let { digits, exponent } = shortestDigits(Math.abs(value), dtype);
  if (digits.length - 1 > PRECISION) {
    const rounded = Math.abs(value).toExponential(PRECISION);
    const [mantissa, exp] = rounded.split('e') as [string, string];
    digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
    exponent = Number(exp);
  }
  return { int: (negative ? '-' : '') + digits[0], frac: digits.slice(1), exp: exponent };
}

function nonFinite(value: number): string {
  return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
}

/** A function that prints every element at one common width (NumPy's FloatingFormat). */
function floatFormatter(values: readonly number[], dtype: DType): (value: number) => string {
  const finite = values.filter(Number.isFinite);
  const magnitudes = finite.map(Math.abs).filter((v) => v !== 0);
  const maxValue = magnitudes.length > 0 ? Math.max(...magnitudes) : 0;
  const minValue = magnitudes.length > 0 ? Math.min(...magnitudes) : 0;
  const useExp = magnitudes.length > 0 && (maxValue >= 1e8 || minValue < 1e-4 || maxValue / minValue > 1e3);
  const hasNonFinite = finite.length !== values.length;
  const negInf = values.some((v) => v === -Infinity);

  if (useExp) {
    const parts = finite.map((v) => scientific(v, dtype));
    const digits = Math.max(0, ...parts.map((p) => p.frac.length));
    const expSize = Math.max(2, ...parts.map((p) => String(Math.abs(p.exp)).length));
    let padLeft = Math.max(0, ...parts.map((p) => p.int.length));
    const padRight = expSize + 2 + digits;
    if (hasNonFinite) padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
    return (value) => {
      if (!Number.isFinite(value)) return nonFinite(value).padStart(padLeft + padRight + 1);
      let p = scientific(value, dtype);
      if (p.frac.length < digits) {
        // NumPy prints further digits of the exact value (not zeros) to reach the common width.
        const [mantissa, exp] = Math.abs(value).toExponential(digits).split('e') as [string, string];
        p = { int: (value < 0 ? '-' : '') + mantissa[0], frac: mantissa.slice(2), exp: Number(exp) };
      }
      const exp = `e${p.exp < 0 ? '-' : '+'}${String(Math.abs(p.exp)).padStart(expSize, '0')}`;
      return `${p.int.padStart(padLeft)}.${p.frac}${exp}`;
    };
  }
  const parts = finite.map((v) => positional(v, dtype));
  let padLeft = Math.max(0, ...parts.map((p) => p.int.length));
  const padRight = Math.max(0, ...parts.map((p) => p.frac.length));
  if (hasNonFinite) padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  return (value) => {
    if (!Number.isFinite(value)) return nonFinite(value).padStart(padLeft + padRight + 1);
    const p = positional(value, dtype);
    return `${p.int.padStart(padLeft)}.${p.frac.padEnd(padRight)}`;
  };
}

function elementFormatter(values: readonly number[], dtype: DType): (value: number) => string {
  if (dtype === 'bool') {
    return (value) => (value !== 0 ? ' True' : 'False');
  }
  if (dtype === 'int32' || dtype === 'int64') {
    const width = Math.max(0, ...values.map((v) => String(v).length));
    return (value) => String(value).padStart(width);
  }
  return floatFormatter(values, dtype);
}

/** The flat indices that are printed (all of them, or the edges when summarising). */
function shownIndices(shape: readonly number[], summarise: boolean): number[] {
  const out: number[] = [];
  const visit = (axis: number, offset: number, stride: number): void => {
    if (axis === shape.length) { out.push(offset); return; }
    const dim = shape[axis]!;
    const inner = stride / dim;
    const edges = summarise && dim > 2 * EDGE_ITEMS;
    for (let i = 0; i < dim; i++) {
      if (edges && i === EDGE_ITEMS) i = dim - EDGE_ITEMS;
      visit(axis + 1, offset + i * inner, inner);
    }
  };
  visit(0, 0, shape.reduce((n, d) => n * d, 1));
  return out;
}

/** NumPy's _formatArray: nested brackets, wrapping rows at `width`, "..." when summarising. */
function layout(a: Printable, format: (value: number) => string, width: number, prefix: string, summarise: boolean): string {
  const separator = ', ';
  const extend = (state: { s: string; line: string }, word: string, limit: number, indent: string): void => {
    if (state.line.length + word.length > limit && state.line.length > indent.length) {
      state.s += `${state.line.trimEnd()}\n`;
      state.line = indent;
    }
    state.line += word;
  };
  const recurse = (axis: number, offset: number, stride: number, indent: string, lineWidth: number): string => {
    if (axis === a.shape.length) return format(a._data[offset]!);
    const dim = a.shape[axis]!;
    const inner = stride / dim;
    const nextIndent = `${indent} `;
    const nextWidth = lineWidth - 1;
    const summary = summarise && dim > 2 * EDGE_ITEMS;
    const leading = summary ? EDGE_ITEMS : 0;
    const trailing = summary ? EDGE_ITEMS : dim;
    const child = (i: number) => recurse(axis + 1, offset + i * inner, inner, nextIndent, nextWidth);
    let s = '';
    if (axis === a.shape.length - 1) {
      const elementWidth = lineWidth - 1;
      const state = { s: '', line: indent };
      for (let i = 0; i < leading; i++) { extend(state, child(i), elementWidth, indent); state.line += separator; }
      if (summary) { extend(state, '...', elementWidth, indent); state.line += separator; }
      for (let i = trailing; i > 1; i--) { extend(state, child(dim - i), elementWidth, indent); state.line += separator; }
      if (dim > 0) extend(state, child(dim - 1), elementWidth, indent);
      s = state.s + state.line;
    } else {
      const lineSeparator = `,${'\n'.repeat(a.shape.length - axis - 1)}`;
      for (let i = 0; i < leading; i++) s += indent + child(i) + lineSeparator;
      if (summary) s += `${indent}...${lineSeparator}`;
      for (let i = trailing; i > 1; i--) s += indent + child(dim - i) + lineSeparator;
      if (dim > 0) s += indent + child(dim - 1);
    }
    return `[${s.slice(indent.length)}]`;
  };
  return recurse(0, 0, a.size, prefix, width);
}

/**
 * `array([...])` for any array. As MXNet prints: float32 (its default) and bool show no dtype,
 * float64, int32 and int64 do.
 */
export function formatArray(a: Printable): string {
  const dtypeText = `dtype=${a.dtype}`;
  const showDType = a.dtype !== 'float32' && a.dtype !== 'bool';
  if (a.size === 0) {
    const parts = ['[]'];
    if (a.shape.length !== 1) parts.push(`shape=${formatShape(a.shape)}`);
    if (a.dtype !== 'float32') parts.push(dtypeText);
    return `array(${parts.join(', ')})`;
  }
  const summarise = a.size > THRESHOLD;
  const values = shownIndices(a.shape, summarise).map((i) => a._data[i]!);
  const format = elementFormatter(values, a.dtype);
  const prefix = 'array(';
  const body = a.shape.length === 0
    ? format(a._data[0]!).trim()
    : layout(a, format, LINE_WIDTH - 1, ' '.repeat(prefix.length + 1), summarise);
  // NumPy 2 names the shape of a summarised array, which helps when the middle is elided.
  const extras = [...(summarise ? [`shape=${formatShape(a.shape)}`] : []), ...(showDType ? [dtypeText] : [])];
  if (extras.length === 0) return `${prefix}${body})`;
  const text = `${prefix}${body},`;
  const extraText = extras.join(', ');
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  const spacer = lastLine + extraText.length + 1 > LINE_WIDTH ? `\n${' '.repeat(prefix.length)}` : ' ';
  return `${text}${spacer}${extraText})`;
}
