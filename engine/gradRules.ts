/**
 * The gradient rules: one entry per op, keyed by op name, typed so that an op without a rule
 * does not compile. A rule receives the upstream gradient g = ∂L/∂out and the recorded node, and
 * returns one gradient ∂L/∂input per input (null for an input that needs none). Rules are written
 * with engine ops, so with `createGraph` their own computation is recorded and can be differentiated.
 */
import type { NDArray } from './ndarray';
import type { OpAttrs, OpName } from './ops/attrs';
import * as ew from './ops/elementwise';
import type { EngineOps, GradOps, OpDefinitions, UnaryDefinition } from './ops/defs/types';
import { UNARY_OPS, type UnaryOpName } from './ops/defs/unary';
import { NN_OPS } from './ops/defs/nn';
import { INDEXING_OPS } from './ops/defs/indexing';
import { CONV_OPS } from './ops/defs/conv';
import * as nn from './ops/nn';
import * as conv from './ops/conv';
import { perUnaryOp, unaryOps } from './ops/unary';
import * as red from './ops/reduce';
import * as lay from './ops/layout';
import { matmul } from './ops/linalg';
import { scalarArray } from './ops/operand';
import { zerosLike } from './ops/creation';
import { reducedShape, sameShape, sizeOf } from './shape';
import { isFloat } from './dtype';

export interface GradContext<K extends OpName> {
  readonly inputs: readonly NDArray[];
  readonly output: NDArray;
  readonly attrs: OpAttrs[K];
  readonly saved: readonly NDArray[];
  readonly needsGrad: readonly boolean[];
}

export type GradRule<K extends OpName> = (g: NDArray, ctx: GradContext<K>) => (NDArray | null)[];

/** Sums a broadcast gradient back to the shape of the operand that was broadcast. */
export function sumToShape(g: NDArray, shape: readonly number[]): NDArray {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let axis = 0; axis < g.ndim; axis++) {
    if (axis < lead || (shape[axis - lead] === 1 && g.shape[axis] !== 1)) axes.push(axis);
  }
  const summed = axes.length > 0 ? red.sum(g, axes, true) : g;
  return lay.reshape(summed, shape);
}

/** The gradient for input `i` if it needs one. */
function need(ctx: GradContext<OpName>, i: number, grad: () => NDArray): NDArray | null {
  return ctx.needsGrad[i] ? grad() : null;
}

/** For ops whose result is not differentiable (comparisons, argmax): no gradient to any input. */
const none = <K extends OpName>(_g: NDArray, ctx: GradContext<K>): null[] => ctx.inputs.map(() => null);

/** Broadcast rule for two operands: ∂out/∂a, ∂out/∂b given as full-size gradients. */
function binaryRule(ctx: GradContext<OpName>, da: () => NDArray, db: () => NDArray): (NDArray | null)[] {
  const [a, b] = ctx.inputs as [NDArray, NDArray];
  return [need(ctx, 0, () => sumToShape(da(), a.shape)), need(ctx, 1, () => sumToShape(db(), b.shape))];
}

type Partial = (g: NDArray, ctx: GradContext<OpName>) => NDArray;

/**
 * The rule of a broadcasting binary op from its two partial gradients, each summed back to its
 * operand's shape and computed only when needed. (Made once per op: no closures per backward step,
 * which matters for graphs of many small ops.)
 */
function broadcastRule(da: Partial, db: Partial): GradRule<OpName> {
  return (g, ctx) => [
    ctx.needsGrad[0] ? sumToShape(da(g, ctx), ctx.inputs[0]!.shape) : null,
    ctx.needsGrad[1] ? sumToShape(db(g, ctx), ctx.inputs[1]!.shape) : null,
  ];
}

/** g reshaped with the reduced axes kept (size 1) and broadcast back over the input. */
function expandReduced(g: NDArray, input: NDArray, axes: readonly number[]): NDArray {
  return lay.broadcastTo(lay.reshape(g, reducedShape(input.shape, axes, true)), input.shape);
}

function swapLastAxes(x: NDArray): NDArray {
  const axes = x.shape.map((_, i) => i);
  axes[x.ndim - 1] = x.ndim - 2;
  axes[x.ndim - 2] = x.ndim - 1;
  return lay.transpose(x, axes);
}

/** Gradients of NumPy `dot` for every rank, via reshapes to one matrix product. */
function dotGrad(g: NDArray, ctx: GradContext<'dot'>): (NDArray | null)[] {
  const [a, b] = ctx.inputs as [NDArray, NDArray];
  if (a.ndim === 0 || b.ndim === 0) return binaryRule(ctx, () => ew.mul(g, b), () => ew.mul(g, a));
  const k = a.shape[a.ndim - 1]!;
  const m = sizeOf(a.shape.slice(0, -1));
  const contracted = b.ndim === 1 ? 0 : b.ndim - 2;
  const order = [contracted, ...b.shape.map((_, i) => i).filter((i) => i !== contracted)];
  const bMoved = b.ndim > 2 ? lay.transpose(b, order) : b;
  const n = b.size / Math.max(k, 1);
  const a2 = lay.reshape(a, [m, k]);
  const b2 = lay.reshape(bMoved, [k, n]);
  const g2 = lay.reshape(g, [m, n]);
  return [
    need(ctx, 0, () => lay.reshape(matmul(g2, lay.transpose(b2)), a.shape)), // ∂/∂a = g·bᵀ
    need(ctx, 1, () => {
      const db = lay.reshape(matmul(lay.transpose(a2), g2), bMoved.shape); // ∂/∂b = aᵀ·g
      if (b.ndim <= 2) return lay.reshape(db, b.shape);
      const inverse = order.map((_, i) => order.indexOf(i));
      return lay.transpose(db, inverse);
    }),
  ];
}

/** Gradients of batched, broadcasting `matmul` (1-D operands promoted as in the forward pass). */
function matmulGrad(g: NDArray, ctx: GradContext<'matmul'>): (NDArray | null)[] {
  const [a, b] = ctx.inputs as [NDArray, NDArray];
  const a2 = a.ndim === 1 ? lay.reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? lay.reshape(b, [b.shape[0]!, 1]) : b;
  const m = a2.shape[a2.ndim - 2]!;
  const n = b2.shape[b2.ndim - 1]!;
  const batch = g.shape.slice(0, g.ndim - (a.ndim === 1 ? 0 : 1) - (b.ndim === 1 ? 0 : 1));
  const g2 = lay.reshape(g, [...batch, m, n]);
  return [
    need(ctx, 0, () => lay.reshape(sumToShape(matmul(g2, swapLastAxes(b2)), a2.shape), a.shape)), // g·bᵀ
    need(ctx, 1, () => lay.reshape(sumToShape(matmul(swapLastAxes(a2), g2), b2.shape), b.shape)), // aᵀ·g
  ];
}

/** Gradient of max/min: shared equally among the elements equal to the result. */
function extremumGrad(g: NDArray, ctx: GradContext<'max' | 'min'>): (NDArray | null)[] {
  const [a] = ctx.inputs as [NDArray];
  const axes = ctx.attrs.axis;
  return [need(ctx, 0, () => {
    const hit = lay.astype(ew.equal(a, expandReduced(ctx.output, a, axes)), a.dtype);
    const share = ew.div(hit, red.sum(hit, axes, true));
    return ew.mul(expandReduced(g, a, axes), share);
  })];
}

/** The ops a definition's gradient is written with (ops/defs/types.ts), looked up when a rule runs. */
const GRAD_OPS: GradOps = {
  neg: (a) => unaryOps.neg(a), sign: (a) => unaryOps.sign(a), sin: (a) => unaryOps.sin(a), cos: (a) => unaryOps.cos(a),
  square: (a) => unaryOps.square(a), sqrt: (a) => unaryOps.sqrt(a), exp: (a) => unaryOps.exp(a),
  sinh: (a) => unaryOps.sinh(a), cosh: (a) => unaryOps.cosh(a), erf: (a) => unaryOps.erf(a), sigmoid: (a) => unaryOps.sigmoid(a),
  add: (a, b) => ew.add(a, b), sub: (a, b) => ew.sub(a, b), mul: (a, b) => ew.mul(a, b), div: (a, b) => ew.div(a, b),
  zerosLike: (a) => zerosLike(a),
  tanhGrad: (g, y) => ew.tanhGrad(g, y), sigmoidGrad: (g, y) => ew.sigmoidGrad(g, y), reluGrad: (g, x) => ew.reluGrad(g, x),
};

/** The engine ops every definition's gradient and replay are written with (ops/defs/types.ts EngineOps). */
export const ENGINE_OPS: EngineOps = {
  ...GRAD_OPS,
  sub: (a, b) => ew.sub(a, b), pow: (a, b) => ew.pow(a, b), exp: (a) => unaryOps.exp(a), square: (a) => unaryOps.square(a),
  where: (c, a, b) => ew.where(c, a, b), equal: (a, b) => ew.equal(a, b),
  sum: (a, axis, keepdims) => red.sum(a, axis as number[] | number | null | undefined, keepdims),
  mean: (a, axis, keepdims) => red.mean(a, axis as number[] | number | null | undefined, keepdims),
  reshape: (a, shape) => lay.reshape(a, shape), broadcastTo: (a, shape) => lay.broadcastTo(a, shape),
  transpose: (a, axes) => lay.transpose(a, axes as number[] | undefined), matmul: (a, b) => matmul(a, b),
  copy: (a) => lay.copy(a), astype: (a, dtype) => lay.astype(a, dtype), sumToShape: (g, shape) => sumToShape(g, shape),
  take: (a, indices, axis) => lay.take(a, indices, axis), takeGrad: (g, indices, axis, shape) => lay.takeGrad(g, indices, axis, shape),
  softmax: (a, axis) => nn.softmax(a, axis), logSoftmax: (a, axis) => nn.logSoftmax(a, axis),
  batchNorm: (x, gamma, beta, mean, variance, options) => nn.batchNorm(x, gamma, beta, mean, variance, options),
  convolution: (data, weight, bias, window) => conv.convolve(data, weight, bias, window),
  convolutionGradData: (dy, weight, attrs) => conv.convolutionGradData(dy, weight, attrs),
  convolutionGradWeight: (data, dy, attrs) => conv.convolutionGradWeight(data, dy, attrs),
  pooling: (data, params) => conv.pool(data, params),
  poolingGrad: (dy, argmax, attrs) => conv.poolingGrad(dy, argmax, attrs),
};

/** The rules of a family's definitions (ops/defs/*.ts), each handed the engine ops when it runs. */
export function definedGradRules<Attrs>(defs: OpDefinitions<Attrs>): { [K in keyof Attrs]: GradRule<K & OpName> } {
  const rules: Record<string, GradRule<OpName>> = {};
  for (const name of Object.keys(defs) as (keyof Attrs & string)[]) {
    const grad = defs[name].grad as (g: NDArray, ctx: GradContext<OpName>, op: EngineOps) => (NDArray | null)[];
    rules[name] = (g, ctx) => grad(g, ctx, ENGINE_OPS);
  }
  return rules as { [K in keyof Attrs]: GradRule<K & OpName> };
}

/** The unary ops' rules, from their definitions (ops/defs/unary.ts): ∂L/∂a when a needs it. */
const unaryGradRules = perUnaryOp((name): GradRule<UnaryOpName> => {
  const grad: UnaryDefinition['grad'] = UNARY_OPS[name].grad;
  return (g, ctx) => [ctx.needsGrad[0] ? grad(g, { a: ctx.inputs[0]!, out: ctx.output }, GRAD_OPS) : null];
});

export const gradRules: { readonly [K in OpName]: GradRule<K> } = {
  // out = a + b: ∂a = g, ∂b = g (summed over broadcast axes)
  add: broadcastRule((g) => g, (g) => g),
  // out = a − b: ∂a = g, ∂b = −g
  sub: broadcastRule((g) => g, (g) => unaryOps.neg(g)),
  // out = a·b: ∂a = g·b, ∂b = g·a
  mul: broadcastRule((g, c) => ew.mul(g, c.inputs[1]!), (g, c) => ew.mul(g, c.inputs[0]!)),
  // out = a/b: ∂a = g/b, ∂b = −g·a/b² = −g·out/b
  div: broadcastRule((g, c) => ew.div(g, c.inputs[1]!), (g, c) => unaryOps.neg(ew.mul(g, ew.div(c.output, c.inputs[1]!)))),
  // out = a^b: ∂a = g·b·a^(b−1), ∂b = g·out·ln a
  pow: broadcastRule(
    (g, c) => ew.mul(g, ew.mul(c.inputs[1]!, ew.pow(c.inputs[0]!, ew.sub(c.inputs[1]!, 1)))),
    (g, c) => ew.mul(g, ew.mul(c.output, unaryOps.log(c.inputs[0]!)))),
  // out = max(a, b): g goes to the larger operand (to a on ties)
  maximum: (g, ctx) => {
    const aWins = ew.greaterEqual(ctx.inputs[0]!, ctx.inputs[1]!);
    return binaryRule(ctx, () => ew.where(aWins, g, 0), () => ew.where(aWins, 0, g));
  },
  // out = min(a, b): g goes to the smaller operand (to a on ties)
  minimum: (g, ctx) => {
    const aWins = ew.lessEqual(ctx.inputs[0]!, ctx.inputs[1]!);
    return binaryRule(ctx, () => ew.where(aWins, g, 0), () => ew.where(aWins, 0, g));
  },
  ...unaryGradRules,
  // out = g·(1 − y²): ∂g = 1 − y², ∂y = −2·g·y
  tanhGrad: broadcastRule(
    (h, c) => ew.mul(h, ew.sub(1, unaryOps.square(c.inputs[1]!))),
    (h, c) => ew.mul(h, ew.mul(ew.mul(c.inputs[0]!, c.inputs[1]!), -2))),
  // out = g·y·(1 − y): ∂g = y·(1 − y), ∂y = g·(1 − 2y)
  sigmoidGrad: broadcastRule(
    (h, c) => ew.mul(h, ew.mul(c.inputs[1]!, ew.sub(1, c.inputs[1]!))),
    (h, c) => ew.mul(h, ew.mul(c.inputs[0]!, ew.sub(1, ew.mul(c.inputs[1]!, 2))))),
  // out = g where x > 0: ∂g = h where x > 0, ∂x = 0
  reluGrad: broadcastRule((h, c) => ew.reluGrad(h, c.inputs[1]!), (_h, c) => zerosLike(c.inputs[1]!)),
  // out = cond ? a : b: ∂a = g where cond, ∂b = g elsewhere; cond has none
  where: (g, ctx) => {
    const [cond, a, b] = ctx.inputs as [NDArray, NDArray, NDArray];
    return [
      null,
      need(ctx, 1, () => sumToShape(ew.where(cond, g, 0), a.shape)),
      need(ctx, 2, () => sumToShape(ew.where(cond, 0, g), b.shape)),
    ];
  },
  // out = clip(a, lo, hi): ∂a = g inside [lo, hi], 0 where clipped
  clip: (g, ctx) => {
    const a = ctx.inputs[0]!;
    const { min, max } = ctx.attrs;
    let grad = g;
    if (min !== null) grad = ew.where(ew.less(a, min), 0, grad);
    if (max !== null) grad = ew.where(ew.greater(a, max), 0, grad);
    return [grad];
  },
  equal: none, notEqual: none, less: none, greater: none, lessEqual: none, greaterEqual: none,
  argmax: none, argmin: none,
  // out = Σ a over axes: ∂a = g broadcast back
  sum: (g, ctx) => [expandReduced(g, ctx.inputs[0]!, ctx.attrs.axis)],
  // out = mean a over axes: ∂a = g broadcast back / count
  mean: (g, ctx) => {
    const a = ctx.inputs[0]!;
    const count = ctx.attrs.axis.reduce((n, axis) => n * a.shape[axis]!, 1);
    return [ew.div(expandReduced(g, a, ctx.attrs.axis), count)];
  },
  // out = max a over axes: ∂a = g at the maxima, shared among ties
  max: extremumGrad,
  min: extremumGrad,
  // out = a·b (NumPy dot): ∂a = g·bᵀ, ∂b = aᵀ·g
  dot: dotGrad,
  // out = a @ b: ∂a = g @ bᵀ, ∂b = aᵀ @ g (summed over broadcast batches)
  matmul: matmulGrad,
  // out = aᵀ (axes permuted): ∂a = g with the inverse permutation
  transpose: (g, ctx) => [lay.transpose(g, ctx.attrs.axes.map((_, i) => ctx.attrs.axes.indexOf(i)))],
  // shape-only ops: ∂a = g in a's shape
  reshape: (g, ctx) => [lay.reshape(g, ctx.inputs[0]!.shape)],
  expandDims: (g, ctx) => [lay.reshape(g, ctx.inputs[0]!.shape)],
  squeeze: (g, ctx) => [lay.reshape(g, ctx.inputs[0]!.shape)],
  // out = a broadcast: ∂a = g summed over the broadcast axes
  broadcastTo: (g, ctx) => [sumToShape(g, ctx.inputs[0]!.shape)],
  // out = [a₀ | a₁ | …] along axis: ∂aᵢ = the slice of g where aᵢ landed
  concatenate: (g, ctx) => {
    let offset = 0;
    return ctx.inputs.map((input, i) => {
      const size = input.shape[ctx.attrs.axis]!;
      const start = offset;
      offset += size;
      return need(ctx, i, () => lay.take(g, Array.from({ length: size }, (_, t) => start + t), ctx.attrs.axis));
    });
  },
  // out = stack(aᵢ) along a new axis: ∂aᵢ = g at index i of that axis
  stack: (g, ctx) => ctx.inputs.map((_, i) => need(ctx, i, () => lay.take(g, i, ctx.attrs.axis))),
  // out = a[i]: ∂a = g placed at index i, zeros elsewhere
  at: (g, ctx) => [lay.takeGrad(g, scalarArray(ctx.attrs.index, 'int32'), 0, ctx.inputs[0]!.shape)],
  // out = take(a, idx, axis): ∂a = g scatter-added at idx; the indices have none
  take: (g, ctx) => [lay.takeGrad(g, ctx.inputs[1]!, ctx.attrs.axis, ctx.inputs[0]!.shape), null],
  // out = scatter-add of g: ∂g = take of the upstream at the same indices
  takeGrad: (g, ctx) => [lay.take(g, ctx.inputs[1]!, ctx.attrs.axis), null],
  // out = take_along_axis(a, idx): ∂a = g scatter-added along the axis
  takeAlongAxis: (g, ctx) => [lay.takeAlongAxisGrad(g, ctx.inputs[1]!, ctx.attrs.axis, ctx.inputs[0]!.shape[ctx.attrs.axis]!), null],
  takeAlongAxisGrad: (g, ctx) => [lay.takeAlongAxis(g, ctx.inputs[1]!, ctx.attrs.axis), null],
  // out = sort(a): ∂a = g routed back through the sorting permutation
  sort: (g, ctx) => [lay.takeAlongAxisGrad(g, ctx.saved[0]!, ctx.attrs.axis, ctx.inputs[0]!.shape[ctx.attrs.axis]!)],
  // out = copy of a: ∂a = g
  copy: (g) => [g],
  // out = a cast: ∂a = g cast back to a's dtype
  astype: (g, ctx) => [isFloat(ctx.inputs[0]!.dtype) ? lay.astype(g, ctx.inputs[0]!.dtype) : null],
  ...definedGradRules(NN_OPS),
  ...definedGradRules(INDEXING_OPS),
  ...definedGradRules(CONV_OPS),
};
