// Over a training run, the Problems panel and the lens read the passes' summaries
// (extension/results.ts, protocol/query/training.ts): a gradient that vanished for good, at the
// line that made the variable; the pass whose loss became NaN, with the op that made the first NaN;
// the loss first → last above the backward that ran in the loop.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lensResults, problemsOf } from '../../extension/results';
import { seriesOf, vanishedFrom } from '../../protocol/query/training';
import type { Trace } from '../../protocol/trace';
import { repoRoot, trace } from '../trace-helpers';

suite('a training run in the editor', () => {
  let t: Trace;
  // The same program the VS Code test runs in its workspace (test/extension/extension.test.ts).
  const file = join(repoRoot, 'test', 'fixtures', 'workspace', 'training.ts');

  suiteSetup(async function () {
    this.timeout(30_000);
    const result = await trace(file);
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
  });

  test('a gradient that vanished for good: from which pass, at the line that made the variable', () => {
    const problems = problemsOf(t).filter((p) => p.code === 'vanishing');
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.severity, p.message]), [
      [file, 5, 'warning', "w's gradient vanished from pass 4 on (‖∇‖ < 1e-7): in pass 4, dot (line 12) multiplies it by x, whose values are all 0 (×0)"],
    ], 'b keeps its gradient 2(w·x + b): only w');
    const stricter = problemsOf(t, { vanishing: 1e-30, exploding: 1e3 }).filter((p) => p.code === 'vanishing');
    assert.equal(stricter.length, 1, 'exact zeros are below any threshold');
  });

  test('the pass whose loss became NaN, with the op that made the first NaN', () => {
    const problems = problemsOf(t).filter((p) => p.code === 'loss');
    assert.deepEqual(problems.map((p) => [p.line, p.message]), [[13, 'loss became NaN at pass 5: first NaN from log at line 12']]);
  });

  test('vanishedFrom: null for a gradient that came back; `always` for one that was never there', () => {
    const madeAt = (line: number) => seriesOf(t).find((s) => t.nodes.find((n) => n.id === s.points[0]!.variable.node)?.source?.line === line);
    const [w, b] = [madeAt(5), madeAt(7)];
    assert.equal(vanishedFrom(w!, 1e-7)?.point.index, 3);
    assert.equal(vanishedFrom(b!, 1e-7), null);
    assert.equal(vanishedFrom(b!, 1e9)?.always, true);
    assert.equal(vanishedFrom(w!, 1e9)?.always, true);
  });

  test('the lenses over the loop\'s backward: how many passes and the loss first → last (the Training view), the last pass', () => {
    const [training, last, more] = lensResults(t, file, 13);
    assert.match(training!.title, /^6 passes · loss [\d.]+ → NaN · Training view$/);
    assert.deepEqual(training!.selection, { kind: 'training' });
    assert.match(last!.title, /^step through the last \(\d+ steps\)$/);
    assert.deepEqual(last!.selection, { kind: 'pass', id: t.backwardPasses.at(-1)!.id });
    assert.equal(more, undefined);
  });
});

suite('a long run\'s recordings, most left out with their summarised passes', () => {
  const file = join(repoRoot, 'test', 'fixtures', 'capture', 'long-run.ts');
  let t: Trace;

  suiteSetup(async function () {
    this.timeout(60_000);
    const result = await trace(file, { args: ['40'], maxTraceMb: 1 });
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
  });

  test('each summarised pass counts the recordings it left out, by where they began; with those in the trace, one per step', () => {
    const summarised = t.backwardPasses.filter((p) => p.kept === false);
    assert.ok(summarised.length > 20);
    for (const pass of summarised) assert.deepEqual(pass.omitted!.recordings!.map((r) => [r.source?.line, r.count]), [[15, 1]], `pass ${pass.id}`);
    const left = summarised.reduce((n, p) => n + p.omitted!.recordings!.reduce((m, r) => m + r.count, 0), 0);
    assert.equal(t.recordings.length + left, 40);
  });

  test('the lens over the loop\'s autograd.record counts every run, and shows the last one kept', () => {
    const [lens] = lensResults(t, file, 15);
    assert.match(lens!.title, /^40 recordings, the last kept: recorded \d+ ops → /);
    assert.deepEqual(lens!.selection, { kind: 'recording', id: t.recordings.at(-1)!.id });
  });
});
