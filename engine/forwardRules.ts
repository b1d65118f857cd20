/**
 * The forward rule of every op the tape records: how to compute the op again from its inputs and
 * its recorded attributes. `replay.ts` uses it to re-evaluate a recorded graph as a function of its
 * variables (a numeric gradient check of what a program actually recorded). Typed over `OpName`
 * like the gradient table, so a new op without a forward rule does not compile.
 */
import type { NDArray } from './ndarray';
import type { OpAttrs, OpName } from './ops/attrs';
import { perUnaryOp, unaryOps } from './ops/unary';
import { NN_OPS } from './ops/defs/nn';
import { INDEXING_OPS } from './ops/defs/indexing';
import { ELEMENTWISE_OPS } from './ops/defs/elementwise';
import { REDUCE_OPS } from './ops/defs/reduce';
import { LINALG_OPS } from './ops/defs/linalg';
import { LAYOUT_OPS } from './ops/defs/layout';
import { CONV_OPS } from './ops/defs/conv';
import { MATH_OPS } from './ops/defs/math';
import type { OpDefinitions } from './ops/defs/types';
import { ENGINE_OPS } from './gradRules';
import type { TapeNode } from './tape';

export type ForwardRule<K extends OpName> = (inputs: readonly NDArray[], attrs: OpAttrs[K], node: TapeNode<K>) => NDArray;

/** Every unary op computed again from its input (its definition: ops/defs/unary.ts). */
const unaryForwardRules = perUnaryOp((name) => (inputs: readonly NDArray[]) => unaryOps[name](inputs[0]!));

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
  ...unaryForwardRules,
  ...definedReplayRules(NN_OPS),
  ...definedReplayRules(INDEXING_OPS),
  ...definedReplayRules(ELEMENTWISE_OPS),
  ...definedReplayRules(REDUCE_OPS),
  ...definedReplayRules(LINALG_OPS),
  ...definedReplayRules(LAYOUT_OPS),
  ...definedReplayRules(CONV_OPS),
  ...definedReplayRules(MATH_OPS),
};
