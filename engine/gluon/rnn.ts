/**
 * `gluon.rnn`: the RNN and GRU layers (MXNet 2 semantics), written with engine ops over the time
 * steps, so autograd differentiates them as any other code. Per layer l, parameters as gluon names
 * them: `l0_i2h_weight` (G·H, C), `l0_h2h_weight` (G·H, H), `l0_i2h_bias`, `l0_h2h_bias` (G·H,),
 * G = 1 (RNN) or 3 (GRU, gates r, z, n in that order). The state is (numLayers, N, H).
 *
 * ```ts
 * const rnn = new gluon.rnn.GRU(32);            // inputSize learned at the first call
 * rnn.initialize();
 * const X = np.random.normal(0, 1, [5, 2, 8]);  // (T, N, C)
 * rnn.call(X).shape;                            // [5, 2, 32]: outputs, from a zero state
 * const [Y, state] = rnn.run(X, rnn.beginState(2));   // outputs and the final state (1, 2, 32)
 * ```
 */
import type { DType } from '../dtype';
import { engineError, formatShape } from '../errors';
import type { NDArray } from '../ndarray';
import { split } from '../ops/arrange';
import { zeros } from '../ops/creation';
import { add, mul, sub } from '../ops/elementwise';
import { at, stack, transpose } from '../ops/layout';
import { matmul } from '../ops/linalg';
import { unaryOps } from '../ops/unary';
import { checkOptions } from '../strict';
import { Block, checkInput, layerName, origin } from './block';
import { Zero, type Initializer } from './init';
import type { Parameter } from './parameter';
import { positiveInteger, sizeOrDeferred } from './nn/checks';

interface RecurrentOptions {
  /** Stacked layers (default 1); layer l > 0 reads layer l − 1's outputs. */
  numLayers?: number;
  /** 'TNC' (default): inputs (T, N, C); 'NTC': (N, T, C). Outputs follow it. */
  layout?: 'TNC' | 'NTC';
  /** The input's features C; 0 (default): learned at the first call. */
  inputSize?: number;
  dtype?: DType;
  i2hWeightInitializer?: Initializer | null;
  h2hWeightInitializer?: Initializer | null;
  i2hBiasInitializer?: Initializer | null;
  h2hBiasInitializer?: Initializer | null;
}

export interface RNNOptions extends RecurrentOptions {
  /** h = activation(W_i2h·x + b_i2h + W_h2h·h + b_h2h): 'tanh' (default) or 'relu'. */
  activation?: 'tanh' | 'relu';
}

export type GRUOptions = RecurrentOptions;

const RECURRENT_OPTIONS = ['numLayers', 'layout', 'inputSize', 'dtype', 'i2hWeightInitializer', 'h2hWeightInitializer', 'i2hBiasInitializer', 'h2hBiasInitializer'];

/** One layer's parameters. */
export interface RecurrentLayerParameters {
  i2hWeight: Parameter;
  h2hWeight: Parameter;
  i2hBias: Parameter;
  h2hBias: Parameter;
}

/** The input of one step, projected (x·W_i2hᵀ + b_i2h), and the projected state (h·W_h2hᵀ + b_h2h): the new state. */
type Cell = (inputPart: NDArray, hiddenPart: NDArray, hidden: NDArray) => NDArray;

abstract class Recurrent extends Block {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly layout: 'TNC' | 'NTC';
  readonly dtype: DType | undefined;
  /** Per layer: its four parameters (also in `params` under gluon's names). */
  readonly layers: readonly RecurrentLayerParameters[];
  private readonly gates: number;
  /** 'rnn.GRU', for messages (bundlers rename classes). */
  private readonly op: string;
  /** The final state of the latest call, handed back by `run`. */
  private lastState: NDArray | null = null;

  protected constructor(op: string, gates: number, hiddenSize: number, options: RecurrentOptions, extra: readonly string[]) {
    super();
    checkOptions(op, options, [...RECURRENT_OPTIONS, ...extra]);
    this.hiddenSize = positiveInteger(op, 'hiddenSize', hiddenSize);
    this.numLayers = positiveInteger(op, 'numLayers', options.numLayers ?? 1);
    this.layout = options.layout ?? 'TNC';
    if (this.layout !== 'TNC' && this.layout !== 'NTC') throw engineError(op, `layout must be 'TNC' or 'NTC', got ${JSON.stringify(this.layout)}`);
    this.gates = gates;
    this.op = op;
    this.dtype = options.dtype;
    const inputSize = sizeOrDeferred(op, 'inputSize', options.inputSize);
    const dtype = options.dtype ? { dtype: options.dtype } : {};
    const rows = gates * hiddenSize;
    this.layers = Array.from({ length: this.numLayers }, (_, l) => ({
      i2hWeight: this.params.get(`l${l}_i2h_weight`, { shape: [rows, l === 0 ? inputSize : hiddenSize], init: options.i2hWeightInitializer ?? null, kind: 'weight', ...dtype }),
      h2hWeight: this.params.get(`l${l}_h2h_weight`, { shape: [rows, hiddenSize], init: options.h2hWeightInitializer ?? null, kind: 'weight', ...dtype }),
      i2hBias: this.params.get(`l${l}_i2h_bias`, { shape: [rows], init: options.i2hBiasInitializer ?? new Zero(), kind: 'bias', ...dtype }),
      h2hBias: this.params.get(`l${l}_h2h_bias`, { shape: [rows], init: options.h2hBiasInitializer ?? new Zero(), kind: 'bias', ...dtype }),
    }));
  }

  /** The input's features, 0 while not known. */
  get inputSize(): number { return this.layers[0]!.i2hWeight.shape[1]!; }

  /** A zero state for `batchSize` sequences: (numLayers, batchSize, hiddenSize). */
  beginState(batchSize: number): NDArray {
    positiveInteger(`${this.op}.beginState`, 'batchSize', batchSize);
    return zeros([this.numLayers, batchSize, this.hiddenSize], this.dtype ? { dtype: this.dtype } : {});
  }

  /**
   * Runs the layer from `state` (default: zeros) and returns [outputs, final state], as gluon's
   * `rnn(inputs, states)`; outputs are the last layer's states at every step, (T, N, H) in TNC.
   */
  run(inputs: NDArray, state?: NDArray | readonly NDArray[] | null): [NDArray, NDArray] {
    const outputs = state === undefined || state === null ? this.call(inputs) : this.call(inputs, unwrapState(this, state));
    return [outputs, this.lastState!];
  }

  /** The outputs (the final state is what `run` adds). */
  override forward(inputs: NDArray, state?: NDArray): NDArray {
    const given = checkInput(this, inputs, [3], `a 3-d input ${this.layout === 'TNC' ? '(T, N, C): steps, batch, features' : '(N, T, C): batch, steps, features'}`);
    const sequence = this.layout === 'TNC' ? given : transpose(given, [1, 0, 2]);
    const [steps, batch, features] = sequence.shape as [number, number, number];
    if (steps === 0) throw engineError(layerName(this), `needs at least one time step, got an input of shape ${formatShape(given.shape)}`);
    const expected = this.inputSize;
    if (expected !== 0 && expected !== features) {
      const from = origin(given);
      throw engineError(layerName(this), `expects ${expected} input features (its l0_i2h_weight is ${formatShape(this.layers[0]!.i2hWeight.shape)}), got ${features} from an input of shape ${formatShape(given.shape)}${from ? ` made by ${from}` : ''}`);
    }
    this.layers[0]!.i2hWeight.inferShape([this.gates * this.hiddenSize, features], layerName(this));
    const begin = state ?? this.beginState(batch);
    checkState(this, begin, [this.numLayers, batch, this.hiddenSize]);
    let layerInput = sequence;
    const finals: NDArray[] = [];
    this.layers.forEach((layer, l) => {
      const h2hWeightT = transpose(layer.h2hWeight.data());
      const h2hBias = layer.h2hBias.data();
      // The input's share of every step at once: (T, N, G·H).
      const projected = add(matmul(layerInput, transpose(layer.i2hWeight.data())), layer.i2hBias.data());
      let hidden = at(begin, l);
      const states: NDArray[] = [];
      for (let t = 0; t < steps; t++) {
        hidden = this.cell(at(projected, t), add(matmul(hidden, h2hWeightT), h2hBias), hidden);
        states.push(hidden);
      }
      finals.push(hidden);
      layerInput = stack(states, 0);
    });
    this.lastState = stack(finals, 0);
    return this.layout === 'TNC' ? layerInput : transpose(layerInput, [1, 0, 2]);
  }

  protected abstract readonly cell: Cell;

  protected settings(): string {
    const inputSize = this.inputSize;
    return `${inputSize === 0 ? '' : `${inputSize} -> `}${this.hiddenSize}, ${this.layout}${this.numLayers > 1 ? `, num_layers=${this.numLayers}` : ''}`;
  }
}

function unwrapState(block: Block, state: NDArray | readonly NDArray[]): NDArray {
  if (!Array.isArray(state)) return state as NDArray;
  if (state.length !== 1) throw engineError(layerName(block), `has one state array (numLayers, N, H), got a list of ${state.length}`);
  return state[0]!;
}

function checkState(block: Block, state: unknown, shape: readonly number[]): void {
  const array = state as NDArray;
  if (state === null || typeof state !== 'object' || !('shape' in state)) throw engineError(layerName(block), `needs its state as an NDArray ${formatShape(shape)}, got ${String(state)}`);
  if (array.ndim !== shape.length || array.shape.some((d, i) => d !== shape[i])) {
    throw engineError(layerName(block), `needs a state of shape ${formatShape(shape)} (numLayers, batch, hidden), got ${formatShape(array.shape)}`);
  }
}

/** Elman RNN: h' = activation(W_i2h·x + b_i2h + W_h2h·h + b_h2h). `new gluon.rnn.RNN(hiddenSize, options)`. */
export class RNN extends Recurrent {
  readonly activation: 'tanh' | 'relu';
  constructor(hiddenSize: number, options: RNNOptions = {}) {
    super('rnn.RNN', 1, hiddenSize, options, ['activation']);
    this.activation = options.activation ?? 'tanh';
    if (this.activation !== 'tanh' && this.activation !== 'relu') throw engineError('rnn.RNN', `activation must be 'tanh' or 'relu', got ${JSON.stringify(this.activation)}`);
  }

  protected readonly cell: Cell = (inputPart, hiddenPart) => {
    const preActivation = add(inputPart, hiddenPart);
    return this.activation === 'relu' ? unaryOps.relu(preActivation) : unaryOps.tanh(preActivation);
  };

  override describe(): string { return `RNN(${this.settings()}, ${this.activation})`; }
}

/**
 * GRU, gates in MXNet's order (r, z, n):
 * r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r ⊙ h_n), h' = (1 − z) ⊙ n + z ⊙ h,
 * where x_· and h_· are the gate's rows of W_i2h·x + b_i2h and W_h2h·h + b_h2h.
 */
export class GRU extends Recurrent {
  constructor(hiddenSize: number, options: GRUOptions = {}) {
    super('rnn.GRU', 3, hiddenSize, options, []);
  }

  protected readonly cell: Cell = (inputPart, hiddenPart, hidden) => {
    const [inputReset, inputUpdate, inputNew] = split(inputPart, 3, -1) as [NDArray, NDArray, NDArray];
    const [hiddenReset, hiddenUpdate, hiddenNew] = split(hiddenPart, 3, -1) as [NDArray, NDArray, NDArray];
    const reset = unaryOps.sigmoid(add(inputReset, hiddenReset));
    const update = unaryOps.sigmoid(add(inputUpdate, hiddenUpdate));
    const candidate = unaryOps.tanh(add(inputNew, mul(reset, hiddenNew)));
    return add(mul(sub(1, update), candidate), mul(update, hidden));
  };

  override describe(): string { return `GRU(${this.settings()})`; }
}

export const rnn = { RNN, GRU };
