// Dive into Deep Learning (MXNet edition), section 9.5 "Recurrent Neural Network Implementation
// from Scratch" (chapter_recurrent-neural-networks/rnn-scratch.md), ported cell by cell. The book's
// sample code is under its sample-code licence (examples/d2l/LICENSE-SAMPLECODE). The Time Machine is made up here (see
// d2l.TimeMachine), and the training cell is smaller than the book's (see `train`).
// Run it: npx gradlens run examples/d2l/rnn-scratch.ts
import { npx, NDArray } from 'gradlens';
import * as d2l from './d2l';

// ## RNN Model

/** The RNN model implemented from scratch. */
export class RNNScratch extends d2l.Module {
  declare numInputs: number;
  declare numHiddens: number;
  declare sigma: number;
  Wxh: NDArray;
  Whh: NDArray;
  bh: NDArray;

  constructor(numInputs: number, numHiddens: number, sigma = 0.01) {
    super();
    this.saveHyperparameters({ numInputs, numHiddens, sigma });
    this.Wxh = d2l.randn(numInputs, numHiddens).mul(sigma);
    this.Whh = d2l.randn(numHiddens, numHiddens).mul(sigma);
    this.bh = d2l.zeros(numHiddens);
  }
}

/** What RNNScratch.forward returns: the hidden state of every step, and the last. */
export type RNNResult = [NDArray[], NDArray];

export interface RNNScratch {
  run(inputs: NDArray, state?: NDArray | null): RNNResult;
}

d2l.addToClass(RNNScratch, {
  // d2l: def forward(self, inputs, state=None): ... return outputs, state — a forward that returns
  // a pair does not fit Module.forward's type (one array): here it is `run`
  run(inputs: NDArray, state: NDArray | null = null): RNNResult {
    if (state === null) {
      // Initial state with shape: (batch_size, num_hiddens)
      state = d2l.zeros([inputs.shape[1]!, this.numHiddens]);
    } else {
      [state] = state; // d2l: state, = state
    }
    const outputs: NDArray[] = [];
    for (const X of inputs) { // Shape of inputs: (num_steps, batch_size, num_inputs)
      state = d2l.tanh(d2l.matmul(X, this.Wxh).add(d2l.matmul(state!, this.Whh)).add(this.bh));
      outputs.push(state);
    }
    return [outputs, state!];
  },
});

// ## RNN-Based Language Model

/** The RNN-based language model implemented from scratch. */
export class RNNLMScratch extends d2l.Classifier {
  declare rnn: RNNScratch;
  declare vocabSize: number;
  Whq!: NDArray;
  bq!: NDArray;

  constructor(rnn: RNNScratch, vocabSize: number, lr = 0.01) {
    super();
    this.saveHyperparameters({ rnn, vocabSize, lr });
    this.initParams();
  }

  initParams(): void {
    this.Whq = d2l.randn(this.rnn.numHiddens, this.vocabSize).mul(this.rnn.sigma);
    this.bq = d2l.zeros(this.vocabSize);
    for (const param of this.getScratchParams()) param.attachGrad();
  }

  override trainingStep(batch: NDArray[]): NDArray {
    const l = this.loss(this.call(...batch.slice(0, -1)), batch.at(-1)!);
    this.plot('ppl', d2l.exp(l), true);
    return l;
  }

  override validationStep(batch: NDArray[]): void {
    const l = this.loss(this.call(...batch.slice(0, -1)), batch.at(-1)!);
    this.plot('ppl', d2l.exp(l), false);
  }
}

export interface RNNLMScratch {
  oneHot(X: NDArray): NDArray;
  outputLayer(rnnOutputs: NDArray[]): NDArray;
  forward(X: NDArray, state?: NDArray | null): NDArray;
  predict(prefix: string, numPreds: number, vocab: d2l.Vocab, device?: null): string;
}

// ### One-Hot Encoding

d2l.addToClass(RNNLMScratch, {
  oneHot(X: NDArray): NDArray {
    // Output shape: (num_steps, batch_size, vocab_size)
    return npx.oneHot(X.T, this.vocabSize);
  },
});

// ### Transforming RNN Outputs

d2l.addToClass(RNNLMScratch, {
  outputLayer(rnnOutputs: NDArray[]): NDArray {
    const outputs = rnnOutputs.map((H) => d2l.matmul(H, this.Whq).add(this.bq));
    return d2l.stack(outputs, 1);
  },

  forward(X: NDArray, state: NDArray | null = null): NDArray {
    const embs = this.oneHot(X);
    const [rnnOutputs] = this.rnn.run(embs, state);
    return this.outputLayer(rnnOutputs);
  },
});

// ## Gradient Clipping

d2l.addToClass(d2l.Trainer, {
  clipGradients(gradClipVal: number, model: d2l.Module): void {
    const found = model.parameters();
    // d2l: params = [p.data() for p in params.values()]
    const params = Array.isArray(found) ? found : [...found.values()].map((p) => p.data());
    // d2l: norm = math.sqrt(sum((p.grad ** 2).sum() for p in params))
    const norm = Math.sqrt(params.reduce((sum, p) => sum + p.grad!.pow(2).sum().item(), 0));
    if (norm > gradClipVal) {
      // d2l: param.grad[:] *= grad_clip_val / norm
      for (const param of params) param.grad!.assign(param.grad!.mul(gradClipVal / norm));
    }
  },
});

// ## Decoding

d2l.addToClass(RNNLMScratch, {
  predict(prefix: string, numPreds: number, vocab: d2l.Vocab, _device = null): string {
    let state: NDArray | null = null;
    const outputs = [vocab.get(prefix[0]!)];
    for (let i = 0; i < prefix.length + numPreds - 1; i++) {
      const X = d2l.tensor([[outputs.at(-1)!]]);
      const embs = this.oneHot(X);
      let rnnOutputs: NDArray[];
      [rnnOutputs, state] = this.rnn.run(embs, state);
      if (i < prefix.length - 1) { // Warm-up period
        outputs.push(vocab.get(prefix[i + 1]!));
      } else { // Predict num_preds steps
        const Y = this.outputLayer(rnnOutputs);
        outputs.push(d2l.reshape(d2l.argmax(Y, 2), 1).item());
      }
    }
    return outputs.map((i) => vocab.idxToToken[i]).join('');
  },
});

// ## Training

/**
 * The training cell. The book trains 100 epochs of 10 batches of 1,024 sequences (32 steps);
 * that takes minutes here, so the defaults are 20 epochs of 8 batches of 256 (a tenth of the work).
 */
export function train({ batchSize = 256, numSteps = 32, numTrain = 2048, numVal = 512, numHiddens = 32, lr = 1, maxEpochs = 20, gradientClipVal = 1 } = {}) {
  const data = new d2l.TimeMachine(batchSize, numSteps, numTrain, numVal);
  const rnn = new RNNScratch(data.vocab.length, numHiddens);
  const model = new RNNLMScratch(rnn, data.vocab.length, lr);
  const trainer = new d2l.Trainer(maxEpochs, 1, gradientClipVal);
  trainer.fit(model, data);
  return { data, rnn, model, trainer };
}

export function main(): void {
  // ## RNN Model
  const [batchSize, numInputs, numHiddens, numSteps] = [2, 16, 32, 100];
  let rnn = new RNNScratch(numInputs, numHiddens);
  const X = d2l.ones([numSteps, batchSize, numInputs]);
  const [outputs, state] = rnn.run(X); // d2l: outputs, state = rnn(X)

  d2l.checkLen(outputs, numSteps);
  d2l.checkShape(outputs[0]!, [batchSize, numHiddens]);
  d2l.checkShape(state, [batchSize, numHiddens]);

  // ### Transforming RNN Outputs
  let model = new RNNLMScratch(rnn, numInputs);
  const logits = model.call(d2l.ones([batchSize, numSteps], { dtype: d2l.int64 }));
  d2l.checkShape(logits, [batchSize, numSteps, numInputs]);

  // ## Training
  let data: d2l.TimeMachine;
  ({ data, rnn, model } = train());

  // ## Decoding
  console.log(model.predict('it has', 20, data.vocab));
}

d2l.runCells(main);
