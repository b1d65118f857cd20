/**
 * float32 convolution on WebAssembly SIMD: the patches unfolded by engine/wasm/conv.wat straight
 * into the operands of the matrix-product kernel (engine/wasm/gemm.wat), in the one kernel memory,
 * so that nothing is copied between the two. Each of the three products is one product over a
 * chunk of images (the whole batch in LeNet's case), not one per image:
 *
 *   forward:          Y_γ (O/G × N·P)  = W_γ (O/G × K) · patches (K × N·P)      patches packed as B
 *   weight gradient:  dW_γᵀ (K × O/G)  = patches (K × N·P) · dY_γᵀ (N·P × O/G)   patches as A (im2col rows)
 *   data gradient:    cols (K × N·P)   = W_γᵀ (K × O/G) · dY_γ (O/G × N·P)      then folded (col2im)
 *
 * with K = C/G·kh·kw entries per patch and P = oh·ow positions per image. The input is first padded
 * into the kernel memory, so that the unfolding loops test no bound. The sums run in float32 in the
 * kernel's order: within float32 rounding of a sum of K (or N·P, or O/G) terms of the JS kernels'
 * (test/unit/wasm-conv.test.ts). Null when the kernels are not here or the memory cannot hold a
 * chunk: the caller runs the JS kernel.
 */
/// <reference path="../wasm/wat.d.ts" />
import convText from '../wasm/conv.wat';
import { allocate } from '../dtype';
import { gemmInKernelMemory } from './wasmGemm';
import { heapFloats, loadKernel, SCRATCH_BYTES } from './wasmMemory';

/** A convolution's sizes as the loops see them (conv.ts: a 1-D convolution has h = kh = 1). */
export interface ConvShape {
  batch: number; channels: number; filters: number; groups: number;
  h: number; w: number; kh: number; kw: number; sh: number; sw: number;
  ph: number; pw: number; dh: number; dw: number; oh: number; ow: number;
}

type Entry = (...args: number[]) => void;

interface ConvKernel {
  padPlanes: Entry; cropPlanes: Entry; entryOffsets: Entry; gatherPanels: Entry;
  gatherRows: Entry; foldRows: Entry; scatterOutput: Entry; packLanes: Entry;
}

let kernel: ConvKernel | null | undefined; // undefined: not loaded yet

function load(): ConvKernel | null {
  if (kernel !== undefined) return kernel;
  const loaded = loadKernel(convText);
  const e = loaded?.exports as Record<string, Entry> | undefined;
  kernel = e ? {
    padPlanes: e['pad_planes']!, cropPlanes: e['crop_planes']!, entryOffsets: e['entry_offsets']!,
    gatherPanels: e['gather_panels']!, gatherRows: e['gather_rows']!, foldRows: e['fold_rows']!,
    scatterOutput: e['scatter_output']!, packLanes: e['pack_lanes']!,
  } : null;
  return kernel;
}

/**
 * Unfolded patches per chunk of images, at most (floats): 1 MB, which the unfolding writes and the
 * product reads back from the second-level cache (LeNet's batch of 64: chunks of 11 images in the first layer, 17 in the second;
 * chunks of 8 MB, one per layer, took about 1.2× as long on one thread).
 */
export const CHUNK_FLOATS = 1 << 18;

const roundUp = (value: number, to: number): number => Math.ceil(value / to) * to;

/** Byte offsets in the kernel memory handed out one after the other, 16-byte aligned, from SCRATCH_BYTES. */
function regions() {
  let end = SCRATCH_BYTES;
  return {
    take(floats: number): number {
      const at = end;
      end += roundUp(Math.max(floats, 1), 4) * 4;
      return at;
    },
    /** The memory grown to hold them all, as floats; null when it cannot grow that far. */
    heap: () => heapFloats(end),
  };
}

/** The sizes every product shares, and how many images a chunk holds. */
function sizesOf(s: ConvShape) {
  const groupChannels = s.channels / s.groups;
  const groupFilters = s.filters / s.groups;
  const patch = groupChannels * s.kh * s.kw;
  const area = s.oh * s.ow;
  const hp = s.h + 2 * s.ph;
  const wp = s.w + 2 * s.pw;
  const padded = s.ph > 0 || s.pw > 0;
  const chunk = Math.max(1, Math.min(s.batch, Math.floor(CHUNK_FLOATS / (roundUp(patch, 4) * area))));
  return { groupChannels, groupFilters, patch, area, hp, wp, padded, chunk, inputArea: s.h * s.w };
}

/** Where each patch entry is, from its position's base, in the padded input (conv.wat's `table`). */
function entryTable(k: ConvKernel, table: number, s: ConvShape, groupChannels: number, hp: number, wp: number): void {
  k.entryOffsets(table, groupChannels, hp * wp, s.kh, s.kw, s.dh * wp, s.dw);
}

/** y = conv(x, w) + bias, as convForward (conv.ts) computes it; null: run the JS kernel. */
export function wasmConvForward(x: Float32Array, weight: Float32Array, bias: Float32Array | null, s: ConvShape): Float32Array | null {
  const k = load();
  if (k === null) return null;
  const { groupChannels, groupFilters, patch, area, hp, wp, padded, chunk, inputArea } = sizesOf(s);
  const rows = roundUp(groupFilters, 4);
  const columns = roundUp(chunk * area, 8);
  const at = regions();
  const xAt = at.take(chunk * s.channels * inputArea);
  const xpAt = padded ? at.take(chunk * s.channels * hp * wp) : xAt;
  const tableAt = at.take(patch);
  const aAt = at.take(rows * patch);
  const bAt = at.take(columns * patch);
  const cAt = at.take(rows * columns);
  const outAt = at.take(chunk * s.filters * area);
  const biasAt = at.take(s.filters);
  const heap = at.heap();
  if (heap === null) return null;
  entryTable(k, tableAt, s, groupChannels, hp, wp);
  if (bias !== null) heap.set(bias, biasAt / 4);
  heap.fill(0, aAt / 4 + groupFilters * patch, aAt / 4 + rows * patch); // A's padding rows
  const out = allocate('float32', s.batch * s.filters * area) as Float32Array;
  for (let first = 0; first < s.batch; first += chunk) {
    const images = Math.min(chunk, s.batch - first);
    const positions = images * area;
    heap.set(x.subarray(first * s.channels * inputArea, (first + images) * s.channels * inputArea), xAt / 4);
    if (padded) k.padPlanes(xAt, xpAt, images * s.channels, s.h, s.w, s.ph, s.pw);
    for (let group = 0; group < s.groups; group++) {
      heap.set(weight.subarray(group * groupFilters * patch, (group + 1) * groupFilters * patch), aAt / 4);
      k.gatherPanels(xpAt + group * groupChannels * hp * wp * 4, bAt, tableAt, patch, images, s.channels * hp * wp, s.oh, s.ow, s.sh * wp, s.sw);
      const n = roundUp(positions, 8);
      if (!gemmInKernelMemory(aAt, bAt, cAt, rows, n, patch, n)) return null;
      k.scatterOutput(cAt, n, outAt + group * groupFilters * area * 4, images, s.filters, groupFilters, area, biasAt + group * groupFilters * 4, bias === null ? 0 : 1);
    }
    out.set(heap.subarray(outAt / 4, outAt / 4 + images * s.filters * area), first * s.filters * area);
  }
  return out;
}

/** ∂L/∂w from x and dy, as convBackwardWeight (conv.ts) computes it; null: run the JS kernel. */
export function wasmConvBackwardWeight(x: Float32Array, dy: Float32Array, s: ConvShape): Float32Array | null {
  const k = load();
  if (k === null) return null;
  const { groupChannels, groupFilters, patch, area, hp, wp, padded, chunk, inputArea } = sizesOf(s);
  const rows = roundUp(patch, 4);
  const columns = roundUp(groupFilters, 8);
  const at = regions();
  const xAt = at.take(chunk * s.channels * inputArea);
  const xpAt = padded ? at.take(chunk * s.channels * hp * wp) : xAt;
  const dyAt = at.take(chunk * s.filters * area);
  const tableAt = at.take(patch);
  const aAt = at.take(rows * chunk * area);
  const bAt = at.take(columns * chunk * area);
  const cAt = at.take(rows * columns);
  const heap = at.heap();
  if (heap === null) return null;
  entryTable(k, tableAt, s, groupChannels, hp, wp);
  const dw = allocate('float32', s.filters * patch) as Float32Array;
  for (let first = 0; first < s.batch; first += chunk) {
    const images = Math.min(chunk, s.batch - first);
    const positions = images * area;
    heap.set(x.subarray(first * s.channels * inputArea, (first + images) * s.channels * inputArea), xAt / 4);
    if (padded) k.padPlanes(xAt, xpAt, images * s.channels, s.h, s.w, s.ph, s.pw);
    heap.set(dy.subarray(first * s.filters * area, (first + images) * s.filters * area), dyAt / 4);
    heap.fill(0, aAt / 4 + patch * positions, aAt / 4 + rows * positions); // A's padding rows
    for (let group = 0; group < s.groups; group++) {
      k.gatherRows(xpAt + group * groupChannels * hp * wp * 4, aAt, tableAt, patch, images, s.channels * hp * wp, s.oh, s.ow, s.sh * wp, s.sw);
      k.packLanes(dyAt + group * groupFilters * area * 4, bAt, images, s.filters * area, groupFilters, area);
      if (!gemmInKernelMemory(aAt, bAt, cAt, rows, columns, positions, columns)) return null;
      // dW_γᵀ (K × O/G, rows `columns` apart) into dW (O × K); chunks after the first add on.
      const c = cAt / 4;
      for (let o = 0; o < groupFilters; o++) {
        const row = (group * groupFilters + o) * patch;
        if (first === 0) for (let e = 0; e < patch; e++) dw[row + e] = heap[c + e * columns + o]!;
        else for (let e = 0; e < patch; e++) dw[row + e] += heap[c + e * columns + o]!;
      }
    }
  }
  return dw;
}

/** ∂L/∂x from dy and the weight, as convBackwardData (conv.ts) computes it; null: run the JS kernel. */
export function wasmConvBackwardData(dy: Float32Array, weight: Float32Array, s: ConvShape): Float32Array | null {
  const k = load();
  if (k === null) return null;
  const { groupChannels, groupFilters, patch, area, hp, wp, padded, chunk, inputArea } = sizesOf(s);
  const rows = roundUp(patch, 4);
  const columns = roundUp(chunk * area, 8);
  const at = regions();
  const dyAt = at.take(chunk * s.filters * area);
  const tableAt = at.take(patch);
  const dyTableAt = at.take(groupFilters);
  const aAt = at.take(rows * groupFilters);
  const bAt = at.take(columns * groupFilters);
  const cAt = at.take(rows * columns);
  const dxpAt = at.take(chunk * s.channels * hp * wp);
  const dxAt = padded ? at.take(chunk * s.channels * inputArea) : dxpAt;
  const heap = at.heap();
  if (heap === null) return null;
  entryTable(k, tableAt, s, groupChannels, hp, wp);
  k.entryOffsets(dyTableAt, groupFilters, area, 1, 1, 0, 0); // filter o of an image: o·P floats on
  heap.fill(0, aAt / 4 + patch * groupFilters, aAt / 4 + rows * groupFilters); // A's padding rows
  const dx = allocate('float32', s.batch * s.channels * inputArea) as Float32Array;
  for (let first = 0; first < s.batch; first += chunk) {
    const images = Math.min(chunk, s.batch - first);
    const n = roundUp(images * area, 8);
    heap.set(dy.subarray(first * s.filters * area, (first + images) * s.filters * area), dyAt / 4);
    heap.fill(0, dxpAt / 4, dxpAt / 4 + images * s.channels * hp * wp);
    for (let group = 0; group < s.groups; group++) {
      // A = W_γᵀ (K × O/G)
      const a = aAt / 4;
      for (let o = 0; o < groupFilters; o++) {
        const row = (group * groupFilters + o) * patch;
        for (let e = 0; e < patch; e++) heap[a + e * groupFilters + o] = weight[row + e]!;
      }
      k.gatherPanels(dyAt + group * groupFilters * area * 4, bAt, dyTableAt, groupFilters, images, s.filters * area, 1, area, 0, 1);
      if (!gemmInKernelMemory(aAt, bAt, cAt, rows, n, groupFilters, n)) return null;
      k.foldRows(cAt, n, dxpAt + group * groupChannels * hp * wp * 4, tableAt, patch, images, s.channels * hp * wp, s.oh, s.ow, s.sh * wp, s.sw);
    }
    if (padded) k.cropPlanes(dxpAt, dxAt, images * s.channels, s.h, s.w, s.ph, s.pw);
    dx.set(heap.subarray(dxAt / 4, dxAt / 4 + images * s.channels * inputArea), first * s.channels * inputArea);
  }
  return dx;
}
