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

export const np = {
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
  linalg: {
    norm,
  },
};
