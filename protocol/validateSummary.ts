/**
 * A backward pass's `summary` checked against docs/trace-format.md ("Pass summaries"): the head's
 * value, the variables' statistics by series, each step's gradient norm, the anomaly count, the
 * relu layers' dead units (optional).
 */
import { eachOf, nodeRef, type Refs } from './validateRefs';
import { EXPECT, isCount, isNumber, isObject } from './validateTensor';

const isNumberOrNull = (value: unknown) => value === null || isNumber(value);
const isNormOrNull = (value: unknown) => value === null || (isNumber(value) && value >= 0);
const isTraceNumber = (value: unknown) => (typeof value === 'number' ? Number.isFinite(value) : value === 'NaN' || value === 'Infinity' || value === '-Infinity');
const NORM = 'a number ≥ 0 or null';

function checkVariable(r: Refs, value: unknown, index: number): boolean {
  const p = r.p;
  if (!isObject(value)) return p.wrong(index, value, 'a variable summary {series, node, param, gradL2, …}');
  p.enter(index);
  let ok = nodeRef(r, 'node', value.node);
  if (!isCount(value.series)) ok = p.wrong('series', value.series, EXPECT.count);
  if (value.param !== null && !(typeof value.param === 'string' && value.param.length > 0)) ok = p.wrong('param', value.param, 'a parameter name or null');
  for (const key of ['gradL2', 'gradMaxAbs', 'gradStd', 'valueL2', 'updateRatio'] as const) {
    if (!isNormOrNull(value[key])) ok = p.wrong(key, value[key], NORM);
  }
  if (!isNumberOrNull(value.gradMean)) ok = p.wrong('gradMean', value.gradMean, EXPECT.numberOrNull);
  if (!(isNumber(value.zeroFraction) && value.zeroFraction >= 0 && value.zeroFraction <= 1)) ok = p.wrong('zeroFraction', value.zeroFraction, 'a fraction from 0 to 1');
  for (const key of ['nan', 'inf'] as const) if (!isCount(value[key])) ok = p.wrong(key, value[key], EXPECT.count);
  p.leave();
  return ok;
}

function checkActivation(r: Refs, value: unknown, index: number): boolean {
  const p = r.p;
  if (!isObject(value)) return p.wrong(index, value, 'a relu layer\'s summary {series, node, calls, units, dead, zeroFraction}');
  p.enter(index);
  let ok = nodeRef(r, 'node', value.node);
  if (typeof value.series !== 'string') ok = p.wrong('series', value.series, 'a series key (a string)');
  if (!(isCount(value.calls) && value.calls >= 1)) ok = p.wrong('calls', value.calls, 'a count ≥ 1');
  if (!isCount(value.units)) ok = p.wrong('units', value.units, EXPECT.count);
  if (!(isCount(value.dead) && (!isCount(value.units) || value.dead <= value.units))) ok = p.wrong('dead', value.dead, 'a count of units, at most `units`');
  if (!(isNumber(value.zeroFraction) && value.zeroFraction >= 0 && value.zeroFraction <= 1)) ok = p.wrong('zeroFraction', value.zeroFraction, 'a fraction from 0 to 1');
  p.leave();
  return ok;
}

function checkNodeNorm(r: Refs, value: unknown, index: number): boolean {
  if (!Array.isArray(value) || value.length !== 2) return r.p.wrong(index, value, 'a pair [node id, gradient norm or null]');
  r.p.enter(index);
  let ok = nodeRef(r, 0, value[0]);
  if (!isNormOrNull(value[1])) ok = r.p.wrong(1, value[1], NORM);
  r.p.leave();
  return ok;
}

export function checkSummary(r: Refs, value: unknown): void {
  const p = r.p;
  if (!isObject(value)) { p.wrong('summary', value, 'a pass summary {head, variables, nodeGradL2, anomalies}'); return; }
  p.enter('summary');
  if (value.head !== null && !isTraceNumber(value.head)) p.wrong('head', value.head, `${EXPECT.traceNumber} or null`);
  eachOf(r, 'variables', value.variables, `${EXPECT.list} of variable summaries`, checkVariable);
  eachOf(r, 'nodeGradL2', value.nodeGradL2, `${EXPECT.list} of [node, norm] pairs`, checkNodeNorm);
  if (!isCount(value.anomalies)) p.wrong('anomalies', value.anomalies, EXPECT.count);
  if (value.activations !== undefined) eachOf(r, 'activations', value.activations, `${EXPECT.list} of relu layers' summaries`, checkActivation);
  p.leave();
}
