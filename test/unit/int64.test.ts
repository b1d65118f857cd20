// int64, MXNet's index dtype: whole numbers stored in a Float64Array (exact to ±2^53), promoted
// between int32 and float32, computed as int32 is (truncated toward zero), without gradients.
import { strict as assert } from 'node:assert';
import { autograd, np, setMemoryBudget, type DType, type NDArray } from 'gradlens';
import { expectError, flat } from '../helpers';

const int64 = (values: number[]) => np.array(values, { dtype: 'int64' });
const int32 = (values: number[]) => np.array(values, { dtype: 'int32' });

suite('int64', () => {
  test('creation truncates toward zero; NaN and ±Infinity become 0, as for int32', () => {
    const a = int64([1.7, -1.7, -0.5, NaN, Infinity, -Infinity]);
    assert.equal(a.dtype, 'int64');
    assert.deepEqual(flat(a), [1, -1, 0, 0, 0, 0]);
    assert.ok(Object.is(flat(a)[2], 0), 'no −0');
    assert.deepEqual(flat(int32([1.7, -1.7, NaN, Infinity])), [1, -1, 0, 0], 'the same as int32');
    assert.deepEqual(flat(np.arange(4, { dtype: 'int64' })), [0, 1, 2, 3]);
    assert.deepEqual(flat(np.arange(1, 2, 0.25, { dtype: 'int64' })), [1, 1, 1, 1]);
    assert.equal(np.zeros([2], { dtype: 'int64' }).dtype, 'int64');
    assert.deepEqual(flat(np.full([2], 7.9, { dtype: 'int64' })), [7, 7]);
    assert.deepEqual(flat(np.array(new Float64Array([2.5, -3]), { dtype: 'int64' })), [2, -3]);
    assert.deepEqual(np.onesLike(int64([5])).dtype, 'int64');
  });

  test('values are exact to ±2^53, past int32\'s range', () => {
    const big = int64([2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 40]);
    assert.deepEqual(flat(big.sub(1)), [2 ** 53 - 2, -(2 ** 53), 2 ** 40 - 1]);
    assert.deepEqual(flat(int64([3_000_000_000]).mul(2)), [6_000_000_000], 'where int32 would wrap around');
    assert.deepEqual(flat(int64([1]).add(2 ** 40)), [2 ** 40 + 1], 'a whole number next to an int64 array is int64, not int32');
  });

  test('promotion: bool < int32 < int64 < float32 < float64; numbers are weak', () => {
    const cases: [DType, DType, DType][] = [
      ['int64', 'int64', 'int64'], ['int64', 'int32', 'int64'], ['int64', 'bool', 'int64'],
      ['int64', 'float32', 'float32'], ['int64', 'float64', 'float64'], ['int32', 'float32', 'float32'],
    ];
    for (const [a, b, expected] of cases) {
      assert.equal(np.add(np.ones([1], { dtype: a }), np.ones([1], { dtype: b })).dtype, expected, `${a} + ${b}`);
      assert.equal(np.add(np.ones([1], { dtype: b }), np.ones([1], { dtype: a })).dtype, expected, `${b} + ${a}`);
    }
    assert.equal(int64([1]).mul(2).dtype, 'int64');
    assert.equal(int64([1]).mul(2.5).dtype, 'float32');
    assert.equal(np.concatenate([int64([1]), int32([2])]).dtype, 'int64');
    assert.equal(np.where(np.array([true]), int64([1]), int32([2])).dtype, 'int64');
  });

  test('arithmetic stays int64 and computes what int32 computes (within int32\'s range)', () => {
    const a = [7, -7, 0, 3, -2];
    const b = [2, 3, -1, -1, 2];
    const ops: [string, (x: NDArray, y: NDArray) => NDArray][] = [
      ['add', np.add], ['subtract', np.subtract], ['multiply', np.multiply], ['power', np.power],
      ['maximum', np.maximum], ['minimum', np.minimum], ['dot', (x, y) => np.dot(x, y)],
      ['negative', (x) => np.negative(x)], ['abs', (x) => np.abs(x)], ['square', (x) => np.square(x)], ['sign', (x) => np.sign(x)],
      ['sum', (x) => np.sum(x)], ['max', (x) => np.max(x)], ['clip', (x) => np.clip(x, -2.5, 2.5)],
    ];
    for (const [name, op] of ops) {
      const wide = op(int64(a), int64(b));
      assert.equal(wide.dtype, 'int64', name);
      assert.deepEqual(flat(wide), flat(op(int32(a), int32(b))), name);
      assert.ok(flat(wide).every((v) => Number.isInteger(v) && !Object.is(v, -0)), `${name}: whole numbers, no −0`);
    }
    assert.deepEqual(flat(int64([2, 1, -1, 0, -2]).pow(-1)), [0, 1, -1, 0, 0], 'a negative power truncates (1/0 gives 0, as int32)');
    assert.deepEqual(flat(np.negative(int64([0, 1]))), [0, -1]);
    assert.ok(Object.is(flat(np.negative(int64([0])))[0], 0), '−0 is not an integer');
    assert.deepEqual(flat(np.matmul(int64([1, 2, 3, 4]).reshape(2, 2), int64([1, 0, 0, 1]).reshape(2, 2))), [1, 2, 3, 4]);
  });

  test('true division, mean and float math give float32, as for int32', () => {
    assert.equal(int64([7]).div(2).dtype, 'float32');
    assert.deepEqual(flat(int64([7]).div(2)), [3.5]);
    assert.equal(np.mean(int64([1, 2])).dtype, 'float32');
    assert.equal(np.exp(int64([1])).dtype, 'float32');
    assert.equal(np.less(int64([1]), 2).dtype, 'bool');
  });

  test('astype to and from every dtype', () => {
    assert.deepEqual(flat(np.array([1.9, -1.9, 0]).astype('int64')), [1, -1, 0]);
    const wide = int64([2 ** 40 + 1, -3, 0]);
    assert.deepEqual(flat(wide.astype('float64')), [2 ** 40 + 1, -3, 0]);
    assert.deepEqual(flat(wide.astype('float32')), [Math.fround(2 ** 40 + 1), -3, 0]);
    assert.deepEqual(flat(wide.astype('int32')), [1, -3, 0], 'int32 wraps around past 2^31');
    assert.deepEqual(wide.astype('bool').toArray(), [true, true, false]);
    assert.deepEqual(flat(int32([5, -5]).astype('int64')), [5, -5]);
    assert.equal(wide.astype('int64').dtype, 'int64');
    expectError(() => wide.astype('int16' as DType), /^astype: unknown dtype "int16" \(use 'float32', 'float64', 'int32', 'int64' or 'bool'\)$/);
  });

  test('index arrays: argmax, argmin and argsort give int64, take and takeAlongAxis accept it', () => {
    const x = np.array([[3, 1, 2], [0, 5, 4]]);
    const best = np.argmax(x, 1);
    assert.equal(best.dtype, 'int64');
    assert.deepEqual(flat(best), [0, 1]);
    assert.equal(np.argmin(x).dtype, 'int64');
    const order = np.argsort(x, 1);
    assert.equal(order.dtype, 'int64');
    assert.deepEqual(flat(np.takeAlongAxis(x, order, 1)), [1, 2, 3, 0, 4, 5]);
    assert.deepEqual(flat(np.take(x, int64([1, -1]), 0)), [0, 5, 4, 0, 5, 4]);
    assert.equal(np.take(x, [1]).dtype, 'float32');
    expectError(() => np.take(x, [0.5]), /^take: index 0\.5 is not an integer$/);
    expectError(() => np.take(x, int64([2]), 0), /^take: index 2 is out of bounds for axis 0 with size 2$/);
  });

  test('indexing: int64 index arrays select; writes into an int64 array truncate', () => {
    const a = np.arange(6, { dtype: 'int64' }).reshape(2, 3);
    assert.deepEqual(a.get(int64([1, 0])).toArray(), [[3, 4, 5], [0, 1, 2]]);
    assert.deepEqual(flat(np.arange(5).get([np.argsort(np.array([3, 1, 2, 0, 4]))])), [3, 1, 2, 0, 4]);
    a.set([0, 1], 2.7);
    a.set([1], -0.5);
    assert.deepEqual(flat(a), [0, 2, 2, 0, 0, 0]);
    assert.ok(flat(a).every((v) => !Object.is(v, -0)));
  });

  test('no gradients: attachGrad, backward and gradcheck refuse int64 as they refuse int32', () => {
    expectError(() => int64([1]).attachGrad(), /^attachGrad: gradients exist for float arrays only; this array has dtype int64/);
    expectError(() => autograd.backward(int64([1, 2])), /^backward: the head has dtype int64; gradients exist for float arrays only$/);
    expectError(() => autograd.gradcheck((a) => a, [int64([1])]), /input 0 has dtype int64/);
    const x = np.array([1, 2]);
    x.attachGrad();
    const y = autograd.record(() => x.astype('int64').astype('float32').mul(x).sum());
    y.backward();
    assert.deepEqual(flat(x.grad), [1, 2], 'no gradient flows through the int64 cast');
  });

  test('8 bytes an element in the memory budget', () => {
    setMemoryBudget({ maxBytes: 100, liveBytes: () => 0 });
    try {
      np.zeros([12], { dtype: 'int64' }); // 96 bytes
      expectError(() => np.zeros([13], { dtype: 'int64' }), /an array of 13 int64 elements \(104 bytes\) would take the arrays past the budget of 100 bytes/);
    } finally {
      setMemoryBudget(null);
    }
  });

  test('toArray, toJSON and item', () => {
    const a = np.array([[1, 2]], { dtype: 'int64' });
    assert.deepEqual(a.toArray(), [[1, 2]]);
    assert.deepEqual(a.toJSON(), { shape: [1, 2], dtype: 'int64', data: [[1, 2]] });
    assert.equal(np.array(2 ** 53, { dtype: 'int64' }).item(), 2 ** 53);
  });
});
