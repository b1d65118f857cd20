// What the inspector derives from its state (webview/state/derive.ts), in Node: the screen by tag,
// and memoisation — an unchanged piece is the identical object, so the renderer redraws only what
// an action changed (a step: the frame and marks; a colour: the scale and decorations).
import { strict as assert } from 'node:assert';
import { syntheticTrace } from '../../bench/synthetic-trace';
import type { Trace } from '../../protocol/trace';
import { currentNode, Derivation, FOLD_THRESHOLD } from '../../webview/state/derive';
import { reduce } from '../../webview/state/reduce';
import { initialState, type Action, type InspectorState } from '../../webview/state/state';
import { splitTrace, withParts } from '../../protocol/traceParts';
import { buildTrace, chapterTrace, diamondTrace, step, variable } from './trace-builder';

function setup(limits = { draw: 10_000, summary: 200_000 }) {
  const derive = new Derivation(limits);
  const run = (state: InspectorState, ...actions: Action[]) => actions.reduce((s, action) => reduce(s, action, derive), state);
  const open = (trace: Trace, large = false) => run(initialState(undefined), { type: 'trace/loaded', trace, large });
  return { derive, run, open };
}

suite('inspector state: what is derived', () => {
  test('the screen by tag: waiting, words, error, summary, too large, graph', () => {
    const { derive, run, open } = setup({ draw: 50, summary: 200_000 });
    assert.equal(derive.screen(initialState(undefined)).tag, 'waiting');
    const none = run(initialState(undefined), { type: 'trace/none', message: 'no trace' });
    assert.deepEqual(derive.screen(none), { tag: 'empty', message: 'no trace' });
    const refused = run(initialState(undefined), { type: 'trace/invalid', title: 'This trace cannot be shown', problems: ['bad'] });
    assert.deepEqual(derive.screen(refused), { tag: 'error', title: 'This trace cannot be shown', problems: ['bad'] });
    assert.match((derive.screen(open(buildTrace({ nodes: [variable(0, 'array', [1])], recordings: [] }))) as { message: string }).message, /no recordings or backward passes/);
    const summary = derive.screen(open(chapterTrace(), true));
    assert.equal(summary.tag, 'summary');
    assert.equal(summary.tag === 'summary' && summary.summary.passes.length, 1);
    const graph = derive.screen(open(diamondTrace()));
    assert.equal(graph.tag, 'graph');
    assert.equal(graph.tag === 'graph' && graph.model.traceNodes.length, 7);
    // 300 nodes unfolded, with a draw limit of 50: too large, and the checkbox can fold it.
    const big = run(open(syntheticTrace(300)), { type: 'fold/set', folded: false });
    const tooLarge = derive.screen(big);
    assert.equal(tooLarge.tag, 'tooLarge');
    assert.ok(tooLarge.tag === 'tooLarge' && tooLarge.canRefold && !tooLarge.folded && tooLarge.nodes > 50);
  });

  test('folding: a graph above the fold threshold opens folded, below it does not, and the checkbox decides after that', () => {
    const { derive, run, open } = setup();
    const small = derive.screen(open(diamondTrace()));
    assert.equal(small.tag === 'graph' && small.folded, false);
    const large = open(syntheticTrace(FOLD_THRESHOLD * 3));
    const folded = derive.screen(large);
    assert.equal(folded.tag === 'graph' && folded.folded, true);
    const unfolded = derive.screen(run(large, { type: 'fold/set', folded: false }));
    assert.equal(unfolded.tag === 'graph' && unfolded.folded, false);
    assert.ok(unfolded.tag === 'graph' && folded.tag === 'graph' && unfolded.model.nodes.length > folded.model.nodes.length);
  });

  test('a step changes the frame and the marks, not the model, layout, decorations or scale', () => {
    const { derive, run, open } = setup();
    const before = open(diamondTrace());
    const after = run(before, { type: 'step/move', to: 'next' });
    const [a, b] = [derive.graphOf(before)!, derive.graphOf(after)!];
    assert.equal(a, b, 'the same graph screen');
    const pieces = (state: InspectorState) => ({ decorations: derive.decorations(state), scale: derive.scale(state), frame: derive.frame(state), marks: derive.marks(state) });
    const p = pieces(before);
    const q = pieces(after);
    assert.equal(p.decorations, q.decorations);
    assert.equal(p.scale, q.scale);
    assert.notEqual(p.frame, q.frame);
    assert.notEqual(p.marks, q.marks);
    assert.equal(currentNode(q.frame), 6, 'step 1 propagates from the head c');
    assert.equal(currentNode(p.frame), null);
    // Asking again is free: the very same objects.
    assert.equal(derive.frame(after), q.frame);
    assert.equal(derive.marks(after), q.marks);
  });

  test('a colour change gives a new scale and decorations over the same graph and frame', () => {
    const { derive, run, open } = setup();
    const before = open(diamondTrace());
    const after = run(before, { type: 'color/set', mode: 'value' });
    assert.equal(derive.graphOf(before), derive.graphOf(after));
    const [frame, scale, decorations] = [derive.frame(before), derive.scale(before), derive.decorations(before)];
    assert.equal(derive.frame(after), frame);
    assert.notEqual(derive.scale(after), scale);
    assert.notEqual(derive.decorations(after), decorations);
  });

  test('selection, search and cut points change the decorations; a new selection or an expansion a new graph', () => {
    const { derive, run, open } = setup();
    const state = open(diamondTrace());
    const decorations = derive.decorations(state)!;
    const selected = run(state, { type: 'node/select', nodeId: 1 });
    assert.notEqual(derive.decorations(selected), decorations);
    assert.ok(derive.decorations(selected)!.classes.get('n1')!.includes('selected'));
    const searched = run(state, { type: 'search/set', query: 'mul' });
    assert.deepEqual([...derive.matches(searched)].sort(), [3, 5]);
    assert.deepEqual([...derive.matches(run(state, { type: 'search/set', query: 'line 5' }))], [6]);
    assert.equal(derive.matchesDrawn(searched), 2);
    assert.equal(derive.matchesDrawn(state), null, 'no search, no count');
    assert.notEqual(derive.decorations(searched), decorations);
    const forward = run(state, { type: 'view/set', view: 'forward' });
    assert.notEqual(derive.frame(forward), derive.frame(state));
    assert.equal(derive.frame(forward)!.kind, 'forward');
  });

  test('the layout of a graph is kept per trace: back to a selection, the same positions', () => {
    const { derive, run, open } = setup();
    const big = open(syntheticTrace(FOLD_THRESHOLD * 3));
    const folded = derive.graphOf(big)!;
    const unfolded = derive.graphOf(run(big, { type: 'fold/set', folded: false }))!;
    assert.notEqual(unfolded.layout, folded.layout);
    const refolded = derive.graphOf(run(big, { type: 'fold/set', folded: false }, { type: 'fold/set', folded: true }))!;
    assert.equal(refolded.layout, folded.layout, 'the layout came from the cache');
    assert.equal(derive.times.layout, 0);
  });

  test('facts for the reducer: the number of steps and whether the graph shows a node', () => {
    const { derive, open, run } = setup();
    const state = open(diamondTrace());
    assert.equal(derive.stepCount(state), 4);
    assert.equal(derive.stepCount(run(state, { type: 'view/set', view: 'forward' })), 4, 'forward: one step per op');
    assert.equal(derive.stepCount(initialState(undefined)), 0);
    assert.equal(derive.shows(state, [0, 99]), true);
    assert.equal(derive.shows(state, [99]), false);
  });
});

suite('inspector state: group by layer', () => {
  /** syntheticTrace's nodes, all but the first inside block 'lin1' (a program with gluon blocks). */
  const layered = (n: number): Trace => {
    const t = syntheticTrace(n);
    return { ...t, nodes: t.nodes.map((node, i) => (i === 0 || node.kind !== 'op' ? node : { ...node, layer: 'lin1' })), layers: { 'lin1': 'Dense(8 -> 8)', '': 'MLP' } };
  };

  test('a large graph of a program with blocks opens grouped by layer; the checkbox turns it off and on', () => {
    const { derive, run, open } = setup();
    const big = open(layered(FOLD_THRESHOLD * 2));
    const screen = derive.screen(big);
    assert.ok(screen.tag === 'graph' && screen.byLayer === true);
    assert.ok(screen.tag === 'graph' && screen.model.nodes.some((n) => n.foldKey === 'layer:lin1'));
    const off = derive.screen(run(big, { type: 'groupByLayer/set', on: false }));
    assert.ok(off.tag === 'graph' && off.byLayer === false && !off.model.nodes.some((n) => n.foldKey === 'layer:lin1'));
  });

  test('a small one opens ungrouped; without blocks the option does not exist', () => {
    const { derive, open, run } = setup();
    const small = derive.screen(open(layered(50)));
    assert.ok(small.tag === 'graph' && small.byLayer === false);
    const on = derive.screen(run(open(layered(50)), { type: 'groupByLayer/set', on: true }));
    assert.ok(on.tag === 'graph' && on.byLayer === true && on.model.nodes.some((n) => n.foldKey === 'layer:lin1'));
    const plain = derive.screen(open(syntheticTrace(50)));
    assert.ok(plain.tag === 'graph' && plain.byLayer === null);
  });
});

suite('inspector state: a trace in parts', () => {
  /** Three passes of a loop, each reading the parameter the previous update wrote. */
  function loop(): Trace {
    const nodes = [0, 1, 2].flatMap((i) => [
      { ...variable(2 * i, 'array', [1, 2]), iteration: i, ...(i > 0 ? { previous: 2 * i - 2 } : {}) },
      { ...variable(2 * i + 1, 'mul', [1, 4]), kind: 'op' as const, inputs: [2 * i, 2 * i], recording: true, iteration: i },
    ]);
    const t = buildTrace({
      nodes,
      passes: [0, 1, 2].map((i) => ({ heads: [2 * i + 1], steps: [step(2 * i + 1, [1, 1], [[2 * i, 0, [1, 2]], [2 * i, 1, [1, 2]]])], leafGrads: [[2 * i, [2, 4]]] })),
      recordings: [],
    });
    t.backwardPasses.forEach((pass, i) => { pass.lastNode = 2 * i + 1; pass.kept = true; });
    return t;
  }

  test('a pass whose parts are not in: the loading screen with its parts; in, its graph; a part that failed says why', () => {
    const { derive, run, open } = setup();
    const t = loop();
    const { head, parts } = splitTrace(t);
    let state = run(open(head), { type: 'selection/set', selection: { kind: 'pass', id: 2 } });
    const screen = derive.screen(state);
    assert.equal(screen.tag, 'loading');
    assert.deepEqual(screen.tag === 'loading' && [screen.parts, screen.problem], [[2], null], 'its own part: the parameter\'s earlier version is no need');
    assert.ok(screen.tag === 'loading' && screen.bytes > 0);
    state = run(state, { type: 'parts/failed', parts: [2], problem: 'the file changed' });
    const failed = derive.screen(state);
    assert.equal(failed.tag === 'loading' && failed.problem, 'the file changed');
    state = run(state, { type: 'trace/grown', trace: withParts(head, parts) });
    assert.equal(derive.screen(state).tag, 'graph');
    assert.equal(derive.stepCount(state), 1);
    assert.deepEqual(state.ui.selection, { kind: 'pass', id: 2 }, 'the view stays where it was');
  });

  test('a pass opened at a node\'s step before its part is in goes to that step when it arrives', () => {
    const { run, open } = setup();
    const { head, parts } = splitTrace(loop());
    let state = run(open(head), { type: 'selection/set', selection: { kind: 'pass', id: 1 }, atNode: 3 });
    assert.deepEqual([state.ui.step, state.page.pendingAt], [0, { pass: 1, node: 3 }]);
    state = run(state, { type: 'trace/grown', trace: withParts(head, parts.slice(0, 2)) });
    assert.deepEqual([state.ui.step, state.ui.selectedNode, state.page.pendingAt], [1, 3, null]);
  });
});
