// gluon's core (engine/gluon/init.ts, parameter.ts, block.ts, nn/basic.ts): deferred shapes,
// initializers against their formulas, structured parameter names, Dense against a hand
// computation and gradcheck, Sequential, Activation, Dropout, and the errors people meet.
import { strict as assert } from 'node:assert';
import { np, autograd, gluon, init, GradLensError, NDArray } from 'gradlens';
import { assertClose, expectError, flat } from '../helpers';

const { nn } = gluon;
const f64 = (values: number[] | number[][]) => np.array(values, { dtype: 'float64' });
const stats = (a: NDArray) => {
  const v = flat(a);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
  return { mean, variance, maxAbs: Math.max(...v.map(Math.abs)) };
};

suite('gluon.Parameter: deferred shapes and initializers', () => {
  test('nn.Dense(10) learns inUnits at its first call; data() before that says so', () => {
    const dense = new nn.Dense(10);
    dense.initialize();
    assert.deepEqual(dense.weight.shape, [10, 0]);
    const error = expectError(() => dense.weight.data(), /'weight' has shape \(10, 0\) with unknown \(0\) dimensions: it is made at the layer's first call/);
    assert.ok(error instanceof GradLensError);
    const out = dense.call(np.ones([2, 5]));
    assert.deepEqual(out.shape, [2, 10]);
    assert.deepEqual(dense.weight.shape, [10, 5]);
    assert.deepEqual(dense.weight.data().shape, [10, 5]);
    assert.ok(dense.weight.data().grad !== null, 'the parameter has a gradient buffer');
  });

  test('a parameter used before initialize() says to initialize', () => {
    expectError(() => new nn.Dense(3, { inUnits: 2 }).weight.data(), /'weight' is not initialized: call net.initialize\(\)/);
    expectError(() => new nn.Dense(3, { inUnits: 2 }).call(np.ones([1, 2])), /not initialized/);
  });

  test("a layer's own initializer beats the global one: biases stay zero under init.Xavier", () => {
    np.random.seed(0);
    const dense = new nn.Dense(4, { inUnits: 3 });
    dense.initialize(new init.Xavier());
    assert.deepEqual(flat(dense.bias!.data()), [0, 0, 0, 0]);
    assert.ok(flat(dense.weight.data()).some((v) => v !== 0));
    assert.equal(String(dense.weight.initializer), 'Xavier(uniform, avg, 3)');
    const own = new nn.Dense(2, { inUnits: 2, weightInitializer: new init.Constant(2) });
    own.initialize(new init.Xavier());
    assert.deepEqual(flat(own.weight.data()), [2, 2, 2, 2]);
  });

  test('the default is Uniform(0.07) for weights; forceReinit keeps the array identity', () => {
    np.random.seed(1);
    const dense = new nn.Dense(20, { inUnits: 30 });
    dense.initialize();
    assert.ok(stats(dense.weight.data()).maxAbs <= 0.07);
    const array = dense.weight.data();
    const grad = array.grad;
    dense.initialize(new init.One());
    assert.notDeepEqual(flat(array).slice(0, 3), [1, 1, 1], 'an initialized parameter is left alone without forceReinit');
    dense.initialize(new init.One(), { forceReinit: true });
    assert.equal(dense.weight.data(), array);
    assert.equal(array.grad, grad);
    assert.ok(flat(array).every((v) => v === 1));
  });

  test('Xavier: uniform in ±√(magnitude / factor), variance scale²/3; gaussian with factorType in', () => {
    np.random.seed(2);
    const uniform = new init.Xavier().create([200, 300], 'float64');
    const bound = Math.sqrt(3 / ((200 + 300) / 2));
    const u = stats(uniform);
    assert.ok(u.maxAbs <= bound && u.maxAbs > 0.99 * bound, `max |w| ${u.maxAbs}, bound ${bound}`);
    assert.ok(Math.abs(u.variance / (bound * bound / 3) - 1) < 0.03, `variance ${u.variance}`);
    const gaussian = new init.Xavier({ rndType: 'gaussian', factorType: 'in', magnitude: 2 }).create([100, 400], 'float64');
    const g = stats(gaussian);
    assert.ok(Math.abs(g.variance / (2 / 400) - 1) < 0.03, `variance ${g.variance}, expected ${2 / 400}`);
    const conv = new init.Xavier({ factorType: 'out' }).create([8, 4, 3, 3], 'float64');
    assert.ok(stats(conv).maxAbs <= Math.sqrt(3 / (8 * 9)));
    expectError(() => new init.Xavier().create([5], 'float32'), /at least 2 dimensions/);
    expectError(() => new init.Xavier({ rndType: 'normal' as never }), /rndType must be 'uniform' or 'gaussian'/);
  });

  test('Normal and Uniform statistics; the same seed gives the same numbers', () => {
    np.random.seed(3);
    const normal = stats(new init.Normal(0.5).create([100, 100], 'float64'));
    assert.ok(Math.abs(normal.mean) < 0.02 && Math.abs(normal.variance / 0.25 - 1) < 0.05, JSON.stringify(normal));
    const uniform = stats(new init.Uniform(0.3).create([100, 100], 'float64'));
    assert.ok(uniform.maxAbs <= 0.3 && Math.abs(uniform.variance / (0.09 / 3) - 1) < 0.05, JSON.stringify(uniform));
    const draw = () => { np.random.seed(7); return flat(new init.Normal(1).create([5], 'float32')); };
    assert.deepEqual(draw(), draw());
    expectError(() => new init.Normal(-1), /sigma must be ≥ 0/);
  });
});

class MLP extends nn.Block {
  net = new nn.Sequential().add(new nn.Dense(4, { activation: 'relu' }), new nn.Dense(2));
  head = new nn.Dense(1);
  override forward(x: NDArray): NDArray { return this.head.call(this.net.call(x)); }
}

suite('gluon.nn.Block: structured names', () => {
  test('collectParams: 0.weight in a Sequential, net.0.weight for a field net; select by regex', () => {
    const seq = new nn.Sequential().add(new nn.Dense(3), new nn.Dense(2, { useBias: false }));
    assert.deepEqual([...seq.collectParams().keys()], ['0.weight', '0.bias', '1.weight']);
    const mlp = new MLP();
    assert.deepEqual([...mlp.collectParams().keys()], ['net.0.weight', 'net.0.bias', 'net.1.weight', 'net.1.bias', 'head.weight', 'head.bias']);
    assert.deepEqual([...mlp.collectParams('weight$').keys()], ['net.0.weight', 'net.1.weight', 'head.weight']);
    assert.deepEqual([...mlp.collectParams(/^net\.1/).keys()], ['net.1.weight', 'net.1.bias']);
    assert.deepEqual([...new nn.Dense(2).collectParams().keys()], ['weight', 'bias']);
    assert.equal(mlp.collectParams().get('head.weight'), mlp.head.weight);
  });

  test('registerChild and this.params.get as conv-layer.md', () => {
    class Scale extends nn.Block {
      constructor() {
        super();
        this.params.get('factor', { shape: [1], init: new init.Constant(3) });
        this.registerChild(new nn.Dense(1, { inUnits: 1 }), 'inner');
      }
      override forward(x: NDArray): NDArray { return x.mul(this.params.get('factor').data()); }
    }
    const block = new Scale();
    block.initialize();
    assert.deepEqual([...block.collectParams().keys()], ['factor', 'inner.weight', 'inner.bias']);
    assert.deepEqual(flat(block.call(np.array([1, 2]))), [3, 6]);
  });

  test('a subclass without forward says so', () => {
    class Empty extends nn.Block {}
    expectError(() => new Empty().call(np.ones([1])), /Empty.forward: is not defined/);
  });
});

suite('gluon.nn layers', () => {
  test('Dense: relu(x·Wᵀ + b) against a hand computation; gradients by gradcheck and by hand', () => {
    const dense = new nn.Dense(2, { inUnits: 3, dtype: 'float64', activation: 'relu' });
    dense.initialize();
    const W = [[0.5, -1, 2], [1, 0.25, -0.5]];
    const b = [0.1, -3];
    dense.weight.setData(f64(W));
    dense.bias!.setData(f64(b));
    const X = [[1, 2, 3], [-1, 0.5, 4]];
    const expected = X.map((row) => W.map((w, u) => Math.max(0, w.reduce((s, wk, k) => s + wk * row[k]!, b[u]!))));
    const out = dense.call(f64(X));
    assert.equal(out.dtype, 'float64');
    assertClose(out, expected.flat(), { atol: 1e-12 });
    const report = autograd.gradcheck((x) => dense.call(x).sum(), [f64(X)]);
    assert.ok(report.ok, JSON.stringify(report.inputs));
    const linear = new nn.Dense(2, { inUnits: 3, dtype: 'float64' });
    linear.initialize();
    autograd.record(() => linear.call(f64(X)).sum()).backward();
    assertClose(linear.weight.grad(), [0, 2.5, 7, 0, 2.5, 7], { atol: 1e-12 }, 'dL/dW[u] = Σ_batch x');
    assertClose(linear.bias!.grad(), [2, 2], { atol: 1e-12 });
  });

  test('Dense flattens (batch, …) inputs unless flatten: false', () => {
    const dense = new nn.Dense(3);
    dense.initialize();
    assert.deepEqual(dense.call(np.ones([2, 4, 5])).shape, [2, 3]);
    assert.deepEqual(dense.weight.shape, [3, 20]);
    const perPosition = new nn.Dense(3, { flatten: false });
    perPosition.initialize();
    assert.deepEqual(perPosition.call(np.ones([2, 4, 5])).shape, [2, 4, 3]);
  });

  test('Sequential iterates in order and at(i) indexes, negative from the end', () => {
    const a = new nn.Dense(3);
    const b = new nn.Activation('tanh');
    const net = new nn.Sequential().add(a, b);
    assert.deepEqual([...net], [a, b]);
    assert.equal(net.at(0), a);
    assert.equal(net.at(-1), b);
    assert.equal(net.length, 2);
    expectError(() => net.at(2), /index 2 is out of range for 2 blocks/);
    expectError(() => new nn.Sequential().call(np.ones([1])), /has no blocks/);
  });

  test('Activation softrelu is log(1 + eˣ), stable at ±100; its gradient is the sigmoid', () => {
    const x = f64([100, -100, 0, 1.5]);
    const y = new nn.Activation('softrelu').call(x);
    assertClose(y, [100, Math.exp(-100), Math.LN2, Math.log1p(Math.exp(1.5))], { atol: 1e-12, rtol: 1e-12 });
    x.attachGrad();
    autograd.record(() => new nn.Activation('softrelu').call(x)).backward();
    assertClose(x.grad, [1, Math.exp(-100), 0.5, 1 / (1 + Math.exp(-1.5))], { atol: 1e-12 });
    assertClose(new nn.Activation('sigmoid').call(f64([0])), [0.5]);
    expectError(() => new nn.Activation('gelu' as never), /activation must be one of 'relu', 'sigmoid', 'tanh', 'softrelu'/);
  });

  test('Dropout is the identity in prediction mode and outside record, drops in training', () => {
    const x = np.ones([50, 20]);
    const dropout = new nn.Dropout(0.5);
    assert.deepEqual(flat(dropout.call(x)), flat(x));
    assert.deepEqual(flat(autograd.record(() => dropout.call(x), { trainMode: false })), flat(x));
    np.random.seed(4);
    const trained = flat(autograd.record(() => dropout.call(x)));
    assert.ok(trained.some((v) => v === 0) && trained.some((v) => v === 2), 'kept elements are scaled by 1/(1 − p)');
    expectError(() => new nn.Dropout(1), /the rate must be in \[0, 1\), got 1/);
  });

  test('errors name the layer, the shapes and where the input came from', () => {
    const net = new nn.Sequential().add(new nn.Dense(3, { inUnits: 4 }), new nn.Dense(2, { inUnits: 5 }));
    net.initialize();
    expectError(() => net.call(np.ones([2, 4])), /layer '1' \(Dense\(5 -> 2\)\).*expects 5 input features.*got 3.*made by layer '0'/);
    expectError(() => new nn.Dense(0), /units must be a positive integer, got 0/);
    expectError(() => new nn.Dense(2, { use_bias: false } as never), /nn.Dense: unknown option 'use_bias'/);
    expectError(() => new nn.Dense(2).initialize('xavier' as never), /the initializer must be an init.\* object/);
    expectError(() => new gluon.Parameter('w', { shape: [2, -1] }), /'w': the shape must hold non-negative integers/);
  });
});
