// Stepping through a backward pass and a forward computation (webview/model/stepper.ts): the
// head gradients at frame 0, processed/pending/current at each step, gradient terms and their
// totals (diamond, dot(x, x)), the final frame equal to leafGrads, clamping, truncated tensors,
// failed passes, and forward frames — on hand-built traces and the seed trace.
import { strict as assert } from 'node:assert';
import { backwardFrame, forwardFrame, passGradients, passNodes, type BackwardFrame } from '../../webview/model/stepper';
import { selectNodes } from '../../webview/model/graph';
import type { Trace } from '../../protocol/trace';
import { at, beforeSeed, buildTrace, chapterTrace, dataOf, diamondTrace, op, type SeedIndex, step, tensor, truncated, variable } from './trace-builder';

const sorted = (set: ReadonlySet<number>) => [...set].sort((a, b) => a - b);

/** What a frame knows, compactly: node → [terms as [from, step, index, data], total data, final]. */
function knownOf(frame: BackwardFrame) {
  return Object.fromEntries([...frame.known].sort((a, b) => a[0] - b[0]).map(([id, k]) => [
    id, [k.terms.map((t) => [t.from, t.step, t.index, dataOf(t.grad)]), k.total ? dataOf(k.total) : null, k.final],
  ]));
}

/** h = exp(x); y = dot(h, h): dot sends 2h to h twice in one step, h's total is their sum 4h. */
function dotOfOpTrace(): Trace {
  const line = 'const y = np.dot(h, h);';
  return buildTrace({
    nodes: [
      variable(0, 'array', [0, 1], at(1, 'const x = np.array([0, 1]);', 11)),
      op(1, 'exp', [0], [1, 2], at(2, 'const h = np.exp(x);', 11)),
      op(2, 'dot', [1, 1], 5, at(3, line, 11)),
    ],
    passes: [{
      heads: [2],
      steps: [step(2, 1, [[1, 0, [2, 4]], [1, 1, [2, 4]]]), step(1, [4, 8], [[0, 0, [4, 16]]])],
      leafGrads: [[0, [4, 16]]],
    }],
  });
}

suite('inspector stepper: backward frames', () => {
  test('frame 0: only the head gradients are known (one term each, from no step), nothing processed', () => {
    const pass = chapterTrace().backwardPasses[0]!;
    const frame = backwardFrame(pass, 0);
    assert.equal(frame.index, 0);
    assert.equal(frame.total, 2);
    assert.equal(frame.step, null);
    assert.deepEqual(sorted(frame.processed), []);
    assert.deepEqual(knownOf(frame), { 3: [[[null, 0, 0, [1]]], [1], false] });
    assert.deepEqual(sorted(frame.pending), [0, 1], 'dot and x are waiting; the constant 2 takes no part');
  });

  test('frame 1 (mul): mul processed and current, dot receives 2, x pending', () => {
    const pass = chapterTrace().backwardPasses[0]!;
    const frame = backwardFrame(pass, 1);
    assert.equal(frame.step, pass.steps[0]);
    assert.deepEqual(sorted(frame.processed), [3]);
    assert.deepEqual(knownOf(frame), {
      1: [[[3, 1, 0, [2]]], [2], false],
      3: [[[null, 0, 0, [1]]], [1], true],
    });
    assert.deepEqual(sorted(frame.pending), [0]);
  });

  test('frame 2 (dot, the last): x gets dot(x, x)\'s two terms, at index 0 and 1, and its leaf gradient', () => {
    const pass = chapterTrace().backwardPasses[0]!;
    const frame = backwardFrame(pass, 2);
    assert.equal(frame.step, pass.steps[1]);
    assert.deepEqual(sorted(frame.processed), [1, 3]);
    assert.deepEqual(knownOf(frame)[0], [[[1, 2, 0, [0, 2, 4, 6]], [1, 2, 1, [0, 2, 4, 6]]], [0, 4, 8, 12], true]);
    assert.deepEqual(sorted(frame.pending), []);
  });

  test('dot(h, h) on an op: both terms arrive in one step and the total is their sum (4h)', () => {
    const pass = dotOfOpTrace().backwardPasses[0]!;
    const frame = backwardFrame(pass, 1);
    assert.deepEqual(knownOf(frame)[1], [[[2, 1, 0, [2, 4]], [2, 1, 1, [2, 4]]], [4, 8], false]);
    assert.equal(frame.known.get(1)!.total!.dtype, 'float32');
    assert.deepEqual(frame.known.get(1)!.total!.stats, tensor([4, 8]).stats, 'the sum has its own stats');
  });

  test('a diamond: s receives one term, then two (summed), then its step uses the traced upstream', () => {
    const pass = diamondTrace().backwardPasses[0]!;
    assert.deepEqual(knownOf(backwardFrame(pass, 2))[1], [[[3, 2, 0, [2, 2]]], [2, 2], false]);
    assert.deepEqual(knownOf(backwardFrame(pass, 3))[1], [[[3, 2, 0, [2, 2]], [5, 3, 0, [3, 3]]], [5, 5], false]);
    const last = backwardFrame(pass, 4);
    assert.equal(last.known.get(1)!.total, pass.steps[3]!.upstream, 'processed: the traced upstream itself');
    assert.equal(last.known.get(1)!.final, true);
    assert.deepEqual(sorted(backwardFrame(pass, 3).pending), [0], 'x has received nothing yet');
  });

  test('at each step: processed are the first k step nodes; the current step is the k-th', () => {
    const pass = diamondTrace().backwardPasses[0]!;
    for (let k = 0; k <= pass.steps.length; k++) {
      const frame = backwardFrame(pass, k);
      assert.equal(frame.index, k);
      assert.deepEqual(sorted(frame.processed), pass.steps.slice(0, k).map((s) => s.node).sort((a, b) => a - b), `frame ${k}`);
      assert.equal(frame.step, k === 0 ? null : pass.steps[k - 1], `frame ${k}`);
      for (const id of frame.pending) assert.ok(!frame.known.has(id) && !frame.processed.has(id), `frame ${k}: ${id} pending and known`);
    }
  });

  test('the final frame gives every variable exactly its leafGrads entry', () => {
    for (const pass of [chapterTrace(), diamondTrace(), dotOfOpTrace()].map((t) => t.backwardPasses[0]!)) {
      const frame = backwardFrame(pass, pass.steps.length);
      for (const leaf of pass.leafGrads) {
        assert.equal(frame.known.get(leaf.node)!.total, leaf.grad);
        assert.equal(frame.known.get(leaf.node)!.final, true);
      }
      assert.ok([...frame.known.values()].every((k) => k.final), 'at the end nothing more will arrive');
    }
  });

  test('passGradients: every node\'s gradient once the pass has run (the leaves\' leafGrads, the ops\' upstream)', () => {
    for (const pass of [chapterTrace(), diamondTrace(), dotOfOpTrace()].map((t) => t.backwardPasses[0]!)) {
      const gradients = passGradients(pass);
      for (const leaf of pass.leafGrads) assert.equal(gradients.get(leaf.node), leaf.grad);
      for (const s of pass.steps) assert.equal(gradients.get(s.node), s.upstream);
      assert.equal(gradients.size, new Set([...pass.leafGrads.map((l) => l.node), ...pass.steps.map((s) => s.node)]).size);
    }
  });

  test('gradReq add: the final total is what this pass computed (grad), not the accumulated .grad (after)', () => {
    const t = buildTrace({
      nodes: [
        variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11), { gradReq: 'add' }),
        op(1, 'sum', [0], 3, at(2, 'const y = x.sum();', 13)),
      ],
      passes: [{ heads: [1], steps: [step(1, 1, [[0, 0, [1, 1]]])], leafGrads: [[0, [1, 1], [2, 2], 'add']] }],
    });
    const pass = t.backwardPasses[0]!;
    assert.deepEqual(dataOf(backwardFrame(pass, 1).known.get(0)!.total), [1, 1]);
  });

  test('the index is clamped to 0…steps and floored', () => {
    const pass = chapterTrace().backwardPasses[0]!;
    assert.equal(backwardFrame(pass, -5).index, 0);
    assert.equal(backwardFrame(pass, -5).step, null);
    assert.equal(backwardFrame(pass, 99).index, 2);
    assert.equal(backwardFrame(pass, 99).step, pass.steps[1]);
    assert.equal(backwardFrame(pass, 1.9).index, 1);
  });

  test('an explicit head gradient is frame 0\'s term', () => {
    const t = buildTrace({
      nodes: [
        variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)),
        op(1, 'mul', [0, 0], [1, 4], at(2, 'const y = x.mul(x);', 13)),
      ],
      passes: [{ heads: [1], headGrads: [[0.5, -1]], steps: [step(1, [0.5, -1], [[0, 0, [0.5, -2]], [0, 1, [0.5, -2]]])], leafGrads: [[0, [1, -4]]] }],
    });
    const pass = t.backwardPasses[0]!;
    assert.deepEqual(pass.implicitHeadGrads, [false]);
    assert.deepEqual(knownOf(backwardFrame(pass, 0)), { 1: [[[null, 0, 0, [0.5, -1]]], [0.5, -1], false] });
  });

  test('several heads: each gets its head gradient at frame 0', () => {
    const t = buildTrace({
      nodes: [
        variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)),
        op(1, 'sum', [0], 3, at(2, 'const a = x.sum();', 13)),
        op(2, 'mul', [0, 0], [1, 4], at(3, 'const b = x.mul(x);', 13)),
      ],
      passes: [{ heads: [1, 2], headGrads: [1, [1, 1]], steps: [step(2, [1, 1], [[0, 0, [1, 2]], [0, 1, [1, 2]]]), step(1, 1, [[0, 0, [1, 1]]])], leafGrads: [[0, [3, 5]]] }],
    });
    const frame = backwardFrame(t.backwardPasses[0]!, 0);
    assert.deepEqual(knownOf(frame), { 1: [[[null, 0, 0, [1]]], [1], false], 2: [[[null, 0, 0, [1, 1]]], [1, 1], false] });
    assert.deepEqual(knownOf(backwardFrame(t.backwardPasses[0]!, 1))[0]![1], [2, 4], 'two terms from b\'s step');
  });

  test('truncated tensors: a sum that cannot be formed is null; a processed node uses its traced upstream', () => {
    const big = [2000];
    const t = buildTrace({
      nodes: [
        variable(0, 'random.normal', truncated([0.5, -0.5], big), at(1, 'const x = np.random.normal(0, 1, [2000]);', 11)),
        op(1, 'tanh', [0], truncated([0.46, -0.46], big), at(2, 'const h = np.tanh(x);', 11)),
        op(2, 'mul', [1, 1], truncated([0.21, 0.21], big), at(3, 'const y = h.mul(h);', 13)),
      ],
      passes: [{
        heads: [2],
        headGrads: [truncated([1, 1], big)],
        steps: [
          step(2, truncated([1, 1], big), [[1, 0, truncated([0.46, -0.46], big)], [1, 1, truncated([0.46, -0.46], big)]]),
          step(1, truncated([0.92, -0.92], big), [[0, 0, truncated([0.72, -0.72], big)]]),
        ],
        leafGrads: [[0, truncated([0.72, -0.72], big)]],
      }],
    });
    const pass = t.backwardPasses[0]!;
    assert.equal(backwardFrame(pass, 0).known.get(2)!.total, pass.headGrads[0], 'one term: itself, sample or not');
    const afterMul = backwardFrame(pass, 1).known.get(1)!;
    assert.equal(afterMul.terms.length, 2);
    assert.equal(afterMul.total, null, 'two sampled terms cannot be summed');
    assert.equal(backwardFrame(pass, 2).known.get(1)!.total, pass.steps[1]!.upstream, 'processed: the traced upstream');
    assert.equal(backwardFrame(pass, 2).known.get(0)!.total, pass.leafGrads[0]!.grad, 'the leaf: its traced gradient');
  });

  test('NaN and infinities in terms: the sum keeps them (as the trace encodes them)', () => {
    const t = buildTrace({
      nodes: [
        variable(0, 'array', [0, 1, 2], at(1, 'const x = np.array([0, 1, 2]);', 11)),
        op(1, 'log', [0], [-Infinity, 0, 0.693], at(2, 'const l = np.log(x);', 11)),
        op(2, 'mul', [1, 1], [Infinity, 0, 0.48], at(3, 'const y = l.mul(l);', 13)),
      ],
      passes: [{ heads: [2], steps: [step(2, [1, 1, 1], [[1, 0, [-Infinity, 0, 0.693]], [1, 1, [Infinity, NaN, 0.693]]])] }],
    });
    const total = backwardFrame(t.backwardPasses[0]!, 1).known.get(1)!.total!;
    assert.deepEqual(total.data, ['NaN', 'NaN', 1.3860000371932983]);
    assert.equal(total.stats.nan, 2);
  });

  test('a failed pass: no steps, nothing known or pending', () => {
    const t = buildTrace({
      nodes: [variable(0, 'array', [1], at(1, 'const x = np.array([1]);', 11))],
      passes: [{ heads: [], error: 'backward: the graph that computed this array was freed by an earlier backward pass' }],
    });
    const frame = backwardFrame(t.backwardPasses[0]!, 3);
    assert.deepEqual([frame.index, frame.total, frame.step], [0, 0, null]);
    assert.equal(frame.known.size, 0);
    assert.equal(frame.pending.size, 0);
    assert.equal(frame.processed.size, 0);
  });

  test('passNodes: heads, processed nodes, every input that received gradient, the leaves', () => {
    assert.deepEqual(sorted(passNodes(chapterTrace().backwardPasses[0]!)), [0, 1, 3]);
    assert.deepEqual(sorted(passNodes(diamondTrace().backwardPasses[0]!)), [0, 1, 3, 5, 6]);
    const onlyLeaf = buildTrace({
      nodes: [variable(0, 'array', [1], at(1, 'const x = np.array([1]);', 11))],
      passes: [{ heads: [0], leafGrads: [[0, [1]]] }],
    });
    assert.deepEqual(sorted(passNodes(onlyLeaf.backwardPasses[0]!)), [0]);
  });
});

suite('inspector stepper: forward frames', () => {
  test('leaves are computed from the start; ops appear one per step, in the order they were computed', () => {
    const t = chapterTrace();
    const shown = selectNodes(t, { kind: 'pass', id: 0 });
    const frames = [0, 1, 2].map((k) => forwardFrame(t, shown, k));
    assert.deepEqual(frames.map((f) => [f.index, f.total, f.current, sorted(f.computed)]), [
      [0, 2, null, [0, 2]],
      [1, 2, 1, [0, 1, 2]],
      [2, 2, 3, [0, 1, 2, 3]],
    ]);
  });

  test('the order is the order of `shown` (ids), clamped at both ends', () => {
    const t = diamondTrace();
    const shown = [0, 1, 2, 3, 4, 5, 6];
    assert.deepEqual([1, 2, 3, 4].map((k) => forwardFrame(t, shown, k).current), [1, 3, 5, 6]);
    assert.equal(forwardFrame(t, shown, 99).index, 4);
    assert.equal(forwardFrame(t, shown, -1).current, null);
    assert.equal(forwardFrame(t, [0, 1], 5).total, 1, 'only shown ops count');
  });
});

suite('inspector stepper: the seed trace', () => {
  let t: Trace;
  let seed: SeedIndex;
  beforeSeed((trace, index) => { t = trace; seed = index; });

  test('pass at line 20: mul (line 17) then dot; x gets two terms 2x and ends with 4x = [0, 4, 8, 12]', () => {
    const pass = seed.passAt(20);
    const x = seed.nodesAt(8, 'arange')[0]!.id;
    assert.deepEqual(pass.steps.map((s) => seed.node(s.node).op), ['mul', 'dot']);
    assert.deepEqual(sorted(backwardFrame(pass, 0).pending), [seed.nodesAt(17, 'dot')[0]!.id, x].sort((a, b) => a - b));
    const one = backwardFrame(pass, 1);
    assert.equal(seed.node(one.step!.node).source?.line, 17);
    assert.equal(seed.node(one.step!.node).op, 'mul');
    const last = backwardFrame(pass, 2);
    const known = last.known.get(x)!;
    assert.deepEqual(known.terms.map((term) => [term.index, dataOf(term.grad)]), [[0, [0, 2, 4, 6]], [1, [0, 2, 4, 6]]]);
    assert.deepEqual(dataOf(known.total), [0, 4, 8, 12]);
  });

  test('the control-flow pass (line 115): one node per step, the final frame equals leafGrads (a gets 1024)', () => {
    const pass = seed.passAt(115);
    assert.equal(pass.steps.length, 10);
    for (let k = 0; k <= pass.steps.length; k++) assert.equal(backwardFrame(pass, k).processed.size, k);
    const last = backwardFrame(pass, pass.steps.length);
    for (const leaf of pass.leafGrads) assert.equal(last.known.get(leaf.node)!.total, leaf.grad);
    assert.deepEqual(dataOf(last.known.get(pass.leafGrads[0]!.node)!.total), [1024]);
  });

  test('forward over the pass at line 20: dot then mul', () => {
    const pass = seed.passAt(20);
    const shown = selectNodes(t, { kind: 'pass', id: pass.id });
    const f = forwardFrame(t, shown, 2);
    assert.equal(f.total, 2);
    assert.deepEqual([1, 2].map((k) => seed.node(forwardFrame(t, shown, k).current!).op), ['dot', 'mul']);
  });
});
