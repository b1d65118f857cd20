// Dive into Deep Learning (MXNet edition), section 3.4 "Linear Regression Implementation from
// Scratch" (chapter_linear-regression/linear-regression-scratch.md), ported cell by cell. The
// book's sample code is under its sample-code licence (examples/d2l/LICENSE-SAMPLECODE). Run it:
//   npx gradlens trace examples/d2l/linear-regression-scratch.ts
import { autograd, np, NDArray } from 'gradlens';
import * as d2l from './d2l';

// ## Defining the Model

/** The linear regression model implemented from scratch. */
export class LinearRegressionScratch extends d2l.Module {
  declare numInputs: number;
  declare sigma: number;
  w: NDArray;
  b: NDArray;

  constructor(numInputs: number, lr: number, sigma = 0.01) {
    super();
    this.saveHyperparameters({ numInputs, lr, sigma });
    this.w = d2l.normal(0, sigma, [numInputs, 1]);
    this.b = d2l.zeros(1);
    this.w.attachGrad();
    this.b.attachGrad();
  }
}

d2l.addToClass(LinearRegressionScratch, {
  forward(X: NDArray): NDArray {
    return d2l.matmul(X, this.w).add(this.b);
  },
});

// ## Defining the Loss Function

d2l.addToClass(LinearRegressionScratch, {
  loss(yHat: NDArray, y: NDArray): NDArray {
    // d2l: l = (y_hat - y) ** 2 / 2
    const l = yHat.sub(y).pow(2).div(2);
    return d2l.reduceMean(l);
  },
});

// ## Defining the Optimization Algorithm

/** Minibatch stochastic gradient descent. */
export class SGD extends d2l.HyperParameters {
  declare params: NDArray[];
  declare lr: number;

  constructor(params: NDArray[], lr: number) {
    super();
    this.saveHyperparameters({ params, lr });
  }

  step(_: number): void {
    // d2l: param -= self.lr * param.grad
    for (const param of this.params) param.assign(param.sub(param.grad!.mul(this.lr)));
  }
}

d2l.addToClass(LinearRegressionScratch, {
  configureOptimizers(): SGD {
    return new SGD([this.w, this.b], this.lr);
  },
});

// ## Training

d2l.addToClass(d2l.Trainer, {
  prepareBatch(batch: NDArray[]): NDArray[] {
    return batch;
  },
});

d2l.addToClass(d2l.Trainer, {
  fitEpoch(): void {
    for (const batch of this.trainDataloader) {
      // d2l: with autograd.record(): loss = self.model.training_step(self.prepare_batch(batch))
      const loss = autograd.record(() => this.model.trainingStep(this.prepareBatch(batch)));
      loss.backward();
      if (this.gradientClipVal > 0) this.clipGradients(this.gradientClipVal, this.model);
      this.optim.step(1);
      this.trainBatchIdx += 1;
    }
    if (this.valDataloader === null) return;
    for (const batch of this.valDataloader) {
      this.model.validationStep(this.prepareBatch(batch));
      this.valBatchIdx += 1;
    }
  },
});

/** The training cell, with the book's numbers as defaults (a test passes smaller ones). */
export function train({ numInputs = 2, lr = 0.03, maxEpochs = 3, numTrain = 1000, numVal = 1000, batchSize = 32 } = {}) {
  const model = new LinearRegressionScratch(numInputs, lr);
  const data = new d2l.SyntheticRegressionData(d2l.tensor([2, -3.4]), 4.2, 0.01, numTrain, numVal, batchSize);
  const trainer = new d2l.Trainer(maxEpochs);
  trainer.fit(model, data);
  return { model, data, trainer };
}

export function main(): void {
  // ## Training
  const { model, data } = train();

  console.log(`error in estimating w: ${data.w.sub(d2l.reshape(model.w, data.w.shape))}`);
  console.log(`error in estimating b: ${np.subtract(data.b, model.b)}`);
}

d2l.runCells(main);
