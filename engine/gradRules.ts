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
import { ELEMENTWISE_OPS } from './ops/defs/elementwise';
import { REDUCE_OPS } from './ops/defs/reduce';
import { LINALG_OPS } from './ops/defs/linalg';
import { LAYOUT_OPS } from './ops/defs/layout';
import { CONV_OPS } from './ops/defs/conv';
import { MATH_OPS } from './ops/defs/math';
import * as nn from './ops/nn';
import * as conv from './ops/conv';
import * as lookup from './ops/lookup';
import { perUnaryOp, unaryOps } from './ops/unary';
import * as red from './ops/reduce';
import * as lay from './ops/layout';
import * as lin from './ops/linalg';
import { normOf } from './ops/norm';
import { padGrad, padOf } from './ops/pad';
import * as arr from './ops/arrange';
import * as math from './ops/math';
import { scalarArray } from './ops/operand';
import { zerosLike } from './ops/creation';
import { sameShape } from './shape';
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
  transpose: (a, axes) => lay.transpose(a, axes as number[] | undefined), matmul: (a, b) => lin.matmul(a, b),
  copy: (a) => lay.copy(a), astype: (a, dtype) => lay.astype(a, dtype), sumToShape: (g, shape) => sumToShape(g, shape),
  softmax: (a, axis) => nn.softmax(a, axis), logSoftmax: (a, axis) => nn.logSoftmax(a, axis),
  batchNorm: (x, gamma, beta, mean, variance, options) => nn.batchNorm(x, gamma, beta, mean, variance, options),
  log: (a) => unaryOps.log(a), maximum: (a, b) => ew.maximum(a, b), minimum: (a, b) => ew.minimum(a, b),
  notEqual: (a, b) => ew.notEqual(a, b), less: (a, b) => ew.less(a, b), greater: (a, b) => ew.greater(a, b),
  lessEqual: (a, b) => ew.lessEqual(a, b), greaterEqual: (a, b) => ew.greaterEqual(a, b), clip: (a, min, max) => ew.clip(a, min, max),
  max: (a, axis, keepdims) => red.max(a, axis, keepdims), min: (a, axis, keepdims) => red.min(a, axis, keepdims),
  argmax: (a, axis) => red.argmax(a, axis), argmin: (a, axis) => red.argmin(a, axis),
  dot: (a, b) => lin.dot(a, b),
  expandDims: (a, axis) => lay.expandDims(a, axis), squeeze: (a, axis) => lay.squeeze(a, axis),
  concatenate: (arrays, axis) => lay.concatenate(arrays, axis), stack: (arrays, axis) => lay.stack(arrays, axis),
  at: (a, index) => lay.at(a, index), take: (a, indices, axis) => lay.take(a, indices, axis),
  takeGrad: (g, indices, axis, shape) => lay.takeGrad(g, indices, axis, shape),
  takeAlongAxis: (a, indices, axis) => lay.takeAlongAxis(a, indices, axis),
  takeAlongAxisGrad: (g, indices, axis, size) => lay.takeAlongAxisGrad(g, indices, axis, size),
  sort: (a, axis) => lay.sort(a, axis), scalarArray: (value, dtype) => scalarArray(value, dtype), isFloat: (dtype) => isFloat(dtype),
  convolution: (data, weight, bias, window) => conv.convolve(data, weight, bias, window),
  convolutionGradData: (dy, weight, attrs) => conv.convolutionGradData(dy, weight, attrs),
  convolutionGradWeight: (data, dy, attrs) => conv.convolutionGradWeight(data, dy, attrs),
  pooling: (data, params) => conv.pool(data, params),
  poolingGrad: (dy, argmax, attrs) => conv.poolingGrad(dy, argmax, attrs),
  // The NumPy ops var … einsum.
  abs: (a) => unaryOps.abs(a),
  var: (a, axis, options) => red.variance(a, axis, options), std: (a, axis, options) => red.std(a, axis, options),
  prod: (a, axis, keepdims) => red.prod(a, axis, keepdims), any: (a, axis, keepdims) => red.any(a, axis, keepdims),
  all: (a, axis, keepdims) => red.all(a, axis, keepdims), norm: (a, ord, axis, keepdims) => normOf(a, ord, axis, keepdims),
  logaddexp: (a, b) => ew.logaddexp(a, b), isnan: (a) => ew.isnan(a), isinf: (a) => ew.isinf(a), outer: (a, b) => lin.outer(a, b),
  pad: (a, padWidth, mode, constantValue) => padOf(a, padWidth, mode, constantValue), padGrad: (g, padWidth, mode, shape) => padGrad(g, padWidth, mode, shape),
  repeat: (a, repeats, axis) => arr.repeat(a, repeats, axis), tile: (a, reps) => arr.tile(a, reps), flip: (a, axis) => arr.flip(a, axis),
  splitPiece: (a, axis, begin, end) => arr.splitPiece(a, axis, begin, end),
  cumsum: (a, axis, reverse) => math.cumsumOf(a, axis, reverse), einsum: (operands, equation, shape) => math.einsumOf(operands, equation, shape),
  pick: (data, index, options) => lookup.pick(data, index, options),
  oneHot: (indices, depth, options) => lookup.oneHot(indices, depth, options),
  batchDot: (a, b, options) => nn.batchDot(a, b, options),
  sequenceMask: (data, lengths, options) => lookup.sequenceMask(data, lengths, options),
  maskedSoftmax: (data, mask, options) => nn.maskedSoftmax(data, mask, options),
  layerNorm: (data, gamma, beta, options) => nn.layerNorm(data, gamma, beta, options),
  embedding: (data, weight, options) => lookup.embedding(data, weight, options),
  leakyRelu: (data, options) => nn.leakyRelu(data, options),
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
  ...unaryGradRules,
  ...definedGradRules(NN_OPS),
  ...definedGradRules(INDEXING_OPS),
  ...definedGradRules(ELEMENTWISE_OPS),
  ...definedGradRules(REDUCE_OPS),
  ...definedGradRules(LINALG_OPS),
  ...definedGradRules(LAYOUT_OPS),
  ...definedGradRules(CONV_OPS),
  ...definedGradRules(MATH_OPS),
};
