// gluon's remaining layers (issue 12): Conv1D/Conv2D and the poolings against TensorFlow.js or a
// hand computation with the same weights, BatchNorm/LayerNorm/Embedding against their formulas,
// RNN/GRU against a loop over the time steps written here; gradients by autograd.gradcheck (inputs)
// and by central differences on the parameters' live arrays (float64 layers); deferred shapes,
// parameter names, training/prediction mode, and the messages of the mistakes people make.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import './tfjs-quiet'; // before the CPU backend's registrations
import '@tensorflow/tfjs-backend-cpu';
import { autograd, gluon, init, np, NDArray, setEngineObserver, type BatchNorm, type Block, type BlockEvent, type GRU, type RNN } from 'gradlens';
import { assertClose, expectError } from '../helpers';

const { nn } = gluon;

function normal(shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float32'): NDArray {
  np.random.seed(seed);
  return np.random.normal(0, 1, shape).astype(dtype);
}

const tensor = (a: NDArray): tf.Tensor => tf.tensor(a.toFlatArray(), [...a.shape]);
/** tfjs's result as a flat list (it disposes the tensor). */
function values(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** Every parameter's gradient from backward against central differences of Σ w·block(x) (a float64 block). */
function checkParameterGrads(block: Block, inputs: NDArray[], names?: string[]): void {
  const params = [...block.collectParams()].filter(([name, p]) => p.gradReq !== 'null' && (names === undefined || names.includes(name)));
  assert.ok(params.length > 0, 'no parameters to check');
  const first = autograd.record(() => block.call(...inputs));
  const weights = np.array(Array.from({ length: first.size }, (_, i) => Math.sin(i + 1) + 0.5), { dtype: 'float64' }).reshape([...first.shape]);
  const objective = (): number => autograd.trainMode(() => block.call(...inputs).mul(weights).sum().item() as number);
  block.zeroGrad();
  autograd.record(() => block.call(...inputs).mul(weights).sum()).backward();
  const eps = 1e-6;
  for (const [name, parameter] of params) {
    const data = parameter.data()._data;
    const analytic = parameter.grad().toFlatArray();
    for (let j = 0; j < data.length; j++) {
      const original = data[j]!;
      data[j] = original + eps;
      const plus = objective();
      data[j] = original - eps;
      const minus = objective();
      data[j] = original;
      const numeric = (plus - minus) / (2 * eps);
      assert.ok(Math.abs(analytic[j]! - numeric) <= 1e-5 + 1e-4 * Math.abs(numeric), `${name}[${j}]: backward ${analytic[j]}, central difference ${numeric}`);
    }
  }
}

function gradcheckInput(fn: (x: NDArray) => NDArray, x: NDArray): void {
  const report = autograd.gradcheck(fn, [x]);
  assert.ok(report.ok, `gradcheck: worst at ${report.inputs[0]!.worstIndex}: ${report.inputs[0]!.worstAnalytic} vs ${report.inputs[0]!.worstNumeric}`);
}

suite('gluon layers: Conv2D and Conv1D', () => {
  test('Conv2D: strides, padding, bias and activation as tfjs conv2d (NHWC/HWIO) with the same weights', () => {
    const conv = new nn.Conv2D(4, 3, { strides: 2, padding: 1, activation: 'relu', biasInitializer: new init.Uniform(0.5) });
    conv.initialize(new init.Normal(0.5));
    const x = normal([2, 3, 7, 6], 1);
    const y = conv.call(x);
    assert.deepEqual(y.shape, [2, 4, 4, 3]);
    const w = conv.weight.data();
    const expected = tf.tidy(() => {
      const out = tf.conv2d(tf.transpose(tensor(x), [0, 2, 3, 1]) as tf.Tensor4D, tf.transpose(tensor(w), [2, 3, 1, 0]) as tf.Tensor4D, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      return tf.transpose(tf.relu(tf.add(out, tensor(conv.bias!.data()))), [0, 3, 1, 2]);
    });
    assertClose(y, values(expected), { atol: 1e-5, rtol: 1e-4 });
  });

  test('Conv2D: dilation as tfjs; groups as one convolution per group of channels', () => {
    const dilated = new nn.Conv2D(2, [2, 3], { dilation: 2, useBias: false, inChannels: 2 });
    dilated.initialize(new init.Normal(1));
    const x = normal([1, 2, 7, 8], 2);
    const expected = tf.tidy(() => tf.transpose(tf.conv2d(tf.transpose(tensor(x), [0, 2, 3, 1]) as tf.Tensor4D,
      tf.transpose(tensor(dilated.weight.data()), [2, 3, 1, 0]) as tf.Tensor4D, 1, 'valid', 'NHWC', 2), [0, 3, 1, 2]));
    assertClose(dilated.call(x), values(expected), { atol: 1e-5, rtol: 1e-4 });

    const grouped = new nn.Conv2D(4, 3, { groups: 2, padding: 1 });
    grouped.initialize(new init.Normal(1));
    const input = normal([1, 6, 5, 5], 3);
    assert.deepEqual(grouped.weight.shape, [4, 0, 3, 3]);
    const y = grouped.call(input);
    assert.deepEqual(grouped.weight.shape, [4, 3, 3, 3]);
    const wT = tf.transpose(tensor(grouped.weight.data()), [2, 3, 1, 0]);
    const xT = tf.transpose(tensor(input), [0, 2, 3, 1]);
    const perGroup = [0, 1].map((g) => tf.conv2d(tf.slice(xT, [0, 0, 0, 3 * g], [-1, -1, -1, 3]) as tf.Tensor4D, tf.slice(wT, [0, 0, 0, 2 * g], [-1, -1, -1, 2]) as tf.Tensor4D, 1, 'same'));
    assertClose(y, values(tf.transpose(tf.concat(perGroup, 3), [0, 3, 1, 2])), { atol: 1e-5, rtol: 1e-4 });
  });

  test('conv-layer.md\'s nn.Conv2D(1, kernel_size=(1, 2), use_bias=False): no bias, the kernel [1, -1] finds the edges', () => {
    const conv = new nn.Conv2D(1, [1, 2], { useBias: false });
    conv.initialize();
    assert.equal(conv.bias, null);
    assert.deepEqual([...conv.collectParams().keys()], ['weight']);
    const X = np.ones([6, 8]);
    X.set(':, 2:6', 0);
    conv.call(X.reshape([1, 1, 6, 8])); // the first call makes the weight (1, 1, 1, 2)
    conv.weight.setData(np.array([[[[1, -1]]]]));
    const Y = conv.call(X.reshape([1, 1, 6, 8]));
    assert.deepEqual(Y.shape, [1, 1, 6, 7]);
    assert.deepEqual(Y.toFlatArray().slice(0, 7), [0, 1, 0, 0, 0, -1, 0]);
    assert.equal(conv.describe(), 'Conv2D(1 -> 1, kernel_size=(1, 2), stride=(1, 1), bias=False)');
  });

  test('Conv1D: each output the dot product of its window with the filter, plus the bias (by hand)', () => {
    const conv = new nn.Conv1D(2, 3, { strides: 2, inChannels: 1, biasInitializer: new init.Constant(0.5) });
    conv.initialize(new init.Normal(1));
    const x = np.array([[[1, 2, 3, 4, 5, 6, 7]]]);
    const w = conv.weight.data().toArray() as number[][][];
    const expected = [0, 1].flatMap((o) => [0, 2, 4].map((start) => 0.5 + [0, 1, 2].reduce((s, k) => s + w[o]![0]![k]! * (start + k + 1), 0)));
    assertClose(conv.call(x), expected, { atol: 1e-5 });
  });

  test('gradients: gradcheck on the input, central differences on weight and bias (float64)', () => {
    const conv = new nn.Conv2D(3, [2, 3], { strides: [1, 2], padding: [1, 0], activation: 'tanh', dtype: 'float64', biasInitializer: new init.Uniform(0.5) });
    conv.initialize(new init.Normal(0.5));
    const x = normal([2, 2, 4, 5], 4, 'float64');
    gradcheckInput((input) => conv.call(input), x);
    checkParameterGrads(conv, [x]);
    const conv1 = new nn.Conv1D(2, 2, { dilation: 2, dtype: 'float64' });
    conv1.initialize(new init.Normal(0.5));
    checkParameterGrads(conv1, [normal([2, 3, 6], 5, 'float64')]);
  });

  test('deferred inChannels and structured names in a Sequential', () => {
    const net = new nn.Sequential().add(new nn.Conv2D(6, 5, { padding: 2, activation: 'sigmoid' }), new nn.MaxPool2D(), new nn.Conv2D(16, 5));
    net.initialize(new init.Xavier());
    assert.deepEqual([...net.collectParams().keys()], ['0.weight', '0.bias', '2.weight', '2.bias']);
    assert.throws(() => net.collectParams().get('0.weight')!.data(), /unknown \(0\) dimensions/);
    const y = net.call(np.ones([1, 1, 28, 28]));
    assert.deepEqual(y.shape, [1, 16, 10, 10]);
    assert.deepEqual(net.collectParams().get('2.weight')!.shape, [16, 6, 5, 5]);
    assert.match(net.toString(), /\(0\): Conv2D\(1 -> 6, kernel_size=\(5, 5\), stride=\(1, 1\), padding=\(2, 2\), sigmoid\)/);
    assert.match(net.toString(), /\(1\): MaxPool2D\(size=\(2, 2\), stride=\(2, 2\)\)/);
  });
});

suite('gluon layers: a LeNet of them', () => {
  test('d2l\'s LeNet: shapes through the layers, a gradient on every parameter, BatchNorm in between', () => {
    const net = new nn.Sequential().add(
      new nn.Conv2D(6, 5, { padding: 2, activation: 'sigmoid' }), new nn.BatchNorm(), new nn.AvgPool2D(2, { strides: 2 }),
      new nn.Conv2D(16, 5, { activation: 'sigmoid' }), new nn.AvgPool2D(2, { strides: 2 }),
      new nn.Dense(120, { activation: 'sigmoid' }), new nn.Dense(84, { activation: 'sigmoid' }), new nn.Dense(10),
    );
    net.initialize(new init.Xavier());
    const X = normal([2, 1, 28, 28], 21);
    const shapes: number[][] = [];
    let out = X;
    for (const layer of net) shapes.push([...(out = layer.call(out)).shape]);
    assert.deepEqual(shapes, [[2, 6, 28, 28], [2, 6, 28, 28], [2, 6, 14, 14], [2, 16, 10, 10], [2, 16, 5, 5], [2, 120], [2, 84], [2, 10]]);
    autograd.record(() => net.call(X).square().sum()).backward();
    for (const [name, parameter] of net.collectParams()) {
      if (parameter.gradReq === 'null') continue;
      assert.ok(parameter.grad().abs().sum().item() as number > 0, `${name} has a gradient`);
    }
    assert.deepEqual(net.collectParams().get('3.weight')!.shape, [16, 6, 5, 5]);
  });

  test('a watching tool hears each layer with its label and its parameters\' structured names', () => {
    const net = new nn.Sequential().add(new nn.Conv2D(2, 3, { inChannels: 1 }), new nn.GlobalAvgPool2D(), new nn.Flatten(), new gluon.rnn.GRU(3, { layout: 'NTC' }));
    net.initialize();
    const entered: BlockEvent[] = [];
    const previous = setEngineObserver({ blockEnter: (event) => entered.push(event) });
    try {
      // Flatten gives (2, 2): the GRU refuses it, after being entered.
      assert.throws(() => net.call(np.ones([2, 1, 4, 4])), /layer '3' \(GRU\(3, NTC\)\): needs a 3-d input \(N, T, C\).*got shape \(2, 2\) from layer '2'/);
    } finally {
      setEngineObserver(previous);
    }
    assert.deepEqual(entered.map((e) => [e.path, e.label]), [
      ['', 'Sequential'], ['0', 'Conv2D(1 -> 2, kernel_size=(3, 3), stride=(1, 1))'], ['1', 'GlobalAvgPool2D'], ['2', 'Flatten'], ['3', 'GRU(3, NTC)'],
    ]);
    assert.deepEqual(entered[1]!.params.map((p) => p.name), ['0.weight', '0.bias']);
    assert.deepEqual(entered[4]!.params.map((p) => p.name), ['3.l0_i2h_weight', '3.l0_h2h_weight', '3.l0_i2h_bias', '3.l0_h2h_bias']);
  });
});

suite('gluon layers: pooling', () => {
  test('MaxPool2D and AvgPool2D without padding as tfjs; strides default to the pool size', () => {
    const x = normal([2, 3, 6, 7], 6);
    const xT = () => tf.transpose(tensor(x), [0, 2, 3, 1]) as tf.Tensor4D;
    const max = new nn.MaxPool2D(2);
    assert.deepEqual(max.strides, [2, 2]);
    assertClose(max.call(x), values(tf.tidy(() => tf.transpose(tf.maxPool(xT(), 2, 2, 'valid'), [0, 3, 1, 2]))), { atol: 1e-6 });
    const avg = new nn.AvgPool2D([3, 2], { strides: [1, 2] });
    assertClose(avg.call(x), values(tf.tidy(() => tf.transpose(tf.avgPool(xT(), [3, 2], [1, 2], 'valid'), [0, 3, 1, 2]))), { atol: 1e-6 });
  });

  test('padding: −∞ for max, 0 counted in the average\'s divisor (by hand); 1-D poolings', () => {
    const x = np.arange(1, 10).reshape([1, 1, 3, 3]);
    assertClose(new nn.AvgPool2D(3, { strides: 1, padding: 1 }).call(x), [12, 21, 16, 27, 45, 33, 24, 39, 28].map((s) => s / 9), { atol: 1e-6 });
    assertClose(new nn.MaxPool2D(2, { strides: 1, padding: 1 }).call(x.mul(-1)), [-1, -1, -2, -3, -1, -1, -2, -3, -4, -4, -5, -6, -7, -7, -8, -9]);
    const row = np.array([[[3, 1, 4, 1, 5, 9]]]);
    assertClose(new nn.MaxPool1D(2).call(row), [3, 4, 9]);
    assertClose(new nn.AvgPool1D(3).call(row), [8 / 3, 5]);
  });

  test('global poolings: (N, C, H, W) → (N, C, 1, 1)', () => {
    const x = normal([2, 3, 4, 5], 7);
    const mean = new nn.GlobalAvgPool2D().call(x);
    assert.deepEqual(mean.shape, [2, 3, 1, 1]);
    assertClose(mean, x.mean([2, 3]).toFlatArray(), { atol: 1e-6 });
    assertClose(new nn.GlobalMaxPool2D().call(x), x.max([2, 3]).toFlatArray());
    assertClose(new nn.GlobalAvgPool1D().call(x.reshape([2, 3, 20])), x.mean([2, 3]).toFlatArray(), { atol: 1e-6 });
    assertClose(new nn.GlobalMaxPool1D().call(x.reshape([2, 3, 20])), x.max([2, 3]).toFlatArray());
  });

  test('gradients of the poolings (gradcheck, float64)', () => {
    const x = normal([1, 2, 5, 5], 8, 'float64');
    gradcheckInput((input) => new nn.MaxPool2D(2, { strides: 1, padding: 1 }).call(input), x);
    gradcheckInput((input) => new nn.AvgPool2D(3, { strides: 2, padding: 1 }).call(input), x);
    gradcheckInput((input) => new nn.GlobalAvgPool2D().call(input), x);
  });
});

suite('gluon layers: BatchNorm and LayerNorm', () => {
  /** (x − mean)/√(var + eps)·γ + β per channel c of (N, C, H, W), the statistics given. */
  function normalised(x: NDArray, mean: number[], variance: number[], gamma: number[], beta: number[], eps = 1e-5): number[] {
    const [, channels, h, w] = x.shape as [number, number, number, number];
    return x.toFlatArray().map((v, i) => {
      const c = Math.floor(i / (h * w)) % channels;
      return ((v - mean[c]!) / Math.sqrt(variance[c]! + eps)) * gamma[c]! + beta[c]!;
    });
  }
  const batchMoments = (x: NDArray) => ({ mean: x.mean([0, 2, 3]).toFlatArray(), variance: x.var([0, 2, 3]).toFlatArray() });

  test('parameters: gamma, beta, running_mean, running_var (the last two gradReq \'null\'), shapes learned at the first call', () => {
    const net = new nn.Sequential().add(new nn.Conv2D(3, 1), new nn.BatchNorm());
    net.initialize(new init.Normal(1));
    const params = net.collectParams();
    assert.deepEqual([...params.keys()], ['0.weight', '0.bias', '1.gamma', '1.beta', '1.running_mean', '1.running_var']);
    assert.deepEqual([...params.values()].map((p) => p.gradReq), ['write', 'write', 'write', 'write', 'null', 'null']);
    const bn = net.at(1) as BatchNorm;
    assert.deepEqual(bn.runningVar.shape, [0]);
    net.call(np.ones([2, 2, 3, 3]));
    assert.deepEqual(bn.runningVar.shape, [3]);
    assert.deepEqual(bn.runningMean.data().toFlatArray(), [0, 0, 0]);
    assert.deepEqual(bn.runningVar.data().toFlatArray(), [1, 1, 1]);
    assert.deepEqual(bn.gamma.data().toFlatArray(), [1, 1, 1], 'gamma stays ones under a global initializer');
    assert.equal(bn.describe(), 'BatchNorm(axis=1, eps=0.00001, momentum=0.9, in_channels=3)');
  });

  test('training mode: batch statistics, running statistics moved by momentum; prediction mode: the running ones, left alone', () => {
    const bn = new nn.BatchNorm({ momentum: 0.8, gammaInitializer: new init.Uniform(1), betaInitializer: new init.Uniform(1) });
    bn.initialize();
    const x = normal([4, 3, 2, 5], 9).mul(2).add(1);
    const y = autograd.record(() => bn.call(x));
    const { mean, variance } = batchMoments(x);
    const gamma = bn.gamma.data().toFlatArray();
    const beta = bn.beta.data().toFlatArray();
    assertClose(y, normalised(x, mean, variance, gamma, beta), { atol: 1e-4, rtol: 1e-4 });
    const runningMean = mean.map((m) => 0.2 * m);
    const runningVar = variance.map((v) => 0.8 + 0.2 * v);
    assertClose(bn.runningMean.data(), runningMean, { atol: 1e-5 });
    assertClose(bn.runningVar.data(), runningVar, { atol: 1e-5 });

    const x2 = normal([2, 3, 2, 2], 10);
    assertClose(bn.call(x2), normalised(x2, runningMean, runningVar, gamma, beta), { atol: 1e-5, rtol: 1e-4 });
    autograd.record(() => bn.call(x2), { trainMode: false });
    assertClose(bn.runningMean.data(), runningMean, { atol: 1e-5 }, 'prediction mode leaves the running mean');
    autograd.trainMode(() => bn.call(x2));
    const moments = batchMoments(x2);
    assertClose(bn.runningMean.data(), runningMean.map((m, c) => 0.8 * m + 0.2 * moments.mean[c]!), { atol: 1e-5 }, 'trainMode updates it');
  });

  test('axis, center and scale: (N, C) data normalised on its last axis, beta and gamma fixed', () => {
    const bn = new nn.BatchNorm({ axis: -1, center: false, scale: false, epsilon: 0.01 });
    bn.initialize();
    const x = np.array([[1, 10], [3, 30], [5, 20]]);
    const y = autograd.record(() => bn.call(x));
    const col = (values: number[]) => { const m = values.reduce((a, b) => a + b) / 3; const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / 3; return values.map((u) => (u - m) / Math.sqrt(v + 0.01)); };
    const [a, b] = [col([1, 3, 5]), col([10, 30, 20])];
    assertClose(y, [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!, b[2]!], { atol: 1e-5 });
    assert.deepEqual([bn.gamma.gradReq, bn.beta.gradReq], ['null', 'null']);
  });

  test('BatchNorm gradients in training mode (input and gamma/beta, float64)', () => {
    const bn = new nn.BatchNorm({ dtype: 'float64', gammaInitializer: new init.Uniform(1), betaInitializer: new init.Uniform(1) });
    bn.initialize();
    const x = normal([3, 2, 2, 2], 11, 'float64');
    gradcheckInput((input) => bn.call(input), x);
    checkParameterGrads(bn, [x]);
  });

  test('LayerNorm: each lane of the last axis normalised, then scaled and shifted (by hand); gradients', () => {
    const ln = new nn.LayerNorm({ gammaInitializer: new init.Uniform(1), betaInitializer: new init.Uniform(1) });
    ln.initialize();
    const x = np.array([[1, 2, 6], [0, -3, 3]]);
    const y = ln.call(x);
    assert.deepEqual(ln.gamma.shape, [3]);
    const gamma = ln.gamma.data().toFlatArray();
    const beta = ln.beta.data().toFlatArray();
    const expected = [[1, 2, 6], [0, -3, 3]].flatMap((row) => {
      const m = row.reduce((a, b) => a + b) / 3;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 3;
      return row.map((u, i) => ((u - m) / Math.sqrt(v + 1e-5)) * gamma[i]! + beta[i]!);
    });
    assertClose(y, expected, { atol: 1e-5 });
    const ln64 = new nn.LayerNorm({ axis: 1, dtype: 'float64', gammaInitializer: new init.Uniform(1), betaInitializer: new init.Uniform(1) });
    ln64.initialize();
    const x64 = normal([2, 4, 3], 12, 'float64');
    gradcheckInput((input) => ln64.call(input), x64);
    checkParameterGrads(ln64, [x64]);
    assert.deepEqual([...ln64.collectParams().keys()], ['gamma', 'beta']);
  });
});

suite('gluon layers: Embedding', () => {
  test('rows of the weight by index; repeated indices add their gradients', () => {
    const embed = new nn.Embedding(5, 3);
    embed.initialize(new init.Normal(1));
    const rows = embed.weight.data().toArray() as number[][];
    const y = embed.call(np.array([[4, 0], [4, 2]], { dtype: 'int32' }));
    assert.deepEqual(y.shape, [2, 2, 3]);
    assertClose(y, [rows[4]!, rows[0]!, rows[4]!, rows[2]!].flat());
    autograd.record(() => embed.call(np.array([4, 0, 4])).sum()).backward();
    assert.deepEqual(embed.weight.grad().toFlatArray(), [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2]);
    assert.equal(embed.describe(), 'Embedding(5 -> 3, float32)');
    const embed64 = new nn.Embedding(4, 2, { dtype: 'float64', weightInitializer: new init.Uniform(1) });
    embed64.initialize(new init.Zero());
    assert.equal(embed64.weight.dtype, 'float64');
    assert.ok(embed64.weight.data().toFlatArray().some((v) => v !== 0), 'its own initializer wins');
    checkParameterGrads(embed64, [np.array([[3, 1], [1, 1]])]);
  });
});

// ---- RNN and GRU against a loop over the time steps ----

type Matrix = number[][];
const affine = (W: Matrix, b: number[], v: number[]): number[] => W.map((row, i) => row.reduce((s, w, j) => s + w * v[j]!, b[i]!));
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface LayerValues { Wi: Matrix; Wh: Matrix; bi: number[]; bh: number[] }
function layerValues(block: RNN | GRU): LayerValues[] {
  return block.layers.map((p) => ({
    Wi: p.i2hWeight.data().toArray() as Matrix, Wh: p.h2hWeight.data().toArray() as Matrix,
    bi: p.i2hBias.data().toFlatArray(), bh: p.h2hBias.data().toFlatArray(),
  }));
}

/** outputs[t][n] and the final state[l][n] of stacked cells, step by step. */
function reference(xs: number[][][], begin: number[][][], layers: LayerValues[], cell: (layer: LayerValues, x: number[], h: number[]) => number[]): { outputs: number[][][]; state: number[][][] } {
  let sequence = xs;
  const state: number[][][] = [];
  layers.forEach((layer, l) => {
    let hidden = begin[l]!;
    sequence = sequence.map((step) => (hidden = step.map((x, n) => cell(layer, x, hidden[n]!))));
    state.push(hidden);
  });
  return { outputs: sequence, state };
}

const tanhCell = (layer: LayerValues, x: number[], h: number[]) => affine(layer.Wi, layer.bi, x).map((v, i) => Math.tanh(v + affine(layer.Wh, layer.bh, h)[i]!));
function gruCell(layer: LayerValues, x: number[], h: number[]): number[] {
  const gi = affine(layer.Wi, layer.bi, x);
  const gh = affine(layer.Wh, layer.bh, h);
  const H = h.length;
  return h.map((hk, k) => {
    const r = sigmoid(gi[k]! + gh[k]!);
    const z = sigmoid(gi[H + k]! + gh[H + k]!);
    const n = Math.tanh(gi[2 * H + k]! + r * gh[2 * H + k]!);
    return (1 - z) * n + z * hk;
  });
}

suite('gluon.rnn: RNN and GRU', () => {
  const biases = { i2hBiasInitializer: new init.Uniform(0.5), h2hBiasInitializer: new init.Uniform(0.5) };

  test('RNN (tanh, 2 layers): outputs and final state as the loop; parameter names as gluon\'s', () => {
    const layer = new gluon.rnn.RNN(4, { numLayers: 2, ...biases });
    layer.initialize(new init.Uniform(0.5));
    assert.deepEqual([...layer.collectParams().keys()], [
      'l0_i2h_weight', 'l0_h2h_weight', 'l0_i2h_bias', 'l0_h2h_bias', 'l1_i2h_weight', 'l1_h2h_weight', 'l1_i2h_bias', 'l1_h2h_bias',
    ]);
    const x = normal([5, 2, 3], 13);
    const begin = normal([2, 2, 4], 14).mul(0.5);
    const [outputs, state] = layer.run(x, begin);
    assert.deepEqual(layer.layers[0]!.i2hWeight.shape, [4, 3]);
    const expected = reference(x.toArray() as number[][][], begin.toArray() as number[][][], layerValues(layer), tanhCell);
    assert.deepEqual(outputs.shape, [5, 2, 4]);
    assert.deepEqual(state.shape, [2, 2, 4]);
    assertClose(outputs, expected.outputs.flat(2), { atol: 1e-5 });
    assertClose(state, expected.state.flat(2), { atol: 1e-5 });
    const zero = reference(x.toArray() as number[][][], layer.beginState(2).toArray() as number[][][], layerValues(layer), tanhCell);
    assertClose(layer.call(x), zero.outputs.flat(2), { atol: 1e-5 }, 'call: from a zero state');
    assert.deepEqual(layer.beginState(3).shape, [2, 3, 4]);
  });

  test('RNN relu, NTC layout: (N, T, C) in, (N, T, H) out', () => {
    const layer = new gluon.rnn.RNN(3, { activation: 'relu', layout: 'NTC', inputSize: 2, ...biases });
    layer.initialize(new init.Uniform(0.7));
    const x = normal([2, 4, 2], 15);
    const y = layer.call(x);
    assert.deepEqual(y.shape, [2, 4, 3]);
    const reluCell = (l: LayerValues, v: number[], h: number[]) => affine(l.Wi, l.bi, v).map((u, i) => Math.max(0, u + affine(l.Wh, l.bh, h)[i]!));
    const xs = np.transpose(x, [1, 0, 2]).toArray() as number[][][];
    const expected = reference(xs, [[[0, 0, 0], [0, 0, 0]]], layerValues(layer), reluCell);
    assertClose(np.transpose(y, [1, 0, 2]), expected.outputs.flat(2), { atol: 1e-5 });
    assert.equal(layer.describe(), 'RNN(2 -> 3, NTC, relu)');
  });

  test('GRU: gates r, z, n as MXNet orders them, against the loop; state given as gluon\'s list', () => {
    const layer = new gluon.rnn.GRU(3, biases);
    layer.initialize(new init.Uniform(0.6));
    const x = normal([4, 2, 5], 16);
    const begin = normal([1, 2, 3], 17).mul(0.5);
    const [outputs, state] = layer.run(x, [begin]);
    assert.deepEqual(layer.layers[0]!.i2hWeight.shape, [9, 5]);
    assert.deepEqual(layer.layers[0]!.h2hWeight.shape, [9, 3]);
    const expected = reference(x.toArray() as number[][][], begin.toArray() as number[][][], layerValues(layer), gruCell);
    assertClose(outputs, expected.outputs.flat(2), { atol: 1e-5 });
    assertClose(state, expected.state.flat(2), { atol: 1e-5 });
    assert.equal(layer.describe(), 'GRU(5 -> 3, TNC)');
  });

  test('gradients through the time steps: inputs, state and every parameter (float64)', () => {
    const gru = new gluon.rnn.GRU(2, { numLayers: 2, dtype: 'float64', ...biases });
    gru.initialize(new init.Uniform(0.8));
    const x = normal([3, 2, 2], 18, 'float64');
    const begin = normal([2, 2, 2], 19, 'float64');
    gradcheckInput((input) => gru.call(input), x);
    gradcheckInput((state) => gru.run(x, state)[1], begin);
    checkParameterGrads(gru, [x]);
    const rnn = new gluon.rnn.RNN(3, { dtype: 'float64', ...biases });
    rnn.initialize(new init.Uniform(0.8));
    checkParameterGrads(rnn, [x, normal([1, 2, 3], 20, 'float64')]);
  });
});

suite('gluon layers: messages', () => {
  test('a wrong input rank names the layer and the shape', () => {
    const conv = new nn.Conv2D(2, 3);
    conv.initialize();
    expectError(() => conv.call(np.ones([2, 5, 5])), /Conv2D\(2, kernel_size=\(3, 3\).*needs a 4-d input \(N, C, H, W\), got shape \(2, 5, 5\)/);
    const net = new nn.Sequential().add(new nn.Dense(4), new gluon.rnn.RNN(3));
    net.initialize();
    expectError(() => net.call(np.ones([2, 6])), /layer '1' \(RNN\(3, TNC, tanh\)\).*needs a 3-d input \(T, N, C\).*got shape \(2, 4\) from layer '0'/);
    expectError(() => new nn.MaxPool2D(2).call(np.ones([4])), /MaxPool2D.*got shape \(4,\)/);
  });

  test('a shape mismatch between layers names both layers and the shapes', () => {
    const net = new nn.Sequential().add(new nn.Conv2D(4, 3, { inChannels: 1 }), new nn.Conv2D(2, 3, { inChannels: 3 }));
    net.initialize();
    expectError(() => net.call(np.ones([1, 1, 8, 8])),
      /layer '1' \(Conv2D\(3 -> 2, .*\)\).*expects 3 input channels \(its weight is \(2, 3, 3, 3\)\), got 4 from an input of shape \(1, 4, 6, 6\) made by layer '0'/);
    const bnNet = new nn.Sequential().add(new nn.Dense(5), new nn.BatchNorm({ inChannels: 4 }));
    bnNet.initialize();
    expectError(() => bnNet.call(np.ones([2, 3])), /layer '1' \(BatchNorm.*expects 4 channels on axis 1 \(its gamma is \(4,\)\), got 5 .*shape \(2, 5\) made by layer '0'/);
    const rnn = new gluon.rnn.GRU(2, { inputSize: 3 });
    rnn.initialize();
    expectError(() => rnn.call(np.ones([2, 1, 4])), /GRU\(3 -> 2, TNC\).*expects 3 input features \(its l0_i2h_weight is \(6, 3\)\), got 4/);
    expectError(() => rnn.run(np.ones([2, 1, 3]), np.zeros([1, 2, 2])), /needs a state of shape \(1, 1, 2\).*got \(1, 2, 2\)/);
  });

  test('a window that does not fit, wrong options', () => {
    const conv = new nn.Conv2D(1, 5);
    conv.initialize();
    expectError(() => conv.call(np.ones([1, 1, 3, 8])), /Conv2D.*window \(5, 5\) does not fit an input of shape \(1, 1, 3, 8\)/);
    expectError(() => new nn.Conv2D(2, [1, 2, 3]), /kernelSize must be a positive integer or a list of 2/);
    expectError(() => new nn.Conv2D(3, 1, { groups: 2 }), /groups 2 must divide channels \(3\)/);
    expectError(() => new nn.Conv2D(3, 1, { use_bias: false } as never), /use_bias/);
    expectError(() => new nn.MaxPool2D(2, { padding: 2 }), /padding 2 must be smaller than the pool size 2/);
    expectError(() => new gluon.rnn.RNN(3, { activation: 'sigmoid' as never }), /activation must be 'tanh' or 'relu'/);
    expectError(() => new nn.BatchNorm({ axis: 4 }).call(np.ones([2, 3])), /axis 4 is out of range for an input of shape \(2, 3\)/);
  });
});



