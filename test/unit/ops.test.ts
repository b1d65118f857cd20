// Forward values of the ops against values worked out by hand or by a naive loop.
import { strict as assert } from 'node:assert';
import { np, npx, autograd } from 'gradlens';
import { assertClose, flat } from '../helpers';

/** Naive row-major matrix product, the reference for dot/matmul. */
function naiveMatmul(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return out;
}

suite('creation', () => {
  test('arange, linspace, eye, full and friends', () => {
    assert.deepEqual(flat(np.arange(4)), [0, 1, 2, 3]);
    assert.equal(np.arange(4).dtype, 'float32');
    assert.deepEqual(flat(np.arange(2, 8, 2)), [2, 4, 6]);
    assert.deepEqual(flat(np.arange(5, 0, -2)), [5, 3, 1]);
    assert.deepEqual(flat(np.arange(0, 1, 0.25)), [0, 0.25, 0.5, 0.75]);
    assert.equal(np.arange(3, { dtype: 'int32' }).dtype, 'int32');
    assertClose(np.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    assertClose(np.linspace(0, 1, 4, { endpoint: false }), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(flat(np.eye(2, 3, 1)), [0, 1, 0, 0, 0, 1]);
    assert.deepEqual(np.full([2], true).toArray(), [true, true]);
    assert.deepEqual(flat(np.zerosLike(np.ones([2, 2]))), [0, 0, 0, 0]);
    assert.deepEqual(flat(np.onesLike(np.zeros([3], { dtype: 'int32' }))), [1, 1, 1]);
  });

  test('np.array from nested arrays, numbers, typed arrays and arrays', () => {
    const a = np.array([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.size, 6);
    assert.equal(a.ndim, 2);
    assert.deepEqual(np.array(3.5).shape, []);
    assert.equal(np.array(new Float64Array([1, 2])).dtype, 'float64');
    assert.equal(np.array(new Int32Array([1, 2])).dtype, 'int32');
    assert.equal(np.array(new Uint8Array([1, 200])).dtype, 'int32');
    assert.deepEqual(np.array([1.7, -1.7], { dtype: 'int32' }).toArray(), [1, -1]);
    const copy = np.array(a);
    assert.notEqual(copy, a);
    assert.deepEqual(copy.toArray(), a.toArray());
    assert.equal(np.array([true]).dtype, 'bool');
  });
});

suite('elementwise ops and dtype rules', () => {
  test('broadcasting follows NumPy', () => {
    const a = np.arange(6).reshape([2, 3]);
    assert.deepEqual(np.add(a, np.array([10, 20, 30])).toArray(), [[10, 21, 32], [13, 24, 35]]);
    assert.deepEqual(np.multiply(a, np.array([[2], [3]])).toArray(), [[0, 2, 4], [9, 12, 15]]);
    const outer = np.subtract(np.arange(3).reshape([3, 1]), np.arange(2));
    assert.deepEqual(outer.toArray(), [[0, -1], [1, 0], [2, 1]]);
    assert.deepEqual(np.add(np.ones([2, 1, 3]), np.ones([4, 1])).shape, [2, 4, 3]);
    assert.deepEqual(np.add(2, np.arange(2)).toArray(), [2, 3]);
  });

  test('numbers adopt the array\'s dtype; float64 and int32 promote as MXNet does', () => {
    assert.equal(np.arange(2, { dtype: 'float64' }).mul(2).dtype, 'float64');
    assert.equal(np.arange(2, { dtype: 'int32' }).mul(2).dtype, 'int32');
    assert.equal(np.arange(2, { dtype: 'int32' }).mul(2.5).dtype, 'float32');
    assert.equal(np.arange(2, { dtype: 'int32' }).div(2).dtype, 'float32');
    assert.equal(np.add(np.ones([1]), np.ones([1], { dtype: 'float64' })).dtype, 'float64');
    assert.equal(np.add(np.ones([1], { dtype: 'int32' }), np.ones([1])).dtype, 'float32');
    assert.equal(np.array([true]).add(np.array([true])).dtype, 'int32');
    assert.deepEqual(np.array([7], { dtype: 'int32' }).div(2).toArray(), [3.5]);
    assert.equal(np.exp(np.array([1], { dtype: 'int32' })).dtype, 'float32');
  });

  test('unary math, where, clip, maximum/minimum', () => {
    const x = np.array([-2, -0.5, 0, 0.5, 2]);
    assertClose(np.abs(x), [2, 0.5, 0, 0.5, 2]);
    assertClose(np.sign(x), [-1, -1, 0, 1, 1]);
    assertClose(npx.relu(x), [0, 0, 0, 0.5, 2]);
    assertClose(npx.sigmoid(x), [-2, -0.5, 0, 0.5, 2].map((v) => 1 / (1 + Math.exp(-v))));
    assertClose(np.tanh(x), [-2, -0.5, 0, 0.5, 2].map(Math.tanh));
    assertClose(np.square(x), [4, 0.25, 0, 0.25, 4]);
    assertClose(np.clip(x, -1, 1), [-1, -0.5, 0, 0.5, 1]);
    assertClose(np.where(x.greater(0), x, np.zerosLike(x)), [0, 0, 0, 0.5, 2]);
    assertClose(np.maximum(x, 0.25), [0.25, 0.25, 0.25, 0.5, 2]);
    assertClose(np.minimum(x, np.array([0])), [-2, -0.5, 0, 0, 0]);
    assertClose(np.power(np.array([2, 3]), 2), [4, 9]);
    assertClose(np.negative(np.array([1])), [-1]);
    assertClose(np.maximum(np.array([NaN, 1]), 0), [NaN, 1]);
    assertClose(npx.relu(np.array([NaN])), [NaN], {}, 'relu keeps NaN so that anomalies are visible');
  });

  test('logarithms, trigonometric and hyperbolic functions, reciprocal', () => {
    const f64 = { dtype: 'float64' } as const;
    assertClose(np.log2(np.array([1, 8, 0.5])), [0, 3, -1]);
    assertClose(np.array([1, 1000, 0.01]).log10(), [0, 3, -2]);
    const angles = [-1.2, -0.3, 0, 0.7, 1.4];
    assertClose(np.tan(np.array(angles, f64)), angles.map(Math.tan), { rtol: 1e-15 });
    assertClose(np.arctan(np.array([-1e300, -1, 0, 1, Infinity], f64)), [-Math.PI / 2, -Math.PI / 4, 0, Math.PI / 4, Math.PI / 2], { rtol: 1e-15 });
    assertClose(np.arcsin(np.array([-1, -0.5, 0, 0.5, 1, 1.5])), [-Math.PI / 2, -Math.PI / 6, 0, Math.PI / 6, Math.PI / 2, NaN]);
    assertClose(np.array([-1, 0, 0.5, 1, -2]).arccos(), [Math.PI, Math.PI / 2, Math.PI / 3, 0, NaN]);
    assertClose(np.sinh(np.array([-1, 0, 2], f64)), [-1, 0, 2].map(Math.sinh), { rtol: 1e-15 });
    assertClose(np.array([-1, 0, 2], f64).cosh(), [-1, 0, 2].map(Math.cosh), { rtol: 1e-15 });
    assertClose(np.sinh(np.array([-800, 800], f64)), [-Infinity, Infinity]);
    assert.equal(np.log2(np.array([1], { dtype: 'int32' })).dtype, 'float32');
  });

  test('reciprocal: 1/0 is ±Infinity, integers stay integers as in NumPy', () => {
    assert.deepEqual(flat(np.reciprocal(np.array([0, -0, 2, -4, 0.1], { dtype: 'float64' }))), [Infinity, -Infinity, 0.5, -0.25, 10]);
    const ints = np.reciprocal(np.array([1, 2, -1, -3], { dtype: 'int32' }));
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(flat(ints), [1, 0, -1, 0]);
  });

  test('erf to about 1e-15 relative, ±1 far out, NaN stays NaN', () => {
    // Reference values from a 400-digit evaluation of the series.
    const x = np.array([0.1, 0.5, 1, 2, -3, 0, 7, -Infinity, NaN], { dtype: 'float64' });
    const expected = [0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.9999779095030014, 0, 1, -1, NaN];
    assertClose(npx.erf(x), expected, { atol: 0, rtol: 2e-15 });
    assert.ok(Object.is(x.neg().erf().toFlatArray()[5], -0), 'erf(−0) is −0');
    assertClose(np.array([-0.5, 0.5]).erf(), [-0.5204998778130465, 0.5204998778130465], {}, 'float32');
  });

  test('gelu is a·Φ(a) to about 1e-15 relative, also far into the negative tail', () => {
    const x = np.array([-10, -5, -1, 0, 1, 3, 10, -40, Infinity, NaN], { dtype: 'float64' });
    // a·Φ(a) from a 400-digit erf; 1 + erf(a/√2) would cancel to 0 at −10 (the value is −7.6e-23).
    const expected = [-7.619853024160526e-23, -1.4332578593959695e-6, -0.15865525393145705, 0, 0.8413447460685429, 2.99595030590511, 10, 0, Infinity, NaN];
    assertClose(npx.gelu(x), expected, { atol: 0, rtol: 2e-15 });
    assertClose(npx.gelu(np.array([-10, 10])), [-7.619853e-23, 10], { atol: 0, rtol: 1e-6 }, 'float32');
    // Φ(a) + a·φ(a): 1 at 10; −7.6e-22 at −10, where Φ (from 1 + erf) rounds to 0, 1% of the value.
    const a = np.array([-10, -1, 0, 10], { dtype: 'float64' });
    a.attachGrad();
    autograd.record(() => npx.gelu(a)).backward();
    assertClose(a.grad, [-7.6184000964648e-22, -0.0833154705876863, 0.5, 1], { atol: 1e-23, rtol: 1e-14 });
  });

  test('logSigmoid is finite and exact for large |a|', () => {
    const x = np.array([-100, 100, 0, -800, 800, -Infinity, Infinity], { dtype: 'float64' });
    // ln σ(100) = −ln(1 + e⁻¹⁰⁰) = −e⁻¹⁰⁰ to double precision.
    assertClose(npx.logSigmoid(x), [-100, -Math.exp(-100), -Math.LN2, -800, -0, -Infinity, 0], { atol: 0, rtol: 1e-15 });
    assertClose(npx.logSigmoid(np.array([-100, 100])), [-100, 0], { atol: 1e-43 }, 'float32: e⁻¹⁰⁰ is subnormal');
    const a = np.array([-100, 100, 0], { dtype: 'float64' });
    a.attachGrad();
    autograd.record(() => npx.logSigmoid(a)).backward();
    assertClose(a.grad, [1, Math.exp(-100), 0.5], { atol: 0, rtol: 1e-15 }, 'σ(−a), not 1 − σ(a), which would be 0 at 100');
  });

  test('comparisons give bool arrays', () => {
    const a = np.array([1, 2, 3]);
    assert.deepEqual(a.equal(2).toArray(), [false, true, false]);
    assert.deepEqual(a.notEqual(2).toArray(), [true, false, true]);
    assert.deepEqual(a.less(2).toArray(), [true, false, false]);
    assert.deepEqual(a.lessEqual(2).toArray(), [true, true, false]);
    assert.deepEqual(np.greater(a, np.array([[0], [5]])).toArray(), [[true, true, true], [false, false, false]]);
    assert.deepEqual(a.greaterEqual(3).toArray(), [false, false, true]);
  });
});

suite('reductions', () => {
  const a = np.arange(24).reshape([2, 3, 4]);
  test('sum and mean over axes, keepdims', () => {
    assert.equal(a.sum().item(), 276);
    assert.deepEqual(a.sum(0).shape, [3, 4]);
    assert.deepEqual(flat(a.sum([0, 2])), [60, 92, 124]);
    assert.deepEqual(a.sum([0, 2], true).shape, [1, 3, 1]);
    assert.deepEqual(flat(a.mean(-1)), [1.5, 5.5, 9.5, 13.5, 17.5, 21.5]);
    assert.deepEqual(flat(np.sum(a, [])), flat(a), 'an empty axis list reduces nothing');
    assert.equal(np.ones([0]).sum().item(), 0);
    assert.equal(np.array([true, true, false]).sum().item(), 2);
  });

  test('max, min, argmax and argmin (NaN wins, first occurrence)', () => {
    assert.deepEqual(flat(a.max(1)), [8, 9, 10, 11, 20, 21, 22, 23]);
    assert.deepEqual(flat(a.min([0, 1])), [0, 1, 2, 3]);
    assert.equal(np.array([3, NaN, 5]).max().item(), NaN);
    assert.equal(np.argmax(np.array([1, 5, 5, 2])).item(), 1);
    assert.deepEqual(flat(np.argmin(np.array([[3, 1], [0, 4]]), 1)), [1, 0]);
    assert.equal(np.argmax(np.array([1, NaN, 7])).item(), 1);
    assert.throws(() => np.max(np.ones([0])), /zero-size array/);
  });

  test('sums of a million float32 values accumulate in float64', () => {
    assert.equal(np.full([1_000_000], 0.1).sum().item(), Math.fround(Math.fround(0.1) * 1_000_000));
  });
});

suite('products', () => {
  test('dot for every rank, matmul with batches', () => {
    assert.equal(np.dot(np.arange(3), np.arange(3)).item(), 5);
    assert.deepEqual(np.dot(np.array(2), np.arange(3)).toArray(), [0, 2, 4]);
    const m = np.arange(6).reshape([2, 3]);
    assert.deepEqual(np.dot(m, np.arange(3)).toArray(), [5, 14]);
    assert.deepEqual(np.dot(np.arange(2), m).toArray(), [3, 4, 5]);
    const b = np.arange(12).reshape([3, 4]);
    assert.deepEqual(flat(np.dot(m, b)), naiveMatmul(flat(m), flat(b), 2, 3, 4));
    const t = np.arange(24).reshape([2, 3, 4]);
    assert.deepEqual(np.dot(m, t).shape, [2, 2, 4]);
    assert.deepEqual(flat(np.dot(m, t)), [...naiveMatmul(flat(m), flat(t.at(0)), 2, 3, 4).slice(0, 4), ...naiveMatmul(flat(m), flat(t.at(1)), 2, 3, 4).slice(0, 4),
      ...naiveMatmul(flat(m), flat(t.at(0)), 2, 3, 4).slice(4), ...naiveMatmul(flat(m), flat(t.at(1)), 2, 3, 4).slice(4)]);
    const batched = np.matmul(np.arange(12).reshape([2, 2, 3]), b);
    assert.deepEqual(batched.shape, [2, 2, 4]);
    assert.deepEqual(flat(batched.at(1)), naiveMatmul(flat(np.arange(12).reshape([2, 2, 3]).at(1)), flat(b), 2, 3, 4));
    assert.deepEqual(np.matmul(np.ones([2, 1, 2, 3]), np.ones([3, 3, 5])).shape, [2, 3, 2, 5]);
    assert.deepEqual(np.matmul(np.arange(3), b).shape, [4]);
  });

  test('matmul of odd sizes matches the naive product (tiled kernel edges)', () => {
    for (const [m, k, n] of [[1, 1, 1], [5, 7, 3], [9, 4, 13], [4, 4, 4], [17, 33, 6]] as const) {
      np.random.seed(m * 100 + n);
      const a = np.random.normal(0, 1, [m, k], 'float64');
      const b = np.random.normal(0, 1, [k, n], 'float64');
      assertClose(np.matmul(a, b), naiveMatmul(flat(a), flat(b), m, k, n), { atol: 1e-12 }, `${m}×${k}×${n}`);
    }
  });
});

suite('shape and indexing', () => {
  const a = np.arange(6).reshape([2, 3]);
  test('transpose, reshape, expandDims, squeeze, broadcastTo', () => {
    assert.deepEqual(a.T.toArray(), [[0, 3], [1, 4], [2, 5]]);
    assert.deepEqual(np.transpose(np.arange(24).reshape([2, 3, 4]), [1, 2, 0]).shape, [3, 4, 2]);
    assert.deepEqual(np.transpose(np.arange(24).reshape([2, 3, 4]), [1, 2, 0]).at(2).at(3).toArray(), [11, 23]);
    assert.deepEqual(a.reshape([-1]).shape, [6]);
    assert.deepEqual(np.expandDims(a, -1).shape, [2, 3, 1]);
    assert.deepEqual(np.squeeze(np.ones([1, 2, 1])).shape, [2]);
    assert.deepEqual(np.broadcastTo(np.arange(3), [2, 3]).toArray(), [[0, 1, 2], [0, 1, 2]]);
  });

  test('reshape takes the shape as numbers or as one list; a shape it would read in part is refused', () => {
    const x = np.arange(24);
    assert.deepEqual(x.reshape(4, 6).shape, [4, 6]);
    assert.deepEqual(x.reshape(-1, 6).shape, [4, 6], "d2l's X.reshape(-1, num_inputs)");
    assert.deepEqual(x.reshape(2, 3, -1).shape, [2, 3, 4]);
    assert.deepEqual(x.reshape([2, 12]).shape, [2, 12]);
    assert.deepEqual(x.reshape(24).shape, [24]);
    assert.deepEqual(x.reshape(4, 6).toArray(), x.reshape([4, 6]).toArray());
    assert.throws(() => x.reshape([2, 3], 4), /reshape: takes the shape as numbers, a\.reshape\(2, 3\), or as one list/);
    assert.throws(() => x.reshape(), /reshape: needs the new shape/);
    assert.throws(() => (np.reshape as (...args: unknown[]) => unknown)(x, 4, 6), /reshape: takes the new shape as one argument, np\.reshape\(a, \[4, 6\]\)/);
    assert.throws(() => x.reshape(5, -1), /cannot reshape array of size 24/);
  });

  test('concatenate, stack, at, take, takeAlongAxis, sort, argsort', () => {
    assert.deepEqual(np.concatenate([a, np.ones([2, 1])], 1).toArray(), [[0, 1, 2, 1], [3, 4, 5, 1]]);
    assert.deepEqual(np.stack([np.arange(2), np.ones([2])], 1).toArray(), [[0, 1], [1, 1]]);
    assert.deepEqual(a.at(-1).toArray(), [3, 4, 5]);
    assert.deepEqual(np.take(a, [2, 0], 1).toArray(), [[2, 0], [5, 3]]);
    assert.deepEqual(np.take(a, np.array([[0, 5]], { dtype: 'int32' })).toArray(), [[0, 5]]);
    assert.deepEqual(np.take(a, -1, 0).toArray(), [3, 4, 5]);
    const idx = np.array([[2, 0, 1], [0, 0, 2]], { dtype: 'int32' });
    assert.deepEqual(np.takeAlongAxis(a, idx, 1).toArray(), [[2, 0, 1], [3, 3, 5]]);
    assert.deepEqual(np.sort(np.array([[3, NaN, 1], [2, 1, 0]])).toArray(), [[1, 3, NaN], [0, 1, 2]]);
    assert.deepEqual(np.sort(np.array([[3, 1], [2, 4]]), 0).toArray(), [[2, 1], [3, 4]]);
    assert.deepEqual(np.argsort(np.array([3, 1, 2])).toArray(), [1, 2, 0]);
  });

  test('copy and astype make new storage; reshape shares it', () => {
    const copy = a.copy();
    assert.notEqual(copy._data, a._data);
    assert.equal(a.reshape([3, 2])._data, a._data);
    assert.deepEqual(np.array([1.9, -1.9, 0]).astype('int32').toArray(), [1, -1, 0]);
    assert.deepEqual(np.array([2, 0, NaN]).astype('bool').toArray(), [true, false, true]);
  });
});

suite('neural-network ops', () => {
  test('softmax and logSoftmax are right and stable for large inputs', () => {
    const x = np.array([[1, 2, 3], [1000, 1001, 1002]]);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const total = e.reduce((s, v) => s + v, 0);
    const expected = e.map((v) => v / total);
    assertClose(npx.softmax(x), [...expected, ...expected], { atol: 1e-7 });
    assertClose(npx.logSoftmax(x), [...expected, ...expected].map(Math.log), { atol: 1e-5 });
    assertClose(npx.softmax(x, 0).sum(0), [1, 1, 1]);
  });

  test('batchNorm normalises over every axis but the channel axis', () => {
    const x = np.arange(12).reshape([2, 3, 2]); // channel c holds 2c, 2c+1, 2c+6, 2c+7
    const trained = autograd.trainMode(() => npx.batchNorm(x, np.ones([3]), np.zeros([3]), np.zeros([3]), np.ones([3]), { eps: 0 }));
    // per channel the values are m−3.5, m−2.5, m+2.5, m+3.5 around their mean m: variance 37/4
    const s = Math.sqrt(37 / 4);
    assertClose(trained.at(0).at(1), [-3.5 / s, -2.5 / s], { atol: 1e-6 });
    assertClose(trained.at(1).at(2), [2.5 / s, 3.5 / s], { atol: 1e-6 });
    const predicted = npx.batchNorm(x, np.full([3], 2), np.full([3], 1), np.array([0, 1, 2]), np.full([3], 4), { eps: 0 });
    assertClose(predicted.at(0).at(1), [2 * (2 - 1) / 2 + 1, 2 * (3 - 1) / 2 + 1]);
  });
});
