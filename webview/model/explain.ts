/**
 * "Why is this gradient zero / missing?" for a node of the trace, in the words a learner needs:
 * no backward pass yet, no path from any head (with the cut points that break it), a graph break,
 * overwritten by a later pass (gradReq 'write'), or every term that reached it was zero.
 */
import type { SourceRef } from '../../protocol/messages';
import type { BackwardPass, GraphBreak, Source, Tensor, Trace, TraceNode } from '../../protocol/trace';
import { indexTrace } from '../../protocol/query/indexTrace';
import { nodeNames } from './graph';
import { labelText } from './labels';

export type Verdict = 'has-gradient' | 'zero' | 'missing';

export interface Reason {
  text: string;
  /** Nodes to point at (cut points, the ops that sent zeros, the overwriting pass's heads). */
  nodes: number[];
  source: Source | null;
  /** What `source` is the line of, for a link the host resolves. */
  ref: SourceRef | null;
}

export interface Explanation {
  verdict: Verdict;
  /** The node's gradient after the last pass that reached it, if any. */
  gradient: Tensor | null;
  reasons: Reason[];
  /** Graph breaks between the node and the heads, for drawing as cut points. */
  cuts: GraphBreak[];
}

function where(source: Source | null): string {
  return source ? ` (line ${source.line})` : '';
}

let names: ReadonlyMap<number, string> = new Map();

/** An op's name inside a sentence: short, hidden characters escaped. */
const opOf = (node: TraceNode | undefined): string => (node ? labelText(node.op, 60) : 'unknown');

function describe(node: TraceNode | undefined): string {
  if (!node) return 'a node';
  const name = names.get(node.id);
  return name !== undefined ? labelText(name, 60) : `'${opOf(node)}'${where(node.source)}`;
}

function isZero(tensor: Tensor): boolean {
  const size = tensor.shape.reduce((n, d) => n * d, 1);
  return tensor.stats.zeros === size;
}

/** What a pass gave the node: its step's upstream, or its leaf gradient. */
function gradientIn(pass: BackwardPass, id: number): { grad: Tensor; after?: Tensor } | null {
  const leaf = pass.leafGrads.find((l) => l.node === id);
  if (leaf) return leaf.after ? { grad: leaf.grad, after: leaf.after } : { grad: leaf.grad };
  const step = pass.steps.find((s) => s.node === id);
  return step ? { grad: step.upstream } : null;
}

export function explainGradient(trace: Trace, id: number): Explanation {
  names = nodeNames(trace);
  const byId = indexTrace(trace).nodes;
  const node = byId.get(id);
  const name = describe(node);
  const reached = trace.backwardPasses.filter((pass) => !pass.error && gradientIn(pass, id) !== null);

  if (reached.length === 0) {
    // Passes that ran after the node was made (`lastNode`; older traces: judged by their heads).
    const later = trace.backwardPasses.filter((pass) => !pass.error && (pass.lastNode !== undefined ? pass.lastNode >= id : pass.heads.some((head) => head >= id)));
    if (later.length === 0) {
      return {
        verdict: 'missing', gradient: null, cuts: [],
        reasons: [{ text: `No backward pass has run since ${name} was made: call backward() on a result computed from it inside autograd.record().`, nodes: [], source: null, ref: null }],
      };
    }
    return whyNotReached(trace, byId, id, name);
  }

  const last = reached[reached.length - 1]!;
  const given = gradientIn(last, id)!;
  const gradient = given.after ?? given.grad;
  const reasons: Reason[] = [];
  // A later pass that wrote a variable's gradient without reaching this node does not exist:
  // 'write' only overwrites what a pass reaches. An earlier non-zero gradient replaced by this one is worth saying.
  const earlier = reached.slice(0, -1).reverse().find((pass) => pass.kind === 'backward' && !isZero(gradientIn(pass, id)!.grad));
  const leaf = last.leafGrads.find((l) => l.node === id);
  if (earlier && leaf?.gradReq === 'write' && last.kind === 'backward' && earlier.kind === 'backward') {
    reasons.push({
      text: `The backward pass at line ${last.source?.line ?? '?'} overwrote the gradient ${name} had from the pass at line ${earlier.source?.line ?? '?'} (gradReq 'write'; use attachGrad('add') to accumulate).`,
      nodes: last.heads, source: last.source, ref: { kind: 'pass', id: last.id },
    });
  }
  if (!isZero(gradient)) return { verdict: 'has-gradient', gradient, reasons, cuts: [] };

  // Every term that reached it was zero: say which ops sent them.
  const senders = last.steps.filter((step) => step.contributions.some((c) => c.input === id));
  for (const step of senders) {
    const sender = byId.get(step.node);
    const zeroTerms = step.contributions.filter((c) => c.input === id && isZero(c.grad));
    if (zeroTerms.length === 0) continue;
    const upstreamZero = isZero(step.upstream);
    reasons.push({
      text: upstreamZero
        ? `'${opOf(sender)}'${where(sender?.source ?? null)} passed on a zero gradient: its own upstream gradient was already zero.`
        : `'${opOf(sender)}'${where(sender?.source ?? null)} sent zero: its local derivative is zero here (for relu: inputs ≤ 0; for max/min: elements not selected; for where/clip: the masked-out side).`,
      nodes: [step.node], source: sender?.source ?? null, ref: { kind: 'node', id: step.node },
    });
  }
  if (last.heads.includes(id)) reasons.push({ text: `${name} is a head of the pass and its head gradient was zero.`, nodes: [id], source: last.source, ref: { kind: 'pass', id: last.id } });
  if (reasons.length === 0) reasons.push({ text: `The gradient of ${name} from the pass at line ${last.source?.line ?? '?'} is zero.`, nodes: [], source: last.source, ref: { kind: 'pass', id: last.id } });
  return { verdict: 'zero', gradient, reasons, cuts: [] };
}

/** The node took part in recorded ops, but no pass reached it: find where the path is cut. */
function whyNotReached(trace: Trace, byId: ReadonlyMap<number, TraceNode>, id: number, name: string): Explanation {
  const index = indexTrace(trace);
  if (!index.isConsumed(id)) {
    return {
      verdict: 'missing', gradient: null, cuts: [],
      reasons: [{ text: `${name} was not used by any recorded op: ops outside autograd.record() (or inside autograd.pause()) are not recorded, so no gradient can flow back to it.`, nodes: [], source: byId.get(id)?.source ?? null, ref: { kind: 'node', id } }],
    };
  }
  // Everything computed from the node, then the breaks that start there.
  const downstream = new Set<number>();
  const pending = [id];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const next of index.consumers(current)) if (!downstream.has(next)) { downstream.add(next); pending.push(next); }
  }
  const cutIndexes: number[] = [];
  trace.graphBreaks.forEach((b, index) => {
    if ((b.from !== undefined && (downstream.has(b.from) || b.from === id)) || (b.kind === 'coerce' && b.node !== undefined && downstream.has(b.node))) cutIndexes.push(index);
  });
  const cuts = cutIndexes.map((index) => trace.graphBreaks[index]!);
  const reasons: Reason[] = cuts.map((cut, k) => {
    const from = cut.from !== undefined ? byId.get(cut.from) : cut.node !== undefined ? byId.get(cut.node) : undefined;
    const feeds = index.consumers(id).map((c) => describe(byId.get(c))).slice(0, 3).join(', ');
    const how = cut.kind === 'detach' ? 'detach()' : cut.kind === 'attachGrad' ? 'attachGrad()' : cut.kind === 'coerce' ? 'a conversion to a JavaScript number' : 'an op outside autograd.record()';
    return {
      text: `No backward pass reached ${name}. It feeds ${feeds}; ${how}${where(cut.source)} cut the result of ${describe(from)} off the graph, so gradient stops there. ${cut.message.replace(/^gradient stops here: /, '')}`,
      nodes: [...(cut.from !== undefined ? [cut.from] : []), ...(cut.node !== undefined ? [cut.node] : [])],
      source: cut.source,
      ref: { kind: 'break', index: cutIndexes[k]! },
    };
  });
  if (reasons.length === 0) {
    reasons.push({
      text: `No backward pass reached ${name}: nothing you called backward() on was computed from it (its results — ${[...downstream].slice(0, 3).map((d) => describe(byId.get(d))).join(', ')} — are not inputs of any head).`,
      nodes: [...downstream].slice(0, 5), source: null, ref: null,
    });
  }
  return { verdict: 'missing', gradient: null, reasons, cuts };
}
