// Dive into Deep Learning (MXNet edition), section 7.2 "Convolutions for Images"
// (chapter_convolutional-neural-networks/conv-layer.md), ported cell by cell. The book's sample
// code is under its sample-code licence (examples/d2l/LICENSE-SAMPLECODE). "Learning a Kernel" runs
// gluon's nn.Conv2D (npx.convolution). Run it: npx gradlens trace examples/d2l/conv-layer.ts
import { autograd, gluon, NDArray, type Parameter } from 'gradlens';
import * as d2l from './d2l';

const { nn } = gluon; // d2l: from mxnet.gluon import nn

// ## The Cross-Correlation Operation

/** Compute 2D cross-correlation. */
export function corr2d(X: NDArray, K: NDArray): NDArray {
  const [h, w] = K.shape as [number, number];
  const Y = d2l.zeros([X.shape[0]! - h + 1, X.shape[1]! - w + 1]);
  for (let i = 0; i < Y.shape[0]!; i++) {
    for (let j = 0; j < Y.shape[1]!; j++) {
      // d2l: Y[i, j] = d2l.reduce_sum((X[i: i + h, j: j + w] * K))
      Y.set([i, j], d2l.reduceSum(X.get([`${i}:${i + h}`, `${j}:${j + w}`]).mul(K)));
    }
  }
  return Y;
}

// ## Convolutional Layers

export class Conv2D extends nn.Block {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(kernelSize: [number, number]) {
    super();
    this.weight = this.params.get('weight', { shape: kernelSize });
    this.bias = this.params.get('bias', { shape: [1] });
  }

  override forward(x: NDArray): NDArray {
    return corr2d(x, this.weight.data()).add(this.bias.data());
  }
}

// ## Learning a Kernel

/**
 * The section's training loop, for any block with a weight: nn.Conv2D on (1, 1, 6, 8) images as
 * the book, or this section's Conv2D on 6×8 ones. Returns the loss of every iteration.
 */
export function learnKernel(conv2d: { call(X: NDArray): NDArray; weight: Parameter }, X: NDArray, Y: NDArray, lr = 3e-2, iterations = 10): number[] {
  const losses: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // d2l: with autograd.record(): Y_hat = conv2d(X); l = (Y_hat - Y) ** 2
    const l = autograd.record(() => {
      const Yhat = conv2d.call(X);
      return Yhat.sub(Y).pow(2);
    });
    l.backward();
    // Update the kernel
    // d2l: conv2d.weight.data()[:] -= lr * conv2d.weight.grad()
    conv2d.weight.data().assign(conv2d.weight.data().sub(conv2d.weight.grad().mul(lr)));
    losses.push(l.sum().item());
    if ((i + 1) % 2 === 0) d2l.print(`epoch ${i + 1}, loss ${l.sum().item().toFixed(3)}`);
  }
  return losses;
}

export function main(): void {
  // ## The Cross-Correlation Operation
  let X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]);
  let K = d2l.tensor([[0.0, 1.0], [2.0, 3.0]]);
  console.log(corr2d(X, K));

  // ## Object Edge Detection in Images
  X = d2l.ones([6, 8]);
  X.set(':, 2:6', 0); // d2l: X[:, 2:6] = 0
  console.log(X);

  K = d2l.tensor([[1.0, -1.0]]);

  let Y = corr2d(X, K);
  console.log(Y);

  console.log(corr2d(d2l.transpose(X), K));

  // ## Learning a Kernel
  // Construct a two-dimensional convolutional layer with 1 output channel and a
  // kernel of shape (1, 2). For the sake of simplicity, we ignore the bias here
  const conv2d = new nn.Conv2D(1, [1, 2], { useBias: false });
  conv2d.initialize();

  // The two-dimensional convolutional layer uses four-dimensional input and
  // output in the format of (example, channel, height, width), where the batch
  // size (number of examples in the batch) and the number of channels are both 1
  const X2 = X;
  const Y2 = Y;
  X = X.reshape(1, 1, 6, 8);
  Y = Y.reshape(1, 1, 6, 7);
  const lr = 3e-2; // Learning rate

  learnKernel(conv2d, X, Y, lr);

  console.log(d2l.reshape(conv2d.weight.data(), [1, 2]));

  // Not in the book: the same loop on this section's own Conv2D, whose corr2d writes Y[i, j] one
  // element at a time: the writes are recorded, so the gradient reaches the kernel through them.
  const conv2dScratch = new Conv2D([1, 2]);
  conv2dScratch.initialize();
  learnKernel(conv2dScratch, X2, Y2, lr);
  console.log(conv2dScratch.weight.data(), conv2dScratch.bias.data());
}

d2l.runCells(main);
