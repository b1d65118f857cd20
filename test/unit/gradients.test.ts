// Numeric gradient checks (float64 central differences) for every op in the gradient table, first
// and second order. The case table is typed by op name, so a new op without cases does not compile,
// and a runtime check catches a table that falls behind `gradRules`.
import { strict as assert } from 'node:assert';
import { np, npx, autograd, NDArray, type DType } from 'gradlens';
import { gradRules } from '../../engine/gradRules';
import type { OpName } from '../../engine/ops/attrs';
import { takeAlongAxisGrad, takeGrad } from '../../engine/ops/layout';
import { reluGrad as reluGradOp, sigmoidGrad as sigmoidGradOp, tanhGrad as tanhGradOp } from '../../engine/ops/elementwise';
import { convolutionGradData, convolutionGradWeight, poolingGrad } from '../../engine/ops/conv';
import { maxPoolForward, poolGeometry } from '../../engine/kernels/pool';
import { padGrad as padGradOp } from '../../engine/ops/pad';
import { cumsumOf as cumsumOp } from '../../engine/ops/math';

interface GradCase {
  name: string;
  /** Float inputs to differentiate (float64). */
  inputs: () => NDArray[];
  fn: (...xs: NDArray[]) => NDArray;
  tolerance?: { eps?: number; atol?: number; rtol?: number };
  trainMode?: boolean;
}

/** Ops whose result is not differentiable: checked to stay out of the graph instead. */
interface NonDifferentiableCase {
  nonDifferentiable: (x: NDArray) => NDArray;
}

type Case = GradCase | NonDifferentiableCase;

let seed = 0;
/** Uniform values in [lo, hi) of `shape`, float64, from a per-case seed. */
function rand(shape: number[], lo = -2, hi = 2): NDArray {
  np.random.seed(++seed * 7919);
  return np.random.uniform(lo, hi, shape, 'float64');
}

/** Values with |v| in [0.2, 2) and random signs: away from the kink at 0. */
function awayFromZero(shape: number[]): NDArray {
  const magnitude = rand(shape, 0.2, 2);
  const sign = np.sign(rand(shape, -1, 1));
  return magnitude.mul(np.where(sign.equal(0), 1, sign));
}

/** b = a + offset with |offset| in [0.2, 1): never near a tie with a. */
function apart(a: NDArray): NDArray {
  return a.add(awayFromZero([...a.shape]).mul(0.5));
}

const positive = (shape: number[]) => rand(shape, 0.5, 2);
const DT: DType = 'float64';
const ints = (values: number[]) => np.array(values, { dtype: 'int32' });

/** A convolution's window as recorded: 2-D, 3×3, stride 2, pad 1 (data (2, 2, 5, 5) → (2, 3, 3, 3) with 3 filters). */
const WINDOW = { kernel: [3, 3], stride: [2, 2], pad: [1, 1], dilate: [1, 1], numGroup: 1 };
/** 1-D, kernel 2, dilation 2, two groups (data (1, 4, 6) → (1, 2, 4) with 2 filters). */
const GROUPED_1D = { kernel: [2], stride: [1], pad: [0], dilate: [2], numGroup: 2 };
/** Max or average pooling 3×3, stride 2, pad 1, overlapping windows ((2, 2, 5, 5) → (2, 2, 3, 3)). */
const POOL = { kernel: [3, 3], stride: [2, 2], pad: [1, 1], globalPool: false, dataShape: [2, 2, 5, 5] };
/** The argmax indices max pooling with POOL's windows saves for a fixed input (distinct values, sin(1.7·i)). */
const POOL_ARGMAX = (() => {
  const x = Float64Array.from({ length: 100 }, (_, i) => Math.sin(1.7 * i));
  return np.array(maxPoolForward('float64', x, poolGeometry(POOL.dataShape, POOL)).argmax).reshape([2, 2, 3, 3]);
})();

const cases: { [K in OpName]: Case[] } = {
  add: [
    { name: 'broadcast [3,4] + [4]', inputs: () => [rand([3, 4]), rand([4])], fn: (a, b) => np.add(a!, b!) },
    { name: 'broadcast [2,1,3] + [4,1]', inputs: () => [rand([2, 1, 3]), rand([4, 1])], fn: (a, b) => a!.add(b!) },
    { name: 'number on the left', inputs: () => [rand([3])], fn: (a) => np.add(2, a!) },
  ],
  sub: [{ name: 'broadcast [3,1] − [1,4]', inputs: () => [rand([3, 1]), rand([1, 4])], fn: (a, b) => a!.sub(b!) }],
  mul: [
    { name: 'broadcast [2,3] · [3]', inputs: () => [rand([2, 3]), rand([3])], fn: (a, b) => a!.mul(b!) },
    { name: 'same array twice', inputs: () => [rand([4])], fn: (a) => a!.mul(a!) },
  ],
  div: [{ name: 'broadcast [2,3] / [2,1]', inputs: () => [rand([2, 3]), positive([2, 1])], fn: (a, b) => a!.div(b!) }],
  pow: [
    { name: 'positive base, both differentiated', inputs: () => [positive([2, 3]), rand([3], -2, 2)], fn: (a, b) => a!.pow(b!) },
    { name: 'x³ with a constant exponent', inputs: () => [rand([4])], fn: (a) => a!.pow(3) },
  ],
  maximum: [{ name: 'broadcast, away from ties', inputs: () => { const a = rand([2, 3]); return [a, apart(a)]; }, fn: (a, b) => np.maximum(a!, b!) }],
  minimum: [{ name: 'with a number', inputs: () => [awayFromZero([5])], fn: (a) => np.minimum(a!, 0) }],
  neg: [{ name: '[2,3]', inputs: () => [rand([2, 3])], fn: (a) => a!.neg() }],
  abs: [{ name: 'away from 0', inputs: () => [awayFromZero([6])], fn: (a) => np.abs(a!) }],
  exp: [{ name: '[2,3]', inputs: () => [rand([2, 3])], fn: (a) => np.exp(a!) }],
  log: [{ name: 'positive', inputs: () => [positive([5])], fn: (a) => np.log(a!) }],
  log2: [{ name: 'positive', inputs: () => [positive([5])], fn: (a) => np.log2(a!) }],
  log10: [{ name: 'positive', inputs: () => [positive([5])], fn: (a) => a!.log10() }],
  log1p: [{ name: 'above −1', inputs: () => [rand([5], -0.5, 2)], fn: (a) => np.log1p(a!) }],
  expm1: [{ name: '[2,3]', inputs: () => [rand([2, 3])], fn: (a) => a!.expm1() }],
  sqrt: [{ name: 'positive', inputs: () => [positive([5])], fn: (a) => np.sqrt(a!) }],
  square: [{ name: '[2,3]', inputs: () => [rand([2, 3])], fn: (a) => np.square(a!) }],
  sin: [{ name: '[5]', inputs: () => [rand([5], -4, 4)], fn: (a) => np.sin(a!) }],
  cos: [{ name: '[5]', inputs: () => [rand([5], -4, 4)], fn: (a) => np.cos(a!) }],
  tan: [{ name: 'within (−1.3, 1.3), away from ±π/2', inputs: () => [rand([6], -1.3, 1.3)], fn: (a) => np.tan(a!) }],
  arcsin: [{ name: 'within (−0.9, 0.9)', inputs: () => [rand([6], -0.9, 0.9)], fn: (a) => np.arcsin(a!) }],
  arccos: [{ name: 'within (−0.9, 0.9)', inputs: () => [rand([6], -0.9, 0.9)], fn: (a) => a!.arccos() }],
  arctan: [{ name: '[6] in (−3, 3)', inputs: () => [rand([6], -3, 3)], fn: (a) => np.arctan(a!) }],
  sinh: [{ name: '[2,3]', inputs: () => [rand([2, 3])], fn: (a) => np.sinh(a!) }],
  cosh: [{ name: '[2,3]', inputs: () => [rand([2, 3])], fn: (a) => a!.cosh() }],
  tanh: [{ name: '[5]', inputs: () => [rand([5])], fn: (a) => np.tanh(a!) }],
  reciprocal: [{ name: 'away from 0, both signs', inputs: () => [awayFromZero([6])], fn: (a) => np.reciprocal(a!) }],
  sign: [{ name: 'zero gradient away from 0', inputs: () => [awayFromZero([5])], fn: (a) => np.sign(a!).mul(a!) }],
  relu: [{ name: 'away from 0', inputs: () => [awayFromZero([2, 4])], fn: (a) => npx.relu(a!) }],
  sigmoid: [{ name: '[5]', inputs: () => [rand([5], -4, 4)], fn: (a) => npx.sigmoid(a!) }],
  logSigmoid: [{ name: '[6] in (−6, 6)', inputs: () => [rand([6], -6, 6)], fn: (a) => npx.logSigmoid(a!) }],
  erf: [
    { name: 'both sides of the series/fraction switch at |a| = 1', inputs: () => [rand([8], -3, 3)], fn: (a) => npx.erf(a!) },
    { name: 'method', inputs: () => [rand([3], -0.5, 0.5)], fn: (a) => a!.erf() },
  ],
  gelu: [{ name: 'both sides of the switch at |a| = √2', inputs: () => [rand([8], -4, 4)], fn: (a) => npx.gelu(a!) }],
  tanhGrad: [{ name: 'g·(1 − y²)', inputs: () => [rand([2, 3]), rand([2, 3], -0.9, 0.9)], fn: (g, y) => tanhGradOp(g!, y!) }],
  sigmoidGrad: [{ name: 'g·y·(1 − y)', inputs: () => [rand([4]), rand([4], 0.1, 0.9)], fn: (g, y) => sigmoidGradOp(g!, y!) }],
  reluGrad: [{ name: 'g where x > 0', inputs: () => [rand([5]), awayFromZero([5])], fn: (g, x) => reluGradOp(g!, x!).mul(x!) }],
  where: [{
    name: 'broadcast condition [3,1], a [3,4], b [4]',
    inputs: () => [rand([3, 4]), rand([4])],
    fn: (a, b) => np.where(np.array([[true], [false], [true]]), a!, b!),
  }],
  clip: [
    { name: 'both bounds, away from them', inputs: () => [np.array([-1.7, -0.6, 0.1, 0.8, 1.9], { dtype: DT })], fn: (a) => np.clip(a!, -1, 1) },
    { name: 'lower bound only', inputs: () => [np.array([-1.7, 0.6], { dtype: DT })], fn: (a) => a!.clip(0, null) },
  ],
  equal: [{ nonDifferentiable: (x) => x.equal(x) }],
  notEqual: [{ nonDifferentiable: (x) => x.notEqual(0) }],
  less: [{ nonDifferentiable: (x) => x.less(0) }],
  greater: [{ nonDifferentiable: (x) => np.greater(x, 0) }],
  lessEqual: [{ nonDifferentiable: (x) => x.lessEqual(0) }],
  greaterEqual: [{ nonDifferentiable: (x) => x.greaterEqual(0) }],
  argmax: [{ nonDifferentiable: (x) => np.argmax(x) }],
  argmin: [{ nonDifferentiable: (x) => x.argmin(0) }],
  sum: [
    { name: 'all axes', inputs: () => [rand([2, 3, 4])], fn: (a) => np.sum(a!) },
    { name: 'axes [0, 2], keepdims', inputs: () => [rand([2, 3, 4])], fn: (a) => a!.sum([0, 2], true) },
    { name: 'axis -1', inputs: () => [rand([2, 3])], fn: (a) => a!.sum(-1) },
  ],
  mean: [{ name: 'axis 1', inputs: () => [rand([2, 3, 4])], fn: (a) => np.mean(a!, 1) }],
  max: [
    { name: 'all axes', inputs: () => [rand([3, 4])], fn: (a) => a!.max() },
    { name: 'axis 0, keepdims', inputs: () => [rand([3, 4])], fn: (a) => np.max(a!, 0, true) },
  ],
  min: [{ name: 'axis 1', inputs: () => [rand([3, 4])], fn: (a) => a!.min(1) }],
  dot: [
    { name: '0-d · [3]', inputs: () => [rand([]), rand([3])], fn: (a, b) => np.dot(a!, b!) },
    { name: '[3] · [3] (inner product)', inputs: () => [rand([3]), rand([3])], fn: (a, b) => np.dot(a!, b!) },
    { name: '[2,3] · [3]', inputs: () => [rand([2, 3]), rand([3])], fn: (a, b) => np.dot(a!, b!) },
    { name: '[3] · [3,4]', inputs: () => [rand([3]), rand([3, 4])], fn: (a, b) => np.dot(a!, b!) },
    { name: '[2,3] · [3,4]', inputs: () => [rand([2, 3]), rand([3, 4])], fn: (a, b) => a!.dot(b!) },
    { name: '[2,2,3] · [2,3,2] (N-D · M-D)', inputs: () => [rand([2, 2, 3]), rand([2, 3, 2])], fn: (a, b) => np.dot(a!, b!) },
  ],
  matmul: [
    { name: '[2,3] @ [3,4]', inputs: () => [rand([2, 3]), rand([3, 4])], fn: (a, b) => np.matmul(a!, b!) },
    { name: '[3] @ [3,4] and [2,3] @ [3]', inputs: () => [rand([3]), rand([3, 4]), rand([2, 3])], fn: (a, b, c) => np.matmul(a!, b!).sum().add(np.matmul(c!, a!).sum()) },
    { name: 'broadcast batches [2,1,2,3] @ [3,3,2]', inputs: () => [rand([2, 1, 2, 3]), rand([3, 3, 2])], fn: (a, b) => a!.matmul(b!) },
  ],
  transpose: [
    { name: 'axes [2,0,1]', inputs: () => [rand([2, 3, 4])], fn: (a) => np.transpose(a!, [2, 0, 1]).mul(np.arange(8).reshape([4, 2, 1])) },
    { name: '.T', inputs: () => [rand([2, 3])], fn: (a) => a!.T.mul(np.arange(2)) },
  ],
  reshape: [{ name: '[2,3,2] → [3,-1]', inputs: () => [rand([2, 3, 2])], fn: (a) => a!.reshape([3, -1]).mul(np.arange(4)) }],
  expandDims: [{ name: 'axis 1', inputs: () => [rand([2, 3])], fn: (a) => np.expandDims(a!, 1).mul(np.arange(3)) }],
  squeeze: [{ name: 'size-1 axes', inputs: () => [rand([2, 1, 3, 1])], fn: (a) => np.squeeze(a!).mul(np.arange(3)) }],
  broadcastTo: [{ name: '[3,1] → [2,3,4]', inputs: () => [rand([3, 1])], fn: (a) => np.broadcastTo(a!, [2, 3, 4]).mul(np.arange(24).reshape([2, 3, 4])) }],
  concatenate: [{ name: 'three arrays along axis 1', inputs: () => [rand([2, 1]), rand([2, 3]), rand([2, 2])], fn: (a, b, c) => np.concatenate([a!, b!, c!], 1).mul(np.arange(6)) }],
  stack: [{ name: 'along a new axis 1', inputs: () => [rand([2, 3]), rand([2, 3])], fn: (a, b) => np.stack([a!, b!], 1).mul(np.arange(3)) }],
  at: [{ name: 'index -1 of [3,2]', inputs: () => [rand([3, 2])], fn: (a) => a!.at(-1).mul(np.array([2, 3])) }],
  take: [
    { name: 'axis 1 with repeated indices', inputs: () => [rand([2, 4])], fn: (a) => np.take(a!, ints([0, 3, 0]), 1) },
    { name: 'flattened, 2-D indices', inputs: () => [rand([2, 3])], fn: (a) => a!.take(ints([5, 1, 1, 0]).reshape([2, 2])) },
  ],
  get: [
    { name: 'slices', inputs: () => [rand([3, 4])], fn: (a) => a!.get(':, 1:3') },
    { name: 'reversed, newaxis and an integer', inputs: () => [rand([3, 4])], fn: (a) => a!.get(['::-1', np.newaxis, 2]) },
    { name: 'pairs with repeated positions', inputs: () => [rand([3, 4])], fn: (a) => a!.get([[0, 1, 0], [2, 2, 2]]) },
    { name: 'index arrays separated by a slice', inputs: () => [rand([2, 3, 4])], fn: (a) => a!.get([[0, 1], null, ints([3, 0])]) },
    { name: 'bool mask', inputs: () => [rand([2, 3])], fn: (a) => a!.get(np.array([[true, false, true], [false, true, true]])) },
  ],
  set: [
    {
      name: 'a slice of a computed array', inputs: () => [rand([3, 4]), rand([2])],
      fn: (a, v) => { const y = a!.mul(1); y.set([1, '1:3'], v!); return y.mul(y); },
    },
    {
      name: 'rows with a repeated index, value broadcast', inputs: () => [rand([3, 4]), rand([4])],
      fn: (a, v) => { const y = a!.mul(2); y.set([[0, 2, 0]], v!.mul(v!)); return y.sin(); },
    },
    {
      name: 'into fresh zeros (corr2d)', inputs: () => [rand([2, 2])],
      fn: (k) => { const y = np.zeros([2, 2], { dtype: DT }); y.set([0, 1], k!.mul(k!).sum()); y.set('1, :', k!.get(0)); return y.exp(); },
    },
    {
      name: 'assign', inputs: () => [rand([3]), rand([3])],
      fn: (a, v) => { const y = a!.add(1); const before = y.mul(3); y.assign(v!.mul(a!)); return y.add(before); },
    },
  ],
  takeGrad: [{ name: 'scatter-add along axis 0', inputs: () => [rand([3, 2])], fn: (g) => takeGrad(g!, ints([1, 1, 3]), 0, [4, 2]) }],
  takeAlongAxis: [{ name: 'axis 1', inputs: () => [rand([2, 3])], fn: (a) => np.takeAlongAxis(a!, ints([2, 0, 0, 1, 1, 2]).reshape([2, 3]), 1) }],
  takeAlongAxisGrad: [{ name: 'axis 1', inputs: () => [rand([2, 3])], fn: (g) => takeAlongAxisGrad(g!, ints([2, 0, 0, 1, 1, 2]).reshape([2, 3]), 1, 3) }],
  sort: [{ name: 'axis 0 of [4,2]', inputs: () => [rand([4, 2])], fn: (a) => np.sort(a!, 0).mul(np.arange(8).reshape([4, 2])) }],
  copy: [{ name: '[3]', inputs: () => [rand([3])], fn: (a) => a!.copy().mul(a!) }],
  astype: [{
    name: 'float64 → float32 → float64',
    inputs: () => [rand([3])],
    fn: (a) => a!.astype('float32').mul(2).astype('float64'),
    tolerance: { eps: 1e-2, atol: 1e-4, rtol: 1e-3 },
  }],
  softmax: [
    { name: 'last axis', inputs: () => [rand([2, 4])], fn: (a) => npx.softmax(a!) },
    { name: 'axis 0', inputs: () => [rand([3, 2])], fn: (a) => npx.softmax(a!, 0) },
  ],
  logSoftmax: [{ name: 'last axis', inputs: () => [rand([2, 4])], fn: (a) => npx.logSoftmax(a!) }],
  dropout: [
    {
      name: 'training mode, mask fixed by the seed',
      inputs: () => [rand([8])],
      fn: (a) => { np.random.seed(3); return npx.dropout(a!, 0.5); },
    },
    { name: 'prediction mode (identity)', inputs: () => [rand([4])], fn: (a) => npx.dropout(a!, 0.5).mul(a!), trainMode: false },
  ],
  batchNorm: [
    {
      name: 'training mode, [4,3]',
      inputs: () => [rand([4, 3]), positive([3]), rand([3])],
      fn: (x, gamma, beta) => npx.batchNorm(x!, gamma!, beta!, np.zeros([3], { dtype: DT }), np.ones([3], { dtype: DT })),
    },
    {
      name: 'training mode, [2,3,2] over axis 1',
      inputs: () => [rand([2, 3, 2]), positive([3]), rand([3])],
      fn: (x, gamma, beta) => npx.batchNorm(x!, gamma!, beta!, np.zeros([3], { dtype: DT }), np.ones([3], { dtype: DT }), { axis: 1 }),
    },
    {
      name: 'prediction mode',
      inputs: () => [rand([4, 3]), positive([3]), rand([3])],
      fn: (x, gamma, beta) => npx.batchNorm(x!, gamma!, beta!, np.full([3], 0.5, { dtype: DT }), np.full([3], 2, { dtype: DT })),
      trainMode: false,
    },
  ],
  convolution: [
    {
      name: '2-D, stride 2, pad 1, bias', inputs: () => [rand([2, 2, 5, 5]), rand([3, 2, 3, 3]), rand([3])],
      fn: (x, w, b) => npx.convolution(x!, w!, b!, { kernel: [3, 3], stride: 2, pad: 1 }),
    },
    {
      name: '2-D, dilation 2, two groups, 1×2 kernel, no bias', inputs: () => [rand([1, 4, 5, 6]), rand([4, 2, 1, 2])],
      fn: (x, w) => npx.convolution(x!, w!, { kernel: [1, 2], dilate: 2, numGroup: 2 }),
    },
    { name: '1-D, pad 1, bias', inputs: () => [rand([2, 3, 6]), rand([2, 3, 3]), rand([2])], fn: (x, w, b) => npx.convolution(x!, w!, b!, { kernel: 3, pad: 1 }) },
  ],
  convolutionGradData: [
    {
      name: '2-D, stride 2, pad 1', inputs: () => [rand([2, 3, 3, 3]), rand([3, 2, 3, 3])],
      fn: (dy, w) => convolutionGradData(dy!, w!, { ...WINDOW, dataShape: [2, 2, 5, 5] }),
    },
    { name: '1-D, dilation 2, two groups', inputs: () => [rand([1, 2, 4]), rand([2, 2, 2])], fn: (dy, w) => convolutionGradData(dy!, w!, { ...GROUPED_1D, dataShape: [1, 4, 6] }) },
  ],
  convolutionGradWeight: [
    {
      name: '2-D, stride 2, pad 1', inputs: () => [rand([2, 2, 5, 5]), rand([2, 3, 3, 3])],
      fn: (x, dy) => convolutionGradWeight(x!, dy!, { ...WINDOW, weightShape: [3, 2, 3, 3] }),
    },
    { name: '1-D, dilation 2, two groups', inputs: () => [rand([1, 4, 6]), rand([1, 2, 4])], fn: (x, dy) => convolutionGradWeight(x!, dy!, { ...GROUPED_1D, weightShape: [2, 2, 2] }) },
  ],
  pooling: [
    { name: 'max 3×3, stride 2, pad 1 (overlapping windows)', inputs: () => [rand([2, 2, 5, 5])], fn: (x) => npx.pooling(x!, { kernel: 3, stride: 2, pad: 1 }) },
    { name: 'avg 3×3, stride 2, pad 1 (padding in the divisor)', inputs: () => [rand([2, 2, 5, 5])], fn: (x) => npx.pooling(x!, { kernel: 3, stride: 2, pad: 1, poolType: 'avg' }) },
    { name: 'max 1-D, kernel 2', inputs: () => [rand([2, 3, 6])], fn: (x) => npx.pooling(x!, { kernel: 2 }) },
    { name: 'avg, global', inputs: () => [rand([2, 3, 3, 4])], fn: (x) => npx.pooling(x!, { globalPool: true, poolType: 'avg' }) },
  ],
  poolingGrad: [
    { name: 'avg', inputs: () => [rand([2, 2, 3, 3])], fn: (dy) => poolingGrad(dy!, null, { ...POOL, poolType: 'avg' }) },
    {
      name: 'max, at the argmax of a fixed input', inputs: () => [rand([2, 2, 3, 3])],
      fn: (dy) => poolingGrad(dy!, POOL_ARGMAX, { ...POOL, poolType: 'max' }),
    },
  ],
  var: [
    { name: 'all axes', inputs: () => [rand([3, 4])], fn: (a) => np.var(a!) },
    { name: 'axis 1, ddof 1, keepdims (method)', inputs: () => [rand([3, 4])], fn: (a) => a!.var(1, { ddof: 1, keepdims: true }) },
  ],
  std: [
    { name: 'axes [0, 2]', inputs: () => [rand([2, 3, 4])], fn: (a) => np.std(a!, [0, 2]) },
    { name: 'axis 0, ddof 1 (method)', inputs: () => [rand([4, 2])], fn: (a) => a!.std(0, { ddof: 1 }) },
  ],
  prod: [
    { name: 'axis 1', inputs: () => [rand([3, 4])], fn: (a) => np.prod(a!, 1) },
    { name: 'all axes (method)', inputs: () => [rand([2, 3], 0.5, 1.5)], fn: (a) => a!.prod() },
    {
      name: 'one zero in some lanes (product of the others, not out/a)',
      inputs: () => [np.array([[0, 1.5, -0.7], [0.8, 1.2, -1.3], [2, 0, 0.9]], { dtype: DT })], fn: (a) => np.prod(a!, 1),
    },
    { name: 'a zero, axis 0 keepdims', inputs: () => [np.array([[0.5, 2], [0, -1.5], [1.2, 0.7]], { dtype: DT })], fn: (a) => a!.prod(0, true) },
  ],
  any: [{ nonDifferentiable: (x) => np.any(x.greater(0), 1) }],
  all: [{ nonDifferentiable: (x) => np.all(x) }],
  norm: [
    { name: '2-norm of the flattened array', inputs: () => [rand([3, 4])], fn: (a) => np.linalg.norm(a!) },
    { name: 'vector 2-norm along axis 1, keepdims', inputs: () => [rand([3, 4])], fn: (a) => np.linalg.norm(a!, 2, 1, true) },
    { name: 'vector 1-norm along axis 0', inputs: () => [awayFromZero([3, 4])], fn: (a) => np.linalg.norm(a!, 1, 0) },
    { name: 'vector ∞-norm along axis -1', inputs: () => [awayFromZero([2, 5])], fn: (a) => np.linalg.norm(a!, Infinity, -1) },
    { name: 'vector −∞-norm of a 1-D array', inputs: () => [awayFromZero([5])], fn: (a) => np.linalg.norm(a!, -Infinity) },
    { name: "'fro' over axes [0, 2]", inputs: () => [rand([2, 3, 2])], fn: (a) => np.linalg.norm(a!, 'fro', [0, 2]) },
    { name: 'matrix 1-norm (largest column sum)', inputs: () => [awayFromZero([3, 4])], fn: (a) => np.linalg.norm(a!, 1) },
    { name: 'matrix ∞-norm over axes [2, 0]', inputs: () => [awayFromZero([3, 2, 4])], fn: (a) => np.linalg.norm(a!, Infinity, [2, 0]) },
    { name: 'matrix −1-norm, keepdims', inputs: () => [awayFromZero([4, 3])], fn: (a) => np.linalg.norm(a!, -1, [0, 1], true) },
  ],
  logaddexp: [
    { name: 'broadcast [3,4] with [4]', inputs: () => [rand([3, 4]), rand([4])], fn: (a, b) => np.logaddexp(a!, b!) },
    { name: 'large inputs (~500), where eᵃ overflows', inputs: () => [rand([4], 499, 501), rand([4], 499, 501)], fn: (a, b) => np.logaddexp(a!, b!) },
    { name: 'with a number', inputs: () => [rand([5], -4, 4)], fn: (a) => np.logaddexp(a!, 0.5) },
  ],
  isnan: [{ nonDifferentiable: (x) => np.isnan(x) }],
  isinf: [{ nonDifferentiable: (x) => np.isinf(x.div(0)) }],
  outer: [
    { name: '[3] ⊗ [4]', inputs: () => [rand([3]), rand([4])], fn: (a, b) => np.outer(a!, b!) },
    { name: '[2,2] ⊗ 0-d (flattened)', inputs: () => [rand([2, 2]), rand([])], fn: (a, b) => np.outer(a!, b!) },
  ],
  pad: [
    { name: 'constant, one pair per axis', inputs: () => [rand([2, 3])], fn: (a) => np.pad(a!, [[1, 0], [2, 1]], { constantValues: 0.5 }) },
    { name: 'edge', inputs: () => [rand([3, 2])], fn: (a) => np.pad(a!, [2, 1], { mode: 'edge' }) },
    { name: 'reflect, wider than the array', inputs: () => [rand([2, 3])], fn: (a) => np.pad(a!, [[3, 4], [5, 2]], { mode: 'reflect' }) },
    { name: 'symmetric', inputs: () => [rand([4])], fn: (a) => np.pad(a!, 6, { mode: 'symmetric' }) },
    { name: 'wrap, one axis only', inputs: () => [rand([2, 3])], fn: (a) => np.pad(a!, [[0, 0], [4, 2]], { mode: 'wrap' }) },
  ],
  padGrad: [
    { name: 'constant', inputs: () => [rand([4, 5])], fn: (g) => padGradOp(g!, [[1, 0], [2, 1]], 'constant', [3, 2]) },
    { name: 'reflect', inputs: () => [rand([6, 7])], fn: (g) => padGradOp(g!, [[2, 1], [1, 3]], 'reflect', [3, 3]) },
  ],
  repeat: [
    { name: 'axis 0, one count per row', inputs: () => [rand([3, 2])], fn: (a) => np.repeat(a!, [2, 0, 3], 0) },
    { name: 'flattened, 2 each (method)', inputs: () => [rand([2, 2])], fn: (a) => a!.repeat(2) },
  ],
  tile: [
    { name: 'reps longer than the dimensions', inputs: () => [rand([2, 3])], fn: (a) => np.tile(a!, [2, 1, 3]) },
    { name: 'one count (method)', inputs: () => [rand([2, 2])], fn: (a) => a!.tile(3) },
  ],
  split: [
    { name: 'the middle piece at indices [1, 3] along axis 1', inputs: () => [rand([2, 5])], fn: (a) => np.split(a!, [1, 3], 1)[1]! },
    { name: 'three sections, used twice', inputs: () => [rand([6, 2])], fn: (a) => { const [p, q, r] = np.split(a!, 3); return p!.mul(q!).add(r!.mul(r!)); } },
  ],
  flip: [
    { name: 'axis 1', inputs: () => [rand([2, 3])], fn: (a) => np.flip(a!, 1).mul(np.arange(3)) },
    { name: 'every axis (method)', inputs: () => [rand([2, 2, 3])], fn: (a) => a!.flip().mul(np.arange(12).reshape([2, 2, 3])) },
  ],
  cumsum: [
    { name: 'flattened', inputs: () => [rand([2, 3])], fn: (a) => np.cumsum(a!).mul(a!.reshape(-1)) },
    { name: 'axis 1 (method)', inputs: () => [rand([3, 4])], fn: (a) => a!.cumsum(1).sin() },
    { name: 'from the end along axis 0 (its gradient)', inputs: () => [rand([3, 2])], fn: (a) => cumsumOp(a!, 0, true).mul(a!) },
  ],
  einsum: [
    { name: "'ij,jk->ik'", inputs: () => [rand([2, 3]), rand([3, 4])], fn: (a, b) => np.einsum('ij,jk->ik', a!, b!) },
    { name: "'bij,bjk->bik'", inputs: () => [rand([2, 2, 3]), rand([2, 3, 2])], fn: (a, b) => np.einsum('bij,bjk->bik', a!, b!) },
    { name: "'ii->i' and 'ii->' (diagonal, trace)", inputs: () => [rand([3, 3])], fn: (a) => np.einsum('ii->i', a!).mul(np.einsum('ii', a!)) },
    { name: "'i,i->' (inner product)", inputs: () => [rand([4]), rand([4])], fn: (a, b) => np.einsum('i,i->', a!, b!) },
    { name: "'ij->ji' times itself", inputs: () => [rand([2, 3])], fn: (a) => np.einsum('ij->ji', a!).mul(np.einsum('ij->ji', a!)) },
    { name: "three operands, a summed-only label: 'ij,jk,kl->i'", inputs: () => [rand([2, 3]), rand([3, 2]), rand([2, 2])], fn: (a, b, c) => np.einsum('ij,jk,kl->i', a!, b!, c!) },
    { name: "broadcast ellipsis '...ij,jk'", inputs: () => [rand([2, 1, 2, 3]), rand([3, 2])], fn: (a, b) => np.einsum('...ij,jk', a!, b!) },
    { name: "the same operand twice: 'i,j->ij'", inputs: () => [rand([3])], fn: (a) => np.einsum('i,j->ij', a!, a!) },
  ],
  pick: [
    { name: 'last axis, out-of-range indices clipped', inputs: () => [rand([3, 4])], fn: (x) => npx.pick(x!, ints([3, 7, -2])).mul(np.array([1, 2, 3])) },
    {
      name: 'axis 0, wrapped float indices, keepdims', inputs: () => [rand([3, 2, 2])],
      fn: (x) => npx.pick(x!, np.array([[4, -1], [0, 1.5]], { dtype: DT }), { axis: 0, mode: 'wrap', keepdims: true }).mul(x!.get('0:1')),
    },
    { name: 'two picks of the same elements add up', inputs: () => [rand([2, 3])], fn: (x) => npx.pick(x!, ints([0, 2]), { axis: 1 }).mul(npx.pick(x!, ints([0, 1]))) },
  ],
  oneHot: [{ nonDifferentiable: (x) => npx.oneHot(np.argmax(x, 1), 3, { dtype: 'int64' }) }],
  batchDot: [
    { name: '[2,3,4] · [2,4,2]', inputs: () => [rand([2, 3, 4]), rand([2, 4, 2])], fn: (a, b) => npx.batchDot(a!, b!) },
    { name: 'transposeA, 4-D', inputs: () => [rand([2, 1, 4, 3]), rand([2, 1, 4, 2])], fn: (a, b) => npx.batchDot(a!, b!, { transposeA: true }) },
    { name: 'transposeB', inputs: () => [rand([2, 3, 4]), rand([2, 2, 4])], fn: (a, b) => npx.batchDot(a!, b!, { transposeB: true }) },
    { name: 'both transposed', inputs: () => [rand([2, 4, 3]), rand([2, 2, 4])], fn: (a, b) => npx.batchDot(a!, b!, { transposeA: true, transposeB: true }) },
    { name: 'a · aᵀ (the same array on both sides)', inputs: () => [rand([2, 3, 4])], fn: (a) => npx.batchDot(a!, a!, { transposeB: true }) },
  ],
  sequenceMask: [
    { name: 'axis 0, (T, N, C) = (4, 3, 2), value −1', inputs: () => [rand([4, 3, 2])], fn: (x) => npx.sequenceMask(x!, ints([2, 4, 0]), { value: -1 }).mul(x!) },
    { name: 'axis 1, float lengths', inputs: () => [rand([3, 4])], fn: (x) => npx.sequenceMask(x!, np.array([1, 3.7, 4], { dtype: DT }), { axis: 1 }).mul(x!) },
    { name: 'useSequenceLength false (identity)', inputs: () => [rand([2, 3])], fn: (x) => npx.sequenceMask(x!, null, { useSequenceLength: false }).mul(x!) },
  ],
  maskedSoftmax: [
    {
      name: 'last axis, one row masked entirely', inputs: () => [rand([3, 4])],
      fn: (a) => npx.maskedSoftmax(a!, np.array([[true, false, true, true], [false, false, false, false], [true, true, false, true]])),
    },
    {
      name: 'axis 1, mask [4,1] broadcast to [2,4,3], temperature 2', inputs: () => [rand([2, 4, 3])],
      fn: (a) => npx.maskedSoftmax(a!, np.array([[true], [false], [true], [true]]), { axis: 1, temperature: 2 }),
    },
  ],
  layerNorm: [
    { name: 'last axis of [3,4]', inputs: () => [rand([3, 4]), positive([4]), rand([4])], fn: (x, gamma, beta) => npx.layerNorm(x!, gamma!, beta!) },
    { name: 'axis 1 of [2,3,2], eps 0.1', inputs: () => [rand([2, 3, 2]), positive([3]), rand([3])], fn: (x, gamma, beta) => npx.layerNorm(x!, gamma!, beta!, { axis: 1, eps: 0.1 }) },
    { name: '1-D', inputs: () => [rand([5]), rand([5]), rand([5])], fn: (x, gamma, beta) => npx.layerNorm(x!, gamma!, beta!) },
  ],
  embedding: [
    {
      name: '[2,3] indices into (5, 2), a row read three times', inputs: () => [rand([5, 2])],
      fn: (w) => { const e = npx.embedding(ints([0, 4, 0, 2, 2, 2]).reshape([2, 3]), w!); return e.mul(e); },
    },
    { name: 'float indices, 0-d', inputs: () => [rand([3, 4])], fn: (w) => npx.embedding(np.array(1, { dtype: DT }), w!, { inputDim: 3, outputDim: 4 }).sin() },
  ],
  leakyRelu: [
    { name: 'leaky, slope 0.1, away from 0', inputs: () => [awayFromZero([6])], fn: (a) => npx.leakyRelu(a!, { slope: 0.1 }).mul(a!) },
    { name: 'leaky, default slope', inputs: () => [awayFromZero([2, 3])], fn: (a) => npx.leakyRelu(a!).square() },
    { name: 'elu, slope 0.7', inputs: () => [awayFromZero([6])], fn: (a) => npx.leakyRelu(a!, { actType: 'elu', slope: 0.7 }) },
  ],
};

function describe(report: ReturnType<typeof autograd.gradcheck>): string {
  return report.inputs.map((r, i) =>
    `input ${i}: max abs error ${r.maxAbsError.toExponential(2)}, max rel error ${r.maxRelError.toExponential(2)} at [${r.worstIndex.join(', ')}]\n  analytic ${r.analytic}\n  numeric  ${r.numeric}`).join('\n');
}

/** Σ v·∂(Σ w·fn)/∂x over the inputs: differentiating it checks the second derivatives. */
function gradientOf(c: GradCase, count: number): (...xs: NDArray[]) => NDArray {
  return (...xs) => {
    const out = c.fn(...xs);
    np.random.seed(99);
    const w = np.random.uniform(-1, 1, [...out.shape], out.dtype);
    const grads = autograd.grad(out, xs, { headGrads: [w], createGraph: true });
    let total = np.zeros([], { dtype: DT });
    for (let i = 0; i < count; i++) {
      np.random.seed(100 + i);
      total = total.add(grads[i]!.mul(np.random.uniform(-1, 1, [...xs[i]!.shape], DT)).sum());
    }
    return total;
  };
}

suite('gradient rules: numeric checks for every op', () => {
  test('every op of the gradient table has test cases', () => {
    assert.deepEqual(Object.keys(cases).sort(), Object.keys(gradRules).sort());
    for (const [op, list] of Object.entries(cases)) assert.ok(list.length > 0, `${op} has no case`);
  });

  for (const [op, list] of Object.entries(cases) as [OpName, Case[]][]) {
    for (const c of list) {
      if ('nonDifferentiable' in c) {
        test(`${op}: not differentiable, stays out of the graph`, () => {
          const x = rand([3, 2]);
          x.attachGrad();
          const out = autograd.record(() => c.nonDifferentiable(x));
          assert.ok(out.dtype === 'bool' || out.dtype === 'int64', `${op} gives ${out.dtype}`);
          assert.throws(() => out.astype('float32').backward(), /autograd\.record/);
        });
        continue;
      }
      test(`${op}: ${c.name}`, () => {
        const report = autograd.gradcheck(c.fn, c.inputs(), { ...c.tolerance, trainMode: c.trainMode ?? true });
        assert.ok(report.ok, describe(report));
      });
      test(`${op}: ${c.name} — second derivative (createGraph)`, () => {
        const inputs = c.inputs();
        const report = autograd.gradcheck(gradientOf(c, inputs.length), inputs, { eps: 1e-5, atol: 1e-4, rtol: 1e-3, ...c.tolerance, trainMode: c.trainMode ?? true });
        assert.ok(report.ok, describe(report));
      });
    }
  }
});

suite('gradcheck itself', () => {
  test('reports a wrong gradient with its worst element', () => {
    // exp's value with a deliberately wrong gradient: stop the gradient of half of it.
    const report = autograd.gradcheck((x) => x.exp().add(x.exp().detach()), [np.array([0.1, 0.5, 2], { dtype: DT })]);
    assert.equal(report.ok, false);
    assert.deepEqual(report.inputs[0]!.worstIndex, [2]);
    assert.ok(report.inputs[0]!.maxAbsError > 1);
  });

  test('leaves the inputs untouched and works from float32 inputs', () => {
    const x = np.array([0.5, 1.5]);
    const report = autograd.gradcheck((a) => a.tanh(), [x]);
    assert.ok(report.ok);
    assert.equal(x.grad, null);
    assert.deepEqual(x.toFlatArray(), [0.5, 1.5]);
    assert.equal(report.inputs[0]!.analytic.dtype, 'float64');
  });

  test('refuses integer inputs', () => {
    assert.throws(() => autograd.gradcheck((a) => a, [np.array([1], { dtype: 'int32' })]), /input 0 has dtype int32/);
  });
});
