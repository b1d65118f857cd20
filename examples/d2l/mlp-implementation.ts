// Dive into Deep Learning (MXNet edition), section 5.2 "Implementation of Multilayer Perceptrons"
// (chapter_multilayer-perceptrons/mlp-implementation.md): the implementation from scratch and the
// concise one (gluon's nn.Sequential of nn.Dense), ported cell by cell. The book's sample code is under its sample-code licence (examples/d2l/LICENSE-SAMPLECODE). Fashion-MNIST is
// made up here (a tenth of its size, see d2l.FashionMNIST). Run it: npx gradlens run examples/d2l/mlp-implementation.ts
import { gluon, np, NDArray, type Sequential } from 'gradlens';
import * as d2l from './d2l';

// ## Implementation from Scratch
// ### Initializing Model Parameters

export class MLPScratch extends d2l.Classifier {
  declare numInputs: number;
  declare numOutputs: number;
  declare numHiddens: number;
  declare sigma: number;
  W1: NDArray;
  b1: NDArray;
  W2: NDArray;
  b2: NDArray;

  constructor(numInputs: number, numOutputs: number, numHiddens: number, lr: number, sigma = 0.01) {
    super();
    this.saveHyperparameters({ numInputs, numOutputs, numHiddens, lr, sigma });
    this.W1 = d2l.randn(numInputs, numHiddens).mul(sigma); // d2l: np.random.randn(num_inputs, num_hiddens) * sigma
    this.b1 = np.zeros(numHiddens);
    this.W2 = d2l.randn(numHiddens, numOutputs).mul(sigma); // d2l: np.random.randn(num_hiddens, num_outputs) * sigma
    this.b2 = np.zeros(numOutputs);
    for (const param of this.getScratchParams()) param.attachGrad();
  }
}

// ### Model

export function relu(X: NDArray): NDArray {
  return np.maximum(X, 0);
}

d2l.addToClass(MLPScratch, {
  forward(X: NDArray): NDArray {
    X = d2l.reshape(X, [-1, this.numInputs]);
    const H = relu(d2l.matmul(X, this.W1).add(this.b1));
    return d2l.matmul(H, this.W2).add(this.b2);
  },
});

// ### Training

/** The training cell, with the book's numbers as defaults (a test passes smaller ones). */
export function train({ numHiddens = 256, lr = 0.1, batchSize = 256, maxEpochs = 10, numTrain = 6000, numVal = 1000 } = {}) {
  const model = new MLPScratch(784, 10, numHiddens, lr);
  const data = new d2l.FashionMNIST(batchSize, [28, 28], numTrain, numVal);
  const trainer = new d2l.Trainer(maxEpochs);
  trainer.fit(model, data);
  return { model, data, trainer };
}

// ## Concise Implementation
// ### Model

export class MLP extends d2l.Classifier {
  declare numOutputs: number;
  declare numHiddens: number;
  declare net: Sequential;

  // d2l: def __init__(self, num_outputs, num_hiddens, lr) — called with keywords, so one object here
  constructor({ numOutputs, numHiddens, lr }: { numOutputs: number; numHiddens: number; lr: number }) {
    super();
    this.saveHyperparameters({ numOutputs, numHiddens, lr });
    this.net = new gluon.nn.Sequential();
    this.net.add(new gluon.nn.Dense(numHiddens, { activation: 'relu' }),
      new gluon.nn.Dense(numOutputs));
    this.net.initialize();
  }
}

// ### Training

/** The concise training cell: the same data and trainer as the scratch one (a test passes smaller numbers). */
export function trainConcise({ numHiddens = 256, lr = 0.1, batchSize = 256, maxEpochs = 10, numTrain = 6000, numVal = 1000 } = {}) {
  const model = new MLP({ numOutputs: 10, numHiddens, lr });
  const data = new d2l.FashionMNIST(batchSize, [28, 28], numTrain, numVal);
  const trainer = new d2l.Trainer(maxEpochs);
  trainer.fit(model, data);
  return { model, data, trainer };
}

export function main(): void {
  // ### Training
  train();
  // ## Concise Implementation
  trainConcise();
}

d2l.runCells(main);
