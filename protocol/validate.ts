/**
 * Checking that what arrived is a trace this inspector can read — every field of every record,
 * and every id it names — with messages that say where and what is wrong (the error screen shows
 * them) instead of a blank page or an exception deep in the drawing. Linear in the trace's size.
 * A trace that was cut short (`truncated`) may name nodes it lost: those references are dropped
 * (prune.ts) rather than refusing what was kept.
 */
import { visible } from './display';
import { NodeIndexBuilder } from './query/nodeIndex';
import { describeValue, Problems, withoutMarkup } from './problems';
import { pruneLost } from './prune';
import { rememberNodeIndex } from './query/indexTrace';
import { fillGradients } from './query/lastGradients';
import { READABLE_TRACE_VERSIONS, TRACE_FORMAT, type Trace, type TraceNode, type TraceParts } from './trace';
import { checkPartsTable } from './validateParts';
import { checkAnomaly, checkGraphBreak, checkNode, checkPass, checkRecording, checkRecordingRefs, checkRun, checkTruncation, type Refs } from './validateRecords';
import { isObject, type Fields } from './validateTensor';

export type Validation = { ok: true; trace: Trace } | { ok: false; problems: string[] };

const LISTS = ['nodes', 'recordings', 'backwardPasses', 'graphBreaks', 'anomalies'] as const;

export function validateTrace(value: unknown): Validation {
  // JSON.parse quotes the text it stopped at: markup in it is escaped, as in any problem (problems.ts).
  if (isObject(value) && typeof value.unreadable === 'string') return { ok: false, problems: [`the trace is not valid JSON: ${withoutMarkup(visible(value.unreadable, { limit: 300 }))}`] };
  if (!isObject(value)) return { ok: false, problems: ['the trace is not a JSON object'] };
  const p = new Problems();
  if (value.format !== TRACE_FORMAT) p.add(`"format" is ${describeValue(value.format)}, expected "${TRACE_FORMAT}" (is this a GradLens trace?)`);
  if (!READABLE_TRACE_VERSIONS.includes(value.version as number)) p.add(`"version" is ${describeValue(value.version)}; this inspector reads versions ${READABLE_TRACE_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_TRACE_VERSIONS.at(-1)} (a newer GradLens wrote it?)`);
  for (const key of LISTS) if (!Array.isArray(value[key])) p.add(`"${key}" is missing or not a list`);
  if (!isObject(value.run)) p.add('"run" is missing or not an object');
  if (p.count > 0) return { ok: false, problems: p.list() };

  const tolerant = value.truncated !== undefined;
  if (tolerant) checkTruncation(p, value.truncated);
  const [nodes, recordings, passes, graphBreaks, anomalies] = LISTS.map((key) => value[key] as unknown[]) as [unknown[], unknown[], unknown[], unknown[], unknown[]];
  const byId = new NodeIndexBuilder(nodes);
  // A trace read in parts names nodes of the parts it does not hold yet.
  const unloaded = value.parts === undefined ? null : checkPartsTable(p, value.parts);
  if (value.parts !== undefined && unloaded === null) return { ok: false, problems: p.list() };
  const held = unloaded ? { has: (id: number) => byId.has(id) || unloaded(id) } : byId;
  const refs: Refs = {
    p, nodes: held, passes: new Set<number>(), recordings: new Set<number>(), version: value.version as number, tolerant, dangling: 0,
    ...(unloaded ? { awaiting: awaitedPasses(value.parts as TraceParts) } : {}),
  };

  const recordingIds = refs.recordings as Set<number>;
  p.enter('recordings');
  recordings.forEach((recording, i) => unique(p, i, checkRecording(p, i, recording), recordingIds, 'recording'));
  p.leave();

  p.enter('nodes');
  let previous = -1;
  for (let i = 0; i < nodes.length; i++) {
    const id = checkNode(refs, i, nodes[i], previous);
    if (id >= 0) { byId.add(i, id, nodes[i] as TraceNode); previous = id; }
  }
  p.leave();

  p.enter('recordings');
  recordings.forEach((recording, i) => checkRecordingRefs(refs, i, recording));
  p.leave();
  const passIds = refs.passes as Set<number>;
  p.enter('backwardPasses');
  passes.forEach((pass, i) => unique(p, i, checkPass(refs, i, pass), passIds, 'backward pass'));
  p.leave();
  p.enter('graphBreaks');
  graphBreaks.forEach((graphBreak, i) => checkGraphBreak(refs, i, graphBreak));
  p.leave();
  p.enter('anomalies');
  anomalies.forEach((anomaly, i) => checkAnomaly(refs, i, anomaly));
  p.leave();
  checkRun(p, value.run as Fields);
  checkLayers(p, value.layers);
  if (p.count > 0) return { ok: false, problems: p.list() };

  const trace = value as unknown as Trace;
  if (refs.dangling > 0) {
    const pruned = pruneLost(trace);
    fillGradients(pruned);
    return { ok: true, trace: pruned };
  }
  // A file leaves out the nodes' gradients that are their last step's: they come back here.
  fillGradients(trace);
  rememberNodeIndex(trace, byId.index());
  return { ok: true, trace };
}

/** The kept passes whose tensors are in parts not loaded. */
function awaitedPasses(parts: TraceParts): Set<number> {
  const out = new Set<number>();
  parts.list.forEach((part, i) => { if (!parts.loaded[i]) for (const id of part.passes) out.add(id); });
  return out;
}

/** `layers`, when there: block paths to the text gluon prints for them. */
function checkLayers(p: Problems, layers: unknown): void {
  if (layers === undefined) return;
  if (typeof layers !== 'object' || layers === null || Array.isArray(layers)) {
    p.wrong('layers', layers, 'an object of block paths to their descriptions');
    return;
  }
  p.enter('layers');
  for (const [path, label] of Object.entries(layers)) if (typeof label !== 'string') p.wrong(path, label, 'the block as gluon prints it, a string');
  p.leave();
}

/** Records of one kind have different ids. */
function unique(p: Problems, index: number, id: number, seen: Set<number>, what: string): void {
  if (id < 0) return;
  if (seen.has(id)) p.say(index, `has id ${id}, the same as an earlier ${what}: each has its own`);
  seen.add(id);
}
