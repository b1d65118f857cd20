// A training loop in the editor and tracing it again (extension/results.ts, extension/rerunKeeping.ts):
// the lenses over the loop's backward (the passes and the loss, to the Training view; the last pass
// to step through), the selections a command may be given, and the Training view's "Run again
// keeping pass #N" — the new run's options from the trace held, and what its trace says of the pass.
import { strict as assert } from 'node:assert';
import { lensResults } from '../../extension/results';
import { keepAgainOutcome, keepAgainPlan, keepAgainWarning, mergeRanges, passNumber, sameLoss } from '../../extension/rerunKeeping';
import { notificationLinks } from '../../extension/untrusted';
import { checkSelection } from '../../protocol/checkMessages';
import { hasSelection } from '../../protocol/query/refs';
import type { Trace } from '../../protocol/trace';
import { FILE, loopPassesTrace } from './trace-builder';

const LINE = 5;

/** `count` passes at line 5, the loss going from 2.3 down to 0.41; the ids in `summarised` only summarised. */
function loop(count: number, summarised: readonly number[] = []): Trace {
  const losses = Array.from({ length: count }, (_, i) => (i === count - 1 ? 0.41 : 2.3 - (i * (2.3 - 0.41)) / (count - 1)));
  const trace = loopPassesTrace(new Array<number>(count).fill(LINE), losses);
  trace.version = 2;
  trace.run.argv = ['80', '--fast'];
  trace.run.seed = 1234;
  trace.run.keep = { maxTraceMb: 1, requested: [[10, 12]], kept: count - summarised.length, summarised: summarised.length, budgetReachedAt: summarised[0] ?? null };
  for (const pass of trace.backwardPasses) {
    pass.kept = !summarised.includes(pass.id);
    if (pass.kept) continue;
    Object.assign(pass, { heads: [], headGrads: [], implicitHeadGrads: [], steps: [], leafGrads: [], omitted: { firstNode: 100 + pass.id, lastNode: 100 + pass.id, nodes: 1, steps: 1 } });
  }
  return trace;
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

suite('extension: a training loop\'s lenses', () => {
  test('80 passes with a loss: the Training view, and the last pass to step through', () => {
    const lenses = lensResults(loop(80, ids(3, 78)), FILE, LINE);
    assert.deepEqual(lenses.map((l) => [l.title, l.selection]), [
      ['80 passes · loss 2.3 → 0.41 · Training view', { kind: 'training' }],
      ['step through the last (1 step)', { kind: 'pass', id: 79 }],
    ]);
    assert.ok(lenses.every((l) => l.tooltip.length > 0));
  });

  test('when the last pass of the line was summarised, the last kept one; when none was kept, the Training view alone', () => {
    const lastSummarised = lensResults(loop(80, ids(3, 79)), FILE, LINE);
    assert.deepEqual(lastSummarised.map((l) => [l.title, l.selection]), [
      ['80 passes · loss 2.3 → 0.41 · Training view', { kind: 'training' }],
      ['step through pass #3, the last kept (1 step)', { kind: 'pass', id: 2 }],
    ]);
    const noneKept = lensResults(loop(5, ids(0, 4)), FILE, LINE);
    assert.deepEqual(noneKept.map((l) => l.selection), [{ kind: 'training' }]);
  });

  test('a thousand passes are counted as people read them', () => {
    assert.equal(lensResults(loop(1200, ids(3, 1198)), FILE, LINE)[0]!.title, '1,200 passes · loss 2.3 → 0.41 · Training view');
  });

  test('without summaries (a trace of GradLens 0.1) there is no Training view: one lens, as before', () => {
    const old = loop(3);
    for (const pass of old.backwardPasses) delete pass.summary;
    const lenses = lensResults(old, FILE, LINE);
    assert.deepEqual(lenses.map((l) => [l.title, l.selection]), [['3 passes, the last: x.grad = [2, 4] · step through 1 step', { kind: 'pass', id: 2 }]]);
  });

  test('one pass with a loss is not a training run: its gradients, no Training view', () => {
    const lenses = lensResults(loop(1), FILE, LINE);
    assert.deepEqual(lenses.map((l) => l.title), ['x.grad = [2, 4] · step through 1 step']);
  });
});

suite('extension: what a command may be asked to show', () => {
  test('a selection is a pass, a recording or the Training view, and nothing else', () => {
    for (const good of [{ kind: 'training' }, { kind: 'pass', id: 0 }, { kind: 'recording', id: 3 }]) assert.ok(checkSelection(good), JSON.stringify(good));
    for (const bad of [null, 'training', { kind: 'training', id: 2 }, { kind: 'pass' }, { kind: 'pass', id: -1 }, { kind: 'pass', id: 1.5 }, { kind: 'file', path: '/etc/passwd' }, [{ kind: 'training' }]]) {
      assert.ok(!checkSelection(bad), JSON.stringify(bad));
    }
  });

  test('and it names something of the trace: the Training view needs two passes with summaries', () => {
    const trace = loop(3);
    assert.ok(hasSelection(trace, { kind: 'training' }));
    assert.ok(hasSelection(trace, { kind: 'pass', id: 2 }));
    assert.ok(!hasSelection(trace, { kind: 'pass', id: 3 }));
    assert.ok(hasSelection(trace, { kind: 'recording', id: 0 }));
    assert.ok(!hasSelection(trace, { kind: 'recording', id: 1 }));
    assert.ok(!hasSelection(loop(1), { kind: 'training' }), 'one pass: no Training view');
    const old = loop(3);
    for (const pass of old.backwardPasses) delete pass.summary;
    assert.ok(!hasSelection(old, { kind: 'training' }), 'no summaries: no Training view');
  });
});

suite('extension: run again keeping a pass', () => {
  test('the new run: the same arguments and seed, the passes it asked for and this one', () => {
    const trace = loop(80, ids(3, 78));
    const plan = keepAgainPlan(trace, 57)!;
    assert.deepEqual([plan.pass.id, plan.args, plan.seed, plan.keep], [57, ['80', '--fast'], 1234, [[10, 12], [57, 57]]]);
    assert.deepEqual([plan.maxTraceMb, plan.maxElements], [1, 1024], 'the run\'s own limits: the same other passes are kept');
    assert.notEqual(plan.args, trace.run.argv, 'a copy: the trace held is not changed');
    assert.deepEqual(keepAgainPlan(trace, 13)!.keep, [[10, 13]], 'next to a range asked for: one range');
    delete trace.run.keep;
    assert.deepEqual(keepAgainPlan(trace, 40)!.keep, [[40, 40]], 'a run that asked for none');
    assert.equal(keepAgainPlan(trace, 40)!.maxTraceMb, undefined, 'no budget recorded: the setting\'s');
  });

  test('only a summarised pass of the trace held: a kept one, an unknown id or a hostile one plans nothing', () => {
    const trace = loop(80, ids(3, 78));
    for (const id of [0, 79, 80, -1, 1e20, Number.NaN, 3.5]) assert.equal(keepAgainPlan(trace, id), null, String(id));
  });

  test('ranges merge: sorted, overlapping and adjacent ones joined', () => {
    assert.deepEqual(mergeRanges([[5, 7], [1, 1], [6, 9], [11, 11], [10, 10]]), [[1, 1], [5, 11]]);
    assert.deepEqual(mergeRanges([[3, 3], [3, 3]]), [[3, 3]]);
    assert.deepEqual(mergeRanges([]), []);
  });

  test('kept with the same loss: the pass opens, nothing to warn about', () => {
    const before = loop(80, ids(3, 78));
    const after = loop(80, ids(3, 56).concat(ids(58, 78)));
    const outcome = keepAgainOutcome(before.backwardPasses[57]!, after);
    assert.deepEqual(outcome, { kind: 'kept', id: 57, selection: { kind: 'pass', id: 57 }, loss: { before: after.backwardPasses[57]!.summary!.head, after: after.backwardPasses[57]!.summary!.head } });
    assert.equal(keepAgainWarning(outcome, 'long-run.ts'), null);
  });

  test('kept with another loss: the pass opens, and the warning says the run was not the same', () => {
    const before = loop(80, ids(3, 78));
    const after = loop(80, ids(3, 56).concat(ids(58, 78)));
    after.backwardPasses[57]!.summary!.head = 0.5;
    const outcome = keepAgainOutcome(before.backwardPasses[57]!, after);
    assert.deepEqual(outcome.selection, { kind: 'pass', id: 57 });
    const warning = keepAgainWarning(outcome, 'long-run.ts')!;
    assert.match(warning, /long-run\.ts did not run the same way: the loss of pass #58 was 0\.9363, now 0\.5\. The program may use randomness not seeded through the engine/);
  });

  test('not there, or summarised again: the Training view, and a warning naming the pass', () => {
    const before = loop(80, ids(3, 78));
    const missing = keepAgainOutcome(before.backwardPasses[57]!, loop(40, ids(3, 38)));
    assert.deepEqual(missing, { kind: 'missing', id: 57, selection: { kind: 'training' }, passes: 40 });
    assert.equal(keepAgainWarning(missing, 'long-run.ts'),
      'GradLens: traced again, long-run.ts did not run backward pass #58 (it made 40 backward passes this time): the program did not run the same way (is it deterministic?). The Training view shows the new run.');
    const again = keepAgainOutcome(before.backwardPasses[57]!, loop(80, ids(3, 78)));
    assert.deepEqual(again, { kind: 'summarised', id: 57, selection: { kind: 'training' }, passes: 80 });
    assert.match(keepAgainWarning(again, 'long-run.ts')!, /^GradLens: traced again, long-run\.ts still summarised backward pass #58: the program did not run the same way/);
    const nothing = keepAgainOutcome(before.backwardPasses[57]!, loop(0));
    assert.deepEqual(nothing.selection, null, 'no Training view to open in a run without passes');
    assert.doesNotMatch(keepAgainWarning(nothing, 'long-run.ts')!, /Training view/);
  });

  test('the program\'s name is outside text: no link forms in the warning', () => {
    const before = loop(80, ids(3, 78));
    const warning = keepAgainWarning(keepAgainOutcome(before.backwardPasses[57]!, loop(2)), '[x](command:workbench.action.terminal.new).ts')!;
    assert.deepEqual(notificationLinks(warning), []);
  });

  test('losses compare to the last bits, NaN equal to NaN; passes are numbered from 1', () => {
    assert.ok(sameLoss(0.41, 0.41) && sameLoss(Number.NaN, Number.NaN) && sameLoss(Infinity, Infinity));
    assert.ok(!sameLoss(0.41, 0.4100001) && !sameLoss(Number.NaN, 1) && !sameLoss(Infinity, -Infinity));
    assert.deepEqual([passNumber(0), passNumber(57), passNumber(1999)], ['#1', '#58', '#2,000']);
  });
});
