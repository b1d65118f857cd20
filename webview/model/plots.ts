/**
 * Which plots a backward pass offers: f(x) and ∂f/∂x against x when a 1-D variable x and a head of
 * the same length computed elementwise from it are in the pass (the chapter's sin and cos).
 */
import { UNARY_OPS } from '../../engine/ops/defs/unary';
import { NN_OPS } from '../../engine/ops/defs/nn';
import { ELEMENTWISE_OPS } from '../../engine/ops/defs/elementwise';
import { REDUCE_OPS } from '../../engine/ops/defs/reduce';
import { LINALG_OPS } from '../../engine/ops/defs/linalg';
import { LAYOUT_OPS } from '../../engine/ops/defs/layout';
import type { OpDefinition, OpDefinitions } from '../../engine/ops/defs/types';
import { CONV_OPS } from '../../engine/ops/defs/conv';
import { INDEXING_OPS } from '../../engine/ops/defs/indexing';
import { MATH_OPS } from '../../engine/ops/defs/math';
import { nodeNames } from './graph';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { BackwardPass, Trace } from '../../protocol/trace';
import { values } from './tensor';

export interface FunctionPlot {
  xName: string;
  fName: string;
  /** Sorted by x. */
  x: number[];
  f: number[];
  dfdx: number[];
}

/** A family's ops a plotted f(x) may pass through: elementwise, and differentiable (∂f/∂x is plotted too). */
function plottable<Attrs>(defs: OpDefinitions<Attrs>): string[] {
  return Object.entries<OpDefinition<unknown>>(defs as never)
    .filter(([, { flags }]) => flags.elementwise && flags.differentiable).map(([name]) => name);
}

const ELEMENTWISE = new Set([
  ...Object.keys(UNARY_OPS), ...plottable(NN_OPS), ...plottable(ELEMENTWISE_OPS), ...plottable(REDUCE_OPS),
  ...plottable(LINALG_OPS), ...plottable(LAYOUT_OPS), ...plottable(INDEXING_OPS), ...plottable(CONV_OPS),
  ...plottable(MATH_OPS),
]);

export function functionPlot(trace: Trace, pass: BackwardPass): FunctionPlot | null {
  // ∂f/∂x is x.grad only when the head gradient is ones (backward of the sum).
  if (pass.error || pass.heads.length !== 1) return null;
  const headGrad = pass.headGrads[0];
  if (!pass.implicitHeadGrads[0] && !(headGrad && headGrad.stats.min === 1 && headGrad.stats.max === 1)) return null;
  const byId = indexTrace(trace).nodes;
  const head = byId.get(pass.heads[0]!);
  if (!head || head.shape.length !== 1) return null;
  const n = head.shape[0]!;
  // The nodes between head and leaves must all be elementwise ops on length-n (or scalar) values.
  const pending = [head.id];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const node = byId.get(pending.pop()!)!;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    if (node.kind !== 'op') continue;
    if (!ELEMENTWISE.has(node.op)) return null;
    for (const input of node.inputs) {
      const inputNode = byId.get(input);
      if (!inputNode) return null;
      const size = inputNode.shape.reduce((a, d) => a * d, 1);
      if (size !== 1 && !(inputNode.shape.length === 1 && inputNode.shape[0] === n)) return null;
      pending.push(input);
    }
  }
  const leaf = pass.leafGrads.find((l) => {
    const node = byId.get(l.node);
    return node?.shape.length === 1 && node.shape[0] === n && seen.has(l.node);
  });
  if (!leaf) return null;
  const xNode = byId.get(leaf.node)!;
  const x = values(xNode.value);
  const f = values(head.value);
  const g = values(leaf.grad);
  if (!x || !f || !g) return null;
  const order = Array.from(x, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  return {
    xName: nodeNames(trace).get(xNode.id) ?? 'x',
    fName: nodeNames(trace).get(head.id) ?? 'f',
    x: order.map((i) => x[i]!),
    f: order.map((i) => f[i]!),
    dfdx: order.map((i) => g[i]!),
  };
}
