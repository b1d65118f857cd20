/**
 * The layout of a version-3 trace file (docs/trace-format.md, "The file in parts"): one JSON
 * document whose first line is the head (everything but the parts' content), then one line per
 * part (a *segment*), then the byte offsets of the segments. A reader parses the first line and the
 * last, and a segment when it needs that part; any JSON tool reads the whole document.
 *
 * A segment does not repeat what passes of one graph structure share: its nodes' op, inputs,
 * attributes, shape, source and flags are a *structure* listed once in the head, and the segment
 * holds per node only its value, gradient, iteration and earlier array (`previous`). An input made
 * in the same part is written relative to the node (−k: k ids before it), any other by its id, so
 * the passes of a training loop have one structure.
 * Pure (no Node, no DOM).
 */
import { splitTrace, gradientsGivenBack } from './traceParts';
import { TRACE_VERSION, type NodeId, type PartData, type PartInfo, type PassTensors, type Tensor, type Trace, type TraceNode } from './trace';

/** The key of the list of segments: the head is the document up to it. */
export const SEGMENTS_KEY = 'segments';
/** What ends the head's line: `,"segments":[` (the head is this line without it, closed by `}`). */
export const HEAD_END = `,"${SEGMENTS_KEY}":[`;
/** What begins the last line (after the segments): `],"index":` then the offsets and `}`. */
export const INDEX_START = '],"index":';

/** The head's fields in the order a file has them: a file cut short keeps the run and the summaries. */
export const HEAD_FIELD_ORDER = ['format', 'version', 'run', 'recordings', 'backwardPasses', 'graphBreaks', 'anomalies', 'layers', 'parts', 'structures'] as const;
/** A segment's small fields first: a reader of a cut file learns which part it is before its tensors. */
export const SEGMENT_FIELD_ORDER = ['part', 'structure', 'firstNode', 'recordingBase', 'instances', 'passes'] as const;

/** One node of a structure: a node less its id, value, gradient, iteration and `previous`. */
export interface NodeTemplate {
  /** Its id less the part's first id. */
  at: number;
  kind: TraceNode['kind'];
  op: string;
  /** Inputs: −k is the node k ids before this one (same part), k ≥ 0 the node of id k. */
  inputs: number[];
  attrs: Record<string, unknown>;
  shape: number[];
  dtype: TraceNode['dtype'];
  trainMode: boolean;
  recording: boolean;
  inGraph: boolean;
  gradReq?: TraceNode['gradReq'];
  source: TraceNode['source'];
  /** The recording less the segment's `recordingBase`, or null. */
  recordingOffset: number | null;
  layer?: string;
  param?: string;
}

/** What a segment holds of each node besides its structure. */
export interface NodeInstance {
  iteration: number;
  value: Tensor;
  grad?: Tensor;
  previous?: NodeId;
}

/** A part as a file holds it. */
export interface Segment {
  part: number;
  /** Its structure's index in the head's `structures`. */
  structure: number;
  /** The part's first node id (templates count from it). */
  firstNode: NodeId;
  /** What templates' recordings count from (null: its nodes are outside recordings). */
  recordingBase: number | null;
  instances: NodeInstance[];
  passes: PassTensors[];
}

/** The head of a version-3 file: the trace without nodes or the kept passes' tensors, and what reads the rest. */
export interface FileHead extends Omit<Trace, 'nodes' | 'parts'> {
  parts: PartInfo[];
  structures: NodeTemplate[][];
}

/** The trace as a file holds it: the head, and the segments in part order. */
export interface FileLayout {
  head: FileHead;
  segments: Segment[];
}

/**
 * The file layout of a whole trace. The segments share the trace's tensors (nothing is copied);
 * a node's gradient is left out where its own part's pass gives it back.
 *
 * @example
 *   const { head, segments } = fileLayout(trace);
 *   // a file: JSON of head up to `structures`, then `"segments":[`, one segment a line, then the index
 */
export function fileLayout(trace: Trace): FileLayout {
  const { head, parts } = splitTrace(trace);
  const list = head.parts!.list;
  const givenBack = gradientsGivenBack(trace, list);
  const structures: NodeTemplate[][] = [];
  const known = new Map<string, number>();
  const segments = parts.map((data) => {
    const info = list[data.part]!;
    let recordingBase: number | null = null;
    for (const node of data.nodes) if (node.recordingId !== null && (recordingBase === null || node.recordingId < recordingBase)) recordingBase = node.recordingId;
    const templates = data.nodes.map((node) => templateOf(node, info.firstNode, recordingBase));
    const key = JSON.stringify(templates);
    let structure = known.get(key);
    if (structure === undefined) {
      structure = structures.length;
      structures.push(templates);
      known.set(key, structure);
    }
    const instances = data.nodes.map((node): NodeInstance => {
      const instance: NodeInstance = { iteration: node.iteration, value: node.value };
      if (node.grad !== undefined && !givenBack.has(node.id)) instance.grad = node.grad;
      if (node.previous !== undefined) instance.previous = node.previous;
      return instance;
    });
    const segment: Segment = { part: data.part, structure, firstNode: info.firstNode, recordingBase, instances, passes: data.passes };
    return segment;
  });
  const { nodes: _nodes, parts: _parts, ...rest } = head;
  // Written now, whatever version it was read from: every pass says whether it was kept (version ≥ 2).
  const backwardPasses = rest.backwardPasses.map((pass) => (pass.kept === undefined ? { ...pass, kept: true } : pass));
  return { head: { ...rest, version: TRACE_VERSION, backwardPasses, parts: list, structures }, segments };
}

function templateOf(node: TraceNode, firstNode: number, recordingBase: number | null): NodeTemplate {
  const template: NodeTemplate = {
    at: node.id - firstNode,
    kind: node.kind,
    op: node.op,
    inputs: node.inputs.map((input) => (input >= firstNode ? input - node.id : input)),
    attrs: node.attrs,
    shape: node.shape,
    dtype: node.dtype,
    trainMode: node.trainMode,
    recording: node.recording,
    inGraph: node.inGraph,
    source: node.source,
    recordingOffset: node.recordingId === null || recordingBase === null ? null : node.recordingId - recordingBase,
  };
  if (node.gradReq !== undefined) template.gradReq = node.gradReq;
  if (node.layer !== undefined) template.layer = node.layer;
  if (node.param !== undefined) template.param = node.param;
  return template;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; problem: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * A segment's part, from its file form: nodes rebuilt from the structure and the instances (the
 * result is checked by checkPartData before use; this only checks what rebuilding reads).
 */
export function decodeSegment(value: unknown, structures: readonly unknown[]): Decoded<PartData> {
  if (!isObject(value)) return { ok: false, problem: 'a segment is not an object' };
  const { part, structure, firstNode, recordingBase, instances, passes } = value;
  if (!isCount(part)) return { ok: false, problem: 'a segment has no part number' };
  const where = `segment of part ${part}`;
  if (!isCount(structure) || structure >= structures.length || !Array.isArray(structures[structure])) return { ok: false, problem: `the ${where} names structure ${String(structure)}, which the head does not list` };
  if (!isCount(firstNode)) return { ok: false, problem: `the ${where} has no first node id` };
  if (recordingBase !== null && !isCount(recordingBase)) return { ok: false, problem: `the ${where} has a recordingBase that is not a recording id or null` };
  const all = structures[structure] as unknown[];
  // A segment a cut file ends in (readTrace.ts) has its first nodes only.
  const templates = value.cut === true && Array.isArray(instances) && instances.length < all.length ? all.slice(0, instances.length) : all;
  if (!Array.isArray(instances) || instances.length !== templates.length) return { ok: false, problem: `the ${where} has ${Array.isArray(instances) ? instances.length : 'no'} node values for the ${templates.length} nodes of its structure` };
  const nodes: TraceNode[] = [];
  for (let i = 0; i < templates.length; i++) {
    const template = templates[i];
    const instance = instances[i];
    if (!isObject(template) || !isObject(instance) || !isCount(template.at) || !Array.isArray(template.inputs)) return { ok: false, problem: `the ${where}'s node ${i} or its structure is malformed` };
    const id = firstNode + template.at;
    const { at: _at, recordingOffset, inputs, ...fields } = template;
    const node = {
      id, ...fields,
      inputs: inputs.map((input) => (typeof input === 'number' && input < 0 ? id + input : input)),
      recordingId: recordingOffset === null || recordingOffset === undefined ? null : typeof recordingOffset === 'number' && recordingBase !== null ? (recordingBase as number) + recordingOffset : recordingOffset,
      iteration: instance.iteration,
      value: instance.value,
    } as unknown as TraceNode;
    if (instance.grad !== undefined) node.grad = instance.grad as Tensor;
    if (instance.previous !== undefined) node.previous = instance.previous as number;
    nodes.push(node);
  }
  return { ok: true, value: { part, nodes, passes: (passes ?? []) as PassTensors[] } };
}

/** The head's trace (no nodes; `parts` all unloaded), from the head of a file. Checked by validateTrace after. */
export function traceOfHead(head: Record<string, unknown>): Record<string, unknown> {
  const { parts, structures: _structures, [SEGMENTS_KEY]: _segments, index: _index, ...rest } = head;
  const list = Array.isArray(parts) ? parts : [];
  return { ...rest, nodes: [], parts: { list, loaded: list.map(() => false) } };
}

/**
 * A whole version-3 document as one trace (every segment in), the form every other reader takes.
 * `cut`: the file was cut short, and segments may be missing. A kept pass whose segment is lost is
 * then given as summarised (its summary is in the head; `omitted` names the part's nodes).
 */
export function expandDocument(document: Record<string, unknown>, cut = false): Decoded<Record<string, unknown>> {
  const structures = Array.isArray(document.structures) ? document.structures : [];
  const segments = Array.isArray(document[SEGMENTS_KEY]) ? document[SEGMENTS_KEY] as unknown[] : [];
  const table = Array.isArray(document.parts) ? document.parts as unknown[] : [];
  const nodes: TraceNode[] = [];
  const tensors = new Map<number, PassTensors>();
  for (const segment of segments) {
    const decoded = decodeSegment(segment, structures);
    if (!decoded.ok) return decoded;
    for (const node of decoded.value.nodes) nodes.push(node);
    for (const pass of decoded.value.passes) if (isObject(pass) && isCount(pass.id)) tensors.set(pass.id, pass);
  }
  const lost = new Map<number, Record<string, unknown>>();
  if (cut) {
    for (const part of table) {
      if (!isObject(part) || !Array.isArray(part.passes)) continue;
      for (const id of part.passes) if (isCount(id) && !tensors.has(id)) lost.set(id, part);
    }
  }
  const { parts: _parts, structures: _structures, [SEGMENTS_KEY]: _segments, index: _index, ...rest } = document;
  const passes = Array.isArray(rest.backwardPasses) ? rest.backwardPasses.map((pass: unknown) => {
    if (!isObject(pass) || !isCount(pass.id)) return pass;
    const own = tensors.get(pass.id);
    if (own) return { ...pass, headGrads: own.headGrads, steps: own.steps, leafGrads: own.leafGrads };
    const part = lost.get(pass.id);
    if (!part || pass.kept === false) return pass;
    const summary = isObject(pass.summary) && Array.isArray(pass.summary.nodeGradL2) ? pass.summary.nodeGradL2.length : 0;
    return { ...pass, kept: false, heads: [], headGrads: [], implicitHeadGrads: [], steps: [], leafGrads: [], omitted: { firstNode: part.firstNode, lastNode: part.lastNode, nodes: part.nodes, steps: summary } };
  }) : rest.backwardPasses;
  return { ok: true, value: { ...rest, nodes, backwardPasses: passes } };
}

/** Whether a parsed document is a version-3 file in parts (not a whole trace). */
export function isLayout(document: Record<string, unknown>): boolean {
  return document.version === 3 && !Object.prototype.hasOwnProperty.call(document, 'nodes');
}
