/**
 * `gluon.Trainer`: updates a model's parameters from their gradients with MXNet's optimizers
 * (sgd, adam, rmsprop, adagrad) and their update formulas. Every update writes the parameter's
 * array in place (`assign`), so a parameter keeps its identity, `.grad` and trace name across steps.
 *
 * ```ts
 * const trainer = new gluon.Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
 * const l = autograd.record(() => loss.call(net.call(X), y));
 * l.backward();
 * trainer.step(X.shape[0]);   // gradients rescaled by 1/batchSize, as MXNet's rescale_grad
 * ```
 */
import { autograd } from '../autograd';
import { engineError } from '../errors';
import type { NDArray } from '../ndarray';
import { zerosLike } from '../ops/creation';
import { unaryOps } from '../ops/unary';
import { versionOf } from '../storage';
import { checkOptions, describeValue } from '../strict';
import { Block } from './block';
import { Parameter } from './parameter';

export type OptimizerName = 'sgd' | 'adam' | 'rmsprop' | 'adagrad';
const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam', 'rmsprop', 'adagrad'];

export interface TrainerOptions {
  learningRate?: number;
  /** Weight decay: wd·w is added to each (rescaled, clipped) gradient. Default 0. */
  wd?: number;
  /** sgd: mom = momentum·mom − lr·g; w += mom. Default 0 (plain w −= lr·g). */
  momentum?: number;
  /** adam (defaults 0.9, 0.999). */
  beta1?: number;
  beta2?: number;
  /** adam, rmsprop, adagrad (default 1e-8). */
  epsilon?: number;
  /** rmsprop's decay of the mean square (default 0.9). */
  gamma1?: number;
  /** Clips each gradient element to ±clipGradient after rescaling (default: no clipping). */
  clipGradient?: number | null;
}

const OPTION_KEYS = ['learningRate', 'wd', 'momentum', 'beta1', 'beta2', 'epsilon', 'gamma1', 'clipGradient'];
/** MXNet's default learning rates (gluon.Trainer's optimizer defaults). */
const DEFAULT_LEARNING_RATE: Record<OptimizerName, number> = { sgd: 0.01, adam: 0.001, rmsprop: 0.001, adagrad: 0.01 };

/** Per-parameter optimizer state: momentum (sgd), first and second moments (adam), mean square (rmsprop), history (adagrad). */
interface State { first: NDArray | null; second: NDArray | null }

export type TrainerParams = Map<string, Parameter> | readonly Parameter[] | Block;

export class Trainer {
  readonly optimizer: OptimizerName;
  readonly wd: number;
  readonly momentum: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly gamma1: number;
  readonly clipGradient: number | null;
  /** The parameters it updates, by name (gradReq 'null' ones are kept but never updated). */
  readonly params: ReadonlyMap<string, Parameter>;
  private lr: number;
  /** Steps taken (adam's t). */
  private steps = 0;
  private readonly states = new Map<Parameter, State>();
  /** Each gradient's storage version at the last step: a gradient not written since is stale. */
  private readonly seenVersions = new Map<Parameter, number>();

  constructor(params: TrainerParams, optimizer: OptimizerName, options: TrainerOptions = {}) {
    checkOptions('gluon.Trainer', options, OPTION_KEYS);
    this.params = collect(params);
    if (!(OPTIMIZERS as readonly unknown[]).includes(optimizer)) {
      throw engineError('gluon.Trainer', `the optimizer must be one of ${OPTIMIZERS.map((o) => `'${o}'`).join(', ')}, got ${describeValue(optimizer)}`);
    }
    this.optimizer = optimizer;
    this.lr = checkNumber('learningRate', options.learningRate ?? DEFAULT_LEARNING_RATE[optimizer], 0);
    this.wd = checkNumber('wd', options.wd ?? 0, 0);
    this.momentum = checkNumber('momentum', options.momentum ?? 0, 0, 1);
    this.beta1 = checkNumber('beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkNumber('beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = checkNumber('epsilon', options.epsilon ?? 1e-8, 0);
    this.gamma1 = checkNumber('gamma1', options.gamma1 ?? 0.9, 0, 1);
    const clip = options.clipGradient ?? null;
    this.clipGradient = clip === null ? null : checkNumber('clipGradient', clip, 0);
    if (this.clipGradient === 0) throw engineError('gluon.Trainer', 'clipGradient must be positive (or null for no clipping), got 0');
  }

  get learningRate(): number { return this.lr; }

  setLearningRate(lr: number): void {
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) throw engineError('Trainer.setLearningRate', `the learning rate must be a finite number ≥ 0, got ${describeValue(lr)}`);
    this.lr = lr;
  }

  /**
   * One update of every parameter with a gradient, from gradients rescaled by 1/batchSize
   * (the loss is a sum over the batch, as MXNet's rescale_grad). Runs outside autograd recording.
   */
  step(batchSize: number): void {
    if (arguments.length !== 1 || typeof batchSize !== 'number' || !Number.isFinite(batchSize) || batchSize <= 0) {
      throw engineError('Trainer.step', `needs the batch size (a positive number: gradients are divided by it), got ${arguments.length === 0 ? 'nothing' : describeValue(batchSize)}`);
    }
    const trainable = [...this.params].filter(([, p]) => p.gradReq !== 'null');
    for (const [name, p] of trainable) {
      if (!p.initialized) throw engineError('Trainer.step', `parameter '${name}' has no array yet: initialize the model and run it forward (and backward) once before stepping`);
    }
    const fresh = trainable.filter(([, p]) => versionOf(p.grad()) !== (this.seenVersions.get(p) ?? 0));
    if (trainable.length > 0 && fresh.length === 0) {
      throw engineError('Trainer.step', this.steps === 0
        ? 'called before any backward: no parameter has a gradient yet. Compute the loss inside autograd.record(...) and call l.backward() before trainer.step(batchSize)'
        : 'no parameter\'s gradient was written since the last step: call l.backward() again before trainer.step(batchSize)');
    }
    this.steps++;
    autograd.pause(() => {
      for (const [, p] of trainable) this.update(p, p.data(), this.gradient(p, batchSize));
    });
    for (const [, p] of trainable) this.seenVersions.set(p, versionOf(p.grad()));
  }

  /** Sets every parameter's gradient to zeros (gluon 2's `zero_grad`), without making them look fresh. */
  zeroGrad(): void {
    for (const p of this.params.values()) {
      if (!p.initialized || p.gradReq === 'null') continue;
      const stale = versionOf(p.grad()) === (this.seenVersions.get(p) ?? 0);
      p.zeroGrad();
      if (stale) this.seenVersions.set(p, versionOf(p.grad()));
    }
  }

  /** g = clip(grad / batchSize, ±clipGradient) + wd·w, as MXNet's optimizers read it. */
  private gradient(p: Parameter, batchSize: number): NDArray {
    let g = p.grad().mul(1 / batchSize);
    if (this.clipGradient !== null) g = g.clip(-this.clipGradient, this.clipGradient);
    if (this.wd !== 0) g = g.add(p.data().mul(this.wd));
    return g;
  }

  private update(p: Parameter, w: NDArray, g: NDArray): void {
    const state = this.stateOf(p, w);
    const lr = this.lr;
    switch (this.optimizer) {
      case 'sgd':
        if (state.first === null) { w.assign(w.sub(g.mul(lr))); return; }
        state.first.assign(state.first.mul(this.momentum).sub(g.mul(lr))); // mom = momentum·mom − lr·g
        w.assign(w.add(state.first));
        return;
      case 'adam': {
        // MXNet's Adam: the bias correction folded into the learning rate, ε outside the root.
        const t = this.steps;
        const correctedLr = lr * Math.sqrt(1 - this.beta2 ** t) / (1 - this.beta1 ** t);
        state.first!.assign(state.first!.mul(this.beta1).add(g.mul(1 - this.beta1)));
        state.second!.assign(state.second!.mul(this.beta2).add(unaryOps.square(g).mul(1 - this.beta2)));
        w.assign(w.sub(state.first!.mul(correctedLr).div(unaryOps.sqrt(state.second!).add(this.epsilon))));
        return;
      }
      case 'rmsprop':
        // MXNet's rmsprop_update (non-centered): n = (1 − γ1)·g² + γ1·n; w −= lr·g / √(n + ε).
        state.first!.assign(unaryOps.square(g).mul(1 - this.gamma1).add(state.first!.mul(this.gamma1)));
        w.assign(w.sub(g.mul(lr).div(unaryOps.sqrt(state.first!.add(this.epsilon)))));
        return;
      case 'adagrad':
        // MXNet's adagrad_update: history += g²; w −= lr·g / √(history + ε).
        state.first!.assign(state.first!.add(unaryOps.square(g)));
        w.assign(w.sub(g.mul(lr).div(unaryOps.sqrt(state.first!.add(this.epsilon)))));
        return;
    }
  }

  private stateOf(p: Parameter, w: NDArray): State {
    let state = this.states.get(p);
    if (state === undefined) {
      const needsFirst = this.optimizer !== 'sgd' || this.momentum !== 0;
      state = { first: needsFirst ? zerosLike(w) : null, second: this.optimizer === 'adam' ? zerosLike(w) : null };
      this.states.set(p, state);
    }
    return state;
  }

  toString(): string { return `Trainer(${this.optimizer}, learningRate=${this.lr}, ${this.params.size} parameters)`; }
}

function collect(params: TrainerParams): Map<string, Parameter> {
  if (params instanceof Block) return params.collectParams();
  if (params instanceof Map) {
    for (const [name, p] of params) if (!(p instanceof Parameter)) throw engineError('gluon.Trainer', `params['${String(name)}'] is not a gluon.Parameter: pass net.collectParams()`);
    return new Map(params);
  }
  if (Array.isArray(params)) {
    const out = new Map<string, Parameter>();
    params.forEach((p: unknown, i) => {
      if (!(p instanceof Parameter)) throw engineError('gluon.Trainer', `params[${i}] is not a gluon.Parameter (${describeValue(p)}): pass net.collectParams(), a block or a list of parameters`);
      out.set(out.has(p.name) ? `${p.name}#${i}` : p.name, p);
    });
    return out;
  }
  throw engineError('gluon.Trainer', `params must be net.collectParams(), a block or a list of parameters, got ${describeValue(params)}`);
}

function checkNumber(name: string, value: unknown, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw engineError('gluon.Trainer', `${name} must be a number${max === Infinity ? ` ≥ ${min}` : ` in [${min}, ${max}]`}, got ${describeValue(value)}`);
  }
  return value;
}
