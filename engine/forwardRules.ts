/**
 * The forward rule of every op the tape records: how to compute the op again from its inputs and
 * its recorded attributes. `replay.ts` uses it to re-evaluate a recorded graph as a function of its
 * variables (a numeric gradient check of what a program actually recorded). Typed over `OpName`
 * like the gradient table, so a new op without a forward rule does not compile.
 */
import type { NDArray } from './ndarray';
import type { OpAttrs, OpName } from './ops/attrs';
import * as ew from './ops/elementwise';
import { perUnaryOp, unaryOps } from './ops/unary';
import * as layout from './ops/layout';
import * as linalg from './ops/linalg';
import { NN_OPS } from './ops/defs/nn';
import { INDEXING_OPS } from './ops/defs/indexing';
import { CONV_OPS } from './ops/defs/conv';
import type { OpDefinitions } from './ops/defs/types';
import { ENGINE_OPS } from './gradRules';
import * as reduce from './ops/reduce';
import type { TapeNode } from './tape';

export type ForwardRule<K extends OpName> = (inputs: readonly NDArray[], attrs: OpAttrs[K], node: TapeNode<K>) => NDArray;

const at = (inputs: readonly NDArray[], i: number): NDArray => inputs[i]!;
const unary = (fn: (a: NDArray) => NDArray): ForwardRule<OpName> => (inputs) => fn(at(inputs, 0));
const binary = (fn: (a: NDArray, b: NDArray) => NDArray): ForwardRule<OpName> => (inputs) => fn(at(inputs, 0), at(inputs, 1));

/** Every unary op computed again from its input (its definition: ops/defs/unary.ts). */
const unaryForwardRules = perUnaryOp((name) => (inputs: readonly NDArray[]) => unaryOps[name](at(inputs, 0)));

/** The replay rules of a family's definitions (ops/defs/*.ts), each handed the engine ops when it runs. */
function definedReplayRules<Attrs>(defs: OpDefinitions<Attrs>): { [K in keyof Attrs]: ForwardRule<K & OpName> } {
  const rules: Record<string, ForwardRule<OpName>> = {};
  for (const name of Object.keys(defs) as (keyof Attrs & string)[]) {
    const replay = defs[name].replay as (inputs: readonly NDArray[], attrs: unknown, op: typeof ENGINE_OPS, saved: readonly NDArray[]) => NDArray;
    rules[name] = (inputs, attrs, node) => replay(inputs, attrs, ENGINE_OPS, node.saved);
  }
  return rules as { [K in keyof Attrs]: ForwardRule<K & OpName> };
}

export const forwardRules: { [K in OpName]: ForwardRule<K> } = {
  add: binary(ew.add), sub: binary(ew.sub), mul: binary(ew.mul), div: binary(ew.div), pow: binary(ew.pow),
  maximum: binary(ew.maximum), minimum: binary(ew.minimum),
  ...unaryForwardRules,
  where: (inputs) => ew.where(at(inputs, 0), at(inputs, 1), at(inputs, 2)),
  tanhGrad: binary(ew.tanhGrad), sigmoidGrad: binary(ew.sigmoidGrad), reluGrad: binary(ew.reluGrad),
  equal: binary(ew.equal), notEqual: binary(ew.notEqual), less: binary(ew.less), greater: binary(ew.greater),
  lessEqual: binary(ew.lessEqual), greaterEqual: binary(ew.greaterEqual),
  clip: (inputs, attrs) => ew.clip(at(inputs, 0), attrs.min, attrs.max),
  sum: (inputs, attrs) => reduce.sum(at(inputs, 0), attrs.axis, attrs.keepdims),
  mean: (inputs, attrs) => reduce.mean(at(inputs, 0), attrs.axis, attrs.keepdims),
  max: (inputs, attrs) => reduce.max(at(inputs, 0), attrs.axis, attrs.keepdims),
  min: (inputs, attrs) => reduce.min(at(inputs, 0), attrs.axis, attrs.keepdims),
  argmax: (inputs, attrs) => reduce.argmax(at(inputs, 0), attrs.axis),
  argmin: (inputs, attrs) => reduce.argmin(at(inputs, 0), attrs.axis),
  dot: binary(linalg.dot), matmul: binary(linalg.matmul),
  transpose: (inputs, attrs) => layout.transpose(at(inputs, 0), attrs.axes),
  reshape: (inputs, attrs) => layout.reshape(at(inputs, 0), attrs.shape),
  expandDims: (inputs, attrs) => layout.expandDims(at(inputs, 0), attrs.axis),
  squeeze: (inputs, attrs) => layout.squeeze(at(inputs, 0), attrs.axis),
  broadcastTo: (inputs, attrs) => layout.broadcastTo(at(inputs, 0), attrs.shape),
  concatenate: (inputs, attrs) => layout.concatenate(inputs, attrs.axis),
  stack: (inputs, attrs) => layout.stack(inputs, attrs.axis),
  at: (inputs, attrs) => layout.at(at(inputs, 0), attrs.index),
  take: (inputs, attrs) => layout.take(at(inputs, 0), at(inputs, 1), attrs.axis),
  takeGrad: (inputs, attrs) => layout.takeGrad(at(inputs, 0), at(inputs, 1), attrs.axis, attrs.shape),
  takeAlongAxis: (inputs, attrs) => layout.takeAlongAxis(at(inputs, 0), at(inputs, 1), attrs.axis),
  takeAlongAxisGrad: (inputs, attrs) => layout.takeAlongAxisGrad(at(inputs, 0), at(inputs, 1), attrs.axis, attrs.size),
  sort: (inputs, attrs) => layout.sort(at(inputs, 0), attrs.axis),
  copy: unary(layout.copy),
  astype: (inputs, attrs) => layout.astype(at(inputs, 0), attrs.dtype),
  ...definedReplayRules(NN_OPS),
  ...definedReplayRules(INDEXING_OPS),
  ...definedReplayRules(CONV_OPS),
};
