/**
 * The gradient a node shows after a run: from the last backward pass that reached it, its upstream
 * gradient at its step, or for a variable its `.grad` after the pass (leafGrads' `after`, else
 * `grad`). The runner gives each node that (`grad`); a trace file leaves it out where its own
 * part's pass gives it (protocol/traceLayout.ts), and readers give it back (validate.ts, traceParts.ts).
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
