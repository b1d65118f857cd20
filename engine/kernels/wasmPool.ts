/**
 * float32 max and average pooling on WebAssembly (engine/wasm/pool.wat): the operands copied into
 * the kernel memory, the loops run there, the result copied out. Bit for bit the JS kernels'
 * results (pool.ts): the same comparisons, the same float64 sums rounded once. Null when the
 * kernel is not here or the memory cannot hold the operands: the caller runs the JS kernel.
 */
/// <reference path="../wasm/wat.d.ts" />
import poolText from '../wasm/pool.wat';
import { allocate } from '../dtype';
import { heapFloats, loadKernel, SCRATCH_BYTES } from './wasmMemory';

/** A pooling's sizes as the loops see them (pool.ts: a 1-D pooling has h = kh = 1). */
export interface PoolShape {
  planes: number;
  h: number; w: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; oh: number; ow: number;
}

type Entry = (...args: number[]) => void;

interface PoolKernel { pool: Entry; maxPoolBackward: Entry; avgPoolBackward: Entry }

let kernel: PoolKernel | null | undefined; // undefined: not loaded yet

function load(): PoolKernel | null {
  if (kernel !== undefined) return kernel;
  const e = loadKernel(poolText)?.exports as Record<string, Entry> | undefined;
  kernel = e ? { pool: e['pool']!, maxPoolBackward: e['max_pool_backward']!, avgPoolBackward: e['avg_pool_backward']! } : null;
  return kernel;
}

const aligned = (floats: number): number => Math.ceil(floats / 4) * 16;

/** `floats` floats from byte `at` of the kernel memory into a new array of the engine's (counted by its memory budget). */
function copyOut(heap: Float32Array, at: number, floats: number): Float32Array {
  const out = allocate('float32', floats) as Float32Array;
  out.set(heap.subarray(at / 4, at / 4 + floats));
  return out;
}

/** The window arguments of pool.wat's functions, in their order. */
const windows = (s: PoolShape): number[] => [s.planes, s.h, s.w, s.kh, s.kw, s.sh, s.sw, s.ph, s.pw, s.oh, s.ow];

/** Max pooling of x: out and each window's argmax (flat into x), as maxPoolForward computes them. */
export function wasmMaxPool(x: Float32Array, s: PoolShape): { out: Float32Array; argmax: Int32Array } | null {
  const k = load();
  const count = s.planes * s.oh * s.ow;
  const xAt = SCRATCH_BYTES;
  const outAt = xAt + aligned(x.length);
  const argmaxAt = outAt + aligned(count);
  const heap = k && heapFloats(argmaxAt + aligned(count));
  if (!k || !heap) return null;
  heap.set(x, xAt / 4);
  k.pool(xAt, outAt, argmaxAt, 0, ...windows(s));
  const out = copyOut(heap, outAt, count);
  const argmax = allocate('int32', count) as Int32Array;
  argmax.set(new Int32Array(heap.buffer, argmaxAt, count));
  return { out, argmax };
}

/** dx (cells floats) with dy added at the argmaxes, as maxPoolBackward computes it. */
export function wasmMaxPoolBackward(dy: Float32Array, argmax: Int32Array, cells: number): Float32Array | null {
  const k = load();
  const dyAt = SCRATCH_BYTES;
  const argmaxAt = dyAt + aligned(dy.length);
  const dxAt = argmaxAt + aligned(argmax.length);
  const heap = k && heapFloats(dxAt + aligned(cells));
  if (!k || !heap) return null;
  heap.set(dy, dyAt / 4);
  new Int32Array(heap.buffer, argmaxAt, argmax.length).set(argmax);
  k.maxPoolBackward(dyAt, argmaxAt, dxAt, argmax.length, cells);
  return copyOut(heap, dxAt, cells);
}

/** Average pooling of x (backward false), or its gradient from dy (backward true), as pool.ts computes them. */
export function wasmAvgPool(input: Float32Array, s: PoolShape, backward: boolean): Float32Array | null {
  const k = load();
  const cells = s.planes * s.h * s.w;
  const count = s.planes * s.oh * s.ow;
  const xAt = SCRATCH_BYTES; // x, or dx
  const yAt = xAt + aligned(cells); // out, or dy
  const heap = k && heapFloats(yAt + aligned(count));
  if (!k || !heap) return null;
  heap.set(input, (backward ? yAt : xAt) / 4);
  if (backward) {
    k.avgPoolBackward(xAt, yAt, cells, ...windows(s));
    return copyOut(heap, xAt, cells);
  }
  k.pool(xAt, yAt, 0, 1, ...windows(s));
  return copyOut(heap, yAt, count);
}
