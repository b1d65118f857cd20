/**
 * float32 value statistics on the WebAssembly SIMD kernel (engine/wasm/stats.wat), for tools that
 * summarise every array a program makes (kernels/summaries.ts). Each call copies the values into
 * the kernels' memory (wasmMemory.ts) and reads a few float64 back.
 */
/// <reference path="../wasm/wat.d.ts" />
import statsText from '../wasm/stats.wat';
import { heapFloats, loadKernel, SCRATCH_BYTES } from './wasmMemory';

interface StatsKernel {
  stats: (x: number, n: number, shift: number, out: number) => void;
  statsFinite: (x: number, n: number, shift: number, out: number) => number;
  anyNonFinite: (x: number, n: number) => number;
  updateSums: (a: number, b: number, n: number, out: number) => void;
}

let kernel: StatsKernel | null | undefined;

function load(): StatsKernel | null {
  if (kernel !== undefined) return kernel;
  const e = loadKernel(statsText)?.exports as Record<string, never> | undefined;
  kernel = e === undefined ? null : { stats: e.stats_f32, statsFinite: e.stats_finite_f32, anyNonFinite: e.any_nonfinite_f32, updateSums: e.update_sums_f32 };
  return kernel;
}

/** The values' place, after the threads' control block, in floats; the results follow them. */
const START = SCRATCH_BYTES / 4;
/** Where the results go after `floats` values from START: a 16-byte boundary, in bytes. */
const resultsAt = (floats: number): number => (START + ((floats + 3) & ~3)) * 4;
/** Results of stats_f32, in its order. */
const STATS_RESULTS = 9;

/**
 * Over x's values: [NaNs, ±Infinities, zeros, min, max, Σv, Σ(v − shift), Σ(v − shift)², Σv²], the
 * last six over the finite values (stats.wat); null when the kernel is not here or its memory
 * cannot hold the values.
 */
export function wasmStats(x: Float32Array, shift: number): Float64Array | null {
  const instance = load();
  const out = resultsAt(x.length);
  const heap = instance && heapFloats(out + STATS_RESULTS * 8);
  if (!instance || !heap) return null;
  heap.set(x, START);
  // Most arrays are all finite: the kernel without masks first, the one with them when it finds otherwise.
  if (instance.statsFinite(START * 4, x.length, shift, out) === 0) instance.stats(START * 4, x.length, shift, out);
  return new Float64Array(heap.buffer, out, STATS_RESULTS).slice();
}

/** Whether x has a NaN or ±Infinity; null as wasmStats. */
export function wasmAnyNonFinite(x: Float32Array): boolean | null {
  const instance = load();
  const heap = instance && heapFloats((START + x.length) * 4);
  if (!instance || !heap) return null;
  heap.set(x, START);
  return instance.anyNonFinite(START * 4, x.length) !== 0;
}

/** [Σ(a − b)², Σb²] over the positions finite in both (a and b as long); null as wasmStats. */
export function wasmUpdateSums(a: Float32Array, b: Float32Array): [number, number] | null {
  const instance = load();
  const bAt = resultsAt(a.length) / 4;
  const out = (bAt + ((b.length + 3) & ~3)) * 4;
  const heap = instance && heapFloats(out + 2 * 8);
  if (!instance || !heap) return null;
  heap.set(a, START);
  heap.set(b, bAt);
  instance.updateSums(START * 4, bAt * 4, a.length, out);
  const sums = new Float64Array(heap.buffer, out, 2);
  return [sums[0]!, sums[1]!];
}
