// What changes at every step (webview/model/marks.ts): pending elements, the current node, the
// nodes receiving gradient, the edges carrying it with their contribution, and each node's note
// (the gradient known so far with its badges, or the value in the forward view).
import { strict as assert } from 'node:assert';
import { DEFAULT_THRESHOLDS } from '../../protocol/messages';
import type { Trace } from '../../protocol/trace';
import { NO_MARKS, stepMarks, type Frame, type StepMarks } from '../../webview/model/marks';
import { buildGraph, type GraphModel } from '../../webview/model/graph';
import { backwardFrame, forwardFrame } from '../../webview/model/stepper';
import { at, badgeTrace, buildTrace, chapterTrace, op, step, squaringLoopTrace, variable } from './trace-builder';

function marksOf(trace: Trace, model: GraphModel, frame: Frame | null, thresholds = DEFAULT_THRESHOLDS): StepMarks {
  return stepMarks({ trace, model, frame, thresholds });
}

/** The chapter's pass at backward step k. */
function chapterAt(k: number): { m: StepMarks; model: GraphModel } {
  const trace = chapterTrace();
  const model = buildGraph(trace, { kind: 'pass', id: 0 });
  return { m: marksOf(trace, model, { kind: 'backward', frame: backwardFrame(trace.backwardPasses[0]!, k) }), model };
}

const activeOf = (m: StepMarks, model: GraphModel) => model.edges.filter((e) => m.active.has(e.id));

suite('inspector marks: backward', () => {
  test('frame 0: the head shows its head gradient; the nodes not reached yet are pending; nothing is current', () => {
    const { m } = chapterAt(0);
    assert.equal(m.notes.get('n3'), '∇ 1');
    assert.ok(!m.pending.has('n3'));
    for (const id of ['n0', 'n1', 'n2']) assert.ok(m.pending.has(id), `${id} is pending`);
    assert.equal(m.current, null);
    assert.equal(m.receiving.size, 0);
    assert.equal(m.active.size, 0);
    assert.equal(m.notes.get('n0'), undefined, 'no gradient known for x');
  });

  test('step 1 (mul): mul is current, dot receives 2 along the active edge', () => {
    const { m, model } = chapterAt(1);
    assert.equal(m.current, 'n3');
    assert.deepEqual([...m.receiving], ['n1']);
    assert.ok(!m.pending.has('n1'));
    assert.equal(m.notes.get('n1'), '∇ 2');
    assert.deepEqual(activeOf(m, model).map((e) => [e.source, e.target, m.active.get(e.id)]), [['n1', 'n3', '2']]);
  });

  test('step 2 (dot): both edges x → dot are active, each with its own contribution; x shows the sum 4x', () => {
    const { m, model } = chapterAt(2);
    assert.equal(m.current, 'n1');
    assert.deepEqual([...m.receiving], ['n0']);
    assert.deepEqual(activeOf(m, model).map((e) => [e.source, e.target, e.index, m.active.get(e.id)]), [
      ['n0', 'n1', 0, '[0, 2, 4, 6]'],
      ['n0', 'n1', 1, '[0, 2, 4, 6]'],
    ]);
    assert.equal(m.notes.get('n0'), '∇ [0, 4, 8, 12]');
    assert.ok(!m.pending.has('n0'));
  });

  test('edges touching a pending node are pending; the edge of the constant stays so (it takes no part)', () => {
    const first = chapterAt(0);
    const pending = first.model.edges.filter((e) => first.m.pending.has(e.id)).map((e) => `${e.source}>${e.target}`);
    assert.deepEqual(pending, ['n0>n1', 'n0>n1', 'n1>n3', 'n2>n3']);
    const last = chapterAt(2);
    assert.deepEqual(last.model.edges.filter((e) => last.m.pending.has(e.id)).map((e) => `${e.source}>${e.target}`), ['n2>n3']);
    assert.ok(last.m.pending.has('n2'), 'the constant never receives gradient');
  });

  test('badges of the gradient so far end its note: zero, ∞, vanishing, exploding', () => {
    const trace = badgeTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const pass = trace.backwardPasses[0]!;
    const m = marksOf(trace, model, { kind: 'backward', frame: backwardFrame(pass, pass.steps.length) });
    assert.match(m.notes.get('n0')!, /∇ \[0, 0\] \(zero\)$/);
    assert.match(m.notes.get('n2')!, / ⚠∞$/);
    assert.match(m.notes.get('n5')!, /↓vanishing$/);
    assert.match(m.notes.get('n6')!, /↑exploding$/);
    assert.equal(m.notes.get('n7'), '∇ [1]', 'a plain gradient of 1 has no badge');
    // Mid-pass, the vanishing gradient of n5 is already known (step 1), n0's zero is not yet.
    const early = marksOf(trace, model, { kind: 'backward', frame: backwardFrame(pass, 1) });
    assert.match(early.notes.get('n5')!, /↓vanishing$/);
    assert.equal(early.notes.get('n0'), undefined);
    assert.ok(early.pending.has('n0'));
  });

  test('a NaN gradient gets the NaN badge; thresholds are the caller\'s', () => {
    const trace = buildTrace({
      nodes: [variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)), op(1, 'sum', [0], 3, at(2, 'const y = x.sum();', 13))],
      passes: [{ heads: [1], steps: [step(1, 1, [[0, 0, [NaN, 2]]])], leafGrads: [[0, [NaN, 2]]] }],
    });
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const frame: Frame = { kind: 'backward', frame: backwardFrame(trace.backwardPasses[0]!, 1) };
    assert.match(marksOf(trace, model, frame).notes.get('n0')!, /⚠NaN$/);
    const y = buildTrace({
      nodes: [variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)), op(1, 'sum', [0], 3, at(2, 'const y = x.sum();', 13))],
      passes: [{ heads: [1], steps: [step(1, 1, [[0, 0, [1, 2]]])], leafGrads: [[0, [1, 2]]] }],
    });
    const yModel = buildGraph(y, { kind: 'pass', id: 0 });
    const yFrame: Frame = { kind: 'backward', frame: backwardFrame(y.backwardPasses[0]!, 1) };
    // With an exploding threshold of 1, a gradient of norm √5 explodes.
    assert.match(marksOf(y, yModel, yFrame, { vanishing: 1e-7, exploding: 1 }).notes.get('n0')!, /↑exploding$/);
    assert.equal(marksOf(y, yModel, yFrame).notes.get('n0'), '∇ [1, 2]');
  });

  test('a folded group: current when a member\'s step runs; the self-edge carries what a step sends inside the group', () => {
    const trace = squaringLoopTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 }, { fold: true });
    assert.deepEqual(model.nodes.map((n) => n.id), ['n0', 'g0']);
    const m = marksOf(trace, model, { kind: 'backward', frame: backwardFrame(trace.backwardPasses[0]!, 2) });
    assert.equal(m.current, 'g0');
    assert.equal(m.receiving.size, 0, 'the group sends to itself: it is current, not receiving');
    const self = model.edges.find((e) => e.source === 'g0' && e.target === 'g0')!;
    assert.ok(m.active.has(self.id));
    const last = marksOf(trace, model, { kind: 'backward', frame: backwardFrame(trace.backwardPasses[0]!, 3) });
    const into = model.edges.find((e) => e.source === 'n0')!;
    assert.equal(last.active.get(into.id), '[512]');
    assert.deepEqual([...last.receiving], ['n0']);
  });
});

suite('inspector marks: forward and none', () => {
  test('forward: ops not yet computed are pending, the current op is marked, computed nodes show their value', () => {
    const trace = chapterTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const m = marksOf(trace, model, { kind: 'forward', frame: forwardFrame(trace, model.traceNodes, 1) });
    assert.equal(m.current, 'n1');
    assert.ok(m.pending.has('n3'));
    assert.ok(!m.pending.has('n0') && !m.pending.has('n2'), 'leaves are there from the start');
    assert.equal(m.notes.get('n1'), '= 14');
    assert.equal(m.notes.get('n0'), '= [0, 1, 2, 3]');
    assert.equal(m.notes.get('n3'), undefined, 'y is not computed yet');
    assert.equal(m.active.size, 0);
  });

  test('no frame: no marks', () => {
    const trace = chapterTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    assert.equal(marksOf(trace, model, null), NO_MARKS);
    assert.equal(NO_MARKS.pending.size + NO_MARKS.receiving.size + NO_MARKS.active.size + NO_MARKS.notes.size, 0);
    assert.equal(NO_MARKS.current, null);
  });
});
