/** Assertions shared by the engine's tests. */
import { strict as assert } from 'node:assert';
import { NDArray } from 'gradlens';

export function flat(a: NDArray | null | undefined): number[] {
  assert.ok(a instanceof NDArray, `expected an NDArray, got ${String(a)}`);
  return a.toFlatArray();
}

/** Same shape and every element within atol + rtol·|expected| (NaN equals NaN). */
export function assertClose(actual: NDArray | null | undefined, expected: NDArray | number[] | number, tolerance: { atol?: number; rtol?: number } = {}, message = ''): void {
  const { atol = 1e-6, rtol = 1e-5 } = tolerance;
  const got = flat(actual);
  const want = expected instanceof NDArray ? expected.toFlatArray() : typeof expected === 'number' ? [expected] : expected;
  if (expected instanceof NDArray) assert.deepEqual(actual!.shape, expected.shape, `${message} shape`);
  assert.equal(got.length, want.length, `${message} size: got ${got.length}, expected ${want.length}`);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (Number.isNaN(w)) { assert.ok(Number.isNaN(g), `${message} element ${i}: got ${g}, expected NaN`); return; }
    if (!Number.isFinite(w)) { assert.equal(g, w, `${message} element ${i}`); return; }
    assert.ok(Math.abs(g - w) <= atol + rtol * Math.abs(w), `${message} element ${i}: got ${g}, expected ${w} (|diff| ${Math.abs(g - w)})`);
  });
}

/** Runs `fn`, expecting it to throw an error whose message matches `pattern`; returns the error. */
export function expectError(fn: () => unknown, pattern: RegExp): Error {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Error, 'expected an Error');
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected an error matching ${pattern}`);
}
