/**
 * Convolution and pooling, MXNet's `npx.convolution` and `npx.pooling` on NCW / NCHW data, and the
 * gradient ops their definitions (defs/conv.ts) record. The public functions check every argument;
 * the gradient ops trust the windows they are handed (a recorded op's, already checked).
 */
import { floatResult, promoteTypes, type DType } from '../dtype';
import { engineError, formatShape } from '../errors';
import {
  convBackwardData, convBackwardWeight, convForward, convGeometry, convOutputShape, type ConvGeometry,
} from '../kernels/conv';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward, poolGeometry, poolOutputShape } from '../kernels/pool';
import { NDArray } from '../ndarray';
import { sameShape } from '../shape';
import { emit } from '../tape';
import type { ConvolutionParams, PoolingParams } from './defs/conv';
import { checkArray, dataAs } from './operand';
import { describe, readOptions } from './options';

/** One size per spatial axis, or one number for every axis. */
type PerAxis = number | readonly number[];

export interface ConvolutionOptions {
  /** The weight's spatial shape: [kH, kW] for NCHW data, [kW] for NCW. */
  kernel: PerAxis;
  /** Step between windows (default 1). */
  stride?: PerAxis;
  /** Zeros added on both sides of each spatial axis (default 0). */
  pad?: PerAxis;
  /** Spacing between the kernel's taps (default 1). */
  dilate?: PerAxis;
  /** Groups of channels convolved separately (default 1): C and O both divide by it. */
  numGroup?: number;
}

export interface PoolingOptions {
  /** The window's shape (not needed with globalPool). */
  kernel?: PerAxis;
  /** Step between windows (default: the kernel, windows side by side). */
  stride?: PerAxis;
  /** Cells added on both sides of each spatial axis (default 0): −∞ for max, 0 for avg (counted in its divisor). */
  pad?: PerAxis;
  /** 'max' (default) or 'avg'. */
  poolType?: 'max' | 'avg';
  /** One window over the whole spatial extent; kernel, stride and pad are ignored (default false). */
  globalPool?: boolean;
}

const CONVOLUTION_OPTIONS = ['kernel', 'stride', 'pad', 'dilate', 'numGroup'];
const POOLING_OPTIONS = ['kernel', 'stride', 'pad', 'poolType', 'globalPool'];

/** The number of spatial axes of NCW (1) or NCHW (2) data. */
function spatialRank(op: string, x: NDArray): number {
  if (x.ndim !== 3 && x.ndim !== 4) throw engineError(op, `data must be (N, C, W) or (N, C, H, W), got shape ${formatShape(x.shape)}`);
  return x.ndim - 2;
}

/** A per-axis option as one integer ≥ `least` per spatial axis. */
function perAxis(op: string, name: string, value: unknown, rank: number, least: number): number[] {
  const list: unknown[] | null = typeof value === 'number' ? Array.from({ length: rank }, () => value) : Array.isArray(value) ? [...value] : null;
  if (list === null || list.length !== rank || !list.every((v) => Number.isInteger(v) && (v as number) >= least)) {
    const what = least === 0 ? 'an integer ≥ 0' : 'a positive integer';
    throw engineError(op, `${name} must be ${what} or a list of ${rank} of them (one per spatial axis), got ${describe(value)}`);
  }
  return list as number[];
}

function positiveInteger(op: string, name: string, value: unknown): number {
  if (!(Number.isInteger(value) && (value as number) >= 1)) throw engineError(op, `${name} must be a positive integer, got ${describe(value)}`);
  return value as number;
}

// ---- Convolution ----

/**
 * MXNet's `npx.convolution`: cross-correlation of data (N, C, H, W) — or (N, C, W) — with a weight
 * (O, C/numGroup, kH, kW), plus a bias (O) if given. The output is (N, O, H', W') with
 * H' = ⌊(H + 2·pad − dilate·(kH − 1) − 1)/stride⌋ + 1.
 *
 * ```ts
 * const x = np.random.normal(0, 1, [1, 1, 6, 8]);
 * const k = np.array([[[[1, -1]]]]);
 * npx.convolution(x, k, { kernel: [1, 2] }).shape;                          // [1, 1, 6, 7]
 * npx.convolution(x, np.ones([4, 1, 3, 3]), np.zeros([4]), { kernel: 3, pad: 1, stride: 2 }).shape; // [1, 4, 3, 4]
 * ```
 */
export function convolution(data: NDArray, weight: NDArray, options?: ConvolutionOptions): NDArray;
export function convolution(data: NDArray, weight: NDArray, bias: NDArray | null | undefined, options?: ConvolutionOptions): NDArray;
export function convolution(data: NDArray, weight: NDArray, biasOrOptions: unknown, maybeOptions?: unknown): NDArray {
  const op = 'convolution';
  const optionsFirst = maybeOptions === undefined && typeof biasOrOptions === 'object' && biasOrOptions !== null && !(biasOrOptions instanceof NDArray);
  const bias = optionsFirst || biasOrOptions === undefined || biasOrOptions === null ? null : checkArray(op, biasOrOptions, 'bias');
  const x = checkArray(op, data, 'data');
  const w = checkArray(op, weight, 'weight');
  const rank = spatialRank(op, x);
  const options = readOptions(op, optionsFirst ? biasOrOptions : maybeOptions, CONVOLUTION_OPTIONS);
  // MXNet requires the kernel; it is the weight's spatial shape, so it is read from there when omitted.
  if (options['kernel'] === undefined && w.ndim !== rank + 2) {
    throw engineError(op, `the weight must be (O, C/groups, ${rank === 1 ? 'kW' : 'kH, kW'}) for ${rank === 1 ? 'NCW' : 'NCHW'} data, got shape ${formatShape(w.shape)}`);
  }
  const window: ConvolutionParams = {
    kernel: perAxis(op, 'kernel', options['kernel'] ?? w.shape.slice(2), rank, 1),
    stride: perAxis(op, 'stride', options['stride'] ?? 1, rank, 1),
    pad: perAxis(op, 'pad', options['pad'] ?? 0, rank, 0),
    dilate: perAxis(op, 'dilate', options['dilate'] ?? 1, rank, 1),
    numGroup: positiveInteger(op, 'numGroup', options['numGroup'] ?? 1),
  };
  checkConvolutionShapes(x, w, bias, window);
  return convolve(x, w, bias, window);
}

function checkConvolutionShapes(x: NDArray, w: NDArray, bias: NDArray | null, window: ConvolutionParams): void {
  const op = 'convolution';
  const { kernel, pad, dilate, numGroup } = window;
  const [, channels] = x.shape as [number, number];
  if (w.ndim !== x.ndim) {
    throw engineError(op, `weight must be (O, C/numGroup, ${kernel.length === 2 ? 'kH, kW' : 'kW'}) for data ${formatShape(x.shape)}, got shape ${formatShape(w.shape)}`);
  }
  const filters = w.shape[0]!;
  if (!sameShape(w.shape.slice(2), kernel)) {
    throw engineError(op, `kernel [${kernel.join(', ')}] does not match the spatial shape of weight ${formatShape(w.shape)}`);
  }
  if (channels % numGroup !== 0 || filters % numGroup !== 0) {
    throw engineError(op, `numGroup ${numGroup} must divide the data's channels (${channels}, data ${formatShape(x.shape)}) and the weight's filters (${filters}, weight ${formatShape(w.shape)})`);
  }
  if (w.shape[1] !== channels / numGroup) {
    throw engineError(op, `weight ${formatShape(w.shape)} must have C/numGroup = ${channels}/${numGroup} = ${channels / numGroup} channels on axis 1 for data ${formatShape(x.shape)}`);
  }
  if (bias !== null && !sameShape(bias.shape, [filters])) {
    throw engineError(op, `bias must have shape (${filters},), one per filter of weight ${formatShape(w.shape)}, got ${formatShape(bias.shape)}`);
  }
  // Once the dilated kernel fits in the padded data, any stride leaves at least one window.
  kernel.forEach((k, i) => {
    const extent = dilate[i]! * (k - 1) + 1;
    const padded = x.shape[i + 2]! + 2 * pad[i]!;
    if (padded < extent) {
      throw engineError(op, `the kernel does not fit: axis ${i + 2} of data ${formatShape(x.shape)} padded by ${pad[i]} on each side is ${padded}, the kernel spans ${extent} (kernel ${k}, dilate ${dilate[i]}) — the output would be empty`);
    }
  });
}

function convolutionGeometry(dataShape: readonly number[], weightShape: readonly number[], window: ConvolutionParams): ConvGeometry {
  return convGeometry(dataShape, weightShape, { stride: window.stride, pad: window.pad, dilate: window.dilate, groups: window.numGroup });
}

function resultType(...arrays: NDArray[]): DType {
  return floatResult(arrays.map((a) => a.dtype).reduce(promoteTypes));
}

/** The convolution op for a checked window (the public function and the gradient rules). */
export function convolve(x: NDArray, w: NDArray, bias: NDArray | null, window: ConvolutionParams): NDArray {
  const dtype = resultType(x, w, ...(bias ? [bias] : []));
  const g = convolutionGeometry(x.shape, w.shape, window);
  const out = convForward(dtype, dataAs(x, dtype), dataAs(w, dtype), bias && dataAs(bias, dtype), g);
  return emit('convolution', bias ? [x, w, bias] : [x, w], { ...window, noBias: bias === null }, new NDArray(out, convOutputShape(g), dtype));
}

/** The shape a gradient op receives must be the one its convolution produced (a rule's contract). */
function expectShape(op: string, what: string, actual: readonly number[], expected: readonly number[]): void {
  if (!sameShape(actual, expected)) throw engineError(op, `${what} must have shape ${formatShape(expected)}, got ${formatShape(actual)}`);
}

/** A convolution's data gradient: dy (N, O, …) transposed-convolved with the weight, of shape `dataShape`. */
export function convolutionGradData(dy: NDArray, w: NDArray, attrs: ConvolutionParams & { dataShape: readonly number[] }): NDArray {
  const op = 'convolutionGradData';
  const { dataShape, ...window } = attrs;
  const g = convolutionGeometry(dataShape, w.shape, window);
  expectShape(op, 'dy', dy.shape, convOutputShape(g));
  const dtype = resultType(dy, w);
  const dx = convBackwardData(dtype, dataAs(dy, dtype), dataAs(w, dtype), g);
  return emit(op, [dy, w], { ...window, dataShape: [...dataShape] }, new NDArray(dx, [...dataShape], dtype));
}

/** A convolution's weight gradient: the data correlated with dy, of shape `weightShape`. */
export function convolutionGradWeight(x: NDArray, dy: NDArray, attrs: ConvolutionParams & { weightShape: readonly number[] }): NDArray {
  const op = 'convolutionGradWeight';
  const { weightShape, ...window } = attrs;
  const g = convolutionGeometry(x.shape, weightShape, window);
  expectShape(op, 'dy', dy.shape, convOutputShape(g));
  const dtype = resultType(x, dy);
  const dw = convBackwardWeight(dtype, dataAs(x, dtype), dataAs(dy, dtype), g);
  return emit(op, [x, dy], { ...window, weightShape: [...weightShape] }, new NDArray(dw, [...weightShape], dtype));
}

// ---- Pooling ----

/**
 * MXNet's `npx.pooling`: the max or the average of each window of data (N, C, H, W) — or (N, C, W).
 * The output is (N, C, H', W') with H' = ⌊(H + 2·pad − kernel)/stride⌋ + 1 (MXNet's 'valid'
 * convention). Padding never wins a max and counts as 0 in an average's divisor (count_include_pad).
 *
 * ```ts
 * const x = np.arange(16, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
 * npx.pooling(x, { kernel: [2, 2] });                          // max of each 2×2 block: [[5, 7], [13, 15]]
 * npx.pooling(x, { kernel: 3, stride: 1, pad: 1, poolType: 'avg' }).shape;     // [1, 1, 4, 4]
 * npx.pooling(x, { globalPool: true, poolType: 'avg' });       // [[[[7.5]]]]
 * ```
 */
export function pooling(data: NDArray, options: PoolingOptions = {}): NDArray {
  const op = 'pooling';
  const x = checkArray(op, data, 'data');
  const rank = spatialRank(op, x);
  const given = readOptions(op, options, POOLING_OPTIONS);
  const poolType = given['poolType'] ?? 'max';
  if (poolType !== 'max' && poolType !== 'avg') throw engineError(op, `poolType must be 'max' or 'avg', got ${describe(poolType)}`);
  const globalPool = given['globalPool'] ?? false;
  if (typeof globalPool !== 'boolean') throw engineError(op, `globalPool must be true or false, got ${describe(globalPool)}`);
  if (given['kernel'] === undefined && !globalPool) throw engineError(op, `the kernel option is required (unless globalPool), e.g. { kernel: [${Array(rank).fill(2).join(', ')}] }`);
  // Checked even when globalPool ignores them: a mistyped value is still a mistake.
  const kernel = given['kernel'] === undefined ? x.shape.slice(2) : perAxis(op, 'kernel', given['kernel'], rank, 1);
  const stride = perAxis(op, 'stride', given['stride'] ?? kernel, rank, 1);
  const pad = perAxis(op, 'pad', given['pad'] ?? 0, rank, 0);
  const g = poolGeometry(x.shape, { kernel, stride, pad, globalPool });
  if (!globalPool) {
    kernel.forEach((k, i) => {
      if (pad[i]! >= k) throw engineError(op, `pad ${pad[i]} on axis ${i + 2} must be smaller than the kernel ${k}: a window of padding only has no value`);
      if (g.output[i]! < 1) {
        throw engineError(op, `the kernel does not fit: axis ${i + 2} of data ${formatShape(x.shape)} padded by ${pad[i]} on each side is ${x.shape[i + 2]! + 2 * pad[i]!}, smaller than the kernel ${k}`);
      }
    });
  }
  return pool(x, { kernel: [...g.kernel], stride: [...g.stride], pad: [...g.pad], poolType, globalPool });
}

/** The pooling op for checked windows (the public function and the gradient rules). */
export function pool(x: NDArray, params: PoolingParams): NDArray {
  const dtype = floatResult(x.dtype);
  const g = poolGeometry(x.shape, params);
  const shape = poolOutputShape(g);
  const data = dataAs(x, dtype);
  const attrs: PoolingParams = { ...params };
  if (params.poolType === 'avg') return emit('pooling', [x], attrs, new NDArray(avgPoolForward(dtype, data, g), shape, dtype));
  const { out, argmax } = maxPoolForward(dtype, data, g);
  return emit('pooling', [x], attrs, new NDArray(out, shape, dtype), [new NDArray(argmax, shape, 'int32')]);
}

/** A pooling's data gradient, of shape `dataShape`; max pooling's routes dy to the argmax indices. */
export function poolingGrad(dy: NDArray, argmax: NDArray | null, attrs: PoolingParams & { dataShape: readonly number[] }): NDArray {
  const op = 'poolingGrad';
  const { dataShape, ...params } = attrs;
  const g = poolGeometry(dataShape, params);
  expectShape(op, 'dy', dy.shape, poolOutputShape(g));
  const dtype = floatResult(dy.dtype);
  const recorded = { ...params, dataShape: [...dataShape] };
  if (params.poolType === 'avg') return emit(op, [dy], recorded, new NDArray(avgPoolBackward(dtype, dataAs(dy, dtype), g), [...dataShape], dtype));
  if (argmax === null || argmax.dtype !== 'int32') throw engineError(op, 'max pooling\'s gradient needs the int32 argmax indices its forward pass saved');
  expectShape(op, 'argmax', argmax.shape, dy.shape);
  const dx = maxPoolBackward(dtype, dataAs(dy, dtype), argmax._data as Int32Array, g);
  return emit(op, [dy, argmax], recorded, new NDArray(dx, [...dataShape], dtype));
}
