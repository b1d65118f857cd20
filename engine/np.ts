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
};

export const np = checkedNamespace('np', namespace, NP_ARGUMENTS);
