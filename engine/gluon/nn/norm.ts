/**
 * Normalisation layers (gluon.nn, MXNet 2 semantics): BatchNorm over npx.batchNorm and LayerNorm
 * over npx.layerNorm. BatchNorm normalises with the batch's statistics and updates its running ones
 * in training mode (inside autograd.record or autograd.trainMode), and uses the running ones in
 * prediction mode.
 *
 * ```ts
 * const bn = new nn.BatchNorm();          // inChannels learned at the first call
 * bn.initialize();
 * autograd.record(() => bn.call(x));      // batch statistics; bn.runningMean moves towards them
 * bn.call(x);                             // prediction: the running statistics
 * ```
 */
import type { DType } from '../../dtype';
import { engineError, formatShape } from '../../errors';
import type { NDArray } from '../../ndarray';
import { batchNorm, layerNorm } from '../../ops/nn';
import { checkOptions } from '../../strict';
import { Block, checkInput, layerName } from '../block';
import { One, Zero, type Initializer } from '../init';
import type { Parameter } from '../parameter';
import { booleanSetting, expectSize, numberSetting, sizeOrDeferred } from './checks';

interface NormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  epsilon?: number;
  /** Learn a shift beta (default true); otherwise beta stays 0 (gradReq 'null'). */
  center?: boolean;
  /** Learn a scale gamma (default true); otherwise gamma stays 1 (gradReq 'null'). */
  scale?: boolean;
  /** The size of the normalised axis; 0 (default): learned at the first call. */
  inChannels?: number;
  dtype?: DType;
  betaInitializer?: Initializer | null;
  gammaInitializer?: Initializer | null;
}

export interface BatchNormLayerOptions extends NormOptions {
  /** The channel axis: statistics are taken over every other axis (default 1, NCHW's C). */
  axis?: number;
  /** Weight of the old running statistics in their update (default 0.9). */
  momentum?: number;
  runningMeanInitializer?: Initializer | null;
  runningVarianceInitializer?: Initializer | null;
}

export interface LayerNormLayerOptions extends NormOptions {
  /** The axis normalised over (default -1, the last). */
  axis?: number;
}

const NORM_OPTIONS = ['axis', 'epsilon', 'center', 'scale', 'inChannels', 'dtype', 'betaInitializer', 'gammaInitializer'];

/** The axis an input is normalised along, checked against its rank. */
function inputAxis(block: Block, input: NDArray, axis: number): number {
  const resolved = axis < 0 ? axis + input.ndim : axis;
  if (resolved < 0 || resolved >= input.ndim) {
    throw engineError(layerName(block), `axis ${axis} is out of range for an input of shape ${formatShape(input.shape)}`);
  }
  return resolved;
}

function checkAxis(op: string, axis: unknown, fallback: number): number {
  if (axis === undefined) return fallback;
  if (!Number.isInteger(axis)) throw engineError(op, `axis must be an integer, got ${String(axis)}`);
  return axis as number;
}

/** gamma and beta of one normalisation layer, of shape (inChannels,). */
function scaleAndShift(block: Block, op: string, options: NormOptions, inChannels: number): { gamma: Parameter; beta: Parameter } {
  const dtype = options.dtype ? { dtype: options.dtype } : {};
  const scale = booleanSetting(op, 'scale', options.scale, true);
  const center = booleanSetting(op, 'center', options.center, true);
  const gamma = block.params.get('gamma', { shape: [inChannels], init: options.gammaInitializer ?? new One(), gradReq: scale ? 'write' : 'null', kind: 'gamma', ...dtype });
  const beta = block.params.get('beta', { shape: [inChannels], init: options.betaInitializer ?? new Zero(), gradReq: center ? 'write' : 'null', kind: 'beta', ...dtype });
  return { gamma, beta };
}

/** `new nn.BatchNorm({ axis = 1, momentum = 0.9, epsilon = 1e-5, center = true, scale = true, inChannels = 0 })`. */
export class BatchNorm extends Block {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly gamma: Parameter;
  readonly beta: Parameter;
  /** The running mean (gradReq 'null'), updated in training mode. */
  readonly runningMean: Parameter;
  /** The running (biased) variance (gradReq 'null'), updated in training mode. */
  readonly runningVar: Parameter;

  constructor(options: BatchNormLayerOptions = {}) {
    super();
    const op = 'nn.BatchNorm';
    checkOptions(op, options, [...NORM_OPTIONS, 'momentum', 'runningMeanInitializer', 'runningVarianceInitializer']);
    this.axis = checkAxis(op, options.axis, 1);
    this.momentum = numberSetting(op, 'momentum', options.momentum, 0.9, 0);
    if (this.momentum > 1) throw engineError(op, `momentum must be in [0, 1], got ${this.momentum}`);
    this.epsilon = numberSetting(op, 'epsilon', options.epsilon, 1e-5, 0);
    const inChannels = sizeOrDeferred(op, 'inChannels', options.inChannels);
    ({ gamma: this.gamma, beta: this.beta } = scaleAndShift(this, op, options, inChannels));
    const dtype = options.dtype ? { dtype: options.dtype } : {};
    this.runningMean = this.params.get('running_mean', {
      shape: [inChannels], init: options.runningMeanInitializer ?? new Zero(), gradReq: 'null', kind: 'running_mean', ...dtype,
    });
    this.runningVar = this.params.get('running_var', {
      shape: [inChannels], init: options.runningVarianceInitializer ?? new One(), gradReq: 'null', kind: 'running_var', ...dtype,
    });
  }

  override forward(x: NDArray): NDArray {
    const input = checkInput(this, x, [1, 2, 3, 4, 5, 6], 'an input array with a channel axis');
    const axis = inputAxis(this, input, this.axis);
    expectSize(this, input, axis, this.gamma.shape[0]!, `channels on axis ${axis}`, this.gamma);
    const channels = [input.shape[axis]!];
    for (const parameter of [this.gamma, this.beta, this.runningMean, this.runningVar]) parameter.inferShape(channels, layerName(this));
    return batchNorm(input, this.gamma.data(), this.beta.data(), this.runningMean.data(), this.runningVar.data(), {
      eps: this.epsilon, momentum: this.momentum, axis,
    });
  }

  override describe(): string {
    const inChannels = this.gamma.shape[0]!;
    return `BatchNorm(axis=${this.axis}, eps=${this.epsilon}, momentum=${this.momentum}${inChannels === 0 ? '' : `, in_channels=${inChannels}`})`;
  }
}

/** `new nn.LayerNorm({ axis = -1, epsilon = 1e-5, center = true, scale = true, inChannels = 0 })`. */
export class LayerNorm extends Block {
  readonly axis: number;
  readonly epsilon: number;
  readonly gamma: Parameter;
  readonly beta: Parameter;

  constructor(options: LayerNormLayerOptions = {}) {
    super();
    const op = 'nn.LayerNorm';
    checkOptions(op, options, NORM_OPTIONS);
    this.axis = checkAxis(op, options.axis, -1);
    this.epsilon = numberSetting(op, 'epsilon', options.epsilon, 1e-5, 0);
    ({ gamma: this.gamma, beta: this.beta } = scaleAndShift(this, op, options, sizeOrDeferred(op, 'inChannels', options.inChannels)));
  }

  override forward(x: NDArray): NDArray {
    const input = checkInput(this, x, [1, 2, 3, 4, 5, 6], 'an input array with at least one axis');
    const axis = inputAxis(this, input, this.axis);
    expectSize(this, input, axis, this.gamma.shape[0]!, `features on axis ${axis}`, this.gamma);
    for (const parameter of [this.gamma, this.beta]) parameter.inferShape([input.shape[axis]!], layerName(this));
    return layerNorm(input, this.gamma.data(), this.beta.data(), { axis, eps: this.epsilon });
  }

  override describe(): string {
    const inChannels = this.gamma.shape[0]!;
    return `LayerNorm(axis=${this.axis}, eps=${this.epsilon}${inChannels === 0 ? '' : `, in_channels=${inChannels}`})`;
  }
}
