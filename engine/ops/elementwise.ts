/**
 * Elementwise ops: arithmetic and comparisons with broadcasting, where, clip, logaddexp, isnan and
 * isinf. (Unary math: unary.ts, from defs/unary.ts.)
 */
import { allocate, arithmeticType, floatResult, promoteTypes, wholeInt64, type DType } from '../dtype';
import { engineError } from '../errors';
import { runBinary, type BinaryKernel } from '../kernels/elementwise';
import { NDArray } from '../ndarray';
import { broadcastShapes, sizeOf } from '../shape';
import { emit } from '../tape';
import type { OpName } from './attrs';
import { checkArray, dataAs, materialize, toArray, toOperands, type Operand } from './operand';

const NO_ATTRS = {} as Record<string, never>;

type ResultRule = 'arithmetic' | 'float' | 'bool';

function binary(op: OpName, kernel: BinaryKernel, a: Operand, b: Operand, result: ResultRule): NDArray {
  const [x, y] = toOperands(op, a, b);
  const shape = broadcastShapes(op, x.shape, y.shape);
  const common = promoteTypes(x.dtype, y.dtype);
  const compute: DType = result === 'float' ? floatResult(common) : result === 'arithmetic' ? arithmeticType(common) : common;
  const outDType: DType = result === 'bool' ? 'bool' : compute;
  const out = new NDArray(allocate(outDType, sizeOf(shape)), shape, outDType);
  runBinary(kernel, compute, dataAs(x, compute), x.shape, dataAs(y, compute), y.shape, out._data, shape);
  if (outDType === 'int64') wholeInt64(out._data);
  return emit(op as 'add', [x, y], NO_ATTRS, out);
}

type Comparison = 'equal' | 'notEqual' | 'less' | 'greater' | 'lessEqual' | 'greaterEqual';

function compare(op: Comparison, a: Operand, b: Operand): NDArray {
  return binary(op, op, a, b, 'bool');
}

/** a + b */
export function add(a: Operand, b: Operand): NDArray { return binary('add', 'add', a, b, 'arithmetic'); }
/** a − b */
export function sub(a: Operand, b: Operand): NDArray { return binary('sub', 'sub', a, b, 'arithmetic'); }
/** a · b (elementwise) */
export function mul(a: Operand, b: Operand): NDArray { return binary('mul', 'mul', a, b, 'arithmetic'); }
/** a / b (true division: integer operands give float32) */
export function div(a: Operand, b: Operand): NDArray { return binary('div', 'div', a, b, 'float'); }
/** a ** b */
export function pow(a: Operand, b: Operand): NDArray { return binary('pow', 'pow', a, b, 'arithmetic'); }
/** The larger of a and b, elementwise (NaN wins). */
export function maximum(a: Operand, b: Operand): NDArray { return binary('maximum', 'maximum', a, b, 'arithmetic'); }
/** The smaller of a and b, elementwise (NaN wins). */
export function minimum(a: Operand, b: Operand): NDArray { return binary('minimum', 'minimum', a, b, 'arithmetic'); }

export function equal(a: Operand, b: Operand): NDArray { return compare('equal', a, b); }
export function notEqual(a: Operand, b: Operand): NDArray { return compare('notEqual', a, b); }
export function less(a: Operand, b: Operand): NDArray { return compare('less', a, b); }
export function greater(a: Operand, b: Operand): NDArray { return compare('greater', a, b); }
export function lessEqual(a: Operand, b: Operand): NDArray { return compare('lessEqual', a, b); }
export function greaterEqual(a: Operand, b: Operand): NDArray { return compare('greaterEqual', a, b); }

// The backward of tanh, sigmoid and relu as single ops (as PyTorch's tanh_backward): one pass over
// the data in first-order backward, and ops of their own — with their own gradient rules — so that
// second derivatives through them still work.
/** g·(1 − y²), the gradient of tanh given its output y. */
export function tanhGrad(g: NDArray, y: NDArray): NDArray { return binary('tanhGrad', 'tanhGrad', g, y, 'float'); }
/** g·y·(1 − y), the gradient of sigmoid given its output y. */
export function sigmoidGrad(g: NDArray, y: NDArray): NDArray { return binary('sigmoidGrad', 'sigmoidGrad', g, y, 'float'); }
/** g where x > 0, else 0: the gradient of relu given its input x. */
export function reluGrad(g: NDArray, x: NDArray): NDArray { return binary('reluGrad', 'reluGrad', g, x, 'arithmetic'); }

/** Elements of `a` where `condition` is true (non-zero), of `b` elsewhere; all three broadcast. */
export function where(condition: Operand, a: Operand, b: Operand): NDArray {
  const cond = toArray('where', condition, null, 'the condition');
  const [x, y] = toOperands('where', a, b);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
  const dtype = promoteTypes(x.dtype, y.dtype);
  const size = sizeOf(shape);
  const c = materialize(cond, cond.dtype, shape);
  const xs = materialize(x, dtype, shape);
  const ys = materialize(y, dtype, shape);
  const out = allocate(dtype, size);
  for (let i = 0; i < size; i++) out[i] = c[i] ? xs[i]! : ys[i]!;
  return emit('where', [cond, x, y], NO_ATTRS, new NDArray(out, shape, dtype));
}

/** `a` limited to [min, max]; either bound may be null. */
export function clip(a: NDArray, min: number | null | undefined, max: number | null | undefined): NDArray {
  const x = checkArray('clip', a);
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null) throw engineError('clip', 'at least one of min and max must be given');
  if (lo !== null && hi !== null && lo > hi) throw engineError('clip', `min ${lo} is larger than max ${hi}`);
  const dtype = arithmeticType(x.dtype);
  const src = dataAs(x, dtype);
  const out = allocate(dtype, x.size);
  const low = lo ?? -Infinity;
  const high = hi ?? Infinity;
  for (let i = 0; i < out.length; i++) {
    const v = src[i]!;
    out[i] = v < low ? low : v > high ? high : v;
  }
  if (dtype === 'int64') wholeInt64(out);
  return emit('clip', [x], { min: lo, max: hi }, new NDArray(out, x.shape, dtype));
}

/**
 * ln(eᵃ + eᵇ), elementwise with broadcasting, computed without overflow (max(a, b) + ln(1 + e^(−|a − b|))).
 *
 * ```ts
 * np.logaddexp(np.array([1000, -Infinity]), np.array([1000, 0]));  // array([1000.6931,    0.    ])
 * ```
 */
export function logaddexp(a: Operand, b: Operand): NDArray { return binary('logaddexp', 'logaddexp', a, b, 'float'); }

function classify(op: 'isnan' | 'isinf', a: NDArray): NDArray {
  const x = checkArray(op, a);
  const out = allocate('bool', x.size);
  const data = x._data;
  if (op === 'isnan') for (let i = 0; i < out.length; i++) out[i] = data[i] !== data[i] ? 1 : 0;
  else for (let i = 0; i < out.length; i++) out[i] = data[i] === Infinity || data[i] === -Infinity ? 1 : 0;
  return emit(op, [x], NO_ATTRS, new NDArray(out, x.shape, 'bool'));
}

/** Where `a` is NaN: a bool array (no gradient). */
export function isnan(a: NDArray): NDArray { return classify('isnan', a); }
/** Where `a` is +∞ or −∞: a bool array (no gradient). */
export function isinf(a: NDArray): NDArray { return classify('isinf', a); }
