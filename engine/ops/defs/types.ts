/**
 * The shape of an op definition (defs/*.ts). Types only: a definitions file imports nothing the
 * build keeps, so the inspector can read its words without bundling the engine.
 */
import type { UnaryLoop } from '../../kernels/elementwise';
import type { NDArray } from '../../ndarray';
import type { Operand } from '../operand';

/** Where an op is in the API: its `np` or `npx` function and its `NDArray` method, by name. */
export interface OpApi {
  np?: string;
  npx?: string;
  method?: string;
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
  /** ∂L/∂a from the upstream gradient g = ∂L/∂out, the input a and the output out. */
  grad(g: NDArray, values: { a: NDArray; out: NDArray }, op: GradOps): NDArray;
  words: UnaryWords;
}
