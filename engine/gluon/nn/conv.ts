/**
 * Convolution and pooling layers (gluon.nn, MXNet 2 semantics, NCW / NCHW layout): Conv1D, Conv2D,
 * MaxPool1D/2D, AvgPool1D/2D, GlobalMaxPool1D/2D, GlobalAvgPool1D/2D, over npx.convolution and
 * npx.pooling.
 *
 * ```ts
 * const conv = new nn.Conv2D(1, [1, 2], { useBias: false });  // conv-layer.md's kernel, inChannels learned
 * conv.initialize();
 * conv.call(np.ones([1, 1, 6, 8])).shape;                     // [1, 1, 6, 7]
 * new nn.MaxPool2D(2).call(np.ones([1, 1, 4, 4])).shape;      // [1, 1, 2, 2]
 * ```
 */
import type { DType } from '../../dtype';
import { engineError } from '../../errors';
import type { NDArray } from '../../ndarray';
import { convolution, pooling } from '../../ops/conv';
import { checkOptions } from '../../strict';
import { Block, checkInput, layerName } from '../block';
import type { Initializer } from '../init';
import { Zero } from '../init';
import type { Parameter } from '../parameter';
import { activate, checkActivation, type ActivationName } from './basic';
import { expectSize, expectWindowFits, perAxis, positiveInteger, sizeOrDeferred, tuple, type PerAxis } from './checks';

export interface ConvOptions {
  /** Step between windows (default 1). */
  strides?: PerAxis;
  /** Zeros added on both sides of each spatial axis (default 0). */
  padding?: PerAxis;
  /** Spacing between the kernel's taps (default 1). */
  dilation?: PerAxis;
  /** Groups of channels convolved separately (default 1); it divides channels and inChannels. */
  groups?: number;
  /** Default true. */
  useBias?: boolean;
  activation?: ActivationName | null;
  /** The input's channels; 0 (default): learned at the first call. */
  inChannels?: number;
  dtype?: DType;
  weightInitializer?: Initializer | null;
  biasInitializer?: Initializer | null;
}

const CONV_OPTIONS = ['strides', 'padding', 'dilation', 'groups', 'useBias', 'activation', 'inChannels', 'dtype', 'weightInitializer', 'biasInitializer'];
const SPATIAL = ['', 'W', 'H, W'];

/** A convolution over `rank` spatial axes; weight (channels, inChannels/groups, …kernel), bias (channels,). */
abstract class Convolution extends Block {
  readonly channels: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
  readonly activation: ActivationName | null;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  private readonly rank: number;
  /** 'Conv2D': the class's name, spelled out (bundlers rename classes). */
  private readonly kind: string;

  protected constructor(kind: string, rank: number, channels: number, kernelSize: PerAxis, options: ConvOptions) {
    super();
    const op = `nn.${kind}`;
    checkOptions(op, options, CONV_OPTIONS);
    this.kind = kind;
    this.rank = rank;
    this.channels = positiveInteger(op, 'channels', channels);
    this.kernelSize = perAxis(op, 'kernelSize', kernelSize, rank, 1);
    this.strides = perAxis(op, 'strides', options.strides ?? 1, rank, 1);
    this.padding = perAxis(op, 'padding', options.padding ?? 0, rank, 0);
    this.dilation = perAxis(op, 'dilation', options.dilation ?? 1, rank, 1);
    this.groups = positiveInteger(op, 'groups', options.groups ?? 1);
    this.activation = checkActivation(op, options.activation);
    const inChannels = sizeOrDeferred(op, 'inChannels', options.inChannels);
    if (channels % this.groups !== 0 || inChannels % this.groups !== 0) {
      throw engineError(op, `groups ${this.groups} must divide channels (${channels})${inChannels ? ` and inChannels (${inChannels})` : ''}`);
    }
    const dtype = options.dtype;
    this.weight = this.params.get('weight', {
      shape: [channels, inChannels / this.groups, ...this.kernelSize], init: options.weightInitializer ?? null, ...(dtype ? { dtype } : {}),
    });
    this.bias = options.useBias === false ? null : this.params.get('bias', { shape: [channels], init: options.biasInitializer ?? new Zero(), ...(dtype ? { dtype } : {}) });
  }

  /** The input's channels, 0 while not known. */
  get inChannels(): number { return this.weight.shape[1]! * this.groups; }

  override forward(x: NDArray): NDArray {
    const input = checkInput(this, x, [this.rank + 2], `a ${this.rank + 2}-d input (N, C, ${SPATIAL[this.rank]})`);
    const channelsIn = input.shape[1]!;
    expectSize(this, input, 1, this.inChannels, 'input channels', this.weight);
    if (channelsIn % this.groups !== 0) {
      throw engineError(layerName(this), `groups ${this.groups} must divide the input's ${channelsIn} channels`);
    }
    expectWindowFits(this, input, this.kernelSize, this.padding, this.dilation);
    this.weight.inferShape([this.channels, channelsIn / this.groups, ...this.kernelSize], layerName(this));
    const out = convolution(input, this.weight.data(), this.bias?.data() ?? null, {
      kernel: this.kernelSize, stride: this.strides, pad: this.padding, dilate: this.dilation, numGroup: this.groups,
    });
    return activate(this.activation, out);
  }

  override describe(): string {
    const inChannels = this.inChannels;
    const settings = [`kernel_size=${tuple(this.kernelSize)}`, `stride=${tuple(this.strides)}`];
    if (this.padding.some((p) => p !== 0)) settings.push(`padding=${tuple(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) settings.push(`dilation=${tuple(this.dilation)}`);
    if (this.groups !== 1) settings.push(`groups=${this.groups}`);
    if (this.bias === null) settings.push('bias=False');
    if (this.activation) settings.push(this.activation);
    return `${this.kind}(${inChannels === 0 ? '' : `${inChannels} -> `}${this.channels}, ${settings.join(', ')})`;
  }
}

/** 1-D convolution of (N, C, W) data: `new nn.Conv1D(channels, kernelSize, options)`. */
export class Conv1D extends Convolution {
  constructor(channels: number, kernelSize: PerAxis, options: ConvOptions = {}) { super('Conv1D', 1, channels, kernelSize, options); }
}

/** 2-D convolution of (N, C, H, W) data: `new nn.Conv2D(channels, kernelSize, options)`, kernelSize a number or [kH, kW]. */
export class Conv2D extends Convolution {
  constructor(channels: number, kernelSize: PerAxis, options: ConvOptions = {}) { super('Conv2D', 2, channels, kernelSize, options); }
}

// ---- Pooling ----

export interface PoolOptions {
  /** Step between windows (default: the pool size, windows side by side). */
  strides?: PerAxis | null;
  /** Cells added on both sides of each spatial axis (default 0): −∞ for max, 0 for avg (counted in its divisor). */
  padding?: PerAxis;
}

/** Max or average of each window over `rank` spatial axes. */
abstract class Pooling extends Block {
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: readonly number[];
  readonly poolType: 'max' | 'avg';
  private readonly rank: number;
  private readonly kind: string;

  protected constructor(kind: string, rank: number, poolType: 'max' | 'avg', poolSize: PerAxis, options: PoolOptions) {
    super();
    const op = `nn.${kind}`;
    checkOptions(op, options, ['strides', 'padding']);
    this.kind = kind;
    this.rank = rank;
    this.poolType = poolType;
    this.poolSize = perAxis(op, 'poolSize', poolSize, rank, 1);
    this.strides = perAxis(op, 'strides', options.strides ?? this.poolSize, rank, 1);
    this.padding = perAxis(op, 'padding', options.padding ?? 0, rank, 0);
    this.padding.forEach((p, i) => {
      if (p >= this.poolSize[i]!) throw engineError(op, `padding ${p} must be smaller than the pool size ${this.poolSize[i]}: a window of padding only has no value`);
    });
  }

  override forward(x: NDArray): NDArray {
    const input = checkInput(this, x, [this.rank + 2], `a ${this.rank + 2}-d input (N, C, ${SPATIAL[this.rank]})`);
    expectWindowFits(this, input, this.poolSize, this.padding, this.poolSize.map(() => 1));
    return pooling(input, { kernel: this.poolSize, stride: this.strides, pad: this.padding, poolType: this.poolType });
  }

  override describe(): string {
    const padding = this.padding.some((p) => p !== 0) ? `, padding=${tuple(this.padding)}` : '';
    return `${this.kind}(size=${tuple(this.poolSize)}, stride=${tuple(this.strides)}${padding})`;
  }
}

/** `new nn.MaxPool1D(poolSize = 2, { strides = poolSize, padding = 0 })` on (N, C, W) data. */
export class MaxPool1D extends Pooling {
  constructor(poolSize: PerAxis = 2, options: PoolOptions = {}) { super('MaxPool1D', 1, 'max', poolSize, options); }
}

/** `new nn.MaxPool2D(poolSize = 2, { strides = poolSize, padding = 0 })` on (N, C, H, W) data. */
export class MaxPool2D extends Pooling {
  constructor(poolSize: PerAxis = 2, options: PoolOptions = {}) { super('MaxPool2D', 2, 'max', poolSize, options); }
}

/** `new nn.AvgPool1D(poolSize = 2, { strides = poolSize, padding = 0 })` on (N, C, W) data. */
export class AvgPool1D extends Pooling {
  constructor(poolSize: PerAxis = 2, options: PoolOptions = {}) { super('AvgPool1D', 1, 'avg', poolSize, options); }
}

/** `new nn.AvgPool2D(poolSize = 2, { strides = poolSize, padding = 0 })` on (N, C, H, W) data; padding counts in the divisor. */
export class AvgPool2D extends Pooling {
  constructor(poolSize: PerAxis = 2, options: PoolOptions = {}) { super('AvgPool2D', 2, 'avg', poolSize, options); }
}

/** One window over all spatial axes: (N, C, …) → (N, C, 1, …). */
abstract class GlobalPooling extends Block {
  readonly poolType: 'max' | 'avg';
  private readonly rank: number;
  private readonly kind: string;
  protected constructor(kind: string, rank: number, poolType: 'max' | 'avg') {
    super();
    this.kind = kind;
    this.rank = rank;
    this.poolType = poolType;
  }
  override forward(x: NDArray): NDArray {
    const input = checkInput(this, x, [this.rank + 2], `a ${this.rank + 2}-d input (N, C, ${SPATIAL[this.rank]})`);
    return pooling(input, { globalPool: true, poolType: this.poolType });
  }
  override describe(): string { return this.kind; }
}

export class GlobalMaxPool1D extends GlobalPooling { constructor() { super('GlobalMaxPool1D', 1, 'max'); } }
export class GlobalMaxPool2D extends GlobalPooling { constructor() { super('GlobalMaxPool2D', 2, 'max'); } }
export class GlobalAvgPool1D extends GlobalPooling { constructor() { super('GlobalAvgPool1D', 1, 'avg'); } }
export class GlobalAvgPool2D extends GlobalPooling { constructor() { super('GlobalAvgPool2D', 2, 'avg'); } }
