/**
 * An array as a debugger's Variables, Watch and hover show it: one summary line, shape first —
 * `float32 (256, 784) ≈0.013 ±0.98 [−3.1, 3.4] nan:0` (dtype, shape, mean, standard deviation,
 * range of the finite elements, NaN count; ±∞ counted when there are any). VS Code's JavaScript
 * debugger calls an object's `[Symbol.for('debug.description')]()` for that line instead of
 * printing its fields, which for an NDArray are storage and bookkeeping (`_data`, `_node`, …).
 */
import type { DType, TypedArray } from './dtype';
import { formatShape } from './errors';

/** The key js-debug looks a description method up by (VS Code's own API objects use it too). */
export const DEBUG_DESCRIPTION = Symbol.for('debug.description');
/** The key js-debug (VS Code 1.110 and later) looks the properties to show an object with up by. */
export const DEBUG_PROPERTIES = Symbol.for('debug.properties');
/** The most values an array shows when expanded in the debugger (the first ones, in row-major order). */
export const DEBUG_VALUES = 100;

/** What the line reads of an array (structural: no import cycle with ndarray.ts). */
interface Described {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  readonly _data: TypedArray;
}

/** What expanding an array in Variables, Watch or a hover shows (its own fields stay under `…`). */
export interface DebugProperties {
  shape: number[];
  dtype: DType;
  /** Nested once per dimension when the array has at most DEBUG_VALUES elements; else the first ones, flat. */
  values: unknown;
  grad: unknown;
  gradReq: string;
  /** Made by a recorded op (it is part of a graph backward can go through). */
  recorded: boolean;
}

/**
 * The properties an array shows when expanded: its values (the first DEBUG_VALUES of a big
 * one, under a key that says so), its gradient buffer (itself an array: one line, expandable),
 * gradReq and whether it was recorded.
 */
export function debugProperties(array: Described & { readonly grad: unknown; readonly gradReq: string; readonly _node: unknown; toArray(): unknown }): Record<string, unknown> {
  const whole = array.size <= DEBUG_VALUES;
  const first = Array.from(array._data.subarray(0, DEBUG_VALUES), (v) => (array.dtype === 'bool' ? v !== 0 : Number(v)));
  return {
    shape: [...array.shape],
    dtype: array.dtype,
    [whole ? 'values' : `values (first ${DEBUG_VALUES} of ${array.size})`]: whole ? array.toArray() : first,
    grad: array.grad,
    gradReq: array.gradReq,
    recorded: array._node !== null,
  };
}

/** Two significant digits, with a true minus sign: `0.013`, `−3.1`, `1.2e+5`. */
function short(value: number): string {
  const text = Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(1) : String(Number(value.toPrecision(2)));
  return text.replace(/-/g, '\u2212');
}

/**
 * @example
 *   debugDescription(np.array([[1, 2], [3, NaN]]))  // 'float32 (2, 2) ≈2 ±0.82 [1, 3] nan:1'
 */
export function debugDescription(array: Described): string {
  const head = `${array.dtype} ${formatShape(array.shape)}`;
  if (array.size === 0) return `${head} empty`;
  const data = array._data;
  if (array.dtype === 'bool') {
    let trues = 0;
    for (let i = 0; i < data.length; i++) if (data[i]) trues++;
    return `${head} true:${trues}`;
  }
  let nan = 0;
  let inf = 0;
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== v) { nan++; continue; }
    if (v === Infinity || v === -Infinity) { inf++; continue; }
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = `nan:${nan}${inf > 0 ? ` inf:${inf}` : ''}`;
  if (count === 0) return `${head} no finite values ${counts}`;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v === v && v !== Infinity && v !== -Infinity) squares += (v - mean) * (v - mean);
  }
  const std = Math.sqrt(squares / count);
  return `${head} ≈${short(mean)} ±${short(std)} [${short(min)}, ${short(max)}] ${counts}`;
}
