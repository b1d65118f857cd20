// Big float32 products over threads (engine/kernels/gemmThreads.ts): the workers really take
// blocks once they are ready, the numbers are the very ones of one thread (each element's sum runs
// in the same order whoever computes its block) and within the float32 bound of a float64
// reference, a product wide but short is split by columns, useThreads(1) keeps every block on the
// calling thread, and a program whose products started workers still ends on its own.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { kernelInfo, np, useThreads } from '../../engine';
import { THREADED_PRODUCT } from '../../engine/kernels/gemmThreads';
import { kernelPath, kernelThreads } from '../../engine/kernels/kernelPath';
import { randoms } from './seeded';

const root = resolve(__dirname, '..', '..', '..');

function product(m: number, k: number, n: number, seed: number) {
  const a = randoms(m * k, seed);
  const b = randoms(k * n, seed + 1);
  const x = np.array(Array.from(a)).reshape([m, k]);
  const w = np.array(Array.from(b)).reshape([k, n]);
  const check = (got: Float32Array) => {
    for (let i = 0; i < m; i += 7) {
      for (let j = 0; j < n; j += 5) {
        let sum = 0;
        let magnitude = 0;
        for (let p = 0; p < k; p++) { const t = a[i * k + p]! * b[p * n + j]!; sum += t; magnitude += Math.abs(t); }
        const bound = 2 * (k + 1) * 2 ** -24 * magnitude + 1e-30;
        assert.ok(Math.abs(got[i * n + j]! - sum) <= bound, `[${i}, ${j}]: ${got[i * n + j]} against ${sum}`);
      }
    }
  };
  return { run: () => np.dot(x, w)._data as Float32Array, check };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs `run` until a worker has taken a block (it is woken, not waited for), at most `tries` times. */
function untilAWorkerHelps(run: () => Float32Array, tries: number): Float32Array {
  const before = kernelInfo().blocksByWorkers;
  let out = run();
  for (let i = 1; i < tries && kernelInfo().blocksByWorkers === before; i++) out = run();
  assert.ok(kernelInfo().blocksByWorkers > before, `no worker took a block of ${tries} products`);
  return out;
}

suite('engine: big products over threads', function () {
  this.timeout(60_000);
  const wasm = kernelPath() === 'wasm';
  teardown(() => useThreads(2));

  test('past THREADED_PRODUCT a worker takes blocks once it is ready, and the numbers are those of one thread', async function () {
    if (!wasm) {
      // The JS kernels have no threads: the product is the same, and no worker ever starts.
      useThreads(2);
      product(200, 300, 264, 3).run();
      assert.equal(kernelInfo().workersReady, 0);
      return;
    }
    assert.equal(kernelInfo().sharedMemory, true, 'Node shares the kernels\' memory');
    const { run, check } = product(200, 300, 264, 3); // 15.8 M multiply-adds, 12 blocks
    assert.ok(200 * 300 * 264 >= THREADED_PRODUCT);
    useThreads(1);
    const alone = Float32Array.from(run());
    useThreads(2);
    const first = Float32Array.from(run()); // starts the worker, and does not wait for it
    assert.deepEqual(first, alone);
    for (let i = 0; i < 500 && kernelInfo().workersReady === 0; i++) await sleep(10);
    assert.equal(kernelInfo().workersReady, 1, 'one worker beside the calling thread');
    const shared = untilAWorkerHelps(run, 200);
    assert.deepEqual(Float32Array.from(shared), alone, 'bit for bit the product of one thread');
    check(shared);
  });

  test('a short, wide product is split by columns (8 rows, 2048 columns)', function () {
    if (!wasm) return void assert.equal(kernelInfo().workersReady, 0);
    const { run, check } = product(8, 512, 2048, 9);
    useThreads(1);
    const alone = Float32Array.from(run());
    useThreads(2);
    const shared = untilAWorkerHelps(run, 200);
    assert.deepEqual(Float32Array.from(shared), alone);
    check(shared);
  });

  test('useThreads(1) keeps every block on the calling thread; useThreads takes whole numbers ≥ 1', function () {
    const { run } = product(128, 256, 256, 5);
    useThreads(1);
    const before = kernelInfo().blocksByWorkers;
    for (let i = 0; i < 20; i++) run();
    assert.equal(kernelInfo().blocksByWorkers, before);
    assert.equal(kernelInfo().threads, 1);
    assert.throws(() => useThreads(0), /whole number ≥ 1, got 0/);
    assert.throws(() => useThreads(1.5), /got 1.5/);
  });

  test('GRADLENS_THREADS sets the count, the default is the cores (at most 4), and a program with workers ends by itself', function () {
    const engine = join(root, 'dist', 'engine.js');
    const program = `
      const { np, kernelInfo } = require(${JSON.stringify(engine)});
      const a = np.ones([256, 256]);
      for (let i = 0; i < 50; i++) np.dot(a, a);
      setTimeout(() => { for (let i = 0; i < 50; i++) np.dot(a, a); console.log(JSON.stringify(kernelInfo())); }, 300);`;
    const run = (env: Record<string, string>) => {
      const started = Date.now();
      const child = spawnSync(process.execPath, ['-e', program], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
      assert.equal(child.status, 0, child.stderr);
      return { info: JSON.parse(child.stdout) as ReturnType<typeof kernelInfo>, ms: Date.now() - started };
    };
    const one = run({ GRADLENS_THREADS: '1' });
    assert.equal(one.info.threads, 1);
    assert.equal(one.info.workersReady, 0);
    const cores = Math.min(4, os.availableParallelism());
    const byDefault = run({ GRADLENS_THREADS: '' });
    assert.equal(byDefault.info.threads, cores);
    const two = run({ GRADLENS_THREADS: '2' });
    assert.equal(two.info.threads, 2);
    if (wasm) assert.equal(two.info.workersReady, 1, 'the worker started, and did not keep the program from ending');
    assert.ok(two.ms < 20_000, `ended after ${two.ms} ms`);
    assert.equal(kernelThreads() >= 1, true);
  });
});
