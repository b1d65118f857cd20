/**
 * Initializers (`init`), as MXNet's `mxnet.init`: each fills a parameter's array from the engine's
 * seeded generator (`np.random.seed`), so the same seed gives the same weights on every machine.
 *
 * ```ts
 * net.initialize(new init.Xavier());
 * dense.weight.initialize(new init.Normal(0.01), { forceReinit: true });
 * ```
 */
import type { DType } from '../dtype';
import { engineError } from '../errors';
import type { NDArray } from '../ndarray';
import { full } from '../ops/creation';
import { random } from '../random';
import { checkOptions } from '../strict';

/** What a parameter is, for initializers that treat kinds differently (biases start at zero). */
export type ParameterKind = 'weight' | 'bias' | 'gamma' | 'beta' | 'running_mean' | 'running_var' | 'other';

export abstract class Initializer {
  /** A new array of `shape` with this initializer's values. */
  abstract create(shape: readonly number[], dtype: DType): NDArray;
  /** How it is written in messages and traces: `Normal(0.01)`. */
  abstract toString(): string;
}

function finite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw engineError(op, `${name} must be a finite number, got ${String(value)}`);
  return value;
}

/** Samples from N(0, sigma²). */
export class Normal extends Initializer {
  readonly sigma: number;
  constructor(sigma = 0.01) {
    super();
    this.sigma = finite('init.Normal', 'sigma', sigma);
    if (sigma < 0) throw engineError('init.Normal', `sigma must be ≥ 0, got ${sigma}`);
  }
  create(shape: readonly number[], dtype: DType): NDArray { return random.normal(0, this.sigma, [...shape], dtype as 'float32'); }
  toString(): string { return `Normal(${this.sigma})`; }
}

/** Samples from U(−scale, scale); gluon's default for weights is Uniform(0.07). */
export class Uniform extends Initializer {
  readonly scale: number;
  constructor(scale = 0.07) {
    super();
    this.scale = finite('init.Uniform', 'scale', scale);
  }
  create(shape: readonly number[], dtype: DType): NDArray { return random.uniform(-this.scale, this.scale, [...shape], dtype as 'float32'); }
  toString(): string { return `Uniform(${this.scale})`; }
}

/** Every element `value`. */
export class Constant extends Initializer {
  readonly value: number;
  constructor(value: number) {
    super();
    this.value = finite('init.Constant', 'value', value);
  }
  create(shape: readonly number[], dtype: DType): NDArray { return full([...shape], this.value, { dtype }); }
  toString(): string { return `Constant(${this.value})`; }
}

export class One extends Constant {
  constructor() { super(1); }
  override toString(): string { return 'One()'; }
}

export class Zero extends Constant {
  constructor() { super(0); }
  override toString(): string { return 'Zero()'; }
}

export interface XavierOptions {
  /** 'uniform' (default) or 'gaussian'. */
  rndType?: 'uniform' | 'gaussian';
  /** Which fan the variance is scaled by: 'avg' (default), 'in' or 'out'. */
  factorType?: 'avg' | 'in' | 'out';
  /** Default 3. */
  magnitude?: number;
}

/**
 * Xavier/Glorot: with fan_in = shape[1]·receptive field and fan_out = shape[0]·receptive field
 * (MXNet's convention), scale = √(magnitude / factor); uniform in [−scale, scale] or N(0, scale²).
 */
export class Xavier extends Initializer {
  readonly rndType: 'uniform' | 'gaussian';
  readonly factorType: 'avg' | 'in' | 'out';
  readonly magnitude: number;
  constructor(options: XavierOptions = {}) {
    super();
    checkOptions('init.Xavier', options, ['rndType', 'factorType', 'magnitude']);
    this.rndType = options.rndType ?? 'uniform';
    this.factorType = options.factorType ?? 'avg';
    this.magnitude = finite('init.Xavier', 'magnitude', options.magnitude ?? 3);
    if (this.rndType !== 'uniform' && this.rndType !== 'gaussian') throw engineError('init.Xavier', `rndType must be 'uniform' or 'gaussian', got ${String(this.rndType)}`);
    if (!['avg', 'in', 'out'].includes(this.factorType)) throw engineError('init.Xavier', `factorType must be 'avg', 'in' or 'out', got ${String(this.factorType)}`);
  }
  create(shape: readonly number[], dtype: DType): NDArray {
    if (shape.length < 2) throw engineError('init.Xavier', `needs a parameter of at least 2 dimensions (a weight), got shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
    const receptive = shape.slice(2).reduce((n, d) => n * d, 1);
    const fanIn = shape[1]! * receptive;
    const fanOut = shape[0]! * receptive;
    const factor = this.factorType === 'in' ? fanIn : this.factorType === 'out' ? fanOut : (fanIn + fanOut) / 2;
    const scale = Math.sqrt(this.magnitude / factor);
    return this.rndType === 'uniform' ? random.uniform(-scale, scale, [...shape], dtype as 'float32') : random.normal(0, scale, [...shape], dtype as 'float32');
  }
  toString(): string { return `Xavier(${this.rndType}, ${this.factorType}, ${this.magnitude})`; }
}

/** gluon's default: Uniform(0.07) for weights, zeros for biases and betas, ones for gammas (and the running statistics as BatchNorm starts them). */
export function defaultInitializer(kind: ParameterKind): Initializer {
  switch (kind) {
    case 'bias': case 'beta': case 'running_mean': return new Zero();
    case 'gamma': case 'running_var': return new One();
    default: return new Uniform(0.07);
  }
}


export const init = { Initializer, Normal, Uniform, Xavier, Constant, One, Zero };
