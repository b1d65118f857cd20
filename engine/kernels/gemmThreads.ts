/**
 * A float32 product of the WebAssembly kernel split over threads: the calling thread and workers
 * (Node's worker_threads) run the same kernel on blocks of the product in the one shared kernel
 * memory (wasmMemory.ts), so nothing is copied between them.
 *
 * Coordination is a control block of int32 slots at the start of that memory. The caller writes
 * the product's parameters, opens a counter of blocks and wakes the workers (Atomics.notify); every
 * thread, the caller included, claims blocks from the counter (Atomics.add) until none are left,
 * and counts each block it finishes; the caller waits until all are counted. A worker still
 * starting, busy or descheduled simply claims nothing: the caller takes every block itself, so a
 * product never waits for a worker to start. The counter is closed (a huge value) between
 * products, so that a worker waking late claims nothing of a product that is already done.
 *
 * Threads exist where the memory is shared and `worker_threads` can be reached without importing
 * it (`process.getBuiltinModule`, Node ≥ 20.16): Node and the programs GradLens runs. A browser
 * page, a bare JavaScript context or an older Node runs one thread. `GRADLENS_THREADS=1` (or
 * `useThreads(1)`) keeps every product on the calling thread.
 */
import { kernelThreads } from './kernelPath';
import { nodeBuiltin } from './nodeBuiltin';
import { CONTROL_BYTES, kernelMemory, type LoadedKernel } from './wasmMemory';

export type GemmEntry = (a: number, b: number, c: number, m: number, n: number, k: number, ldc: number) => void;

/** Below this many multiply-adds a product stays on the calling thread (a wake-up costs ≈ 10–50 µs). */
export const THREADED_PRODUCT = 128 * 128 * 128;
/** Rows of a block: the kernel's own block of rows (engine/wasm/gemm.wat). */
const BLOCK_ROWS = 64;

// The control block's slots (int32 indices). The chunk loop below is text run by both sides, so
// it names them by number: keep the two in step.
const SEQ = 0; // products started so far: workers wait for it to change
const NEXT = 1; // the next block to claim (CLOSED between products)
const FINISHED = 2; // blocks finished in the current product
const FAILED = 4; // a worker's kernel threw
const READY = 5; // workers started
const BY_WORKERS = 6; // blocks the workers have computed, ever (tests, benchmarks)
// 3: CHUNKS, 8 … 16: a, b, c, k, ldc, rowChunks, rows, cols, m, 17: n
const CLOSED = 1 << 30;

/**
 * The loop each thread runs over a product's blocks, as text: the workers evaluate it, and the
 * calling thread compiles the same text, so that both sides are one definition.
 * Slots: 1 NEXT, 2 FINISHED, 3 CHUNKS, 4 FAILED, 6 BY_WORKERS, 8 a, 9 b, 10 c, 11 k, 12 ldc,
 * 13 rowChunks, 14 rows per block, 15 columns per block, 16 m, 17 n.
 */
const CHUNK_LOOP = `
  for (;;) {
    const chunk = Atomics.add(ctrl, 1, 1);
    if (chunk >= Atomics.load(ctrl, 3)) return;
    try {
      const rowChunks = Atomics.load(ctrl, 13), rows = Atomics.load(ctrl, 14), cols = Atomics.load(ctrl, 15);
      const k = Atomics.load(ctrl, 11), ldc = Atomics.load(ctrl, 12);
      const r0 = (chunk % rowChunks) * rows, c0 = Math.floor(chunk / rowChunks) * cols;
      gemm(Atomics.load(ctrl, 8) + r0 * k * 4, Atomics.load(ctrl, 9) + (c0 / 8) * k * 32, Atomics.load(ctrl, 10) + (r0 * ldc + c0) * 4,
        Math.min(rows, Atomics.load(ctrl, 16) - r0), Math.min(cols, Atomics.load(ctrl, 17) - c0), k, ldc);
    } catch (error) {
      Atomics.store(ctrl, 4, 1);
    }
    if (byWorker) Atomics.add(ctrl, 6, 1);
    Atomics.add(ctrl, 2, 1);
    Atomics.notify(ctrl, 2);
  }
`;

const WORKER_SOURCE = `
  const { workerData } = process.getBuiltinModule('node:worker_threads');
  const { module, memory } = workerData;
  const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm_f32;
  const ctrl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
  const claim = (ctrl, gemm, byWorker) => { ${CHUNK_LOOP} };
  let seen = Atomics.load(ctrl, ${SEQ});
  Atomics.add(ctrl, ${READY}, 1);
  for (;;) {
    Atomics.wait(ctrl, ${SEQ}, seen);
    seen = Atomics.load(ctrl, ${SEQ});
    claim(ctrl, gemm, true);
  }
`;

interface WorkerLike {
  unref(): void;
  on(event: 'error' | 'exit', listener: () => void): void;
}
type WorkerConstructor = new (source: string, options: { eval: true; name: string; workerData: unknown }) => WorkerLike;

interface Pool {
  workers: WorkerLike[];
  claim: (ctrl: Int32Array, gemm: GemmEntry, byWorker: boolean) => void;
  /** Set when a worker failed or exited: every later product stays on the calling thread. */
  broken: boolean;
}

let pool: Pool | null | undefined; // undefined: not tried yet

function workerConstructor(): WorkerConstructor | null {
  const Worker = nodeBuiltin<{ Worker?: WorkerConstructor }>('node:worker_threads')?.Worker;
  return typeof Worker === 'function' ? Worker : null;
}

/** The workers, started on the first product big enough (they take a few milliseconds to be ready). */
function startPool(kernel: LoadedKernel, threads: number): Pool | null {
  const memory = kernelMemory();
  const Worker = workerConstructor();
  if (memory === null || !memory.shared || Worker === null) return null;
  const ctrl = new Int32Array(memory.memory.buffer, 0, CONTROL_BYTES / 4);
  Atomics.store(ctrl, NEXT, CLOSED);
  const started: Pool = { workers: [], claim: new Function('ctrl', 'gemm', 'byWorker', CHUNK_LOOP) as Pool['claim'], broken: false };
  try {
    for (let i = 1; i < threads; i++) {
      // Named: a debugger (VS Code's js-debug attaches to workers) lists it as what it is.
      const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'GradLens kernels', workerData: { module: kernel.module, memory: memory.memory } });
      worker.unref(); // a program ends when its own work does
      const broken = () => { started.broken = true; };
      worker.on('error', broken);
      worker.on('exit', broken);
      started.workers.push(worker);
    }
  } catch {
    return null;
  }
  return started;
}

/** Waits this long for the workers' blocks before the caller gives up on them and computes alone. */
const STALL_MS = 30_000;

/**
 * c (m × n, rows ldc floats apart) = a · b on the kernel, as `gemm` takes its arguments (byte
 * offsets in the kernel memory, m a multiple of 4, n of 8), over the threads when the product is
 * big enough and they exist; else on this thread.
 */
export function threadedGemm(kernel: LoadedKernel, gemm: GemmEntry, a: number, b: number, c: number, m: number, n: number, k: number, ldc: number): void {
  const threads = kernelThreads();
  if (threads <= 1 || m * n * k < THREADED_PRODUCT) return gemm(a, b, c, m, n, k, ldc);
  if (pool === undefined) pool = startPool(kernel, threads);
  const memory = kernelMemory();
  if (pool === null || pool.broken || memory === null) return gemm(a, b, c, m, n, k, ldc);
  const ctrl = new Int32Array(memory.memory.buffer, 0, CONTROL_BYTES / 4);
  if (Atomics.load(ctrl, READY) === 0) return gemm(a, b, c, m, n, k, ldc); // still starting: alone this time
  // Blocks: the kernel's 64 rows when there are enough of them, else columns in multiples of 8.
  const rows = m < 2 * BLOCK_ROWS ? m : BLOCK_ROWS;
  const rowChunks = Math.ceil(m / rows);
  const wanted = 4 * threads;
  const colChunks = rowChunks >= wanted ? 1 : Math.min(n / 8, Math.ceil(wanted / rowChunks));
  const cols = Math.ceil(n / 8 / colChunks) * 8;
  const chunks = rowChunks * Math.ceil(n / cols);
  const params = [a, b, c, k, ldc, rowChunks, rows, cols, m, n];
  for (let i = 0; i < params.length; i++) Atomics.store(ctrl, 8 + i, params[i]!);
  Atomics.store(ctrl, 3, chunks);
  Atomics.store(ctrl, FINISHED, 0);
  Atomics.store(ctrl, FAILED, 0);
  Atomics.store(ctrl, NEXT, 0);
  Atomics.add(ctrl, SEQ, 1);
  Atomics.notify(ctrl, SEQ);
  pool.claim(ctrl, gemm, false);
  let finished = Atomics.load(ctrl, FINISHED);
  let since = Date.now();
  while (finished < chunks) {
    Atomics.wait(ctrl, FINISHED, finished, 100);
    const now = Atomics.load(ctrl, FINISHED);
    if (now !== finished) {
      finished = now;
      since = Date.now();
    } else if (Date.now() - since > STALL_MS) {
      break;
    }
  }
  Atomics.store(ctrl, NEXT, CLOSED);
  if (finished < chunks || Atomics.load(ctrl, FAILED) !== 0) {
    pool.broken = true; // a worker failed or stalled: this product again, alone, and every later one
    gemm(a, b, c, m, n, k, ldc);
  }
}

/** What the threads have done: for tests and benchmarks. */
export interface ThreadStats {
  /** Workers started and ready to take blocks. */
  readyWorkers: number;
  /** Blocks of products computed by workers (not the calling thread), ever. */
  blocksByWorkers: number;
  /** Set once a worker failed, exited or stalled: products then stay on the calling thread. */
  broken: boolean;
}

export function threadStats(): ThreadStats {
  const memory = kernelMemory();
  if (!pool || memory === null) return { readyWorkers: 0, blocksByWorkers: 0, broken: pool?.broken ?? false };
  const ctrl = new Int32Array(memory.memory.buffer, 0, CONTROL_BYTES / 4);
  return { readyWorkers: Atomics.load(ctrl, READY), blocksByWorkers: Atomics.load(ctrl, BY_WORKERS), broken: pool.broken };
}
