/**
 * The workloads the engine benchmark and the capture benchmark share, written with the engine:
 * an MLP training step and a graph of 10,000 scalar ops (see bench/README.md for why these two).
 */
import { autograd, gluon, np, npx, type NDArray } from 'gradlens';
import { normalArray, seededUniform, uniformArray } from './plain';

export function flat(array: NDArray): Float32Array {
  return Float32Array.from(array.toFlatArray());
}

export function ndarray(data: Float32Array, shape: readonly number[]): NDArray {
  return np.array(data).reshape(shape);
}

// 1. MLP training step.

export const MLP = { batch: 256, inputs: 784, hidden: 256, classes: 10 };

export interface MlpData { x: Float32Array; onehot: Float32Array; w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array }

export function mlpData(): MlpData {
  const random = seededUniform(1);
  const { batch, inputs, hidden, classes } = MLP;
  const onehot = new Float32Array(batch * classes);
  for (let r = 0; r < batch; r++) onehot[r * classes + Math.floor(random() * classes)] = 1;
  return {
    x: uniformArray(batch * inputs, 0, 1, random),
    onehot,
    w1: normalArray(inputs * hidden, Math.sqrt(2 / inputs), random),
    b1: uniformArray(hidden, -0.1, 0.1, random),
    w2: normalArray(hidden * classes, Math.sqrt(2 / hidden), random),
    b2: uniformArray(classes, -0.1, 0.1, random),
  };
}

export type MlpStep = () => { loss: number; grads: () => Float32Array[] };

/** Ours: loss = −Σ(onehot · logSoftmax(relu(x·W1 + b1)·W2 + b2)) / batch; backward fills W.grad. */
export function oursMlp(d: MlpData): MlpStep {
  const { batch, inputs, hidden, classes } = MLP;
  const x = ndarray(d.x, [batch, inputs]);
  const onehot = ndarray(d.onehot, [batch, classes]);
  const params = [ndarray(d.w1, [inputs, hidden]), ndarray(d.b1, [hidden]), ndarray(d.w2, [hidden, classes]), ndarray(d.b2, [classes])];
  for (const p of params) p.attachGrad();
  const [w1, b1, w2, b2] = params as [NDArray, NDArray, NDArray, NDArray];
  return () => {
    const loss = autograd.record(() => {
      const h = npx.relu(np.add(np.matmul(x, w1), b1));
      const logits = np.add(np.matmul(h, w2), b2);
      const logp = npx.logSoftmax(logits, -1);
      return np.multiply(np.sum(np.multiply(logp, onehot)), -1 / batch);
    });
    loss.backward();
    return { loss: loss.item(), grads: () => params.map((p) => flat(p.grad!)) };
  };
}

// 2. A graph of 10,000 scalar ops: 2,500 residual steps acc = tanh(acc·w + x) + acc, with 50
// weights w and 50 inputs x (all with gradients) reused in turn.

export const SCALAR = { steps: 2500, opsPerStep: 4, leaves: 50 };
export const SCALAR_OPS = SCALAR.steps * SCALAR.opsPerStep;

export function scalarLeaves(): { w: number[]; x: number[] } {
  const random = seededUniform(2);
  const w = Array.from({ length: SCALAR.leaves }, () => Math.fround(-1 + 2 * random()));
  const x = Array.from({ length: SCALAR.leaves }, () => Math.fround(-1 + 2 * random()));
  return { w, x };
}

export type ScalarRun = () => { value: number; grads: () => number[] };

export function oursScalar(leaves: { w: number[]; x: number[] }): ScalarRun {
  const w = leaves.w.map((v) => np.array(v));
  const x = leaves.x.map((v) => np.array(v));
  for (const leaf of [...w, ...x]) leaf.attachGrad();
  const { steps, leaves: n } = SCALAR;
  return () => {
    const out = autograd.record(() => {
      let acc = x[0]!;
      for (let i = 0; i < steps; i++) acc = np.tanh(acc.mul(w[i % n]!).add(x[(i + 1) % n]!)).add(acc);
      return acc;
    });
    out.backward();
    return { value: out.item(), grads: () => [...w, ...x].map((leaf) => leaf.grad!.item()) };
  };
}


// 3. A LeNet-size convolutional training step: batch 64, 1×28×28 → conv 6@5×5 (pad 2) → relu →
// max-pool 2 → conv 16@5×5 → relu → max-pool 2 → dense 400→10 → softmax cross-entropy.

export const LENET = { batch: 64, classes: 10 };

export interface LenetData {
  x: Float32Array; onehot: Float32Array;
  w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array; w3: Float32Array; b3: Float32Array;
}

export function lenetData(): LenetData {
  const random = seededUniform(2);
  const { batch, classes } = LENET;
  const onehot = new Float32Array(batch * classes);
  for (let r = 0; r < batch; r++) onehot[r * classes + Math.floor(random() * classes)] = 1;
  return {
    x: uniformArray(batch * 28 * 28, 0, 1, random),
    onehot,
    w1: normalArray(6 * 1 * 5 * 5, Math.sqrt(2 / 25), random),
    b1: uniformArray(6, -0.1, 0.1, random),
    w2: normalArray(16 * 6 * 5 * 5, Math.sqrt(2 / 150), random),
    b2: uniformArray(16, -0.1, 0.1, random),
    w3: normalArray(400 * classes, Math.sqrt(2 / 400), random),
    b3: uniformArray(classes, -0.1, 0.1, random),
  };
}

/** Ours, NCHW as MXNet: the loss and (on request) the six parameter gradients; `forwardOnly`: the loss, outside record. */
export function oursLenet(d: LenetData, forwardOnly = false): MlpStep {
  const { batch, classes } = LENET;
  const x = ndarray(d.x, [batch, 1, 28, 28]);
  const onehot = ndarray(d.onehot, [batch, classes]);
  const params = [
    ndarray(d.w1, [6, 1, 5, 5]), ndarray(d.b1, [6]), ndarray(d.w2, [16, 6, 5, 5]), ndarray(d.b2, [16]),
    ndarray(d.w3, [400, classes]), ndarray(d.b3, [classes]),
  ];
  for (const p of params) p.attachGrad();
  const [w1, b1, w2, b2, w3, b3] = params as [NDArray, NDArray, NDArray, NDArray, NDArray, NDArray];
  const lossOf = (): NDArray => {
      const c1 = npx.relu(npx.convolution(x, w1, b1, { kernel: [5, 5], pad: 2 }));
      const p1 = npx.pooling(c1, { kernel: 2, stride: 2, poolType: 'max' });
      const c2 = npx.relu(npx.convolution(p1, w2, b2, { kernel: [5, 5] }));
      const p2 = npx.pooling(c2, { kernel: 2, stride: 2, poolType: 'max' });
      const logits = np.add(np.matmul(p2.reshape(batch, 400), w3), b3);
      return np.multiply(np.sum(np.multiply(npx.logSoftmax(logits, -1), onehot)), -1 / batch);
  };
  return () => {
    if (forwardOnly) return { loss: lossOf().item(), grads: () => [] };
    const loss = autograd.record(lossOf);
    loss.backward();
    return { loss: loss.item(), grads: () => params.map((p) => flat(p.grad!)) };
  };
}

/** The same LeNet as gluon layers (nn.Sequential of Conv2D, MaxPool2D, Dense) with the same weights. */
export function oursLenetGluon(d: LenetData): MlpStep {
  const { nn } = gluon;
  const { batch, classes } = LENET;
  const x = ndarray(d.x, [batch, 1, 28, 28]);
  const onehot = ndarray(d.onehot, [batch, classes]);
  const c1 = new nn.Conv2D(6, 5, { padding: 2, activation: 'relu', inChannels: 1 });
  const c2 = new nn.Conv2D(16, 5, { activation: 'relu', inChannels: 6 });
  const out = new nn.Dense(classes, { inUnits: 400 });
  const net = new nn.Sequential().add(c1, new nn.MaxPool2D(2), c2, new nn.MaxPool2D(2), out);
  net.initialize();
  c1.weight.setData(ndarray(d.w1, [6, 1, 5, 5]));
  c1.bias!.setData(ndarray(d.b1, [6]));
  c2.weight.setData(ndarray(d.w2, [16, 6, 5, 5]));
  c2.bias!.setData(ndarray(d.b2, [16]));
  out.weight.setData(ndarray(d.w3, [400, classes]).T); // Dense keeps (units, inUnits)
  out.bias!.setData(ndarray(d.b3, [classes]));
  const params = [c1.weight, c1.bias!, c2.weight, c2.bias!, out.weight, out.bias!];
  return () => {
    const loss = autograd.record(() => np.multiply(np.sum(np.multiply(npx.logSoftmax(net.call(x), -1), onehot)), -1 / batch));
    loss.backward();
    return {
      loss: loss.item(),
      grads: () => params.map((p, i) => flat(i === 4 ? p.grad().T : p.grad())),
    };
  };
}
