/**
 * Stepping through a backward pass (and through the forward computation) one node at a time,
 * from the trace alone: at step k the node being processed, the gradients known so far with the
 * terms they are summed from, the contributions flowing to the inputs. Pure state, no drawing.
 */
import { indexTrace } from '../../protocol/query/indexTrace';
import { IdSet, IdSetView } from './idSet';
import type { BackwardPass, BackwardStep, Tensor, Trace } from '../../protocol/trace';
import { sumTensors } from './tensor';

/** One term of a node's gradient: what one step (or the head gradient) sent it. */
export interface GradientTerm {
  /** The node whose step sent it, or null for a head gradient. */
  from: number | null;
  /** The backward step (1-based) that sent it; 0 for a head gradient. */
  step: number;
  /** The input position at which it arrived (for dot(x, x): 0 and 1). */
  index: number;
  grad: Tensor;
}

export interface KnownGradient {
  terms: GradientTerm[];
  /** Their sum, when it can be formed (all terms have their data), or the traced value. */
  total: Tensor | null;
  /** No more terms will arrive in this pass: the node's step ran, or the pass ended for a leaf. */
  final: boolean;
}

export interface BackwardFrame {
  /** 0: the head gradients; k: after the k-th step. */
  index: number;
  total: number;
  /** The step shown (the k-th), null at 0. */
  step: BackwardStep | null;
  /** Nodes whose step has run, the current one included. */
  processed: ReadonlySet<number>;
  /** Nodes of the pass not reached yet. */
  pending: ReadonlySet<number>;
  known: ReadonlyMap<number, KnownGradient>;
}

const passNodeSets = new WeakMap<BackwardPass, ReadonlySet<number>>();

/** All nodes a pass touches: heads, processed nodes and every input that received gradient (kept per pass). */
export function passNodes(pass: BackwardPass): ReadonlySet<number> {
  let nodes = passNodeSets.get(pass);
  if (!nodes) passNodeSets.set(pass, nodes = collectPassNodes(pass));
  return nodes;
}

function collectPassNodes(pass: BackwardPass): ReadonlySet<number> {
  const ids: number[] = [...pass.heads];
  for (const step of pass.steps) {
    ids.push(step.node);
    for (const c of step.contributions) ids.push(c.input);
  }
  for (const leaf of pass.leafGrads) ids.push(leaf.node);
  return new IdSet(ids);
}

/** The state of a backward pass after `index` steps (clamped to 0…steps). */
export function backwardFrame(pass: BackwardPass, index: number): BackwardFrame {
  const total = pass.steps.length;
  const k = Math.max(0, Math.min(total, Math.floor(index)));
  const termsOf = new Map<number, GradientTerm[]>();
  const add = (node: number, term: GradientTerm) => {
    const list = termsOf.get(node) ?? [];
    list.push(term);
    termsOf.set(node, list);
  };
  pass.heads.forEach((head, i) => add(head, { from: null, step: 0, index: 0, grad: pass.headGrads[i]! }));
  const processed = new Set<number>();
  const upstreamOf = new Map<number, Tensor>();
  for (let s = 0; s < k; s++) {
    const step = pass.steps[s]!;
    processed.add(step.node);
    upstreamOf.set(step.node, step.upstream);
    for (const c of step.contributions) add(c.input, { from: step.node, step: s + 1, index: c.index, grad: c.grad });
  }
  const ended = k === total;
  const leafGrad = new Map(pass.leafGrads.map((leaf) => [leaf.node, leaf.grad]));
  const known = new Map<number, KnownGradient>();
  for (const [node, terms] of termsOf) {
    const upstream = upstreamOf.get(node);
    const leafFinal = ended && leafGrad.has(node);
    // A processed node's upstream, and a variable's gradient at the end, are the traced sums.
    const total = upstream ?? (leafFinal ? leafGrad.get(node)! : sumTensors(terms.map((t) => t.grad)));
    known.set(node, { terms, total, final: processed.has(node) || leafFinal || (ended && !upstream) });
  }
  const pending = new PendingNodes(passNodes(pass), processed, termsOf);
  return { index: k, total, step: k > 0 ? pass.steps[k - 1]! : null, processed, pending, known };
}

/**
 * The nodes of a pass not reached at a step: those neither processed nor sent anything yet. Asked
 * of, not built: a step of a pass of 10⁶ nodes then costs what the steps so far cost, not 10⁶.
 */
class PendingNodes extends IdSetView {
  constructor(private readonly all: ReadonlySet<number>, private readonly processed: ReadonlySet<number>, private readonly reached: ReadonlyMap<number, unknown>) {
    super();
  }

  has(id: number): boolean {
    return this.all.has(id) && !this.processed.has(id) && !this.reached.has(id);
  }

  get size(): number {
    let count = 0;
    for (const id of this.all) if (this.has(id)) count++;
    return count;
  }

  *values(): IterableIterator<number> {
    for (const id of this.all) if (this.has(id)) yield id;
  }
}

export interface ForwardFrame {
  index: number;
  total: number;
  /** The node computed at this step, null at 0. */
  current: number | null;
  /** Nodes computed so far (the current one included). */
  computed: ReadonlySet<number>;
}

/**
 * Forward stepping over the shown nodes in the order they were computed: leaves are there from
 * the start, ops appear one per step.
 */
export function forwardFrame(trace: Trace, shown: readonly number[], index: number): ForwardFrame {
  const byId = indexTrace(trace).nodes;
  const ops = shown.filter((id) => byId.get(id)?.kind === 'op');
  const k = Math.max(0, Math.min(ops.length, Math.floor(index)));
  const computed = new Set<number>(shown.filter((id) => byId.get(id)?.kind !== 'op'));
  for (let i = 0; i < k; i++) computed.add(ops[i]!);
  return { index: k, total: ops.length, current: k > 0 ? ops[k - 1]! : null, computed };
}

/**
 * Each node's gradient once the pass has run: what colours and badges show for the pass. The same
 * totals as the last frame of {@link backwardFrame} (a processed node's upstream, a leaf's gradient,
 * else the sum of its terms), without the frame's per-term bookkeeping (10⁶ nodes: 2.7 s → 0.3 s).
 */
export function passGradients(pass: BackwardPass): Map<number, Tensor> {
  const traced = new Map<number, Tensor>();
  for (const leaf of pass.leafGrads) traced.set(leaf.node, leaf.grad);
  for (const step of pass.steps) traced.set(step.node, step.upstream); // an upstream wins over a leaf gradient
  const gradients = new Map<number, Tensor>();
  const terms = new Map<number, Tensor[]>();
  const receive = (node: number, grad: Tensor) => {
    const known = traced.get(node);
    if (known) { if (!gradients.has(node)) gradients.set(node, known); return; }
    const list = terms.get(node);
    if (list) list.push(grad);
    else { terms.set(node, [grad]); gradients.set(node, grad); }
  };
  pass.heads.forEach((head, i) => receive(head, pass.headGrads[i]!));
  for (const step of pass.steps) for (const c of step.contributions) receive(c.input, c.grad);
  for (const [node, list] of terms) {
    const total = list.length === 1 ? list[0]! : sumTensors(list);
    if (total) gradients.set(node, total);
    else gradients.delete(node);
  }
  return gradients;
}
