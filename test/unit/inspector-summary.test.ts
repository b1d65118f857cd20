// A trace in lists and words (webview/model/summary.ts, outcome.ts): the passes and recordings
// with their sizes, long lists cut to their first and last items, the picker's entries, graph
// breaks grouped by kind and line, and how a run ended — "timed out after 30 s", "cancelled",
// "killed by SIGSEGV", "out of memory for arrays (budget 512 MB)".
import { strict as assert } from 'node:assert';
import type { RunInfo, RunOutcome } from '../../protocol/trace';
import { describeDuration, describeOutcome, describeRunEnd, endedWell } from '../../protocol/query/outcome';
import { groupBreaks, headAndTail, MAX_CHOICES, passNumber, pickerChoices, summarize, type Choice } from '../../webview/model/summary';
import { at, chapterTrace, graphBreak, loopPassesTrace } from './trace-builder';

suite('inspector summary', () => {
  test('passes and recordings with their sizes and lines', () => {
    const summary = summarize(chapterTrace());
    assert.equal(summary.nodes, 4);
    assert.deepEqual(summary.passes, [{ selection: { kind: 'pass', id: 0 }, title: '#1 · backward · line 4', size: '2 steps · 3 nodes' }]);
    assert.deepEqual(summary.recordings, [{ selection: { kind: 'recording', id: 0 }, title: 'record · line ?', size: '2 ops' }]);
  });

  test('a training loop\'s passes in the summary: numbered, with their loss', () => {
    const summary = summarize(loopPassesTrace([4, 4, 9], [2.5, 1.25, 0.5]));
    assert.deepEqual(summary.passes.map((p) => [p.title, p.size.split(' · ')[0]]), [
      ['#1 · backward · line 4', 'loss 2.5'], ['#2 · backward · line 4', 'loss 1.25'], ['#3 · backward · line 9', 'loss 0.5'],
    ]);
  });

  test('a failed pass and an unclosed recording say so', () => {
    const t = chapterTrace();
    t.backwardPasses[0]!.error = 'the graph was freed';
    t.recordings[0]!.closed = false;
    const summary = summarize(t);
    assert.equal(summary.passes[0]!.size, 'failed');
    assert.equal(summary.recordings[0]!.size, '2 ops · not closed (the program ended inside it)');
  });

  test('graph breaks of a loop group by kind and line, each with the index of its first', () => {
    const breaks = [
      graphBreak('detach', 1, 0, at(5, 'x'), 'a'), graphBreak('detach', 2, 0, at(5, 'x'), 'b'),
      graphBreak('coerce', 3, undefined, at(5, 'x'), 'c'), graphBreak('detach', 4, 0, at(6, 'x'), 'd'),
    ];
    assert.deepEqual(groupBreaks(breaks).map((g) => [g.first.message, g.index, g.count]), [['gradient stops here: a', 0, 2], ['gradient stops here: c', 2, 1], ['gradient stops here: d', 3, 1]]);
  });

  test('a long list: its first and last items, and how many are left out', () => {
    assert.deepEqual(headAndTail([1, 2, 3], 5), { head: [1, 2, 3], tail: [], omitted: 0 });
    const { head, tail, omitted } = headAndTail(Array.from({ length: 10_000 }, (_, i) => i), 200);
    assert.deepEqual([head.length, head[0], tail.length, tail[99], omitted], [100, 0, 100, 9_999, 9_800]);
  });

  test('the picker lists at most MAX_CHOICES, the first and the last, and always the current selection', () => {
    const t = chapterTrace();
    const pass = t.backwardPasses[0]!;
    t.backwardPasses = Array.from({ length: 5_000 }, (_, id) => ({ ...pass, id }));
    const choices = pickerChoices(t, { kind: 'pass', id: 2_500 }, true);
    assert.equal(choices[0]!.value, 'summary');
    assert.equal(choices[1]!.label, 'backward · line 4 · ×5,000', 'the line\'s heading first');
    assert.equal(choices.filter((c) => !c.disabled).length, MAX_CHOICES + 1, 'the summary entry, the first and last, and the current one');
    assert.ok(choices.length <= MAX_CHOICES + 5, `${choices.length} entries`);
    assert.equal(choices[2]!.value, 'pass:0');
    assert.equal(choices[choices.length - 1]!.value, 'recording:0');
    const at = choices.findIndex((c) => c.value === 'pass:2500');
    assert.equal(choices[at]!.label, '#2,501 · backward · line 4 · 2 steps');
    assert.deepEqual(choices.slice(at - 2, at).map((c) => [c.label, c.disabled]), [
      ['⋯ 4,601 more not listed (type a Pass #)', true], ['backward · line 4 · ×5,000', true]], 'after the note of what is left out, under its heading');
    assert.deepEqual(pickerChoices(chapterTrace(), null, false), [
      { value: 'pass:0', label: '#1 · backward · line 4 · 2 steps' }, { value: 'recording:0', label: 'record · line ? · 2 ops' }]);
  });

  test('picker: passes grouped by line in order of first appearance, each numbered among all passes with its loss', () => {
    const t = loopPassesTrace([90, 90, 95, 90, 95, 90, 120], [2.27444, 1.5, 7, null, 1e-7, 0.5, 3]);
    t.backwardPasses[5]!.error = 'the graph was freed';
    t.backwardPasses[6]!.kind = 'grad';
    const shown = (choices: Choice[]) => choices.map((c) => (c.disabled ? `[${c.label}]` : `${c.value} ${c.label}`));
    assert.deepEqual(shown(pickerChoices(t, null, false)), [
      'training Training view',
      '[backward · line 90 · ×4]',
      'pass:0 #1 · backward · line 90 · loss 2.274',
      'pass:1 #2 · backward · line 90 · loss 1.5',
      'pass:3 #4 · backward · line 90 · 1 step',
      'pass:5 #6 · backward · line 90 · loss 0.5 · failed',
      '[backward · line 95 · ×2]',
      'pass:2 #3 · backward · line 95 · loss 7',
      'pass:4 #5 · backward · line 95 · loss 1e-7',
      'pass:6 #7 · autograd.grad · line 120 · loss 3',
      'recording:0 record · line ? · 1 ops',
    ]);
    // Traces written before pass summaries: the steps, as before; a failed pass says so.
    const old = loopPassesTrace([90, 90]);
    for (const p of old.backwardPasses) delete p.summary;
    old.backwardPasses[1]!.error = 'the graph was freed';
    assert.deepEqual(shown(pickerChoices(old, null, false)).slice(0, 3), ['[backward · line 90 · ×2]', 'pass:0 #1 · backward · line 90 · 1 step', 'pass:1 #2 · backward · line 90 · failed']);
  });

  test('picker, capped: the current pass under its line\'s heading, and the last ones under theirs', () => {
    const lines = Array.from({ length: 1_000 }, (_, i) => (i % 2 === 0 ? 90 : 95));
    const t = loopPassesTrace(lines, lines.map((_, i) => 3 - i / 1_000));
    const [training, ...choices] = pickerChoices(t, { kind: 'pass', id: 598 }, false);
    assert.deepEqual(training, { value: 'training', label: 'Training view' }, 'passes with summaries: the Training view first');
    const selectable = choices.filter((c) => !c.disabled);
    assert.equal(selectable.length, MAX_CHOICES, 'the first and last (a heading among them), and the current one');
    assert.equal(new Set(selectable.map((c) => c.value)).size, selectable.length, 'each entry once');
    assert.equal(choices[0]!.label, 'backward · line 90 · ×500');
    assert.equal(choices[1]!.label, '#1 · backward · line 90 · loss 3');
    const at = choices.findIndex((c) => c.value === 'pass:598');
    assert.deepEqual(choices.slice(at - 2, at + 3).map((c) => c.label), [
      '⋯ 601 more not listed (type a Pass #)', 'backward · line 90 · ×500', '#599 · backward · line 90 · loss 2.402',
      'backward · line 95 · ×500', '#604 · backward · line 95 · loss 2.397',
    ], 'the current pass under its heading, then the last ones under theirs');
    assert.equal(choices[choices.length - 2]!.label, '#1,000 · backward · line 95 · loss 2.001');
    // The current one among those listed anyway: nothing is added.
    const first = pickerChoices(t, { kind: 'pass', id: 2 }, false).slice(1);
    assert.equal(first.filter((c) => !c.disabled).length, MAX_CHOICES - 1);
    assert.deepEqual(first.filter((c) => c.disabled).map((c) => c.label), ['backward · line 90 · ×500', '⋯ 602 more not listed (type a Pass #)', 'backward · line 95 · ×500']);
    // A recording as the current selection.
    assert.ok(pickerChoices(t, { kind: 'recording', id: 0 }, false).some((c) => c.value === 'recording:0'));
  });

  test('the Pass # field: a number from 1 to the number of passes, else what is wrong', () => {
    assert.deepEqual(passNumber('17', 160), { number: 17 });
    assert.deepEqual(passNumber(' #3 ', 160), { number: 3 });
    assert.deepEqual(passNumber('0', 160), { problem: 'no pass #0: passes are #1 to #160' });
    assert.deepEqual(passNumber('161', 160), { problem: 'no pass #161: passes are #1 to #160' });
    assert.deepEqual(passNumber('2.5', 160), { problem: 'not a pass number: passes are #1 to #160' });
    assert.deepEqual(passNumber('epoch 3', 1), { problem: 'not a pass number: there is one pass, #1' });
    assert.deepEqual(passNumber('', 2_000), { problem: 'not a pass number: passes are #1 to #2,000' });
    assert.deepEqual(passNumber('1', 0), { problem: 'this trace has no backward passes' });
  });
});

suite('inspector outcome', () => {
  const run = (extra: Partial<RunInfo>): RunInfo => ({ ...chapterTrace().run, ...extra });

  test('every way a run ends, in words', () => {
    const cases: [RunOutcome, string][] = [
      [{ kind: 'exited', code: 0 }, 'exited normally'],
      [{ kind: 'exited', code: 3 }, 'exited with code 3'],
      [{ kind: 'timed-out', afterMs: 30_000 }, 'timed out after 30 s'],
      [{ kind: 'timed-out', afterMs: 1_500 }, 'timed out after 1.5 s'],
      [{ kind: 'cancelled', by: 'user' }, 'cancelled'],
      [{ kind: 'cancelled', by: 'SIGINT' }, 'cancelled (SIGINT, Ctrl+C)'],
      [{ kind: 'killed', signal: 'SIGSEGV' }, 'killed by SIGSEGV'],
      [{ kind: 'out-of-memory', what: 'arrays', limitMb: 512 }, 'out of memory for arrays (budget 512 MB)'],
      [{ kind: 'out-of-memory', what: 'heap', limitMb: 4096 }, 'out of memory (JavaScript heap, 4096 MB)'],
      [{ kind: 'did-not-start', reason: 'build' }, 'did not start: it could not be built (a syntax or import error)'],
      [{ kind: 'did-not-start', reason: 'not-found' }, 'did not start: the file was not found'],
    ];
    for (const [outcome, words] of cases) assert.equal(describeOutcome(outcome), words);
    assert.equal(describeOutcome({ kind: 'killed', signal: 'SIG\u202EVSEGS' }), 'killed by SIG\\u202EVSEGS', 'a signal name from the trace is escaped');
  });

  test('traces written before outcomes: from the exit code, the signal and the timeout', () => {
    assert.equal(describeRunEnd(run({})), 'exited normally');
    assert.equal(describeRunEnd(run({ exitCode: 1 })), 'exited with code 1');
    assert.equal(describeRunEnd(run({ exitCode: null, signal: 'SIGKILL', timedOut: true })), 'timed out');
    assert.equal(describeRunEnd(run({ exitCode: null, signal: 'SIGKILL' })), 'killed by SIGKILL');
    assert.equal(describeRunEnd(run({ outcome: { kind: 'cancelled', by: 'SIGTERM' } })), 'cancelled (SIGTERM)');
  });

  test('ended well: exit code 0 and no uncaught error', () => {
    assert.equal(endedWell(run({})), true);
    assert.equal(endedWell(run({ outcome: { kind: 'exited', code: 0 } })), true);
    assert.equal(endedWell(run({ outcome: { kind: 'timed-out', afterMs: 1 } })), false);
    assert.equal(endedWell(run({ error: { message: 'x', stack: '', source: null, origin: 'program' } })), false);
    assert.equal(endedWell(run({ exitCode: 2 })), false);
  });

  test('durations', () => {
    assert.deepEqual([850, 2_300, 31_000, 250_000].map(describeDuration), ['850 ms', '2.3 s', '31 s', '4 min 10 s']);
  });
});
