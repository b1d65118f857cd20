// The golden trace: examples/seed/autograd.ts traced with seed 1, normalised (normaliseTrace), is
// test/fixtures/traces/seed.gradlens.json field for field — any change to what a trace holds shows
// up here as a diff to read. A change meant is written back with GRADLENS_UPDATE_GOLDEN=1.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { TRACE_FORMAT, TRACE_VERSION, type Trace } from '../../protocol/trace';
import { assertValidTrace, goldenText, normaliseTrace, REPO, repoRoot, SEED_EXAMPLE, SEED_FIXTURE, seedFixture, trace } from '../trace-helpers';

const UPDATE = process.env.GRADLENS_UPDATE_GOLDEN === '1';
const fixtureName = relative(repoRoot, SEED_FIXTURE);

/** Where two JSON values differ, as `path: expected → actual`, the first `limit` of them. */
function differences(expected: unknown, actual: unknown, path = '', limit = 12, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  const bothObjects = typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null && Array.isArray(expected) === Array.isArray(actual);
  if (!bothObjects) {
    if (!Object.is(expected, actual)) out.push(`${path || '(the trace)'}: ${JSON.stringify(expected)?.slice(0, 120)} → ${JSON.stringify(actual)?.slice(0, 120)}`);
    return out;
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    const at = Array.isArray(expected) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    differences((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], at, limit, out);
  }
  return out;
}

suite('the golden trace', () => {
  test(`${relative(repoRoot, SEED_EXAMPLE)} traced with seed 1 is ${fixtureName}, normalised`, async function () {
    this.timeout(60_000);
    const run = await trace(SEED_EXAMPLE);
    assert.equal(run.exitCode, 0, run.stderr);
    const normal = normaliseTrace(run.trace);
    if (UPDATE) {
      writeFileSync(SEED_FIXTURE, `${goldenText(normal)}\n`);
      console.log(`      (${fixtureName} written: read its diff before you commit it)`);
      return;
    }
    const golden = JSON.parse(readFileSync(SEED_FIXTURE, 'utf8')) as Trace;
    const found = differences(golden, normal);
    assert.deepEqual(found, [], [
      `the trace of ${relative(repoRoot, SEED_EXAMPLE)} is not ${fixtureName} (expected → now):`, ...found.map((d) => `  ${d}`),
      'If the change is meant, write the fixture again and read its diff:',
      '  GRADLENS_UPDATE_GOLDEN=1 node scripts/test.mjs capture',
    ].join('\n'));
  });

  test('the fixture is a valid trace of this format and version, with no path of this machine in it', () => {
    const text = readFileSync(SEED_FIXTURE, 'utf8');
    const golden = JSON.parse(text) as Trace;
    assertValidTrace(golden);
    assert.deepEqual([golden.format, golden.version], [TRACE_FORMAT, TRACE_VERSION], `${fixtureName} is of another version: write it again (GRADLENS_UPDATE_GOLDEN=1)`);
    assert.equal(golden.run.file, `${REPO}/examples/seed/autograd.ts`);
    assert.ok(!text.includes(repoRoot), 'no absolute path');
    assert.equal(text, `${goldenText(golden)}\n`, 'the fixture is as goldenText writes it');
  });

  test('loaded back, its sources are the example\'s file again', () => {
    const loaded = seedFixture();
    assert.equal(loaded.run.file, SEED_EXAMPLE);
    assert.ok(loaded.nodes.every((node) => node.source === null || node.source.file === SEED_EXAMPLE));
  });
});
