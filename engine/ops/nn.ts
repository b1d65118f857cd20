/** Neural-network ops: softmax, log-softmax, dropout, batch normalisation. */
import { allocate, floatResult, isFloat } from '../dtype';
import { engineError, formatShape } from '../errors';
import { channelAffine, channelMoments, runSoftmax } from '../kernels/nn';
import { NDArray } from '../ndarray';
import { uniformDouble } from '../random';
import { normalizeAxis, sizeOf } from '../shape';
import { autogradState } from '../state';
import { emit } from '../tape';
import { checkOptions } from '../strict';
import { checkArray, dataAs } from './operand';

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
