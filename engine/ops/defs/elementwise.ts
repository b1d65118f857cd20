/**
 * The elementwise ops of several operands (NumPy broadcasting): arithmetic, maximum and minimum,
 * the fused gradients of tanh, sigmoid and relu, where, clip, the comparisons, logaddexp, isnan and
 * isinf. One entry each:
 * where it is in the API, its inputs, its flags, its gradient (math above it), its replay and the
 * step panel's words. The public functions (ops/elementwise.ts) check arguments, run the kernels
 * and record. (The one-input math ops are defs/unary.ts.)
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { NDArray } from '../../ndarray';
import type { EngineOps, NoAttrs, OpContext, OpDefinition, OpDefinitions, OpWords } from './types';

/** The attributes each op records. */
export interface ElementwiseAttrs {
  add: NoAttrs; sub: NoAttrs; mul: NoAttrs; div: NoAttrs; pow: NoAttrs; maximum: NoAttrs; minimum: NoAttrs;
  /** Gradients of tanh, sigmoid and relu as ops of their own (see ops/elementwise.ts). */
  tanhGrad: NoAttrs; sigmoidGrad: NoAttrs; reluGrad: NoAttrs;
  where: NoAttrs;
  /** A missing bound is null. */
  clip: { min: number | null; max: number | null };
  // Comparisons: bool results, never differentiated (recorded only for observers).
  equal: NoAttrs; notEqual: NoAttrs; less: NoAttrs; greater: NoAttrs; lessEqual: NoAttrs; greaterEqual: NoAttrs;
  logaddexp: NoAttrs;
  // Tests of the values: bool results, never differentiated.
  isnan: NoAttrs; isinf: NoAttrs;
}

export type ElementwiseOpName = keyof ElementwiseAttrs;

type Comparison = 'equal' | 'notEqual' | 'less' | 'greater' | 'lessEqual' | 'greaterEqual';

const ELEMENTWISE = { elementwise: true, differentiable: true };

/**
 * The gradient (∂out/∂a or ∂out/∂b times the upstream gradient) that one operand of a broadcasting
 * op receives, at the broadcast size.
 */
type Partial = (upstream: NDArray, a: NDArray, b: NDArray, out: NDArray, op: EngineOps) => NDArray;

/**
 * The gradient of a two-operand broadcasting op from its two partials, each summed back to its
 * operand's shape and computed only when needed. (Made once per op: no closures per backward step,
 * which matters for graphs of many small ops.)
 */
function broadcasting(da: Partial, db: Partial): OpDefinition<NoAttrs>['grad'] {
  return (upstream, { inputs, output, needsGrad }, op) => [
    needsGrad[0] ? op.sumToShape(da(upstream, inputs[0]!, inputs[1]!, output, op), inputs[0]!.shape) : null,
    needsGrad[1] ? op.sumToShape(db(upstream, inputs[0]!, inputs[1]!, output, op), inputs[1]!.shape) : null,
  ];
}

/** maximum's and minimum's gradient: g to a where `aWins`, to b elsewhere (summed over broadcast axes). */
function toWinner(g: NDArray, { inputs, needsGrad }: OpContext<NoAttrs>, op: EngineOps, aWins: NDArray): (NDArray | null)[] {
  const [a, b] = inputs;
  return [
    needsGrad[0] ? op.sumToShape(op.where(aWins, g, 0), a!.shape) : null,
    needsGrad[1] ? op.sumToShape(op.where(aWins, 0, g), b!.shape) : null,
  ];
}

function extremumWords(name: 'maximum' | 'minimum'): OpWords {
  const [word, aWins, bWins] = name === 'maximum' ? ['larger', 'a ≥ b', 'a < b'] : ['smaller', 'a ≤ b', 'a > b'];
  return {
    summary: `${name} takes the ${word} of a and b elementwise: the upstream gradient goes to whichever input was ${word} (to a on ties)`,
    formula: `out = ${name === 'maximum' ? 'max' : 'min'}(a, b)`,
    partials: [`∂out/∂a = 1 where ${aWins}, else 0`, `∂out/∂b = 1 where ${bWins}, else 0`],
    broadcast: true,
  };
}

/** A comparison: bool results, which are never differentiated (recorded only for observers). */
function comparison(name: Comparison, symbol: string): OpDefinition<NoAttrs> {
  return {
    api: { np: name, method: name }, inputs: ['a', 'b'], flags: { elementwise: true, differentiable: false },
    // out = (a ∘ b), a bool: no gradient to either
    grad: (_g, { inputs }) => inputs.map(() => null),
    replay: ([a, b], _attrs, op) => op[name](a!, b!),
    words: () => ({
      summary: `${name} compares a ${symbol} b elementwise and returns booleans: not differentiable: no gradient flows through it`,
      formula: `out = (a ${symbol} b)`, partials: ['a: no gradient', 'b: no gradient'], broadcast: false,
    }),
  };
}

/** isnan and isinf: bool results, which are never differentiated. */
function classification(name: 'isnan' | 'isinf', what: string): OpDefinition<NoAttrs> {
  return {
    api: { np: name }, inputs: ['a'], flags: { elementwise: true, differentiable: false },
    // out = (a is NaN / ±∞), a bool: no gradient
    grad: (_g, { inputs }) => inputs.map(() => null),
    replay: ([a], _attrs, op) => op[name](a!),
    words: () => ({
      summary: `${name} tests elementwise whether a is ${what} and returns booleans: not differentiable: no gradient flows through it`,
      formula: `out = ${name}(a)`, partials: ['a: no gradient'], broadcast: false,
    }),
  };
}

export const ELEMENTWISE_OPS: OpDefinitions<ElementwiseAttrs> = {
  add: {
    api: { np: 'add', method: 'add' }, inputs: ['a', 'b'], flags: ELEMENTWISE,
    // out = a + b: ∂a = g, ∂b = g (summed over broadcast axes)
    grad: broadcasting((g) => g, (g) => g),
    replay: ([a, b], _attrs, op) => op.add(a!, b!),
    words: () => ({
      summary: "add adds elementwise: each input's gradient is the upstream gradient",
      formula: 'out = a + b', partials: ['∂out/∂a = 1', '∂out/∂b = 1'], broadcast: true,
    }),
  },
  sub: {
    api: { np: 'subtract', method: 'sub' }, inputs: ['a', 'b'], flags: ELEMENTWISE,
    // out = a − b: ∂a = g, ∂b = −g
    grad: broadcasting((g) => g, (g, _a, _b, _out, op) => op.neg(g)),
    replay: ([a, b], _attrs, op) => op.sub(a!, b!),
    words: () => ({
      summary: "sub subtracts elementwise: a's gradient is the upstream gradient, b's is its negation",
      formula: 'out = a − b', partials: ['∂out/∂a = 1', '∂out/∂b = −1'], broadcast: true,
    }),
  },
  mul: {
    api: { np: 'multiply', method: 'mul' }, inputs: ['a', 'b'], flags: ELEMENTWISE,
    // out = a·b: ∂a = g·b, ∂b = g·a
    grad: broadcasting((g, _a, b, _out, op) => op.mul(g, b), (g, a, _b, _out, op) => op.mul(g, a)),
    replay: ([a, b], _attrs, op) => op.mul(a!, b!),
    words: () => ({
      summary: "mul multiplies elementwise: each input's gradient is the upstream gradient times the other input",
      formula: 'out = a · b', partials: ['∂out/∂a = b', '∂out/∂b = a'], broadcast: true,
    }),
  },
  div: {
    api: { np: 'divide', method: 'div' }, inputs: ['a', 'b'], flags: ELEMENTWISE,
    // out = a/b: ∂a = g/b, ∂b = −g·a/b² = −g·out/b
    grad: broadcasting((g, _a, b, _out, op) => op.div(g, b), (g, _a, b, out, op) => op.neg(op.mul(g, op.div(out, b)))),
    replay: ([a, b], _attrs, op) => op.div(a!, b!),
    words: () => ({
      summary: "div divides elementwise: a's gradient is the upstream gradient divided by b, b's is minus the upstream gradient times a/b²",
      formula: 'out = a / b', partials: ['∂out/∂a = 1/b', '∂out/∂b = −a/b²'], broadcast: true,
    }),
  },
  pow: {
    api: { np: 'power', method: 'pow' }, inputs: ['a', 'b'], flags: ELEMENTWISE,
    // out = a^b: ∂a = g·b·a^(b−1), ∂b = g·out·ln a
    grad: broadcasting(
      (g, a, b, _out, op) => op.mul(g, op.mul(b, op.pow(a, op.sub(b, 1)))),
      (g, a, _b, out, op) => op.mul(g, op.mul(out, op.log(a)))),
    replay: ([a, b], _attrs, op) => op.pow(a!, b!),
    words: () => ({
      summary: "pow raises a to the power b elementwise: a's gradient is the upstream gradient times b · aᵇ⁻¹, b's is the upstream gradient times aᵇ · ln a",
      formula: 'out = aᵇ', partials: ['∂out/∂a = b · aᵇ⁻¹', '∂out/∂b = aᵇ · ln a'], broadcast: true,
    }),
  },
  maximum: {
    api: { np: 'maximum', method: 'maximum' }, inputs: ['a', 'b'], flags: ELEMENTWISE,
    // out = max(a, b): g goes to the larger operand (to a on ties)
    grad: (g, ctx, op) => toWinner(g, ctx, op, op.greaterEqual(ctx.inputs[0]!, ctx.inputs[1]!)),
    replay: ([a, b], _attrs, op) => op.maximum(a!, b!),
    words: () => extremumWords('maximum'),
  },
  minimum: {
    api: { np: 'minimum', method: 'minimum' }, inputs: ['a', 'b'], flags: ELEMENTWISE,
    // out = min(a, b): g goes to the smaller operand (to a on ties)
    grad: (g, ctx, op) => toWinner(g, ctx, op, op.lessEqual(ctx.inputs[0]!, ctx.inputs[1]!)),
    replay: ([a, b], _attrs, op) => op.minimum(a!, b!),
    words: () => extremumWords('minimum'),
  },
  // The three fused gradients are elementwise too, but have never been offered for plots: flagged
  // so here to keep the inspector as it is (their plots would be a change of its own).
  tanhGrad: {
    api: { gradientOf: 'tanh' }, inputs: ['g', 'y'], flags: { elementwise: false, differentiable: true },
    // out = g·(1 − y²): ∂g = 1 − y², ∂y = −2·g·y
    grad: broadcasting(
      (h, _g, y, _out, op) => op.mul(h, op.sub(1, op.square(y))),
      (h, g, y, _out, op) => op.mul(h, op.mul(op.mul(g, y), -2))),
    replay: ([g, y], _attrs, op) => op.tanhGrad(g!, y!),
    words: () => ({
      summary: "tanhGrad is the gradient of tanh as an op of its own (seen when differentiating twice): it scales an upstream gradient g by 1 − y², y being tanh's output",
      formula: 'out = g · (1 − y²)', partials: ['∂out/∂g = 1 − y²', '∂out/∂y = −2 · g · y'], broadcast: true,
    }),
  },
  sigmoidGrad: {
    api: { gradientOf: 'sigmoid' }, inputs: ['g', 'y'], flags: { elementwise: false, differentiable: true },
    // out = g·y·(1 − y): ∂g = y·(1 − y), ∂y = g·(1 − 2y)
    grad: broadcasting(
      (h, _g, y, _out, op) => op.mul(h, op.mul(y, op.sub(1, y))),
      (h, g, y, _out, op) => op.mul(h, op.mul(g, op.sub(1, op.mul(y, 2))))),
    replay: ([g, y], _attrs, op) => op.sigmoidGrad(g!, y!),
    words: () => ({
      summary: "sigmoidGrad is the gradient of sigmoid as an op of its own (seen when differentiating twice): it scales an upstream gradient g by y · (1 − y), y being sigmoid's output",
      formula: 'out = g · y · (1 − y)', partials: ['∂out/∂g = y · (1 − y)', '∂out/∂y = g · (1 − 2y)'], broadcast: true,
    }),
  },
  reluGrad: {
    api: { gradientOf: 'relu' }, inputs: ['g', 'x'], flags: { elementwise: false, differentiable: true },
    // out = g where x > 0: ∂g = h where x > 0, ∂x = 0
    grad: broadcasting((h, _g, x, _out, op) => op.reluGrad(h, x), (_h, _g, x, _out, op) => op.zerosLike(x)),
    replay: ([g, x], _attrs, op) => op.reluGrad(g!, x!),
    words: () => ({
      summary: 'reluGrad is the gradient of relu as an op of its own (seen when differentiating twice): it passes an upstream gradient g where x > 0; x gets a zero gradient',
      formula: 'out = g where x > 0, else 0', partials: ['∂out/∂g = 1 where x > 0, else 0', '∂out/∂x = 0'], broadcast: true,
    }),
  },
  where: {
    api: { np: 'where' }, inputs: ['condition', 'a', 'b'], flags: ELEMENTWISE,
    // out = cond ? a : b: ∂a = g where cond, ∂b = g elsewhere; cond has none
    grad: (g, { inputs: [cond, a, b], needsGrad }, op) => [
      null,
      needsGrad[1] ? op.sumToShape(op.where(cond!, g, 0), a!.shape) : null,
      needsGrad[2] ? op.sumToShape(op.where(cond!, 0, g), b!.shape) : null,
    ],
    replay: ([cond, a, b], _attrs, op) => op.where(cond!, a!, b!),
    words: () => ({
      summary: 'where picks a where the condition holds and b elsewhere: each picked input gets the upstream gradient where it was picked, the condition gets none',
      formula: 'out = condition ? a : b',
      partials: ['condition: no gradient', '∂out/∂a = 1 where condition, else 0', '∂out/∂b = 0 where condition, else 1'],
      broadcast: true,
    }),
  },
  clip: {
    api: { np: 'clip', method: 'clip' }, inputs: ['a'], flags: ELEMENTWISE,
    // out = clip(a, lo, hi): ∂a = g inside [lo, hi], 0 where clipped
    grad: (g, { inputs: [a], attrs: { min, max } }, op) => {
      let grad = g;
      if (min !== null) grad = op.where(op.less(a!, min), 0, grad);
      if (max !== null) grad = op.where(op.greater(a!, max), 0, grad);
      return [grad];
    },
    replay: ([a], { min, max }, op) => op.clip(a!, min, max),
    words: (attrs, _n, say) => {
      const lo = typeof attrs.min === 'number' ? say.num(attrs.min) : null;
      const hi = typeof attrs.max === 'number' ? say.num(attrs.max) : null;
      const inside = lo !== null && hi !== null ? `${lo} ≤ a ≤ ${hi}` : lo !== null ? `a ≥ ${lo}` : hi !== null ? `a ≤ ${hi}` : null;
      return {
        summary: `clip limits a to [${lo ?? '−∞'}, ${hi ?? '∞'}]: the upstream gradient passes where a is inside the bounds and is zero where a was clipped`,
        formula: `out = clip(a, ${lo ?? '−∞'}, ${hi ?? '∞'})`,
        partials: [inside ? `∂out/∂a = 1 where ${inside}, else 0` : '∂out/∂a = 1'],
        broadcast: false,
      };
    },
  },
  equal: comparison('equal', '='),
  notEqual: comparison('notEqual', '≠'),
  less: comparison('less', '<'),
  greater: comparison('greater', '>'),
  lessEqual: comparison('lessEqual', '≤'),
  greaterEqual: comparison('greaterEqual', '≥'),
  logaddexp: {
    api: { np: 'logaddexp' }, inputs: ['a', 'b'], flags: ELEMENTWISE,
    // out = ln(eᵃ + eᵇ): ∂a = g·σ(a − b), ∂b = g·σ(b − a) (the softmax weights eᵃ/(eᵃ + eᵇ), from the inputs: no rounded out in them)
    grad: broadcasting((g, a, b, _out, op) => op.mul(g, op.sigmoid(op.sub(a, b))), (g, a, b, _out, op) => op.mul(g, op.sigmoid(op.sub(b, a)))),
    replay: ([a, b], _attrs, op) => op.logaddexp(a!, b!),
    words: () => ({
      summary: "logaddexp takes ln(eᵃ + eᵇ) elementwise, without overflow: each input's gradient is the upstream gradient times its softmax weight, eᵃ/(eᵃ + eᵇ) for a",
      formula: 'out = ln(eᵃ + eᵇ)', partials: ['∂out/∂a = eᵃ / (eᵃ + eᵇ) = σ(a − b)', '∂out/∂b = eᵇ / (eᵃ + eᵇ) = σ(b − a)'], broadcast: true,
    }),
  },
  isnan: classification('isnan', 'nan (not a number)'),
  isinf: classification('isinf', '+∞ or −∞'),
};
