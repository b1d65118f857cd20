// What the drawn elements look like while stepping (webview/model/decorate.ts): classes for kinds,
// heads, breaks, non-finite values, gradient badges, selection, search matches and cut points;
// ×N on folded edges; colour through an injected colorizer. In the backward view colours and
// badges come from each node's gradient at the end of the pass, so they stay put while stepping.
import { strict as assert } from 'node:assert';
import { DEFAULT_THRESHOLDS } from '../../protocol/messages';
import type { Trace } from '../../protocol/trace';
import { decorate, magnitudeOf, type Colorizer, type DecorateInput, type Decorations } from '../../webview/model/decorate';
import { buildGraph, type GraphModel } from '../../webview/model/graph';
import { passGradients } from '../../webview/model/stepper';
import { at, badgeTrace, buildTrace, chapterTrace, graphBreak, op, scalar, step, tensor, squaringLoopTrace, variable, constant } from './trace-builder';

const NONE = new Set<number>();

function input(trace: Trace, model: GraphModel, backward: boolean, extra: Partial<DecorateInput> = {}): DecorateInput {
  const pass = trace.backwardPasses[0];
  return {
    trace, model, passGradients: backward && pass ? passGradients(pass) : null,
    colorMode: 'gradient', colorizer: null, thresholds: DEFAULT_THRESHOLDS, selected: NONE, matches: NONE, cutPoints: NONE, ...extra,
  };
}

/** The chapter's pass, decorated for the backward view. */
function chapter(extra: Partial<DecorateInput> = {}): { d: Decorations; model: GraphModel; trace: Trace } {
  const trace = chapterTrace();
  const model = buildGraph(trace, { kind: 'pass', id: 0 });
  return { d: decorate(input(trace, model, true, extra)), model, trace };
}

const classesOf = (d: Decorations, id: string) => d.classes.get(id) ?? [];
const has = (d: Decorations, id: string, cls: string) => classesOf(d, id).includes(cls);

suite('inspector decorate: classes', () => {
  test('kinds and heads', () => {
    const { d } = chapter();
    assert.deepEqual(['n0', 'n1', 'n2', 'n3'].map((id) => classesOf(d, id)[0]), ['variable', 'op', 'constant', 'op']);
    assert.ok(has(d, 'n3', 'head'));
    assert.ok(!has(d, 'n1', 'head'));
  });

  test('nothing that changes with the step is a class or a label', () => {
    const { d, model } = chapter();
    for (const element of [...model.nodes, ...model.edges]) {
      for (const cls of classesOf(d, element.id)) assert.ok(!['pending', 'current', 'receiving', 'active'].includes(cls), `${element.id}: ${cls}`);
      assert.equal(d.data.get(element.id)?.label, undefined);
    }
  });

  test('badges of the gradient at the end of the pass: zero, ∞, vanishing and exploding, as classes', () => {
    const trace = badgeTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const d = decorate(input(trace, model, true));
    const badgesOf = (id: string) => classesOf(d, id).filter((c) => c.startsWith('badge-'));
    assert.deepEqual(badgesOf('n0'), ['badge-zero']);
    assert.deepEqual(badgesOf('n2'), ['badge-inf']);
    assert.deepEqual(badgesOf('n5'), ['badge-vanishing']);
    assert.deepEqual(badgesOf('n6'), ['badge-exploding']);
    assert.deepEqual(badgesOf('n7'), [], 'a plain gradient of 1 has no badge');
    const forward = decorate(input(trace, model, false));
    assert.deepEqual(model.nodes.flatMap((n) => classesOf(forward, n.id).filter((c) => c.startsWith('badge-'))), [], 'no pass, no badges');
  });

  test('a NaN gradient gets the nan badge; thresholds are the caller\'s', () => {
    const trace = buildTrace({
      nodes: [variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)), op(1, 'sum', [0], 3, at(2, 'const y = x.sum();', 13))],
      passes: [{ heads: [1], steps: [step(1, 1, [[0, 0, [NaN, 2]]])], leafGrads: [[0, [NaN, 2]]] }],
    });
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const d = decorate(input(trace, model, true));
    assert.ok(has(d, 'n0', 'badge-nan'));
    // With an exploding threshold of 1, the head's gradient of 1 is not above it; the sum's is 1 too.
    const big = buildTrace({
      nodes: [variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)), op(1, 'sum', [0], 3, at(2, 'const y = x.sum();', 13))],
      passes: [{ heads: [1], steps: [step(1, 1, [[0, 0, [1, 2]]])], leafGrads: [[0, [1, 2]]] }],
    });
    const bigModel = buildGraph(big, { kind: 'pass', id: 0 });
    assert.ok(has(decorate(input(big, bigModel, true, { thresholds: { vanishing: 1e-7, exploding: 1 } })), 'n0', 'badge-exploding'));
    assert.ok(!has(decorate(input(big, bigModel, true)), 'n0', 'badge-exploding'));
  });

  test('value classes: nonfinite for a NaN/∞ value, broken for a node at a graph break', () => {
    const trace = badgeTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const d = decorate(input(trace, model, false));
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
    const dd = decorate(input(detached, dm, false));
    assert.ok(has(dd, 'n2', 'broken'));
    assert.ok(!has(dd, 'n1', 'broken'));
    for (const edge of dm.edges) assert.equal(dd.classes.get(edge.id), undefined, 'edges are drawn from the model, not decorated');
  });

  test('selection, search matches and cut points are classes of the elements holding those trace nodes', () => {
    const { d } = chapter({ selected: new Set([0]), matches: new Set([1, 3]), cutPoints: new Set([2]) });
    assert.ok(has(d, 'n0', 'selected'));
    assert.ok(!has(d, 'n1', 'selected'));
    assert.ok(has(d, 'n1', 'match') && has(d, 'n3', 'match'));
    assert.ok(!has(d, 'n0', 'match'));
    assert.ok(has(d, 'n2', 'cut-point'));
    assert.ok(!has(d, 'n0', 'cut-point'));
  });

  test('a folded group: selected through any member, a head if its last member is', () => {
    const trace = squaringLoopTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 }, { fold: true });
    assert.deepEqual(model.nodes.map((n) => n.id), ['n0', 'g0']);
    const d = decorate(input(trace, model, true, { selected: new Set([2]) }));
    assert.ok(has(d, 'g0', 'selected'));
    assert.ok(has(d, 'g0', 'head'));
    const self = model.edges.find((e) => e.source === 'g0' && e.target === 'g0')!;
    assert.equal(self.count, 4, 'mul_i → mul_{i+1} at input 0 and 1, for two iterations: the edge layer writes ×4');
  });

  test('no pass: only kinds and static classes, no data', () => {
    const trace = chapterTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const d = decorate(input(trace, model, false));
    assert.deepEqual(classesOf(d, 'n3'), ['op', 'head']);
    assert.deepEqual(classesOf(d, 'n0'), ['variable']);
    assert.equal(d.data.size, 0);
    assert.equal(d.classes.size, model.nodes.length, 'one entry per node, none for edges');
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

  test('gradient mode, backward: the colour of each node\'s gradient at the end of the pass (its L2 norm)', () => {
    const { colorizer, asked } = recording();
    const { d } = chapter({ colorizer });
    // x = [0, 4, 8, 12]: ‖·‖ = √224; n3's head gradient 1; dot 2; the constant nothing.
    assert.deepEqual(asked, [Math.sqrt(224), 2, null, 1]);
    assert.equal(d.data.get('n3')?.color, '#000100');
    assert.equal(d.data.get('n3')?.textColor, 'text-on-#000100');
    assert.ok(has(d, 'n3', 'colored'));
    assert.ok(!has(d, 'n2', 'colored'), 'no colour for a node without a gradient');
    assert.equal(d.data.get('n2')?.color, undefined);
  });

  test('value mode: the value\'s L2 norm', () => {
    const { colorizer, asked } = recording();
    const { d } = chapter({ colorizer, colorMode: 'value' });
    assert.deepEqual(asked, [Math.sqrt(14), 14, 2, 28]);
    assert.ok(has(d, 'n2', 'colored'));
  });

  test('gradient mode outside the backward view: the gradient the trace stored on the node', () => {
    const trace = buildTrace({
      nodes: [
        variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11), { grad: [3, 4] }),
        op(1, 'sum', [0], 3, at(2, 'const y = x.sum();', 13), { grad: scalar(1) }),
      ],
    });
    const model = buildGraph(trace, { kind: 'recording', id: 0 });
    const { colorizer, asked } = recording();
    decorate(input(trace, model, false, { colorizer }));
    assert.deepEqual(asked, [5, 1]);
  });

  test('without a colorizer nothing is coloured', () => {
    const { d } = chapter();
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
