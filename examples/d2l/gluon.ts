// The few pieces of MXNet Gluon (mxnet.gluon) that d2l's helper library and the ported sections
// use, written on the GradLens engine: data.ArrayDataset and data.DataLoader, nn.Block with
// Parameters (deferred shapes, Uniform(0.07) initialisation as Gluon's default), nn.Dense, and
// Trainer with plain SGD. Only what the sections call; not a port of Gluon.
import { np, npx, NDArray } from 'gradlens';

// ## gluon.data

/** `gluon.data.ArrayDataset(*arrays)`: rows of several arrays of the same length. */
export class ArrayDataset {
  readonly arrays: NDArray[];
  constructor(...arrays: NDArray[]) {
    const length = arrays[0]?.shape[0];
    if (arrays.some((a) => a.shape[0] !== length)) throw new Error('ArrayDataset: every array needs the same length along axis 0');
    this.arrays = arrays;
  }
  get length(): number { return this.arrays[0]?.shape[0] ?? 0; }
}

/**
 * `gluon.data.DataLoader(dataset, batch_size, shuffle)`: minibatches in order, or in a new random
 * order each pass when `shuffle`; the last batch keeps what is left (Gluon's last_batch='keep').
 */
export class DataLoader implements Iterable<NDArray[]> {
  constructor(readonly dataset: ArrayDataset, readonly batchSize: number, readonly shuffle = false) {}

  /** `len(loader)`: the number of batches in one pass. */
  get length(): number { return Math.ceil(this.dataset.length / this.batchSize); }

  /** The order of the rows in one pass (tests watch it to replay the same batches). */
  order(): NDArray {
    const n = this.dataset.length;
    return this.shuffle ? np.random.permutation(n) : np.arange(n);
  }

  *[Symbol.iterator](): Iterator<NDArray[]> {
    const order = this.order();
    for (let start = 0; start < this.dataset.length; start += this.batchSize) {
      const indices = order.get(`${start}:${start + this.batchSize}`);
      yield this.dataset.arrays.map((a) => a.get([indices]));
    }
  }
}

export const data = { ArrayDataset, DataLoader };

// ## gluon.nn

/** A Gluon Parameter: its shape may be unknown (0) until the first forward pass fills it in. */
export class Parameter {
  private value: NDArray | null = null;
  private initializer: ((shape: number[]) => NDArray) | null = null;

  constructor(readonly name: string, public shape: number[], private readonly defaultInit: (shape: number[]) => NDArray) {}

  /** Marks the parameter for initialisation; done now if its shape is known, else at first use. */
  initialize(init: ((shape: number[]) => NDArray) | null = null): void {
    this.initializer = init ?? this.defaultInit;
    if (!this.shape.includes(0)) this.finishInit();
  }

  /** Fills in unknown (0) dimensions and initialises a deferred parameter. */
  inferShape(shape: number[]): void {
    if (this.value !== null) return;
    this.shape = this.shape.map((d, i) => (d === 0 ? shape[i]! : d));
    if (this.initializer !== null) this.finishInit();
  }

  private finishInit(): void {
    this.value = this.initializer!(this.shape);
    this.value.attachGrad();
  }

  /** The parameter's array (it keeps its identity across updates: write with assign). */
  data(): NDArray {
    if (this.value === null) throw new Error(`Parameter '${this.name}' has not been initialized${this.initializer === null ? ': call initialize()' : ' yet: its shape is known after the first forward pass'}`);
    return this.value;
  }

  grad(): NDArray { return this.data().grad!; }
  get initialized(): boolean { return this.value !== null; }
}

/** Gluon's default initialiser: uniform in [−0.07, 0.07). */
const uniform007 = (shape: number[]): NDArray => np.random.uniform(-0.07, 0.07, shape);

/** `block.params`: a block's own parameters by name; `get` makes one when it is new. */
export class ParameterDict {
  private readonly entries = new Map<string, Parameter>();

  get(name: string, { shape = [] as number | number[], init = uniform007 } = {}): Parameter {
    let parameter = this.entries.get(name);
    if (parameter === undefined) {
      parameter = new Parameter(name, typeof shape === 'number' ? [shape] : [...shape], init);
      this.entries.set(name, parameter);
    }
    return parameter;
  }

  set(name: string, parameter: Parameter): void { this.entries.set(name, parameter); }
  keys(): string[] { return [...this.entries.keys()]; }
  values(): Parameter[] { return [...this.entries.values()]; }
}

/**
 * `gluon.nn.Block`: a Python block registers the blocks and parameters assigned to its attributes;
 * here `collectParams` finds them among its own properties, in the order they were set.
 */
export class Block {
  readonly params = new ParameterDict();

  forward(..._args: unknown[]): unknown { throw new Error(`${this.constructor.name}.forward is not defined`); }

  /** The parameters of this block and of the blocks it holds, by prefixed name. */
  collectParams(): ParameterDict | NDArray[] {
    const all = new ParameterDict();
    for (const name of this.params.keys()) all.set(name, this.params.get(name));
    for (const [attr, value] of Object.entries(this)) {
      if (value instanceof Block) {
        const inner = value.collectParams();
        if (inner instanceof ParameterDict) for (const name of inner.keys()) all.set(`${attr}.${name}`, inner.get(name));
      } else if (value instanceof Parameter) all.set(attr, value);
    }
    return all;
  }

  initialize(init: ((shape: number[]) => NDArray) | null = null): void {
    const params = this.collectParams();
    if (params instanceof ParameterDict) for (const p of params.values()) p.initialize(init);
  }
}

/**
 * `gluon.nn.Dense(units, activation)`: `activation(X·Wᵀ + b)` with W of shape (units, in_units),
 * in_units known at the first call; an input of more than two axes is flattened (flatten=True).
 */
export class Dense extends Block {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(readonly units: number, readonly activation: 'relu' | null = null, readonly useBias = true, inUnits = 0) {
    super();
    this.weight = this.params.get('weight', { shape: [units, inUnits] });
    this.bias = this.params.get('bias', { shape: [units], init: (shape) => np.zeros(shape) });
  }

  override forward(X: NDArray): NDArray {
    const flat = X.ndim > 2 ? X.reshape(X.shape[0]!, -1) : X;
    this.weight.inferShape([this.units, flat.shape[1]!]);
    const linear = np.dot(flat, this.weight.data().T);
    const out = this.useBias ? linear.add(this.bias.data()) : linear;
    return this.activation === 'relu' ? npx.relu(out) : out;
  }
}

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/**
 * `gluon.nn.Conv2D(channels, kernel_size, strides, padding, use_bias)` on NCHW data, by
 * npx.convolution; the weight (channels, in_channels, kH, kW) gets in_channels at the first call.
 */
export class Conv2D extends Block {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [number, number];

  constructor(readonly channels: number, kernelSize: Pair, { strides = 1 as Pair, padding = 0 as Pair, useBias = true, inChannels = 0 } = {}) {
    super();
    [this.kernelSize, this.strides, this.padding] = [pair(kernelSize), pair(strides), pair(padding)];
    this.weight = this.params.get('weight', { shape: [channels, inChannels, ...this.kernelSize] });
    this.bias = useBias ? this.params.get('bias', { shape: [channels], init: (shape) => np.zeros(shape) }) : null;
  }

  override forward(X: NDArray): NDArray {
    this.weight.inferShape([this.channels, X.shape[1]!, ...this.kernelSize]);
    return npx.convolution(X, this.weight.data(), this.bias?.data() ?? null, { kernel: this.kernelSize, stride: this.strides, pad: this.padding });
  }
}

/** `gluon.nn.MaxPool2D(pool_size, strides, padding)` on NCHW data, by npx.pooling; strides default to pool_size. */
export class MaxPool2D extends Block {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [number, number];

  constructor(poolSize: Pair = 2, { strides = null as Pair | null, padding = 0 as Pair } = {}) {
    super();
    [this.poolSize, this.strides, this.padding] = [pair(poolSize), pair(strides ?? poolSize), pair(padding)];
  }

  override forward(X: NDArray): NDArray {
    return npx.pooling(X, { kernel: this.poolSize, stride: this.strides, pad: this.padding, poolType: 'max' });
  }
}

export const nn = { Block, Dense, Conv2D, MaxPool2D };

// ## gluon.Trainer

/** `gluon.Trainer(params, 'sgd', {'learning_rate': lr})`: step(batch_size) does p −= lr·grad/batch_size. */
export class Trainer {
  constructor(readonly params: ParameterDict, readonly optimizer: 'sgd', readonly options: { learningRate: number }) {}

  step(batchSize: number): void {
    for (const p of this.params.values()) {
      p.data().assign(p.data().sub(p.grad().mul(this.options.learningRate / batchSize)));
    }
  }
}
