// Differential tests: every engine op that has a TensorFlow.js counterpart gives the same forward
// values and the same gradients (for a random head gradient) as @tensorflow/tfjs-core on its CPU
// backend, for the same random float32 inputs. TensorFlow.js is an independent implementation, so
// an agreement here checks both our kernels and our gradient rules.
//
// Each case is one mocha test: `ours` and `theirs` receive the same inputs (NDArrays / tf.Tensors)
// and must compute the same function. Inputs stay away from kinks (|x| near 0, ties, clip bounds) and
// from invalid domains, where the two libraries may legitimately pick different subgradients.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import './tfjs-quiet'; // before the registrations below
// Gradients are registered separately from the ops in tfjs-core (the union package does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { np, npx, autograd, NDArray } from 'gradlens';
import { assertClose, flat } from '../helpers';
import { seededUniform } from '../../bench/plain';

// ---------------------------------------------------------------------------------------------
// Deterministic inputs

/** A PRNG seeded from a string (FNV-1a), so each case's inputs do not depend on the test order. */
function rngFor(name: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return seededUniform(h);
}

interface InputSpec {
  shape: number[];
  /** Uniform range (default [-2, 2]). */
  range?: [number, number];
  /** Points to keep at least `margin` away from (kinks, clip bounds). */
  avoid?: number[];
  margin?: number;
  /** Round every value to a multiple of `snap.step` plus `snap.offset` (to force or prevent ties). */
  snap?: { step: number; offset?: number };
}

const size = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

function sample(rng: () => number, spec: InputSpec): Float32Array {
  const [lo, hi] = spec.range ?? [-2, 2];
  const margin = spec.margin ?? 0.05;
  const out = new Float32Array(size(spec.shape));
  for (let i = 0; i < out.length; i++) {
    let v: number;
    do {
      v = lo + (hi - lo) * rng();
      if (spec.snap) {
        const offset = spec.snap.offset ?? 0;
        v = offset + spec.snap.step * Math.round((v - offset) / spec.snap.step);
      }
    } while ((spec.avoid ?? []).some((p) => Math.abs(v - p) < margin) || v < lo || v > hi);
    out[i] = v;
  }
  return out;
}

const ndarray = (data: Float32Array | Int32Array, shape: readonly number[]): NDArray => np.array(data).reshape(shape);

/** Random non-differentiable constants, built into each side's function by the case itself. */
function randomBools(name: string, n: number): boolean[] {
  const rng = rngFor(`${name}/bools`);
  return Array.from({ length: n }, () => rng() < 0.5);
}

// ---------------------------------------------------------------------------------------------
// The generic checker

interface Tolerance { atol: number; rtol: number }

const DEFAULT_TOL: Tolerance = { atol: 1e-5, rtol: 1e-4 };
/** For sums and products over many elements, and for pow/log/exp (float32 rounding differs). */
const LOOSE_TOL: Tolerance = { atol: 1e-4, rtol: 5e-4 };

interface Case {
  name: string;
  inputs: InputSpec[];
  ours: (...xs: NDArray[]) => NDArray;
  theirs: (...ts: tf.Tensor[]) => tf.Tensor;
  /** Compare gradients too (default true; false for bool/int results and ops tfjs cannot differentiate). */
  grad?: boolean;
  /** For forward values and gradients (default DEFAULT_TOL). */
  tol?: Tolerance;
  /** Training mode while recording (default true, as autograd.record). */
  trainMode?: boolean;
}

interface Result { shape: number[]; dtype: string; values: number[] }

function read(t: tf.Tensor): Result {
  return { shape: [...t.shape], dtype: t.dtype, values: Array.from(t.dataSync()) };
}

function compareWith(actual: NDArray, expected: Result, tol: Tolerance, what: string): void {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  // tfjs has no int64: its int32 indices stand for our (MXNet's) int64 ones.
  assert.equal(actual.dtype === 'int64' ? 'int32' : actual.dtype, expected.dtype, `${what}: dtype`);
  if (actual.dtype === 'float32') assertClose(actual, expected.values, tol, what);
  else assert.deepEqual(flat(actual), expected.values, `${what}: values`);
}

function check(c: Case): void {
  const rng = rngFor(c.name);
  const data = c.inputs.map((spec) => sample(rng, spec));
  const shapes = c.inputs.map((spec) => spec.shape);
  const withGrad = c.grad ?? true;

  // Ours: forward inside record (so that gradients can follow), gradients for a random head.
  const xs = data.map((d, i) => ndarray(d, shapes[i]!));
  if (withGrad) xs.forEach((x) => x.attachGrad());
  const y = withGrad ? autograd.record(() => c.ours(...xs), { trainMode: c.trainMode ?? true }) : c.ours(...xs);

  // Theirs: the same forward.
  let expected!: Result;
  tf.tidy(() => { expected = read(c.theirs(...data.map((d, i) => tf.tensor(d, shapes[i]!)))); });
  compareWith(y, expected, c.tol ?? DEFAULT_TOL, `${c.name} forward`);
  if (!withGrad) return;

  const head = sample(rng, { shape: [...y.shape], range: [-1, 1] });
  const ourGrads = autograd.grad(y, xs, { headGrads: [ndarray(head, y.shape)] });
  let theirGrads!: Result[];
  tf.tidy(() => {
    const tensors = data.map((d, i) => tf.tensor(d, shapes[i]!));
    theirGrads = tf.grads((...ts: tf.Tensor[]) => c.theirs(...ts))(tensors, tf.tensor(head, [...y.shape])).map(read);
  });
  assert.equal(ourGrads.length, xs.length, `${c.name}: one gradient per input`);
  ourGrads.forEach((g, i) => compareWith(g, theirGrads[i]!, c.tol ?? DEFAULT_TOL, `${c.name} gradient of input ${i}`));
}

// ---------------------------------------------------------------------------------------------
// The cases

const POSITIVE: [number, number] = [0.2, 3];
const AWAY_FROM_ZERO: Pick<InputSpec, 'avoid' | 'margin'> = { avoid: [0], margin: 0.1 };

const elementwiseBinary: Case[] = [
  { name: 'add [3,4] + [4]', inputs: [{ shape: [3, 4] }, { shape: [4] }], ours: (a, b) => np.add(a, b), theirs: (a, b) => tf.add(a, b) },
  { name: 'add [2,1,3] + [4,1]', inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }], ours: (a, b) => np.add(a, b), theirs: (a, b) => tf.add(a, b) },
  { name: 'subtract [2,1,3] − [4,1]', inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }], ours: (a, b) => np.subtract(a, b), theirs: (a, b) => tf.sub(a, b) },
  { name: 'subtract [4] − [3,4]', inputs: [{ shape: [4] }, { shape: [3, 4] }], ours: (a, b) => np.subtract(a, b), theirs: (a, b) => tf.sub(a, b) },
  { name: 'multiply [3,4] · [3,4]', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }], ours: (a, b) => np.multiply(a, b), theirs: (a, b) => tf.mul(a, b) },
  { name: 'multiply [2,1,3] · [4,1]', inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }], ours: (a, b) => np.multiply(a, b), theirs: (a, b) => tf.mul(a, b) },
  { name: 'multiply by a number', inputs: [{ shape: [3, 4] }], ours: (a) => np.multiply(a, 2.5), theirs: (a) => tf.mul(a, 2.5) },
  {
    name: 'divide [3,4] / [3,1]', inputs: [{ shape: [3, 4] }, { shape: [3, 1], ...AWAY_FROM_ZERO, margin: 0.3 }],
    ours: (a, b) => np.divide(a, b), theirs: (a, b) => tf.div(a, b),
  },
  {
    name: 'divide [4] / [2,1,4]', inputs: [{ shape: [4] }, { shape: [2, 1, 4], ...AWAY_FROM_ZERO, margin: 0.3 }],
    ours: (a, b) => np.divide(a, b), theirs: (a, b) => tf.div(a, b),
  },
  {
    name: 'power [3,4] ** [3,4]', inputs: [{ shape: [3, 4], range: [0.5, 2] }, { shape: [3, 4], range: [-2, 2] }],
    ours: (a, b) => np.power(a, b), theirs: (a, b) => tf.pow(a, b), tol: LOOSE_TOL,
  },
  {
    name: 'power [3,4] ** [4]', inputs: [{ shape: [3, 4], range: [0.5, 2] }, { shape: [4], range: [-2, 2] }],
    ours: (a, b) => np.power(a, b), theirs: (a, b) => tf.pow(a, b), tol: LOOSE_TOL,
  },
  // a on odd multiples of 0.25, b on multiples of 0.5: never closer than 0.25, so no ties.
  {
    name: 'maximum [3,4] vs [3,4]', inputs: [{ shape: [3, 4], snap: { step: 0.5, offset: 0.25 } }, { shape: [3, 4], snap: { step: 0.5 } }],
    ours: (a, b) => np.maximum(a, b), theirs: (a, b) => tf.maximum(a, b),
  },
  {
    name: 'minimum [3,4] vs [3,4]', inputs: [{ shape: [3, 4], snap: { step: 0.5 } }, { shape: [3, 4], snap: { step: 0.5, offset: 0.25 } }],
    ours: (a, b) => np.minimum(a, b), theirs: (a, b) => tf.minimum(a, b),
  },
  // tfjs's Maximum/Minimum gradients are not summed over broadcast axes (they keep the output's
  // shape and tfjs then rejects them), so the reference broadcasts explicitly with tf.broadcastTo.
  {
    name: 'maximum [3,4] vs [4]', inputs: [{ shape: [3, 4], snap: { step: 0.5, offset: 0.25 } }, { shape: [4], snap: { step: 0.5 } }],
    ours: (a, b) => np.maximum(a, b), theirs: (a, b) => tf.maximum(a, tf.broadcastTo(b, [3, 4])),
  },
  {
    name: 'minimum [2,1,3] vs [4,1]', inputs: [{ shape: [2, 1, 3], snap: { step: 0.5, offset: 0.25 } }, { shape: [4, 1], snap: { step: 0.5 } }],
    ours: (a, b) => np.minimum(a, b), theirs: (a, b) => tf.minimum(tf.broadcastTo(a, [2, 4, 3]), tf.broadcastTo(b, [2, 4, 3])),
  },
];

const X34: InputSpec = { shape: [3, 4] };
const elementwiseUnary: Case[] = [
  { name: 'negative', inputs: [X34], ours: (a) => np.negative(a), theirs: (a) => tf.neg(a) },
  { name: 'abs', inputs: [{ ...X34, ...AWAY_FROM_ZERO }], ours: (a) => np.abs(a), theirs: (a) => tf.abs(a) },
  { name: 'exp', inputs: [X34], ours: (a) => np.exp(a), theirs: (a) => tf.exp(a), tol: LOOSE_TOL },
  { name: 'log', inputs: [{ shape: [3, 4], range: POSITIVE }], ours: (a) => np.log(a), theirs: (a) => tf.log(a), tol: LOOSE_TOL },
  { name: 'log1p', inputs: [{ shape: [3, 4], range: POSITIVE }], ours: (a) => np.log1p(a), theirs: (a) => tf.log1p(a), tol: LOOSE_TOL },
  { name: 'expm1', inputs: [X34], ours: (a) => np.expm1(a), theirs: (a) => tf.expm1(a), tol: LOOSE_TOL },
  { name: 'sqrt', inputs: [{ shape: [3, 4], range: POSITIVE }], ours: (a) => np.sqrt(a), theirs: (a) => tf.sqrt(a) },
  { name: 'square', inputs: [X34], ours: (a) => np.square(a), theirs: (a) => tf.square(a) },
  { name: 'sin', inputs: [{ shape: [3, 4], range: [-4, 4] }], ours: (a) => np.sin(a), theirs: (a) => tf.sin(a) },
  { name: 'cos', inputs: [{ shape: [3, 4], range: [-4, 4] }], ours: (a) => np.cos(a), theirs: (a) => tf.cos(a) },
  { name: 'tanh', inputs: [{ shape: [3, 4], range: [-3, 3] }], ours: (a) => np.tanh(a), theirs: (a) => tf.tanh(a) },
  { name: 'sign (gradient zero)', inputs: [{ ...X34, ...AWAY_FROM_ZERO }], ours: (a) => np.sign(a), theirs: (a) => tf.sign(a) },
  { name: 'relu', inputs: [{ ...X34, ...AWAY_FROM_ZERO }], ours: (a) => npx.relu(a), theirs: (a) => tf.relu(a) },
  { name: 'sigmoid', inputs: [{ shape: [3, 4], range: [-5, 5] }], ours: (a) => npx.sigmoid(a), theirs: (a) => tf.sigmoid(a) },
  // tfjs has no log2, log10 or gelu: the reference is their definition in tfjs ops.
  { name: 'log2 (vs ln a / ln 2)', inputs: [{ shape: [3, 4], range: POSITIVE }], ours: (a) => np.log2(a), theirs: (a) => tf.div(tf.log(a), Math.LN2), tol: LOOSE_TOL },
  { name: 'log10 (vs ln a / ln 10)', inputs: [{ shape: [3, 4], range: POSITIVE }], ours: (a) => np.log10(a), theirs: (a) => tf.div(tf.log(a), Math.LN10), tol: LOOSE_TOL },
  { name: 'tan', inputs: [{ shape: [3, 4], range: [-1.2, 1.2] }], ours: (a) => np.tan(a), theirs: (a) => tf.tan(a), tol: LOOSE_TOL },
  { name: 'arcsin', inputs: [{ shape: [3, 4], range: [-0.9, 0.9] }], ours: (a) => np.arcsin(a), theirs: (a) => tf.asin(a), tol: LOOSE_TOL },
  { name: 'arccos', inputs: [{ shape: [3, 4], range: [-0.9, 0.9] }], ours: (a) => np.arccos(a), theirs: (a) => tf.acos(a), tol: LOOSE_TOL },
  { name: 'arctan', inputs: [{ shape: [3, 4], range: [-4, 4] }], ours: (a) => np.arctan(a), theirs: (a) => tf.atan(a) },
  { name: 'sinh', inputs: [{ shape: [3, 4], range: [-3, 3] }], ours: (a) => np.sinh(a), theirs: (a) => tf.sinh(a), tol: LOOSE_TOL },
  { name: 'cosh', inputs: [{ shape: [3, 4], range: [-3, 3] }], ours: (a) => np.cosh(a), theirs: (a) => tf.cosh(a), tol: LOOSE_TOL },
  {
    name: 'reciprocal', inputs: [{ ...X34, ...AWAY_FROM_ZERO, margin: 0.3 }],
    ours: (a) => np.reciprocal(a), theirs: (a) => tf.reciprocal(a), tol: LOOSE_TOL,
  },
  { name: 'erf', inputs: [{ shape: [3, 4], range: [-3, 3] }], ours: (a) => npx.erf(a), theirs: (a) => tf.erf(a) },
  {
    name: 'gelu (vs a · (1 + erf(a/√2))/2)', inputs: [{ shape: [3, 4], range: [-4, 4] }],
    ours: (a) => npx.gelu(a), theirs: (a) => tf.mul(tf.mul(a, 0.5), tf.add(1, tf.erf(tf.mul(a, Math.SQRT1_2)))),
  },
  { name: 'logSigmoid', inputs: [{ shape: [3, 4], range: [-8, 8] }], ours: (a) => npx.logSigmoid(a), theirs: (a) => tf.logSigmoid(a) },
  // tfjs's logSigmoid gradient reads its input from a closure instead of saving it, and fails when
  // that input is an intermediate tensor (disposed by then): large inputs of either sign are two
  // cases, not one concatenation.
  { name: 'logSigmoid of large a (20 to 40)', inputs: [{ shape: [3, 4], range: [20, 40] }], ours: (a) => npx.logSigmoid(a), theirs: (a) => tf.logSigmoid(a) },
  { name: 'logSigmoid of large −a (−40 to −20)', inputs: [{ shape: [3, 4], range: [-40, -20] }], ours: (a) => npx.logSigmoid(a), theirs: (a) => tf.logSigmoid(a) },
  {
    name: 'clip to [-0.5, 0.7] (inputs away from the bounds)', inputs: [{ shape: [4, 5], avoid: [-0.5, 0.7], margin: 0.05 }],
    ours: (a) => np.clip(a, -0.5, 0.7), theirs: (a) => tf.clipByValue(a, -0.5, 0.7),
  },
];

// where: the condition is a random constant; a and b are differentiable and broadcast.
const whereCases: Case[] = [
  [[3, 4], [3, 4], [4]],
  [[3, 1], [4], [3, 4]],
].map(([condShape, aShape, bShape]) => {
  const name = `where cond ${JSON.stringify(condShape)}, a ${JSON.stringify(aShape)}, b ${JSON.stringify(bShape)}`;
  const cond = randomBools(name, size(condShape!));
  return {
    name, inputs: [{ shape: aShape! }, { shape: bShape! }],
    ours: (a: NDArray, b: NDArray) => np.where(np.array(cond).reshape(condShape!), a, b),
    theirs: (a: tf.Tensor, b: tf.Tensor) => tf.where(tf.tensor(cond, condShape, 'bool'), a, b),
  };
});

// Comparisons: values on a coarse grid, so that ties (equal elements) occur often.
const GRID: InputSpec['snap'] = { step: 0.5 };
const comparisons: Case[] = ([
  ['equal', np.equal, tf.equal],
  ['notEqual', np.notEqual, tf.notEqual],
  ['less', np.less, tf.less],
  ['greater', np.greater, tf.greater],
  ['lessEqual', np.lessEqual, tf.lessEqual],
  ['greaterEqual', np.greaterEqual, tf.greaterEqual],
] as const).map(([name, ours, theirs]) => ({
  name: `${name} [3,4] vs [4] (bool result, with ties)`,
  inputs: [{ shape: [3, 4], range: [-1, 1], snap: GRID }, { shape: [4], range: [-1, 1], snap: GRID }],
  ours: (a: NDArray, b: NDArray) => ours(a, b),
  theirs: (a: tf.Tensor, b: tf.Tensor) => theirs(a, b),
  grad: false,
}));

const X234: InputSpec = { shape: [2, 3, 4] };
const reductions: Case[] = [
  { name: 'sum over all axes', inputs: [X234], ours: (a) => np.sum(a), theirs: (a) => tf.sum(a), tol: LOOSE_TOL },
  { name: 'sum axis 1', inputs: [X234], ours: (a) => np.sum(a, 1), theirs: (a) => tf.sum(a, 1) },
  { name: 'sum axes [0, 2] keepdims', inputs: [X234], ours: (a) => np.sum(a, [0, 2], true), theirs: (a) => tf.sum(a, [0, 2], true), tol: LOOSE_TOL },
  { name: 'sum over 2000 elements', inputs: [{ shape: [40, 50] }], ours: (a) => np.sum(a, 0), theirs: (a) => tf.sum(a, 0), tol: LOOSE_TOL },
  { name: 'mean over all axes', inputs: [X234], ours: (a) => np.mean(a), theirs: (a) => tf.mean(a) },
  { name: 'mean axis -1 keepdims', inputs: [X234], ours: (a) => np.mean(a, -1, true), theirs: (a) => tf.mean(a, -1, true) },
  { name: 'mean axes [0, 1]', inputs: [X234], ours: (a) => np.mean(a, [0, 1]), theirs: (a) => tf.mean(a, [0, 1]) },
  { name: 'max over all axes', inputs: [X234], ours: (a) => np.max(a), theirs: (a) => tf.max(a) },
  { name: 'max axis 1', inputs: [X234], ours: (a) => np.max(a, 1), theirs: (a) => tf.max(a, 1) },
  { name: 'max axes [0, 2] keepdims', inputs: [X234], ours: (a) => np.max(a, [0, 2], true), theirs: (a) => tf.max(a, [0, 2], true) },
  { name: 'min axis -1', inputs: [X234], ours: (a) => np.min(a, -1), theirs: (a) => tf.min(a, -1) },
  { name: 'min axis 0 keepdims', inputs: [X234], ours: (a) => np.min(a, 0, true), theirs: (a) => tf.min(a, 0, true) },
  { name: 'argmax axis 1 (int64)', inputs: [X234], ours: (a) => np.argmax(a, 1), theirs: (a) => tf.argMax(a, 1), grad: false },
  { name: 'argmax of the flattened array', inputs: [X234], ours: (a) => np.argmax(a), theirs: (a) => tf.argMax(tf.reshape(a, [-1])), grad: false },
  { name: 'argmin axis -1 (int64)', inputs: [X234], ours: (a) => np.argmin(a, -1), theirs: (a) => tf.argMin(a, -1), grad: false },
  { name: 'argmin of the flattened array', inputs: [X234], ours: (a) => np.argmin(a), theirs: (a) => tf.argMin(tf.reshape(a, [-1])), grad: false },
];

const products: Case[] = [
  { name: 'dot 1-D · 1-D', inputs: [{ shape: [5] }, { shape: [5] }], ours: (a, b) => np.dot(a, b), theirs: (a, b) => tf.dot(a, b) },
  { name: 'dot 2-D · 1-D', inputs: [{ shape: [3, 5] }, { shape: [5] }], ours: (a, b) => np.dot(a, b), theirs: (a, b) => tf.dot(a, b) },
  { name: 'dot 1-D · 2-D', inputs: [{ shape: [3] }, { shape: [3, 5] }], ours: (a, b) => np.dot(a, b), theirs: (a, b) => tf.dot(a, b) },
  { name: 'dot 2-D · 2-D', inputs: [{ shape: [3, 5] }, { shape: [5, 4] }], ours: (a, b) => np.dot(a, b), theirs: (a, b) => tf.dot(a, b) },
  { name: 'matmul [3,4] @ [4,5]', inputs: [{ shape: [3, 4] }, { shape: [4, 5] }], ours: (a, b) => np.matmul(a, b), theirs: (a, b) => tf.matMul(a, b) },
  {
    name: 'matmul [20,30] @ [30,10]', inputs: [{ shape: [20, 30] }, { shape: [30, 10] }],
    ours: (a, b) => np.matmul(a, b), theirs: (a, b) => tf.matMul(a, b), tol: LOOSE_TOL,
  },
  { name: 'matmul batched [2,3,4] @ [2,4,5]', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4, 5] }], ours: (a, b) => np.matmul(a, b), theirs: (a, b) => tf.matMul(a, b) },
  // tfjs's matMul broadcasts batches in the forward pass, but its BatchMatMul gradient does not sum
  // over broadcast batches; broadcasting explicitly with tf.broadcastTo gives the reference gradient.
  {
    name: 'matmul broadcast batch [2,3,4] @ [4,5]', inputs: [{ shape: [2, 3, 4] }, { shape: [4, 5] }],
    ours: (a, b) => np.matmul(a, b), theirs: (a, b) => tf.matMul(a, tf.broadcastTo(b, [2, 4, 5])),
  },
  {
    name: 'matmul broadcast batch [2,1,3,4] @ [3,4,2]', inputs: [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }],
    ours: (a, b) => np.matmul(a, b), theirs: (a, b) => tf.matMul(tf.broadcastTo(a, [2, 3, 3, 4]), tf.broadcastTo(b, [2, 3, 4, 2])),
  },
];

/** int32 indices as both libraries want them. */
function takeCase(name: string, shape: number[], indices: number[], indexShape: number[], axis: number | null): Case {
  return {
    name, inputs: [{ shape }],
    ours: (a) => np.take(a, np.array(Int32Array.from(indices)).reshape(indexShape), axis),
    theirs: (a) => (axis === null
      ? tf.gather(tf.reshape(a, [-1]), tf.tensor(indices, indexShape, 'int32'))
      : tf.gather(a, tf.tensor(indices, indexShape, 'int32'), axis)),
  };
}

/**
 * takeAlongAxis on the last axis of a 2-D array. Forward against tf.gather with batchDims 1; the
 * gradient reference gathers from the flattened array (tfjs's batched gather gradient needs its
 * chained-op API), which gives the same function.
 */
function takeAlongAxisCase(name: string, shape: [number, number], indices: number[], width: number, batched: boolean): Case {
  const [rows, n] = shape;
  const flatIndices = indices.map((j, i) => Math.floor(i / width) * n + j);
  return {
    name, inputs: [{ shape }],
    ours: (a) => np.takeAlongAxis(a, np.array(Int32Array.from(indices)).reshape([rows, width]), 1),
    theirs: (a) => (batched
      ? tf.gather(a, tf.tensor(indices, [rows, width], 'int32'), 1, 1)
      : tf.reshape(tf.gather(tf.reshape(a, [-1]), tf.tensor1d(flatIndices, 'int32')), [rows, width])),
    grad: !batched,
  };
}

const layout: Case[] = [
  { name: 'transpose (axes reversed)', inputs: [X234], ours: (a) => np.transpose(a), theirs: (a) => tf.transpose(a) },
  { name: 'transpose axes [2, 0, 1]', inputs: [X234], ours: (a) => np.transpose(a, [2, 0, 1]), theirs: (a) => tf.transpose(a, [2, 0, 1]) },
  { name: 'reshape [2,3,4] → [4,-1]', inputs: [X234], ours: (a) => np.reshape(a, [4, -1]), theirs: (a) => tf.reshape(a, [4, -1]) },
  { name: 'reshape [2,3,4] → [6,4] then multiply', inputs: [X234, { shape: [6, 4] }], ours: (a, b) => np.reshape(a, [6, 4]).mul(b), theirs: (a, b) => tf.mul(tf.reshape(a, [6, 4]), b) },
  {
    name: 'concatenate axis 1', inputs: [{ shape: [2, 3] }, { shape: [2, 1] }, { shape: [2, 2] }],
    ours: (a, b, c) => np.concatenate([a, b, c], 1), theirs: (a, b, c) => tf.concat([a, b, c], 1),
  },
  {
    name: 'concatenate axis 0', inputs: [{ shape: [1, 3, 2] }, { shape: [2, 3, 2] }],
    ours: (a, b) => np.concatenate([a, b], 0), theirs: (a, b) => tf.concat([a, b], 0),
  },
  {
    name: 'stack axis 1', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [3, 4] }],
    ours: (a, b, c) => np.stack([a, b, c], 1), theirs: (a, b, c) => tf.stack([a, b, c], 1),
  },
  { name: 'stack axis 0', inputs: [{ shape: [4] }, { shape: [4] }], ours: (a, b) => np.stack([a, b]), theirs: (a, b) => tf.stack([a, b]) },
  { name: 'expandDims axis 1', inputs: [{ shape: [3, 4] }], ours: (a) => np.expandDims(a, 1), theirs: (a) => tf.expandDims(a, 1) },
  { name: 'expandDims axis -1', inputs: [{ shape: [3, 4] }], ours: (a) => np.expandDims(a, -1), theirs: (a) => tf.expandDims(a, -1) },
  { name: 'squeeze axes [0, 2]', inputs: [{ shape: [1, 3, 1, 4] }], ours: (a) => np.squeeze(a, [0, 2]), theirs: (a) => tf.squeeze(a, [0, 2]) },
  { name: 'squeeze all', inputs: [{ shape: [1, 3, 1, 4] }], ours: (a) => np.squeeze(a), theirs: (a) => tf.squeeze(a) },
  { name: 'broadcastTo [3,1] → [2,3,4]', inputs: [{ shape: [3, 1] }], ours: (a) => np.broadcastTo(a, [2, 3, 4]), theirs: (a) => tf.broadcastTo(a, [2, 3, 4]) },
  { name: 'broadcastTo [4] → [3,4]', inputs: [{ shape: [4] }], ours: (a) => np.broadcastTo(a, [3, 4]), theirs: (a) => tf.broadcastTo(a, [3, 4]) },
  takeCase('take axis 0 with repeated indices', [5, 3], [0, 2, 2, 4, 0, 2], [6], 0),
  takeCase('take axis 1 with 2-D repeated indices', [2, 3, 4], [2, 0, 1, 2, 2, 2], [2, 3], 1),
  takeCase('take axis -1', [3, 4], [3, 3, 1], [3], -1),
  takeCase('take from the flattened array (axis null)', [3, 4], [11, 0, 5, 5, 7], [5], null),
  takeAlongAxisCase('takeAlongAxis axis 1 vs gather with batchDims 1 (forward)', [3, 5], [4, 0, 4, 1, 1, 1, 3, 2, 0, 2, 2, 4], 4, true),
  takeAlongAxisCase('takeAlongAxis axis 1 with repeated indices (gradient)', [3, 5], [4, 0, 4, 1, 1, 1, 3, 2, 0, 2, 2, 4], 4, false),
  { name: 'copy', inputs: [X234], ours: (a) => np.copy(a), theirs: (a) => tf.clone(a) },
];

// Creation ops: no inputs, forward only.
const creation: Case[] = [
  { name: 'arange(2, 11, 1.5)', inputs: [], ours: () => np.arange(2, 11, 1.5), theirs: () => tf.range(2, 11, 1.5), grad: false },
  { name: 'linspace(-1, 2, 7)', inputs: [], ours: () => np.linspace(-1, 2, 7), theirs: () => tf.linspace(-1, 2, 7), grad: false },
  { name: 'eye(3, 4)', inputs: [], ours: () => np.eye(3, 4), theirs: () => tf.eye(3, 4), grad: false },
  { name: 'full([2, 3], 0.7)', inputs: [], ours: () => np.full([2, 3], 0.7), theirs: () => tf.fill([2, 3], 0.7), grad: false },
];

const nn: Case[] = [
  { name: 'softmax last axis', inputs: [{ shape: [3, 5] }], ours: (a) => npx.softmax(a), theirs: (a) => tf.softmax(a) },
  { name: 'softmax last axis of [2,3,4]', inputs: [X234], ours: (a) => npx.softmax(a, -1), theirs: (a) => tf.softmax(a, -1) },
  { name: 'softmax of large inputs (~1000)', inputs: [{ shape: [3, 5], range: [995, 1005] }], ours: (a) => npx.softmax(a), theirs: (a) => tf.softmax(a) },
  { name: 'logSoftmax last axis', inputs: [{ shape: [3, 5] }], ours: (a) => npx.logSoftmax(a), theirs: (a) => tf.logSoftmax(a) },
  {
    name: 'logSoftmax of large inputs (~1000) stays finite', inputs: [{ shape: [3, 5], range: [995, 1005] }],
    ours: (a) => npx.logSoftmax(a), theirs: (a) => tf.logSoftmax(a), tol: LOOSE_TOL,
  },
];

// Batch normalisation. tfjs normalises over the last axis, so x is [N, C] (ours: channel axis 1) or
// NHWC (ours: channel axis 3). In prediction mode the running statistics are constants; in training
// mode tfjs gets the batch statistics from tf.moments (biased variance, as ours).
const EPS = 1e-3;
function batchNormCases(): Case[] {
  const cases: Case[] = [];
  for (const shape of [[6, 3], [2, 3, 3, 4]]) {
    const channels = shape[shape.length - 1]!;
    const axis = shape.length - 1;
    const statsRng = rngFor(`batchNorm stats ${JSON.stringify(shape)}`);
    const runningMean = sample(statsRng, { shape: [channels], range: [-1, 1] });
    const runningVar = sample(statsRng, { shape: [channels], range: [0.5, 2] });
    const inputs: InputSpec[] = [{ shape, range: [-3, 3] }, { shape: [channels], range: [0.5, 1.5] }, { shape: [channels], range: [-1, 1] }];
    const reduceAxes = shape.slice(0, -1).map((_, i) => i);
    cases.push({
      name: `batchNorm prediction mode, x ${JSON.stringify(shape)}`,
      inputs,
      ours: (x, gamma, beta) => npx.batchNorm(x, gamma, beta, np.array(runningMean), np.array(runningVar), { eps: EPS, axis }),
      theirs: (x, gamma, beta) => tf.batchNorm(x, tf.tensor1d(runningMean), tf.tensor1d(runningVar), beta, gamma, EPS),
      trainMode: false,
    });
    cases.push({
      name: `batchNorm training mode (batch statistics), x ${JSON.stringify(shape)}`,
      inputs,
      ours: (x, gamma, beta) => npx.batchNorm(x, gamma, beta, np.array(runningMean), np.array(runningVar), { eps: EPS, axis }),
      theirs: (x, gamma, beta) => {
        const { mean, variance } = tf.moments(x, reduceAxes);
        return tf.batchNorm(x, mean, variance, beta, gamma, EPS);
      },
      tol: LOOSE_TOL,
    });
  }
  return cases;
}

// Convolution and pooling: ours are NCHW (MXNet), tfjs's NHWC, so the reference transposes in and out;
// its filters are (kH, kW, C, O), ours (O, C, kH, kW). Average pooling only without padding (tfjs
// leaves padded cells out of the divisor, MXNet counts them: test/unit/conv-kernels.test.ts).
const toNHWC = (x: tf.Tensor) => tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
const toNCHW = (x: tf.Tensor) => tf.transpose(x, [0, 3, 1, 2]);
const toFilter = (w: tf.Tensor) => tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
const samePad = (p: number): [[number, number], [number, number], [number, number], [number, number]] => [[0, 0], [p, p], [p, p], [0, 0]];
const convolutions: Case[] = [
  {
    name: 'convolution 3×3, stride 2, pad 1, bias', inputs: [{ shape: [2, 3, 6, 5] }, { shape: [4, 3, 3, 3] }, { shape: [4] }],
    ours: (x, w, b) => npx.convolution(x, w, b, { kernel: [3, 3], stride: 2, pad: 1 }),
    theirs: (x, w, b) => tf.add(toNCHW(tf.conv2d(toNHWC(x), toFilter(w), 2, samePad(1))), tf.reshape(b, [1, 4, 1, 1])),
    tol: LOOSE_TOL,
  },
  {
    name: "convolution 1×2 (d2l's edge detector shape), batch 2, no bias", inputs: [{ shape: [2, 1, 6, 8] }, { shape: [1, 1, 1, 2] }],
    ours: (x, w) => npx.convolution(x, w, { kernel: [1, 2] }),
    theirs: (x, w) => toNCHW(tf.conv2d(toNHWC(x), toFilter(w), 1, 'valid')),
  },
  {
    name: 'convolution 1-D, kernel 3, pad 2, stride 2', inputs: [{ shape: [2, 3, 9] }, { shape: [2, 3, 3] }, { shape: [2] }],
    ours: (x, w, b) => npx.convolution(x, w, b, { kernel: 3, pad: 2, stride: 2 }),
    theirs: (x, w, b) => {
      const nwc = tf.pad(tf.transpose(x, [0, 2, 1]), [[0, 0], [2, 2], [0, 0]]) as tf.Tensor3D;
      const y = tf.conv1d(nwc, tf.transpose(w, [2, 1, 0]) as tf.Tensor3D, 2, 'valid');
      return tf.add(tf.transpose(y, [0, 2, 1]), tf.reshape(b, [1, 2, 1]));
    },
  },
  {
    name: 'convolution with numGroup = C (depthwise, 2 filters per channel)', inputs: [{ shape: [2, 3, 5, 5] }, { shape: [6, 1, 3, 3] }],
    ours: (x, w) => npx.convolution(x, w, { kernel: [3, 3], pad: 1, numGroup: 3 }),
    theirs: (x, w) => toNCHW(tf.depthwiseConv2d(toNHWC(x), tf.transpose(tf.reshape(w, [3, 2, 3, 3]), [2, 3, 0, 1]) as tf.Tensor4D, 1, samePad(1))),
  },
  {
    name: 'pooling max 3×3, stride 2, pad 1 (overlapping windows)', inputs: [{ shape: [2, 3, 7, 6] }],
    ours: (x) => npx.pooling(x, { kernel: 3, stride: 2, pad: 1 }),
    theirs: (x) => toNCHW(tf.maxPool(toNHWC(x), 3, 2, samePad(1))),
  },
  { name: 'pooling max 2×2', inputs: [{ shape: [1, 2, 4, 4] }], ours: (x) => npx.pooling(x, { kernel: [2, 2] }), theirs: (x) => toNCHW(tf.maxPool(toNHWC(x), 2, 2, 'valid')) },
  {
    name: 'pooling avg 2×3, stride [2, 1]', inputs: [{ shape: [2, 2, 6, 5] }],
    ours: (x) => npx.pooling(x, { kernel: [2, 3], stride: [2, 1], poolType: 'avg' }),
    theirs: (x) => toNCHW(tf.avgPool(toNHWC(x), [2, 3], [2, 1], 'valid')),
  },
  {
    name: 'pooling avg 1-D, kernel 3, stride 2', inputs: [{ shape: [2, 3, 9] }],
    ours: (x) => npx.pooling(x, { kernel: 3, stride: 2, poolType: 'avg' }),
    theirs: (x) => tf.reshape(toNCHW(tf.avgPool(toNHWC(tf.reshape(x, [2, 3, 1, 9])), [1, 3], [1, 2], 'valid')), [2, 3, 4]),
  },
  { name: 'pooling global avg vs mean', inputs: [{ shape: [2, 3, 4, 5] }], ours: (x) => npx.pooling(x, { globalPool: true, poolType: 'avg' }), theirs: (x) => tf.mean(x, [2, 3], true) },
  { name: 'pooling global max vs max', inputs: [{ shape: [2, 3, 4, 5] }], ours: (x) => npx.pooling(x, { globalPool: true }), theirs: (x) => tf.max(x, [2, 3], true) },
];

// sort: tfjs has no sort, but topk(x, n) is a descending sort; reversed, it is ours. TopK has no
// gradient in tfjs, so the reference gradient gathers x at the sorting permutation (computed by
// topk on a detached copy of x): the gradient of that gather routes g back through the permutation.
// The gather reads the flattened x (tfjs's batched gather gradient needs its chained-op API).
function sortTheirs(x: tf.Tensor): tf.Tensor {
  const n = x.shape[x.shape.length - 1]!;
  const detached = tf.tensor(x.dataSync(), x.shape);
  const order = tf.reverse(tf.topk(detached, n).indices, -1).dataSync();
  const flatOrder = Array.from(order, (j, i) => Math.floor(i / n) * n + j);
  return tf.reshape(tf.gather(tf.reshape(x, [-1]), tf.tensor1d(flatOrder, 'int32')), x.shape);
}
const sorting: Case[] = [
  {
    name: 'argsort [3,6] last axis vs topk indices reversed (int64)', inputs: [{ shape: [3, 6] }],
    ours: (a) => np.argsort(a, -1), theirs: (a) => tf.reverse(tf.topk(a, 6).indices, -1), grad: false,
  },
  { name: 'sort [7] vs topk reversed (forward)', inputs: [{ shape: [7] }], ours: (a) => np.sort(a), theirs: (a) => tf.reverse(tf.topk(a, 7).values, -1), grad: false },
  { name: 'sort [3,6] last axis vs topk reversed (forward)', inputs: [{ shape: [3, 6] }], ours: (a) => np.sort(a, -1), theirs: (a) => tf.reverse(tf.topk(a, 6).values, -1), grad: false },
  { name: 'sort [7] gradient vs gather at the topk permutation', inputs: [{ shape: [7] }], ours: (a) => np.sort(a), theirs: sortTheirs },
  { name: 'sort [3,6] gradient vs gather at the topk permutation', inputs: [{ shape: [3, 6] }], ours: (a) => np.sort(a, -1), theirs: sortTheirs },
];

// var and std against tf.moments (the biased variance), prod, any, all and np.linalg.norm.
const statistics: Case[] = [
  { name: 'var over all axes vs moments', inputs: [X234], ours: (a) => np.var(a), theirs: (a) => tf.moments(a).variance },
  { name: 'var axis 1 keepdims vs moments', inputs: [X234], ours: (a) => np.var(a, 1, { keepdims: true }), theirs: (a) => tf.moments(a, 1, true).variance },
  { name: 'std axes [0, 2] vs √moments', inputs: [X234], ours: (a) => np.std(a, [0, 2]), theirs: (a) => tf.sqrt(tf.moments(a, [0, 2]).variance) },
  // tfjs's Prod gradient needs its chained-op API: the forward is checked against tf.prod, the
  // gradient against e^(Σ ln a) on positive inputs (the same function there).
  { name: 'prod axes [0, 2] keepdims vs tf.prod (forward)', inputs: [{ shape: [2, 3, 2], range: [-1.5, 1.5] }], ours: (a) => np.prod(a, [0, 2], true), theirs: (a) => tf.prod(a, [0, 2], true), grad: false },
  { name: 'prod axis 1 vs e^(Σ ln a)', inputs: [{ shape: [3, 4], range: [0.5, 1.5] }], ours: (a) => np.prod(a, 1), theirs: (a) => tf.exp(tf.sum(tf.log(a), 1)), tol: LOOSE_TOL },
  { name: 'any axis 1 (bool result)', inputs: [{ shape: [3, 4] }], ours: (a) => np.any(a.greater(1), 1), theirs: (a) => tf.any(tf.greater(a, 1), 1), grad: false },
  { name: 'all over all axes (bool result)', inputs: [{ shape: [3, 4] }], ours: (a) => np.all(a.greater(-1.5)), theirs: (a) => tf.all(tf.greater(a, -1.5)), grad: false },
  { name: 'norm of the flattened array', inputs: [X234], ours: (a) => np.linalg.norm(a), theirs: (a) => tf.norm(a) },
  { name: 'norm ord 2 along axis 1 keepdims', inputs: [X234], ours: (a) => np.linalg.norm(a, 2, 1, true), theirs: (a) => tf.norm(a, 2, 1, true) },
  { name: 'norm ord 1 along axis -1', inputs: [{ ...X234, ...AWAY_FROM_ZERO }], ours: (a) => np.linalg.norm(a, 1, -1), theirs: (a) => tf.norm(a, 1, -1) },
  { name: 'norm ord inf along axis 0', inputs: [{ ...X234, ...AWAY_FROM_ZERO }], ours: (a) => np.linalg.norm(a, Infinity, 0), theirs: (a) => tf.norm(a, Infinity, 0) },
  { name: 'matrix norm ord 1', inputs: [{ shape: [3, 4], ...AWAY_FROM_ZERO }], ours: (a) => np.linalg.norm(a, 1), theirs: (a) => tf.norm(a, 1, [0, 1]) },
  { name: 'matrix norm ord inf over axes [1, 2]', inputs: [{ ...X234, ...AWAY_FROM_ZERO }], ours: (a) => np.linalg.norm(a, Infinity, [1, 2]), theirs: (a) => tf.norm(a, Infinity, [1, 2]) },
  { name: "matrix norm 'fro' over axes [0, 2]", inputs: [X234], ours: (a) => np.linalg.norm(a, 'fro', [0, 2]), theirs: (a) => tf.norm(a, 'fro', [0, 2]) },
];

// logaddexp against tf.logSumExp over a stacked pair (tfjs stacks equal shapes: broadcast first).
const logaddexpTheirs = (a: tf.Tensor, b: tf.Tensor, shape: number[]) => tf.logSumExp(tf.stack([tf.broadcastTo(a, shape), tf.broadcastTo(b, shape)]), 0);
const moreElementwise: Case[] = [
  { name: 'logaddexp [3,4] and [4] vs logSumExp', inputs: [{ shape: [3, 4] }, { shape: [4] }], ours: (a, b) => np.logaddexp(a, b), theirs: (a, b) => logaddexpTheirs(a, b, [3, 4]) },
  {
    name: 'logaddexp of large inputs (~1000) vs logSumExp', inputs: [{ shape: [2, 3], range: [995, 1005] }, { shape: [2, 3], range: [995, 1005] }],
    ours: (a, b) => np.logaddexp(a, b), theirs: (a, b) => logaddexpTheirs(a, b, [2, 3]), tol: LOOSE_TOL,
  },
  { name: 'isnan of 0/0 and a (bool result)', inputs: [{ shape: [3, 4] }], ours: (a) => np.isnan(a.mul(a.greater(0)).div(a.mul(a.greater(0)))), theirs: (a) => tf.isNaN(tf.div(tf.mul(a, tf.greater(a, 0)), tf.mul(a, tf.greater(a, 0)))), grad: false },
  { name: 'isinf of 1/0 and a (bool result)', inputs: [{ shape: [3, 4] }], ours: (a) => np.isinf(np.divide(1, a.mul(a.greater(0)))), theirs: (a) => tf.isInf(tf.div(1, tf.mul(a, tf.greater(a, 0)))), grad: false },
  { name: 'outer [3] ⊗ [4] vs outerProduct', inputs: [{ shape: [3] }, { shape: [4] }], ours: (a, b) => np.outer(a, b), theirs: (a, b) => tf.outerProduct(a as tf.Tensor1D, b as tf.Tensor1D) },
];

const shapes: Case[] = [
  { name: 'pad constant vs tf.pad', inputs: [{ shape: [2, 3] }], ours: (a) => np.pad(a, [[1, 2], [0, 3]], { constantValues: 0.5 }), theirs: (a) => tf.pad(a, [[1, 2], [0, 3]], 0.5) },
  // tfjs's MirrorPad gradient only slices the middle out of dy, dropping what the mirrored copies
  // received: forward only (the gradients are gradcheck's, test/unit/gradients.test.ts).
  { name: "pad reflect vs mirrorPad 'reflect' (forward)", inputs: [{ shape: [3, 4] }], ours: (a) => np.pad(a, [[2, 1], [3, 0]], { mode: 'reflect' }), theirs: (a) => tf.mirrorPad(a, [[2, 1], [3, 0]], 'reflect'), grad: false },
  { name: "pad symmetric vs mirrorPad 'symmetric' (forward)", inputs: [{ shape: [3, 4] }], ours: (a) => np.pad(a, [[3, 1], [2, 4]], { mode: 'symmetric' }), theirs: (a) => tf.mirrorPad(a, [[3, 1], [2, 4]], 'symmetric'), grad: false },
  { name: 'tile [2,3] by [2, 3]', inputs: [{ shape: [2, 3] }], ours: (a) => np.tile(a, [2, 3]), theirs: (a) => tf.tile(a, [2, 3]) },
  { name: 'tile [2,1,3] by [1, 4, 2] (method)', inputs: [{ shape: [2, 1, 3] }], ours: (a) => a.tile([1, 4, 2]), theirs: (a) => tf.tile(a, [1, 4, 2]) },
  { name: 'flip axis 1 vs reverse', inputs: [X234], ours: (a) => np.flip(a, 1), theirs: (a) => tf.reverse(a, 1) },
  { name: 'flip every axis vs reverse', inputs: [X234], ours: (a) => np.flip(a), theirs: (a) => tf.reverse(a) },
  { name: 'split the middle piece vs tf.split sizes [1, 2, 2]', inputs: [{ shape: [3, 5] }], ours: (a) => np.split(a, [1, 3], 1)[1]!, theirs: (a) => tf.split(a, [1, 2, 2], 1)[1]! },
  {
    name: 'split into 3 sections, every piece used', inputs: [{ shape: [6, 2] }],
    ours: (a) => { const [p, q, r] = np.split(a, 3); return p!.mul(q!).add(r!); },
    theirs: (a) => { const [p, q, r] = tf.split(a, 3); return tf.add(tf.mul(p!, q!), r!); },
  },
  // repeat: tfjs has none; a gather at the repeated positions is the same function.
  { name: 'repeat [2, 0, 1] along axis 0 vs gather', inputs: [{ shape: [3, 4] }], ours: (a) => np.repeat(a, [2, 0, 1], 0), theirs: (a) => tf.gather(a, tf.tensor1d([0, 0, 2], 'int32'), 0) },
];

// einsum: tfjs has no Einsum gradient (forward only; the gradients are gradcheck's).
const mathOps: Case[] = [
  // tfjs's Cumsum gradient has the wrong shape for any axis but the last ((2, 4, 3) for an input
  // (2, 3, 4) summed along axis 1): forward only there.
  { name: 'cumsum axis 1 (forward)', inputs: [X234], ours: (a) => np.cumsum(a, 1), theirs: (a) => tf.cumsum(a, 1), grad: false },
  { name: 'cumsum axis 0 (forward)', inputs: [{ shape: [3, 4] }], ours: (a) => np.cumsum(a, 0), theirs: (a) => tf.cumsum(a, 0), grad: false },
  { name: 'cumsum axis -1', inputs: [X234], ours: (a) => np.cumsum(a, -1), theirs: (a) => tf.cumsum(a, 2) },
  { name: 'cumsum flattened', inputs: [{ shape: [3, 4] }], ours: (a) => np.cumsum(a), theirs: (a) => tf.cumsum(tf.reshape(a, [-1])), tol: LOOSE_TOL },
  { name: "einsum 'ij,jk->ik' (forward)", inputs: [{ shape: [3, 4] }, { shape: [4, 5] }], ours: (a, b) => np.einsum('ij,jk->ik', a, b), theirs: (a, b) => tf.einsum('ij,jk->ik', a, b), grad: false },
  { name: "einsum 'bij,bjk->bik' (forward)", inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4, 2] }], ours: (a, b) => np.einsum('bij,bjk->bik', a, b), theirs: (a, b) => tf.einsum('bij,bjk->bik', a, b), grad: false },
  { name: "einsum 'i,i->' (forward)", inputs: [{ shape: [5] }, { shape: [5] }], ours: (a, b) => np.einsum('i,i->', a, b), theirs: (a, b) => tf.einsum('i,i->', a, b), grad: false },
  { name: "einsum 'ij->ji' (forward)", inputs: [{ shape: [3, 4] }], ours: (a) => np.einsum('ij->ji', a), theirs: (a) => tf.einsum('ij->ji', a), grad: false },
  { name: "einsum 'ij,jk->ik' gradient vs matMul", inputs: [{ shape: [3, 4] }, { shape: [4, 5] }], ours: (a, b) => np.einsum('ij,jk->ik', a, b), theirs: (a, b) => tf.matMul(a, b) },
];

// MXNet's npx layers and lookups. tfjs has oneHot, batched matMul (with transposes), leakyRelu, elu
// and gather; pick is a product with a one-hot matrix, layerNorm goes through tf.moments, and
// maskedSoftmax is tf.softmax of the data with masked positions at −1e9, times the mask (so that a
// row masked entirely is 0, as ours, not NaN). tf.softmax reads the last axis only.
const ONEHOT = (indices: number[], depth: number) => tf.oneHot(tf.tensor1d(indices, 'int32'), depth, 1, 0, 'float32');
const clipTo = (indices: number[], size: number) => indices.map((j) => Math.min(Math.max(Math.trunc(j), 0), size - 1));
function maskedSoftmaxCase(name: string, shape: [number, number], maskShape: number[], temperature: number): Case {
  const bools = randomBools(name, size(maskShape));
  if (maskShape.length === 2) bools.fill(false, 0, maskShape[1]); // the first row masked entirely
  else bools[0] = true;
  const full = maskShape.length === 2 ? bools : Array.from({ length: size(shape) }, (_, i) => bools[i % shape[1]]!);
  return {
    name, inputs: [{ shape }],
    ours: (a) => npx.maskedSoftmax(a, np.array(bools).reshape(maskShape), { temperature }),
    theirs: (a) => {
      const mask = tf.tensor(full, shape, 'bool');
      const masked = tf.where(mask, tf.div(a, temperature), tf.fill(shape, -1e9));
      return tf.mul(tf.softmax(masked), tf.cast(mask, 'float32'));
    },
  };
}
function sequenceMaskCase(name: string, shape: number[], lengths: number[], axis: 0 | 1, value: number): Case {
  const keep = Array.from({ length: size(shape) }, (_, i) => {
    const inner = size(shape.slice(2));
    const [a, b] = [Math.floor(i / inner / shape[1]!), Math.floor(i / inner) % shape[1]!];
    return axis === 0 ? a < lengths[b]! : b < lengths[a]!;
  });
  return {
    name, inputs: [{ shape }],
    ours: (x) => npx.sequenceMask(x, np.array(Int32Array.from(lengths)), { axis, value }),
    theirs: (x) => tf.where(tf.tensor(keep, shape, 'bool'), x, tf.fill(shape, value)),
  };
}
const layerNormTheirs = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, axis: number, eps: number) => {
  const { mean, variance } = tf.moments(x, axis, true);
  const featureShape = x.shape.map((dim, i) => (i === axis ? dim : 1));
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), tf.reshape(gamma, featureShape)), tf.reshape(beta, featureShape));
};
const PICKED = [4, 0, 7, -3];
const EMBEDDED = [5, 0, 2, 2, 5, 1];
const npxCases: Case[] = [
  {
    name: 'pick last axis, out-of-range indices clipped (vs one-hot product)', inputs: [{ shape: [4, 5] }],
    ours: (a) => npx.pick(a, np.array(PICKED)), theirs: (a) => tf.sum(tf.mul(a, ONEHOT(clipTo(PICKED, 5), 5)), -1),
  },
  {
    name: 'pick axis 0, keepdims (vs one-hot product)', inputs: [{ shape: [3, 4] }],
    ours: (a) => npx.pick(a, np.array([2, 0, 1, 2]), { axis: 0, keepdims: true }),
    theirs: (a) => tf.sum(tf.mul(a, tf.transpose(ONEHOT([2, 0, 1, 2], 3))), 0, true),
  },
  {
    name: "pick mode 'wrap' (vs gather from the flattened array)", inputs: [{ shape: [3, 4] }],
    ours: (a) => npx.pick(a, np.array([-1, 5, 2]), { mode: 'wrap' }),
    theirs: (a) => tf.gather(tf.reshape(a, [-1]), tf.tensor1d([3, 4 + 1, 8 + 2], 'int32')),
  },
  {
    name: 'oneHot of whole float indices, some out of range', inputs: [{ shape: [2, 5], range: [-1, 4], snap: { step: 1 } }],
    ours: (a) => npx.oneHot(a, 4, { onValue: 2, offValue: -1 }), theirs: (a) => tf.oneHot(tf.cast(a, 'int32'), 4, 2, -1, 'float32'), grad: false,
  },
  ...([[false, false], [true, false], [false, true], [true, true]] as const).map(([transposeA, transposeB]): Case => ({
    name: `batchDot transposeA ${transposeA}, transposeB ${transposeB} (vs matMul)`,
    inputs: [{ shape: transposeA ? [2, 4, 3] : [2, 3, 4] }, { shape: transposeB ? [2, 5, 4] : [2, 4, 5] }],
    ours: (a, b) => npx.batchDot(a, b, { transposeA, transposeB }), theirs: (a, b) => tf.matMul(a, b, transposeA, transposeB),
  })),
  {
    name: 'batchDot with two batch axes (vs matMul)', inputs: [{ shape: [2, 3, 2, 4] }, { shape: [2, 3, 4, 3] }],
    ours: (a, b) => npx.batchDot(a, b), theirs: (a, b) => tf.matMul(a, b),
  },
  sequenceMaskCase('sequenceMask axis 0, (T, N, C) = (4, 3, 2), value −1 (vs where)', [4, 3, 2], [2, 4, 0], 0, -1),
  sequenceMaskCase('sequenceMask axis 1, (N, T) = (3, 4) (vs where)', [3, 4], [1, 3, 4], 1, 0),
  maskedSoftmaxCase('maskedSoftmax last axis, a row masked entirely', [3, 5], [3, 5], 1),
  maskedSoftmaxCase('maskedSoftmax, mask [5] broadcast, temperature 0.5', [3, 5], [5], 0.5),
  {
    name: 'layerNorm last axis (vs moments)', inputs: [{ shape: [3, 5], range: [-3, 3] }, { shape: [5], range: [0.5, 1.5] }, { shape: [5] }],
    ours: (x, gamma, beta) => npx.layerNorm(x, gamma, beta, { eps: EPS }), theirs: (x, gamma, beta) => layerNormTheirs(x, gamma, beta, 1, EPS), tol: LOOSE_TOL,
  },
  {
    name: 'layerNorm axis 1 of [2,3,4] (vs moments)', inputs: [{ shape: [2, 3, 4], range: [-3, 3] }, { shape: [3], range: [0.5, 1.5] }, { shape: [3] }],
    ours: (x, gamma, beta) => npx.layerNorm(x, gamma, beta, { axis: 1, eps: EPS }), theirs: (x, gamma, beta) => layerNormTheirs(x, gamma, beta, 1, EPS), tol: LOOSE_TOL,
  },
  {
    name: 'embedding [2,3] indices, rows read twice (vs gather)', inputs: [{ shape: [6, 3] }],
    ours: (w) => npx.embedding(np.array(Int32Array.from(EMBEDDED)).reshape([2, 3]), w),
    theirs: (w) => tf.gather(w, tf.tensor(EMBEDDED, [2, 3], 'int32')),
  },
  { name: 'leakyRelu slope 0.1 (vs leakyRelu)', inputs: [{ ...X34, ...AWAY_FROM_ZERO }], ours: (a) => npx.leakyRelu(a, { slope: 0.1 }), theirs: (a) => tf.leakyRelu(a, 0.1) },
  { name: 'leakyRelu elu, slope 1 (vs elu)', inputs: [{ ...X34, ...AWAY_FROM_ZERO }], ours: (a) => npx.leakyRelu(a, { actType: 'elu', slope: 1 }), theirs: (a) => tf.elu(a) },
  {
    name: 'leakyRelu elu, slope 0.5 (vs relu(a) + 0.5 · elu(−relu(−a)))', inputs: [{ ...X34, ...AWAY_FROM_ZERO }],
    ours: (a) => npx.leakyRelu(a, { actType: 'elu', slope: 0.5 }), theirs: (a) => tf.add(tf.relu(a), tf.mul(tf.elu(tf.neg(tf.relu(tf.neg(a)))), 0.5)),
  },
];

const groups: [string, Case[]][] = [
  ['elementwise binary ops (with broadcasting)', elementwiseBinary],
  ['elementwise unary ops', elementwiseUnary],
  ['where', whereCases],
  ['comparisons', comparisons],
  ['reductions', reductions],
  ['dot and matmul', products],
  ['shape and indexing ops', layout],
  ['creation', creation],
  ['softmax and logSoftmax', nn],
  ['batchNorm', batchNormCases()],
  ['convolution and pooling', convolutions],
  ['sort', sorting],
  ['var, std, prod, any, all, norm', statistics],
  ['logaddexp, isnan, isinf, outer', moreElementwise],
  ['pad, tile, flip, split, repeat', shapes],
  ['cumsum, einsum', mathOps],
  ['npx layers and lookups', npxCases],
];

// ---------------------------------------------------------------------------------------------

suite('differential tests against TensorFlow.js (tfjs-core, CPU backend)', () => {
  let tensorsBefore = 0;

  suiteSetup(async () => {
    // tfjs's warnings (the "install our node backend" notice) are silenced by production mode,
    // which in tfjs-core only gates its warn()/log() output.
    tf.enableProdMode();
    assert.ok(await tf.setBackend('cpu'), 'the tfjs CPU backend is available');
    await tf.ready();
    tensorsBefore = tf.memory().numTensors;
  });

  test('tfjs is the ESM build with gradients registered (a self-check of the setup)', () => {
    assert.equal(tf.getBackend(), 'cpu');
    let grad!: number[];
    tf.tidy(() => { grad = Array.from(tf.grad((x: tf.Tensor) => tf.div(x, 2))(tf.tensor([1, 2])).dataSync()); });
    assert.deepEqual(grad, [0.5, 0.5]);
  });

  for (const [group, cases] of groups) {
    suite(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }

  test('batchNorm training mode updates the running statistics from tf.moments', () => {
    const x = sample(rngFor('batchNorm running'), { shape: [8, 3], range: [-3, 3] });
    const runningMean = np.array([0.1, -0.2, 0.3]);
    const runningVar = np.array([1, 0.5, 2]);
    const before = { mean: flat(runningMean), variance: flat(runningVar) };
    autograd.record(() => npx.batchNorm(ndarray(x, [8, 3]), np.ones([3]), np.zeros([3]), runningMean, runningVar, { momentum: 0.8 }));
    let mean!: number[];
    let variance!: number[];
    tf.tidy(() => {
      const moments = tf.moments(tf.tensor(x, [8, 3]), 0);
      mean = Array.from(moments.mean.dataSync());
      variance = Array.from(moments.variance.dataSync());
    });
    assertClose(runningMean, before.mean.map((m, c) => 0.8 * m + 0.2 * mean[c]!), DEFAULT_TOL, 'running mean');
    assertClose(runningVar, before.variance.map((v, c) => 0.8 * v + 0.2 * variance[c]!), DEFAULT_TOL, 'running variance');
  });

  test('every tfjs tensor made by these tests was disposed', () => {
    assert.equal(tf.memory().numTensors, tensorsBefore);
  });
});
