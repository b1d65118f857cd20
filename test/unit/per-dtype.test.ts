// capture/perDtype.ts: a loop compiled once per element type gives what the loop itself gives,
// for every dtype, NaN and infinities included; a loop that reaches outside itself is refused
// where it runs (the copy is compiled with nothing else in scope).
import { strict as assert } from 'node:assert';
import { np } from 'gradlens';
import { perDtype, perDtypeWith } from '../../capture/perDtype';
import { statsFromSums, statsOf, sumsOf } from '../../protocol/trace';

suite('loops per element type', () => {
  test('statsOf\'s loop (sumsOf) per dtype equals statsOf, for each dtype', () => {
    const sums = perDtype(sumsOf);
    const stats = (array: Parameters<typeof sums>[0]) => statsFromSums(array._data.length, sums(array));
    const arrays = [
      np.array([0.5, NaN, -Infinity, 3, 0, -2.25]), np.array([1e8 + 1, 1e8 + 2, 1e8 + 4], { dtype: 'float64' }),
      np.array([3, -4, 0], { dtype: 'int32' }), np.array([2 ** 40, -3], { dtype: 'int64' }), np.greater(np.array([1, 0, 1]), 0.5),
    ];
    assert.deepEqual(arrays.map((a) => a.dtype), ['float32', 'float64', 'int32', 'int64', 'bool']);
    for (const array of arrays) assert.deepEqual(stats(array), statsOf(array._data), array.dtype);
    // The variance of values far from 0 does not cancel (a shift by the first value).
    assert.ok(Math.abs(stats(arrays[1]!).std! - Math.sqrt(14 / 9)) < 1e-9, String(stats(arrays[1]!).std));
  });

  test('a loop with one more argument, per dtype, equals the loop', () => {
    const above = (data: ArrayLike<number>, floor: number) => { let n = 0; for (let i = 0; i < data.length; i++) n += data[i]! > floor ? 1 : 0; return n; };
    const counted = perDtypeWith(above);
    for (const array of [np.array([0.5, 2, -1]), np.array([3, -4, 0], { dtype: 'int32' }), np.greater(np.array([1, 0, 1]), 0.5)]) {
      assert.equal(counted(array, 0.25), above(array._data, 0.25), array.dtype);
    }
  });

  test('a copy is its own function: one that uses names around it fails when it runs', () => {
    const outside = 2;
    const loop = perDtype((data: ArrayLike<number>) => data.length * outside);
    assert.throws(() => loop(np.array([1, 2])), ReferenceError);
  });
});
