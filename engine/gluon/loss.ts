/**
 * `gluon.loss`: losses as blocks, each giving one loss per example (shape (batch,)), the mean over
 * the other axes, as gluon does; the caller takes `.mean()` or lets `Trainer.step(batchSize)` divide.
 *
 * ```ts
 * const loss = new gluon.loss.SoftmaxCrossEntropyLoss();
 * const l = autograd.record(() => loss.call(net.call(X), y));   // shape (batch,)
 * l.backward();
 * ```
 *
 * Every loss takes `weight` (a scalar it multiplies the loss by, default 1) and an optional third
 * input to `call`, a sample weight broadcast against the loss before the mean.
 */
import { engineError, formatShape } from '../errors';
import { NDArray } from '../ndarray';
import { logaddexp, maximum, mul, where } from '../ops/elementwise';
import { reshape } from '../ops/layout';
import { pick } from '../ops/lookup';
import { logSoftmax } from '../ops/nn';
import { mean, sum } from '../ops/reduce';
import { unaryOps } from '../ops/unary';
import { checkOptions, describeValue } from '../strict';
import { Block, layerName } from './block';

export interface LossOptions {
  /** A scalar the loss is multiplied by (default 1). */
  weight?: number | null;
}

/** What every loss shares: the weight, the sample weight and the mean over non-batch axes. */
export abstract class Loss extends Block {
  readonly weight: number | null;

  constructor(name: string, options: LossOptions & Record<string, unknown>, keys: readonly string[]) {
    super();
    checkOptions(name, options, ['weight', ...keys]);
    const weight = options.weight ?? null;
    if (weight !== null && (typeof weight !== 'number' || !Number.isFinite(weight))) throw engineError(name, `weight must be a finite number, got ${describeValue(weight)}`);
    this.weight = weight;
  }

  /** The elementwise loss of `pred` against `label` (before weights and the mean). */
  protected abstract elementwise(pred: NDArray, label: NDArray): NDArray;

  override forward(...inputs: NDArray[]): NDArray {
    const name = layerName(this);
    if (inputs.length < 2 || inputs.length > 3) throw engineError(name, `takes (pred, label) or (pred, label, sampleWeight), got ${inputs.length} input${inputs.length === 1 ? '' : 's'}`);
    const [pred, label, sampleWeight] = inputs as [NDArray, NDArray, NDArray | undefined];
    for (const [what, x] of [['pred', pred], ['label', label], ...(sampleWeight === undefined ? [] : [['sampleWeight', sampleWeight]])] as [string, unknown][]) {
      if (!(x instanceof NDArray)) throw engineError(name, `${what} must be an NDArray, got ${describeValue(x)}`);
    }
    if (pred.ndim === 0) throw engineError(name, 'pred needs a batch axis, got a 0-d array');
    let loss = this.elementwise(pred, label);
    if (sampleWeight !== undefined) loss = mul(loss, sampleWeight);
    if (this.weight !== null) loss = loss.mul(this.weight);
    return loss.ndim <= 1 ? loss : mean(loss, range(1, loss.ndim));
  }

  override describe(): string { return this.constructor.name; }
}

/** label reshaped to pred's shape (gluon's reshape_like), refusing a different number of elements. */
function labelLike(loss: Loss, pred: NDArray, label: NDArray): NDArray {
  if (label.size !== pred.size) throw engineError(layerName(loss), `label has shape ${formatShape(label.shape)} but pred has shape ${formatShape(pred.shape)}: they need the same number of elements`);
  return label.ndim === pred.ndim && label.shape.every((d, i) => d === pred.shape[i]) ? label : reshape(label, pred.shape);
}

function range(start: number, stop: number): number[] {
  return Array.from({ length: stop - start }, (_, i) => start + i);
}

/** ½·(pred − label)². */
export class L2Loss extends Loss {
  constructor(options: LossOptions = {}) { super('gluon.loss.L2Loss', options as Record<string, unknown>, []); }
  protected elementwise(pred: NDArray, label: NDArray): NDArray {
    return unaryOps.square(pred.sub(labelLike(this, pred, label))).mul(0.5);
  }
}

/** |pred − label|. */
export class L1Loss extends Loss {
  constructor(options: LossOptions = {}) { super('gluon.loss.L1Loss', options as Record<string, unknown>, []); }
  protected elementwise(pred: NDArray, label: NDArray): NDArray {
    return unaryOps.abs(pred.sub(labelLike(this, pred, label)));
  }
}

export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  rho?: number;
}

/** |d| − ρ/2 where |d| > ρ, d²/(2ρ) elsewhere (d = pred − label). */
export class HuberLoss extends Loss {
  readonly rho: number;
  constructor(options: HuberLossOptions = {}) {
    super('gluon.loss.HuberLoss', options as Record<string, unknown>, ['rho']);
    const rho = options.rho ?? 1;
    if (typeof rho !== 'number' || !(rho > 0) || !Number.isFinite(rho)) throw engineError('gluon.loss.HuberLoss', `rho must be a positive number, got ${describeValue(rho)}`);
    this.rho = rho;
  }
  protected elementwise(pred: NDArray, label: NDArray): NDArray {
    const distance = unaryOps.abs(pred.sub(labelLike(this, pred, label)));
    return where(distance.greater(this.rho), distance.sub(0.5 * this.rho), unaryOps.square(distance).mul(0.5 / this.rho));
  }
}

export interface SigmoidBinaryCrossEntropyLossOptions extends LossOptions {
  /** pred holds probabilities (after a sigmoid), not logits (default false). */
  fromSigmoid?: boolean;
}

/**
 * −[y·log σ(x) + (1 − y)·log(1 − σ(x))], computed from the logits as max(x, 0) − x·y + log(1 + e^−|x|)
 * (no overflow); with `fromSigmoid`, from probabilities with log(p + 1e-12), as gluon.
 */
export class SigmoidBinaryCrossEntropyLoss extends Loss {
  readonly fromSigmoid: boolean;
  constructor(options: SigmoidBinaryCrossEntropyLossOptions = {}) {
    super('gluon.loss.SigmoidBinaryCrossEntropyLoss', options as Record<string, unknown>, ['fromSigmoid']);
    this.fromSigmoid = options.fromSigmoid ?? false;
  }
  protected elementwise(pred: NDArray, label: NDArray): NDArray {
    const y = labelLike(this, pred, label);
    if (!this.fromSigmoid) return maximum(pred, 0).sub(pred.mul(y)).add(logaddexp(unaryOps.abs(pred).neg(), 0));
    const eps = 1e-12;
    const logP = unaryOps.log(pred.add(eps));
    const logNotP = unaryOps.log(pred.neg().add(1 + eps));
    return logP.mul(y).add(logNotP.mul(y.neg().add(1))).neg();
  }
}

export interface SoftmaxCrossEntropyLossOptions extends LossOptions {
  /** The class axis (default −1). */
  axis?: number;
  /** Labels are class indices (default true); otherwise distributions of pred's shape. */
  sparseLabel?: boolean;
  /** pred holds log-probabilities already (default false: logits, log-softmaxed here). */
  fromLogits?: boolean;
}

/** −log softmax(pred)[label] (sparse labels), or −Σ label·log softmax(pred) along the class axis. */
export class SoftmaxCrossEntropyLoss extends Loss {
  readonly axis: number;
  readonly sparseLabel: boolean;
  readonly fromLogits: boolean;
  constructor(options: SoftmaxCrossEntropyLossOptions = {}) {
    super('gluon.loss.SoftmaxCrossEntropyLoss', options as Record<string, unknown>, ['axis', 'sparseLabel', 'fromLogits']);
    const axis = options.axis ?? -1;
    if (!Number.isInteger(axis)) throw engineError('gluon.loss.SoftmaxCrossEntropyLoss', `axis must be an integer, got ${describeValue(axis)}`);
    this.axis = axis;
    this.sparseLabel = options.sparseLabel ?? true;
    this.fromLogits = options.fromLogits ?? false;
  }

  protected elementwise(pred: NDArray, label: NDArray): NDArray {
    const name = layerName(this);
    const axis = this.axis < 0 ? this.axis + pred.ndim : this.axis;
    if (axis < 0 || axis >= pred.ndim) throw engineError(name, `axis ${this.axis} is out of range for pred of shape ${formatShape(pred.shape)}`);
    const logProbabilities = this.fromLogits ? pred : logSoftmax(pred, axis);
    if (!this.sparseLabel) {
      return sum(logProbabilities.mul(labelLike(this, pred, label)), axis, true).neg();
    }
    checkClassLabels(name, label, pred, axis);
    const removed = pred.shape.filter((_, i) => i !== axis);
    const index = label.ndim === removed.length ? label : reshape(label, removed);
    return pick(logProbabilities, index, { axis, keepdims: true }).neg();
  }
}

/** Sparse labels: numbers (int or float) holding whole class indices in [0, classes), one per example. */
function checkClassLabels(name: string, label: NDArray, pred: NDArray, axis: number): void {
  const removed = pred.shape.filter((_, i) => i !== axis);
  const kept = pred.shape.map((d, i) => (i === axis ? 1 : d));
  const same = (shape: readonly number[]) => label.ndim === shape.length && label.shape.every((d, i) => d === shape[i]);
  if (!same(removed) && !same(kept)) {
    throw engineError(name, `sparse labels need one class index per example, shape ${formatShape(removed)}, got ${formatShape(label.shape)} for pred of shape ${formatShape(pred.shape)} (one-hot labels: { sparseLabel: false })`);
  }
  if (label.dtype === 'bool') throw engineError(name, 'labels must be class indices (int or float), got a bool array');
  const classes = pred.shape[axis]!;
  const values = label._data;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isInteger(value)) throw engineError(name, `label ${value} at index ${i} is not a whole class index (labels hold class indices 0…${classes - 1}, int or float)`);
    if (value < 0 || value >= classes) throw engineError(name, `label ${value} at index ${i} is out of range for ${classes} classes (0…${classes - 1})`);
  }
}

export const loss = { Loss, L2Loss, L1Loss, HuberLoss, SigmoidBinaryCrossEntropyLoss, SoftmaxCrossEntropyLoss };
