// A summarised pass in the inspector (webview/model/summarisedPass.ts, keepCommand.ts), in Node:
// what its screen says of it — the loss, a row per variable with the badges the graph would give,
// the nearest passes kept whole — the screen the derivation picks for it, and the command that
// traces the run again keeping it.
import { strict as assert } from 'node:assert';
import { DEFAULT_THRESHOLDS } from '../../protocol/messages';
import type { Trace, VariableSummary } from '../../protocol/trace';
import { keepCommand, shellWord } from '../../webview/model/keepCommand';
import { summarisedPassView, summaryBadges } from '../../webview/model/summarisedPass';
import { trainingRun } from '../../webview/model/training';
import { Derivation } from '../../webview/state/derive';
import { reduce } from '../../webview/state/reduce';
import { initialState } from '../../webview/state/state';
import { loopPassesTrace } from './trace-builder';

function v(series: number, gradL2: number | null, extra: Partial<VariableSummary> = {}): VariableSummary {
  return {
    series, node: 0, param: `net.${series}.weight`, gradL2, gradMaxAbs: gradL2, gradMean: 0, gradStd: gradL2,
    zeroFraction: 0, nan: 0, inf: 0, valueL2: 1, updateRatio: 0.01, ...extra,
  };
}

/** Six passes; #2, #3 and #5 summarised (ids 1, 2, 4), #3 with a vanishing, an all-zero, a NaN and an exploding gradient. */
function run(): Trace {
  const trace = loopPassesTrace([4, 4, 4, 4, 4, 4]);
  trace.backwardPasses.forEach((pass, i) => {
    pass.summary = { head: 2 - i * 0.25, variables: [v(0, 1), v(1, 0.5)], nodeGradL2: [], anomalies: 0 };
    pass.kept = ![1, 2, 4].includes(i);
  });
  trace.backwardPasses[2]!.summary!.variables = [v(0, 1e-9), v(1, 0, { zeroFraction: 1 }), v(2, 3, { nan: 2 }), v(3, 5e3)];
  return trace;
}

suite('inspector: a summarised pass', () => {
  test('its view: number, loss, a row per variable named as the Training view names it, badges as on the graph', () => {
    const trace = run();
    const view = summarisedPassView(trace, 2, trainingRun(trace), DEFAULT_THRESHOLDS);
    assert.deepEqual([view.number, view.loss, view.pass.id], [3, 1.5, 2]);
    assert.deepEqual(view.rows.map((r) => [r.name, r.layer, r.badges]), [
      ['net.0.weight', 'net.0', ['vanishing']],
      ['net.1.weight', 'net.1', ['zero']],
      ['net.2.weight', 'net.2', ['nan']],
      ['net.3.weight', 'net.3', ['exploding']],
    ]);
    assert.deepEqual(summaryBadges(v(0, 1e-9), { vanishing: 1e-10, exploding: 1e3 }), [], 'the thresholds decide');
    trace.backwardPasses[2]!.summary!.activations = [{ series: '0', node: 0, calls: 1, units: 8, dead: 2, zeroFraction: 0.5 }];
    const withRelu = summarisedPassView(trace, 2, trainingRun(trace), DEFAULT_THRESHOLDS);
    assert.deepEqual(withRelu.activations.map((a) => [a.name, a.activation.dead, a.activation.units]), [['layer 0', 2, 8]], 'its relu layers, named as the Training view names them');
    const nameless = summarisedPassView(trace, 2, null, DEFAULT_THRESHOLDS);
    assert.equal(nameless.rows[0]!.name, 'net.0.weight', 'without a run, its gluon name');
  });

  test('the nearest passes kept whole, either side; none past the ends or a failed one', () => {
    const trace = run();
    const view = summarisedPassView(trace, 2, null, DEFAULT_THRESHOLDS);
    assert.deepEqual([view.before, view.after], [{ id: 0, number: 1 }, { id: 3, number: 4 }]);
    trace.backwardPasses[3]!.error = 'the graph was freed';
    assert.deepEqual(summarisedPassView(trace, 2, null, DEFAULT_THRESHOLDS).after, { id: 5, number: 6 }, 'a failed pass has no graph worth opening');
    trace.backwardPasses[0]!.kept = false;
    assert.equal(summarisedPassView(trace, 2, null, DEFAULT_THRESHOLDS).before, null);
  });

  test('the derivation shows a summarised pass as its own screen, a kept one as its graph', () => {
    const trace = run();
    const derive = new Derivation({ draw: 10_000, summary: 200_000 });
    const opened = (id: number) => {
      let state = reduce(initialState(null), { type: 'trace/loaded', trace, large: false }, derive);
      state = reduce(state, { type: 'selection/set', selection: { kind: 'pass', id } }, derive);
      return derive.screen(state);
    };
    const screen = opened(2);
    assert.equal(screen.tag, 'summarised');
    if (screen.tag === 'summarised') assert.deepEqual([screen.view.number, screen.training], [3, true]);
    assert.equal(opened(3).tag, 'graph');
  });

  test('the command that keeps it: file, seed, limits only when not the default, --keep by number, the arguments quoted', () => {
    const trace = run();
    trace.run = { ...trace.run, file: '/work/my model/train.ts', seed: 42, argv: [], maxElements: 1024 };
    const pass = trace.backwardPasses[2]!;
    assert.equal(keepCommand(trace, pass), `gradlens trace '/work/my model/train.ts' --seed 42 --keep 3`);
    trace.run = { ...trace.run, argv: ['10', "it's", '--lr=0.1'], maxElements: 64, keep: { maxTraceMb: 8, requested: [], kept: 3, summarised: 3, budgetReachedAt: 1 } };
    assert.equal(keepCommand(trace, pass), `gradlens trace '/work/my model/train.ts' --seed 42 --max-elements 64 --max-trace-mb 8 --keep 3 -- 10 'it'\\''s' --lr=0.1`);
    assert.deepEqual([shellWord('a.ts'), shellWord('$(rm -rf ~)'), shellWord('-x'), shellWord('')], ['a.ts', `'$(rm -rf ~)'`, '-x', `''`]);
  });
});
