/**
 * The reductions: sum, mean, max and min over any set of axes, argmax and argmin over one axis or
 * all; var, std, prod, any, all and np.linalg.norm. One entry each: where it is in the API, its inputs, its flags, its gradient (math above it),
 * its replay and the step panel's words. The public functions (ops/reduce.ts) check arguments, run
 * the kernels and record.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { NDArray } from '../../ndarray';
import type { EngineOps, OpDefinition, OpDefinitions, OpWords, Say, TraceAttrs } from './types';

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
  /** The divisor is n − ddof. */
  var: ReductionAttrs & { ddof: number }; std: ReductionAttrs & { ddof: number };
  prod: ReductionAttrs;
  // Bool results, never differentiated (recorded only for observers).
  any: ReductionAttrs; all: ReductionAttrs;
  /** `axis` in NumPy's order (row axis first for a matrix norm), not sorted. */
  norm: { ord: NormOrder; axis: number[]; keepdims: boolean };
}

/**
 * np.linalg.norm's ord as recorded: 2 (a vector's 2-norm), 'fro' (the 2-norm over several axes),
 * 1, 'inf', '-inf' (over one axis a vector norm, over two a matrix norm) and -1 (matrices only).
 * ±∞ are strings: a trace is JSON.
 */
export type NormOrder = 2 | 'fro' | 1 | -1 | 'inf' | '-inf';

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

/** g with the reduced axes put back as axes of length 1 (broadcasting does the rest). */
function withReducedAxes(op: EngineOps, g: NDArray, input: NDArray, axes: readonly number[]): NDArray {
  return op.reshape(g, input.shape.map((dim, axis) => (axes.includes(axis) ? 1 : dim)));
}

/** The number of elements a reduction over `axes` combines. */
const countOf = (input: NDArray, axes: readonly number[]): number => axes.reduce((n, axis) => n * input.shape[axis]!, 1);

/**
 * Π of the other elements of each lane, for prod's gradient: out/a when no element is 0; otherwise
 * the product of the non-zero elements where a lane has one zero (at the zero; 0 elsewhere, as the
 * zero times that product so that its derivative is right too), and 0 where it has more.
 */
function productOfOthers(op: EngineOps, a: NDArray, out: NDArray, axes: readonly number[]): NDArray {
  const isZero = op.equal(a, 0);
  if (op.any(isZero).item() === 0) return op.div(withReducedAxes(op, out, a, axes), a);
  const nonZero = op.where(isZero, 1, a);
  const product = op.prod(nonZero, axes, true);
  const zeros = op.sum(op.astype(isZero, a.dtype), axes, true);
  const theZero = op.sum(op.where(isZero, a, 0), axes, true); // 0, whose derivative reaches a lane's one zero
  const factor = op.where(op.equal(zeros, 0), 1, op.where(op.equal(zeros, 1), op.where(isZero, 1, theZero), 0));
  return op.mul(factor, op.div(product, nonZero));
}

/** The divisor of var and std: n, or (n − ddof). */
const divisorOf = (ddof: unknown, say: Say): string => (typeof ddof === 'number' && ddof !== 0 ? `(n − ${say.num(ddof)})` : 'n');

/** any and all: bool results, which are never differentiated. */
function truth(name: 'any' | 'all'): OpDefinition<ReductionAttrs> {
  const test = name === 'any' ? 'some element' : 'every element';
  return {
    api: { np: name }, inputs: ['a'], flags: { elementwise: false, differentiable: false },
    // out = whether a is true somewhere (any) / everywhere (all), a bool: no gradient
    grad: (_g, { inputs }) => inputs.map(() => null),
    replay: ([a], { axis, keepdims }, op) => op[name](a!, axis, keepdims),
    words: (attrs, _n, say) => {
      const axes = say.axes(attrs.axis);
      return {
        summary: `${name} tests whether ${test} over ${axes} is true (non-zero) and returns booleans: not differentiable: no gradient flows through it`,
        formula: `out = ${name}(a ≠ 0) over ${axes}`, partials: ['a: no gradient'], broadcast: false,
      };
    },
  };
}

/** The step panel's words for np.linalg.norm of each recorded ord. */
function normWords(attrs: TraceAttrs<ReduceAttrs['norm']>, say: Say): OpWords {
  const axes = say.axes(attrs.axis);
  const matrix = Array.isArray(attrs.axis) && attrs.axis.length === 2;
  const { ord } = attrs;
  const words = (summary: string, formula: string, partial: string): OpWords => ({ summary, formula, partials: [partial], broadcast: false });
  if (ord === 2 || ord === 'fro' || ord === undefined) {
    return words(`norm takes the 2-norm √(Σ a²) over ${axes} (scaled by the largest |a|, so it cannot overflow): its gradient is the upstream gradient times a/out, and 0 where the norm is 0`,
      `out = √(Σ a² over ${axes})`, '∂L/∂a = g · a / out (0 where out = 0)');
  }
  if (ord === 1 && !matrix) {
    return words(`norm takes the 1-norm Σ |a| over ${axes}: its gradient is the upstream gradient times the sign of a`, `out = Σ |a| over ${axes}`, '∂L/∂a = g · sign(a)');
  }
  if ((ord === 'inf' || ord === '-inf') && !matrix) {
    const [which, extreme] = ord === 'inf' ? ['largest', 'max'] : ['smallest', 'min'];
    return words(`norm takes the ${which} |a| over ${axes}: the upstream gradient goes to that element (times its sign), shared equally among ties`,
      `out = ${extreme} |a| over ${axes}`, `∂L/∂a = g · sign(a) at the ${which} |a| (shared among ties), else 0`);
  }
  if (ord === 1 || ord === -1 || ord === 'inf' || ord === '-inf') {
    const lines = ord === 1 || ord === -1 ? 'column' : 'row';
    const [which, extreme] = ord === 1 || ord === 'inf' ? ['largest', 'max'] : ['smallest', 'min'];
    return words(`norm takes the matrix norm ord ${say.num(ord)} over ${axes}: the ${which} sum of |a| along a ${lines}; the upstream gradient goes to that ${lines} (times the signs of a), shared equally among tied ${lines}s`,
      `out = ${extreme} over ${lines}s of Σ |a| along each ${lines}`, `∂L/∂a = g · sign(a) in the ${lines} with the ${which} sum, else 0`);
  }
  return words(`norm takes a norm of a over ${axes}`, `out = ‖a‖ over ${axes}`, '∂L/∂a = g · ∂‖a‖/∂a');
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
  var: {
    api: { np: 'var', method: 'var' }, inputs: ['a'], flags: REDUCTION,
    // out = Σ (a − mean)²/(n − ddof) over axes: ∂a = g·2(a − mean)/(n − ddof)
    grad: (g, { inputs: [a], attrs: { axis, ddof } }, op) => {
      const centred = op.sub(a!, op.mean(a!, axis, true));
      return [op.mul(withReducedAxes(op, g, a!, axis), op.mul(centred, 2 / (countOf(a!, axis) - ddof)))];
    },
    replay: ([a], { axis, keepdims, ddof }, op) => op.var(a!, axis, { ddof, keepdims }),
    words: (attrs, _n, say) => {
      const axes = say.axes(attrs.axis);
      const divisor = divisorOf(attrs.ddof, say);
      return {
        summary: `var takes the variance over ${axes} (divided by ${divisor}): each element's gradient is the upstream gradient times 2(a − mean)/${divisor}`,
        formula: `out = Σ (a − mean)² / ${divisor} over ${axes}`, partials: [`∂L/∂a = g · 2(a − mean) / ${divisor}, n = the number of elements`],
        broadcast: false,
      };
    },
  },
  std: {
    api: { np: 'std', method: 'std' }, inputs: ['a'], flags: REDUCTION,
    // out = √var: ∂a = g·(a − mean)/((n − ddof)·out), 0 where out = 0 (a constant lane)
    grad: (g, { inputs: [a], output, attrs: { axis, ddof } }, op) => {
      const centred = op.sub(a!, op.mean(a!, axis, true));
      const out = withReducedAxes(op, output, a!, axis);
      const safe = op.mul(op.where(op.equal(out, 0), 1, out), countOf(a!, axis) - ddof);
      return [op.mul(withReducedAxes(op, g, a!, axis), op.div(centred, safe))];
    },
    replay: ([a], { axis, keepdims, ddof }, op) => op.std(a!, axis, { ddof, keepdims }),
    words: (attrs, _n, say) => {
      const axes = say.axes(attrs.axis);
      const divisor = divisorOf(attrs.ddof, say);
      return {
        summary: `std takes the standard deviation over ${axes} (√ of the variance divided by ${divisor}): each element's gradient is the upstream gradient times (a − mean)/(${divisor} · out), 0 where all elements are equal`,
        formula: `out = √(Σ (a − mean)² / ${divisor}) over ${axes}`, partials: [`∂L/∂a = g · (a − mean) / (${divisor} · out) (0 where out = 0)`],
        broadcast: false,
      };
    },
  },
  prod: {
    api: { np: 'prod', method: 'prod' }, inputs: ['a'], flags: REDUCTION,
    // out = Π a over axes: ∂a = g·Π of the other elements (out/a when a has no zeros)
    grad: (g, { inputs: [a], output, attrs: { axis } }, op) => [op.mul(withReducedAxes(op, g, a!, axis), productOfOthers(op, a!, output, axis))],
    replay: ([a], { axis, keepdims }, op) => op.prod(a!, axis, keepdims),
    words: (attrs, _n, say) => {
      const axes = say.axes(attrs.axis);
      return {
        summary: `prod multiplies the elements over ${axes}: each element's gradient is the upstream gradient times the product of the others (right at zeros too, never out/a there)`,
        formula: `out = Π a over ${axes}`, partials: ['∂L/∂a = g · Π of the other elements'], broadcast: false,
      };
    },
  },
  any: truth('any'),
  all: truth('all'),
  norm: {
    api: { np: 'linalg.norm' }, inputs: ['a'], flags: REDUCTION,
    // out = ‖a‖: 2-norm ∂a = g·a/out (0 at out = 0); 1-norm g·sign(a); ±∞ and the matrix norms g·sign(a) at the extreme (element, row or column)
    grad: (g, { inputs: [a], output, attrs: { ord, axis } }, op) => {
      const upstream = withReducedAxes(op, g, a!, axis);
      const out = withReducedAxes(op, output, a!, axis);
      if (ord === 2 || ord === 'fro') return [op.mul(upstream, op.div(a!, op.where(op.equal(out, 0), 1, out)))];
      const sign = op.sign(a!);
      if (axis.length === 1 && ord === 1) return [op.mul(upstream, sign)];
      // The extreme |a| (a vector), or the extreme column (1, −1) or row (±inf) sum of |a| (a matrix).
      const [summed, extreme] = axis.length === 1 ? [null, axis[0]!] : ord === 1 || ord === -1 ? [axis[0]!, axis[1]!] : [axis[1]!, axis[0]!];
      const magnitude = summed === null ? op.abs(a!) : op.sum(op.abs(a!), summed, true);
      const hit = op.astype(op.equal(magnitude, out), a!.dtype);
      return [op.mul(op.mul(upstream, op.div(hit, op.sum(hit, extreme, true))), sign)];
    },
    replay: ([a], { ord, axis, keepdims }, op) => op.norm(a!, ord, axis, keepdims),
    words: (attrs, _n, say) => normWords(attrs, say),
  },
};
