// What the drawn elements look like at a moment (webview/model/decorate.ts): classes for kinds,
// heads, the current step, receiving and pending nodes, badges, breaks, selection, search matches
// and cut points; active edges with the contribution they carry; labels with the gradient known
// so far (backward) or the value (forward); colour through an injected colorizer.
import { strict as assert } from 'node:assert';
import { DEFAULT_THRESHOLDS } from '../../webview/protocol/messages';
import type { Trace } from '../../webview/protocol/trace';
import { decorate, magnitudeOf, type Colorizer, type DecorateInput, type Decorations } from '../../webview/model/decorate';
import { buildGraph, type GraphModel } from '../../webview/model/graph';
import { backwardFrame, forwardFrame } from '../../webview/model/stepper';
import { at, buildTrace, chapterTrace, graphBreak, op, scalar, step, tensor, variable, constant } from './trace-builder';

const NONE = new Set<number>();

function input(trace: Trace, model: GraphModel, frame: DecorateInput['frame'], extra: Partial<DecorateInput> = {}): DecorateInput {
  return { trace, model, frame, colorMode: 'gradient', colorizer: null, thresholds: DEFAULT_THRESHOLDS, selected: NONE, matches: NONE, cutPoints: NONE, ...extra };
}

/** The chapter's pass, decorated at backward step k. */
function chapterAt(k: number, extra: Partial<DecorateInput> = {}): { d: Decorations; model: GraphModel; trace: Trace } {
  const trace = chapterTrace();
  const model = buildGraph(trace, { kind: 'pass', id: 0 });
  const frame = backwardFrame(trace.backwardPasses[0]!, k);
  return { d: decorate(input(trace, model, { kind: 'backward', frame }, extra)), model, trace };
}

const classesOf = (d: Decorations, id: string) => d.classes.get(id) ?? [];
const has = (d: Decorations, id: string, cls: string) => classesOf(d, id).includes(cls);

/** y = relu(x) with x = [-1, -2]: relu sends zero. Plus a NaN value and an exploding/vanishing gradient. */
function badgeTrace(): Trace {
  return buildTrace({
    nodes: [
      variable(0, 'array', [-1, -2], at(1, 'const x = np.array([-1, -2]);', 11)),
      op(1, 'relu', [0], [0, 0], at(2, 'const r = npx.relu(x);', 15)),
      variable(2, 'array', [0, 1], at(3, 'const v = np.array([0, 1]);', 11)),
      op(3, 'log', [2], [-Infinity, 0], at(4, 'const l = np.log(v);', 11)),
      op(4, 'add', [1, 3], [-Infinity, 0], at(5, 'const s = r.add(l);', 13)),
      variable(5, 'array', [1], at(6, 'const big = np.array([1]);', 13)),
      variable(6, 'array', [1], at(7, 'const tiny = np.array([1]);', 14)),
      op(7, 'mul', [5, 6], [1], at(8, 'const m = big.mul(tiny);', 17)),
    ],
    passes: [{
      heads: [4, 7],
      headGrads: [[1, 1], [1]],
      steps: [
        step(7, [1], [[5, 0, [1e-9]], [6, 1, [5000]]]),
        step(4, [1, 1], [[1, 0, [1, 1]], [3, 1, [1, 1]]]),
        step(3, [1, 1], [[2, 0, [Infinity, 1]]]),
        step(1, [1, 1], [[0, 0, [0, 0]]]),
      ],
      leafGrads: [[0, [0, 0]], [2, [Infinity, 1]], [5, [1e-9]], [6, [5000]]],
    }],
  });
}

suite('inspector decorate: backward', () => {
  test('kinds and heads are classes of every frame', () => {
    const { d } = chapterAt(0);
    assert.deepEqual(['n0', 'n1', 'n2', 'n3'].map((id) => classesOf(d, id)[0]), ['variable', 'op', 'constant', 'op']);
    assert.ok(has(d, 'n3', 'head'));
    assert.ok(!has(d, 'n1', 'head'));
  });

  test('frame 0: the head shows its head gradient; the nodes not reached yet are pending; nothing is current', () => {
    const { d } = chapterAt(0);
    assert.equal(d.data.get('n3')?.label, 'y = mul\nscalar\n∇ 1');
    assert.ok(!has(d, 'n3', 'pending'));
    for (const id of ['n0', 'n1', 'n2']) assert.ok(has(d, id, 'pending'), `${id} is pending`);
    for (const id of ['n0', 'n1', 'n2', 'n3']) assert.ok(!has(d, id, 'current') && !has(d, id, 'receiving'), id);
    assert.equal(d.data.get('n0')?.label, undefined, 'no gradient known for x: the label is left alone');
  });

  test('step 1 (mul): mul is current, dot receives 2 along the active edge', () => {
    const { d, model } = chapterAt(1);
    assert.ok(has(d, 'n3', 'current'));
    assert.ok(has(d, 'n1', 'receiving'));
    assert.ok(!has(d, 'n1', 'pending'));
    assert.equal(d.data.get('n1')?.label, 'dot\nscalar\n∇ 2');
    const active = model.edges.filter((e) => has(d, e.id, 'active'));
    assert.deepEqual(active.map((e) => [e.source, e.target, d.data.get(e.id)?.gradLabel]), [['n1', 'n3', '2']]);
  });

  test('step 2 (dot): both edges x → dot are active, each with its own contribution; x shows the sum 4x', () => {
    const { d, model } = chapterAt(2);
    assert.ok(has(d, 'n1', 'current'));
    assert.ok(!has(d, 'n3', 'current'));
    assert.ok(has(d, 'n0', 'receiving'));
    const active = model.edges.filter((e) => has(d, e.id, 'active'));
    assert.deepEqual(active.map((e) => [e.source, e.target, e.index, d.data.get(e.id)?.gradLabel]), [
      ['n0', 'n1', 0, '[0, 2, 4, 6]'],
      ['n0', 'n1', 1, '[0, 2, 4, 6]'],
    ]);
    assert.equal(d.data.get('n0')?.label, 'x = arange\n(4,)\n∇ [0, 4, 8, 12]');
    assert.ok(!has(d, 'n0', 'pending'));
  });

  test('edges touching a pending node are pending; the edge of the constant stays so (it takes no part)', () => {
    const { d, model } = chapterAt(0);
    const pending = model.edges.filter((e) => has(d, e.id, 'pending')).map((e) => `${e.source}>${e.target}`);
    assert.deepEqual(pending, ['n0>n1', 'n0>n1', 'n1>n3', 'n2>n3']);
    const last = chapterAt(2);
    assert.deepEqual(last.model.edges.filter((e) => has(last.d, e.id, 'pending')).map((e) => `${e.source}>${e.target}`), ['n2>n3']);
  });

  test('badges on gradients: zero, NaN/∞, vanishing and exploding, as classes and in the label', () => {
    const trace = badgeTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const pass = trace.backwardPasses[0]!;
    const d = decorate(input(trace, model, { kind: 'backward', frame: backwardFrame(pass, pass.steps.length) }));
    const badgesOf = (id: string) => classesOf(d, id).filter((c) => c.startsWith('badge-'));
    assert.deepEqual(badgesOf('n0'), ['badge-zero']);
    assert.match(d.data.get('n0')!.label!, /∇ \[0, 0\] \(zero\)$/);
    assert.deepEqual(badgesOf('n2'), ['badge-inf']);
    assert.match(d.data.get('n2')!.label!, / ⚠∞$/);
    assert.deepEqual(badgesOf('n5'), ['badge-vanishing']);
    assert.match(d.data.get('n5')!.label!, /↓vanishing$/);
    assert.deepEqual(badgesOf('n6'), ['badge-exploding']);
    assert.match(d.data.get('n6')!.label!, /↑exploding$/);
    assert.deepEqual(badgesOf('n7'), [], 'a plain gradient of 1 has no badge');
  });

  test('a NaN gradient gets the nan badge; thresholds are the caller\'s', () => {
    const trace = buildTrace({
      nodes: [variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)), op(1, 'sum', [0], 3, at(2, 'const y = x.sum();', 13))],
      passes: [{ heads: [1], steps: [step(1, 1, [[0, 0, [NaN, 2]]])], leafGrads: [[0, [NaN, 2]]] }],
    });
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const frame = backwardFrame(trace.backwardPasses[0]!, 1);
    const d = decorate(input(trace, model, { kind: 'backward', frame }));
    assert.ok(has(d, 'n0', 'badge-nan'));
    assert.match(d.data.get('n0')!.label!, /⚠NaN$/);
    // With an exploding threshold of 1, a gradient of norm 2 explodes.
    const strict = decorate(input(trace, model, { kind: 'backward', frame }, { thresholds: { vanishing: 1e-7, exploding: 1 } }));
    assert.ok(has(strict, 'n0', 'badge-exploding'));
    assert.ok(!has(d, 'n0', 'badge-exploding'));
  });

  test('value classes: nonfinite for a NaN/∞ value, broken for a node at a graph break', () => {
    const trace = badgeTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const d = decorate(input(trace, model, null));
    assert.ok(has(d, 'n3', 'nonfinite'), 'log(0) = −∞');
    assert.ok(has(d, 'n4', 'nonfinite'));
    assert.ok(!has(d, 'n1', 'nonfinite'));

    const detached = buildTrace({
      nodes: [
        variable(0, 'array', [1], at(1, 'const x = np.array([1]);', 11)),
        op(1, 'mul', [0, 0], [1], at(2, '  y = x.mul(x);', 9)),
        constant(2, [1], at(3, '  u = y.detach();', 9), { madeBy: 'detach' }),
        op(3, 'mul', [2, 0], [1], at(4, '  return u.mul(x);', 12)),
      ],
      breaks: [graphBreak('detach', 2, 1, at(3, '  u = y.detach();', 9), 'detach() makes a constant copy')],
    });
    const dm = buildGraph(detached, { kind: 'recording', id: 0 });
    const dd = decorate(input(detached, dm, null));
    assert.ok(has(dd, 'n2', 'broken'));
    assert.ok(!has(dd, 'n1', 'broken'));
    const cut = dm.edges.find((e) => e.cut)!;
    assert.deepEqual(classesOf(dd, cut.id), ['cut']);
  });

  test('selection, search matches and cut points are classes of the elements holding those trace nodes', () => {
    const { d } = chapterAt(1, { selected: new Set([0]), matches: new Set([1, 3]), cutPoints: new Set([2]) });
    assert.ok(has(d, 'n0', 'selected'));
    assert.ok(!has(d, 'n1', 'selected'));
    assert.ok(has(d, 'n1', 'match') && has(d, 'n3', 'match'));
    assert.ok(!has(d, 'n0', 'match'));
    assert.ok(has(d, 'n2', 'cut-point'));
    assert.ok(!has(d, 'n0', 'cut-point'));
  });

  test('a folded group: current when a member\'s step runs, ×N on merged edges, selected through any member', () => {
    const line = '  b = b.mul(b);';
    const trace = buildTrace({
      nodes: [
        variable(0, 'array', [2], at(1, 'let b = np.array([2]);', 9)),
        op(1, 'mul', [0, 0], [4], at(2, line, 9), { iteration: 0 }),
        op(2, 'mul', [1, 1], [16], at(2, line, 9), { iteration: 1 }),
        op(3, 'mul', [2, 2], [256], at(2, line, 9), { iteration: 2 }),
      ],
      passes: [{
        heads: [3],
        steps: [step(3, [1], [[2, 0, [16]], [2, 1, [16]]]), step(2, [32], [[1, 0, [128]], [1, 1, [128]]]), step(1, [256], [[0, 0, [512]], [0, 1, [512]]])],
        leafGrads: [[0, [1024]]],
      }],
    });
    const model = buildGraph(trace, { kind: 'pass', id: 0 }, { fold: true });
    assert.deepEqual(model.nodes.map((n) => n.id), ['n0', 'g0']);
    const d = decorate(input(trace, model, { kind: 'backward', frame: backwardFrame(trace.backwardPasses[0]!, 2) }, { selected: new Set([2]) }));
    assert.ok(has(d, 'g0', 'current'));
    assert.ok(has(d, 'g0', 'selected'));
    assert.ok(has(d, 'g0', 'head'));
    const self = model.edges.find((e) => e.source === 'g0' && e.target === 'g0')!;
    assert.equal(d.data.get(self.id)?.countLabel, '×4', 'mul_i → mul_{i+1} at input 0 and 1, for two iterations');
    assert.ok(has(d, self.id, 'active'), 'the self-edge carries what step 2 sends inside the group');
    const last = decorate(input(trace, model, { kind: 'backward', frame: backwardFrame(trace.backwardPasses[0]!, 3) }));
    const into = model.edges.find((e) => e.source === 'n0')!;
    assert.ok(has(last, into.id, 'active'));
    assert.equal(last.data.get(into.id)?.gradLabel, '[512]');
  });
});

suite('inspector decorate: forward and none', () => {
  test('forward: ops not yet computed are pending, the current op is marked, computed nodes show their value', () => {
    const trace = chapterTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const d = decorate(input(trace, model, { kind: 'forward', frame: forwardFrame(trace, model.traceNodes, 1) }));
    assert.ok(has(d, 'n1', 'current'));
    assert.ok(has(d, 'n3', 'pending'));
    assert.ok(!has(d, 'n0', 'pending') && !has(d, 'n2', 'pending'), 'leaves are there from the start');
    assert.equal(d.data.get('n1')?.label, 'dot\nscalar\n= 14');
    assert.equal(d.data.get('n0')?.label, 'x = arange\n(4,)\n= [0, 1, 2, 3]');
    assert.equal(d.data.get('n3')?.label, undefined, 'y is not computed yet');
  });

  test('no frame: only kinds and static classes, no labels, nothing pending', () => {
    const trace = chapterTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const d = decorate(input(trace, model, null));
    assert.deepEqual(classesOf(d, 'n3'), ['op', 'head']);
    assert.deepEqual(classesOf(d, 'n0'), ['variable']);
    assert.equal(d.data.size, 0);
    for (const edge of model.edges) assert.deepEqual(classesOf(d, edge.id), []);
  });
});

suite('inspector decorate: colour', () => {
  /** A colorizer that records the magnitudes it is asked about. */
  function recording(color: (m: number | null) => string | null = (m) => (m === null ? null : `#${String(Math.round(m * 100)).padStart(6, '0')}`)) {
    const asked: (number | null)[] = [];
    const colorizer: Colorizer = {
      color: (m) => { asked.push(m); return color(m); },
      textColor: (c) => `text-on-${c}`,
    };
    return { colorizer, asked };
  }

  test('gradient mode, backward: the colour of the gradient known at this step (its L2 norm)', () => {
    const { colorizer, asked } = recording();
    const { d } = chapterAt(2, { colorizer });
    // x = [0, 4, 8, 12]: ‖·‖ = √224; n3's upstream 1; dot 2; the constant nothing.
    assert.deepEqual(asked, [Math.sqrt(224), 2, null, 1]);
    assert.equal(d.data.get('n3')?.color, '#000100');
    assert.equal(d.data.get('n3')?.textColor, 'text-on-#000100');
    assert.ok(has(d, 'n3', 'colored'));
    assert.ok(!has(d, 'n2', 'colored'), 'no colour for a node without a gradient');
    assert.equal(d.data.get('n2')?.color, undefined);
  });

  test('gradient mode follows the step: at frame 0 only the head has a magnitude', () => {
    const { colorizer, asked } = recording();
    chapterAt(0, { colorizer });
    assert.deepEqual(asked, [null, null, null, 1]);
  });

  test('value mode: the value\'s L2 norm, whatever the step', () => {
    const { colorizer, asked } = recording();
    const { d } = chapterAt(0, { colorizer, colorMode: 'value' });
    assert.deepEqual(asked, [Math.sqrt(14), 14, 2, 28]);
    assert.ok(has(d, 'n2', 'colored'));
  });

  test('gradient mode outside a backward frame: the gradient the trace stored on the node', () => {
    const trace = buildTrace({
      nodes: [
        variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11), { grad: [3, 4] }),
        op(1, 'sum', [0], 3, at(2, 'const y = x.sum();', 13), { grad: scalar(1) }),
      ],
    });
    const model = buildGraph(trace, { kind: 'recording', id: 0 });
    const { colorizer, asked } = recording();
    decorate(input(trace, model, { kind: 'forward', frame: forwardFrame(trace, model.traceNodes, 0) }, { colorizer }));
    assert.deepEqual(asked, [5, 1]);
  });

  test('without a colorizer nothing is coloured', () => {
    const { d } = chapterAt(2);
    for (const id of ['n0', 'n1', 'n2', 'n3']) {
      assert.ok(!has(d, id, 'colored'));
      assert.equal(d.data.get(id)?.color, undefined);
    }
  });

  test('magnitudeOf is the L2 norm of the stats, null for no tensor', () => {
    assert.equal(magnitudeOf(tensor([3, 4])), 5);
    assert.equal(magnitudeOf(null), null);
    assert.equal(magnitudeOf(undefined), null);
    assert.equal(magnitudeOf(tensor([NaN])), null);
  });
});
