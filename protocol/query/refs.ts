/**
 * What the ids of a message name in a trace: the source line of a node, pass, recording, graph
 * break, anomaly or the run's error, and the whole text of a field the inspector showed cut short.
 * The host resolves ids against the trace it holds; an id that names nothing resolves to null.
 */
import type { Selection, SourceRef, TextRef } from '../messages';
import type { Source, Trace } from '../trace';
import { indexTrace } from './indexTrace';
import { hasTraining } from './training';

/** The source line `ref` names in `trace`, or null (no such thing, or it has no line). */
export function sourceOf(trace: Trace, ref: SourceRef): Source | null {
  switch (ref.kind) {
    case 'node': return indexTrace(trace).nodes.get(ref.id)?.source ?? null;
    case 'pass': return trace.backwardPasses.find((p) => p.id === ref.id)?.source ?? null;
    case 'recording': return trace.recordings.find((r) => r.id === ref.id)?.source ?? null;
    case 'break': return trace.graphBreaks[ref.index]?.source ?? null;
    case 'anomaly': return trace.anomalies[ref.index]?.source ?? null;
    case 'error': return trace.run.error?.source ?? null;
  }
}

/** The whole text `ref` names in `trace`, or null. */
export function textOf(trace: Trace, ref: TextRef): string | null {
  switch (ref.kind) {
    case 'node': {
      const node = indexTrace(trace).nodes.get(ref.id);
      if (!node) return null;
      if (ref.field === 'op') return node.op;
      if (ref.field === 'attrs') return JSON.stringify(node.attrs, null, 2);
      if (ref.field === 'sourceFile') return node.source?.file ?? null;
      return node.source?.text ?? null;
    }
    case 'break': return trace.graphBreaks[ref.index]?.message ?? null;
    case 'anomaly': return trace.anomalies[ref.index]?.message ?? null;
    case 'pass': return trace.backwardPasses.find((p) => p.id === ref.id)?.error ?? null;
    case 'error': return trace.run.error?.[ref.field] ?? null;
    case 'output': return trace.run[ref.field];
  }
}

/** Whether `trace` has what `selection` names: the pass or recording with its id, or a Training view. */
export function hasSelection(trace: Trace, selection: Selection): boolean {
  switch (selection.kind) {
    case 'pass': return indexTrace(trace).pass(selection.id) !== undefined;
    case 'recording': return indexTrace(trace).recording(selection.id) !== undefined;
    case 'training': return hasTraining(trace);
  }
}
