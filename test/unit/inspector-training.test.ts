// The Training view's model (webview/model/training.ts), in Node: a run read from its passes'
// summaries — series in network order and their names, curves reduced to pixel columns without
// losing a spike, the heatmap's cells, the gradient flow of a pass, marks and words — and the
// state and messages around it (the 'training' selection, run/again-keeping).
import { strict as assert } from 'node:assert';
import { checkHostMessage, checkWebviewMessage } from '../../protocol/checkMessages';
import { DEFAULT_THRESHOLDS } from '../../protocol/messages';
import { passToKeep } from '../../protocol/query/training';
import type { ActivationSummary, TraceNumber, Trace, VariableSummary } from '../../protocol/trace';
import {
  deadShareCurve, hasTraining, layerOf, nearestPosition, opensOnTraining, positionOfIndex, reduceToColumns, runMarks, seriesMarks, trainingRun, type TrainingRun,
} from '../../webview/model/training';
import {
  CellKind, decades, flowOf, flowRange, heatmapOf, heatPosition, labelEvery, layerGroups, passTicks, rmsGradient, rowHeightFor,
} from '../../webview/model/trainingCharts';
import { chartWords, deadWords, findings, firstExploding, flowWords, heatmapWords, lossSummary, percentWord, phraseText } from '../../webview/model/trainingWords';
import { pickerChoices } from '../../webview/model/summary';
import { Derivation } from '../../webview/state/derive';
import { reduce } from '../../webview/state/reduce';
import { initialState, type Action, type InspectorState } from '../../webview/state/state';
import { at, loopPassesTrace, variable } from './trace-builder';

/** A variable's summary: its ‖∇‖ is `gradL2`, and (mean 0, std ‖∇‖) so is its RMS gradient. */
function v(series: number, node: number, gradL2: number | null, extra: Partial<VariableSummary> = {}): VariableSummary {
  return {
    series, node, param: null, gradL2, gradMaxAbs: gradL2, gradMean: gradL2 === null ? null : 0, gradStd: gradL2,
    zeroFraction: 0, nan: 0, inf: 0, valueL2: 1, updateRatio: null, ...extra,
  };
}

/**
 * A run of passes over loopPassesTrace's graph (x = node 0, `const x = …` at line 1; node 1 its
 * square), each pass with the loss and variables given, plus a leaf at line 7 that names nothing.
 */
function runTrace(passes: { loss: TraceNumber | null; variables: VariableSummary[]; anomalies?: number; activations?: ActivationSummary[] }[]): Trace {
  const trace = loopPassesTrace(passes.map(() => 4));
  trace.nodes.push(variable(2, 'array', [3], at(7, 'use(np.array([3]));')));
  trace.backwardPasses.forEach((pass, i) => {
    const { activations } = passes[i]!;
    pass.summary = { head: passes[i]!.loss, variables: passes[i]!.variables, nodeGradL2: [], anomalies: passes[i]!.anomalies ?? 0, ...(activations ? { activations } : {}) };
  });
  return trace;
}

/** Three passes of two gluon parameters of one block: the loss NaN at #2 with two anomalies, the bias's ∇ with 3 NaN there. */
function wordsRun(): { trace: Trace; run: TrainingRun } {
  const weight = (node: number, gradL2: number, extra: Partial<VariableSummary>) => v(1, node, gradL2, { param: 'net.0.weight', ...extra });
  const bias = (node: number, gradL2: number, extra: Partial<VariableSummary>) => v(0, node, gradL2, { param: 'net.0.bias', ...extra });
  const trace = runTrace([
    { loss: 2, variables: [bias(11, 2, {}), weight(10, 0.5, {})] },
    { loss: 'NaN', anomalies: 2, variables: [bias(21, 4, { nan: 3, updateRatio: 0.1 }), weight(20, 0.25, { zeroFraction: 0.25, updateRatio: 0.01 })] },
    { loss: 1, variables: [bias(31, 8, { updateRatio: 0.2 }), weight(30, 0.125, { zeroFraction: 0.5, updateRatio: 0.0005 })] },
  ]);
  return { trace, run: trainingRun(trace) };
}

suite('inspector training: the run', () => {
  test('a Training view needs two passes with summaries; a trace of 20 passes or more opens on it', () => {
    const withPasses = (count: number) => loopPassesTrace(new Array<number>(count).fill(4), new Array<number>(count).fill(1));
    assert.equal(hasTraining(withPasses(1)), false);
    assert.equal(hasTraining(withPasses(2)), true);
    const old = withPasses(30);
    for (const pass of old.backwardPasses) delete pass.summary;
    assert.equal(hasTraining(old), false, 'traces written before summaries have none');
    assert.deepEqual([opensOnTraining(withPasses(19)), opensOnTraining(withPasses(20)), opensOnTraining(old)], [false, true, false]);
  });

  test('passes numbered as the picker numbers them, with their loss (NaN read back), kept or summarised, anomalies', () => {
    const trace = runTrace([{ loss: 2.5, variables: [] }, { loss: null, variables: [] }, { loss: 'NaN', variables: [], anomalies: 4 }, { loss: '-Infinity', variables: [] }]);
    trace.backwardPasses[2]!.kept = false;
    delete trace.backwardPasses[1]!.summary; // a pass without a summary is not on the curves
    const run = trainingRun(trace);
    assert.deepEqual(run.passes.map((p) => [p.index, p.number, p.id, p.kept, p.loss, p.anomalies]), [
      [0, 1, 0, true, 2.5, 0], [2, 3, 2, false, NaN, 4], [3, 4, 3, true, -Infinity, 0],
    ]);
    assert.deepEqual([positionOfIndex(run, 0), positionOfIndex(run, 1), positionOfIndex(run, 2), positionOfIndex(run, 3)], [0, -1, 1, 2]);
    assert.deepEqual([6, 3.4, 3.5, 2, 1, -5, 99].map((x) => nearestPosition(run, x)), [2, 1, 1, 0, 0, 0, 2], 'nearest pass number; a tie goes to the earlier');
    assert.equal(nearestPosition(run, NaN), -1);
  });

  test('series in network order (the pass they first appear in, then node id), named by gluon name, variable name, line, else number', () => {
    const trace = runTrace([
      { loss: 1, variables: [v(0, 2, 1), v(1, 0, 1), v(2, 99, 1)] },
      { loss: 1, variables: [v(3, 5, 1, { param: 'net.1.weight' }), v(0, 2, 1)] },
    ]);
    const run = trainingRun(trace);
    assert.deepEqual(run.series.map((s) => [s.id, s.name, s.layer]), [
      [1, 'x', null], [0, 'line 7', null], [2, 'variable 2', null], [3, 'net.1.weight', 'net.1'],
    ]);
    assert.deepEqual(run.series[1]!.at.map((x) => x?.node ?? null), [2, 2]);
    assert.deepEqual(run.series[3]!.at.map((x) => x?.node ?? null), [null, 5], 'aligned with the passes: null where it took no part');
    assert.deepEqual([layerOf('net.0.weight'), layerOf('1.bias'), layerOf('weight'), layerOf(null)], ['net.0', '1', null, null]);
  });

  test('names from the trace are cut and their hidden characters escaped', () => {
    const trace = runTrace([{ loss: 1, variables: [v(0, 0, 1, { param: 'w'.repeat(60) }), v(1, 1, 1, { param: 'evil\u202Etxt.exe' })] }]);
    const [long, hidden] = trainingRun(trace).series;
    assert.equal(long!.name, `${'w'.repeat(48)}…`);
    assert.equal(hidden!.name, 'evil\\u202Etxt.exe');
  });
});

suite('inspector training: curves', () => {
  test('at most two points per pixel column: each curve\'s min and max in the order they came, at the column\'s first and last x', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const reduced = reduceToColumns({ x, ys: [[5, 1, 9, 2, 3, 3, null, 4], [null, null, null, null, 1, 2, 3, 4], [0, 0, 0, 7, 6, 0, 0, 0]] }, 2);
    assert.deepEqual(reduced, { x: [1, 4, 5, 8], ys: [[1, 9, 3, 4], [null, null, 1, 4], [0, 7, 6, 0]] });
    // Columns split the x range: a lone point in its column stays one point.
    assert.deepEqual(reduceToColumns({ x: [1, 2, 3, 50, 100], ys: [[1, 2, 3, 4, 5]] }, 2), { x: [1, 50, 100], ys: [[1, 4, 5]] });
    // Few points for the columns: as they are.
    assert.deepEqual(reduceToColumns({ x: [1, 2, 3, 4], ys: [[4, 3, null, 1]] }, 2), { x: [1, 2, 3, 4], ys: [[4, 3, null, 1]] });
  });

  test('10,000 points into 500 columns: at most 1,000 points, and a spike and a dip of one pass each are still there', () => {
    const x = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const y = x.map(() => 1);
    y[4321] = 1000;
    y[7777] = 1e-6;
    const reduced = reduceToColumns({ x, ys: [y] }, 500);
    assert.equal(reduced.x.length, 1000);
    assert.deepEqual([reduced.x[0], reduced.x[999]], [1, 10_000]);
    const spike = reduced.ys[0]!.indexOf(1000);
    const dip = reduced.ys[0]!.indexOf(1e-6);
    assert.ok(spike >= 0 && dip >= 0, 'both kept');
    // Drawn in its own pixel column (20 passes wide), at one of the column's two x.
    assert.ok(Math.abs(reduced.x[spike]! - 4322) < 20 && Math.abs(reduced.x[dip]! - 7778) < 20, `the spike and the dip in their columns (x ${reduced.x[spike]}, ${reduced.x[dip]})`);
    assert.equal(reduced.ys[0]!.filter((value) => value !== 1).length, 2);
  });

  test('marks: passes whose loss was NaN/∞ or that found anomalies, and passes where a series\' ∇ had NaN/∞', () => {
    const { run } = wordsRun();
    assert.deepEqual(runMarks(run), [{ number: 2, kind: 'run', label: 'loss NaN, 2 anomalies' }]);
    assert.deepEqual(seriesMarks(run), [{ number: 2, kind: 'series', series: 1, label: 'net.0.bias: ∇ has 3 NaN' }]);
  });
});

suite('inspector training: heatmap and flow', () => {
  /** A: ‖∇‖ 0.1, 10, 1, all zeros, NaN. B: from pass 3 only, zeros twice, then 1e-3. */
  function heatRun(): TrainingRun {
    const trace = runTrace([
      { loss: 1, variables: [v(0, 0, 0.1)] },
      { loss: 1, variables: [v(0, 0, 10)] },
      { loss: 1, variables: [v(0, 0, 1), v(1, 2, 0)] },
      { loss: 1, variables: [v(0, 0, 0), v(1, 2, 0)] },
      { loss: 1, variables: [v(0, 0, 0.5, { nan: 1 }), v(1, 2, 1e-3)] },
    ]);
    return trainingRun(trace);
  }

  test('a column per pass: log10 ‖∇‖, all-zero cells, NaN cells, and blanks where a series took no part', () => {
    const map = heatmapOf(heatRun(), 100);
    assert.deepEqual([map.rows, map.columns, map.min, map.max], [2, 5, -3, 1]);
    assert.deepEqual([...map.kinds], [
      CellKind.Value, CellKind.Value, CellKind.Value, CellKind.Zero, CellKind.NonFinite,
      CellKind.None, CellKind.None, CellKind.Zero, CellKind.Zero, CellKind.Value]);
    assert.deepEqual([...map.values].map((x) => (Number.isNaN(x) ? null : x)), [-1, 1, 0, null, null, null, null, null, null, -3]);
    assert.deepEqual([...map.passAt], [0, 1, 2, 3, 4, -1, -1, 2, 3, 4]);
    assert.deepEqual([heatPosition(map, -1), heatPosition(map, -3), heatPosition(map, 5)], [0.5, 0, 1]);
  });

  test('more passes than columns: each column the largest of its passes; a NaN anywhere in it wins; zeros only when nothing else', () => {
    const run = heatRun();
    const map = heatmapOf(run, 2);
    assert.deepEqual([[...map.firstOf], [...map.lastOf]], [[0, 2], [1, 4]]);
    assert.deepEqual([...map.kinds], [CellKind.Value, CellKind.NonFinite, CellKind.None, CellKind.Value]);
    assert.deepEqual([...map.passAt], [1, 4, -1, 4], 'the pass whose value the cell shows');
    assert.deepEqual([map.values[0], map.values[3]], [1, -3]);
    assert.equal(heatmapWords(run, map), '2 parameters × 5 passes in 2 columns (each the largest of its passes); ‖∇‖ from 0.001 to 10; NaN/∞ in 1 cell');
    assert.equal(heatmapWords(run, heatmapOf(run, 10)), '2 parameters × 5 passes; ‖∇‖ from 0.001 to 10; NaN/∞ in 1 cell; all-zero in 3 cells');
  });

  test('rows shrink to fit and are labelled every few rows when a label does not fit', () => {
    assert.deepEqual([rowHeightFor(4, 360), rowHeightFor(40, 360), rowHeightFor(300, 360), rowHeightFor(1000, 360), rowHeightFor(0, 360)], [18, 9, 2, 2, 18]);
    assert.deepEqual([labelEvery(18, 13), labelEvery(9, 13), labelEvery(2, 13)], [1, 2, 7]);
    assert.deepEqual(passTicks(1, 60, 8), [10, 20, 30, 40, 50, 60]);
    assert.deepEqual(passTicks(1, 3, 8), [1, 2, 3], 'whole passes only');
    assert.deepEqual(passTicks(1, 10_000, 5), [2000, 4000, 6000, 8000, 10_000]);
  });

  test('a log axis: powers of ten in its range, every few when they do not fit (down to float32\'s denormals)', () => {
    assert.deepEqual(decades(0.5, 2000, 8), [1, 10, 100, 1000]);
    assert.deepEqual(decades(3.9e-45, 2000, 8), [1e-42, 1e-36, 1e-30, 1e-24, 1e-18, 1e-12, 1e-6, 1]);
    assert.deepEqual(decades(1e-7, 1e3, 20), [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]);
    assert.deepEqual([decades(0, 1, 5), decades(2, 1, 5), decades(1, Infinity, 5)], [[], [], []]);
  });

  test('RMS ∇ is √(mean² + std²) of the finite elements; bars in network order grouped by layer; an axis fixed over the run', () => {
    assert.equal(rmsGradient(v(0, 0, 1, { gradMean: 3, gradStd: 4 })), 5);
    assert.equal(rmsGradient(v(0, 0, null)), null);
    const { run } = wordsRun();
    const bars = flowOf(run, 1);
    assert.deepEqual(bars.map((b) => [b.name, b.layer, b.rms, b.nonFinite]), [['net.0.weight', 'net.0', 0.25, false], ['net.0.bias', 'net.0', 4, true]]);
    assert.deepEqual(layerGroups(bars), [{ layer: 'net.0', first: 0, last: 1 }]);
    assert.deepEqual(flowRange(run), { min: Math.log10(0.125), max: Math.log10(8) });
    assert.equal(flowWords(run, 1), 'pass #2: RMS ∇ largest net.0.bias 4, smallest net.0.weight 0.25; NaN/∞ in net.0.bias');
    const named = flowOf(trainingRun(runTrace([{ loss: 1, variables: [v(0, 0, 1), v(1, 1, 1, { param: 'a.w' }), v(2, 2, 1, { param: 'a.b' }), v(3, 3, 1)] }])), 0);
    assert.deepEqual(layerGroups(named), [{ layer: null, first: 0, last: 0 }, { layer: 'a', first: 1, last: 2 }, { layer: null, first: 3, last: 3 }]);
  });
});

suite('inspector training: words', () => {
  test('what went wrong first: the loss gone NaN, each gradient that vanished and from which pass', () => {
    const trace = runTrace([
      { loss: 2.5, variables: [v(0, 0, 1), v(1, 2, 1e-9)] },
      { loss: 1, variables: [v(0, 0, 1e-9), v(1, 2, 0)] },
      { loss: 'NaN', variables: [v(0, 0, 1e-8), v(1, 2, null)] },
      { loss: 0.5, variables: [v(0, 0, 1e-9), v(1, 2, 1e-8)] },
    ]);
    const run = trainingRun(trace);
    const said = findings(trace, run, DEFAULT_THRESHOLDS);
    assert.deepEqual(said.map(phraseText), [
      'The loss became NaN at pass #3.',
      'x\'s gradient vanished from pass #2 (‖∇‖ below 1e-7 to the end).',
      'line 7\'s gradient was below 1e-7 in every pass, from pass #1.',
    ]);
    assert.equal((said[1]![1] as { pass: { id: number } }).pass.id, 1, 'a mention is the pass, to open');
    assert.equal(lossSummary(run), 'loss 2.5 → 0.5 over 4 passes');
    const higher = findings(trace, run, { vanishing: 1e-10, exploding: 1e3 }).map(phraseText);
    assert.deepEqual(higher, ['The loss became NaN at pass #3.', 'No parameter\'s gradient vanished (‖∇‖ below 1e-10 to the end of the run).']);
  });

  test('a gradient that exploded: the first pass where a ‖∇‖ went above the threshold, and whose', () => {
    const trace = runTrace([
      { loss: 1, variables: [v(0, 0, 1), v(1, 2, 2)] },
      { loss: 1, variables: [v(0, 0, 2000), v(1, 2, 5000)] },
      { loss: 1, variables: [v(0, 0, 9000), v(1, 2, 1)] },
    ]);
    const run = trainingRun(trace);
    assert.deepEqual(findings(trace, run, DEFAULT_THRESHOLDS).map(phraseText), [
      'A gradient first exploded at pass #2: line 7\'s ‖∇‖ 5000 (above 1000).',
      'No parameter\'s gradient vanished (‖∇‖ below 1e-7 to the end of the run), and the loss stayed finite.',
    ]);
    assert.equal(firstExploding(run, 1e4), null);
    assert.deepEqual(firstExploding(run, 3000), { position: 1, series: run.series[1], value: 5000 });
  });

  test('nothing wrong says so; many vanished gradients: five named, the rest counted', () => {
    const fine = runTrace([{ loss: 2, variables: [v(0, 0, 1)] }, { loss: 1, variables: [v(0, 0, 1)] }]);
    assert.deepEqual(findings(fine, trainingRun(fine), DEFAULT_THRESHOLDS).map(phraseText),
      ['No parameter\'s gradient vanished (‖∇‖ below 1e-7 to the end of the run), and the loss stayed finite.']);
    const many = Array.from({ length: 8 }, (_, i) => v(i, 100 + i, 0, { param: `net.${i}.weight` }));
    const dark = runTrace([{ loss: 1, variables: many.map((x) => ({ ...x, gradL2: 1 })) }, { loss: 1, variables: many }]);
    const said = findings(dark, trainingRun(dark), DEFAULT_THRESHOLDS).map(phraseText);
    assert.equal(said.length, 6);
    assert.equal(said[0], 'net.0.weight\'s gradient vanished from pass #2 (‖∇‖ below 1e-7 to the end).');
    assert.equal(said[5], '3 more parameters\' gradients vanished (the heatmap shows them).');
  });

  test('each chart in a line of words (its text alternative)', () => {
    const { run } = wordsRun();
    assert.deepEqual(chartWords(run, DEFAULT_THRESHOLDS), {
      loss: 'loss 2 → 1 over 3 passes; lowest 1 at #3; marked: #2 loss NaN, 2 anomalies',
      gradNorm: '‖∇‖ at #3: largest net.0.bias 8, smallest net.0.weight 0.125; vanishing below 1e-7, exploding above 1000',
      updates: '‖Δw‖/‖w‖ at #3: largest net.0.bias 0.2, smallest net.0.weight 0.0005; 1 below the 0.001 rule of thumb',
      zeros: 'most exact-zero gradient elements: net.0.weight, 50% at #3',
      dead: 'no relu layer',
    });
    assert.equal(heatmapWords(run, heatmapOf(run, 3)), '2 parameters × 3 passes; ‖∇‖ from 0.125 to 8; NaN/∞ in 1 cell');
    // Two parameters with the same share lie on one curve: both named.
    const tied = runTrace([{ loss: 1, variables: [v(0, 10, 1, { param: 'a', zeroFraction: 0.25 }), v(1, 11, 1, { param: 'b', zeroFraction: 0.25 })] }, { loss: 1, variables: [v(0, 20, 1, { param: 'a' }), v(1, 21, 1, { param: 'b' })] }]);
    assert.equal(chartWords(trainingRun(tied), DEFAULT_THRESHOLDS).zeros, 'most exact-zero gradient elements: a, b (the same share: one curve), 25% at #1');
  });
});

suite('inspector training: dead relu units', () => {
  /** A relu layer's summary at a pass: `dead` of `units` units, over `calls` calls. */
  const relu = (series: string, node: number, units: number, dead: number, calls = 1): ActivationSummary => ({ series, node, calls, units, dead, zeroFraction: dead / units });
  /** Three passes: layer net.0 (256 units) dying, layer 1 (a bare number) fine, a relu at line 7 outside blocks (node 2) called 32 times, absent at #2. */
  const reluRun = () => runTrace([
    { loss: 2, variables: [], activations: [relu('net.0', 10, 256, 10), relu('1', 11, 8, 0), relu('site:4', 2, 32 * 16, 32 * 16, 32)] },
    { loss: 1.5, variables: [], activations: [relu('net.0', 20, 256, 100), relu('1', 21, 8, 1)] },
    { loss: 1, variables: [], activations: [relu('net.0', 30, 256, 161), relu('1', 31, 8, 0), relu('site:4', 2, 32 * 16, 300, 32)] },
  ]);

  test('one series per relu key in order of first call, aligned with the passes; named by block path, else by line; the dead share curve', () => {
    const run = trainingRun(reluRun());
    assert.deepEqual(run.activations.map((a) => [a.key, a.name, a.subject, a.at.map((x) => x?.node ?? null)]), [
      ['net.0', 'net.0', 'net.0\'s relu', [10, 20, 30]],
      ['1', 'layer 1', 'layer 1\'s relu', [11, 21, 31]],
      ['site:4', 'relu at line 7', 'the relu at line 7', [2, null, 2]],
    ]);
    assert.deepEqual(run.activations.map(deadShareCurve), [[10 / 256, 100 / 256, 161 / 256], [0, 1 / 8, 0], [1, null, 300 / 512]]);
    const old = runTrace([{ loss: 1, variables: [] }, { loss: 1, variables: [] }]);
    assert.deepEqual(trainingRun(old).activations, [], 'a trace written before activations has none (the chart is not shown)');
    const hostile = trainingRun(runTrace([{ loss: 1, variables: [], activations: [relu('net.\u202e0<b>', 1, 4, 4)] }, { loss: 1, variables: [] }]));
    assert.ok(!hostile.activations[0]!.name.includes('\u202e'), `a block path from the trace is text, its hidden characters shown: ${hostile.activations[0]!.name}`);
  });

  test('the findings name each relu layer at least half dead at its last pass, with that pass; the chart in words', () => {
    const trace = reluRun();
    const run = trainingRun(trace);
    const said = findings(trace, run, DEFAULT_THRESHOLDS);
    assert.deepEqual(said.map(phraseText).slice(1), [
      'net.0\'s relu: 63 % of its 256 units dead at pass #3 (0 for the whole batch).',
      'the relu at line 7: 59 % of its 512 units (32 calls) dead at pass #3 (0 for the whole batch).',
    ]);
    assert.equal(said[1]!.find((part) => typeof part !== 'string') && (said[1]!.find((part) => typeof part !== 'string') as { pass: { id: number } }).pass.id, 2, 'the mention opens pass #3');
    assert.equal(deadWords(run), 'dead at the last pass: net.0: 63 % of 256 units at #3, layer 1: 0 % of 8 units at #3, relu at line 7: 59 % of 512 units (32 calls) at #3; most dead: relu at line 7, 100 % at #1');
    assert.equal(chartWords(run, DEFAULT_THRESHOLDS).dead, deadWords(run));
    // Just below half: no sentence.
    const fine = runTrace([{ loss: 1, variables: [], activations: [relu('net.0', 1, 256, 127)] }, { loss: 1, variables: [], activations: [relu('net.0', 1, 256, 127)] }]);
    assert.equal(findings(fine, trainingRun(fine), DEFAULT_THRESHOLDS).length, 1);
    assert.equal(deadWords(trainingRun(runTrace([{ loss: 1, variables: [], activations: [relu('0', 1, 4, 0)] }, { loss: 1, variables: [] }]))),
      'dead at the last pass: layer 0: 0 % of 4 units at #1; no dead unit in any pass');
    assert.deepEqual([0, 0.001, 0.5, 0.999, 1].map(percentWord), ['0 %', '<1 %', '50 %', '>99 %', '100 %']);
  });
});

suite('inspector training: state and messages', () => {
  const derive = new Derivation({ draw: 10_000, summary: 200_000 });
  const run = (state: InspectorState, ...actions: Action[]) => actions.reduce((s, action) => reduce(s, action, derive), state);
  const passes = (count: number) => loopPassesTrace(new Array<number>(count).fill(4), new Array<number>(count).fill(1));
  const load = (trace: Trace, extra: Partial<Extract<Action, { type: 'trace/loaded' }>> = {}, from = initialState(undefined)) =>
    run(from, { type: 'trace/loaded', trace, large: false, ...extra });

  test('a long run opens on the Training view, unless the host asked for a selection; a short one on its first pass', () => {
    assert.deepEqual(load(passes(20)).ui.selection, { kind: 'training' });
    assert.deepEqual(load(passes(19)).ui.selection, { kind: 'pass', id: 0 });
    assert.deepEqual(load(passes(20), { selection: { kind: 'pass', id: 3 } }).ui.selection, { kind: 'pass', id: 3 });
    assert.deepEqual(load(passes(3), { selection: { kind: 'training' } }).ui.selection, { kind: 'training' }, 'the host can ask for it');
    assert.deepEqual(run(initialState(undefined), { type: 'trace/loaded', trace: passes(30), large: true }).ui.selection, { kind: 'training' }, 'a large long run too');
    // Persisted across a reload, it stays (a large trace too); a trace without it falls back.
    const restored = initialState({ selection: { kind: 'training' } });
    assert.deepEqual(load(passes(3), {}, restored).ui.selection, { kind: 'training' });
    assert.deepEqual(run(restored, { type: 'trace/loaded', trace: passes(3), large: true }).ui.selection, { kind: 'training' });
    assert.deepEqual(load(passes(1), {}, restored).ui.selection, { kind: 'pass', id: 0 });
  });

  test('the Training view is chosen like a pass; a trace without summaries refuses it; a click opens a pass going backward', () => {
    const state = load(passes(3));
    const training = run(state, { type: 'selection/set', selection: { kind: 'training' } });
    assert.deepEqual(training.ui.selection, { kind: 'training' });
    const screen = derive.screen(training);
    assert.equal(screen.tag, 'training');
    assert.equal(derive.screen(training), screen, 'the same screen while nothing changed');
    assert.equal(screen.tag === 'training' ? screen.run.passes.length : 0, 3);
    assert.notEqual(derive.screen(run(training, { type: 'thresholds/set', thresholds: { vanishing: 1e-3, exploding: 10 } })), screen, 'new thresholds, new words');
    assert.equal(derive.stepCount(training), 0);
    const old = passes(3);
    for (const pass of old.backwardPasses) delete pass.summary;
    const plain = load(old);
    assert.equal(run(plain, { type: 'selection/set', selection: { kind: 'training' } }), plain);
    const forward = run(training, { type: 'view/set', view: 'forward' });
    const opened = run(forward, { type: 'selection/set', selection: { kind: 'pass', id: 2 }, view: 'backward' });
    assert.deepEqual([opened.ui.selection, opened.ui.view, opened.ui.step], [{ kind: 'pass', id: 2 }, 'backward', 0]);
    assert.deepEqual(run(training, { type: 'selection/pass-number', number: 2 }).ui.selection, { kind: 'pass', id: 1 }, 'Pass # works from it');
    assert.equal(run(training, { type: 'selection/step-same-line', direction: 'next' }), training, 'PageDown has no pass to go from');
  });

  test('the picker lists "Training view" first when at least two passes have summaries', () => {
    assert.deepEqual(pickerChoices(passes(2), { kind: 'training' }, true).slice(0, 2), [{ value: 'training', label: 'Training view' }, { value: 'summary', label: 'Summary of the trace' }]);
    assert.ok(!pickerChoices(passes(1), null, false).some((c) => c.value === 'training'));
  });

  test('messages: the host may select the Training view; run/again-keeping names a pass id; a step is never of the Training view', () => {
    assert.ok(checkHostMessage({ type: 'selection/set', selection: { kind: 'training' } }).ok);
    assert.ok(checkHostMessage({ type: 'trace/snapshot', trace: {}, selection: { kind: 'training' } }).ok);
    assert.equal(checkHostMessage({ type: 'selection/set', selection: { kind: 'training', id: 3 } }).ok, false);
    assert.deepEqual(checkWebviewMessage({ type: 'run/again-keeping', pass: 411, file: '/etc/passwd' }), { ok: true, message: { type: 'run/again-keeping', pass: 411 } });
    for (const pass of [-1, 1.5, '3', null, 2 ** 60]) {
      const checked = checkWebviewMessage({ type: 'run/again-keeping', pass });
      assert.ok(!checked.ok && /"pass" is not a backward pass id/.test(checked.problem), JSON.stringify(pass));
    }
    assert.equal(checkWebviewMessage({ type: 'step/changed', selection: { kind: 'training' }, view: 'backward', step: 0, total: 0, nodeIds: [] }).ok, false);
    // The host checks the id against its trace: a summarised pass of it, else nothing to keep.
    const trace = passes(3);
    trace.backwardPasses[1]!.kept = false;
    assert.equal(passToKeep(trace, 1), trace.backwardPasses[1]);
    assert.deepEqual([passToKeep(trace, 0), passToKeep(trace, 7), passToKeep(trace, 1.5)], [null, null, null]);
  });
});
