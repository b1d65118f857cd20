/** The basic layers: Sequential, Dense, Activation, Flatten, Dropout (gluon.nn, MXNet 2 semantics). */
import { engineError, formatShape } from '../../errors';
import type { NDArray } from '../../ndarray';
import { add, logaddexp } from '../../ops/elementwise';
import { matmul } from '../../ops/linalg';
import { reshape, transpose } from '../../ops/layout';
import { dropout } from '../../ops/nn';
import { unaryOps } from '../../ops/unary';
import { checkOptions } from '../../strict';
import { Block, checkInput, layerName, origin } from '../block';
import type { Initializer } from '../init';
import { Zero } from '../init';
import type { Parameter } from '../parameter';
import type { DType } from '../../dtype';

/** The activations `nn.Activation` and the layers' `activation` option take. */
export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'softrelu';
const ACTIVATIONS: readonly ActivationName[] = ['relu', 'sigmoid', 'tanh', 'softrelu'];

export function checkActivation(op: string, name: unknown): ActivationName | null {
  if (name === undefined || name === null) return null;
  if (!(ACTIVATIONS as readonly unknown[]).includes(name)) throw engineError(op, `activation must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(name)}`);
  return name as ActivationName;
}

export function activate(name: ActivationName | null, x: NDArray): NDArray {
  switch (name) {
    case null: return x;
    case 'relu': return unaryOps.relu(x);
    case 'sigmoid': return unaryOps.sigmoid(x);
    case 'tanh': return unaryOps.tanh(x);
    case 'softrelu': return logaddexp(x, 0); // log(1 + eˣ), stably
  }
}

/** Blocks run one after another: `new nn.Sequential().add(a, b)`; children named 0, 1, … */
export class Sequential extends Block implements Iterable<Block> {
  private readonly layers: Block[] = [];

  /** Appends blocks (in order); returns this Sequential. */
  add(...blocks: Block[]): this {
    for (const block of blocks) {
      if (!(block instanceof Block)) throw engineError('Sequential.add', `needs blocks (new nn.Dense(10)), got ${String(block)}`);
      this.layers.push(block);
      this.registerChild(block, String(this.layers.length - 1));
    }
    return this;
  }

  /** The i-th block (negative counts from the end). */
  at(i: number): Block {
    const block = this.layers[i < 0 ? this.layers.length + i : i];
    if (block === undefined) throw engineError('Sequential.at', `index ${i} is out of range for ${this.layers.length} blocks`);
    return block;
  }

  get length(): number { return this.layers.length; }
  [Symbol.iterator](): Iterator<Block> { return this.layers[Symbol.iterator](); }

  override forward(...inputs: NDArray[]): NDArray {
    if (this.layers.length === 0) throw engineError('Sequential', 'has no blocks: add some with net.add(...)');
    let out = this.layers[0]!.call(...inputs);
    for (let i = 1; i < this.layers.length; i++) out = this.layers[i]!.call(out);
    return out;
  }

  override describe(): string { return 'Sequential'; }
}

export interface DenseOptions {
  activation?: ActivationName | null;
  /** Default true. */
  useBias?: boolean;
  /** The input size; 0 (default): learned at the first call. */
  inUnits?: number;
  /** Flatten inputs of more than 2 dimensions to (batch, features) (default true). */
  flatten?: boolean;
  dtype?: DType;
  weightInitializer?: Initializer | null;
  biasInitializer?: Initializer | null;
}

/** `activation(x·Wᵀ + b)`, W of shape (units, inUnits), b of shape (units,). */
export class Dense extends Block {
  readonly units: number;
  readonly activation: ActivationName | null;
  readonly flatten: boolean;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(units: number, options: DenseOptions = {}) {
    super();
    checkOptions('nn.Dense', options, ['activation', 'useBias', 'inUnits', 'flatten', 'dtype', 'weightInitializer', 'biasInitializer']);
    if (!Number.isInteger(units) || units < 1) throw engineError('nn.Dense', `units must be a positive integer, got ${String(units)}`);
    this.units = units;
    this.activation = checkActivation('nn.Dense', options.activation);
    this.flatten = options.flatten ?? true;
    const dtype = options.dtype;
    this.weight = this.params.get('weight', { shape: [units, options.inUnits ?? 0], init: options.weightInitializer ?? null, ...(dtype ? { dtype } : {}) });
    this.bias = options.useBias === false ? null : this.params.get('bias', { shape: [units], init: options.biasInitializer ?? new Zero(), ...(dtype ? { dtype } : {}) });
  }

  override forward(x: NDArray): NDArray {
    const input = checkInput(this, x, [1, 2, 3, 4, 5, 6], 'an input array with a batch axis');
    // flatten: (batch, …) → (batch, features); otherwise the last axis is the features (MXNet's flatten=False).
    const flat = this.flatten && input.ndim > 2 ? reshape(input, [input.shape[0]!, -1]) : input;
    const features = flat.shape[flat.ndim - 1]!;
    const expected = this.weight.shape[1]!;
    if (expected !== 0 && expected !== features) {
      const from = origin(input);
      throw engineError(layerName(this), `expects ${expected} input features (its weight is ${formatShape(this.weight.shape)}), got ${features} from an input of shape ${formatShape(input.shape)}${from ? ` made by ${from}` : ''}`);
    }
    this.weight.inferShape([this.units, features], layerName(this));
    let out = matmul(flat, transpose(this.weight.data()));
    if (this.bias !== null) out = add(out, this.bias.data());
    return activate(this.activation, out);
  }

  override describe(): string {
    const inUnits = this.weight.shape[1]!;
    return `Dense(${inUnits === 0 ? '' : `${inUnits} -> `}${this.units}${this.activation ? `, ${this.activation}` : ''})`;
  }
}

/** `nn.Activation('relu' | 'sigmoid' | 'tanh' | 'softrelu')`. */
export class Activation extends Block {
  readonly activation: ActivationName;
  constructor(activation: ActivationName) {
    super();
    this.activation = checkActivation('nn.Activation', activation) ?? (() => { throw engineError('nn.Activation', 'needs an activation name, e.g. \'relu\''); })();
  }
  override forward(x: NDArray): NDArray { return activate(this.activation, checkInput(this, x, [0, 1, 2, 3, 4, 5, 6], 'an array')); }
  override describe(): string { return `Activation(${this.activation})`; }
}

/** (batch, …) → (batch, features). */
export class Flatten extends Block {
  override forward(x: NDArray): NDArray {
    const input = checkInput(this, x, [1, 2, 3, 4, 5, 6], 'an array with a batch axis');
    return reshape(input, [input.shape[0]!, -1]);
  }
  override describe(): string { return 'Flatten'; }
}

/** `npx.dropout` in training mode (inside autograd.record), the identity in prediction. */
export class Dropout extends Block {
  readonly rate: number;
  constructor(rate: number) {
    super();
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw engineError('nn.Dropout', `the rate must be in [0, 1), got ${String(rate)}`);
    this.rate = rate;
  }
  override forward(x: NDArray): NDArray { return dropout(checkInput(this, x, [0, 1, 2, 3, 4, 5, 6], 'an array'), this.rate); }
  override describe(): string { return `Dropout(p = ${this.rate})`; }
}
