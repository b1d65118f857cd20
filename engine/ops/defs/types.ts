/**
 * The shape of an op definition (defs/*.ts). Types only: a definitions file imports nothing the
 * build keeps, so the inspector can read its words without bundling the engine.
 */
import type { UnaryLoop } from '../../kernels/elementwise';
import type { NDArray } from '../../ndarray';
import type { Operand } from '../operand';
import type { ConvolutionParams, PoolingParams } from './conv';
import type { NormOrder } from './reduce';
import type { PadMode } from './layout';
import type { NnAttrs } from './nn';

/**
 * Where an op is in the API: its `np` or `npx` function and its `NDArray` method, by name; none for
 * an op only gradient rules record (tanhGrad, takeGrad, a convolution's data gradient), which names
 * the op it is the gradient of instead (`gradientOf`).
 */
export interface OpApi {
  np?: string;
  npx?: string;
  method?: string;
  gradientOf?: string;
}

/** What the inspector's step panel says of a one-input op: a sentence, the forward formula, the local derivative. */
export interface UnaryWords {
  summary: string;
  formula: string;
  partial: string;
}

/**
 * The engine ops a gradient rule is written with. Handed to the rule when it runs (a definition
 * imports no engine code), and recorded like any op, so that with createGraph the gradient's own
 * computation can be differentiated.
 */
export interface GradOps {
  neg(a: NDArray): NDArray;
  add(a: Operand, b: Operand): NDArray;
  sub(a: Operand, b: Operand): NDArray;
  mul(a: Operand, b: Operand): NDArray;
  div(a: Operand, b: Operand): NDArray;
  sign(a: NDArray): NDArray;
  sin(a: NDArray): NDArray;
  cos(a: NDArray): NDArray;
  square(a: NDArray): NDArray;
  sqrt(a: NDArray): NDArray;
  exp(a: NDArray): NDArray;
  sinh(a: NDArray): NDArray;
  cosh(a: NDArray): NDArray;
  erf(a: NDArray): NDArray;
  sigmoid(a: NDArray): NDArray;
  zerosLike(a: NDArray): NDArray;
  /** g·(1 − y²): tanh's gradient given its output y. */
  tanhGrad(g: NDArray, y: NDArray): NDArray;
  /** g·y·(1 − y): sigmoid's gradient given its output y. */
  sigmoidGrad(g: NDArray, y: NDArray): NDArray;
  /** g where x > 0, else 0: relu's gradient given its input x. */
  reluGrad(g: NDArray, x: NDArray): NDArray;
}

export interface UnaryDefinition {
  api: OpApi;
  /** The result's dtype: the input's arithmetic type, or a float type (integers give float32). */
  result: 'arithmetic' | 'float';
  /** out[i] = f(a[i]) for i < n; refers to nothing outside itself. */
  loop: UnaryLoop;
  /**
   * The WebAssembly SIMD kernel that computes the same for float32 arrays, when there is one
   * (engine/wasm/elementwise.wat, run by kernels/wasmElementwise.ts); `loop` stays the reference.
   */
  wasm?: 'exp' | 'log' | 'tanh' | 'sigmoid' | 'relu';
  /** ∂L/∂a from the upstream gradient g = ∂L/∂out, the input a and the output out. */
  grad(g: NDArray, values: { a: NDArray; out: NDArray }, op: GradOps): NDArray;
  words: UnaryWords;
}

// ---- Ops of every shape (defs/nn.ts and the families after it) ----

/** What the inspector's step panel says of a recorded op: a sentence, the forward formula, one partial per input. */
export interface OpWords {
  summary: string;
  formula: string;
  partials: string[];
  /** The inputs' gradients are summed over broadcast axes (NumPy broadcasting of the operands). */
  broadcast: boolean;
}

/**
 * Attributes as a trace holds them: the inspector reads them from a file it did not write, so every
 * field may be missing or of any type, and `words` must say something sensible for each.
 */
export type TraceAttrs<A> = { readonly [K in keyof A]?: unknown };

/** What a gradient rule reads of a recorded op. */
export interface OpContext<A> {
  readonly inputs: readonly NDArray[];
  readonly output: NDArray;
  readonly attrs: A;
  /** Extra arrays the op kept for its gradient (a dropout mask, a sort permutation). */
  readonly saved: readonly NDArray[];
  readonly needsGrad: readonly boolean[];
}

export interface OpFlags {
  /** out[i] depends on the inputs at i only (after broadcasting): the inspector may plot f(x) (and ∂f/∂x, if differentiable). */
  elementwise: boolean;
  /** Some input can receive a gradient (comparisons and argmax cannot). */
  differentiable: boolean;
}

/**
 * One op of any arity, with attributes `A`. The public function (np/npx/method) checks its
 * arguments, computes with a kernel and records the op; everything else about the op is here.
 */
export interface OpDefinition<A> {
  api: OpApi;
  /** Its inputs as the step panel names them, in order; `'list'` for ops of any number of inputs (a₀, a₁, …). */
  inputs: readonly string[] | 'list';
  flags: OpFlags;
  /**
   * One gradient per input (null for one that needs none: `ctx.needsGrad`), written with engine ops
   * so that with createGraph it is differentiated again. The one line of math goes above it.
   */
  grad(g: NDArray, ctx: OpContext<A>, op: EngineOps): readonly (NDArray | null)[];
  /** The op run again on new inputs with its recorded attributes (and saved arrays): replay.ts. */
  replay(inputs: readonly NDArray[], attrs: A, op: EngineOps, saved: readonly NDArray[]): NDArray;
  /**
   * The step panel's words, from attributes as a trace holds them (`inputCount` for list ops),
   * written with the inspector's text helpers `say`.
   */
  words(attrs: TraceAttrs<A>, inputCount: number, say: Say): OpWords;
}

/**
 * How the step panel writes the values of attributes it read from a trace (webview/model/rules.ts
 * implements it): each takes anything and returns text, never throwing.
 */
export interface Say {
  /** A number at most 4 significant digits; a string as is; anything else as JSON writes it. */
  num(value: unknown): string;
  /** [1, 2] → "[1, 2]"; anything else as `num`. */
  list(value: unknown): string;
  /** A shape as the graph labels print shapes: (2, 3), (4,), scalar; (…) when it is no list. */
  shape(value: unknown): string;
  /** One axis: "axis 1"; `null` reads "the flattened array". */
  axis(value: unknown): string;
  /** Reduction axes: "axis [1]", "axes [0, 1]", "all axes" when missing. */
  axes(value: unknown): string;
  /** "along axis 1", or "of the flattened array" for null. */
  along(value: unknown): string;
  /** The name of input i of a list op: a₀, a₁, … */
  listInput(i: number): string;
}

/** The attributes of an op that records none. */
export type NoAttrs = Record<string, never>;

/** A family's table: one definition per op, attributes typed per op by the family's attribute map. */
export type OpDefinitions<Attrs> = { readonly [K in keyof Attrs]: OpDefinition<Attrs[K]> };

/** Reduction axes as ops take them: one, several, or all (null / omitted). */
export type AxisArgument = number | readonly number[] | null | undefined;

/**
 * The engine ops definitions are written with (gradients and replays), handed in when a rule runs:
 * a definition imports no engine code. Implemented by `ENGINE_OPS` in gradRules.ts.
 */
export interface EngineOps extends GradOps {
  sub(a: Operand, b: Operand): NDArray;
  pow(a: Operand, b: Operand): NDArray;
  exp(a: NDArray): NDArray;
  square(a: NDArray): NDArray;
  where(condition: Operand, a: Operand, b: Operand): NDArray;
  equal(a: Operand, b: Operand): NDArray;
  sum(a: NDArray, axis?: AxisArgument, keepdims?: boolean): NDArray;
  mean(a: NDArray, axis?: AxisArgument, keepdims?: boolean): NDArray;
  reshape(a: NDArray, shape: readonly number[]): NDArray;
  broadcastTo(a: NDArray, shape: readonly number[]): NDArray;
  transpose(a: NDArray, axes?: readonly number[]): NDArray;
  matmul(a: NDArray, b: NDArray): NDArray;
  copy(a: NDArray): NDArray;
  astype(a: NDArray, dtype: NDArray['dtype']): NDArray;
  /** Sums a broadcast gradient back to the shape of the operand that was broadcast. */
  sumToShape(g: NDArray, shape: readonly number[]): NDArray;
  softmax(a: NDArray, axis: number): NDArray;
  logSoftmax(a: NDArray, axis: number): NDArray;
  batchNorm(x: NDArray, gamma: NDArray, beta: NDArray, runningMean: NDArray, runningVar: NDArray,
    options: { eps: number; momentum: number; axis: number }): NDArray;
  log(a: NDArray): NDArray;
  maximum(a: Operand, b: Operand): NDArray;
  minimum(a: Operand, b: Operand): NDArray;
  notEqual(a: Operand, b: Operand): NDArray;
  less(a: Operand, b: Operand): NDArray;
  greater(a: Operand, b: Operand): NDArray;
  lessEqual(a: Operand, b: Operand): NDArray;
  greaterEqual(a: Operand, b: Operand): NDArray;
  clip(a: NDArray, min: number | null, max: number | null): NDArray;
  max(a: NDArray, axis?: AxisArgument, keepdims?: boolean): NDArray;
  min(a: NDArray, axis?: AxisArgument, keepdims?: boolean): NDArray;
  argmax(a: NDArray, axis?: number | null): NDArray;
  argmin(a: NDArray, axis?: number | null): NDArray;
  dot(a: NDArray, b: NDArray): NDArray;
  expandDims(a: NDArray, axis: number): NDArray;
  squeeze(a: NDArray, axis?: number | readonly number[] | null): NDArray;
  concatenate(arrays: readonly NDArray[], axis?: number): NDArray;
  stack(arrays: readonly NDArray[], axis?: number): NDArray;
  at(a: NDArray, index: number): NDArray;
  take(a: NDArray, indices: NDArray | number | readonly number[], axis?: number | null): NDArray;
  /** take's gradient: g scatter-added at `indices` into zeros of `shape`. */
  takeGrad(g: NDArray, indices: NDArray, axis: number | null, shape: readonly number[]): NDArray;
  takeAlongAxis(a: NDArray, indices: NDArray, axis: number): NDArray;
  /** takeAlongAxis's gradient: g scatter-added along `axis` into zeros of length `size`. */
  takeAlongAxisGrad(g: NDArray, indices: NDArray, axis: number, size: number): NDArray;
  sort(a: NDArray, axis?: number): NDArray;
  /** A 0-d array holding `value`. */
  scalarArray(value: number, dtype: NDArray['dtype']): NDArray;
  /** Whether arrays of `dtype` have gradients. */
  isFloat(dtype: NDArray['dtype']): boolean;
  convolution(data: NDArray, weight: NDArray, bias: NDArray | null, window: ConvolutionParams): NDArray;
  /** A convolution's data gradient: dy (N, O, …) transposed-convolved with the weight, of shape `dataShape`. */
  convolutionGradData(dy: NDArray, weight: NDArray, attrs: ConvolutionParams & { dataShape: readonly number[] }): NDArray;
  /** A convolution's weight gradient: the data correlated with dy, of shape `weightShape`. */
  convolutionGradWeight(data: NDArray, dy: NDArray, attrs: ConvolutionParams & { weightShape: readonly number[] }): NDArray;
  pooling(data: NDArray, params: PoolingParams): NDArray;
  /** A pooling's data gradient, of shape `dataShape`; max pooling's routes dy to the argmax indices. */
  poolingGrad(dy: NDArray, argmax: NDArray | null, attrs: PoolingParams & { dataShape: readonly number[] }): NDArray;
  // The NumPy ops var … einsum.
  abs(a: NDArray): NDArray;
  var(a: NDArray, axis: AxisArgument, options: { ddof: number; keepdims: boolean }): NDArray;
  std(a: NDArray, axis: AxisArgument, options: { ddof: number; keepdims: boolean }): NDArray;
  prod(a: NDArray, axis?: AxisArgument, keepdims?: boolean): NDArray;
  any(a: NDArray, axis?: AxisArgument, keepdims?: boolean): NDArray;
  all(a: NDArray, axis?: AxisArgument, keepdims?: boolean): NDArray;
  /** np.linalg.norm of a recorded kind: `axis` normalised, in NumPy's order. */
  norm(a: NDArray, ord: NormOrder, axis: readonly number[], keepdims: boolean): NDArray;
  logaddexp(a: Operand, b: Operand): NDArray;
  isnan(a: NDArray): NDArray;
  isinf(a: NDArray): NDArray;
  outer(a: NDArray, b: NDArray): NDArray;
  /** np.pad with one [before, after] pair per axis. */
  pad(a: NDArray, padWidth: readonly (readonly number[])[], mode: PadMode, constantValue: number): NDArray;
  /** pad's gradient: g summed back into `shape`. */
  padGrad(g: NDArray, padWidth: readonly (readonly number[])[], mode: PadMode, shape: readonly number[]): NDArray;
  repeat(a: NDArray, repeats: number | readonly number[], axis: number | null): NDArray;
  tile(a: NDArray, reps: number | readonly number[]): NDArray;
  flip(a: NDArray, axis?: AxisArgument): NDArray;
  /** One piece of np.split: [begin, end) along `axis`. */
  splitPiece(a: NDArray, axis: number, begin: number, end: number): NDArray;
  /** Running sums along `axis` (of the flattened array for null), from the end when `reverse`. */
  cumsum(a: NDArray, axis: number | null, reverse?: boolean): NDArray;
  /** einsum of an explicit equation, one letter per axis; an output label may repeat or name no operand's axis (its size from `shape`). */
  einsum(operands: readonly NDArray[], equation: string, shape: readonly number[]): NDArray;
  pick(data: NDArray, index: NDArray, options: NnAttrs['pick']): NDArray;
  oneHot(indices: NDArray, depth: number, options: Omit<NnAttrs['oneHot'], 'depth'>): NDArray;
  batchDot(a: NDArray, b: NDArray, options: NnAttrs['batchDot']): NDArray;
  sequenceMask(data: NDArray, sequenceLength: NDArray | null, options: NnAttrs['sequenceMask']): NDArray;
  maskedSoftmax(data: NDArray, mask: NDArray, options: NnAttrs['maskedSoftmax']): NDArray;
  layerNorm(data: NDArray, gamma: NDArray, beta: NDArray, options: NnAttrs['layerNorm']): NDArray;
  embedding(data: NDArray, weight: NDArray, options: NnAttrs['embedding']): NDArray;
  leakyRelu(data: NDArray, options: NnAttrs['leakyRelu']): NDArray;
}
