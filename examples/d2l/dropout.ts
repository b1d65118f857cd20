// Dive into Deep Learning (MXNet edition), section 5.6 "Dropout"
// (chapter_multilayer-perceptrons/dropout.md): the implementation from scratch and the concise one
// (nn.Dropout layers in an nn.Sequential), ported cell by cell. The book's sample code is under its
// sample-code licence (examples/d2l/LICENSE-SAMPLECODE). Fashion-MNIST is made up here (a tenth of
// its size, see d2l.FashionMNIST). Run it: npx gradlens run examples/d2l/dropout.ts
import { np, autograd, gluon, NDArray, type Dense, type Sequential } from 'gradlens';
import * as d2l from './d2l';

const { nn } = gluon; // d2l: from mxnet.gluon import nn

// ## Implementation from Scratch

export function dropoutLayer(X: NDArray, dropout: number): NDArray {
  if (!(0 <= dropout && dropout <= 1)) throw new Error('assert 0 <= dropout <= 1');
  if (dropout === 1) return np.zerosLike(X);
  // d2l: mask = np.random.uniform(0, 1, X.shape) > dropout
  const mask = np.random.uniform(0, 1, X.shape).greater(dropout);
  return mask.astype('float32').mul(X).div(1.0 - dropout);
}

// ### Defining the Model

/** The hyperparameters, as the keyword arguments of the book's `DropoutMLPScratch(**hparams)`. */
export interface DropoutHparams {
  numOutputs: number;
  numHiddens1: number;
  numHiddens2: number;
  dropout1: number;
  dropout2: number;
  lr: number;
}

export class DropoutMLPScratch extends d2l.Classifier {
  declare numOutputs: number;
  declare numHiddens1: number;
  declare numHiddens2: number;
  declare dropout1: number;
  declare dropout2: number;
  lin1: Dense;
  lin2: Dense;
  lin3: Dense;

  // d2l: def __init__(self, num_outputs, num_hiddens_1, num_hiddens_2, dropout_1, dropout_2, lr) — called with **hparams, so one object here
  constructor({ numOutputs, numHiddens1, numHiddens2, dropout1, dropout2, lr }: DropoutHparams) {
    super();
    this.saveHyperparameters({ numOutputs, numHiddens1, numHiddens2, dropout1, dropout2, lr });
    this.lin1 = new nn.Dense(numHiddens1, { activation: 'relu' }); // d2l: nn.Dense(num_hiddens_1, activation='relu')
    this.lin2 = new nn.Dense(numHiddens2, { activation: 'relu' });
    this.lin3 = new nn.Dense(numOutputs);
    this.initialize();
  }

  override forward(X: NDArray): NDArray {
    let H1 = this.lin1.call(X); // d2l: H1 = self.lin1(X)
    if (autograd.isTraining()) H1 = dropoutLayer(H1, this.dropout1);
    let H2 = this.lin2.call(H1);
    if (autograd.isTraining()) H2 = dropoutLayer(H2, this.dropout2);
    return this.lin3.call(H2);
  }
}

// ### Training

export const hparams: DropoutHparams = { numOutputs: 10, numHiddens1: 256, numHiddens2: 256, dropout1: 0.5, dropout2: 0.5, lr: 0.1 };

/** The training cell, with the book's numbers as defaults (a test passes smaller ones). */
export function train(settings: DropoutHparams = hparams, { batchSize = 256, maxEpochs = 10, numTrain = 6000, numVal = 1000 } = {}) {
  const model = new DropoutMLPScratch(settings);
  const data = new d2l.FashionMNIST(batchSize, [28, 28], numTrain, numVal);
  const trainer = new d2l.Trainer(maxEpochs);
  trainer.fit(model, data);
  return { model, data, trainer };
}

// ## Concise Implementation

export class DropoutMLP extends d2l.Classifier {
  declare numOutputs: number;
  declare numHiddens1: number;
  declare numHiddens2: number;
  declare dropout1: number;
  declare dropout2: number;
  declare net: Sequential;

  constructor({ numOutputs, numHiddens1, numHiddens2, dropout1, dropout2, lr }: DropoutHparams) {
    super();
    this.saveHyperparameters({ numOutputs, numHiddens1, numHiddens2, dropout1, dropout2, lr });
    this.net = new nn.Sequential();
    this.net.add(new nn.Dense(numHiddens1, { activation: 'relu' }),
      new nn.Dropout(dropout1),
      new nn.Dense(numHiddens2, { activation: 'relu' }),
      new nn.Dropout(dropout2),
      new nn.Dense(numOutputs));
    this.net.initialize();
  }
}

/** The concise training cell: the book reuses the scratch section's data and trainer. */
export function trainConcise(settings: DropoutHparams = hparams, { batchSize = 256, maxEpochs = 10, numTrain = 6000, numVal = 1000 } = {}) {
  const model = new DropoutMLP(settings);
  const data = new d2l.FashionMNIST(batchSize, [28, 28], numTrain, numVal);
  const trainer = new d2l.Trainer(maxEpochs);
  trainer.fit(model, data);
  return { model, data, trainer };
}

export function main(): void {
  // ## Implementation from Scratch
  const X = np.arange(16).reshape(2, 8);
  console.log('dropout_p = 0:', dropoutLayer(X, 0));
  console.log('dropout_p = 0.5:', dropoutLayer(X, 0.5));
  console.log('dropout_p = 1:', dropoutLayer(X, 1));

  // ### Training
  train();

  // ## Concise Implementation
  trainConcise();
}

d2l.runCells(main);
