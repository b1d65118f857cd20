/**
 * Which kernels the engine runs: its WebAssembly SIMD kernels where the platform has WebAssembly
 * SIMD (Node, VS Code's extension host, every current browser), else — or when told — the
 * plain-JS ones, which stay the reference. `GRADLENS_KERNELS=js` in the environment (or
 * `useKernels('js')`) forces the JS path: the test suite runs the engine's tests on both.
 */
import { nodeBuiltin } from './nodeBuiltin';

export type KernelPath = 'wasm' | 'js';

function fromEnvironment(): KernelPath {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.GRADLENS_KERNELS === 'js' ? 'js' : 'wasm';
}

let wanted: KernelPath = fromEnvironment();

/** The kernels asked for (the WebAssembly ones still fall back to JS where they cannot load). */
export function kernelPath(): KernelPath {
  return wanted;
}

/**
 * Selects the kernels (tests and benchmarks compare the two paths in one process).
 * @example useKernels('js'); const reference = np.dot(a, b); useKernels('wasm');
 */
export function useKernels(path: KernelPath): void {
  wanted = path;
}

/** At most this many threads share a product (the kernels' memory bandwidth levels off beyond). */
const MAX_THREADS = 4;

function cores(): number {
  return nodeBuiltin<{ availableParallelism?: () => number }>('node:os')?.availableParallelism?.() ?? 1;
}

function threadsFromEnvironment(): number | null {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = Number(env?.GRADLENS_THREADS);
  return Number.isInteger(value) && value >= 1 ? value : null;
}

let threads: number | null = threadsFromEnvironment();

/**
 * How many threads a big float32 product may use, the calling one included (gemmThreads.ts):
 * `GRADLENS_THREADS` or `useThreads(n)`, else this machine's cores, at most MAX_THREADS.
 */
export function kernelThreads(): number {
  threads ??= Math.max(1, Math.min(MAX_THREADS, cores()));
  return threads;
}

/**
 * Sets how many threads a big product may use (1: the calling thread only). Benchmarks report
 * one-thread and all-thread rows side by side with it.
 */
export function useThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`useThreads needs a whole number ≥ 1, got ${count}`);
  threads = count;
}
