/**
 * The gradient a node shows after a run: from the last backward pass that reached it, its upstream
 * gradient at its step, or for a variable its `.grad` after the pass (leafGrads' `after`, else
 * `grad`). The runner gives each node that (`grad`); a trace file leaves it out where it is this
 * (the same tensor is the step's), and readers give it back (validate.ts).
 */
import type { BackwardPass, NodeId, Tensor, Trace } from '../trace';

export function lastGradients(passes: readonly BackwardPass[]): Map<NodeId, Tensor> {
  const grads = new Map<NodeId, Tensor>();
  for (const pass of passes) {
    for (const step of pass.steps) grads.set(step.node, step.upstream);
    for (const leaf of pass.leafGrads) grads.set(leaf.node, leaf.after ?? leaf.grad);
  }
  return grads;
}

/** Gives nodes without a `grad` the one their last pass gives (a trace read from a file). */
export function fillGradients(trace: Trace): void {
  let missing = false;
  for (const node of trace.nodes) if (node.grad === undefined) { missing = true; break; }
  if (!missing) return;
  const grads = lastGradients(trace.backwardPasses);
  for (const node of trace.nodes) {
    if (node.grad !== undefined) continue;
    const grad = grads.get(node.id);
    if (grad) node.grad = grad;
  }
}

/** The trace's nodes as a file holds them: without the `grad` a reader gives back (the same tensor as its last step's). */
export function nodesForFile(trace: Trace): Trace['nodes'] {
  const grads = lastGradients(trace.backwardPasses);
  return trace.nodes.map((node) => {
    if (node.grad === undefined || grads.get(node.id) !== node.grad) return node;
    const { grad: _derived, ...rest } = node;
    return rest;
  });
}
