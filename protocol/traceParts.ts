/**
 * A trace in parts: the run, the recordings and every pass's summary first (the *head*), and each
 * kept pass's nodes and tensors in a part of its own, loaded when a reader needs that pass. A
 * version-3 file is written this way (traceLayout.ts), and the inspector receives a big trace so:
 * opening it costs the head, not the megabytes of every kept pass.
 *
 * Parts follow the kept passes: part i holds the nodes made after the previous kept pass began
 * (ids from its `firstNode` to its `lastNode`, the last node made before pass i ran) and the
 * tensors of the passes that ran then; one more part holds the nodes made after the last kept
 * pass. A part `needs` the earlier parts whose nodes its graphs read (an input, a parameter made
 * before the loop); a node's `previous` may name a node of a part not loaded.
 * Pure (no Node, no DOM).
 *
 * @example
 *   const { head, parts } = splitTrace(trace);   // head.parts.loaded: all false
 *   const shown = withParts(head, parts.filter((part) => partsFor(head, { kind: 'pass', id: 3 }).includes(part.part)));
 */
import { lastGradients } from './query/lastGradients';
import { isKept, type BackwardPass, type NodeId, type PartData, type PartInfo, type PassTensors, type Tensor, type Trace, type TraceNode, type TraceParts } from './trace';

/** Bytes a tensor element takes in a trace file, about (a float printed in JSON, and its comma). */
const BYTES_PER_ELEMENT = 10;
/** Bytes of a node's fields other than its tensors, about. */
const BYTES_PER_NODE = 400;

/** The part boundaries of a trace: for each kept pass in order, the last node made before it ran. */
function boundaries(trace: Trace): { pass: BackwardPass; lastNode: number }[] {
  const out: { pass: BackwardPass; lastNode: number }[] = [];
  let previous = -1;
  for (const pass of trace.backwardPasses) {
    if (!isKept(pass)) continue;
    // A trace written before passes recorded `lastNode`: the last node the pass names.
    let last = pass.lastNode ?? -1;
    if (pass.lastNode === undefined) {
      for (const id of pass.heads) last = Math.max(last, id);
      for (const step of pass.steps) last = Math.max(last, step.node);
    }
    previous = Math.max(previous, last);
    out.push({ pass, lastNode: previous });
  }
  return out;
}

function tensorBytes(tensor: Tensor | undefined): number {
  if (!tensor) return 0;
  return 120 + ((tensor.data ?? tensor.sample)?.length ?? 0) * BYTES_PER_ELEMENT;
}

function passBytes(pass: BackwardPass): number {
  let bytes = 0;
  for (const grad of pass.headGrads) bytes += tensorBytes(grad);
  for (const step of pass.steps) {
    bytes += tensorBytes(step.upstream);
    for (const contribution of step.contributions) bytes += tensorBytes(contribution.grad);
  }
  for (const leaf of pass.leafGrads) bytes += tensorBytes(leaf.grad) + tensorBytes(leaf.after);
  return bytes;
}

/** The part that holds `id` (parts cover every id from 0 up, in order), by binary search. */
export function partOfNode(list: readonly PartInfo[], id: NodeId): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.lastNode < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The tensors a kept pass's part holds. */
function tensorsOf(pass: BackwardPass): PassTensors {
  return { id: pass.id, headGrads: pass.headGrads, steps: pass.steps, leafGrads: pass.leafGrads };
}

/**
 * Splits a whole trace into its head (no nodes, the kept passes' lists empty, `parts` all
 * unloaded) and its parts. The parts share the trace's objects (nothing is copied). A node keeps
 * its `grad`; a writer may leave out those its own part's passes give back (gradientsGivenBack).
 */
export function splitTrace(trace: Trace): { head: Trace; parts: PartData[] } {
  let split = splits.get(trace);
  if (!split) splits.set(trace, split = split_(trace));
  return split;
}

/** A trace never changes once read: its split is made once (the host serves parts from it). */
const splits = new WeakMap<Trace, { head: Trace; parts: PartData[] }>();

/**
 * Traces whose parts take fewer bytes than this go to the inspector whole (as before there were
 * parts: nothing to load); a bigger one goes as its head, and each graph's parts when it is opened.
 * Measured (the RNN chapter's 62 MB page): parsing and checking a whole trace costs ≈ 12 ms a MB.
 */
export const SEND_WHOLE_BELOW_BYTES = 16 * 2 ** 20;

/** About how many bytes a trace's parts take in a file (what sending it whole costs). */
export function partsBytes(trace: Trace): number {
  if (trace.parts) return trace.parts.list.reduce((sum, part, i) => sum + (trace.parts!.loaded[i] ? part.bytes : 0), 0);
  let bytes = 0;
  for (const node of trace.nodes) bytes += BYTES_PER_NODE + tensorBytes(node.value) + tensorBytes(node.grad);
  for (const pass of trace.backwardPasses) bytes += passBytes(pass);
  return bytes;
}

function split_(trace: Trace): { head: Trace; parts: PartData[] } {
  const bounds = boundaries(trace);
  const lastId = trace.nodes.length > 0 ? trace.nodes[trace.nodes.length - 1]!.id : -1;
  const list: PartInfo[] = [];
  const parts: PartData[] = [];
  let first = 0;
  let n = 0;
  const nodes = trace.nodes;
  const open = (lastNode: number) => {
    const own: TraceNode[] = [];
    while (n < nodes.length && nodes[n]!.id <= lastNode) own.push(nodes[n++]!);
    const info: PartInfo = { firstNode: first, lastNode, nodes: own.length, passes: [], needs: [], bytes: 0 };
    for (const node of own) info.bytes += BYTES_PER_NODE + tensorBytes(node.value) + tensorBytes(node.grad);
    list.push(info);
    parts.push({ part: parts.length, nodes: own, passes: [] });
    first = lastNode + 1;
    return info;
  };
  for (const { pass, lastNode } of bounds) {
    // Passes one after another with no node between them share a part.
    const info = list.length > 0 && lastNode < first ? list[list.length - 1]! : open(lastNode);
    info.passes.push(pass.id);
    info.bytes += passBytes(pass);
    parts[parts.length - 1]!.passes.push(tensorsOf(pass));
  }
  if (n < nodes.length || list.length === 0) open(Math.max(lastId, first - 1));
  // The last part reaches every id after it: later nodes (none) cannot fall outside the parts.
  list[list.length - 1]!.lastNode = Math.max(list[list.length - 1]!.lastNode, lastId);
  const byId = new Map(trace.backwardPasses.map((pass) => [pass.id, pass]));
  // Graph breaks that start in a part: the node they cut off is drawn with its graphs (select.ts).
  const cutOff = list.map((): number[] => []);
  for (const graphBreak of trace.graphBreaks) {
    if (graphBreak.from !== undefined && graphBreak.node !== undefined) cutOff[partOfNode(list, graphBreak.from)]!.push(graphBreak.node);
  }
  for (let i = 0; i < parts.length; i++) list[i]!.needs = needsOf(byId, list, parts[i]!, i, cutOff[i]!);
  const emptied = new Set(bounds.map((b) => b.pass.id));
  const head: Trace = {
    ...trace,
    nodes: [],
    backwardPasses: trace.backwardPasses.map((pass) => (emptied.has(pass.id) ? { ...pass, headGrads: [], steps: [], leafGrads: [] } : pass)),
    parts: { list, loaded: list.map(() => false) },
  };
  return { head, parts };
}

/**
 * The earlier parts a part's nodes and passes name nodes of (graph breaks it holds the start of
 * included). A node's `previous` (the array before an in-place write, in the part before) is not a
 * need: every pass of a training loop would then need every earlier one. Readers take it as a
 * reference that may name a node not loaded.
 */
function needsOf(passes: ReadonlyMap<number, BackwardPass>, list: readonly PartInfo[], data: PartData, own: number, cutOff: readonly number[]): number[] {
  const needs = new Set<number>();
  const first = list[own]!.firstNode;
  const need = (id: number) => { if (id < first) needs.add(partOfNode(list, id)); };
  for (const node of data.nodes) for (const input of node.inputs) need(input);
  for (const { id } of data.passes) {
    const pass = passes.get(id)!;
    for (const id of pass.heads) need(id);
    for (const step of pass.steps) {
      need(step.node);
      for (const contribution of step.contributions) need(contribution.input);
    }
    for (const leaf of pass.leafGrads) need(leaf.node);
  }
  for (const id of cutOff) need(id);
  needs.delete(own);
  return [...needs].sort((a, b) => a - b);
}

/** The part indices `wanted` and every part they need, in order. */
export function withNeeds(parts: TraceParts, wanted: Iterable<number>): number[] {
  const chosen = new Set<number>();
  const pending = [...wanted];
  while (pending.length > 0) {
    const i = pending.pop()!;
    if (chosen.has(i) || i < 0 || i >= parts.list.length) continue;
    chosen.add(i);
    pending.push(...parts.list[i]!.needs);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The part that holds a kept pass's tensors, or -1 (a summarised pass, a whole trace). */
export function partOfPass(trace: Trace, passId: number): number {
  return trace.parts ? trace.parts.list.findIndex((part) => part.passes.includes(passId)) : -1;
}

/**
 * The parts a graph of the trace needs that it does not hold yet (empty: it can be drawn), in
 * order: for a pass, its part and what that needs; for a recording, the parts of its nodes.
 */
export function missingParts(trace: Trace, selection: { kind: 'pass' | 'recording'; id: number }): number[] {
  const parts = trace.parts;
  if (!parts) return [];
  const wanted: number[] = [];
  if (selection.kind === 'pass') {
    const part = partOfPass(trace, selection.id);
    if (part >= 0) wanted.push(part);
  } else {
    const recording = trace.recordings.find((r) => r.id === selection.id);
    const seen = new Set<number>();
    for (const id of recording?.nodes ?? []) {
      const part = partOfNode(parts.list, id);
      if (!seen.has(part)) { seen.add(part); wanted.push(part); }
    }
  }
  return withNeeds(parts, wanted).filter((i) => !parts.loaded[i]);
}

/** Whether the trace holds every node and tensor (a whole trace, or one with all its parts loaded). */
export function isWhole(trace: Trace): boolean {
  return !trace.parts || trace.parts.loaded.every(Boolean);
}

/** Whether the trace holds this node id's part (a whole trace holds every node). */
export function holdsNode(trace: Trace, id: NodeId): boolean {
  const parts = trace.parts;
  return !parts || parts.loaded[partOfNode(parts.list, id)] === true;
}

/**
 * The trace with these parts added (loaded ones are skipped): a new object — nodes in id order,
 * the kept passes' lists filled, `parts.loaded` updated, nodes without `grad` given the one their
 * pass gives. The parts must have been checked (checkPartData) against this trace.
 */
export function withParts(trace: Trace, added: readonly PartData[]): Trace {
  const parts = trace.parts;
  if (!parts) return trace;
  const fresh = added.filter((data) => parts.loaded[data.part] === false).sort((a, b) => a.part - b.part);
  if (fresh.length === 0) return trace;
  const loaded = parts.loaded.slice();
  const tensors = new Map<number, PassTensors>();
  const newNodes: TraceNode[][] = [];
  for (const data of fresh) {
    loaded[data.part] = true;
    for (const pass of data.passes) tensors.set(pass.id, pass);
    newNodes.push(data.nodes);
  }
  const backwardPasses = trace.backwardPasses.map((pass) => {
    const own = tensors.get(pass.id);
    return own ? { ...pass, headGrads: own.headGrads, steps: own.steps, leafGrads: own.leafGrads } : pass;
  });
  const nodes = mergeById(trace.nodes, newNodes);
  // A node's gradient left out of its part is its own part's last pass's (traceLayout.ts).
  const filled = backwardPasses.filter((pass) => tensors.has(pass.id));
  const grads = lastGradients(filled);
  for (const list of newNodes) {
    for (const node of list) {
      if (node.grad !== undefined) continue;
      const grad = grads.get(node.id);
      if (grad) node.grad = grad;
    }
  }
  const next: Trace = { ...trace, nodes, backwardPasses, parts: { list: parts.list, loaded } };
  if (loaded.every(Boolean)) delete next.parts;
  return next;
}

/** Merges lists of nodes, each in id order and none sharing an id, into one in id order. */
function mergeById(base: readonly TraceNode[], lists: readonly (readonly TraceNode[])[]): TraceNode[] {
  const all = [base, ...lists].filter((list) => list.length > 0);
  // Parts are spans of ids: ordered by their first id, the lists concatenate in order.
  all.sort((a, b) => a[0]!.id - b[0]!.id);
  const out: TraceNode[] = [];
  let sorted = true;
  for (const list of all) {
    if (out.length > 0 && list[0]!.id <= out[out.length - 1]!.id) sorted = false;
    for (const node of list) out.push(node);
  }
  if (!sorted) out.sort((a, b) => a.id - b.id);
  return out;
}

/**
 * The nodes whose `grad` a pass of their own part gives (the last pass that reached them ran
 * then): a file may leave those out, and withParts gives them back.
 */
export function gradientsGivenBack(trace: Trace, list: readonly PartInfo[]): Set<NodeId> {
  const giver = new Map<NodeId, { grad: Tensor; pass: number }>();
  for (const pass of trace.backwardPasses) {
    for (const step of pass.steps) giver.set(step.node, { grad: step.upstream, pass: pass.id });
    for (const leaf of pass.leafGrads) giver.set(leaf.node, { grad: leaf.after ?? leaf.grad, pass: pass.id });
  }
  const partOfPassId = new Map<number, number>();
  list.forEach((part, i) => { for (const id of part.passes) partOfPassId.set(id, i); });
  const out = new Set<NodeId>();
  for (const node of trace.nodes) {
    const given = node.grad !== undefined ? giver.get(node.id) : undefined;
    if (given && given.grad === node.grad && partOfPassId.get(given.pass) === partOfNode(list, node.id)) out.add(node.id);
  }
  return out;
}

/** How many steps a pass ran: its steps, or for one whose part is not loaded (or summarised) its summary's. */
export function stepCount(pass: BackwardPass): number {
  return pass.steps.length > 0 || !pass.summary ? pass.steps.length : pass.summary.nodeGradL2.length;
}
