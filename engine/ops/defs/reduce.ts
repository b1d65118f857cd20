/**
 * The reductions: sum, mean, max and min over any set of axes, argmax and argmin over one axis or
 * all. One entry each: where it is in the API, its inputs, its flags, its gradient (math above it),
 * its replay and the step panel's words. The public functions (ops/reduce.ts) check arguments, run
 * the kernels and record.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { NDArray } from '../../ndarray';
import type { EngineOps, OpDefinition, OpDefinitions } from './types';

/** What sum, mean, max and min record. */
export interface ReductionAttrs {
  /** Reduced axes, normalised and sorted. */
  axis: number[];
  keepdims: boolean;
}

/** The attributes each op records. */
export interface ReduceAttrs {
  sum: ReductionAttrs; mean: ReductionAttrs; max: ReductionAttrs; min: ReductionAttrs;
  /** `axis: null` searches the flattened array. */
  argmax: { axis: number | null }; argmin: { axis: number | null };
}

const REDUCTION = { elementwise: false, differentiable: true };

/** g with the reduced axes put back (length 1) and broadcast over the input. */
function expandReduced(op: EngineOps, g: NDArray, input: NDArray, axes: readonly number[]): NDArray {
  const kept = input.shape.map((dim, axis) => (axes.includes(axis) ? 1 : dim));
  return op.broadcastTo(op.reshape(g, kept), input.shape);
}

/** max and min: the upstream gradient shared equally among the elements equal to the result. */
function extremum(name: 'max' | 'min'): OpDefinition<ReductionAttrs> {
  const [word, extreme] = name === 'max' ? ['largest', 'maximum'] : ['smallest', 'minimum'];
  return {
    api: { np: name, method: name }, inputs: ['a'], flags: REDUCTION,
    // out = max a over axes: ∂a = g at the maxima, shared among ties (min likewise)
    grad: (g, { inputs: [a], output, attrs: { axis } }, op) => {
      const hit = op.astype(op.equal(a!, expandReduced(op, output, a!, axis)), a!.dtype);
      const share = op.div(hit, op.sum(hit, axis, true));
      return [op.mul(expandReduced(op, g, a!, axis), share)];
    },
    replay: ([a], { axis, keepdims }, op) => op[name](a!, axis, keepdims),
    words: (attrs, _n, say) => {
      const axes = say.axes(attrs.axis);
      return {
        summary: `${name} takes the ${word} element over ${axes}: the upstream gradient goes to the ${extreme}, shared equally among ties`,
        formula: `out = ${name} a over ${axes}`, partials: [`∂out/∂a = 1/k at the k elements equal to the ${extreme}, else 0`],
        broadcast: false,
      };
    },
  };
}

/** argmax and argmin: integer results, which are never differentiated. */
function argExtremum(name: 'argmax' | 'argmin'): OpDefinition<{ axis: number | null }> {
  const word = name === 'argmax' ? 'largest' : 'smallest';
  return {
    api: { np: name, method: name }, inputs: ['a'], flags: { elementwise: false, differentiable: false },
    // out = index of the extreme, an integer: no gradient
    grad: (_g, { inputs }) => inputs.map(() => null),
    replay: ([a], { axis }, op) => op[name](a!, axis),
    words: (attrs, _n, say) => ({
      summary: `${name} returns the index of the ${word} element ${say.along(attrs.axis)}: not differentiable: no gradient flows through it`,
      formula: `out = ${name} a ${say.along(attrs.axis)}`, partials: ['a: no gradient'], broadcast: false,
    }),
  };
}

export const REDUCE_OPS: OpDefinitions<ReduceAttrs> = {
  sum: {
    api: { np: 'sum', method: 'sum' }, inputs: ['a'], flags: REDUCTION,
    // out = Σ a over axes: ∂a = g broadcast back
    grad: (g, { inputs: [a], attrs: { axis } }, op) => [expandReduced(op, g, a!, axis)],
    replay: ([a], { axis, keepdims }, op) => op.sum(a!, axis, keepdims),
    words: (attrs, _n, say) => {
      const axes = say.axes(attrs.axis);
      return {
        summary: `sum sums over ${axes}: every summed element receives the upstream gradient unchanged (g broadcast back over ${axes})`,
        formula: `out = Σ a over ${axes}`, partials: [`∂out/∂a = 1 (g broadcast back over ${axes})`], broadcast: false,
      };
    },
  },
  mean: {
    api: { np: 'mean', method: 'mean' }, inputs: ['a'], flags: REDUCTION,
    // out = mean a over axes: ∂a = g broadcast back / count
    grad: (g, { inputs: [a], attrs: { axis } }, op) => {
      const count = axis.reduce((n, reduced) => n * a!.shape[reduced]!, 1);
      return [op.div(expandReduced(op, g, a!, axis), count)];
    },
    replay: ([a], { axis, keepdims }, op) => op.mean(a!, axis, keepdims),
    words: (attrs, _n, say) => {
      const axes = say.axes(attrs.axis);
      return {
        summary: `mean averages over ${axes}: every averaged element receives the upstream gradient divided by n, the number of elements averaged`,
        formula: `out = (1/n) Σ a over ${axes}`,
        partials: [`∂out/∂a = 1/n (g broadcast back over ${axes}), n = the number of elements averaged`],
        broadcast: false,
      };
    },
  },
  max: extremum('max'),
  min: extremum('min'),
  argmax: argExtremum('argmax'),
  argmin: argExtremum('argmin'),
};
