// gluon's training pieces (engine/gluon/trainer.ts, loss.ts, data.ts): every optimizer against its
// MXNet update formula written out here over three steps, every loss against a hand computation
// and its gradient by gradcheck, the sparse labels refused, DataLoader batching and seeded shuffles.
import { strict as assert } from 'node:assert';
import { np, autograd, gluon, init, GradLensError, NDArray, type OptimizerName, type TrainerOptions } from 'gradlens';
import { assertClose, expectError, flat } from '../helpers';

const f64 = (values: number[] | number[][]) => np.array(values, { dtype: 'float64' });
const { loss: losses, data } = gluon;

/** A float64 parameter holding `values`. */
function parameter(name: string, values: number[]): InstanceType<typeof gluon.Parameter> {
  const p = new gluon.Parameter(name, { shape: [values.length], dtype: 'float64' });
  p.initialize(new init.Zero());
  p.setData(f64(values));
  return p;
}

// The loss of the optimizer tests: Σ a·w² + b·w, so the raw gradient is 2a·w + b (changing every step).
const A = [0.5, 2, -1, 3];
const B = [1, -4, 0.5, 10];
const rawGrad = (w: number[]) => w.map((x, i) => 2 * A[i]! * x + B[i]!);

/** MXNet's update formulas, elementwise in plain numbers: the independent reference. */
function reference(optimizer: OptimizerName, options: Required<Omit<TrainerOptions, 'clipGradient'>> & { clipGradient: number | null }, w0: number[], steps: number, batchSize: number): number[] {
  const w = [...w0];
  const first = w.map(() => 0);
  const second = w.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const raw = rawGrad(w);
    for (let i = 0; i < w.length; i++) {
      let g = raw[i]! / batchSize;
      if (options.clipGradient !== null) g = Math.min(Math.max(g, -options.clipGradient), options.clipGradient);
      g += options.wd * w[i]!;
      const lr = options.learningRate;
      if (optimizer === 'sgd') {
        first[i] = options.momentum * first[i]! - lr * g;
        w[i]! += first[i]!;
      } else if (optimizer === 'adam') {
        first[i] = options.beta1 * first[i]! + (1 - options.beta1) * g;
        second[i] = options.beta2 * second[i]! + (1 - options.beta2) * g * g;
        const lrT = lr * Math.sqrt(1 - options.beta2 ** t) / (1 - options.beta1 ** t);
        w[i]! -= lrT * first[i]! / (Math.sqrt(second[i]!) + options.epsilon);
      } else if (optimizer === 'rmsprop') {
        first[i] = (1 - options.gamma1) * g * g + options.gamma1 * first[i]!;
        w[i]! -= lr * g / Math.sqrt(first[i]! + options.epsilon);
      } else {
        first[i]! += g * g;
        w[i]! -= lr * g / Math.sqrt(first[i]! + options.epsilon);
      }
    }
  }
  return w;
}

function train(optimizer: OptimizerName, options: TrainerOptions, steps: number, batchSize: number) {
  const w = parameter('w', [1, -2, 0.5, 0.25]);
  const array = w.data();
  const trainer = new gluon.Trainer([w], optimizer, options);
  for (let t = 0; t < steps; t++) {
    const l = autograd.record(() => w.data().mul(w.data()).mul(f64(A)).add(w.data().mul(f64(B))).sum());
    l.backward();
    trainer.step(batchSize);
  }
  return { w, array, trainer };
}

const DEFAULTS = { learningRate: 0.1, wd: 0, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gamma1: 0.9, clipGradient: null as number | null };

suite('gluon.Trainer: the update formulas over three steps', () => {
  const cases: [string, OptimizerName, Partial<typeof DEFAULTS>][] = [
    ['sgd', 'sgd', {}],
    ['sgd with momentum, wd and clipping', 'sgd', { momentum: 0.9, wd: 0.01, clipGradient: 2 }],
    ['adam', 'adam', { learningRate: 0.05 }],
    ['adam with wd, clipping and its own betas', 'adam', { wd: 0.1, clipGradient: 1.5, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }],
    ['rmsprop', 'rmsprop', { learningRate: 0.01 }],
    ['rmsprop with gamma1, wd and clipping', 'rmsprop', { gamma1: 0.5, wd: 0.05, clipGradient: 3, epsilon: 1e-4 }],
    ['adagrad', 'adagrad', {}],
    ['adagrad with wd and clipping', 'adagrad', { wd: 0.2, clipGradient: 1, epsilon: 1e-3 }],
  ];
  for (const [title, optimizer, overrides] of cases) {
    test(title, () => {
      const options = { ...DEFAULTS, ...overrides };
      const { w, array } = train(optimizer, overrides.learningRate === undefined ? { ...overrides, learningRate: 0.1 } : overrides, 3, 2);
      assertClose(w.data(), reference(optimizer, options, [1, -2, 0.5, 0.25], 3, 2), { atol: 1e-12, rtol: 1e-10 });
      assert.equal(w.data(), array, 'the parameter keeps its array across steps');
    });
  }

  test('the parameter keeps its identity and gradient buffer; the updates are not recorded', () => {
    const net = new gluon.nn.Dense(2, { inUnits: 3 });
    net.initialize();
    const weight = net.weight.data();
    const grad = weight.grad;
    const trainer = new gluon.Trainer(net, 'sgd', { learningRate: 0.5 });
    for (let t = 0; t < 3; t++) {
      const before = flat(weight);
      const l = autograd.record(() => net.call(np.ones([4, 3])).sum());
      l.backward();
      trainer.step(4);
      assert.equal(net.weight.data(), weight);
      assert.equal(weight.grad, grad);
      assert.notDeepEqual(flat(weight), before);
    }
    assert.equal(autograd.isRecording(), false);
  });

  test('learningRate and setLearningRate; defaults as MXNet', () => {
    const trainer = new gluon.Trainer([parameter('w', [1])], 'sgd', { learningRate: 0.3 });
    assert.equal(trainer.learningRate, 0.3);
    trainer.setLearningRate(0.01);
    assert.equal(trainer.learningRate, 0.01);
    assert.equal(new gluon.Trainer([parameter('w', [1])], 'adam').learningRate, 0.001);
  });

  test('params: a collectParams() map, a block or a list; gradReq null parameters are left alone', () => {
    const frozen = new gluon.Parameter('running_mean', { shape: [2], gradReq: 'null' });
    frozen.initialize();
    const w = parameter('w', [1, 2]);
    const trainer = new gluon.Trainer(new Map([['a', w], ['b', frozen]]), 'sgd', { learningRate: 1 });
    autograd.record(() => w.data().sum()).backward();
    trainer.step(1);
    assert.deepEqual(flat(w.data()), [0, 1]);
    assert.deepEqual(flat(frozen.data()), [0, 0]);
  });

  test('step before any backward, or twice on one backward, is refused', () => {
    const w = parameter('w', [1, 2]);
    const trainer = new gluon.Trainer([w], 'sgd', { learningRate: 1 });
    const error = expectError(() => trainer.step(1), /before any backward/);
    assert.ok(error instanceof GradLensError);
    autograd.record(() => w.data().sum()).backward();
    trainer.step(1);
    expectError(() => trainer.step(1), /since the last step/);
    trainer.zeroGrad();
    expectError(() => trainer.step(1), /since the last step/);
    assert.deepEqual(flat(w.grad()), [0, 0]);
  });

  test('bad arguments are refused, naming the argument', () => {
    const w = parameter('w', [1]);
    expectError(() => new gluon.Trainer([w], 'sgdd' as OptimizerName), /the optimizer must be one of 'sgd', 'adam'/);
    expectError(() => new gluon.Trainer([w], 'sgd', { learning_rate: 0.1 } as TrainerOptions), /unknown option 'learning_rate'/);
    expectError(() => new gluon.Trainer([w], 'sgd', { learningRate: -1 }), /learningRate must be a number ≥ 0/);
    expectError(() => new gluon.Trainer([w], 'sgd', { momentum: 2 }), /momentum must be a number in \[0, 1\]/);
    expectError(() => new gluon.Trainer([w as never, 3 as never], 'sgd'), /params\[1\] is not a gluon.Parameter/);
    expectError(() => new gluon.Trainer([w], 'sgd').step(0), /needs the batch size/);
    expectError(() => new gluon.Trainer([w], 'sgd').setLearningRate(NaN), /setLearningRate: the learning rate/);
    const deferred = new gluon.nn.Dense(2);
    deferred.initialize();
    expectError(() => new gluon.Trainer(deferred, 'sgd').step(1), /parameter 'weight' has no array yet/);
  });
});

/** Per-example values of `fn` computed by hand from plain rows. */
const perRow = (rows: number[][], fn: (row: number[], i: number) => number[]) => rows.map((row, i) => fn(row, i).reduce((s, v) => s + v, 0) / row.length);

function gradchecks(name: string, fn: (pred: NDArray) => NDArray, pred: NDArray): void {
  const report = autograd.gradcheck((p) => fn(p).sum(), [pred]);
  assert.ok(report.ok, `${name}: ${JSON.stringify(report.inputs)}`);
}

suite('gluon.loss: per-example values and gradients', () => {
  const P = [[0.5, -1.2, 2.0], [3.0, 0.1, -0.7]];
  const Y = [[1.0, -1.0, 0.0], [0.0, 0.5, 2.5]];

  test('L2Loss: ½(p − y)², the mean over the non-batch axes; weight scales it', () => {
    const l = new losses.L2Loss().call(f64(P), f64(Y));
    assert.deepEqual(l.shape, [2]);
    assertClose(l, perRow(P, (row, i) => row.map((p, j) => 0.5 * (p - Y[i]![j]!) ** 2)), { atol: 1e-12 });
    assertClose(new losses.L2Loss({ weight: 3 }).call(f64(P), f64(Y)), flat(l).map((v) => 3 * v), { atol: 1e-12 });
    gradchecks('L2Loss', (p) => new losses.L2Loss().call(p, f64(Y)), f64(P));
  });

  test('L1Loss: |p − y|; a label of another shape with the same size is reshaped; a sample weight', () => {
    const l = new losses.L1Loss().call(f64(P), f64(Y.flat()).reshape([2, 3, 1]).reshape([2, 3]));
    assertClose(l, perRow(P, (row, i) => row.map((p, j) => Math.abs(p - Y[i]![j]!))), { atol: 1e-12 });
    const weighted = new losses.L1Loss().call(f64(P), f64(Y), f64([[2], [0]]));
    assertClose(weighted, [2 * flat(l)[0]!, 0], { atol: 1e-12 });
    gradchecks('L1Loss', (p) => new losses.L1Loss().call(p, f64(Y)), f64(P));
  });

  test('HuberLoss: quadratic within rho, linear outside', () => {
    const rho = 1.5;
    const huber = (d: number) => (Math.abs(d) > rho ? Math.abs(d) - rho / 2 : d * d / (2 * rho));
    const l = new losses.HuberLoss({ rho }).call(f64(P), f64(Y));
    assertClose(l, perRow(P, (row, i) => row.map((p, j) => huber(p - Y[i]![j]!))), { atol: 1e-12 });
    gradchecks('HuberLoss', (p) => new losses.HuberLoss({ rho }).call(p, f64(Y)), f64(P));
  });

  test('SigmoidBinaryCrossEntropyLoss: from logits, stable at ±100; from sigmoid', () => {
    const labels = [[1, 0, 1], [0, 1, 0]];
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const bce = (x: number, y: number) => -(y * Math.log(sigmoid(x)) + (1 - y) * Math.log(1 - sigmoid(x)));
    const l = new losses.SigmoidBinaryCrossEntropyLoss().call(f64(P), f64(labels));
    assertClose(l, perRow(P, (row, i) => row.map((x, j) => bce(x, labels[i]![j]!))), { atol: 1e-12 });
    gradchecks('SigmoidBCE', (p) => new losses.SigmoidBinaryCrossEntropyLoss().call(p, f64(labels)), f64(P));
    const extreme = new losses.SigmoidBinaryCrossEntropyLoss().call(f64([[100, -100]]), f64([[0, 0]]));
    assertClose(extreme, [50], { atol: 1e-9 }, 'log(1 + e^100) = 100, log(1 + e^-100) ≈ 0');
    const probabilities = P.map((row) => row.map(sigmoid));
    const fromSigmoid = new losses.SigmoidBinaryCrossEntropyLoss({ fromSigmoid: true }).call(f64(probabilities), f64(labels));
    assertClose(fromSigmoid, flat(l), { atol: 1e-9 });
  });

  test('SoftmaxCrossEntropyLoss: sparse int and float labels, dense labels, fromLogits, another axis', () => {
    const logSoftmax = (row: number[]) => { const m = Math.max(...row); const z = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) + m; return row.map((v) => v - z); };
    const expected = [-logSoftmax(P[0]!)[2]!, -logSoftmax(P[1]!)[0]!];
    const sce = new losses.SoftmaxCrossEntropyLoss();
    assertClose(sce.call(f64(P), np.array([2, 0], { dtype: 'int32' })), expected, { atol: 1e-12 });
    assertClose(sce.call(f64(P), np.array([2, 0])), expected, { atol: 1e-12 });
    assertClose(sce.call(f64(P), np.array([[2], [0]], { dtype: 'int64' })), expected, { atol: 1e-12 });
    assertClose(new losses.SoftmaxCrossEntropyLoss({ sparseLabel: false }).call(f64(P), f64([[0, 0, 1], [1, 0, 0]])), expected, { atol: 1e-12 });
    const logProbabilities = f64(P.map(logSoftmax));
    assertClose(new losses.SoftmaxCrossEntropyLoss({ fromLogits: true }).call(logProbabilities, np.array([2, 0])), expected, { atol: 1e-12 });
    const transposed = f64(P).T;
    assertClose(new losses.SoftmaxCrossEntropyLoss({ axis: 0 }).call(transposed.reshape([3, 2, 1]), np.array([[2, 0]]).reshape([1, 2, 1])), [(expected[0]! + expected[1]!) / 2], { atol: 1e-12 });
    gradchecks('SoftmaxCrossEntropyLoss', (p) => sce.call(p, np.array([2, 0], { dtype: 'int32' })), f64(P));
    gradchecks('SoftmaxCrossEntropyLoss dense', (p) => new losses.SoftmaxCrossEntropyLoss({ sparseLabel: false }).call(p, f64([[0.2, 0.3, 0.5], [1, 0, 0]])), f64(P));
    assertClose(sce.call(f64([[1000, 0]]), np.array([1])), [1000], { atol: 1e-9 }, 'stable for large logits');
  });

  test('SoftmaxCrossEntropyLoss refuses labels that are not class indices, naming the index', () => {
    const sce = new losses.SoftmaxCrossEntropyLoss();
    expectError(() => sce.call(f64(P), np.array([2, 0.5])), /label 0.5 at index 1 is not a whole class index/);
    expectError(() => sce.call(f64(P), np.array([3, 0], { dtype: 'int32' })), /label 3 at index 0 is out of range for 3 classes/);
    expectError(() => sce.call(f64(P), np.array([-1, 0])), /label -1 at index 0 is out of range/);
    expectError(() => sce.call(f64(P), np.array([0, 1, 2])), /one class index per example, shape \(2,\), got \(3,\)/);
    expectError(() => sce.call(f64(P), np.array([true, false])), /got a bool array/);
    expectError(() => sce.call(f64(P)), /takes \(pred, label\)/);
    expectError(() => new losses.SoftmaxCrossEntropyLoss({ sparse_label: false } as never), /unknown option 'sparse_label'/);
    expectError(() => new losses.L2Loss().call(f64(P), f64([1, 2])), /label has shape \(2,\) but pred has shape \(2, 3\)/);
    expectError(() => new losses.HuberLoss({ rho: 0 }), /rho must be a positive number/);
  });
});

suite('gluon.data: ArrayDataset and DataLoader', () => {
  const X = () => np.arange(20).reshape([10, 2]);
  const y = () => np.arange(10, { dtype: 'int32' });

  test('ArrayDataset: length, at(i) gives the row tuple (the row itself for one array)', () => {
    const ds = new data.ArrayDataset(X(), y());
    assert.equal(ds.length, 10);
    const [row, label] = ds.at(3);
    assert.deepEqual(flat(row), [6, 7]);
    assert.equal(label.item(), 3);
    assert.equal(label.dtype, 'int32');
    assert.deepEqual(flat(new data.ArrayDataset(X()).at(-1)), [18, 19]);
    expectError(() => new data.ArrayDataset(X(), np.arange(9)), /same length along axis 0: argument 0 has 10 .*argument 1 has 9/);
    expectError(() => ds.at(10), /index 10 is out of range for 10 examples/);
  });

  test("DataLoader batches in order; 'keep', 'discard' and 'rollover' last batches; length", () => {
    const ds = new data.ArrayDataset(X(), y());
    const keep = new data.DataLoader(ds, { batchSize: 4 });
    assert.equal(keep.length, 3);
    const labels = [...keep].map(([, yb]) => flat(yb));
    assert.deepEqual(labels, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const [first] = keep;
    assert.deepEqual(first![0].shape, [4, 2]);
    assert.equal(first![1].dtype, 'int32', 'labels keep their dtype');
    const discard = new data.DataLoader(ds, { batchSize: 4, lastBatch: 'discard' });
    assert.equal(discard.length, 2);
    assert.deepEqual([...discard].map(([, yb]) => flat(yb)), [[0, 1, 2, 3], [4, 5, 6, 7]]);
    const rollover = new data.DataLoader(ds, { batchSize: 4, lastBatch: 'rollover' });
    assert.equal(rollover.length, 2);
    assert.deepEqual([...rollover].map(([, yb]) => flat(yb)), [[0, 1, 2, 3], [4, 5, 6, 7]]);
    assert.equal(rollover.length, 3, 'the two left over start the next pass');
    assert.deepEqual([...rollover].map(([, yb]) => flat(yb)), [[8, 9, 0, 1], [2, 3, 4, 5], [6, 7, 8, 9]]);
  });

  test('a one-array dataset yields arrays; for…of with destructuring', () => {
    const loader = new data.DataLoader(new data.ArrayDataset(y()), { batchSize: 5 });
    const batches = [...loader];
    assert.ok(batches[0] instanceof NDArray);
    assert.deepEqual(batches.map((b) => flat(b)), [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
    let seen = 0;
    for (const [Xb, yb] of new data.DataLoader(new data.ArrayDataset(X(), y()), { batchSize: 3 })) {
      assert.deepEqual(flat(Xb.get(':, 0')).map((v) => v / 2), flat(yb));
      seen += yb.shape[0]!;
    }
    assert.equal(seen, 10);
  });

  test('shuffling: a permutation each pass, the same ones for the same seed', () => {
    const ds = new data.ArrayDataset(X(), y());
    const passes = () => {
      np.random.seed(42);
      const loader = new data.DataLoader(ds, { batchSize: 3, shuffle: true });
      return [0, 1].map(() => [...loader].flatMap(([, yb]) => flat(yb)));
    };
    const [one, two] = passes();
    assert.deepEqual([...one!].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.notDeepEqual(one, two, 'a new order each pass');
    assert.deepEqual(passes(), [one, two], 'seeded');
    const [Xb, yb] = [...new data.DataLoader(ds, { batchSize: 10, shuffle: true })][0]!;
    assert.deepEqual(flat(Xb.get(':, 0')).map((v) => v / 2), flat(yb), 'rows stay together');
  });

  test('bad options are refused', () => {
    const ds = new data.ArrayDataset(X());
    expectError(() => new data.DataLoader(ds, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
    expectError(() => new data.DataLoader(ds, { batchSize: 2, lastBatch: 'drop' as never }), /lastBatch must be 'keep', 'discard' or 'rollover'/);
    expectError(() => new data.DataLoader(ds, { batchSize: 2, batch_size: 2 } as never), /unknown option 'batch_size'/);
    expectError(() => new data.DataLoader(X() as never, { batchSize: 2 }), /needs a dataset/);
  });
});

suite('gluon: a small training loop', () => {
  test('Dense + SoftmaxCrossEntropyLoss + DataLoader + Trainer lowers the loss', () => {
    np.random.seed(3);
    const X = np.random.normal(0, 1, [64, 4]);
    const labels = X.get(':, 0').greater(0).astype('int32');
    const net = new gluon.nn.Sequential().add(new gluon.nn.Dense(8, { activation: 'relu' }), new gluon.nn.Dense(2));
    net.initialize(new init.Xavier());
    const sce = new losses.SoftmaxCrossEntropyLoss();
    const trainer = new gluon.Trainer(net.collectParams(), 'adam', { learningRate: 0.05 });
    const loader = new data.DataLoader(new data.ArrayDataset(X, labels), { batchSize: 16, shuffle: true });
    const meanLoss = () => sce.call(net.call(X), labels).mean().item();
    const before = meanLoss();
    for (let epoch = 0; epoch < 10; epoch++) {
      for (const [Xb, yb] of loader) {
        const l = autograd.record(() => sce.call(net.call(Xb), yb));
        l.backward();
        trainer.step(Xb.shape[0]!);
      }
    }
    assert.ok(meanLoss() < before / 3, `loss ${before} → ${meanLoss()}`);
  });
});
