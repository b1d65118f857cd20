/**
 * A budget for the bytes held by the engine's arrays. V8's heap limit does not count the storage of
 * typed arrays, so without one a loop that keeps `np.ones([1000, 1000])` arrays takes the whole
 * machine's memory. It is the hook a host that runs programs it does not control uses (GradLens
 * capture sets it in the traced program); with no budget set, nothing is measured.
 *
 * The count is an approximation — the bytes live at the last measurement plus every byte allocated
 * since (frees are not seen) — kept by one add and one compare per allocation (dtype.ts). Only when
 * it passes the budget is the truth measured (`liveBytes`), and when that is still over, memory is
 * collected (`collect`) and measured again: the allocation is refused only when still over.
 *
 * ```ts
 * import { setMemoryBudget, np } from 'gradlens';
 * setMemoryBudget({ maxBytes: 64 * 2 ** 20, liveBytes: () => process.memoryUsage().arrayBuffers });
 * np.ones([10_000, 10_000]);   // throws ArrayMemoryError: out of memory for arrays: an array of 100,000,000 float32 elements …
 * ```
 */
import { GradLensError, startStackAtUserCode } from './errors';

export interface MemoryBudget {
  /** The most bytes the arrays may hold. */
  maxBytes: number;
  /**
   * The bytes arrays hold now (in Node: `process.memoryUsage().arrayBuffers`). Without it, every
   * byte allocated since the budget was set counts, freed or not.
   */
  liveBytes?: () => number;
  /** A full garbage collection, run before an allocation is refused. */
  collect?: () => void;
  /** What the error tells the user to do (default: free arrays you no longer need). */
  advice?: string;
}

/** Read and written by `allocate` (dtype.ts) on every allocation: keep it two numbers. */
export const arrayBytes = {
  /** Bytes live at the last measurement plus bytes allocated since. */
  charged: 0,
  /** The budget's maxBytes, or Infinity when there is none (the compare then never passes). */
  limit: Infinity,
};

let budget: MemoryBudget | null = null;

/**
 * Bytes of the WebAssembly kernels' memory (kernels/wasmMemory.ts), counted with the arrays': a
 * host's liveBytes (process.memoryUsage().arrayBuffers) does not see it, and it never shrinks.
 */
let kernelBytes = 0;

/** Sets (or, with null, removes) the budget of array bytes; the count starts from `liveBytes()`. */
export function setMemoryBudget(next: MemoryBudget | null): void {
  if (next !== null && !(typeof next.maxBytes === 'number' && next.maxBytes >= 0)) {
    throw new GradLensError('setMemoryBudget', `maxBytes must be a number ≥ 0, got ${String(next.maxBytes)}`);
  }
  budget = next === null ? null : { ...next };
  arrayBytes.limit = next === null ? Infinity : next.maxBytes;
  arrayBytes.charged = (next?.liveBytes?.() ?? 0) + kernelBytes;
}

/**
 * Whether the kernels' memory may grow to `total` bytes within the budget (counted from then on);
 * false leaves it as it is: the kernels then run in JavaScript, on the arrays' own memory.
 * `whatever`: counted without asking (the memory's first page, made before any growth).
 */
export function reserveKernelMemory(total: number, whatever = false): boolean {
  const more = total - kernelBytes;
  if (more <= 0) return true;
  const current = budget;
  if (!whatever && current !== null && arrayBytes.charged + more > arrayBytes.limit) {
    let live = arrayBytes.charged;
    if (current.liveBytes) {
      live = current.liveBytes() + kernelBytes;
      if (live + more > current.maxBytes && current.collect) {
        current.collect();
        live = current.liveBytes() + kernelBytes;
      }
    }
    arrayBytes.charged = live;
    if (live + more > current.maxBytes) return false;
  }
  arrayBytes.charged += more;
  kernelBytes = total;
  return true;
}

/** The budget in force, or null. */
export function memoryBudget(): Readonly<MemoryBudget> | null {
  return budget;
}

/** Refused by the memory budget: names the allocation, the budget and what was in use. */
export class ArrayMemoryError extends GradLensError {
  constructor(
    /** The refused allocation. */
    readonly elements: number,
    readonly dtype: string,
    readonly requestedBytes: number,
    readonly budgetBytes: number,
    /** Bytes the arrays held when it was refused. */
    readonly liveBytes: number,
    advice: string,
  ) {
    super('allocate', '');
    this.name = 'ArrayMemoryError';
    // Any allocation of any op can meet the budget: the message names the allocation, not an op.
    this.message = `out of memory for arrays: an array of ${elements.toLocaleString('en-US')} ${dtype} elements (${megabytes(requestedBytes)}) `
      + `would take the arrays past the budget of ${megabytes(budgetBytes)} (${megabytes(liveBytes)} in use). ${advice}`;
  }
}

/** `3.8 MB`, `512 MB`, `12 bytes`: one decimal unless whole. */
function megabytes(bytes: number): string {
  const [size, unit] = bytes >= 2 ** 20 ? [bytes / 2 ** 20, 'MB'] : bytes >= 1024 ? [bytes / 1024, 'KB'] : [bytes, 'bytes'];
  return `${Number.isInteger(size) ? size : size.toFixed(1)} ${unit}`;
}

/**
 * Called by `allocate` once the count (which already includes `bytes`) passed the budget: measures,
 * collects if still over, and throws only if the allocation still does not fit.
 */
export function overBudget(bytes: number, elements: number, dtype: string): void {
  const current = budget;
  if (current === null) return;
  let live = arrayBytes.charged - bytes;
  if (current.liveBytes) {
    live = current.liveBytes() + kernelBytes;
    if (live + bytes > current.maxBytes && current.collect) {
      current.collect();
      live = current.liveBytes() + kernelBytes;
    }
  }
  if (live + bytes <= current.maxBytes) {
    arrayBytes.charged = live + bytes;
    return;
  }
  arrayBytes.charged = live;
  const error = new ArrayMemoryError(elements, dtype, bytes, current.maxBytes, live, current.advice ?? 'Free arrays you no longer need.');
  startStackAtUserCode(error);
  throw error;
}
