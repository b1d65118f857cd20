/**
 * Convolution in NCHW layout (MXNet's), 1-D (NCW) and 2-D (NCHW): the forward product, its two
 * backward products and the transposed convolution, on float storage (each computes in the arrays'
 * own type). A 1-D convolution runs as a 2-D one of height 1.
 *
 * Convolution is cross-correlation (as in MXNet and PyTorch), with groups: output channel o of
 * group γ = ⌊o / (O/G)⌋ reads the C/G input channels of that group,
 *   y[n,o,i,j] = Σ_{c,a,b} w[o,c,a,b] · x[n, γ·C/G + c, i·s − p + a·d, j·s − p + b·d]   (zero outside x)
 * Every product is one matrix multiply per batch item and group on the unfolded patches ("im2col"):
 * row (c,a,b) of the patch matrix holds x at every output position. Writing B(x, w, dy) = ⟨dy, conv(x, w)⟩
 * (linear in each argument), the kernels are its partial derivatives:
 *   convBackwardData(dy, w)   = ∂B/∂x = convTranspose(dy, w)   (the adjoint of x ↦ conv(x, w))
 *   convBackwardWeight(x, dy) = ∂B/∂w
 * so that the gradients of the gradients are these kernels again (what the op layer records):
 *   dx = convTranspose(dy, w):   ∂/∂dy ← conv(gx, w);    ∂/∂w ← convBackwardWeight(gx, dy)
 *   dw = convBackwardWeight(x, dy): ∂/∂x ← convTranspose(dy, gw);  ∂/∂dy ← conv(x, gw)
 *
 * The geometry is trusted (the op layer checks it): every output size is at least 1 and the channel
 * counts divide by the groups.
 *
 * float32 runs on WebAssembly SIMD where it loads (wasmConv.ts: the same products, one per chunk
 * of images, within float32 rounding of these); these loops are the reference and the fallback.
 */
import type { DType, TypedArray } from '../dtype';
import { allocate } from '../dtype';
import { runGemmTransposedB, runTranspose } from './gemm';
import { kernelPath } from './kernelPath';
import { specialize } from './specialize';
import { wasmConvBackwardData, wasmConvBackwardWeight, wasmConvForward, type ConvShape } from './wasmConv';

/** One convolution's sizes; spatial lists have one entry per spatial axis ([W] or [H, W]). */
export interface ConvGeometry {
  /** N */
  readonly batch: number;
  /** C: the data's channels. */
  readonly channels: number;
  /** O: the output's channels (the weight's first axis). */
  readonly filters: number;
  /** G: C and O both divide by it; the weight is (O, C/G, …kernel). */
  readonly groups: number;
  /** The data's spatial sizes. */
  readonly input: readonly number[];
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  /** Zeros added on both sides of each spatial axis. */
  readonly pad: readonly number[];
  readonly dilate: readonly number[];
  /** The output's spatial sizes, from `convOutputSize`. */
  readonly output: readonly number[];
}

/** ⌊(size + 2·pad − dilate·(kernel − 1) − 1) / stride⌋ + 1 (below 1 when the window does not fit). */
export function convOutputSize(size: number, kernel: number, stride: number, pad: number, dilate: number): number {
  return Math.floor((size + 2 * pad - dilate * (kernel - 1) - 1) / stride) + 1;
}

/**
 * The geometry of convolving data of shape (N, C, …spatial) with a weight of shape (O, C/G, …kernel);
 * stride, pad and dilate have one entry per spatial axis.
 */
export function convGeometry(
  dataShape: readonly number[], weightShape: readonly number[],
  options: { stride: readonly number[]; pad: readonly number[]; dilate: readonly number[]; groups: number },
): ConvGeometry {
  const input = dataShape.slice(2);
  const kernel = weightShape.slice(2);
  const { stride, pad, dilate, groups } = options;
  const output = input.map((size, axis) => convOutputSize(size, kernel[axis]!, stride[axis]!, pad[axis]!, dilate[axis]!));
  return {
    batch: dataShape[0]!, channels: dataShape[1]!, filters: weightShape[0]!, groups,
    input, kernel: [...kernel], stride: [...stride], pad: [...pad], dilate: [...dilate], output,
  };
}

/** (N, C, …input): the data, convTranspose's result. */
export function convDataShape(g: ConvGeometry): number[] {
  return [g.batch, g.channels, ...g.input];
}

/** (O, C/G, …kernel). */
export function convWeightShape(g: ConvGeometry): number[] {
  return [g.filters, g.channels / g.groups, ...g.kernel];
}

/** (N, O, …output): the convolution's result, convTranspose's data. */
export function convOutputShape(g: ConvGeometry): number[] {
  return [g.batch, g.filters, ...g.output];
}

const areaOf = (sizes: readonly number[]): number => sizes.reduce((product, size) => product * size, 1);

/** The geometry as two spatial axes (a 1-D convolution is one of height 1), for the loops. */
interface Plane {
  h: number; w: number; kh: number; kw: number; sh: number; sw: number;
  ph: number; pw: number; dh: number; dw: number; oh: number; ow: number;
}

function planeOf(g: ConvGeometry): Plane {
  const two = g.input.length === 2;
  const [h, w] = two ? g.input : [1, g.input[0]!];
  const [kh, kw] = two ? g.kernel : [1, g.kernel[0]!];
  const [sh, sw] = two ? g.stride : [1, g.stride[0]!];
  const [ph, pw] = two ? g.pad : [0, g.pad[0]!];
  const [dh, dw] = two ? g.dilate : [1, g.dilate[0]!];
  const [oh, ow] = two ? g.output : [1, g.output[0]!];
  return { h: h!, w: w!, kh: kh!, kw: kw!, sh: sh!, sw: sw!, ph: ph!, pw: pw!, dh: dh!, dw: dw!, oh: oh!, ow: ow! };
}

/** float32 on the WebAssembly path: the sizes for its kernels (wasmConv.ts); else null, the JS kernels run. */
function wasmShape(dtype: DType, g: ConvGeometry): ConvShape | null {
  if (dtype !== 'float32' || kernelPath() !== 'wasm') return null;
  return convShapeOf(g);
}

/** The sizes the WebAssembly kernels take (wasmConv.ts) for a convolution's geometry. */
export function convShapeOf(g: ConvGeometry): ConvShape {
  return { batch: g.batch, channels: g.channels, filters: g.filters, groups: g.groups, ...planeOf(g) };
}

/** Sizes shared by the kernels: per group, a patch has `patch` entries and there are `positions` of them. */
function sizesOf(g: ConvGeometry) {
  const plane = planeOf(g);
  const groupChannels = g.channels / g.groups;
  const groupFilters = g.filters / g.groups;
  return {
    plane, groupChannels, groupFilters,
    patch: groupChannels * plane.kh * plane.kw,
    positions: plane.oh * plane.ow,
    inputArea: plane.h * plane.w,
  };
}

/**
 * The patches of `channels` channels of x (from `xOffset`): entry e = (c·kh + a)·kw + b at position
 * q = i·ow + j goes to `cols[e·entryStride + q·positionStride]` (zero where the window is in the padding).
 */
const unfoldLoop = (
  x: TypedArray, xOffset: number, cols: TypedArray, channels: number, p: Plane, entryStride: number, positionStride: number,
): void => {
  const { h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = p;
  for (let c = 0; c < channels; c++) {
    const channelStart = xOffset + c * h * w;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const entry = ((c * kh + a) * kw + b) * entryStride;
        for (let i = 0; i < oh; i++) {
          const row = i * sh - ph + a * dh;
          let dst = entry + i * ow * positionStride;
          if (row < 0 || row >= h) {
            for (let j = 0; j < ow; j++, dst += positionStride) cols[dst] = 0;
            continue;
          }
          const src = channelStart + row * w;
          let col = b * dw - pw;
          for (let j = 0; j < ow; j++, dst += positionStride, col += sw) cols[dst] = col >= 0 && col < w ? x[src + col] : 0;
        }
      }
    }
  }
};

/** The adjoint of unfoldLoop ("col2im"): every patch entry is added back where it was read from. */
const foldLoop = (
  cols: TypedArray, dx: TypedArray, dxOffset: number, channels: number, p: Plane, entryStride: number, positionStride: number,
): void => {
  const { h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = p;
  for (let c = 0; c < channels; c++) {
    const channelStart = dxOffset + c * h * w;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const entry = ((c * kh + a) * kw + b) * entryStride;
        for (let i = 0; i < oh; i++) {
          const row = i * sh - ph + a * dh;
          if (row < 0 || row >= h) continue;
          const dst = channelStart + row * w;
          let src = entry + i * ow * positionStride;
          let col = b * dw - pw;
          for (let j = 0; j < ow; j++, src += positionStride, col += sw) if (col >= 0 && col < w) dx[dst + col] += cols[src];
        }
      }
    }
  }
};

/** a[p, c, q] += perChannel[c] for a seen as [outer, channels, inner]. */
const addPerChannelLoop = (a: TypedArray, perChannel: TypedArray, outer: number, channels: number, inner: number): void => {
  for (let p = 0; p < outer; p++) {
    for (let c = 0; c < channels; c++) {
      const start = (p * channels + c) * inner;
      const v = perChannel[c];
      for (let q = 0; q < inner; q++) a[start + q] += v;
    }
  }
};

/** out[c] = Σ_{p,q} a[p, c, q] for a seen as [outer, channels, inner]. */
const sumPerChannelLoop = (a: TypedArray, out: TypedArray, outer: number, channels: number, inner: number): void => {
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let p = 0; p < outer; p++) {
      const start = (p * channels + c) * inner;
      for (let q = 0; q < inner; q++) s += a[start + q];
    }
    out[c] = s;
  }
};

/**
 * y = conv(x, w) + bias: x (N, C, …input), weight (O, C/G, …kernel), bias (O) or null; returns
 * (N, O, …output). Per batch item and group: Y_γ (O/G × P) = W_γ (O/G × K) · patches (K × P).
 */
export function convForward(dtype: DType, x: TypedArray, weight: TypedArray, bias: TypedArray | null, g: ConvGeometry): TypedArray {
  const shape = wasmShape(dtype, g);
  const viaWasm = shape && wasmConvForward(x as Float32Array, weight as Float32Array, bias as Float32Array | null, shape);
  if (viaWasm) return viaWasm;
  const { plane, groupChannels, groupFilters, patch, positions, inputArea } = sizesOf(g);
  const out = allocate(dtype, g.batch * g.filters * positions);
  // One row per output position (P × K), the transposed operand the multiply reads without packing.
  const patchRows = allocate(dtype, positions * patch);
  const unfold = specialize(unfoldLoop, dtype);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      unfold(x, (n * g.channels + group * groupChannels) * inputArea, patchRows, groupChannels, plane, 1, patch);
      const outStart = (n * g.filters + group * groupFilters) * positions;
      runGemmTransposedB(dtype, weight, group * groupFilters * patch, patchRows, out, outStart, groupFilters, patch, positions);
    }
  }
  if (bias !== null) specialize(addPerChannelLoop, dtype)(out, bias, g.batch, g.filters, positions);
  return out;
}

/**
 * ∂L/∂x from dy (N, O, …output) and weight: returns (N, C, …input). Per batch item and group:
 * patches (K × P) = W_γᵀ (K × O/G) · dY_γ (O/G × P), folded back onto x (overlaps add up).
 */
export function convBackwardData(dtype: DType, dy: TypedArray, weight: TypedArray, g: ConvGeometry): TypedArray {
  const shape = wasmShape(dtype, g);
  const viaWasm = shape && wasmConvBackwardData(dy as Float32Array, weight as Float32Array, shape);
  if (viaWasm) return viaWasm;
  const { plane, groupChannels, groupFilters, patch, positions, inputArea } = sizesOf(g);
  const dx = allocate(dtype, g.batch * g.channels * inputArea);
  const weightT = allocate(dtype, g.groups * patch * groupFilters); // W_γᵀ (K × O/G) per group
  for (let group = 0; group < g.groups; group++) {
    runTranspose(dtype, weight, group * groupFilters * patch, weightT.subarray(group * patch * groupFilters), groupFilters, patch);
  }
  const dyT = allocate(dtype, positions * groupFilters); // dY_γᵀ (P × O/G): the multiply's transposed operand
  const cols = allocate(dtype, patch * positions);
  const fold = specialize(foldLoop, dtype);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      runTranspose(dtype, dy, (n * g.filters + group * groupFilters) * positions, dyT, groupFilters, positions);
      runGemmTransposedB(dtype, weightT, group * patch * groupFilters, dyT, cols, 0, patch, groupFilters, positions);
      fold(cols, dx, (n * g.channels + group * groupChannels) * inputArea, groupChannels, plane, positions, 1);
    }
  }
  return dx;
}

/**
 * ∂L/∂w from x (N, C, …input) and dy (N, O, …output): returns (O, C/G, …kernel).
 * Per group: dW_γ (O/G × K) = Σ_n dY_{n,γ} (O/G × P) · patches_{n,γ}ᵀ (P × K).
 */
export function convBackwardWeight(dtype: DType, x: TypedArray, dy: TypedArray, g: ConvGeometry): TypedArray {
  const shape = wasmShape(dtype, g);
  const viaWasm = shape && wasmConvBackwardWeight(x as Float32Array, dy as Float32Array, shape);
  if (viaWasm) return viaWasm;
  const { plane, groupChannels, groupFilters, patch, positions, inputArea } = sizesOf(g);
  const dw = allocate(dtype, g.filters * patch);
  const cols = allocate(dtype, patch * positions); // K × P: the transposed operand of this product
  const itemPart = allocate(dtype, groupFilters * patch); // one batch item's term, for n ≥ 1
  const unfold = specialize(unfoldLoop, dtype);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      unfold(x, (n * g.channels + group * groupChannels) * inputArea, cols, groupChannels, plane, positions, 1);
      const dyStart = (n * g.filters + group * groupFilters) * positions;
      const dwStart = group * groupFilters * patch;
      if (n === 0) {
        runGemmTransposedB(dtype, dy, dyStart, cols, dw, dwStart, groupFilters, positions, patch);
        continue;
      }
      runGemmTransposedB(dtype, dy, dyStart, cols, itemPart, 0, groupFilters, positions, patch);
      for (let e = 0; e < itemPart.length; e++) dw[dwStart + e] += itemPart[e]!;
    }
  }
  return dw;
}

/** ∂L/∂bias from dy (N, O, …output): Σ over the batch and the output positions, per channel (O). */
export function convBackwardBias(dtype: DType, dy: TypedArray, g: ConvGeometry): TypedArray {
  return sumPerChannel(dtype, dy, g.batch, g.filters, areaOf(g.output));
}

/**
 * The transposed convolution ("deconvolution") of u (N, O, …output) with weight (O, C/G, …kernel),
 * plus bias (C) or null: returns (N, C, …input). It is convBackwardData, the adjoint of conv:
 * ⟨convTranspose(u, w), v⟩ = ⟨u, conv(v, w)⟩. Its gradients: ∂u ← conv(g, w), ∂w ← convBackwardWeight(g, u),
 * ∂bias ← sumPerChannel(g).
 */
export function convTranspose(dtype: DType, u: TypedArray, weight: TypedArray, bias: TypedArray | null, g: ConvGeometry): TypedArray {
  const out = convBackwardData(dtype, u, weight, g);
  if (bias !== null) specialize(addPerChannelLoop, dtype)(out, bias, g.batch, g.channels, areaOf(g.input));
  return out;
}

/** out[c] = Σ_{n,q} a[n, c, q] for a seen as (batch, channels, size): a bias's gradient. */
export function sumPerChannel(dtype: DType, a: TypedArray, batch: number, channels: number, size: number): TypedArray {
  const out = allocate(dtype, channels);
  specialize(sumPerChannelLoop, dtype)(a, out, batch, channels, size);
  return out;
}
