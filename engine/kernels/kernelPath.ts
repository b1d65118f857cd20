/**
 * Which kernels the engine runs: its WebAssembly SIMD kernels where the platform has WebAssembly
 * SIMD (Node, VS Code's extension host, every current browser), else — or when told — the
 * plain-JS ones, which stay the reference. `GRADLENS_KERNELS=js` in the environment (or
 * `useKernels('js')`) forces the JS path: the test suite runs the engine's tests on both.
 */
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
