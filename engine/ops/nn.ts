/**
 * Neural-network ops: softmax, log-softmax, dropout, batch normalisation, and MXNet's
 * npx.maskedSoftmax, npx.layerNorm, npx.leakyRelu and npx.batchDot (the lookups — pick, oneHot,
 * embedding, sequenceMask — are in lookup.ts). Their definitions: defs/nn.ts.
 */
import { allocate, arithmeticType, floatResult, isFloat, promoteTypes } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runGemm } from '../kernels/gemm';
import { channelAffine, channelMoments, runLayerNorm, runLeakyRelu, runMaskedSoftmax, runSoftmax } from '../kernels/nn';
import { NDArray } from '../ndarray';
import { uniformDouble } from '../random';
import { normalizeAxis, sameShape, sizeOf } from '../shape';
import { autogradState } from '../state';
import { emit } from '../tape';
import { checkOptions } from '../strict';
import { checkArray, dataAs, materialize } from './operand';
import {
  axisOption, booleanOption, choiceOption, finiteNumberOption, nonNegativeNumberOption, option, positiveNumberOption, readOptions,
} from './options';
import { unaryOps } from './unary';

function lanes(shape: readonly number[], axis: number) {
  return { outer: sizeOf(shape.slice(0, axis)), size: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

function softmaxOp(op: 'softmax' | 'logSoftmax', a: NDArray, axis: number): NDArray {
  const x = checkArray(op, a);
  if (x.ndim === 0) throw engineError(op, 'needs an array with at least one dimension');
  const ax = normalizeAxis(op, axis, x.ndim);
  const dtype = floatResult(x.dtype);
  const { outer, size, inner } = lanes(x.shape, ax);
  const out = allocate(dtype, x.size);
  runSoftmax(op === 'logSoftmax', dtype, dataAs(x, dtype), out, outer, size, inner);
  return emit(op, [x], { axis: ax }, new NDArray(out, x.shape, dtype));
}

/** exp(x) / Σ exp(x) along `axis` (computed with the max subtracted, so large inputs are fine). */
export function softmax(a: NDArray, axis = -1): NDArray { return softmaxOp('softmax', a, axis); }

/** log(softmax(x)) along `axis`, computed as x − max − log Σ exp(x − max): stable for large inputs. */
export function logSoftmax(a: NDArray, axis = -1): NDArray { return softmaxOp('logSoftmax', a, axis); }

/**
 * In training mode, zeroes each element with probability `p` and scales the kept ones by
 * 1/(1−p); in prediction mode, returns the input's values unchanged.
 */
export function dropout(a: NDArray, p = 0.5): NDArray {
  const x = checkArray('dropout', a);
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw engineError('dropout', `p must be in [0, 1), got ${String(p)}`);
  const dtype = floatResult(x.dtype);
  const input = dataAs(x, dtype);
  const active = autogradState.training && p > 0;
  if (!active) {
    return emit('dropout', [x], { p, active }, new NDArray(input === x._data ? input.slice() : input, x.shape, dtype));
  }
  const keep = 1 - p;
  const mask = allocate(dtype, x.size);
  const out = allocate(dtype, x.size);
  for (let i = 0; i < out.length; i++) {
    const scale = uniformDouble() < keep ? 1 / keep : 0;
    mask[i] = scale;
    out[i] = input[i]! * scale;
  }
  return emit('dropout', [x], { p, active }, new NDArray(out, x.shape, dtype), [new NDArray(mask, x.shape, dtype)]);
}

export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the old running statistics in their update (default 0.9). */
  momentum?: number;
  /** The channel axis: statistics are taken over every other axis (default 1). */
  axis?: number;
}

/**
 * Batch normalisation, as MXNet's BatchNorm: in training mode, normalises with the batch's mean
 * and (biased) variance and updates `runningMean`/`runningVar` in place
 * (running = momentum·running + (1−momentum)·batch); in prediction mode, uses the running statistics.
 * `gamma`, `beta` and the running statistics have one element per channel.
 */
export function batchNorm(
  x: NDArray, gamma: NDArray, beta: NDArray, runningMean: NDArray, runningVar: NDArray, options: BatchNormOptions = {},
): NDArray {
  const input = checkArray('batchNorm', x, 'x');
  const params = [gamma, beta, runningMean, runningVar].map((p, i) =>
    checkArray('batchNorm', p, ['gamma', 'beta', 'runningMean', 'runningVar'][i]));
  checkOptions('batchNorm', options, ['eps', 'momentum', 'axis']);
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.9;
  if (input.ndim < 1) throw engineError('batchNorm', 'x needs at least one dimension');
  const axis = normalizeAxis('batchNorm', options.axis ?? 1, input.ndim);
  const channels = input.shape[axis]!;
  params.forEach((p, i) => {
    if (p.ndim !== 1 || p.shape[0] !== channels) {
      const name = ['gamma', 'beta', 'runningMean', 'runningVar'][i];
      throw engineError('batchNorm', `${name} must have shape (${channels},) to match axis ${axis} of x ${formatShape(input.shape)}, got ${formatShape(p.shape)}`);
    }
  });
  const [g, b, rm, rv] = params as [NDArray, NDArray, NDArray, NDArray];
  if (!isFloat(rm.dtype) || !isFloat(rv.dtype)) throw engineError('batchNorm', 'runningMean and runningVar must be float arrays');
  const dtype = floatResult(input.dtype);
  const data = dataAs(input, dtype);
  const { outer, inner } = lanes(input.shape, axis);
  const useBatchStats = autogradState.training;
  let mean: ArrayLike<number> = rm._data;
  let variance: ArrayLike<number> = rv._data;
  if (useBatchStats) {
    const moments = channelMoments(data, outer, channels, inner);
    mean = moments.mean;
    variance = moments.variance;
    for (let c = 0; c < channels; c++) {
      rm._data[c] = momentum * rm._data[c]! + (1 - momentum) * moments.mean[c]!;
      rv._data[c] = momentum * rv._data[c]! + (1 - momentum) * moments.variance[c]!;
    }
  }
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = g._data[c]! / Math.sqrt(variance[c]! + eps);
    shift[c] = b._data[c]! - mean[c]! * scale[c]!;
  }
  const out = allocate(dtype, input.size);
  channelAffine(data, out, scale, shift, outer, channels, inner);
  return emit('batchNorm', [input, g, b, rm, rv], { eps, momentum, axis, useBatchStats }, new NDArray(out, input.shape, dtype));
}

// ---- MXNet's npx layers ----

/** Whether an array of shape `from` broadcasts to exactly `to` (NumPy rules). */
function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((dim, i) => dim === 1 || dim === to[lead + i]);
}

export interface MaskedSoftmaxOptions {
  /** The axis the probabilities sum to 1 along (default -1). */
  axis?: number;
  /** The data is divided by it before the softmax (default 1). */
  temperature?: number;
}

/**
 * MXNet's `npx.masked_softmax`: softmax of `data / temperature` along `axis` over the positions
 * where `mask` (bool, broadcastable to data) is true; masked positions get probability 0, and a
 * lane masked entirely is all 0 (not NaN). Masked positions get no gradient.
 *
 * ```ts
 * const mask = np.array([[true, true, false], [false, false, false]]);
 * npx.maskedSoftmax(np.array([[1, 1, 5], [1, 2, 3]]), mask);   // [[0.5, 0.5, 0], [0, 0, 0]]
 * ```
 */
export function maskedSoftmax(data: NDArray, mask: NDArray, options: MaskedSoftmaxOptions = {}): NDArray {
  const op = 'maskedSoftmax';
  const x = checkArray(op, data, 'data');
  const m = checkArray(op, mask, 'mask');
  const given = readOptions(op, options, ['axis', 'temperature']);
  if (x.ndim === 0) throw engineError(op, 'data needs at least one dimension, got a 0-d array');
  const axis = axisOption(op, option(given, 'axis', -1), x, 'data');
  const temperature = positiveNumberOption(op, 'temperature', option(given, 'temperature', 1));
  if (m.dtype !== 'bool') {
    throw engineError(op, `mask must be a bool array (true where kept), got dtype ${m.dtype} (compare to get one, e.g. np.greater(m, 0), or use m.astype('bool'))`);
  }
  if (!broadcastsTo(m.shape, x.shape)) throw engineError(op, `mask of shape ${formatShape(m.shape)} does not broadcast to data of shape ${formatShape(x.shape)}`);
  const dtype = floatResult(x.dtype);
  const { outer, size, inner } = lanes(x.shape, axis);
  const out = allocate(dtype, x.size);
  runMaskedSoftmax(dtype, dataAs(x, dtype), materialize(m, 'bool', x.shape) as Uint8Array, out, outer, size, inner, temperature);
  return emit(op, [x, m], { axis, temperature }, new NDArray(out, x.shape, dtype));
}

export interface LayerNormOptions {
  /** The axis normalised over; gamma and beta have its length (default -1). */
  axis?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * MXNet's `npx.layer_norm`: each lane of `data` along `axis` normalised by its own mean and (biased)
 * variance, then scaled by `gamma` and shifted by `beta`, both of that axis' length.
 *
 * ```ts
 * npx.layerNorm(np.array([[1, 2, 3], [2, 2, 8]]), np.ones([3]), np.zeros([3]));  // each row mean 0, variance ≈ 1
 * ```
 */
export function layerNorm(data: NDArray, gamma: NDArray, beta: NDArray, options: LayerNormOptions = {}): NDArray {
  const op = 'layerNorm';
  const x = checkArray(op, data, 'data');
  const scale = checkArray(op, gamma, 'gamma');
  const shift = checkArray(op, beta, 'beta');
  const given = readOptions(op, options, ['axis', 'eps']);
  if (x.ndim === 0) throw engineError(op, 'data needs at least one dimension, got a 0-d array');
  const axis = axisOption(op, option(given, 'axis', -1), x, 'data');
  const eps = nonNegativeNumberOption(op, 'eps', option(given, 'eps', 1e-5));
  const features = x.shape[axis]!;
  for (const [name, p] of [['gamma', scale], ['beta', shift]] as const) {
    if (!sameShape(p.shape, [features])) {
      throw engineError(op, `${name} must have shape (${features},), one per element of axis ${axis} of data ${formatShape(x.shape)}, got ${formatShape(p.shape)}`);
    }
  }
  const dtype = floatResult(promoteTypes(promoteTypes(x.dtype, scale.dtype), shift.dtype));
  const { outer, inner } = lanes(x.shape, axis);
  const out = allocate(dtype, x.size);
  runLayerNorm(dtype, dataAs(x, dtype), dataAs(scale, dtype), dataAs(shift, dtype), out, outer, features, inner, eps);
  return emit(op, [x, scale, shift], { axis, eps }, new NDArray(out, x.shape, dtype));
}

export interface LeakyReluOptions {
  /** 'leaky' (default): a or slope·a; 'elu': a or slope·(eᵃ − 1); 'gelu': npx.gelu (slope unused). */
  actType?: 'leaky' | 'elu' | 'gelu';
  /** The slope below 0 (default 0.25). */
  slope?: number;
}

/** MXNet's activation types that need what this function does not take (a learned slope, a random one) or are not written yet. */
const UNSUPPORTED_ACT_TYPES: Record<string, string> = {
  prelu: 'needs a learned slope array (gamma), which npx.leakyRelu does not take',
  rrelu: 'draws a random slope per element, which npx.leakyRelu does not do',
  selu: 'is not supported', gelu_erf: "is called 'gelu' here", gelu_tanh: "is not supported (the erf form is: 'gelu')",
};

/**
 * MXNet's `npx.leaky_relu`: `a` where a > 0 and, below, `slope · a` ('leaky') or `slope · (eᵃ − 1)`
 * ('elu'); 'gelu' is npx.gelu.
 *
 * ```ts
 * npx.leakyRelu(np.array([-2, 0, 3]));                            // [-0.5, 0, 3]
 * npx.leakyRelu(np.array([-1, 2]), { actType: 'elu', slope: 1 }); // [-0.632, 2]
 * ```
 */
export function leakyRelu(data: NDArray, options: LeakyReluOptions = {}): NDArray {
  const op = 'leakyRelu';
  const x = checkArray(op, data, 'data');
  const given = readOptions(op, options, ['actType', 'slope']);
  const requested = option(given, 'actType', 'leaky');
  if (typeof requested === 'string' && Object.hasOwn(UNSUPPORTED_ACT_TYPES, requested)) {
    throw engineError(op, `actType '${requested}' ${UNSUPPORTED_ACT_TYPES[requested]} (the actTypes are 'leaky', 'elu' and 'gelu')`);
  }
  const actType = choiceOption(op, 'actType', requested, ['leaky', 'elu', 'gelu'] as const);
  const slope = finiteNumberOption(op, 'slope', option(given, 'slope', 0.25));
  if (actType === 'gelu') return unaryOps.gelu(x);
  const dtype = floatResult(x.dtype);
  const out = allocate(dtype, x.size);
  runLeakyRelu(actType, dtype, dataAs(x, dtype), out, slope);
  return emit(op, [x], { actType, slope }, new NDArray(out, x.shape, dtype));
}

export interface BatchDotOptions {
  /** Multiply by each of a's matrices transposed (default false). */
  transposeA?: boolean;
  /** Multiply by each of b's matrices transposed (default false). */
  transposeB?: boolean;
}

/**
 * MXNet's `npx.batch_dot`: a (B…, M, K) times b (B…, K, N) matrix by matrix, giving (B…, M, N); the
 * batch axes must be the same (no broadcasting) and there must be at least one.
 *
 * ```ts
 * npx.batchDot(np.ones([2, 3, 4]), np.ones([2, 4, 5])).shape;                        // [2, 3, 5]
 * npx.batchDot(np.ones([2, 4, 3]), np.ones([2, 5, 4]), { transposeA: true, transposeB: true }).shape; // [2, 3, 5]
 * ```
 */
export function batchDot(a: NDArray, b: NDArray, options: BatchDotOptions = {}): NDArray {
  const op = 'batchDot';
  const x = checkArray(op, a, 'a');
  const y = checkArray(op, b, 'b');
  const given = readOptions(op, options, ['transposeA', 'transposeB']);
  const transposeA = booleanOption(op, 'transposeA', option(given, 'transposeA', false));
  const transposeB = booleanOption(op, 'transposeB', option(given, 'transposeB', false));
  if (x.ndim < 3 || y.ndim !== x.ndim) {
    throw engineError(op, `a and b must have the same number of dimensions, at least 3 (batch…, rows, columns), got shapes ${formatShape(x.shape)} and ${formatShape(y.shape)}`);
  }
  const batch = x.shape.slice(0, -2);
  if (!sameShape(batch, y.shape.slice(0, -2))) {
    throw engineError(op, `a and b must have the same batch axes (all but the last two), got shapes ${formatShape(x.shape)} and ${formatShape(y.shape)}`);
  }
  const last = x.ndim - 1;
  const [m, k] = transposeA ? [x.shape[last]!, x.shape[last - 1]!] : [x.shape[last - 1]!, x.shape[last]!];
  const [kb, n] = transposeB ? [y.shape[last]!, y.shape[last - 1]!] : [y.shape[last - 1]!, y.shape[last]!];
  if (k !== kb) {
    const axisA = transposeA ? last - 1 : last;
    const axisB = transposeB ? last : last - 1;
    throw engineError(op, `shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} not aligned${transposeA || transposeB ? ` (transposeA ${transposeA}, transposeB ${transposeB})` : ''}: ${k} (axis ${axisA} of a) != ${kb} (axis ${axisB} of b)`);
  }
  const dtype = arithmeticType(promoteTypes(x.dtype, y.dtype));
  const count = sizeOf(batch);
  const out = allocate(dtype, count * m * n);
  const offsets = (size: number) => Array.from({ length: count }, (_, t) => t * size);
  // The kernel reads each matrix as it lies, transposed or not (kernels/gemm.ts): no copy here.
  runGemm(dtype, dataAs(x, dtype), offsets(m * k), dataAs(y, dtype), offsets(k * n), out, m, k, n, { transposedA: transposeA, transposedB: transposeB });
  return emit(op, [x, y], { transposeA, transposeB }, new NDArray(out, [...batch, m, n], dtype));
}
