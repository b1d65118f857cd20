// The inspector's reducer (webview/state/reduce.ts), in Node: each action's effect on the state,
// with the graph facts answered by the real derivation over hand-built and synthetic traces.
import { strict as assert } from 'node:assert';
import { syntheticTrace } from '../../bench/synthetic-trace';
import { DEFAULT_THRESHOLDS } from '../../protocol/messages';
import type { Trace } from '../../protocol/trace';
import { Derivation } from '../../webview/state/derive';
import { defaultSelection, reduce, selectionShowing } from '../../webview/state/reduce';
import { initialState, type Action, type InspectorState } from '../../webview/state/state';
import { buildTrace, chapterTrace, diamondTrace, loopPassesTrace, op, step, variable } from './trace-builder';

const derive = new Derivation({ draw: 10_000, summary: 200_000 });

function run(state: InspectorState, ...actions: Action[]): InspectorState {
  return actions.reduce((s, action) => reduce(s, action, derive), state);
}

const loaded = (trace: Trace, extra: Partial<Extract<Action, { type: 'trace/loaded' }>> = {}) =>
  run(initialState(undefined), { type: 'trace/loaded', trace, large: false, ...extra });

/** Two passes over one graph: a failed one first, then a good one; and a recording of its own. */
function twoPasses(): Trace {
  return buildTrace({
    nodes: [variable(0, 'array', [1, 2]), op(1, 'mul', [0, 0], [1, 4]), variable(2, 'array', [3]), op(3, 'exp', [2], [20.0855])],
    passes: [
      { id: 0, heads: [1], error: 'the graph was freed' },
      { id: 1, heads: [1], steps: [step(1, [1, 1], [[0, 0, [1, 2]], [0, 1, [1, 2]]])], leafGrads: [[0, [2, 4]]] },
    ],
    recordings: [
      { id: 0, source: null, trainMode: true, nodes: [1], outputs: [1], closed: true },
      { id: 1, source: null, trainMode: true, nodes: [3], outputs: [3], closed: true },
    ],
  });
}

suite('inspector state: the reducer', () => {
  test('a page starts waiting, with what it persisted and the fold it was opened with', () => {
    const fresh = initialState(undefined);
    assert.equal(fresh.doc.kind, 'waiting');
    assert.deepEqual(fresh.ui, { selection: null, step: 0, view: 'backward', colorMode: 'gradient', expanded: [], folded: null, selectedNode: null, thresholds: DEFAULT_THRESHOLDS, speed: 1 });
    const restored = initialState({ step: 3, folded: false, speed: 4 });
    assert.equal(restored.ui.step, 3);
    assert.equal(restored.ui.speed, 4);
    assert.equal(restored.page.initialFold, false);
  });

  test('a trace opens its first pass that did not fail; without passes, its first recording; without either, nothing', () => {
    assert.deepEqual(loaded(twoPasses()).ui.selection, { kind: 'pass', id: 1 });
    assert.deepEqual(defaultSelection(twoPasses()), { kind: 'pass', id: 1 });
    const recorded = buildTrace({ nodes: [variable(0, 'array', [1]), op(1, 'exp', [0], [2.718])] });
    const state = loaded(recorded);
    assert.deepEqual(state.ui.selection, { kind: 'recording', id: 0 });
    assert.equal(state.ui.view, 'forward', 'a recording is stepped forward');
    assert.equal(loaded(buildTrace({ nodes: [variable(0, 'array', [1])], recordings: [] })).ui.selection, null);
  });

  test('a large trace opens as its summary; the host can still ask for one of its graphs', () => {
    const trace = chapterTrace();
    assert.equal(run(initialState(undefined), { type: 'trace/loaded', trace, large: true }).ui.selection, null);
    const asked = run(initialState(undefined), { type: 'trace/loaded', trace, large: true, selection: { kind: 'pass', id: 0 } });
    assert.deepEqual(asked.ui.selection, { kind: 'pass', id: 0 });
  });

  test('a new trace with the shown selection keeps it and its step; a selection it lacks falls back', () => {
    const first = run(loaded(chapterTrace()), { type: 'step/set', step: 2 });
    assert.equal(first.ui.step, 2);
    const again = run(first, { type: 'trace/loaded', trace: chapterTrace(), large: false });
    assert.deepEqual(again.ui.selection, { kind: 'pass', id: 0 });
    assert.equal(again.ui.step, 2, 'the same selection in a re-run keeps its step');
    const other = run(first, { type: 'trace/loaded', trace: chapterTrace(), large: false, selection: { kind: 'pass', id: 9 } });
    assert.deepEqual(other.ui.selection, { kind: 'pass', id: 0 }, 'a selection the trace lacks is not taken');
  });

  test('steps stay within the frame: next, previous, first, last, set; the same step is the same state', () => {
    const state = loaded(chapterTrace()); // 2 backward steps
    assert.equal(derive.stepCount(state), 2);
    assert.equal(run(state, { type: 'step/move', to: 'last' }).ui.step, 2);
    assert.equal(run(state, { type: 'step/move', to: 'next' }, { type: 'step/move', to: 'next' }, { type: 'step/move', to: 'next' }).ui.step, 2);
    assert.equal(run(state, { type: 'step/move', to: 'previous' }).ui.step, 0);
    assert.equal(run(state, { type: 'step/set', step: 99 }).ui.step, 2);
    assert.equal(run(state, { type: 'step/set', step: -4 }).ui.step, 0);
    assert.equal(run(state, { type: 'step/set', step: Number.NaN }).ui.step, 0);
    assert.equal(run(state, { type: 'step/move', to: 'last' }, { type: 'step/move', to: 'first' }).ui.step, 0);
    assert.equal(reduce(state, { type: 'step/set', step: 0 }, derive), state, 'no move, no new state (nothing is redrawn)');
    const waiting = initialState(undefined);
    assert.equal(reduce(waiting, { type: 'step/move', to: 'next' }, derive), waiting, 'no graph, no steps');
  });

  test('play: from the end it starts over, each tick steps, at the end it stops; a selection or the view stops it', () => {
    const atEnd = run(loaded(chapterTrace()), { type: 'step/move', to: 'last' });
    const playing = run(atEnd, { type: 'play/toggle' });
    assert.equal(playing.page.playing, true);
    assert.equal(playing.ui.step, 0);
    const ticked = run(playing, { type: 'play/tick' }, { type: 'play/tick' });
    assert.equal(ticked.ui.step, 2);
    assert.equal(ticked.page.playing, true);
    assert.equal(run(ticked, { type: 'play/tick' }).page.playing, false, 'the tick at the end stops');
    assert.equal(run(playing, { type: 'play/toggle' }).page.playing, false);
    assert.equal(run(playing, { type: 'view/set', view: 'forward' }).page.playing, false);
    assert.equal(run(playing, { type: 'selection/set', selection: { kind: 'recording', id: 0 } }).page.playing, false);
    const idle = loaded(chapterTrace());
    assert.equal(reduce(idle, { type: 'play/tick' }, derive), idle, 'a late tick after a stop does nothing');
  });

  test('another selection starts at step 0, unexpanded, with the fold the page opened with (once); the same one can keep its step', () => {
    const trace = twoPasses();
    const base = run(initialState({ folded: false }), { type: 'trace/loaded', trace, large: false });
    assert.equal(base.ui.folded, false, 'the page was opened with ?fold=0');
    assert.equal(base.page.initialFold, null, 'used up by the first graph');
    const moved = { ...base, ui: { ...base.ui, step: 1, expanded: ['k'] }, page: { ...base.page, cutPoints: [0] } };
    const other = run(moved, { type: 'selection/set', selection: { kind: 'pass', id: 0 } });
    assert.deepEqual([other.ui.step, other.ui.expanded, other.ui.folded, other.page.cutPoints], [0, [], null, []]);
    const kept = run(moved, { type: 'selection/set', selection: { kind: 'pass', id: 1 }, keepStep: true });
    assert.deepEqual([kept.ui.step, kept.ui.expanded], [1, ['k']]);
    assert.equal(reduce(moved, { type: 'selection/set', selection: { kind: 'pass', id: 7 } }, derive), moved, 'a selection the trace lacks is refused');
    assert.equal(run(moved, { type: 'selection/set', selection: { kind: 'recording', id: 1 } }).ui.view, 'forward');
  });

  test('PageUp / PageDown: the previous / next pass of the open pass\'s line; nothing past its first or last, or without a pass open', () => {
    const trace = loopPassesTrace([90, 95, 90, 95, 95, 90]);
    const at = (id: number) => run(loaded(trace), { type: 'selection/set', selection: { kind: 'pass', id } });
    const next = { type: 'selection/step-same-line', direction: 'next' } as const;
    const previous = { type: 'selection/step-same-line', direction: 'previous' } as const;
    assert.deepEqual(run(at(0), next).ui.selection, { kind: 'pass', id: 2 });
    assert.deepEqual(run(at(0), next, next).ui.selection, { kind: 'pass', id: 5 });
    assert.deepEqual(run(at(1), next, next).ui.selection, { kind: 'pass', id: 4 });
    assert.deepEqual(run(at(4), previous, previous).ui.selection, { kind: 'pass', id: 1 });
    const moved = { ...at(0), ui: { ...at(0).ui, step: 1, expanded: ['k'] } };
    assert.deepEqual([run(moved, next).ui.step, run(moved, next).ui.expanded], [0, []], 'another pass starts at step 0');
    const last = at(5);
    assert.equal(reduce(last, next, derive), last, 'the last pass of its line: nothing');
    assert.equal(reduce(at(0), previous, derive).ui.selection?.id, 0, 'the first: nothing');
    const recording = run(loaded(trace), { type: 'selection/set', selection: { kind: 'recording', id: 0 } });
    assert.equal(reduce(recording, next, derive), recording, 'a recording open: nothing');
    const waiting = initialState(undefined);
    assert.equal(reduce(waiting, next, derive), waiting, 'no trace: nothing');
    // autograd.grad at the same line is another call: not the same line's passes.
    const mixed = loopPassesTrace([90, 90, 90]);
    mixed.backwardPasses[1]!.kind = 'grad';
    assert.deepEqual(run(loaded(mixed), next).ui.selection, { kind: 'pass', id: 2 });
  });

  test('Pass #: the pass of that number among all passes, from 1; any other number does nothing', () => {
    const trace = loopPassesTrace([90, 95, 90]);
    trace.backwardPasses.forEach((p, i) => { p.id = 10 + i; });
    const base = loaded(trace);
    assert.deepEqual(run(base, { type: 'selection/pass-number', number: 3 }).ui.selection, { kind: 'pass', id: 12 });
    assert.deepEqual(run(base, { type: 'selection/pass-number', number: 1 }).ui.selection, { kind: 'pass', id: 10 });
    for (const number of [0, 4, -1, 1.5, NaN]) assert.equal(reduce(base, { type: 'selection/pass-number', number }, derive), base, `pass number ${number}`);
    const stepped = { ...base, ui: { ...base.ui, step: 1 } };
    assert.equal(run(stepped, { type: 'selection/pass-number', number: 1 }).ui.step, 1, 'the open pass keeps its step');
  });

  test('focus: a node the graph shows is selected in place; another switches to the first graph that has it', () => {
    const trace = twoPasses();
    const state = loaded(trace);
    const inPlace = run(state, { type: 'nodes/focus', nodeIds: [0] });
    assert.deepEqual(inPlace.ui.selection, { kind: 'pass', id: 1 });
    assert.equal(inPlace.ui.selectedNode, 0);
    const elsewhere = run(state, { type: 'nodes/focus', nodeIds: [3] });
    assert.deepEqual(elsewhere.ui.selection, { kind: 'recording', id: 1 });
    assert.equal(elsewhere.ui.selectedNode, 3);
    assert.deepEqual(selectionShowing(trace, [3]), { kind: 'recording', id: 1 });
    assert.equal(selectionShowing(trace, [42]), null);
    assert.equal(run(state, { type: 'nodes/focus', nodeIds: [] }), state);
    const focused = run(initialState(undefined), { type: 'trace/loaded', trace, large: false, focusNode: 3 });
    assert.deepEqual([focused.ui.selection, focused.ui.selectedNode], [{ kind: 'recording', id: 1 }, 3]);
  });

  test('selecting a node clears the cut points; groups open and fold again; the checkbox sets the fold and forgets expansions', () => {
    const state = run(loaded(diamondTrace()), { type: 'cuts/show', nodeIds: [1, 3] });
    assert.deepEqual(state.page.cutPoints, [1, 3]);
    const selected = run(state, { type: 'node/select', nodeId: 5 });
    assert.deepEqual([selected.ui.selectedNode, selected.page.cutPoints], [5, []]);
    const opened = run(selected, { type: 'group/expand', key: 'a', firstMember: null }, { type: 'group/expand', key: 'b', firstMember: 2 });
    assert.deepEqual(opened.ui.expanded, ['a', 'b']);
    assert.deepEqual(run(opened, { type: 'group/refold', key: 'a' }).ui.expanded, ['b']);
    const unfolded = run(opened, { type: 'fold/set', folded: false });
    assert.deepEqual([unfolded.ui.folded, unfolded.page.userFold, unfolded.ui.expanded], [false, false, []]);
  });

  test('look and settings: colour, view (back to step 0), thresholds, speed, search, group by function', () => {
    const state = run(loaded(diamondTrace()), { type: 'step/set', step: 3 });
    assert.equal(run(state, { type: 'color/set', mode: 'value' }).ui.colorMode, 'value');
    const forward = run(state, { type: 'view/set', view: 'forward' });
    assert.deepEqual([forward.ui.view, forward.ui.step], ['forward', 0]);
    const thresholds = { vanishing: 1e-3, exploding: 10 };
    assert.equal(run(state, { type: 'thresholds/set', thresholds }).ui.thresholds, thresholds);
    assert.equal(run(state, { type: 'speed/set', speed: 8 }).ui.speed, 8);
    assert.equal(run(state, { type: 'search/set', query: 'mul' }).page.search, 'mul');
    assert.equal(run(state, { type: 'groupByFunction/set', on: true }).page.groupByFunction, true);
  });

  test('a pass the host asks for opens on its backward steps, whatever view a recording left open (a debugger stepping over backward())', () => {
    const onRecording = loaded(twoPasses(), { selection: { kind: 'recording', id: 0 } });
    assert.equal(onRecording.ui.view, 'forward');
    // The trace so far of the next stop, with the pass that ran since.
    const next = run(onRecording, { type: 'trace/loaded', trace: twoPasses(), large: false, selection: { kind: 'pass', id: 1 } });
    assert.deepEqual([next.ui.selection, next.ui.view], [{ kind: 'pass', id: 1 }, 'backward']);
    // The same trace kept (no wish): the user's view stays.
    const forward = run(next, { type: 'view/set', view: 'forward' }, { type: 'trace/loaded', trace: twoPasses(), large: false });
    assert.deepEqual([forward.ui.selection, forward.ui.view], [{ kind: 'pass', id: 1 }, 'forward']);
  });

  test('no trace, or a refused one: the doc says which; playing stops', () => {
    const playing = run(loaded(chapterTrace()), { type: 'play/toggle' });
    const none = run(playing, { type: 'trace/none', message: 'The trace file was deleted.' });
    assert.deepEqual(none.doc, { kind: 'none', message: 'The trace file was deleted.' });
    assert.equal(none.page.playing, false);
    const refused = run(playing, { type: 'trace/invalid', title: 'This trace cannot be shown', problems: ['"nodes" is not a list'] });
    assert.equal(refused.doc.kind, 'invalid');
    assert.equal(reduce(refused, { type: 'selection/set', selection: { kind: 'pass', id: 0 } }, derive), refused, 'nothing to select without a trace');
  });

  test('the reducer changes nothing it is given', () => {
    const state = loaded(syntheticTrace(300));
    const frozen = JSON.stringify({ ui: state.ui, page: state.page });
    run(state, { type: 'step/move', to: 'last' }, { type: 'group/expand', key: 'x', firstMember: 1 }, { type: 'fold/set', folded: true },
      { type: 'cuts/show', nodeIds: [1] }, { type: 'view/set', view: 'forward' }, { type: 'play/toggle' });
    assert.equal(JSON.stringify({ ui: state.ui, page: state.page }), frozen);
  });
});
