/**
 * float32 matrix products on the WebAssembly SIMD kernel (engine/wasm/gemm.wat).
 *
 * The kernel reads A row-major with its rows padded to a multiple of 4 and B packed in panels of 8
 * columns, both in its own memory; this module copies A there (an A given transposed is copied as
 * it lies and transposed there by the transposes' kernel), copies B there and has the kernel pack
 * it (once per distinct B of a batch; a B given transposed is packed by shuffles, no copy of its
 * transpose), runs the kernel and copies the result out. The copies cost O(mk + kn + mn) against the
 * product's O(mkn): products too small to pay for them (SMALL_PRODUCT) stay on the JS kernel.
 * Where WebAssembly or its SIMD is missing, or compiling it is refused (a Content Security Policy
 * without 'wasm-unsafe-eval'), `wasmGemm` returns false and the caller runs the JS kernel.
 */
/// <reference path="../wasm/wat.d.ts" />
import gemmText from '../wasm/gemm.wat';
import { threadedGemm, type GemmEntry } from './gemmThreads';
import { transposeAvailable, transposeInKernelMemory } from './wasmElementwise';
import { heapFloats, loadKernel, SCRATCH_BYTES, type LoadedKernel } from './wasmMemory';

interface GemmKernel {
  loaded: LoadedKernel;
  gemm_f32: GemmEntry;
  pack_b(src: number, rowStride: number, colStride: number, dst: number, k: number, n: number): void;
  /** 48 · iterations floating-point operations in registers: the one-core SIMD peak (benchmarks). */
  peak_f32(iterations: number, x: number, y: number): number;
}

/** Below this many multiply-adds the copies in and out cost more than the kernel saves (bench/README.md). */
export const SMALL_PRODUCT = 16 * 16 * 16;

let kernel: GemmKernel | null | undefined; // undefined: not loaded yet

function load(): GemmKernel | null {
  if (kernel !== undefined) return kernel;
  const loaded = loadKernel(gemmText);
  kernel = loaded && {
    loaded,
    gemm_f32: loaded.exports.gemm_f32 as GemmEntry,
    pack_b: loaded.exports.pack_b as GemmKernel['pack_b'],
    peak_f32: loaded.exports.peak_f32 as GemmKernel['peak_f32'],
  };
  return kernel;
}

/** Whether the WebAssembly kernel runs here. */
export function wasmAvailable(): boolean {
  return load() !== null;
}

/** Floating-point operations per iteration of the peak probe. */
export const PEAK_PROBE_FLOPS = 48;

/**
 * The kernel's own mix of SIMD multiplies and adds at their throughput, `iterations` ×
 * PEAK_PROBE_FLOPS floating-point operations in registers: the benchmark's measure of this
 * machine's one-core WebAssembly SIMD peak. Null where the kernel does not load.
 */
export function simdPeakProbe(iterations: number): number | null {
  const instance = load();
  return instance ? instance.peak_f32(Math.round(iterations), 1, 0) : null;
}

const roundUp = (value: number, to: number) => Math.ceil(value / to) * to;

/**
 * B (k × n) into panels of 8 columns at `at.bAt`, zeros past column n: B's elements are copied as
 * they lie (`k · n` floats from `b[from]`) to the staging area, and the kernel's pack_b lays them
 * out (B row-major: rows n apart; B given transposed, n × k: columns k apart).
 */
function packPanels(instance: GemmKernel, at: Layout, b: Float32Array, from: number, transposed: boolean, k: number, n: number): void {
  at.heap.set(b.subarray(from, from + k * n), at.rawAt);
  if (transposed) instance.pack_b(at.rawAt * 4, 1, k, at.bAt * 4, k, n);
  else instance.pack_b(at.rawAt * 4, n, 1, at.bAt * 4, k, n);
}

/**
 * The kernel, its memory laid out for an m × k by k × n product: where A, the packed B and C go,
 * B as it lies before pack_b and, for A given transposed, A as it lies (in floats).
 */
function layout(m: number, k: number, n: number, transposedA: boolean) {
  const mp = roundUp(m, 4);
  const np = roundUp(n, 8);
  const aAt = SCRATCH_BYTES / 4;
  const bAt = aAt + mp * k;
  const cAt = bAt + k * np;
  const rawAt = cAt + mp * np;
  const rawAAt = rawAt + roundUp(k * n, 4);
  // The transpose reads vectors down A's columns: up to 3 floats past the last one.
  const heap = heapFloats((rawAAt + (transposedA ? m * k + 4 : 0)) * 4);
  if (heap === null) return null;
  heap.fill(0, aAt + m * k, bAt); // the padding rows of A
  return { heap, mp, np, aAt, bAt, cAt, rawAt, rawAAt };
}

type Layout = NonNullable<ReturnType<typeof layout>>;

/**
 * A (m × k from `aOffset`: row-major, or given transposed as k × m) in, the product run, C (m × n)
 * out to `out[outOffset]`.
 */
function multiply(instance: GemmKernel, at: Layout, a: Float32Array, aOffset: number, transposedA: boolean, out: Float32Array, outOffset: number, m: number, k: number, n: number): void {
  const { heap, mp, np, aAt, bAt, cAt, rawAAt } = at;
  if (transposedA) {
    heap.set(a.subarray(aOffset, aOffset + m * k), rawAAt);
    transposeInKernelMemory(rawAAt * 4, aAt * 4, m, k, m);
  } else {
    heap.set(a.subarray(aOffset, aOffset + m * k), aAt);
  }
  threadedGemm(instance.loaded, instance.gemm_f32, aAt * 4, bAt * 4, cAt * 4, mp, np, k, np);
  if (np === n) out.set(heap.subarray(cAt, cAt + m * n), outOffset);
  else for (let i = 0; i < m; i++) out.set(heap.subarray(cAt + i * np, cAt + i * np + n), outOffset + i * n);
}

/**
 * Independent products out[outOffset + t·m·n] (m×n) = A[t] · B[t], as runGemm takes them: A[t]
 * from `aOffsets[t]` of `a`, m × k (or k × m, transposed, with `transposedA`), B[t] from
 * `bOffsets[t]` of `b`, k × n (or n × k with `transposedB`); a repeated B offset is packed once.
 * False when the WebAssembly kernels are not here or their memory cannot hold the operands:
 * nothing was written, the caller computes.
 */
export function wasmGemm(
  a: Float32Array, aOffsets: readonly number[], transposedA: boolean,
  b: Float32Array, bOffsets: readonly number[], transposedB: boolean,
  out: Float32Array, outOffset: number, m: number, k: number, n: number,
): boolean {
  const instance = load();
  if (!instance || (transposedA && !transposeAvailable())) return false;
  const at = layout(m, k, n, transposedA);
  if (!at) return false;
  let packed = -1;
  for (let t = 0; t < aOffsets.length; t++) {
    const bOffset = bOffsets[t]!;
    if (bOffset !== packed) {
      packPanels(instance, at, b, bOffset, transposedB, k, n);
      packed = bOffset;
    }
    multiply(instance, at, a, aOffsets[t]!, transposedA, out, outOffset + t * m * n, m, k, n);
  }
  return true;
}

/**
 * c (m × n, rows ldc floats apart) = a (m × k, row-major) · b (packed in panels of 8 columns) on
 * operands a kernel of ours has already laid out in the kernel memory (byte offsets; m a multiple
 * of 4, n of 8), over the threads when the product is big enough: the convolution's products on the
 * patches it unfolds there (wasmConv.ts). False when the kernel is not here.
 */
export function gemmInKernelMemory(a: number, b: number, c: number, m: number, n: number, k: number, ldc: number): boolean {
  const instance = load();
  if (!instance) return false;
  threadedGemm(instance.loaded, instance.gemm_f32, a, b, c, m, n, k, ldc);
  return true;
}
