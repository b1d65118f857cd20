// Dive into Deep Learning (MXNet edition), section 7.6 "Convolutional Neural Networks (LeNet)"
// (chapter_convolutional-neural-networks/lenet.md): LeNet-5 as gluon's nn.Sequential of Conv2D,
// AvgPool2D and Dense layers with Xavier initialization, its layer summary and its training cell,
// ported cell by cell. The book's sample code is under its sample-code licence
// (examples/d2l/LICENSE-SAMPLECODE). Fashion-MNIST is made up here (a tenth of its size, see
// d2l.FashionMNIST). Run it: npx gradlens run examples/d2l/lenet.ts
import { gluon, init, type Sequential } from 'gradlens';
import * as d2l from './d2l';

const { nn } = gluon; // d2l: from mxnet.gluon import nn

// ## LeNet

export class LeNet extends d2l.Classifier {
  declare numClasses: number;
  declare net: Sequential;

  /** The LeNet-5 model. */
  constructor(lr = 0.1, numClasses = 10) {
    super();
    this.saveHyperparameters({ lr, numClasses });
    this.net = new nn.Sequential();
    this.net.add(
      new nn.Conv2D(6, 5, { padding: 2, activation: 'sigmoid' }), // d2l: nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid')
      new nn.AvgPool2D(2, { strides: 2 }), // d2l: nn.AvgPool2D(pool_size=2, strides=2)
      new nn.Conv2D(16, 5, { activation: 'sigmoid' }), // d2l: nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid')
      new nn.AvgPool2D(2, { strides: 2 }),
      new nn.Dense(120, { activation: 'sigmoid' }),
      new nn.Dense(84, { activation: 'sigmoid' }),
      new nn.Dense(numClasses));
    this.net.initialize(new init.Xavier()); // d2l: self.net.initialize(init.Xavier())
  }
}

declare module './d2l' {
  interface Classifier {
    /** Prints each layer's class name and output shape for an input of `XShape`; returns the printed lines. */
    layerSummary(XShape: number[]): string[];
  }
}

d2l.addToClass(d2l.Classifier, {
  layerSummary(XShape: number[]): string[] {
    let X = d2l.randn(...XShape);
    const lines: string[] = [];
    for (const layer of this.net as Sequential) { // d2l: for layer in self.net:
      X = layer.call(X); // d2l: X = layer(X)
      // d2l: print(layer.__class__.__name__, 'output shape:\t', X.shape) — describe() spells out the class (a bundler may rename classes)
      const line = `${layer.describe().split('(')[0]} output shape:\t (${X.shape.join(', ')}${X.ndim === 1 ? ',' : ''})`;
      d2l.print(line);
      lines.push(line);
    }
    return lines;
  },
});

// ## Training

/** The training cell, with the book's numbers as defaults (a test passes smaller ones). */
export function train({ lr = 0.1, batchSize = 128, maxEpochs = 10, numTrain = 6000, numVal = 1000 } = {}) {
  const trainer = new d2l.Trainer(maxEpochs, 1); // d2l: d2l.Trainer(max_epochs=10, num_gpus=1)
  const data = new d2l.FashionMNIST(batchSize, [28, 28], numTrain, numVal); // d2l: d2l.FashionMNIST(batch_size=128)
  const model = new LeNet(lr); // d2l: LeNet(lr=0.1)
  trainer.fit(model, data);
  return { model, data, trainer };
}

export function main(): void {
  // ## LeNet
  const model = new LeNet();
  model.layerSummary([1, 1, 28, 28]); // d2l: model.layer_summary((1, 1, 28, 28))

  // ## Training
  train();
}

d2l.runCells(main);
