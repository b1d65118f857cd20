/**
 * What a trace in parts (protocol/traceParts.ts) holds, for the editor's features: a trace opened
 * from a big file holds its last graph's nodes and tensors, and every pass's summary. Counts and
 * words come from the summaries where the tensors are not loaded, so that nothing reads "0 steps"
 * or "no variable reached" of a pass that had them. Pure: no VS Code.
 */
import type { GraphSelection } from '../protocol/messages';
import { isKept, type BackwardPass, type Trace } from '../protocol/trace';
import { missingParts } from '../protocol/traceParts';

/** What a view or lens says of a graph whose part is not loaded. */
export const NOT_LOADED = 'not loaded — open it in the inspector';

/** Whether the trace holds the nodes and tensors of `selection`'s graph (a whole trace holds all). */
export function holdsGraph(trace: Trace, selection: GraphSelection): boolean {
  return missingParts(trace, selection).length === 0;
}

/** The kept passes whose tensors a trace in parts holds, per trace (Problems asks of every pass of a long run). */
const heldPasses = new WeakMap<Trace, Set<number>>();

/** Whether a kept pass's tensors are in the trace (a summarised pass has none to hold). */
export function holdsPass(trace: Trace, pass: BackwardPass): boolean {
  const parts = trace.parts;
  if (!parts || !isKept(pass)) return true;
  let held = heldPasses.get(trace);
  if (!held) {
    held = new Set();
    parts.list.forEach((part, i) => { if (parts.loaded[i]) for (const id of part.passes) held!.add(id); });
    heldPasses.set(trace, held);
  }
  return held.has(pass.id);
}

/** How many steps a pass's graph has: its steps, or for a kept pass not loaded, as its summary counts them. */
export function stepCount(trace: Trace, pass: BackwardPass): number {
  if (holdsPass(trace, pass)) return pass.steps.length;
  return pass.summary?.nodeGradL2.length ?? pass.steps.length;
}

/** How many nodes the run made that the trace has (loaded or not). */
export function nodeCount(trace: Trace): number {
  return trace.parts ? trace.parts.list.reduce((sum, part) => sum + part.nodes, 0) : trace.nodes.length;
}
