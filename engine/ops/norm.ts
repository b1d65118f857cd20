/** np.linalg.norm: vector norms (2, 1, ±∞) over one axis, matrix norms ('fro', ±1, ±∞) over two. */
import { allocate, floatResult } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runExtremeSum, runLanes, type LaneKernel } from '../kernels/lanes';
import { NDArray } from '../ndarray';
import type { NormOrder } from './defs/reduce';
import { normalizeAxis, reducedShape } from '../shape';
import { emit } from '../tape';
import { checkArray } from './operand';
import { describe } from './options';
import { lanes } from './reduce';

/** ord as NumPy takes it: a number (Infinity for ∞), 'fro' or 'nuc'; null/undefined is the default. */
export type NormOrdArgument = number | 'fro' | 'nuc' | null | undefined;

const VECTOR_KERNELS: Partial<Record<string, LaneKernel>> = { '2': 'norm2', fro: 'norm2', '1': 'norm1', inf: 'maxAbs', '-inf': 'minAbs' };

/**
 * The norm of a recorded kind (what the tape records; replay calls it): `axis` normalised, two axes
 * for the matrix norms ±1, ±inf (row axis first), any number for 'fro'.
 */
export function normOf(a: NDArray, ord: NormOrder, axis: readonly number[], keepdims: boolean): NDArray {
  const x = checkArray('norm', a);
  const dtype = floatResult(x.dtype);
  const shape = reducedShape(x.shape, axis, keepdims);
  const matrix = axis.length === 2 && ord !== 'fro' && ord !== 2;
  let out;
  if (!matrix) {
    const { data, count, n } = lanes(x, axis, dtype);
    out = allocate(dtype, count);
    runLanes(VECTOR_KERNELS[String(ord)]!, dtype, data, out, count, n);
  } else {
    // ±1: |a| summed down each column (over the row axis), the extreme column; ±inf: the rows.
    const [rowAxis, colAxis] = axis as [number, number];
    const byColumns = ord === 1 || ord === -1;
    const { data, count } = lanes(x, byColumns ? [rowAxis, colAxis] : [colAxis, rowAxis], dtype);
    const [summed, extreme] = byColumns ? [x.shape[rowAxis]!, x.shape[colAxis]!] : [x.shape[colAxis]!, x.shape[rowAxis]!];
    out = allocate(dtype, count);
    runExtremeSum(dtype, data, out, count, summed, extreme, ord === 1 || ord === 'inf');
  }
  return emit('norm', [x], { ord, axis: [...axis], keepdims }, new NDArray(out, shape, dtype));
}

/** ord as recorded: ±Infinity become 'inf'/'-inf' (a trace is JSON, which has no Infinity). */
function recordedOrder(ord: NormOrdArgument): NormOrder | 'nuc' | null {
  if (ord === Infinity) return 'inf';
  if (ord === -Infinity) return '-inf';
  if (ord === 1 || ord === 2 || ord === -1 || ord === 'fro' || ord === 'nuc') return ord;
  return null;
}

/**
 * NumPy's `np.linalg.norm`: with no `ord` and no `axis`, the 2-norm of the flattened array. With one
 * axis (or a 1-D array), a vector norm: `ord` 2 (default), 1, Infinity (max |a|), -Infinity (min |a|).
 * With two axes (or a 2-D array and an `ord`), a matrix norm: 'fro' (default), 1 (largest column
 * sum of |a|), Infinity (largest row sum), -1, -Infinity (smallest). Large values do not overflow:
 * the 2-norm is computed as m·√Σ(a/m)² with m = max |a|. Its gradient a/‖a‖ is 0 at a = 0.
 *
 * ```ts
 * np.linalg.norm(np.array([3, 4]));                   // array(5.)
 * np.linalg.norm(np.array([[1, -2], [3, 4]]), 1);     // array(6.)  (column sums 4 and 6)
 * np.linalg.norm(np.array([[1, -2], [3, 4]]), Infinity, 1); // array([2., 4.])
 * ```
 */
export function norm(a: NDArray, ord?: NormOrdArgument, axis?: number | readonly number[] | null, keepdims = false): NDArray {
  const x = checkArray('norm', a);
  if (typeof keepdims !== 'boolean') throw engineError('norm', `keepdims must be true or false, got ${describe(keepdims)}`);
  const order = recordedOrder(ord);
  if (order === null && ord !== undefined && ord !== null) {
    throw engineError('norm', `ord ${describe(ord)} is not supported (use 2, 1, Infinity or -Infinity for vectors; 'fro', 1, -1, Infinity or -Infinity for matrices)`);
  }
  const all = x.shape.map((_, i) => i);
  if (axis === undefined || axis === null) {
    if (order === null) return normOf(x, 'fro', all, keepdims); // the flattened array's 2-norm
    if (x.ndim !== 1 && x.ndim !== 2) {
      throw engineError('norm', `improper number of dimensions to norm: ord ${describe(ord)} needs a 1-D or 2-D array or an axis, got shape ${formatShape(x.shape)}`);
    }
    return dispatch(x, order, all, keepdims, ord);
  }
  const list = typeof axis === 'number' ? [axis] : Array.isArray(axis) ? [...axis] : null;
  if (list === null || (list.length !== 1 && list.length !== 2)) {
    throw engineError('norm', `axis must be an integer or a pair of integers, got ${describe(axis)}`);
  }
  const axes = list.map((ax) => normalizeAxis('norm', ax, x.ndim));
  if (axes.length === 2 && axes[0] === axes[1]) throw engineError('norm', `duplicate axes given: ${describe(axis)}`);
  return dispatch(x, order ?? (axes.length === 1 ? 2 : 'fro'), axes, keepdims, ord);
}

function vectorOrderError(ord: NormOrdArgument): never {
  throw engineError('norm', `invalid norm order ${describe(ord)} for vectors (use 2, 1, Infinity or -Infinity)`);
}

function dispatch(x: NDArray, order: NormOrder | 'nuc', axes: number[], keepdims: boolean, ord: NormOrdArgument): NDArray {
  if (axes.length === 1) {
    if (order === 'fro' || order === 'nuc' || order === -1) return vectorOrderError(ord);
    return normOf(x, order, axes, keepdims);
  }
  if (order === 2 || order === 'nuc') {
    throw engineError('norm', `the matrix norm ord ${describe(ord)} needs singular values, which GradLens does not compute (use 'fro', 1, -1, Infinity or -Infinity)`);
  }
  return normOf(x, order, axes, keepdims);
}
