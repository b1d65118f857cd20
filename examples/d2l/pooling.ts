// Dive into Deep Learning (MXNet edition), section 7.5 "Pooling"
// (chapter_convolutional-neural-networks/pooling.md), ported cell by cell. The book's sample code
// is under its sample-code licence (examples/d2l/LICENSE-SAMPLECODE). nn.MaxPool2D is gluon's
// (npx.pooling). Run it: npx gradlens run examples/d2l/pooling.ts
import { gluon, NDArray } from 'gradlens';
import * as d2l from './d2l';

const { nn } = gluon; // d2l: from mxnet.gluon import nn

// ## Maximum Pooling and Average Pooling

export function pool2d(X: NDArray, poolSize: [number, number], mode: 'max' | 'avg' = 'max'): NDArray {
  const [pH, pW] = poolSize;
  const Y = d2l.zeros([X.shape[0]! - pH + 1, X.shape[1]! - pW + 1]);
  for (let i = 0; i < Y.shape[0]!; i++) {
    for (let j = 0; j < Y.shape[1]!; j++) {
      if (mode === 'max') {
        // d2l: Y[i, j] = X[i: i + p_h, j: j + p_w].max()
        Y.set([i, j], X.get([`${i}:${i + pH}`, `${j}:${j + pW}`]).max());
      } else if (mode === 'avg') {
        Y.set([i, j], X.get([`${i}:${i + pH}`, `${j}:${j + pW}`]).mean());
      }
    }
  }
  return Y;
}

export function main(): void {
  // ## Maximum Pooling and Average Pooling
  let X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]);
  console.log(pool2d(X, [2, 2]));

  console.log(pool2d(X, [2, 2], 'avg'));

  // ## Padding and Stride
  X = d2l.reshape(d2l.arange(16, { dtype: d2l.float32 }), [1, 1, 4, 4]);
  console.log(X);

  {
    // d2l: pool2d = nn.MaxPool2D(3) — the name now holds a layer: a block of its own here
    let pool2d = new nn.MaxPool2D(3);
    // Pooling has no model parameters, hence it needs no initialization
    console.log(pool2d.call(X)); // d2l: pool2d(X)

    pool2d = new nn.MaxPool2D(3, { padding: 1, strides: 2 });
    console.log(pool2d.call(X));

    pool2d = new nn.MaxPool2D([2, 3], { padding: [0, 1], strides: [2, 3] });
    console.log(pool2d.call(X));

    // ## Multiple Channels
    X = d2l.concat([X, X.add(1)], 1);
    console.log(X);

    pool2d = new nn.MaxPool2D(3, { padding: 1, strides: 2 });
    console.log(pool2d.call(X));
  }
}

d2l.runCells(main);
