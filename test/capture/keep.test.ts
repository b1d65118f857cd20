// Kept and summarised passes (docs/trace-format.md, capture/keepPolicy.ts): a long run under a
// small budget keeps the first passes, the asked-for ones, an anomaly's pass and the one before,
// and the last; every other pass is its summary, with none of its nodes in the trace.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import type { Trace } from '../../protocol/trace';
import { validateTrace } from '../../protocol/validate';
import { writeTraceFile } from '../../capture/traceFile';
import { fixture, trace } from '../trace-helpers';

const keptIds = (t: Trace) => t.backwardPasses.filter((p) => p.kept).map((p) => p.id);

suite('kept and summarised passes', () => {
  let t: Trace;

  suiteSetup(async function () {
    this.timeout(60_000);
    // 60 passes of ~70 KB each against a 1 MB budget; the loss turns NaN at pass 40.
    const result = await trace(fixture('long-run.ts'), { args: ['60', '40'], maxTraceMb: 1, keep: [[20, 21]] });
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
  });

  test('every pass has its summary; kept: the first three, --keep 20-21, the anomaly and the one before, the last', () => {
    assert.equal(t.version, 3);
    assert.equal(t.backwardPasses.length, 60);
    assert.ok(t.backwardPasses.every((p) => p.summary !== undefined && typeof p.kept === 'boolean'));
    const kept = keptIds(t);
    for (const id of [0, 1, 2, 20, 21, 39, 40, 59]) assert.ok(kept.includes(id), `pass ${id} is kept (kept: ${kept.join(' ')})`);
    assert.ok(kept.length < 30, `the budget summarised most passes (kept: ${kept.join(' ')})`);
    assert.deepEqual(t.run.keep && [t.run.keep.maxTraceMb, t.run.keep.requested, t.run.keep.kept, t.run.keep.summarised], [1, [[20, 21]], kept.length, 60 - kept.length]);
    assert.ok(t.run.keep!.budgetReachedAt !== null);
  });

  test('a summarised pass is its summary: no steps, no tensors, none of its nodes in the trace', () => {
    const ids = new Set(t.nodes.map((n) => n.id));
    const summarised = t.backwardPasses.filter((p) => !p.kept);
    assert.ok(summarised.length > 0);
    for (const pass of summarised) {
      assert.deepEqual([pass.heads, pass.steps, pass.leafGrads, pass.headGrads], [[], [], [], []]);
      const { firstNode, lastNode, nodes, steps } = pass.omitted!;
      assert.ok(nodes > 0 && steps > 0 && lastNode - firstNode + 1 === nodes, JSON.stringify(pass.omitted));
      for (let id = firstNode; id <= lastNode; id++) assert.ok(!ids.has(id), `node ${id} of summarised pass ${pass.id} is left out`);
      assert.equal(pass.summary!.variables.length, 4, 'its summary still has every parameter');
      assert.ok(pass.summary!.variables.every((v) => v.node >= firstNode && v.node <= lastNode));
    }
    // Kept passes are whole: each step's node and every node's inputs are in the trace.
    for (const pass of t.backwardPasses.filter((p) => p.kept)) {
      assert.ok(pass.steps.length > 0 && pass.steps.every((s) => ids.has(s.node)));
    }
    for (const node of t.nodes) assert.ok(node.inputs.every((input) => ids.has(input)), `node ${node.id}'s inputs are in the trace`);
  });

  test('the loss curve is whole: every pass\'s loss, NaN from pass 40 on', () => {
    const heads = t.backwardPasses.map((p) => p.summary!.head);
    assert.ok(heads.slice(0, 40).every((h) => typeof h === 'number'));
    assert.equal(heads[40], 'NaN');
  });

  test('the file stays near the budget, and validates; a version-1 reader\'s trace still opens', function () {
    this.timeout(30_000);
    const file = `${process.env.TMPDIR ?? '/tmp'}/gradlens-keep-test-${process.pid}.gradlens.json`;
    const bytes = writeTraceFile(t, file);
    // The 8 passes kept whatever they cost (first three, 20-21, 39-40, the last) are ~0.4 MB each; the other 52 add little.
    assert.ok(bytes < 4 * 2 ** 20, `${bytes} bytes`);
    const summarisedBytes = JSON.stringify(t.backwardPasses.filter((p) => !p.kept)).length;
    assert.ok(summarisedBytes < bytes / 10, `the summarised passes take ${summarisedBytes} of ${bytes} bytes`);
    const v1 = JSON.parse(JSON.stringify(t)) as Record<string, unknown> & Trace;
    v1.version = 1;
    for (const pass of v1.backwardPasses) if (pass.kept) delete pass.kept;
    v1.backwardPasses = v1.backwardPasses.filter((p) => p.kept !== false);
    delete (v1.run as { keep?: unknown }).keep;
    const ok = validateTrace(v1);
    assert.ok(ok.ok, ok.ok ? '' : ok.problems.join('\n'));
    writeFileSync(file, '');
  });
});

suite('evenly spaced kept passes', () => {
  let t: Trace;

  suiteSetup(async function () {
    this.timeout(60_000);
    // 60 passes of ~0.4 MB against an 8 MB budget: the spaced passes' 4 MB holds ~10, so the spacing doubles to 4 or 8.
    const result = await trace(fixture('long-run.ts'), { args: ['60'], maxTraceMb: 8 });
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
  });

  test('besides the first three and the last: every spacing-th pass from the start, none between', () => {
    const spacing = t.run.keep!.spacing!;
    assert.ok(spacing >= 2, `the spacing doubled: ${JSON.stringify(t.run.keep)}`);
    const spaced = keptIds(t).filter((id) => id >= 3 && id < 59);
    const every = Array.from({ length: 59 }, (_, id) => id).filter((id) => id >= 3 && id % spacing === 0);
    assert.deepEqual(spaced, every, `kept: ${keptIds(t).join(' ')}`);
    assert.equal(t.run.keep!.kept, keptIds(t).length);
  });

  test('a demoted pass is a summarised pass: its nodes left out, nothing names them, the trace validates', () => {
    const ids = new Set(t.nodes.map((n) => n.id));
    const summarised = t.backwardPasses.filter((p) => !p.kept);
    assert.ok(summarised.some((p) => p.id < 20 && p.id >= 3), 'early passes, kept at spacing 1, were demoted');
    for (const pass of summarised) {
      assert.deepEqual([pass.steps, pass.leafGrads], [[], []]);
      for (let id = pass.omitted!.firstNode; id <= pass.omitted!.lastNode; id++) assert.ok(!ids.has(id), `node ${id} of pass ${pass.id} left out`);
    }
    for (const node of t.nodes) {
      assert.ok(node.inputs.every((input) => ids.has(input)), `node ${node.id}'s inputs are in the trace`);
      assert.ok(node.previous === undefined || ids.has(node.previous));
    }
    for (const recording of t.recordings) assert.ok(recording.nodes.every((id) => ids.has(id)) && recording.outputs.every((id) => ids.has(id)), `recording ${recording.id}`);
    const ok = validateTrace(t);
    assert.ok(ok.ok, ok.ok ? '' : ok.problems.slice(0, 5).join('\n'));
  });
});
