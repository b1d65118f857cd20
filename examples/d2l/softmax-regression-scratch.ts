// Dive into Deep Learning (MXNet edition), section 4.4 "Softmax Regression Implementation from
// Scratch" (chapter_linear-classification/softmax-regression-scratch.md), ported cell by cell.
// The book's sample code is under its sample-code licence (examples/d2l/LICENSE-SAMPLECODE). Fashion-MNIST is made up here (a tenth
// of its size, see d2l.FashionMNIST). Run it: npx gradlens run examples/d2l/softmax-regression-scratch.ts
import { np, NDArray } from 'gradlens';
import * as d2l from './d2l';

// ## The Softmax

export function softmax(X: NDArray): NDArray {
  const Xexp = d2l.exp(X);
  const partition = d2l.reduceSum(Xexp, 1, true);
  return Xexp.div(partition); // The broadcasting mechanism is applied here
}

// ## The Model

export class SoftmaxRegressionScratch extends d2l.Classifier {
  declare numInputs: number;
  declare numOutputs: number;
  declare sigma: number;
  W: NDArray;
  b: NDArray;

  constructor(numInputs: number, numOutputs: number, lr: number, sigma = 0.01) {
    super();
    this.saveHyperparameters({ numInputs, numOutputs, lr, sigma });
    this.W = np.random.normal(0, sigma, [numInputs, numOutputs]);
    this.b = np.zeros(numOutputs);
    this.W.attachGrad();
    this.b.attachGrad();
  }

  // d2l: def collect_params(self): return [self.W, self.b] — not needed here: a block without gluon
  // Parameters collects an empty map, and Module.parameters() then lists [W, b] by getScratchParams,
  // as the book's list does
}

d2l.addToClass(SoftmaxRegressionScratch, {
  forward(X: NDArray): NDArray {
    X = d2l.reshape(X, [-1, this.W.shape[0]!]);
    return softmax(d2l.matmul(X, this.W).add(this.b));
  },
});

// ## The Cross-Entropy Loss

export function crossEntropy(yHat: NDArray, y: NDArray): NDArray {
  // d2l: -d2l.reduce_mean(d2l.log(y_hat[list(range(len(y_hat))), y]))
  return d2l.reduceMean(d2l.log(yHat.get([d2l.arange(yHat.shape[0]!), y]))).neg();
}

d2l.addToClass(SoftmaxRegressionScratch, {
  loss(yHat: NDArray, y: NDArray): NDArray {
    return crossEntropy(yHat, y);
  },
});

// ## Training

/** The training cell, with the book's numbers as defaults (a test passes smaller ones). */
export function train({ batchSize = 256, maxEpochs = 10, lr = 0.1, numTrain = 6000, numVal = 1000 } = {}) {
  const data = new d2l.FashionMNIST(batchSize, [28, 28], numTrain, numVal);
  const model = new SoftmaxRegressionScratch(784, 10, lr);
  const trainer = new d2l.Trainer(maxEpochs);
  trainer.fit(model, data);
  return { data, model, trainer };
}

export function main(): void {
  // ## The Softmax
  let X = d2l.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
  console.log(d2l.reduceSum(X, 0, true), d2l.reduceSum(X, 1, true));

  X = d2l.rand(2, 5);
  const Xprob = softmax(X);
  console.log(Xprob, d2l.reduceSum(Xprob, 1));

  // ## The Cross-Entropy Loss
  let y = d2l.tensor([0, 2]);
  const yHat = d2l.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]);
  console.log(yHat.get([[0, 1], y]));

  console.log(crossEntropy(yHat, y));

  // ## Training
  const { data, model } = train();

  // ## Prediction
  // d2l: X, y = next(iter(data.val_dataloader()))
  [X, y] = data.valDataloader()![Symbol.iterator]().next().value as NDArray[] as [NDArray, NDArray];
  let preds = d2l.argmax(model.forward(X), 1);
  console.log(preds.shape);

  const wrong = d2l.astype(preds, y.dtype).notEqual(y);
  [X, y, preds] = [X.get(wrong), y.get(wrong), preds.get(wrong)];
  const labels = d2l.zip(data.textLabels(y), data.textLabels(preds)).map(([a, b]) => a + '\n' + b);
  data.visualize([X, y], 1, 8, labels);
}

d2l.runCells(main);
