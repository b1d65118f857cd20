// The part of d2l's helper library (d2l/mxnet.py, "Dive into Deep Learning", MXNet edition) that
// the ported sections use, in TypeScript on the GradLens engine: the aliases, HyperParameters,
// ProgressBoard, Module, DataModule, Trainer, SyntheticRegressionData, SGD, FashionMNIST,
// Classifier, corr2d, TimeMachine, Vocab, check_len and check_shape. Names are camelCased. The
// book's sample code is under its sample-code licence (examples/d2l/LICENSE-SAMPLECODE).
//
// Nothing is downloaded: FashionMNIST and TimeMachine make seeded synthetic data of the book's
// shapes (see their comments). Plots become printed lines: ProgressBoard keeps every point it
// would draw (tests read them) and prints it when `display` is on.
import { np, autograd, gluon, NDArray, type ArrayDataset, type Block, type DataLoader, type DType, type Parameter } from 'gradlens';

// ## The aliases of d2l's config.ini (the ones the sections use)
export const tensor = np.array;
export const zeros = np.zeros;
export const ones = np.ones;
export const arange = np.arange;
export const normal = np.random.normal;
export const randn = np.random.randn;
export const rand = np.random.rand;
export const matmul = np.dot;
export const exp = np.exp;
export const log = np.log;
export const tanh = np.tanh;
export const concat = np.concatenate;
export const stack = np.stack;
export const eye = np.eye;
export const float32: DType = 'float32';
export const int64: DType = 'int64';
export const transpose = (a: NDArray): NDArray => a.T;
export const numpy = (x: NDArray) => x.toArray();
export const reshape = (x: NDArray, ...shape: (number | readonly number[])[]): NDArray => x.reshape(...shape);
export const reduceSum = (x: NDArray, axis?: number | number[] | null, keepdims = false): NDArray => x.sum(axis, keepdims);
export const reduceMean = (x: NDArray, axis?: number | number[] | null, keepdims = false): NDArray => x.mean(axis, keepdims);
export const argmax = (x: NDArray, axis?: number | null): NDArray => x.argmax(axis);
export const astype = (x: NDArray, dtype: DType): NDArray => x.astype(dtype);

/** Python's zip, for two lists. */
export const zip = <A, B>(a: readonly A[], b: readonly B[]): [A, B][] => a.slice(0, Math.min(a.length, b.length)).map((x, i) => [x, b[i]!]);

// ## Running a port

let asLibrary = false;

/** Called by a test before it uses a port: the port's cells then do not run, and boards do not print. */
export function useAsLibrary(): void { asLibrary = true; }

/** Python's print, for what a port's functions print: quiet when a test uses the port. */
export function print(...values: unknown[]): void { if (!asLibrary) console.log(...values); }

/**
 * Runs a port's cells (its `main`) when the file is the program. It waits for the file to finish
 * loading, so that a test importing the file can call `useAsLibrary()` first.
 */
export function runCells(cells: () => void): void {
  setImmediate(() => { if (!asLibrary) cells(); });
}

// ## Object-oriented design (sec_oo-design)

/** `@d2l.add_to_class(Class)`: adds (or replaces) methods of a class defined earlier. */
export function addToClass<T extends object>(Class: abstract new (...args: never[]) => T, methods: Partial<T> & ThisType<T>): void {
  Object.assign(Class.prototype, methods);
}

/** Python's save_hyperparameters reads its caller's arguments; here the caller passes them. */
function saveHyperparameters(target: object, hparams: Record<string, unknown>, ignore: string[] = []): void {
  const kept = Object.fromEntries(Object.entries(hparams).filter(([k]) => !ignore.includes(k) && !k.startsWith('_')));
  Object.assign(target, kept, { hparams: kept });
}

/** The base class of hyperparameters. */
export class HyperParameters {
  hparams: Record<string, unknown> = {};
  saveHyperparameters(hparams: Record<string, unknown>, ignore: string[] = []): void { saveHyperparameters(this, hparams, ignore); }
}

export interface Point { x: number; y: number }

/** The board that plots data points in animation: here it keeps them, and prints each drawn point. */
export class ProgressBoard extends HyperParameters {
  declare xlabel: string | null;
  declare xlim: number[] | null;
  declare display: boolean;
  /** Points waiting to be averaged, by label. */
  readonly rawPoints = new Map<string, Point[]>();
  /** The points drawn (each the mean of every_n raw points), by label: 'train_loss', 'val_acc', … */
  readonly data = new Map<string, Point[]>();

  constructor(xlabel: string | null = null, xlim: number[] | null = null, display = !asLibrary) {
    super();
    this.saveHyperparameters({ xlabel, xlim, display });
  }

  draw(x: number, y: number, label: string, everyN = 1): void {
    if (!this.rawPoints.has(label)) {
      this.rawPoints.set(label, []);
      this.data.set(label, []);
    }
    const points = this.rawPoints.get(label)!;
    const line = this.data.get(label)!;
    points.push({ x, y });
    if (points.length !== everyN) return;
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    line.push({ x: mean(points.map((p) => p.x)), y: mean(points.map((p) => p.y)) });
    points.length = 0;
    if (!this.display) return;
    // d2l: display.display(self.fig) — the point is printed instead of plotted
    console.log(`${this.xlabel ?? 'x'} ${line.at(-1)!.x.toFixed(2)}  ${label} ${line.at(-1)!.y.toFixed(4)}`);
  }
}

/** What `fit` hands a model's plot: the trainer's counters. */
export interface TrainerState {
  epoch: number;
  trainBatchIdx: number;
  numTrainBatches: number;
  numValBatches: number;
  maxEpochs: number;
}

/** An optimiser: SGD, or gluon.Trainer for Gluon parameters. */
export interface Optimizer { step(batchSize: number): void }

/** The base class of models: a gluon block, so its layers and parameters have names (`net.0.weight`). */
export class Module extends gluon.nn.Block {
  declare plotTrainPerEpoch: number;
  declare plotValidPerEpoch: number;
  declare hparams: Record<string, unknown>;
  declare lr: number;
  board: ProgressBoard;
  trainer?: TrainerState;
  net?: Block;

  constructor(plotTrainPerEpoch = 2, plotValidPerEpoch = 1) {
    super();
    this.saveHyperparameters({ plotTrainPerEpoch, plotValidPerEpoch });
    this.board = new ProgressBoard();
  }

  saveHyperparameters(hparams: Record<string, unknown>, ignore: string[] = []): void { saveHyperparameters(this, hparams, ignore); }

  loss(_yHat: NDArray, _y: NDArray): NDArray { throw new Error('NotImplementedError'); }

  override forward(X: NDArray, ..._rest: unknown[]): NDArray {
    if (this.net === undefined) throw new Error('Neural network is defined');
    return this.net.call(X); // d2l: return self.net(X)
  }

  /** Plot a point in animation. */
  plot(key: string, value: NDArray, train: boolean): void {
    if (this.trainer === undefined) throw new Error('Trainer is not inited');
    this.board.xlabel = 'epoch';
    let x: number;
    let n: number;
    if (train) {
      x = this.trainer.trainBatchIdx / this.trainer.numTrainBatches;
      n = this.trainer.numTrainBatches / this.plotTrainPerEpoch;
    } else {
      x = this.trainer.epoch + 1;
      n = this.trainer.numValBatches / this.plotValidPerEpoch;
    }
    this.board.draw(x, numpy(value) as number, (train ? 'train_' : 'val_') + key, Math.trunc(n));
  }

  // d2l: l = self.loss(self(*batch[:-1]), batch[-1]) — calling a block is its call method
  trainingStep(batch: NDArray[]): NDArray {
    const l = this.loss(this.call(...batch.slice(0, -1)), batch.at(-1)!);
    this.plot('loss', l, true);
    return l;
  }

  validationStep(batch: NDArray[]): void {
    const l = this.loss(this.call(...batch.slice(0, -1)), batch.at(-1)!);
    this.plot('loss', l, false);
  }

  configureOptimizers(): Optimizer {
    const params = this.parameters();
    if (Array.isArray(params)) return new SGD(params, this.lr);
    return new gluon.Trainer(params, 'sgd', { learningRate: this.lr });
  }

  /** The arrays among this module's properties (in sorted order, as Python's dir), and its sub-modules'. */
  getScratchParams(): NDArray[] {
    const params: NDArray[] = [];
    for (const attr of Object.keys(this).sort()) {
      const a = (this as Record<string, unknown>)[attr];
      if (a instanceof NDArray) params.push(a);
      if (a instanceof Module) params.push(...a.getScratchParams());
    }
    return params;
  }

  // d2l: isinstance(params, gluon.parameter.ParameterDict) and len(params.keys()) — collectParams gives a Map
  parameters(): Map<string, Parameter> | NDArray[] {
    const params = this.collectParams();
    return params.size > 0 ? params : this.getScratchParams();
  }
}

/** The base class of data. */
export class DataModule extends HyperParameters {
  declare batchSize: number;
  declare root: string;
  declare numWorkers: number;

  constructor(root = '../data', numWorkers = 4) {
    super();
    this.saveHyperparameters({ root, numWorkers });
  }

  getDataloader(_train: boolean): DataLoader { throw new Error('NotImplementedError'); }
  trainDataloader(): DataLoader { return this.getDataloader(true); }
  valDataloader(): DataLoader | null { return this.getDataloader(false); }

  /** `indices` is a slice ('0:1000') or anything `get` takes along axis 0. */
  getTensorloader(tensors: NDArray[], train: boolean, indices: string = ':'): DataLoader {
    const sliced = tensors.map((a) => a.get(indices));
    const dataset = new gluon.data.ArrayDataset(...sliced);
    return new gluon.data.DataLoader(dataset, { batchSize: this.batchSize, shuffle: train });
  }
}

/** The base class for training models with data. */
export class Trainer extends HyperParameters implements TrainerState {
  declare maxEpochs: number;
  declare numGpus: number;
  declare gradientClipVal: number;
  gpus: never[] = [];
  trainDataloader!: DataLoader;
  valDataloader!: DataLoader | null;
  numTrainBatches = 0;
  numValBatches = 0;
  model!: Module;
  optim!: Optimizer;
  epoch = 0;
  trainBatchIdx = 0;
  valBatchIdx = 0;

  // d2l: self.gpus = [d2l.gpu(i) for i in range(min(num_gpus, d2l.num_gpus()))] — no GPUs: always []
  constructor(maxEpochs: number, numGpus = 0, gradientClipVal = 0) {
    super();
    this.saveHyperparameters({ maxEpochs, numGpus, gradientClipVal });
  }

  prepareData(data: DataModule): void {
    this.trainDataloader = data.trainDataloader();
    this.valDataloader = data.valDataloader();
    this.numTrainBatches = this.trainDataloader.length;
    this.numValBatches = this.valDataloader !== null ? this.valDataloader.length : 0;
  }

  prepareModel(model: Module): void {
    model.trainer = this;
    model.board.xlim = [0, this.maxEpochs];
    this.model = model;
  }

  fit(model: Module, data: DataModule): void {
    this.prepareData(data);
    this.prepareModel(model);
    this.optim = model.configureOptimizers();
    this.epoch = 0;
    this.trainBatchIdx = 0;
    this.valBatchIdx = 0;
    for (this.epoch = 0; this.epoch < this.maxEpochs; this.epoch++) this.fitEpoch();
  }

  prepareBatch(batch: NDArray[]): NDArray[] { return batch; }

  fitEpoch(): void {
    for (const batch of this.trainDataloader) {
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
  }

  clipGradients(gradClipVal: number, model: Module): void {
    const found = model.parameters();
    // d2l: params = [p.data() for p in params.values()]
    const params = Array.isArray(found) ? found : [...found.values()].map((p) => p.data());
    const norm = Math.sqrt(params.reduce((sum, p) => sum + p.grad!.pow(2).sum().item(), 0));
    if (norm > gradClipVal) {
      // d2l: param.grad[:] *= grad_clip_val / norm
      for (const param of params) param.grad!.assign(param.grad!.mul(gradClipVal / norm));
    }
  }
}

/** Synthetic data for linear regression. */
export class SyntheticRegressionData extends DataModule {
  declare w: NDArray;
  declare b: number;
  declare noise: number;
  declare numTrain: number;
  declare numVal: number;
  X: NDArray;
  y: NDArray;

  constructor(w: NDArray, b: number, noise = 0.01, numTrain = 1000, numVal = 1000, batchSize = 32) {
    super();
    this.saveHyperparameters({ w, b, noise, numTrain, numVal, batchSize });
    const n = numTrain + numVal;
    this.X = randn(n, w.shape[0]!);
    const noiseTerm = randn(n, 1).mul(noise);
    this.y = matmul(this.X, reshape(w, [-1, 1])).add(b).add(noiseTerm);
  }

  override getDataloader(train: boolean): DataLoader {
    const i = train ? `0:${this.numTrain}` : `${this.numTrain}:`;
    return this.getTensorloader([this.X, this.y], train, i);
  }
}

/** Minibatch stochastic gradient descent. */
export class SGD extends HyperParameters implements Optimizer {
  declare params: NDArray[];
  declare lr: number;

  constructor(params: NDArray[], lr: number) {
    super();
    this.saveHyperparameters({ params, lr });
  }

  step(_batchSize: number): void {
    // d2l: param -= self.lr * param.grad
    for (const param of this.params) param.assign(param.sub(param.grad!.mul(this.lr)));
  }
}

/**
 * The Fashion-MNIST dataset, made up: nothing can be downloaded here. Each of the ten classes has
 * a random template (a 28×28 mask, 30% of its pixels on); an image is λ·its class's template +
 * (1 − λ)·another random class's, λ uniform in [0.4, 1), plus noise in [0, 0.1), shaped (1, 28, 28)
 * as ToTensor gives: like the real images, mostly dark, and about one in six has more of another
 * class than its own, so accuracy stays short of 100%. The book has 60,000 training and 10,000
 * validation images; the default here is a tenth of that, so that ten epochs run in seconds.
 */
export class FashionMNIST extends DataModule {
  declare resize: number[];
  declare numTrain: number;
  declare numVal: number;
  train: ArrayDataset;
  val: ArrayDataset;

  constructor(batchSize = 64, resize = [28, 28], numTrain = 6000, numVal = 1000) {
    super();
    this.saveHyperparameters({ batchSize, resize, numTrain, numVal });
    const templates = np.random.uniform(0, 1, [10, 1, ...resize]).less(0.3).astype(float32);
    const images = (n: number) => {
      const labels = np.random.randint(0, 10, [n]);
      const others = np.random.randint(0, 10, [n]);
      const lambda = np.random.uniform(0.4, 1, [n, 1, 1, 1]);
      const pixels = templates.get([labels]).mul(lambda).add(templates.get([others]).mul(lambda.neg().add(1)))
        .add(np.random.uniform(0, 0.1, [n, 1, ...resize]));
      return new gluon.data.ArrayDataset(pixels, labels);
    };
    this.train = images(numTrain);
    this.val = images(numVal);
  }

  /** Return text labels. */
  textLabels(indices: NDArray | number[]): string[] {
    const labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];
    const values = indices instanceof NDArray ? indices.toFlatArray() : indices;
    return values.map((i) => labels[Math.trunc(i)]!);
  }

  override getDataloader(train: boolean): DataLoader {
    const data = train ? this.train : this.val;
    // d2l: gluon.data.DataLoader(data, self.batch_size, shuffle=train, num_workers=self.num_workers) — one process here
    return new gluon.data.DataLoader(data, { batchSize: this.batchSize, shuffle: train });
  }

  // d2l: d2l.show_images(X.squeeze(1), nrows, ncols, titles=labels) — no images here: their labels are printed
  visualize(batch: NDArray[], nrows = 1, ncols = 8, labels: string[] = []): void {
    const [X, y] = batch as [NDArray, NDArray];
    if (labels.length === 0) labels = this.textLabels(y);
    console.log(`${X.shape[0]} images, the first ${Math.min(nrows * ncols, labels.length)}:`, labels.slice(0, nrows * ncols).map((l) => l.replace('\n', ' / ')).join(', '));
  }
}

/** The base class of classification models. */
export class Classifier extends Module {
  override validationStep(batch: NDArray[]): void {
    const Yhat = this.forward(...(batch.slice(0, -1) as [NDArray]));
    this.plot('loss', this.loss(Yhat, batch.at(-1)!), false);
    this.plot('acc', this.accuracy(Yhat, batch.at(-1)!), false);
  }

  /** Compute the number of correct predictions. */
  accuracy(Yhat: NDArray, Y: NDArray, averaged = true): NDArray {
    Yhat = reshape(Yhat, [-1, Yhat.shape.at(-1)!]);
    const preds = astype(argmax(Yhat, 1), Y.dtype);
    const compare = astype(preds.equal(reshape(Y, -1)), float32);
    return averaged ? reduceMean(compare) : compare;
  }

  override loss(Yhat: NDArray, Y: NDArray, averaged = true): NDArray {
    Yhat = reshape(Yhat, [-1, Yhat.shape.at(-1)!]);
    Y = reshape(Y, [-1]);
    const fn = new gluon.loss.SoftmaxCrossEntropyLoss();
    const l = fn.call(Yhat, Y);
    return averaged ? l.mean() : l;
  }
}

/** Compute 2D cross-correlation. */
export function corr2d(X: NDArray, K: NDArray): NDArray {
  const [h, w] = K.shape as [number, number];
  const Y = zeros([X.shape[0]! - h + 1, X.shape[1]! - w + 1]);
  for (let i = 0; i < Y.shape[0]!; i++) {
    for (let j = 0; j < Y.shape[1]!; j++) {
      Y.set([i, j], reduceSum(X.get([`${i}:${i + h}`, `${j}:${j + w}`]).mul(K)));
    }
  }
  return Y;
}

/** Vocabulary for text. */
export class Vocab {
  readonly tokenFreqs: [string, number][];
  readonly idxToToken: string[];
  readonly tokenToIdx: Map<string, number>;

  constructor(tokens: string[] | string[][] = [], minFreq = 0, reservedTokens: string[] = []) {
    // Flatten a 2D list if needed
    const flat = tokens.length > 0 && Array.isArray(tokens[0]) ? (tokens as string[][]).flat() : (tokens as string[]);
    // Count token frequencies
    const counter = new Map<string, number>();
    for (const token of flat) counter.set(token, (counter.get(token) ?? 0) + 1);
    this.tokenFreqs = [...counter.entries()].sort((a, b) => b[1] - a[1]);
    // The list of unique tokens
    this.idxToToken = [...new Set(['<unk>', ...reservedTokens, ...this.tokenFreqs.filter(([, freq]) => freq >= minFreq).map(([token]) => token)])].sort();
    this.tokenToIdx = new Map(this.idxToToken.map((token, idx) => [token, idx]));
  }

  get length(): number { return this.idxToToken.length; }

  // d2l: vocab[token] and vocab[tokens] (__getitem__) — here vocab.get(token) and vocab.get(tokens)
  get(tokens: string): number;
  get(tokens: string[]): number[];
  get(tokens: string | string[]): number | number[] {
    if (!Array.isArray(tokens)) return this.tokenToIdx.get(tokens) ?? this.unk;
    return tokens.map((token) => this.get(token));
  }

  toTokens(indices: number | number[]): string | string[] {
    if (Array.isArray(indices)) return indices.map((index) => this.idxToToken[index]!);
    return this.idxToToken[indices]!;
  }

  /** Index for the unknown token. */
  get unk(): number { return this.tokenToIdx.get('<unk>')!; }
}

/** Words the synthetic Time Machine is made of: an invented passage in the book's manner. */
const PASSAGE = `the traveller sat by the fire and spoke of time as the fourth dimension of space
we looked at the little machine on the table and none of us believed that it could travel
through the ages he said that the lever sent it into the future and the other sent it back
the lamp shone on the brass and the crystal and the dinner was late that evening`;

/**
 * The Time Machine dataset, made up: the book downloads H. G. Wells's novel. Here the text is a
 * chain of words drawn from a short passage: each word is followed by a word that follows it in
 * the passage, chosen by a fixed-seed generator, so the corpus is the same on every run and has
 * the structure a character model can learn.
 */
export class TimeMachine extends DataModule {
  declare numSteps: number;
  declare numTrain: number;
  declare numVal: number;
  vocab: Vocab;
  X: NDArray;
  Y: NDArray;

  // d2l: fname = d2l.download(d2l.DATA_URL + 'timemachine.txt', ...) — the text is generated instead
  private download(): string {
    const words = PASSAGE.split(/\s+/);
    const next = new Map<string, string[]>();
    words.forEach((word, i) => next.set(word, [...(next.get(word) ?? []), words[(i + 1) % words.length]!]));
    let state = 12345;
    const random = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return state / 4294967296; };
    const chosen = [words[0]!];
    let length = 0;
    while (length < (this.numTrain + this.numVal + this.numSteps) * 1.1) {
      const followers = next.get(chosen.at(-1)!)!;
      const word = followers[Math.floor(random() * followers.length)]!;
      chosen.push(word);
      length += word.length + 1;
    }
    return chosen.join(' ');
  }

  private preprocess(text: string): string { return text.replace(/[^A-Za-z]+/g, ' ').toLowerCase(); }

  private tokenize(text: string): string[] { return [...text]; }

  build(rawText: string, vocab: Vocab | null = null): [number[], Vocab] {
    const tokens = this.tokenize(this.preprocess(rawText));
    if (vocab === null) vocab = new Vocab(tokens);
    const corpus = tokens.map((token) => vocab.get(token));
    return [corpus, vocab];
  }

  constructor(batchSize: number, numSteps: number, numTrain = 10000, numVal = 5000) {
    super();
    this.saveHyperparameters({ batchSize, numSteps, numTrain, numVal });
    let corpus: number[];
    [corpus, this.vocab] = this.build(this.download());
    const rows: number[][] = [];
    for (let i = 0; i < corpus.length - numSteps; i++) rows.push(corpus.slice(i, i + numSteps + 1));
    const array = tensor(rows);
    [this.X, this.Y] = [array.get(':, :-1'), array.get(':, 1:')];
  }

  override getDataloader(train: boolean): DataLoader {
    const idx = train ? `0:${this.numTrain}` : `${this.numTrain}:${this.numTrain + this.numVal}`;
    return this.getTensorloader([this.X, this.Y], train, idx);
  }
}

/** Check the length of a list. */
export function checkLen(a: { length: number }, n: number): void {
  if (a.length !== n) throw new Error(`list's length ${a.length} != expected length ${n}`);
}

/** Check the shape of a tensor. */
export function checkShape(a: NDArray, shape: number[]): void {
  if (a.shape.length !== shape.length || a.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`tensor's shape (${a.shape.join(', ')}) != expected shape (${shape.join(', ')})`);
  }
}
