/** Running fixtures through the capture, with every trace validated against the JSON Schema. */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import schema from '../protocol/trace.schema.json';
import { runProgram, type RunOptions, type RunResult } from '../capture/runner';
import type { Trace, TraceNode } from '../protocol/trace';

/** The repository root and the build output, seen from dist/test/<suite>/x.test.js. */
export const repoRoot = resolve(__dirname, '..', '..', '..');
export const distDir = resolve(repoRoot, 'dist');
export const fixture = (name: string) => resolve(repoRoot, 'test', 'fixtures', 'capture', name);

const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

export function assertValidTrace(trace: unknown): asserts trace is Trace {
  const ok = validate(trace);
  assert.ok(ok, `the trace does not match protocol/trace.schema.json:\n${JSON.stringify(validate.errors, null, 2)}`);
}

/** Runs a program with capture (quietly) and checks its trace against the schema. */
export async function trace(file: string, options: Partial<RunOptions> = {}): Promise<RunResult & { trace: Trace }> {
  const result = await runProgram({ file, capture: true, distDir, seed: 1, ...options });
  assert.ok(result.trace, 'a traced run always has a trace');
  assertValidTrace(JSON.parse(JSON.stringify(result.trace)));
  return result as RunResult & { trace: Trace };
}

/** Nodes by id, and the line of a node. */
export function indexNodes(trace: Trace): Map<number, TraceNode> {
  return new Map(trace.nodes.map((node) => [node.id, node]));
}
