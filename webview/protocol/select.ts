/** Which trace nodes a recording or a backward pass shows (the inspector's graph, the views' lists). */
import type { Selection } from './messages';
import { buildIndex } from './nodeIndex';
import type { Trace, TraceNode } from './trace';

const nodeIndexes = new WeakMap<Trace, ReadonlyMap<number, TraceNode>>();

/** The trace's nodes by id, built once per trace (a trace is never changed after it is read). */
export function indexNodes(trace: Trace): ReadonlyMap<number, TraceNode> {
  let index = nodeIndexes.get(trace);
  if (!index) {
    index = buildIndex(trace.nodes);
    nodeIndexes.set(trace, index);
  }
  return index;
}

/** Keeps the index validation built on its way through the nodes, so that it is not built twice. */
export function rememberIndex(trace: Trace, index: ReadonlyMap<number, TraceNode>): void {
  nodeIndexes.set(trace, index);
}

/** The trace nodes a selection shows. */
export function selectNodes(trace: Trace, selection: Selection): number[] {
  const byId = indexNodes(trace);
  const chosen = new Set<number>();
  if (selection.kind === 'recording') {
    const recording = trace.recordings.find((r) => r.id === selection.id);
    for (const id of recording?.nodes ?? []) {
      chosen.add(id);
      for (const input of byId.get(id)?.inputs ?? []) chosen.add(input); // where its data came from
    }
  } else {
    const pass = trace.backwardPasses.find((p) => p.id === selection.id);
    const pending = [...(pass?.heads ?? [])];
    while (pending.length > 0) {
      const id = pending.pop()!;
      if (chosen.has(id) || !byId.has(id)) continue;
      chosen.add(id);
      pending.push(...byId.get(id)!.inputs);
    }
    for (const step of pass?.steps ?? []) chosen.add(step.node);
  }
  // Graph breaks that start inside the selection: show the node they cut off too.
  for (const graphBreak of trace.graphBreaks) {
    if (graphBreak.from !== undefined && graphBreak.node !== undefined && chosen.has(graphBreak.from)) chosen.add(graphBreak.node);
  }
  return [...chosen].filter((id) => byId.has(id)).sort((a, b) => a - b);
}
