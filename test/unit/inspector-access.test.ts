// The inspector for keyboards and screen readers, its pure parts: moving along the graph's edges
// (webview/model/graphNav.ts), the words a screen reader gets of the graph, its nodes and its steps
// (spoken.ts), the accessible view's tables (listing.ts), and the state that holds the keyboard's
// node and the view (reduce.ts, derive.ts) — on hand-built traces whose edges, gradients and names
// are written out here.
import { strict as assert } from 'node:assert';
import type { Trace } from '../../protocol/trace';
import { buildGraph, type GraphModel } from '../../webview/model/graph';
import { edgesOf, entryFocus, focusedElement, moveFocus, type FocusMove, type GraphFocus } from '../../webview/model/graphNav';
import { layeredLayout } from '../../webview/model/layout';
import { forwardListing, LISTING_ROWS, passListing } from '../../webview/model/listing';
import { graphLabel, noMoveWords, nodeWords, stepWords, type Arrival } from '../../webview/model/spoken';
import { backwardFrame, forwardFrame, passGradients } from '../../webview/model/stepper';
import { Derivation } from '../../webview/state/derive';
import { reduce } from '../../webview/state/reduce';
import { initialState, type Action, type InspectorState } from '../../webview/state/state';
import { at, badgeTrace, buildTrace, chapterTrace, constant, diamondTrace, graphBreak, op, squaringLoopTrace, step, variable } from './trace-builder';

const THRESHOLDS = { vanishing: 1e-7, exploding: 1e3 };

/** Presses `moves` from `start`: the trace node reached after each (null: the move went nowhere, the focus stayed). */
function walk(model: GraphModel, start: GraphFocus, moves: FocusMove[]): (number | null)[] {
  const layout = layeredLayout(model);
  let focus = start;
  return moves.map((move) => {
    const next = moveFocus(model, layout, focus, move);
    if (next) focus = next;
    return next ? next.node : null;
  });
}

/** What a screen reader hears of element `id` of the graph of pass 0, reached by `arrival`. */
function words(trace: Trace, model: GraphModel, id: string, arrival: Arrival | null = null, backward = true): string {
  const element = model.nodes.find((n) => n.id === id)!;
  return nodeWords({
    trace, shows: backward ? 'pass' : 'recording', element, inputs: edgesOf(model, id, 'input').length, consumers: edgesOf(model, id, 'consumer').length, arrival,
    gradients: backward ? passGradients(trace.backwardPasses[0]!) : null, thresholds: THRESHOLDS,
  });
}

suite('inspector access: moving along the graph\'s edges', () => {
  // The diamond: x → s → a = s·2, b = s·3 → c = a + b. Ids 0 x, 1 s, 2 const 2, 3 a, 4 const 3, 5 b, 6 c.
  const diamond = diamondTrace();
  const model = buildGraph(diamond, { kind: 'pass', id: 0 });

  test('Tab lands on the selected node, else the step\'s, else the head', () => {
    assert.deepEqual(entryFocus(model, []), { node: 6, via: null });
    assert.deepEqual(entryFocus(model, [null, 3]), { node: 3, via: null });
    assert.deepEqual(entryFocus(model, [5, 3]), { node: 5, via: null });
    assert.deepEqual(entryFocus(model, [99, null]), { node: 6, via: null }, 'a node the graph does not draw is passed over');
  });

  test('← goes to the first input, ↓ / ↑ through the inputs of the node left, wrapping', () => {
    assert.deepEqual(walk(model, { node: 6, via: null }, ['input', 'next', 'next', 'previous']), [3, 5, 3, 5]);
    assert.deepEqual(walk(model, { node: 3, via: null }, ['input', 'next', 'input']), [1, 2, null], 'a = s·2: s, then the constant, which has no input');
    assert.deepEqual(moveFocus(model, layeredLayout(model), { node: 6, via: null }, 'input'), { node: 3, via: { from: 6, toward: 'input', index: 0 } });
  });

  test('→ goes to the first consumer, ↓ to the others; the head has none', () => {
    assert.deepEqual(walk(model, { node: 1, via: null }, ['consumer', 'next', 'consumer', 'consumer']), [3, 5, 6, null]);
    assert.deepEqual(walk(model, { node: 0, via: null }, ['input', 'consumer', 'next']), [null, 1, null], 'x has no input; s is its only consumer');
  });

  test('before any move, ↑ / ↓ go through the column, top to bottom', () => {
    const layout = layeredLayout(model);
    const column = model.nodes.filter((n) => layout.layers.get(n.id) === layout.layers.get('n1')).map((n) => n.id)
      .sort((a, b) => layout.positions.get(a)!.y - layout.positions.get(b)!.y);
    assert.deepEqual(column, ['n2', 'n1', 'n4'], 's and the two constants share a column');
    assert.deepEqual(walk(model, { node: 1, via: null }, ['next', 'next', 'previous']), [4, 2, 4]);
    assert.deepEqual(walk(model, { node: 6, via: null }, ['next']), [null], 'c is alone in its column');
  });

  test('a move from a node the graph no longer draws (another fold) starts from the column again', () => {
    const stale: GraphFocus = { node: 5, via: { from: 99, toward: 'input', index: 1 } };
    assert.deepEqual(walk(model, stale, ['previous']), [3]);
    assert.equal(moveFocus(model, layeredLayout(model), { node: 42, via: null }, 'input'), null, 'nowhere from a node not drawn');
  });

  test('the focus is a trace node: folding keeps it on the group that holds it, unfolding on the node', () => {
    const loop = squaringLoopTrace();
    const folded = buildGraph(loop, { kind: 'pass', id: 0 }, { fold: true });
    const unfolded = buildGraph(loop, { kind: 'pass', id: 0 });
    const entry = entryFocus(folded, [])!;
    const group = focusedElement(folded, entry)!;
    assert.equal(group.kind, 'group');
    assert.deepEqual(group.members, [1, 2, 3]);
    assert.equal(entry.node, 3, 'a group stands for its latest member, as a click selects');
    assert.equal(focusedElement(unfolded, entry)!.id, 'n3');
    assert.equal(focusedElement(folded, { node: 2, via: null })!.id, group.id);
  });

  test('a graph break is an edge too: ← crosses it, and the words say so', () => {
    // y = x·x; u = y.detach(); z = u·x. The recording draws the break from y to u.
    const trace = buildTrace({
      nodes: [
        variable(0, 'arange', [0, 1, 2], at(1, 'const x = np.arange(3);', 11)),
        op(1, 'mul', [0, 0], [0, 1, 4], at(2, '  y = x.mul(x);', 9)),
        constant(2, [0, 1, 4], at(3, '  u = y.detach();', 9), { madeBy: 'detach' }),
        op(3, 'mul', [2, 0], [0, 1, 8], at(4, '  return u.mul(x);', 12)),
      ],
      passes: [{ heads: [3], steps: [step(3, [1, 1, 1], [[0, 1, [0, 1, 4]]])], leafGrads: [[0, [0, 1, 4]]] }],
      breaks: [graphBreak('detach', 2, 1, at(3, '  u = y.detach();', 9), 'detach() makes a constant copy of the result of \'mul\'')],
    });
    const recording = buildGraph(trace, { kind: 'recording', id: 0 });
    assert.deepEqual(edgesOf(recording, 'n3', 'input').map((e) => `${e.source}:${e.index}`), ['n2:0', 'n0:1'], 'inputs by position');
    assert.deepEqual(edgesOf(recording, 'n2', 'input').map((e) => e.cut?.kind), ['detach']);
    assert.deepEqual(walk(recording, { node: 3, via: null }, ['input', 'input']), [2, 1]);
    const u = recording.nodes.find((n) => n.id === 'n2')!;
    const arrival: Arrival = { from: u, toward: 'input', index: 0, count: 1, cut: true };
    assert.match(words(trace, recording, 'n1', arrival, false), /Input 1 of 1 of u = detach, across a graph break\. Output of the recording\.$/);
  });
});

suite('inspector access: the words', () => {
  // x = arange(4); y = 2·dot(x, x). Ids: 0 x, 1 dot, 2 the constant 2, 3 mul (y).
  const chapter = chapterTrace();
  const pass = chapter.backwardPasses[0]!;
  const model = buildGraph(chapter, { kind: 'pass', id: 0 });

  test('the graph is named by what it shows and the step', () => {
    const frame = { kind: 'backward' as const, frame: backwardFrame(pass, 1) };
    assert.equal(graphLabel({ trace: chapter, selection: { kind: 'pass', id: 0 }, nodes: 4, frame }), 'Autograd graph: 4 nodes, pass 1 of 1, step 1 of 2');
    const forward = { kind: 'forward' as const, frame: forwardFrame(chapter, model.traceNodes, 0) };
    assert.equal(graphLabel({ trace: chapter, selection: { kind: 'recording', id: 0 }, nodes: 1, frame: forward }), 'Autograd graph: 1 node, recording 1 of 1, forward step 0 of 2');
  });

  test('a node: name and op, kind, shape, gradient after the pass, inputs and consumers, how it was reached', () => {
    assert.equal(words(chapter, model, 'n3'), 'y = mul, result of an op, shape scalar. Gradient 1. 2 inputs, no consumer. Head of the pass.');
    assert.equal(words(chapter, model, 'n2'), 'constant, shape scalar. No gradient in this pass. No input, 1 consumer.');
    const dot = model.nodes.find((n) => n.id === 'n1')!;
    assert.equal(words(chapter, model, 'n0', { from: dot, toward: 'input', index: 1, count: 2, cut: false }),
      'x = arange, variable, shape (4,). Gradient [0, 4, 8, 12]. No input, 2 consumers. Input 2 of 2 of dot.');
    assert.equal(words(chapter, model, 'n1', null, false), 'dot, result of an op, shape scalar. Value 14. 2 inputs, 1 consumer.', 'going forward: the value');
    assert.match(words(chapter, model, 'n3', null, false), /Output of the recording\.$/);
  });

  test('a node\'s badges in words', () => {
    const trace = badgeTrace();
    const badged = buildGraph(trace, { kind: 'pass', id: 0 });
    assert.match(words(trace, badged, 'n0'), /Gradient \[0, 0\] \(all zero\)\./);
    assert.match(words(trace, badged, 'n2'), /\(has infinities\)\./);
    assert.match(words(trace, badged, 'n5'), /\(vanishing\)\./);
    assert.match(words(trace, badged, 'n6'), /\(exploding\)\./);
  });

  test('hidden characters from the trace are said as visible escapes, never as themselves', () => {
    const trace = buildTrace({
      nodes: [variable(0, 'arange\u202egpj.exe', [1, 2], at(1, 'const x\u200d = np.arange(2);', 11))],
      passes: [{ heads: [0], leafGrads: [[0, [1, 1]]] }],
    });
    const graph = buildGraph(trace, { kind: 'pass', id: 0 });
    const said = words(trace, graph, 'n0');
    assert.doesNotMatch(said, /[\u202e\u200d]/u);
    assert.match(said, /arange\\u\{202E\}gpj\.exe|arange.*202E/i);
  });

  test('a move that goes nowhere says why', () => {
    const [x, , constant2, y] = ['n0', 'n1', 'n2', 'n3'].map((id) => model.nodes.find((n) => n.id === id)!);
    assert.equal(noMoveWords(chapter, x!, 'input'), 'x = arange has no input in this graph.');
    assert.equal(noMoveWords(chapter, y!, 'consumer'), 'y = mul has no consumer in this graph.');
    assert.equal(noMoveWords(chapter, constant2!, 'sibling'), 'No other node here: constant is the only one.');
  });

  test('a backward step: the chain rule with its numbers, as the step panel has it', () => {
    const at = (k: number) => stepWords(chapter, { kind: 'backward', frame: backwardFrame(pass, k) }, pass);
    assert.equal(at(0), 'Step 0 of 2: the head gradient, y = mul: ∂L/∂out = 1 (implicit: ones).');
    assert.equal(at(1), 'Step 1 of 2: y = mul. out = a · b. mul multiplies elementwise: each input\'s gradient is the upstream gradient times the other input. '
      + 'Upstream ∂L/∂out = 1. Sends: input 0, dot: ∂L/∂in = ∂L/∂out · b = 2.');
    assert.match(at(2), /^Step 2 of 2: dot\. out = dot\(a, b\)\. .* Upstream ∂L\/∂out = 2\. Sends: input 0, x = arange: ∂L\/∂in = g · bᵀ {3}\(g = ∂L\/∂out\) = \[0, 2, 4, 6\]; input 1, x = arange: ∂L\/∂in = aᵀ · g .* = \[0, 2, 4, 6\]\.$/);
    assert.equal(stepWords(chapter, { kind: 'forward', frame: forwardFrame(chapter, model.traceNodes, 1) }), 'Forward step 1 of 2: dot. out = dot(a, b), gives 14.');
    const failed = { ...pass, error: 'the head is not in the graph' };
    assert.equal(stepWords(chapter, { kind: 'backward', frame: backwardFrame(failed, 0) }, failed), 'This backward pass failed: the head is not in the graph');
  });

  test('a step that sends to many inputs says the first few and counts the rest', () => {
    const wide = { ...pass, steps: [step(3, 1, Array.from({ length: 7 }, (_, i): [number, number, number] => [0, i, i]))] };
    const said = stepWords(chapter, { kind: 'backward', frame: backwardFrame(wide, 1) }, wide);
    assert.equal((said.match(/input \d, /g) ?? []).length, 4);
    assert.match(said, /; and 3 more inputs\.$/);
  });
});

suite('inspector access: the accessible view\'s tables', () => {
  const chapter = chapterTrace();
  const pass = chapter.backwardPasses[0]!;

  test('a pass: its heads, its steps in order with the gradient each received, the variables\' gradients', () => {
    const listing = passListing(chapter, pass);
    assert.equal(listing.title, 'Backward pass 1 of 1 at line 4: 2 steps');
    assert.deepEqual(listing.tables.map((t) => [t.title, t.tensorHeading]), [
      ['Head gradients', 'head gradient'], ['Backward steps, in order', 'gradient ∂L/∂out'], ['Variables\' gradients after the pass', 'gradient'],
    ]);
    const rows = listing.tables.map((t) => t.head.map((r) => [r.step, r.node, r.name, r.op, r.shape, r.tensor]));
    assert.deepEqual(rows, [
      [[0, 3, 'y', 'mul', 'scalar', '1']],
      [[1, 3, 'y', 'mul', 'scalar', '1'], [2, 1, '', 'dot', 'scalar', '2']],
      [[0, 0, 'x', 'arange', '(4,)', '[0, 4, 8, 12]']],
    ]);
    assert.ok(listing.tables.every((t) => t.omitted === 0 && t.tail.length === 0));
  });

  test('a recording going forward: the leaves, then the ops in the order they ran, with their values', () => {
    const model = buildGraph(chapter, { kind: 'recording', id: 0 });
    const listing = forwardListing(chapter, model.traceNodes, 'Recording at line 3');
    assert.equal(listing.title, 'Recording at line 3: 2 steps');
    assert.deepEqual(listing.tables.map((t) => t.head.map((r) => `${r.step}:${r.node}=${r.tensor}`)), [['0:0=[0, 1, 2, 3]', '0:2=2'], ['1:1=14', '2:3=28']]);
  });

  test(`a long pass keeps its first and last ${LISTING_ROWS / 2} steps and counts the others`, () => {
    const long = { ...pass, steps: Array.from({ length: 2500 }, (_, i) => step(i % 2 === 0 ? 3 : 1, i, [])) };
    const steps = passListing(chapter, long).tables[1]!;
    assert.equal(steps.head.length, LISTING_ROWS / 2);
    assert.equal(steps.tail.length, LISTING_ROWS / 2);
    assert.equal(steps.omitted, 1500);
    assert.equal(steps.head[0]!.step, 1);
    assert.equal(steps.tail[steps.tail.length - 1]!.step, 2500);
    assert.equal(steps.tail[0]!.tensor, '2000', 'the tail starts where the head and the omitted rows end');
  });
});

suite('inspector access: the state and what is derived from it', () => {
  const derive = new Derivation({ draw: 10_000, summary: 200_000 });
  const run = (state: InspectorState, ...actions: Action[]) => actions.reduce((s, action) => reduce(s, action, derive), state);
  const chapter = chapterTrace();
  const opened = () => run(initialState(undefined), { type: 'trace/loaded', trace: chapter, large: false });

  test('the node the keyboard is on is derived only while the graph has the focus, and kept while it has not', () => {
    const state = opened();
    assert.equal(derive.focus(state), null);
    const on = run(state, { type: 'graph/focus', focus: { node: 0, via: null } });
    assert.equal(derive.focus(on)!.element.id, 'n0');
    assert.match(derive.focus(on)!.words, /^x = arange, variable, shape \(4,\)\./);
    const away = run(on, { type: 'graph/blur' });
    assert.equal(derive.focus(away), null, 'off the graph, nothing is marked or said');
    assert.deepEqual(away.page.graphFocus, { node: 0, via: null }, 'the node is kept for when Tab comes back');
    assert.equal(run(away, { type: 'graph/blur' }), away, 'a second blur changes nothing');
  });

  test('the graph\'s name and the step\'s words follow the step', () => {
    const state = run(opened(), { type: 'step/move', to: 'next' });
    assert.equal(derive.graphLabel(state), 'Autograd graph: 4 nodes, pass 1 of 1, step 1 of 2');
    assert.match(derive.stepWords(state)!, /^Step 1 of 2: y = mul\./);
    assert.equal(derive.stepWords(state), derive.stepWords(state), 'memoised: the same words for the same frame');
  });

  test('the accessible view opens on a graph, follows another pass, and closes beside the Training view or a summary', () => {
    const open = run(opened(), { type: 'listing/set', open: true });
    assert.equal(open.page.listing, true);
    assert.equal(derive.listing(open)!.title, 'Backward pass 1 of 1 at line 4: 2 steps');
    assert.equal(run(open, { type: 'listing/set', open: true }), open);
    assert.equal(run(open, { type: 'selection/set', selection: { kind: 'recording', id: 0 } }).page.listing, true);
    assert.equal(run(open, { type: 'selection/set', selection: null }).page.listing, false);
    assert.equal(derive.listing(run(open, { type: 'view/set', view: 'forward' }))!.tables[1]!.title, 'Forward steps, in order');
    assert.equal(run(open, { type: 'listing/set', open: false }).page.listing, false);
  });
});
