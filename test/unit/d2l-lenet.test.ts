// d2l 7.6 LeNet (examples/d2l/lenet.ts): the layer summary's shapes, the parameters' structured
// names and Xavier initialization, and a training run replayed in TensorFlow.js (tfjs-core on its
// CPU backend, an independent implementation of conv2d, avgPool, sigmoid, softmax cross-entropy and
// their gradients) from the same initial parameters, on the same synthetic Fashion-MNIST batches in
// the same order, with the same SGD updates: the board's train_loss, val_loss and val_acc curves,
// and the final parameters.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import './tfjs-quiet'; // before the registrations below
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { np } from 'gradlens';
import { assertAllClose, curve, recordedRun } from './d2l-reference';
import { LeNet, train } from '../../examples/d2l/lenet';

const NAMES = ['net.0.weight', 'net.0.bias', 'net.2.weight', 'net.2.bias', 'net.4.weight', 'net.4.bias', 'net.5.weight', 'net.5.bias', 'net.6.weight', 'net.6.bias'];

/** Gluon's (O, I, H, W) convolution weight as tfjs's (H, W, I, O) filter. */
function toHwio(w: ArrayLike<number>, [o, i, h, k]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < h; y++) for (let z = 0; z < k; z++) {
    out[((y * k + z) * i + b) * o + a] = w[((a * i + b) * h + y) * k + z]!;
  }
  return out;
}

/** tfjs's (H, W, I, O) filter back as gluon's (O, I, H, W). */
function toOihw(w: ArrayLike<number>, [o, i, h, k]: number[]): number[] {
  const out = new Array<number>(w.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < h; y++) for (let z = 0; z < k; z++) {
    out[((a * i + b) * h + y) * k + z] = w[((y * k + z) * i + b) * o + a]!;
  }
  return out;
}

/** The board's averaging (d2l.ProgressBoard.draw): the mean of each full run of everyN points. */
function board(points: number[], everyN: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + everyN <= points.length; i += everyN) out.push(points.slice(i, i + everyN).reduce((s, v) => s + v, 0) / everyN);
  return out;
}

const CONV_SHAPES: Record<string, number[]> = { 'net.0.weight': [6, 1, 5, 5], 'net.2.weight': [16, 6, 5, 5] };

/**
 * LeNet in tfjs, NHWC: conv weights as HWIO filters, Dense weights kept in gluon's (units, in_units)
 * layout, the flatten in our (C, H, W) order. Replays `orders` (one per epoch) of SGD with `lr`.
 */
function tfjsReplay(initial: Map<string, number[]>, X: Float32Array, y: number[], XVal: Float32Array, yVal: number[],
  { orders, batchSize, lr }: { orders: number[][]; batchSize: number; lr: number }) {
  const v = (name: string, shape: number[]) => {
    const values = initial.get(name)!;
    assert.ok(values !== undefined, `the run recorded no initial ${name}`);
    const conv = CONV_SHAPES[name];
    return conv ? tf.variable(tf.tensor4d(toHwio(values, conv), [conv[2]!, conv[3]!, conv[1]!, conv[0]!])) : tf.variable(tf.tensor(values, shape));
  };
  const params = {
    w0: v('net.0.weight', []), b0: v('net.0.bias', [6]),
    w2: v('net.2.weight', []), b2: v('net.2.bias', [16]),
    w4: v('net.4.weight', [120, 400]), b4: v('net.4.bias', [120]),
    w5: v('net.5.weight', [84, 120]), b5: v('net.5.bias', [84]),
    w6: v('net.6.weight', [10, 84]), b6: v('net.6.bias', [10]),
  };
  const images = (flat: Float32Array) => tf.transpose(tf.tensor4d(flat, [flat.length / 784, 1, 28, 28]), [0, 2, 3, 1]);
  const [XTrain, XValid] = [images(X), images(XVal)];
  const forward = (x: tf.Tensor4D): tf.Tensor2D => {
    let h: tf.Tensor4D = tf.sigmoid(tf.add(tf.conv2d(x, params.w0 as tf.Tensor4D, 1, 2), params.b0));
    h = tf.avgPool(h, 2, 2, 'valid');
    h = tf.sigmoid(tf.add(tf.conv2d(h, params.w2 as tf.Tensor4D, 1, 'valid'), params.b2));
    h = tf.avgPool(h, 2, 2, 'valid');
    const flat = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [x.shape[0], 400]) as tf.Tensor2D; // our flatten: (C, H, W)
    const d4 = tf.sigmoid(tf.add(tf.matMul(flat, params.w4 as tf.Tensor2D, false, true), params.b4)) as tf.Tensor2D;
    const d5 = tf.sigmoid(tf.add(tf.matMul(d4, params.w5 as tf.Tensor2D, false, true), params.b5)) as tf.Tensor2D;
    return tf.add(tf.matMul(d5, params.w6 as tf.Tensor2D, false, true), params.b6);
  };
  const loss = (logits: tf.Tensor2D, labels: number[]) => tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), tf.logSoftmax(logits)), 1))) as tf.Scalar;
  const trainLosses: number[] = [];
  const valLosses: number[] = [];
  const valAccs: number[] = [];
  const vars = Object.values(params);
  for (const order of orders) {
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      tf.tidy(() => {
        const xb = tf.gather(XTrain, tf.tensor1d(idx, 'int32')) as tf.Tensor4D;
        const { value, grads } = tf.variableGrads(() => loss(forward(xb), idx.map((i) => y[i]!)), vars);
        trainLosses.push(value.dataSync()[0]!);
        for (const p of vars) p.assign(tf.sub(p, tf.mul(grads[p.name]!, lr))); // gluon.Trainer 'sgd', step(1)
      });
    }
    const [losses, accs] = [[] as number[], [] as number[]];
    for (let s = 0; s < yVal.length; s += batchSize) {
      const labels = yVal.slice(s, s + batchSize);
      tf.tidy(() => {
        const logits = forward(tf.slice(XValid, [s, 0, 0, 0], [labels.length, 28, 28, 1]));
        losses.push(loss(logits, labels).dataSync()[0]!);
        const preds = tf.argMax(logits, 1).dataSync();
        accs.push(labels.filter((l, i) => preds[i] === l).length / labels.length);
      });
    }
    valLosses.push(...board(losses, losses.length));
    valAccs.push(...board(accs, accs.length));
  }
  const final = new Map<string, number[]>();
  for (const [key, p] of Object.entries(params)) {
    const name = `net.${key.slice(1)}.${key[0] === 'w' ? 'weight' : 'bias'}`;
    const values = p.dataSync();
    final.set(name, CONV_SHAPES[name] ? toOihw(values, CONV_SHAPES[name]!) : Array.from(values));
  }
  tf.dispose([...vars, XTrain, XValid]);
  return { trainLosses, valLosses, valAccs, final };
}

suite('d2l 7.6 LeNet, against TensorFlow.js', () => {
  test('layer_summary: each layer\'s class name and output shape for a 1×1×28×28 image', () => {
    np.random.seed(761);
    const lines = new LeNet().layerSummary([1, 1, 28, 28]);
    assert.deepEqual(lines, [
      'Conv2D output shape:\t (1, 6, 28, 28)',
      'AvgPool2D output shape:\t (1, 6, 14, 14)',
      'Conv2D output shape:\t (1, 16, 10, 10)',
      'AvgPool2D output shape:\t (1, 16, 5, 5)',
      'Dense output shape:\t (1, 120)',
      'Dense output shape:\t (1, 84)',
      'Dense output shape:\t (1, 10)',
    ]);
  });

  test('parameters: structured names, shapes after the first call, Xavier weights and zero biases', () => {
    np.random.seed(762);
    const model = new LeNet();
    assert.deepEqual([...model.collectParams().keys()], NAMES);
    model.call(np.random.randn(2, 1, 28, 28));
    const params = model.collectParams();
    const shapes = Object.fromEntries([...params].map(([name, p]) => [name, [...p.data().shape]]));
    assert.deepEqual(shapes, {
      'net.0.weight': [6, 1, 5, 5], 'net.0.bias': [6], 'net.2.weight': [16, 6, 5, 5], 'net.2.bias': [16],
      'net.4.weight': [120, 400], 'net.4.bias': [120], 'net.5.weight': [84, 120], 'net.5.bias': [84], 'net.6.weight': [10, 84], 'net.6.bias': [10],
    });
    // Xavier (uniform, avg, magnitude 3): U(−√(6/(fan_in + fan_out)), …), fans times the receptive field.
    const fans: Record<string, [number, number]> = { 'net.0.weight': [25, 150], 'net.2.weight': [150, 400], 'net.4.weight': [400, 120], 'net.5.weight': [120, 84], 'net.6.weight': [84, 10] };
    for (const [name, [fanIn, fanOut]] of Object.entries(fans)) {
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      const maxAbs = Math.max(...params.get(name)!.data().toFlatArray().map(Math.abs));
      assert.ok(maxAbs <= bound && maxAbs > 0.9 * bound, `${name}: max |w| ${maxAbs}, Xavier's bound ${bound}`);
    }
    for (const name of NAMES.filter((n) => n.endsWith('bias'))) assert.ok(params.get(name)!.data().toFlatArray().every((b) => b === 0), `${name} starts at zero`);
  });

  test('training: loss and accuracy curves and the final parameters, as tfjs computes them', function () {
    this.timeout(30_000); // tfjs-cpu's convolution gradients take about 0.3 s a step of 16 images
    np.random.seed(76);
    // The book: batches of 128, 10 epochs of 60,000 images (6,000 here by default). Four batches an
    // epoch, so that the board averages two training losses a point.
    const settings = { lr: 0.1, batchSize: 16, maxEpochs: 2, numTrain: 64, numVal: 32 };
    const { run, orders, named } = recordedRun(() => train(settings));
    const { model, data } = run;
    assert.equal(orders.length, settings.maxEpochs, 'one shuffled pass an epoch');
    assert.equal(named.length, 1, 'one model trained');
    assert.deepEqual([...named[0]!.keys()], NAMES);
    const [XTrain, yTrain] = data.train.arrays;
    const [XVal, yVal] = data.val.arrays;
    const ref = tfjsReplay(named[0]!, new Float32Array(XTrain.toFlatArray()), yTrain.toFlatArray(), new Float32Array(XVal.toFlatArray()), yVal.toFlatArray(),
      { orders, batchSize: settings.batchSize, lr: settings.lr });
    const numTrainBatches = settings.numTrain / settings.batchSize;
    assert.equal(ref.trainLosses.length, numTrainBatches * settings.maxEpochs);
    const trainCurve = board(ref.trainLosses, Math.trunc(numTrainBatches / model.plotTrainPerEpoch));
    assert.equal(trainCurve.length, 2 * settings.maxEpochs);
    assertAllClose(curve(model, 'train_loss'), trainCurve, { rtol: 1e-4 }, 'train_loss');
    assertAllClose(curve(model, 'val_loss'), ref.valLosses, { rtol: 1e-4 }, 'val_loss');
    assertAllClose(curve(model, 'val_acc'), ref.valAccs, { atol: 1e-6 }, 'val_acc');
    const params = model.collectParams();
    for (const name of NAMES) {
      const initial = named[0]!.get(name)!;
      const final = params.get(name)!.data().toFlatArray();
      assert.ok(final.some((w, i) => w !== initial[i]), `${name} was trained`);
      assertAllClose(final, ref.final.get(name)!, { rtol: 1e-3, atol: 1e-6 }, name);
    }
  });
});
