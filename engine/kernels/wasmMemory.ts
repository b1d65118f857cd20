/**
 * The one WebAssembly memory every kernel module of the engine imports (`env.memory`), and the
 * modules' instances in it.
 *
 * Where the platform allows it (Node, VS Code's extension host, a cross-origin-isolated page) the
 * memory is shared: a SharedArrayBuffer that worker threads running the same kernels read and
 * write (gemmThreads.ts), and that keeps its views when it grows. Elsewhere it is an ordinary
 * memory and the kernels run on one thread. Its layout: CONTROL_BYTES at the start for the
 * threads' control block, then the operands of the kernel call in progress (one at a time: the
 * engine is synchronous), from SCRATCH_BYTES on.
 */
import { reserveKernelMemory } from '../memory';
import { decodeBase64 } from './wasmBytes';

/** A kernel module as the build bundles it (engine/wasm/wat.d.ts). */
export interface KernelText {
  readonly shared: string;
  readonly plain: string;
}

const PAGE = 65536;
/** The kernels address the memory with 32-bit offsets; V8 gives a memory at most 4 GB (65,536 pages). */
export const MAX_PAGES = 65536;
/** The threads' control block (gemmThreads.ts): 64 int32 slots. */
export const CONTROL_BYTES = 256;
/** Where a kernel call's operands start (16-byte aligned, after the control block). */
export const SCRATCH_BYTES = CONTROL_BYTES;

export interface KernelMemory {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
}

let heap: KernelMemory | null | undefined; // undefined: not made yet; null: no WebAssembly here

function makeMemory(): KernelMemory | null {
  if (typeof WebAssembly !== 'object') return null;
  try {
    return { memory: new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true }), shared: true };
  } catch {
    // No shared memory here (no SharedArrayBuffer without cross-origin isolation, or no threads).
  }
  try {
    return { memory: new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES }), shared: false };
  } catch {
    return null;
  }
}

/** The kernels' memory, made on first use; null where WebAssembly is missing. */
export function kernelMemory(): KernelMemory | null {
  if (heap === undefined) {
    heap = makeMemory();
    if (heap) reserveKernelMemory(heap.memory.buffer.byteLength, true); // its first page, counted whatever the budget says
  }
  return heap;
}

export interface LoadedKernel {
  readonly module: WebAssembly.Module;
  readonly exports: Record<string, unknown>;
}

const loaded = new Map<KernelText, LoadedKernel | null>();

/**
 * The kernel module compiled and instantiated in the kernels' memory (the shared variant when the
 * memory is shared); null where WebAssembly or its SIMD is missing or compiling is refused (a
 * Content Security Policy without 'wasm-unsafe-eval'): the caller runs its JS kernel.
 */
export function loadKernel(text: KernelText): LoadedKernel | null {
  const known = loaded.get(text);
  if (known !== undefined) return known;
  let result: LoadedKernel | null = null;
  const memory = kernelMemory();
  try {
    if (memory !== null) {
      const bytes = decodeBase64(memory.shared ? text.shared : text.plain);
      if (WebAssembly.validate(bytes)) {
        const module = new WebAssembly.Module(bytes);
        result = { module, exports: new WebAssembly.Instance(module, { env: { memory: memory.memory } }).exports };
      }
    }
  } catch {
    result = null; // no SIMD, or compiling refused: the JS kernels run
  }
  loaded.set(text, result);
  return result;
}

/** The kernels' memory's size in bytes (0 before it is made). */
export function kernelMemoryBytes(): number {
  return heap ? heap.memory.buffer.byteLength : 0;
}

/**
 * The kernels' memory as floats, grown to hold `bytes` from its start; null when it cannot grow
 * that far, or the arrays' memory budget (memory.ts, which counts it) has no room for it. The view is made anew each call: an ordinary memory's buffer is replaced when it grows.
 */
export function heapFloats(bytes: number): Float32Array | null {
  const memory = kernelMemory();
  if (memory === null) return null;
  const pages = Math.ceil(bytes / PAGE);
  const have = memory.memory.buffer.byteLength / PAGE;
  if (pages > MAX_PAGES) return null;
  if (pages > have) {
    if (!reserveKernelMemory(pages * PAGE)) return null; // past the arrays' budget (memory.ts): JS kernels
    try {
      memory.memory.grow(pages - have);
    } catch {
      return null;
    }
  }
  return new Float32Array(memory.memory.buffer);
}
