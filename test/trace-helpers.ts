/**
 * Running fixtures through the capture, with every trace validated against the JSON Schema; the
 * golden trace of the seed example (test/fixtures/traces/seed.gradlens.json), written and read.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import schema from '../protocol/trace.schema.json';
import { readTraceFile } from '../capture/readTraceFile';
import { readTraceText } from '../protocol/readTrace';
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

/**
 * A trace file as readers give it (readTraceFile: a version-3 file's parts put together), its text
 * first checked against the JSON Schema.
 */
export function readWritten(path: string): Trace {
  assertValidTrace(JSON.parse(readFileSync(path, 'utf8')));
  const read = readTraceFile(path);
  assert.ok(read.ok, read.ok ? '' : read.problems.join('; '));
  return read.trace;
}

/**
 * The trace a standalone page embeds: its head (`gradlens-trace`) and parts (`gradlens-part-<i>`)
 * as one version-3 document (checked against the schema), and that document read.
 */
export function pageTrace(html: string): { document: Record<string, unknown>; trace: Trace } {
  const head = /<script id="gradlens-trace" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(head, 'the trace is embedded');
  const segments: unknown[] = [];
  for (const match of html.matchAll(/<script id="gradlens-part-(\d+)" type="application\/json">([\s\S]*?)<\/script>/g)) {
    const index = Number(match[1]);
    assert.equal(segments[index], undefined, `part ${index} comes once`);
    segments[index] = JSON.parse(match[2]!);
  }
  assert.ok(Array.from(segments, (segment) => segment !== undefined).every(Boolean), 'every part is there');
  const document: Record<string, unknown> = { ...(JSON.parse(head[1]!) as Record<string, unknown>), segments, index: segments.map(() => [0, 0]) };
  assertValidTrace(document);
  const read = readTraceText(JSON.stringify(document));
  assert.ok(read.ok, read.ok ? '' : read.problems.join('; '));
  return { document, trace: read.trace };
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

/** The seed example, and its trace with seed 1 as the golden fixture (test/capture/golden.test.ts keeps it current). */
export const SEED_EXAMPLE = resolve(repoRoot, 'examples', 'seed', 'autograd.ts');
export const SEED_FIXTURE = resolve(repoRoot, 'test', 'fixtures', 'traces', 'seed.gradlens.json');

/** What stands for the repository's folder in a normalised trace. */
export const REPO = '$REPO';
/** The start and duration of every normalised run (the same as simple.gradlens.json's). */
const STARTED_AT = '2026-12-06T00:00:00.000Z';
const DURATION_MS = 100;

/** `trace` through JSON with what changes from run to run fixed: the repository's folder in any text is `$REPO`, the start time and the duration constants. */
export function normaliseTrace(trace: Trace, root = repoRoot): Trace {
  const normal = JSON.parse(JSON.stringify(trace), (_key, value: unknown) => (typeof value === 'string' ? value.split(root).join(REPO) : value)) as Trace;
  normal.run.startedAt = STARTED_AT;
  normal.run.durationMs = DURATION_MS;
  return normal;
}

/** A normalised trace with `$REPO` back to the repository's folder: its sources are files again. */
export function loadableTrace(normal: Trace, root = repoRoot): Trace {
  return JSON.parse(JSON.stringify(normal), (_key, value: unknown) => (typeof value === 'string' ? value.split(REPO).join(root) : value)) as Trace;
}

/** The golden trace of the seed example as a run here would make it (a fresh copy per call). */
export function seedFixture(): Trace {
  return loadableTrace(JSON.parse(readFileSync(SEED_FIXTURE, 'utf8')) as Trace);
}

/** The fixture's text: JSON, one field a line, a list of numbers or words on one line (diffs stay readable). */
export function goldenText(value: unknown, indent = ''): string {
  const inner = `${indent} `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    return `[\n${value.map((item) => inner + goldenText(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${goldenText(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
