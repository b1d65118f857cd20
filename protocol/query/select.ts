/** Which trace nodes a recording or a backward pass shows (the inspector's graph, the views' lists). */
import type { Selection } from '../messages';
import { indexTrace } from './indexTrace';
import { isListIndex } from './nodeIndex';
import type { Trace } from '../trace';

const selections = new WeakMap<Trace, Map<string, number[]>>();

/**
 * The trace nodes a selection shows, in id order. Kept per trace (a graph, its panels and a focus
 * ask again): the list is shared, so callers must not change it.
 */
export function selectNodes(trace: Trace, selection: Selection): number[] {
  let cache = selections.get(trace);
  if (!cache) selections.set(trace, cache = new Map());
  const key = `${selection.kind}:${selection.id}`;
  let chosen = cache.get(key);
  if (!chosen) cache.set(key, chosen = select(trace, selection));
  return chosen;
}

function select(trace: Trace, selection: Selection): number[] {
  const byId = indexTrace(trace).nodes;
  const chosen = isListIndex(byId) ? new IdMarks(trace.nodes.length) : new Set<number>();
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
      for (const input of byId.get(id)!.inputs) pending.push(input); // a loop: spreading 10⁵ inputs overflows the stack
    }
    for (const step of pass?.steps ?? []) chosen.add(step.node);
  }
  // Graph breaks that start inside the selection: show the node they cut off too.
  for (const graphBreak of trace.graphBreaks) {
    if (graphBreak.from !== undefined && graphBreak.node !== undefined && chosen.has(graphBreak.from)) chosen.add(graphBreak.node);
  }
  if (chosen instanceof IdMarks) return chosen.ids();
  const ids = new Float64Array(chosen.size);
  let count = 0;
  for (const id of chosen) if (byId.has(id)) ids[count++] = id;
  // A typed array sorts numbers without a comparator call per pair: 10⁶ ids in tens of milliseconds.
  return Array.from(ids.subarray(0, count).sort());
}

/** A set of the ids 0…n−1 as one byte each: no hashing, and its ids come out in order. */
class IdMarks {
  private readonly marks: Uint8Array;

  constructor(size: number) {
    this.marks = new Uint8Array(size);
  }

  has(id: number): boolean {
    return this.marks[id] === 1;
  }

  /** Ids outside 0…n−1 name no node: they are left out, as a Set's would be by the filter. */
  add(id: number): void {
    if (Number.isInteger(id) && id >= 0 && id < this.marks.length) this.marks[id] = 1;
  }

  ids(): number[] {
    const out: number[] = [];
    for (let id = 0; id < this.marks.length; id++) if (this.marks[id] === 1) out.push(id);
    return out;
  }
}
