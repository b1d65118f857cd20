// The memory budget of arrays: counted on every allocation, measured only past the budget, collected
// before refusing, and refused with a message that names the allocation at the user's line.
import { strict as assert } from 'node:assert';
import { ArrayMemoryError, GradLensError, kernelInfo, memoryBudget, np, setMemoryBudget } from 'gradlens';
import { kernelPath } from '../../engine/kernels/kernelPath';

const MB = 2 ** 20;

/** A budget whose live bytes the test sets, counting how often it is measured and collected. */
function fakeBudget(maxBytes: number, live: { bytes: number; afterCollect?: number }) {
  const calls = { measured: 0, collected: 0 };
  setMemoryBudget({
    maxBytes,
    liveBytes: () => { calls.measured++; return live.bytes; },
    collect: () => { calls.collected++; if (live.afterCollect !== undefined) live.bytes = live.afterCollect; },
  });
  return calls;
}

suite('memory budget of arrays', () => {
  teardown(() => setMemoryBudget(null));

  test('allocations are counted without measuring until the count passes the budget', () => {
    const calls = fakeBudget(1000, { bytes: 0 });
    assert.equal(calls.measured, 1, 'once, when the budget is set');
    np.zeros([100]); // 400 bytes
    np.zeros([100]); // 800
    assert.equal(calls.measured, 1);
    np.zeros([100]); // 1200 counted: measure the truth (0 live), it fits
    assert.equal(calls.measured, 2);
    assert.equal(calls.collected, 0, 'the truth was under the budget: no collection');
    np.zeros([100]); // counted from the measurement on: 400 + 400
    assert.equal(calls.measured, 2);
  });

  test('still over after measuring: memory is collected and measured again before refusing', () => {
    const live = { bytes: 900, afterCollect: 100 };
    const calls = fakeBudget(1000, live);
    np.zeros([50], { dtype: 'float64' }); // 900 live + 400 > 1000: measure, collect, 100 + 400 fits
    assert.deepEqual(calls, { measured: 3, collected: 1 });
  });

  test('still over after collecting: an ArrayMemoryError naming the allocation and the budget, at the caller', () => {
    fakeBudget(512 * MB, { bytes: 511.2 * MB });
    let error: unknown;
    try {
      np.ones([1000, 1000]);
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ArrayMemoryError && error instanceof GradLensError);
    assert.equal(error.message, 'out of memory for arrays: an array of 1,000,000 float32 elements (3.8 MB) would take the arrays past the budget of 512 MB (511.2 MB in use). Free arrays you no longer need.');
    assert.deepEqual([error.elements, error.dtype, error.requestedBytes, error.budgetBytes], [1e6, 'float32', 4e6, 512 * MB]);
    assert.match(String(error.stack).split('\n')[1]!, /memory\.test\.(ts|js)/, 'the stack starts at the call, not in the engine');
  });

  test('the host says what to do in the advice', () => {
    setMemoryBudget({ maxBytes: 10, liveBytes: () => 0, advice: 'Raise it with --max-memory-mb.' });
    assert.throws(() => np.zeros([3]), /^ArrayMemoryError: out of memory for arrays: an array of 3 float32 elements \(12 bytes\) would take the arrays past the budget of 10 bytes \(0 bytes in use\)\. Raise it with --max-memory-mb\.$/m);
  });

  test('without liveBytes, every byte allocated since the budget was set counts', () => {
    setMemoryBudget({ maxBytes: 1000 });
    np.zeros([200]); // 800
    assert.throws(() => np.zeros([100]), ArrayMemoryError);
    np.zeros([50]); // the refused allocation was not counted: 800 + 200 fits
  });

  test('no budget: nothing is measured, any size is allowed; memoryBudget() reads what is set', () => {
    const calls = fakeBudget(100, { bytes: 0 });
    assert.equal(memoryBudget()?.maxBytes, 100);
    setMemoryBudget(null);
    assert.equal(memoryBudget(), null);
    for (let i = 0; i < 10; i++) np.zeros([1000]);
    assert.equal(calls.measured, 1, 'only when it was set');
  });

  test('a budget that is not a number is refused', () => {
    assert.throws(() => setMemoryBudget({ maxBytes: Number.NaN }), /setMemoryBudget: maxBytes must be a number ≥ 0, got NaN/);
  });

  test('the WebAssembly kernels\' memory counts with the arrays: past the budget it does not grow, and the JS kernels compute', () => {
    // 8 M floats: 32 MB in, 32 MB out, and a kernel memory of 64 MB to run exp there.
    const n = 8 * MB;
    const x = np.random.uniform(-5, 5, [n]);
    const before = kernelInfo().memoryBytes;
    assert.ok(before < 2 * n * 4, `the kernels' memory is not that big yet (${before} bytes)`);
    const live = { bytes: 100 * MB };
    fakeBudget(100 * MB + n * 4 + MB, live); // room for the result, not for the kernels' memory
    const tight = np.exp(x)._data as Float32Array;
    assert.equal(kernelInfo().memoryBytes, before, 'not grown past the budget');
    const data = x._data as Float32Array;
    for (let i = 0; i < n; i += 9973) assert.equal(tight[i], Math.fround(Math.exp(data[i]!)), 'the JS loop computed it');
    setMemoryBudget(null);
    const free = np.exp(x)._data as Float32Array;
    if (kernelPath() === 'wasm') assert.ok(kernelInfo().memoryBytes >= 2 * n * 4, 'without a budget it grows');
    for (let i = 0; i < n; i += 9973) assert.ok(Math.abs(free[i]! - tight[i]!) <= 4 * 2 ** -23 * Math.abs(tight[i]!));
    // No array bytes live, room for 2 MB beside the kernels' memory: 4 MB more is refused.
    const kernels = kernelInfo().memoryBytes;
    fakeBudget(kernels + 2 * MB, { bytes: 0 });
    assert.throws(() => np.zeros([MB]), (error: unknown) => error instanceof ArrayMemoryError && error.liveBytes === kernels,
      'the kernels\' memory is counted as live');
  });
});
