/**
 * Max and average pooling in NCHW layout (MXNet's), 1-D (NCW) and 2-D (NCHW), forward and backward,
 * on float storage. A 1-D pooling runs as a 2-D one of height 1.
 *
 * Windows start at i·s − p on each axis; the output size is MXNet's 'valid' convention,
 * ⌊(size + 2p − k)/s⌋ + 1. Padding never wins a max (it is −∞) and counts in an average's divisor
 * (MXNet's default count_include_pad: every window divides by its full area k_h·k_w). Windows may
 * overlap (k > s): their gradients add up.
 *   max: y[w] = x[argmax(w)] (first maximum in row-major window order; NaN wins, the first one);
 *        dx = scatter-add of dy at the argmaxes;  the gradient of that w.r.t. dy reads g at the argmaxes.
 *   avg: y = A·x for a fixed averaging matrix A; dx = Aᵀ·dy (avgPoolBackward);
 *        the gradient of avgPoolBackward w.r.t. dy is avgPoolForward(g).
 *
 * The geometry is trusted (the op layer checks it): output sizes are at least 1 and pad < kernel,
 * so that every window holds at least one cell of x (a window of padding only would give −∞ and no
 * argmax, −1, whose gradient is dropped).
 *
 * float32 runs on WebAssembly where it loads (wasmPool.ts, bit for bit these loops' results);
 * these loops are the reference and the fallback.
 */
import type { DType, TypedArray } from '../dtype';
import { allocate } from '../dtype';
import { kernelPath } from './kernelPath';
import { specialize } from './specialize';
import { wasmAvgPool, wasmMaxPool, wasmMaxPoolBackward, type PoolShape } from './wasmPool';

/** One pooling's sizes; spatial lists have one entry per spatial axis ([W] or [H, W]). */
export interface PoolGeometry {
  /** N */
  readonly batch: number;
  /** C */
  readonly channels: number;
  /** The data's spatial sizes. */
  readonly input: readonly number[];
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  /** Cells added on both sides of each spatial axis. */
  readonly pad: readonly number[];
  /** The output's spatial sizes, from `poolOutputSize`. */
  readonly output: readonly number[];
}

/** ⌊(size + 2·pad − kernel) / stride⌋ + 1: MXNet's pooling_convention 'valid'. */
export function poolOutputSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * The geometry of pooling data of shape (N, C, …spatial); kernel, stride and pad have one entry per
 * spatial axis. With `globalPool` they are ignored: one window covers the whole spatial extent.
 */
export function poolGeometry(
  dataShape: readonly number[],
  options: { kernel: readonly number[]; stride: readonly number[]; pad: readonly number[]; globalPool?: boolean },
): PoolGeometry {
  const input = dataShape.slice(2);
  const global = options.globalPool === true;
  const kernel = global ? input : [...options.kernel];
  const stride = global ? input.map(() => 1) : [...options.stride];
  const pad = global ? input.map(() => 0) : [...options.pad];
  const output = input.map((size, axis) => poolOutputSize(size, kernel[axis]!, stride[axis]!, pad[axis]!));
  return { batch: dataShape[0]!, channels: dataShape[1]!, input, kernel, stride, pad, output };
}

/** (N, C, …output). */
export function poolOutputShape(g: PoolGeometry): number[] {
  return [g.batch, g.channels, ...g.output];
}

/** The geometry as two spatial axes (1-D pooling is 2-D of height 1), for the loops. */
interface Plane {
  h: number; w: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; oh: number; ow: number;
}

function planeOf(g: PoolGeometry): Plane {
  const two = g.input.length === 2;
  const [h, w] = two ? g.input : [1, g.input[0]!];
  const [kh, kw] = two ? g.kernel : [1, g.kernel[0]!];
  const [sh, sw] = two ? g.stride : [1, g.stride[0]!];
  const [ph, pw] = two ? g.pad : [0, g.pad[0]!];
  const [oh, ow] = two ? g.output : [1, g.output[0]!];
  return { h: h!, w: w!, kh: kh!, kw: kw!, sh: sh!, sw: sw!, ph: ph!, pw: pw!, oh: oh!, ow: ow! };
}

/** float32 on the WebAssembly path: the sizes for its kernels (wasmPool.ts); else null, the JS kernels run. */
function wasmShape(dtype: DType, g: PoolGeometry): PoolShape | null {
  if (dtype !== 'float32' || kernelPath() !== 'wasm') return null;
  return poolShapeOf(g);
}

/** The sizes the WebAssembly kernels take (wasmPool.ts) for a pooling's geometry. */
export function poolShapeOf(g: PoolGeometry): PoolShape {
  return { planes: g.batch * g.channels, ...planeOf(g) };
}

/** out[t] = the window's max, argmax[t] = its flat index into x (the first max; NaN wins). */
const maxPoolLoop = (x: TypedArray, out: TypedArray, argmax: Int32Array, planes: number, p: Plane): void => {
  const { h, w, kh, kw, sh, sw, ph, pw, oh, ow } = p;
  let t = 0;
  for (let plane = 0; plane < planes; plane++) {
    const start = plane * h * w;
    for (let i = 0; i < oh; i++) {
      const top = i * sh - ph;
      const rowFrom = top < 0 ? 0 : top;
      const rowTo = top + kh > h ? h : top + kh;
      for (let j = 0; j < ow; j++, t++) {
        const left = j * sw - pw;
        const colFrom = left < 0 ? 0 : left;
        const colTo = left + kw > w ? w : left + kw;
        let best = -Infinity;
        let at = -1;
        for (let row = rowFrom; row < rowTo; row++) {
          for (let col = colFrom; col < colTo; col++) {
            const index = start + row * w + col;
            const v = x[index];
            if (at < 0 || v > best || (v !== v && best === best)) { best = v; at = index; }
          }
        }
        out[t] = best;
        argmax[t] = at;
      }
    }
  }
};

/** out[t] = Σ of the window's cells of x / (kh·kw): padding counts in the divisor. */
const avgPoolLoop = (x: TypedArray, out: TypedArray, planes: number, p: Plane): void => {
  const { h, w, kh, kw, sh, sw, ph, pw, oh, ow } = p;
  const area = kh * kw;
  let t = 0;
  for (let plane = 0; plane < planes; plane++) {
    const start = plane * h * w;
    for (let i = 0; i < oh; i++) {
      const top = i * sh - ph;
      const rowFrom = top < 0 ? 0 : top;
      const rowTo = top + kh > h ? h : top + kh;
      for (let j = 0; j < ow; j++, t++) {
        const left = j * sw - pw;
        const colFrom = left < 0 ? 0 : left;
        const colTo = left + kw > w ? w : left + kw;
        let s = 0;
        for (let row = rowFrom; row < rowTo; row++) {
          for (let col = colFrom; col < colTo; col++) s += x[start + row * w + col];
        }
        out[t] = s / area;
      }
    }
  }
};

/** dx[window cells] += dy[t] / (kh·kw): the transpose of avgPoolLoop. */
const avgPoolBackwardLoop = (dy: TypedArray, dx: TypedArray, planes: number, p: Plane): void => {
  const { h, w, kh, kw, sh, sw, ph, pw, oh, ow } = p;
  const area = kh * kw;
  let t = 0;
  for (let plane = 0; plane < planes; plane++) {
    const start = plane * h * w;
    for (let i = 0; i < oh; i++) {
      const top = i * sh - ph;
      const rowFrom = top < 0 ? 0 : top;
      const rowTo = top + kh > h ? h : top + kh;
      for (let j = 0; j < ow; j++, t++) {
        const left = j * sw - pw;
        const colFrom = left < 0 ? 0 : left;
        const colTo = left + kw > w ? w : left + kw;
        const share = dy[t] / area;
        for (let row = rowFrom; row < rowTo; row++) {
          for (let col = colFrom; col < colTo; col++) dx[start + row * w + col] += share;
        }
      }
    }
  }
};

/** dx[argmax[t]] += dy[t] (a window without argmax, −1, passes nothing). */
const scatterAtLoop = (dy: TypedArray, dx: TypedArray, argmax: Int32Array): void => {
  for (let t = 0; t < argmax.length; t++) {
    const at = argmax[t];
    if (at >= 0) dx[at] += dy[t];
  }
};

const outputSize = (g: PoolGeometry): number => g.batch * g.channels * g.output.reduce((n, size) => n * size, 1);
const inputSize = (g: PoolGeometry): number => g.batch * g.channels * g.input.reduce((n, size) => n * size, 1);

/**
 * Max pooling of x (N, C, …input): the output (N, C, …output) and, for the backward pass, the
 * flat index into x of each window's maximum.
 */
export function maxPoolForward(dtype: DType, x: TypedArray, g: PoolGeometry): { out: TypedArray; argmax: Int32Array } {
  const shape = wasmShape(dtype, g);
  const viaWasm = shape && wasmMaxPool(x as Float32Array, shape);
  if (viaWasm) return viaWasm;
  const out = allocate(dtype, outputSize(g));
  const argmax = allocate('int32', out.length) as Int32Array;
  specialize(maxPoolLoop, dtype)(x, out, argmax, g.batch * g.channels, planeOf(g));
  return { out, argmax };
}

/** ∂L/∂x of max pooling (N, C, …input): each window's dy goes to its argmax; overlaps add up. */
export function maxPoolBackward(dtype: DType, dy: TypedArray, argmax: Int32Array, g: PoolGeometry): TypedArray {
  const viaWasm = wasmShape(dtype, g) && wasmMaxPoolBackward(dy as Float32Array, argmax, inputSize(g));
  if (viaWasm) return viaWasm;
  const dx = allocate(dtype, inputSize(g));
  specialize(scatterAtLoop, dtype)(dy, dx, argmax);
  return dx;
}

/** Average pooling of x (N, C, …input): (N, C, …output), each window divided by its full area. */
export function avgPoolForward(dtype: DType, x: TypedArray, g: PoolGeometry): TypedArray {
  const shape = wasmShape(dtype, g);
  const viaWasm = shape && wasmAvgPool(x as Float32Array, shape, false);
  if (viaWasm) return viaWasm;
  const out = allocate(dtype, outputSize(g));
  specialize(avgPoolLoop, dtype)(x, out, g.batch * g.channels, planeOf(g));
  return out;
}

/** ∂L/∂x of average pooling (N, C, …input): dy / area spread over each window's cells of x. */
export function avgPoolBackward(dtype: DType, dy: TypedArray, g: PoolGeometry): TypedArray {
  const shape = wasmShape(dtype, g);
  const viaWasm = shape && wasmAvgPool(dy as Float32Array, shape, true);
  if (viaWasm) return viaWasm;
  const dx = allocate(dtype, inputSize(g));
  specialize(avgPoolBackwardLoop, dtype)(dy, dx, g.batch * g.channels, planeOf(g));
  return dx;
}
