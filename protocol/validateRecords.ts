/**
 * The records of a trace checked field by field against docs/trace-format.md: nodes, recordings,
 * backward passes (steps, contributions, leaf gradients, numeric checks), graph breaks, anomalies
 * and the run. References to nodes, passes and recordings are checked against what the trace has
 * (`Refs`); in a trace that was cut short they are counted instead, for prune.ts to drop.
 */
import type { Problems } from './problems';
import { eachOf, nodeRef, nodeRefs, type Refs } from './validateRefs';
import { checkKept, checkKeepSettings } from './validateKeep';
import { checkSummary } from './validateSummary';
import {
  checkAttrs, checkIdList, checkShape, checkSource, checkStats, checkTensor, EXPECT, isCount, isDType, isNumber, isObject,
  MAX_RANK, type Fields,
} from './validateTensor';

const GRAD_REQ = "'write', 'add' or 'null'";
const isGradReq = (value: unknown) => value === 'write' || value === 'add' || value === 'null';
const isText = (value: unknown): value is string => typeof value === 'string';
const isLabel = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isTraceNumber = (value: unknown) => (typeof value === 'number' ? Number.isFinite(value) : value === 'NaN' || value === 'Infinity' || value === '-Infinity');

const LIST_OF = {
  tensors: `${EXPECT.list} of tensors`,
  contributions: `${EXPECT.list} of contributions`,
  steps: `${EXPECT.list} of steps`,
  leafGrads: `${EXPECT.list} of leaf gradients`,
  results: `${EXPECT.list} of results`,
  stats: `${EXPECT.list} of stats`,
};
const tensorItem = (r: Refs, item: unknown, index: number) => checkTensor(r.p, index, item);
const statsItem = (r: Refs, item: unknown, index: number) => checkStats(r.p, index, item);

/**
 * A node; `previousId` is the id of the node before it. Ids increase along the list (the order
 * things happened) and an op's inputs are earlier nodes, so the graph has no cycles. Returns the
 * node's id when it can be referenced (even if another field is wrong), else -1.
 */
export function checkNode(r: Refs, index: number, value: unknown, previousId: number): number {
  const p = r.p;
  if (!isObject(value)) { p.wrong(index, value, 'a node {id, kind, op, inputs, attrs, shape, dtype, …, value}'); return -1; }
  p.enter(index);
  const { id, inputs } = value;
  let usable = -1;
  if (!isCount(id)) p.wrong('id', id, EXPECT.id);
  else if (id <= previousId) p.say('id', `is ${id}, expected more than the id before it (${previousId}): node ids increase along the list, each once`);
  else usable = id;
  if (value.kind !== 'op' && value.kind !== 'variable' && value.kind !== 'constant') p.wrong('kind', value.kind, "'op', 'variable' or 'constant'");
  if (!isLabel(value.op)) p.wrong('op', value.op, 'the name of an op (text)');
  if (checkIdList(p, 'inputs', inputs) && usable >= 0) {
    p.enter('inputs');
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (input >= usable) p.say(i, `is ${input}, expected an earlier node (an op's inputs are made before it)`);
      else nodeRef(r, i, input);
    }
    p.leave();
  }
  checkAttrs(p, 'attrs', value.attrs);
  checkShape(p, 'shape', value.shape);
  if (!isDType(value.dtype)) p.wrong('dtype', value.dtype, EXPECT.dtype);
  if (typeof value.trainMode !== 'boolean') p.wrong('trainMode', value.trainMode, EXPECT.flag);
  if (typeof value.recording !== 'boolean') p.wrong('recording', value.recording, EXPECT.flag);
  if (typeof value.inGraph !== 'boolean') p.wrong('inGraph', value.inGraph, EXPECT.flag);
  if (value.gradReq !== undefined && !isGradReq(value.gradReq)) p.wrong('gradReq', value.gradReq, GRAD_REQ);
  checkSource(p, 'source', value.source);
  if (!isCount(value.iteration)) p.wrong('iteration', value.iteration, EXPECT.count);
  const recordingId = value.recordingId;
  if (recordingId !== null) {
    if (!isCount(recordingId)) p.wrong('recordingId', recordingId, 'a recording id or null');
    else if (!r.recordings.has(recordingId)) {
      if (r.tolerant) r.dangling++;
      else p.say('recordingId', `is ${recordingId}, which is not a recording of the trace`);
    }
  }
  checkTensor(p, 'value', value.value);
  if (value.grad !== undefined) checkTensor(p, 'grad', value.grad);
  if (value.layer !== undefined && typeof value.layer !== 'string') p.wrong('layer', value.layer, 'a block path such as "net.0"');
  if (value.param !== undefined && (typeof value.param !== 'string' || value.param === '')) p.wrong('param', value.param, 'a parameter name such as "net.0.weight"');
  if (value.previous !== undefined) {
    if (!isCount(value.previous) || value.previous >= usable) p.wrong('previous', value.previous, 'the id of an earlier node (the same array before an in-place write)');
    else if (!r.known?.has(value.previous)) nodeRef(r, 'previous', value.previous);
  }
  p.leave();
  return usable;
}

/** A recording's own fields; its node references are checked by {@link checkRecordingRefs} once the nodes are known. */
export function checkRecording(p: Problems, index: number, value: unknown): number {
  if (!isObject(value)) { p.wrong(index, value, 'a recording {id, source, trainMode, nodes, outputs, closed}'); return -1; }
  p.enter(index);
  const ok = isCount(value.id);
  if (!ok) p.wrong('id', value.id, EXPECT.count);
  checkSource(p, 'source', value.source);
  if (typeof value.trainMode !== 'boolean') p.wrong('trainMode', value.trainMode, EXPECT.flag);
  checkIdList(p, 'nodes', value.nodes);
  checkIdList(p, 'outputs', value.outputs);
  if (typeof value.closed !== 'boolean') p.wrong('closed', value.closed, EXPECT.flag);
  p.leave();
  return ok ? value.id as number : -1;
}

export function checkRecordingRefs(r: Refs, index: number, value: unknown): void {
  if (!isObject(value)) return;
  r.p.enter(index);
  if (Array.isArray(value.nodes)) nodeRefs(r, 'nodes', value.nodes);
  if (Array.isArray(value.outputs)) nodeRefs(r, 'outputs', value.outputs);
  r.p.leave();
}

function checkContribution(r: Refs, value: unknown, index: number): boolean {
  if (!isObject(value)) return r.p.wrong(index, value, 'a contribution {input, index, grad}');
  r.p.enter(index);
  let ok = nodeRef(r, 'input', value.input);
  if (!isCount(value.index)) ok = r.p.wrong('index', value.index, 'the position of the input (a whole number ≥ 0)');
  if (!checkTensor(r.p, 'grad', value.grad)) ok = false;
  r.p.leave();
  return ok;
}

function checkStep(r: Refs, value: unknown, index: number): boolean {
  if (!isObject(value)) return r.p.wrong(index, value, 'a step {node, upstream, contributions}');
  r.p.enter(index);
  let ok = nodeRef(r, 'node', value.node);
  if (!checkTensor(r.p, 'upstream', value.upstream)) ok = false;
  if (!eachOf(r, 'contributions', value.contributions, LIST_OF.contributions, checkContribution)) ok = false;
  r.p.leave();
  return ok;
}

function checkLeafGrad(r: Refs, value: unknown, index: number): boolean {
  if (!isObject(value)) return r.p.wrong(index, value, 'a leaf gradient {node, gradReq, grad}');
  r.p.enter(index);
  let ok = nodeRef(r, 'node', value.node);
  if (!isGradReq(value.gradReq)) ok = r.p.wrong('gradReq', value.gradReq, GRAD_REQ);
  if (!checkTensor(r.p, 'grad', value.grad)) ok = false;
  if (value.after !== undefined && !checkTensor(r.p, 'after', value.after)) ok = false;
  r.p.leave();
  return ok;
}

function checkGradcheckResult(r: Refs, value: unknown, index: number): boolean {
  const p = r.p;
  if (!isObject(value)) return p.wrong(index, value, 'a gradient check {node, ok, maxAbsError, …}');
  p.enter(index);
  let ok = nodeRef(r, 'node', value.node);
  if (typeof value.ok !== 'boolean') ok = p.wrong('ok', value.ok, EXPECT.flag);
  for (const key of ['maxAbsError', 'maxRelError', 'analytic', 'numeric'] as const) {
    if (!isTraceNumber(value[key])) ok = p.wrong(key, value[key], EXPECT.traceNumber);
  }
  const worst = value.worstIndex;
  if (!Array.isArray(worst) || worst.length > MAX_RANK || !worst.every(isCount)) ok = p.wrong('worstIndex', worst, 'an index (a list of whole numbers ≥ 0)');
  if (!isCount(value.checked)) ok = p.wrong('checked', value.checked, EXPECT.count);
  if (!isCount(value.size)) ok = p.wrong('size', value.size, EXPECT.count);
  p.leave();
  return ok;
}

function checkGradcheck(r: Refs, value: unknown): void {
  const p = r.p;
  if (!isObject(value)) { p.wrong('gradcheck', value, 'a numeric check {eps, atol, rtol, elements, results, durationMs}'); return; }
  p.enter('gradcheck');
  for (const key of ['eps', 'atol', 'rtol'] as const) if (!isNumber(value[key])) p.wrong(key, value[key], EXPECT.number);
  if (!isCount(value.elements) || value.elements < 1) p.wrong('elements', value.elements, EXPECT.positive);
  eachOf(r, 'results', value.results, LIST_OF.results, checkGradcheckResult);
  if (value.error !== undefined && !isText(value.error)) p.wrong('error', value.error, EXPECT.text);
  if (!isNumber(value.durationMs) || value.durationMs < 0) p.wrong('durationMs', value.durationMs, 'a duration in milliseconds');
  p.leave();
}

/** A backward pass; returns its id, or -1. */
export function checkPass(r: Refs, index: number, value: unknown): number {
  const p = r.p;
  if (!isObject(value)) { p.wrong(index, value, 'a backward pass {id, kind, source, heads, headGrads, steps, leafGrads, …}'); return -1; }
  p.enter(index);
  const id = isCount(value.id) ? value.id : -1;
  if (id < 0) p.wrong('id', value.id, EXPECT.count);
  if (value.kind !== 'backward' && value.kind !== 'grad') p.wrong('kind', value.kind, "'backward' or 'grad'");
  checkSource(p, 'source', value.source);
  const { heads, headGrads, implicitHeadGrads } = value;
  nodeRefs(r, 'heads', heads);
  if (Array.isArray(heads)) {
    const count = heads.length;
    const awaited = r.awaiting?.has(id) === true;
    if (eachOf(r, 'headGrads', headGrads, LIST_OF.tensors, tensorItem) && (headGrads as unknown[]).length !== count && !(awaited && (headGrads as unknown[]).length === 0)) {
      p.say('headGrads', `has ${(headGrads as unknown[]).length} gradients for ${count} heads, expected one per head`);
    }
    if (!Array.isArray(implicitHeadGrads) || !implicitHeadGrads.every((flag) => typeof flag === 'boolean')) p.wrong('implicitHeadGrads', implicitHeadGrads, `${EXPECT.list} of true or false`);
    else if (implicitHeadGrads.length !== count) p.say('implicitHeadGrads', `has ${implicitHeadGrads.length} flags for ${count} heads, expected one per head`);
  }
  if (typeof value.retainGraph !== 'boolean') p.wrong('retainGraph', value.retainGraph, EXPECT.flag);
  if (typeof value.createGraph !== 'boolean') p.wrong('createGraph', value.createGraph, EXPECT.flag);
  eachOf(r, 'steps', value.steps, LIST_OF.steps, checkStep);
  eachOf(r, 'leafGrads', value.leafGrads, LIST_OF.leafGrads, checkLeafGrad);
  if (value.error !== undefined && !isText(value.error)) p.wrong('error', value.error, `${EXPECT.text} (or no field)`);
  if (value.lastNode !== undefined && !(Number.isSafeInteger(value.lastNode) && (value.lastNode as number) >= -1)) p.wrong('lastNode', value.lastNode, 'a node id or -1');
  // A summarised pass's summary and gradient check may name the nodes it left out.
  const ownRefs = checkKept(r, value, r.version);
  if (value.gradcheck !== undefined) checkGradcheck(ownRefs, value.gradcheck);
  if (value.summary !== undefined) checkSummary(ownRefs, value.summary);
  p.leave();
  return id;
}

/**
 * A kept pass's tensors as its part holds them (traceParts.ts): its head gradients (one per head
 * of `heads`), steps and leaf gradients. Returns whether they can be used.
 */
export function checkPassTensors(r: Refs, index: number, value: unknown, heads: number): boolean {
  const p = r.p;
  if (!isObject(value)) return p.wrong(index, value, "a pass's tensors {id, headGrads, steps, leafGrads}");
  p.enter(index);
  let ok = isCount(value.id) || p.wrong('id', value.id, EXPECT.count);
  if (!eachOf(r, 'headGrads', value.headGrads, LIST_OF.tensors, tensorItem)) ok = false;
  else if ((value.headGrads as unknown[]).length !== heads) {
    p.say('headGrads', `has ${(value.headGrads as unknown[]).length} gradients for ${heads} heads, expected one per head`);
    ok = false;
  }
  if (!eachOf(r, 'steps', value.steps, LIST_OF.steps, checkStep)) ok = false;
  if (!eachOf(r, 'leafGrads', value.leafGrads, LIST_OF.leafGrads, checkLeafGrad)) ok = false;
  p.leave();
  return ok;
}

export function checkGraphBreak(r: Refs, index: number, value: unknown): void {
  const p = r.p;
  if (!isObject(value)) { p.wrong(index, value, 'a graph break {kind, node, from, source, message}'); return; }
  p.enter(index);
  if (!['detach', 'attachGrad', 'coerce', 'outsideRecord', 'paused'].includes(value.kind as string)) p.wrong('kind', value.kind, 'detach, attachGrad, coerce, outsideRecord or paused');
  if (value.node !== undefined) nodeRef(r, 'node', value.node);
  if (value.from !== undefined) nodeRef(r, 'from', value.from);
  checkSource(p, 'source', value.source);
  if (!isLabel(value.message)) p.wrong('message', value.message, 'a message (text)');
  p.leave();
}

export function checkAnomaly(r: Refs, index: number, value: unknown): void {
  const p = r.p;
  if (!isObject(value)) { p.wrong(index, value, 'an anomaly {kind, phase, node, source, message, inputs}'); return; }
  p.enter(index);
  if (value.kind !== 'nan' && value.kind !== 'inf') p.wrong('kind', value.kind, "'nan' or 'inf'");
  if (value.phase !== 'forward' && value.phase !== 'backward') p.wrong('phase', value.phase, "'forward' or 'backward'");
  nodeRef(r, 'node', value.node);
  if (value.pass !== undefined) {
    if (!isCount(value.pass)) p.wrong('pass', value.pass, 'a backward pass id');
    else if (!r.passes.has(value.pass)) {
      if (r.tolerant) r.dangling++;
      else p.say('pass', `is ${value.pass}, which is not a backward pass of the trace`);
    }
  }
  checkSource(p, 'source', value.source);
  if (!isLabel(value.message)) p.wrong('message', value.message, 'a message (text)');
  eachOf(r, 'inputs', value.inputs, LIST_OF.stats, statsItem);
  p.leave();
}

const OUTCOME = 'how the run ended {kind: exited, timed-out, cancelled, killed, out-of-memory or did-not-start, …}';

function checkOutcome(p: Problems, value: unknown): void {
  if (!isObject(value)) { p.wrong('outcome', value, OUTCOME); return; }
  p.enter('outcome');
  switch (value.kind) {
    case 'exited': if (!Number.isSafeInteger(value.code)) p.wrong('code', value.code, 'an exit code'); break;
    case 'timed-out': if (!isNumber(value.afterMs) || value.afterMs < 0) p.wrong('afterMs', value.afterMs, 'a duration in milliseconds'); break;
    case 'cancelled': if (!['user', 'SIGINT', 'SIGTERM', 'SIGHUP'].includes(value.by as string)) p.wrong('by', value.by, 'user, SIGINT, SIGTERM or SIGHUP'); break;
    case 'killed': if (!isLabel(value.signal)) p.wrong('signal', value.signal, 'the name of a signal'); break;
    case 'out-of-memory':
      if (value.what !== 'heap' && value.what !== 'arrays') p.wrong('what', value.what, "'heap' or 'arrays'");
      if (!isNumber(value.limitMb) || value.limitMb < 0) p.wrong('limitMb', value.limitMb, 'a size in MB');
      break;
    case 'did-not-start':
      if (!['not-found', 'build', 'refused', 'spawn'].includes(value.reason as string)) p.wrong('reason', value.reason, 'not-found, build, refused or spawn');
      break;
    default: p.wrong('kind', value.kind, 'exited, timed-out, cancelled, killed, out-of-memory or did-not-start');
  }
  p.leave();
}

function checkRunError(p: Problems, value: unknown): void {
  if (!isObject(value)) { p.wrong('error', value, 'an error {message, stack, source, origin}'); return; }
  p.enter('error');
  if (!isText(value.message)) p.wrong('message', value.message, EXPECT.text);
  if (!isText(value.stack)) p.wrong('stack', value.stack, EXPECT.text);
  checkSource(p, 'source', value.source);
  if (value.origin !== 'program' && value.origin !== 'build' && value.origin !== 'process') p.wrong('origin', value.origin, "'program', 'build' or 'process'");
  p.leave();
}

export function checkRun(p: Problems, run: Fields): void {
  p.enter('run');
  for (const key of ['file', 'engineVersion', 'startedAt', 'stdout', 'stderr'] as const) if (!isText(run[key])) p.wrong(key, run[key], EXPECT.text);
  if (!Array.isArray(run.argv) || !run.argv.every(isText)) p.wrong('argv', run.argv, `${EXPECT.list} of texts`);
  if (!Number.isSafeInteger(run.seed)) p.wrong('seed', run.seed, 'a whole number');
  if (!isNumber(run.durationMs) || run.durationMs < 0) p.wrong('durationMs', run.durationMs, 'a duration in milliseconds');
  if (run.exitCode !== null && !Number.isSafeInteger(run.exitCode)) p.wrong('exitCode', run.exitCode, 'an exit code or null');
  if (run.signal !== undefined && run.signal !== null && !isText(run.signal)) p.wrong('signal', run.signal, 'the name of a signal or null');
  if (typeof run.timedOut !== 'boolean') p.wrong('timedOut', run.timedOut, EXPECT.flag);
  for (const key of ['stdoutTruncated', 'stderrTruncated'] as const) if (run[key] !== undefined && typeof run[key] !== 'boolean') p.wrong(key, run[key], EXPECT.flag);
  if (!isCount(run.maxElements)) p.wrong('maxElements', run.maxElements, EXPECT.count);
  if (run.error !== undefined) checkRunError(p, run.error);
  if (run.outcome !== undefined) checkOutcome(p, run.outcome);
  if (run.paused !== undefined) {
    if (!isObject(run.paused)) p.wrong('paused', run.paused, 'where a debugger paused the run {source}');
    else {
      p.enter('paused');
      checkSource(p, 'source', run.paused.source);
      p.leave();
    }
  }
  checkKeepSettings(p, run.keep);
  p.leave();
}

export function checkTruncation(p: Problems, value: unknown): void {
  if (!isObject(value)) { p.wrong('truncated', value, 'a note of what was cut {bytes, note}'); return; }
  p.enter('truncated');
  if (!isCount(value.bytes)) p.wrong('bytes', value.bytes, EXPECT.count);
  if (!isText(value.note)) p.wrong('note', value.note, EXPECT.text);
  p.leave();
}

export type { Refs } from './validateRefs';
