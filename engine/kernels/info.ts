/**
 * Which kernels run here, for a program (or a benchmark) that wants to know or choose:
 *
 * ```ts
 * import { kernelInfo, useThreads } from 'gradlens';
 * kernelInfo();   // { path: 'wasm', webAssembly: true, sharedMemory: true, threads: 2, … }
 * useThreads(1);  // big products on the calling thread only
 * ```
 */
import { threadStats } from './gemmThreads';
import { kernelPath, kernelThreads, type KernelPath } from './kernelPath';
import { kernelMemory, kernelMemoryBytes } from './wasmMemory';
import { wasmAvailable } from './wasmGemm';

export interface KernelInfo {
  /** The kernels asked for: `GRADLENS_KERNELS=js` or `useKernels('js')` selects the plain-JS ones. */
  path: KernelPath;
  /** Whether the WebAssembly SIMD kernels load here (else the JS kernels run whatever the path). */
  webAssembly: boolean;
  /** Whether their memory is shared, so that big products can use more than one thread. */
  sharedMemory: boolean;
  /** How many threads a big product may use, the calling one included (`GRADLENS_THREADS`, `useThreads`). */
  threads: number;
  /** Worker threads started and ready (they start on the first big product). */
  workersReady: number;
  /** Blocks of products the workers have computed so far. */
  blocksByWorkers: number;
  /**
   * Bytes of the kernels' memory: it grows to hold the largest operands so far and does not
   * shrink; a memory budget (setMemoryBudget) counts it with the arrays.
   */
  memoryBytes: number;
}

export function kernelInfo(): KernelInfo {
  const webAssembly = wasmAvailable();
  const stats = threadStats();
  return {
    path: kernelPath(),
    webAssembly,
    sharedMemory: webAssembly && (kernelMemory()?.shared ?? false),
    threads: kernelThreads(),
    workersReady: stats.readyWorkers,
    blocksByWorkers: stats.blocksByWorkers,
    memoryBytes: kernelMemoryBytes(),
  };
}
