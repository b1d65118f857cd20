/** np.pad and its gradient: every mode is a map from each padded position to the element it copies. */
import { allocate, castNumber } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runScatterKept } from '../kernels/layout';
import { NDArray } from '../ndarray';
import type { PadMode } from './defs/layout';
import { sizeOf } from '../shape';
import { emit } from '../tape';
import { aroundAxis, gatherAxis } from './arrange';
import { checkArray } from './operand';
import { describe, readOptions } from './options';

const MODES: readonly PadMode[] = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'];

/** How much to pad, as NumPy takes it: n everywhere, [before, after] everywhere, or one pair per axis. */
export type PadWidth = number | readonly number[] | readonly (readonly number[])[];

export interface PadOptions {
  /**
   * 'constant' (default: `constantValues`), 'edge' (the edge element repeated), 'reflect' (mirrored
   * without the edge: 3 2 | 1 2 3 | 2 1), 'symmetric' (mirrored with it: 2 1 | 1 2 3 | 3 2) or
   * 'wrap' (the other end: 2 3 | 1 2 3 | 1 2).
   */
  mode?: PadMode;
  /** The value of mode 'constant' (default 0). */
  constantValues?: number;
}

/** padWidth as one [before, after] pair of integers ≥ 0 per axis. */
function padPairs(padWidth: unknown, ndim: number): number[][] {
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const pair = (v: unknown): number[] | null => {
    if (isCount(v)) return [v as number, v as number];
    if (Array.isArray(v) && (v.length === 1 || v.length === 2) && v.every(isCount)) return v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
    return null;
  };
  const everywhere = pair(padWidth) ?? (Array.isArray(padWidth) && padWidth.length === 1 ? pair(padWidth[0]) : null);
  if (everywhere !== null) return Array.from({ length: ndim }, () => [...everywhere]);
  const perAxis = Array.isArray(padWidth) && padWidth.length === ndim && padWidth.every(Array.isArray) ? padWidth.map(pair) : null;
  if (perAxis === null || perAxis.some((p) => p === null)) {
    throw engineError('pad', `padWidth ${describe(padWidth)} does not fit an array of dimension ${ndim}: give integers ≥ 0 as n, [before, after], or one [before, after] per axis`);
  }
  return perAxis as number[][];
}

/** For each position of the padded axis, the element of the axis (of size n) it copies; −1 for the constant. */
function sourceIndices(mode: PadMode, n: number, before: number, after: number): Int32Array {
  return Int32Array.from({ length: n + before + after }, (_, t) => {
    const i = t - before;
    if (i >= 0 && i < n) return i;
    const mod = (k: number, m: number) => ((k % m) + m) % m;
    switch (mode) {
      case 'constant': return -1;
      case 'edge': return i < 0 ? 0 : n - 1;
      case 'reflect': { if (n === 1) return 0; const m = mod(i, 2 * n - 2); return m < n ? m : 2 * n - 2 - m; }
      case 'symmetric': { const m = mod(i, 2 * n); return m < n ? m : 2 * n - 1 - m; }
      case 'wrap': return mod(i, n);
    }
  });
}

/** pad as recorded (and replayed): one [before, after] pair per axis. */
export function padOf(a: NDArray, padWidth: readonly (readonly number[])[], mode: PadMode, constantValue: number): NDArray {
  const x = checkArray('pad', a);
  let data = x._data;
  let shape = [...x.shape];
  const fill = castNumber(constantValue, x.dtype);
  padWidth.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    data = gatherAxis(x.dtype, data, shape, axis, sourceIndices(mode, shape[axis]!, before!, after!), fill);
    shape = shape.map((d, i) => (i === axis ? d + before! + after! : d));
  });
  if (data === x._data) data = data.slice(); // no padding: still a new array
  const widths = padWidth.map((p) => [...p]);
  return emit('pad', [x], { padWidth: widths, mode, constantValue }, new NDArray(data, shape, x.dtype));
}

/**
 * NumPy `pad`: `a` with `padWidth` elements added before and after each axis, by `mode`.
 *
 * ```ts
 * np.pad(np.array([1, 2, 3]), [1, 2]);                          // array([0., 1., 2., 3., 0., 0.])
 * np.pad(np.array([1, 2, 3]), 2, { mode: 'reflect' });          // array([3., 2., 1., 2., 3., 2., 1.])
 * np.pad(np.ones([2, 2]), [[0, 1], [1, 0]], { constantValues: 5 }).shape;  // [3, 3]
 * ```
 */
export function pad(a: NDArray, padWidth: PadWidth, options?: PadOptions): NDArray {
  const x = checkArray('pad', a);
  const given = readOptions('pad', options, ['mode', 'constantValues']);
  const mode = (given['mode'] ?? 'constant') as PadMode;
  if (!MODES.includes(mode)) throw engineError('pad', `unknown mode ${describe(given['mode'])} (the modes are ${MODES.map((m) => `'${m}'`).join(', ')})`);
  const constantValue = given['constantValues'] ?? 0;
  if (typeof constantValue !== 'number') throw engineError('pad', `constantValues must be a number, got ${describe(constantValue)}`);
  if (given['constantValues'] !== undefined && mode !== 'constant') throw engineError('pad', `constantValues is an option of mode 'constant', not of mode '${mode}'`);
  const pairs = padPairs(padWidth, x.ndim);
  pairs.forEach(([before, after], axis) => {
    if (mode !== 'constant' && x.shape[axis] === 0 && before! + after! > 0) {
      throw engineError('pad', `can't extend the empty axis ${axis} (shape ${formatShape(x.shape)}) with mode '${mode}': there is no element to copy`);
    }
  });
  return padOf(x, pairs, mode, constantValue);
}

/**
 * The gradient of `pad`: `g` (padded) summed back into an array of `shape`, each padded position
 * added to the element it copied (a constant's positions dropped).
 */
export function padGrad(g: NDArray, padWidth: readonly (readonly number[])[], mode: PadMode, shape: readonly number[]): NDArray {
  let data = g._data;
  let current = [...g.shape];
  padWidth.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const n = shape[axis]!;
    const { outer, inner } = aroundAxis(current, axis);
    const next = current.map((d, i) => (i === axis ? n : d));
    const out = allocate(g.dtype, sizeOf(next));
    runScatterKept(g.dtype, data, out, sourceIndices(mode, n, before!, after!), outer, n, inner);
    data = out;
    current = next;
  });
  if (data === g._data) data = data.slice();
  return emit('padGrad', [g], { padWidth: padWidth.map((p) => [...p]), mode, shape: [...shape] }, new NDArray(data, [...shape], g.dtype));
}
