// Printing: NDArray's toString() and util.inspect give MXNet's repr of the same values. The expected
// strings were produced by NumPy 2.4 (python3 on this machine) and adjusted as MXNet does: float32
// arrays show no dtype, float64 arrays show `dtype=float64` (and int64 arrays `dtype=int64`, which
// NumPy leaves out on Linux, where int64 is its default integer).
import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { autograd, np, NDArray } from 'gradlens';
import { expectError } from '../helpers';

const cases: [string, () => NDArray, string][] = [
  ["np.array([1.5, 2.25])", () => np.array([1.5, 2.25]), "array([1.5 , 2.25])"],
  ["np.array([[1, 2], [3, 4]])", () => np.array([[1, 2], [3, 4]]), "array([[1., 2.],\n       [3., 4.]])"],
  ["np.array([1e-5, 1])", () => np.array([1e-5, 1]), "array([1.e-05, 1.e+00])"],
  ["np.array([0.1])", () => np.array([0.1]), "array([0.1])"],
  ["np.array([0.1], { dtype: 'float64' })", () => np.array([0.1], { dtype: 'float64' }), "array([0.1], dtype=float64)"],
  ["np.array([1, -2], { dtype: 'int32' })", () => np.array([1, -2], { dtype: 'int32' }), "array([ 1, -2], dtype=int32)"],
  ["np.array([true, false])", () => np.array([true, false]), "array([ True, False])"],
  ["np.array([true, true])", () => np.array([true, true]), "array([ True,  True])"],
  ["np.array([NaN, 1, -Infinity])", () => np.array([NaN, 1, -Infinity]), "array([ nan,   1., -inf])"],
  ["np.array(28)", () => np.array(28), "array(28.)"],
  ["np.array(-1.5)", () => np.array(-1.5), "array(-1.5)"],
  ["np.array(3, { dtype: 'int32' })", () => np.array(3, { dtype: 'int32' }), "array(3, dtype=int32)"],
  ["np.array([])", () => np.array([]), "array([])"],
  ["np.zeros([0, 3])", () => np.zeros([0, 3]), "array([], shape=(0, 3))"],
  ["np.array([], { dtype: 'int32' })", () => np.array([], { dtype: 'int32' }), "array([], dtype=int32)"],
  ["np.arange(30)", () => np.arange(30), "array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,\n       26., 27., 28., 29.])"],
  ["np.arange(2000)", () => np.arange(2000), "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03], shape=(2000,))"],
  ["np.arange(24).reshape([2, 3, 4])", () => np.arange(24).reshape([2, 3, 4]), "array([[[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.]],\n\n       [[12., 13., 14., 15.],\n        [16., 17., 18., 19.],\n        [20., 21., 22., 23.]]])"],
  ["np.array([0.123456789, 12345.6789, -3])", () => np.array([0.123456789, 12345.6789, -3]), "array([ 1.2345679e-01,  1.2345679e+04, -3.0000000e+00])"],
  ["np.array([1e10, 1])", () => np.array([1e10, 1]), "array([1.e+10, 1.e+00])"],
  ["np.array([[NaN, Infinity]], { dtype: 'float64' })", () => np.array([[NaN, Infinity]], { dtype: 'float64' }), "array([[nan, inf]], dtype=float64)"],
  ["np.arange(1200).reshape([40, 30]).div(7)", () => np.arange(1200).reshape([40, 30]).div(7), "array([[0.0000000e+00, 1.4285715e-01, 2.8571430e-01, ..., 3.8571429e+00,\n        4.0000000e+00, 4.1428571e+00],\n       [4.2857141e+00, 4.4285712e+00, 4.5714288e+00, ..., 8.1428576e+00,\n        8.2857141e+00, 8.4285717e+00],\n       [8.5714283e+00, 8.7142859e+00, 8.8571424e+00, ..., 1.2428572e+01,\n        1.2571428e+01, 1.2714286e+01],\n       ...,\n       [1.5857143e+02, 1.5871428e+02, 1.5885715e+02, ..., 1.6242857e+02,\n        1.6257143e+02, 1.6271428e+02],\n       [1.6285715e+02, 1.6300000e+02, 1.6314285e+02, ..., 1.6671428e+02,\n        1.6685715e+02, 1.6700000e+02],\n       [1.6714285e+02, 1.6728572e+02, 1.6742857e+02, ..., 1.7100000e+02,\n        1.7114285e+02, 1.7128572e+02]], shape=(40, 30))"],
  ["np.arange(100, { dtype: 'int32' })", () => np.arange(100, { dtype: 'int32' }), "array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,\n       34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,\n       51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67,\n       68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84,\n       85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99],\n      dtype=int32)"],
  ["np.array(true)", () => np.array(true), "array(True)"],
  ["np.array([1, -2], { dtype: 'int64' })", () => np.array([1, -2], { dtype: 'int64' }), "array([ 1, -2], dtype=int64)"],
  ["np.array(2 ** 53, { dtype: 'int64' })", () => np.array(2 ** 53, { dtype: 'int64' }), "array(9007199254740992, dtype=int64)"],
  ["np.array([], { dtype: 'int64' })", () => np.array([], { dtype: 'int64' }), "array([], dtype=int64)"],
  ["np.arange(-3, 30, 3, { dtype: 'int64' }).reshape([1, 11])", () => np.arange(-3, 30, 3, { dtype: 'int64' }).reshape([1, 11]), "array([[-3,  0,  3,  6,  9, 12, 15, 18, 21, 24, 27]], dtype=int64)"],
  ["np.array([1 / 3, 2 / 3], { dtype: 'float64' })", () => np.array([1 / 3, 2 / 3], { dtype: 'float64' }), "array([0.33333333, 0.66666667], dtype=float64)"],
  ["np.array([-0, 0.5])", () => np.array([-0, 0.5]), "array([-0. ,  0.5])"],
  ["np.linspace(-3, 3, 7)", () => np.linspace(-3, 3, 7), "array([-3., -2., -1.,  0.,  1.,  2.,  3.])"],
  ["np.array([100000000.0, 2])", () => np.array([100000000.0, 2]), "array([1.e+08, 2.e+00])"],
  ["np.array([[0.5, -1e-6], [3, 4]], { dtype: 'float64' })", () => np.array([[0.5, -1e-6], [3, 4]], { dtype: 'float64' }), "array([[ 5.e-01, -1.e-06],\n       [ 3.e+00,  4.e+00]], dtype=float64)"],
];

suite('printing arrays like MXNet', () => {
  for (const [source, make, expected] of cases) {
    test(source, () => {
      const array = make();
      assert.equal(array.toString(), expected);
      assert.equal(inspect(array), expected);
    });
  }

  test('console-style output of a nested structure uses the repr', () => {
    assert.equal(inspect({ x: np.array([1, 2]) }), '{ x: array([1., 2.]) }');
    assert.equal(`${np.array([1, 2])}`, 'array([1., 2.])');
  });

  test('valueOf lets size-1 arrays act as numbers and refuses larger ones', () => {
    const total = np.array([1, 2, 3]).sum();
    assert.equal((total as unknown as number) > 5, true);
    assert.equal(+total, 6);
    const error = expectError(() => +np.array([1, 2]), /valueOf: an array of shape \(2,\) cannot be used as a number; use \.item\(\) for a size-1 array, or \.toArray\(\) for the values/);
    assert.ok(error instanceof TypeError);
  });

  test('toArray nests values per dimension; bool arrays give booleans', () => {
    assert.deepEqual(np.arange(6).reshape([2, 3]).toArray(), [[0, 1, 2], [3, 4, 5]]);
    assert.deepEqual(np.array([true, false]).toArray(), [true, false]);
    assert.equal(np.array(7).toArray(), 7);
    assert.deepEqual(np.zeros([2, 0]).toArray(), [[], []]);
    assert.deepEqual(JSON.parse(JSON.stringify(np.array([[1], [2]]))), { shape: [2, 1], dtype: 'float32', data: [[1], [2]] });
  });
});

suite('an array in the debugger (debug.description)', () => {
  const describe = (a: NDArray) => (a as unknown as Record<symbol, () => string>)[Symbol.for('debug.description')]!.call(a);

  test('dtype and shape first, then mean, std (population), the finite range and the NaN count, recomputed here', () => {
    const values = [[0.5, -3.125, 2], [1e-4, 4, 0.25]];
    const a = np.array(values, { dtype: 'float64' });
    const flat = values.flat();
    const mean = flat.reduce((s, v) => s + v, 0) / flat.length;
    const std = Math.sqrt(flat.reduce((s, v) => s + (v - mean) ** 2, 0) / flat.length);
    assert.equal(describe(a), `float64 (2, 3) ≈${Number(mean.toPrecision(2))} ±${Number(std.toPrecision(2))} [\u22123.1, 4] nan:0`);
    assert.equal(describe(np.array([1, 2, 3])), 'float32 (3,) ≈2 ±0.82 [1, 3] nan:0');
  });

  test('NaN and ±∞ are counted, not averaged; empty, all-NaN, integer and bool arrays say what they hold', () => {
    assert.equal(describe(np.array([1, NaN, 3, Infinity, -Infinity])), 'float32 (5,) ≈2 ±1 [1, 3] nan:1 inf:2');
    assert.equal(describe(np.array([NaN, NaN])), 'float32 (2,) no finite values nan:2');
    assert.equal(describe(np.zeros([0, 3])), 'float32 (0, 3) empty');
    assert.equal(describe(np.array([1, 2], { dtype: 'int32' })), 'int32 (2,) ≈1.5 ±0.5 [1, 2] nan:0');
    assert.equal(describe(np.array([1, 2, 3]).greater(1)), 'bool (3,) true:2');
    assert.equal(describe(np.array(120000)), 'float32 () ≈1.2e+5 ±0 [1.2e+5, 1.2e+5] nan:0');
    assert.equal(describe(np.array([-0.00012])), 'float32 (1,) ≈\u22121.2e\u22124 ±0 [\u22121.2e\u22124, \u22121.2e\u22124] nan:0');
  });

  test('expanded (debug.properties): shape, dtype, the values — the first 100 of a big array — its gradient, gradReq and whether it was recorded', () => {
    const properties = (a: NDArray) => (a as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for('debug.properties')]!.call(a);
    const x = np.array([[1, 2], [3, 4]]);
    x.attachGrad();
    const y = autograd.record(() => x.mul(x));
    y.backward();
    const shown = properties(x);
    assert.deepEqual(Object.keys(shown), ['shape', 'dtype', 'values', 'grad', 'gradReq', 'recorded']);
    assert.deepEqual([shown.shape, shown.dtype, shown.values, shown.gradReq, shown.recorded], [[2, 2], 'float32', [[1, 2], [3, 4]], 'write', false]);
    assert.equal(shown.grad, x.grad, 'the gradient buffer, itself an array the debugger describes in one line');
    assert.deepEqual((x.grad as NDArray).toArray(), [[2, 4], [6, 8]]);
    const made = properties(y);
    assert.deepEqual([made.recorded, made.grad, made.gradReq], [true, null, 'null']);
    const big = np.arange(1000).reshape([10, 100]);
    const many = properties(big);
    assert.deepEqual(Object.keys(many)[2], 'values (first 100 of 1000)');
    assert.deepEqual(many['values (first 100 of 1000)'], Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(properties(np.array([1, 2, 3]).greater(1)).values, [false, true, true]);
  });
});
