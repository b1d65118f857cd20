/**
 * A trace cut short (`truncated`: its writer was stopped) can name nodes, recordings or passes that
 * did not make it into the file. What was kept is still worth seeing: this copy leaves out what
 * refers to the lost part — a node whose input was lost, a step of a lost node, a contribution to
 * one, an anomaly at one — so that everything the inspector reads resolves. The original is untouched.
 */
import type { Anomaly, BackwardPass, GraphBreak, Recording, Trace, TraceNode } from './trace';

const dropped = new WeakMap<Trace, number>();

/** How many records {@link pruneLost} left out of this trace (0 for a trace it did not make). */
export function droppedRecords(trace: Trace): number {
  return dropped.get(trace) ?? 0;
}

export function pruneLost(trace: Trace): Trace {
  let count = 0;
  const recordings = new Set(trace.recordings.map((r) => r.id));
  const passes = new Set(trace.backwardPasses.map((p) => p.id));
  const kept = new Set<number>();
  const nodes: TraceNode[] = [];
  // Inputs come before their consumers, so one walk finds every node cut off, however indirectly.
  for (const node of trace.nodes) {
    if (!node.inputs.every((input) => kept.has(input))) { count++; continue; }
    kept.add(node.id);
    nodes.push(node.recordingId !== null && !recordings.has(node.recordingId) ? { ...node, recordingId: null } : node);
  }
  const has = (id: number) => kept.has(id);
  const keep = <T>(list: readonly T[], test: (item: T) => boolean): T[] => {
    const out = list.filter(test);
    count += list.length - out.length;
    return out;
  };
  const recordingsOut: Recording[] = trace.recordings.map((r) => ({ ...r, nodes: keep(r.nodes, has), outputs: keep(r.outputs, has) }));
  const passesOut: BackwardPass[] = trace.backwardPasses.map((pass) => {
    const heads = pass.heads.map((_, i) => i).filter((i) => has(pass.heads[i]!));
    count += pass.heads.length - heads.length;
    const out: BackwardPass = {
      ...pass,
      heads: heads.map((i) => pass.heads[i]!),
      headGrads: heads.map((i) => pass.headGrads[i]!),
      implicitHeadGrads: heads.map((i) => pass.implicitHeadGrads[i]!),
      steps: keep(pass.steps, (step) => has(step.node)).map((step) => ({ ...step, contributions: keep(step.contributions, (c) => has(c.input)) })),
      leafGrads: keep(pass.leafGrads, (leaf) => has(leaf.node)),
    };
    if (pass.gradcheck) out.gradcheck = { ...pass.gradcheck, results: keep(pass.gradcheck.results, (result) => has(result.node)) };
    return out;
  });
  const graphBreaks: GraphBreak[] = trace.graphBreaks.map((graphBreak) => {
    const { node, from, ...rest } = graphBreak;
    if ((node === undefined || has(node)) && (from === undefined || has(from))) return graphBreak;
    count++;
    return { ...rest, ...(node !== undefined && has(node) ? { node } : {}), ...(from !== undefined && has(from) ? { from } : {}) };
  });
  const anomalies: Anomaly[] = keep(trace.anomalies, (anomaly) => has(anomaly.node)).map((anomaly) => {
    if (anomaly.pass === undefined || passes.has(anomaly.pass)) return anomaly;
    count++;
    const { pass: _lost, ...rest } = anomaly;
    return rest;
  });
  const pruned: Trace = { ...trace, nodes, recordings: recordingsOut, backwardPasses: passesOut, graphBreaks, anomalies };
  dropped.set(pruned, count);
  return pruned;
}
