/**
 * Checking that what arrived is a trace this inspector can read, with a message that says what is
 * wrong (the error screen shows it) instead of a blank page or an exception deep in the drawing.
 */
import { TRACE_FORMAT, TRACE_VERSION, type Trace } from './trace';

export type Validation = { ok: true; trace: Trace } | { ok: false; problems: string[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function validateTrace(value: unknown): Validation {
  if (isObject(value) && typeof value.unreadable === 'string') return { ok: false, problems: [`the trace is not valid JSON: ${value.unreadable}`] };
  if (!isObject(value)) return { ok: false, problems: ['the trace is not a JSON object'] };
  const problems: string[] = [];
  if (value.format !== TRACE_FORMAT) problems.push(`"format" is ${JSON.stringify(value.format)}, expected "${TRACE_FORMAT}" (is this a GradLens trace?)`);
  if (value.version !== TRACE_VERSION) problems.push(`"version" is ${JSON.stringify(value.version)}; this inspector reads version ${TRACE_VERSION}`);
  for (const key of ['nodes', 'recordings', 'backwardPasses', 'graphBreaks', 'anomalies'] as const) {
    if (!Array.isArray(value[key])) problems.push(`"${key}" is missing or not a list`);
  }
  if (!isObject(value.run)) problems.push('"run" is missing');
  if (problems.length > 0) return { ok: false, problems };
  const ids = new Set<number>();
  (value.nodes as unknown[]).forEach((node, i) => {
    if (!isObject(node) || typeof node.id !== 'number' || !Array.isArray(node.inputs) || !Array.isArray(node.shape) || !isObject(node.value) || typeof node.op !== 'string') {
      if (problems.length < 5) problems.push(`node ${i} is malformed (it needs id, op, inputs, shape and value)`);
      return;
    }
    ids.add(node.id);
  });
  (value.nodes as Record<string, unknown>[]).forEach((node) => {
    for (const input of (Array.isArray(node?.inputs) ? node.inputs : []) as unknown[]) {
      if (typeof input !== 'number' || !ids.has(input)) {
        if (problems.length < 5) problems.push(`node ${String(node.id)} names input ${JSON.stringify(input)}, which is not a node of the trace`);
      }
    }
  });
  (value.backwardPasses as Record<string, unknown>[]).forEach((pass, i) => {
    if (!isObject(pass) || !Array.isArray(pass.steps) || !Array.isArray(pass.heads) || !Array.isArray(pass.leafGrads)) {
      if (problems.length < 5) problems.push(`backward pass ${i} is malformed (it needs heads, steps and leafGrads)`);
      return;
    }
    const bad = (pass.steps as unknown[]).findIndex((step) => !isObject(step) || typeof step.node !== 'number' || !isObject(step.upstream) || !Array.isArray(step.contributions));
    if (bad >= 0 && problems.length < 5) problems.push(`step ${bad} of backward pass ${i} is malformed (it needs node, upstream and contributions)`);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, trace: value as unknown as Trace };
}
