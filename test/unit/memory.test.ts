// The memory budget of arrays: counted on every allocation, measured only past the budget, collected
// before refusing, and refused with a message that names the allocation at the user's line.
import { strict as assert } from 'node:assert';
import { ArrayMemoryError, GradLensError, memoryBudget, np, setMemoryBudget } from 'gradlens';

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
});
