/**
 * `gluon.Parameter`: a named array of a layer, created with a shape that may be partly unknown (0:
 * `nn.Dense(10)` learns its input size at its first call, as MXNet does) and an initializer.
 * `data()` is the live array: the Trainer updates it in place (`assign`), so it keeps its identity,
 * `.grad` and its name in traces across steps.
 */
import type { DType } from '../dtype';
import { engineError, formatShape } from '../errors';
import type { GradReq, NDArray } from '../ndarray';
import { checkOptions } from '../strict';
import { DEFAULT_DTYPE } from '../dtype';
import { defaultInitializer, Initializer, type ParameterKind } from './init';

export interface ParameterOptions {
  /** Dimensions, 0 for those learned at the first call (default: a 0-d parameter). */
  shape?: number | readonly number[];
  dtype?: DType;
  /** This parameter's own initializer: it wins over the one `initialize()` is given. */
  init?: Initializer | null;
  /** 'write' (default), 'add' or 'null' (no gradient: BatchNorm's running statistics). */
  gradReq?: GradReq;
  /** What it is (weight, bias, …): picks gluon's default initializer. Default from its name. */
  kind?: ParameterKind;
}

const KINDS: readonly ParameterKind[] = ['weight', 'bias', 'gamma', 'beta', 'running_mean', 'running_var'];

/** Called with a parameter when its array is made (the trace names the array after it). */
export type ParameterWatcher = (parameter: Parameter, array: NDArray) => void;

export class Parameter {
  /** Its name within its block (`weight`); `collectParams` gives the structured one (`net.0.weight`). */
  readonly name: string;
  readonly dtype: DType;
  readonly gradReq: GradReq;
  readonly kind: ParameterKind;
  /** Its own initializer, if the layer gave it one. */
  readonly init: Initializer | null;
  private dims: number[];
  private value: NDArray | null = null;
  /** The initializer chosen by `initialize()`, waiting for the shape when it is still unknown. */
  private pending: Initializer | null = null;
  /** The initializer its array was made with. */
  private used: Initializer | null = null;

  constructor(name: string, options: ParameterOptions = {}) {
    checkOptions('gluon.Parameter', options, ['shape', 'dtype', 'init', 'gradReq', 'kind']);
    if (typeof name !== 'string' || name === '') throw engineError('gluon.Parameter', 'needs a name, such as \'weight\'');
    this.name = name;
    const shape = options.shape === undefined ? [] : typeof options.shape === 'number' ? [options.shape] : [...options.shape];
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw engineError('gluon.Parameter', `'${name}': the shape must hold non-negative integers (0: learned at the first call), got ${formatShape(shape)}`);
    this.dims = shape;
    this.dtype = options.dtype ?? DEFAULT_DTYPE;
    this.gradReq = options.gradReq ?? 'write';
    this.init = options.init ?? null;
    this.kind = options.kind ?? ((KINDS as readonly string[]).includes(name) ? name as ParameterKind : 'weight');
  }

  /** The shape; 0 where it is not known yet. */
  get shape(): readonly number[] { return this.dims; }

  /** Whether its array exists (initialized with a known shape). */
  get initialized(): boolean { return this.value !== null; }

  /** The initializer its array was made with (null before). */
  get initializer(): Initializer | null { return this.used; }

  /**
   * Makes the array (now, or at the first call when a dimension is unknown) with this parameter's
   * own initializer, else `init`, else gluon's default for its kind. An initialized parameter is
   * left alone unless `forceReinit`.
   */
  initialize(init: Initializer | null = null, options: { forceReinit?: boolean } = {}): void {
    checkOptions('Parameter.initialize', options, ['forceReinit']);
    if (init !== null && !(init instanceof Initializer)) throw engineError('Parameter.initialize', `'${this.name}': the initializer must be an init.* object (new init.Normal(0.01)), got ${String(init)}`);
    if (this.value !== null && !options.forceReinit) return;
    this.pending = this.init ?? init ?? defaultInitializer(this.kind);
    if (!this.dims.includes(0)) this.create();
  }

  /** Fills in the unknown (0) dimensions from the first call, and makes a deferred array. */
  inferShape(shape: readonly number[], layer: string): void {
    if (shape.length !== this.dims.length || this.dims.some((d, i) => d !== 0 && d !== shape[i])) {
      throw engineError(layer, `parameter '${this.name}' has shape ${formatShape(this.dims)} but the input needs ${formatShape(shape)}`);
    }
    if (!this.dims.includes(0)) return;
    this.dims = [...shape];
    if (this.pending !== null) this.create();
  }

  private create(): void {
    const array = this.pending!.create(this.dims, this.dtype);
    if (this.gradReq !== 'null') array.attachGrad(this.gradReq);
    this.used = this.pending;
    this.pending = null;
    if (this.value === null) this.value = array;
    else this.value.assign(array); // forceReinit: the same array, new values
    Parameter.made?.(this, this.value);
  }

  /** The live array (write to it with `assign`, or through `setData`). */
  data(): NDArray {
    if (this.value !== null) return this.value;
    if (this.pending !== null) {
      throw engineError('Parameter.data', `'${this.name}' has shape ${formatShape(this.dims)} with unknown (0) dimensions: it is made at the layer's first call, which has not happened yet`);
    }
    throw engineError('Parameter.data', `'${this.name}' is not initialized: call net.initialize() (or this parameter's initialize()) before using it`);
  }

  /** Its gradient buffer. */
  grad(): NDArray {
    const grad = this.data().grad;
    if (grad === null) throw engineError('Parameter.grad', `'${this.name}' has gradReq 'null': it has no gradient`);
    return grad;
  }

  /** Writes `value` into the parameter's array (its identity and gradient buffer stay). */
  setData(value: NDArray | number): void { this.data().assign(value); }

  /** Sets its gradient to zeros. */
  zeroGrad(): void {
    if (this.value?.grad) this.value.grad.assign(0);
  }

  toString(): string { return `Parameter ${this.name} (shape=${formatShape(this.dims)}, dtype=${this.dtype})`; }

  /** @internal Set by block.ts: tells a watching tool (GradLens capture) the array's structured name when a block's call makes it. */
  static made: ParameterWatcher | null = null;
}
