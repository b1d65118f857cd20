/**
 * The `np` namespace: MXNet's NumPy-compatible interface.
 *
 * ```ts
 * const x = np.arange(4);                  // array([0., 1., 2., 3.])
 * const y = np.add(np.dot(x, x), 1);        // array(15.)
 * ```
 */
import * as creation from './ops/creation';
import * as ew from './ops/elementwise';
import { npUnary } from './ops/unary';
import * as red from './ops/reduce';
import * as lin from './ops/linalg';
import * as lay from './ops/layout';
import { norm } from './ops/norm';
import { pad } from './ops/pad';
import * as arr from './ops/arrange';
import * as math from './ops/math';
import { random } from './random';
import { newaxis } from './indexing/parse';
import { checkedNamespace, type ArgumentCounts } from './strict';

const namespace = {
  // Creation
  array: creation.array,
  arange: creation.arange,
  linspace: creation.linspace,
  zeros: creation.zeros,
  ones: creation.ones,
  full: creation.full,
  eye: creation.eye,
  zerosLike: creation.zerosLike,
  onesLike: creation.onesLike,
  fullLike: creation.fullLike,
  random,
  /** A new axis of length 1 in an index: `a.get([null, np.newaxis])` (NumPy's None). */
  newaxis: newaxis as typeof newaxis,
  // Arithmetic (broadcasting; numbers on either side)
  add: ew.add,
  subtract: ew.sub,
  multiply: ew.mul,
  divide: ew.div,
  power: ew.pow,
  maximum: ew.maximum,
  minimum: ew.minimum,
  // Unary math: np.negative, np.exp, … (from their definitions, ops/defs/unary.ts)
  ...npUnary,
  clip: ew.clip,
  where: ew.where,
  // Comparisons (bool results)
  equal: ew.equal,
  notEqual: ew.notEqual,
  less: ew.less,
  greater: ew.greater,
  lessEqual: ew.lessEqual,
  greaterEqual: ew.greaterEqual,
  // Reductions
  sum: red.sum,
  mean: red.mean,
  max: red.max,
  min: red.min,
  argmax: red.argmax,
  argmin: red.argmin,
  // Linear algebra, shape and indexing
  dot: lin.dot,
  matmul: lin.matmul,
  transpose: lay.transpose,
  reshape: lay.reshape,
  concatenate: lay.concatenate,
  stack: lay.stack,
  expandDims: lay.expandDims,
  squeeze: lay.squeeze,
  broadcastTo: lay.broadcastTo,
  take: lay.take,
  takeAlongAxis: lay.takeAlongAxis,
  sort: lay.sort,
  argsort: lay.argsort,
  copy: lay.copy,
  // Statistics, products, logical reductions and norms
  var: red.variance,
  std: red.std,
  prod: red.prod,
  any: red.any,
  all: red.all,
  logaddexp: ew.logaddexp,
  isnan: ew.isnan,
  isinf: ew.isinf,
  outer: lin.outer,
  pad,
  repeat: arr.repeat,
  tile: arr.tile,
  split: arr.split,
  flip: arr.flip,
  cumsum: math.cumsum,
  einsum: math.einsum,
  /** Linear algebra beyond products: `np.linalg.norm`. */
  linalg: checkedNamespace('np.linalg', { norm }, { norm: 4 }),
};

/** One per unary op: each takes its array. */
const unaryCounts = Object.fromEntries(Object.keys(npUnary).map((name) => [name, 1])) as { [K in keyof typeof npUnary]: 1 };

/** How many arguments each `np` function takes (strict.ts: more is an error, never ignored). */
export const NP_ARGUMENTS: ArgumentCounts<typeof namespace> = {
  array: 2, arange: 4, linspace: 4, zeros: 2, ones: 2, full: 3, eye: 4, zerosLike: 1, onesLike: 1, fullLike: 2,
  add: 2, subtract: 2, multiply: 2, divide: 2, power: 2, maximum: 2, minimum: 2,
  ...unaryCounts,
  clip: 3, where: 3,
  equal: 2, notEqual: 2, less: 2, greater: 2, lessEqual: 2, greaterEqual: 2,
  sum: 3, mean: 3, max: 3, min: 3, argmax: 2, argmin: 2,
  dot: 2, matmul: 2, transpose: 2, reshape: 'own', concatenate: 2, stack: 2, expandDims: 2, squeeze: 2, broadcastTo: 2,
  take: 3, takeAlongAxis: 3, sort: 2, argsort: 2, copy: 1,
  var: 3, std: 3, prod: 3, any: 3, all: 3, logaddexp: 2, isnan: 1, isinf: 1, outer: 2,
  pad: 3, repeat: 3, tile: 2, split: 3, flip: 2, cumsum: 2, einsum: 'any',
};

export const np = checkedNamespace('np', namespace, NP_ARGUMENTS);
