// The trace fuzzer, in Node: thousands of seeded mutations of real traces (the seed example's, as
// the capture writes it, and a synthetic one) go through validateTrace; each that passes goes
// through the whole pure pipeline the page runs — summary, graph (unfolded and folded), layout,
// decorations, step frames and marks, explanations, rules, plots, tooltips, SVG and DOT exports,
// the export name. Nothing may throw, each case stays within a time limit, what is shown carries
// no hidden character, and the step frames agree with the pass gradients the colours use.
import { strict as assert } from 'node:assert';
import { syntheticTrace } from '../../bench/synthetic-trace';
import { checkExportName } from '../../protocol/checkMessages';
import { hasHiddenCharacters } from '../../protocol/display';
import { DEFAULT_THRESHOLDS, type Selection } from '../../protocol/messages';
import { selectNodes } from '../../protocol/query/select';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { Trace } from '../../protocol/trace';
import { validateTrace } from '../../protocol/validate';
import { contrastText, magnitudeScale } from '../../webview/model/colors';
import { decorate, magnitudeOf } from '../../webview/model/decorate';
import { explainGradient } from '../../webview/model/explain';
import { toDot, toSvg } from '../../webview/model/export';
import { exportFileName } from '../../webview/model/exportName';
import { buildGraph, nodeNames, type GraphModel } from '../../webview/model/graph';
import { layeredLayout } from '../../webview/model/layout';
import { stepMarks } from '../../webview/model/marks';
import { describeRunEnd } from '../../protocol/query/outcome';
import { functionPlot } from '../../webview/model/plots';
import { localRule } from '../../webview/model/rules';
import { backwardFrame, forwardFrame, passGradients } from '../../webview/model/stepper';
import { pickerChoices, summarize } from '../../webview/model/summary';
import { formatTensorShort } from '../../webview/model/tensor';
import { tooltipText } from '../../webview/model/tooltip';
import { mutations, seededUniform } from './trace-mutations';
import { seedTrace } from './trace-builder';

/** A case that takes longer than this has a path that is not linear (generous: the machines are shared). */
const CASE_LIMIT_MS = 3_000;

interface Tally { cases: number; valid: number; invalid: number; slowest: number }

/** The same random choices the page could make: a few selections, steps, nodes. */
function sample<T>(list: readonly T[], count: number, random: () => number): T[] {
  if (list.length <= count) return [...list];
  return Array.from({ length: count }, () => list[Math.floor(random() * list.length)]!);
}

function assertShown(text: string, where: string, multiline = false): void {
  assert.ok(!hasHiddenCharacters(text, multiline), `${where} shows a hidden character raw: ${JSON.stringify(text.slice(0, 200))}`);
}

/** Everything the page computes from a valid trace, with the checks that hold for any trace. */
function exercise(trace: Trace, random: () => number): void {
  const summary = summarize(trace);
  assert.equal(summary.nodes, trace.nodes.length);
  for (const choice of pickerChoices(trace, null, true)) assertShown(choice.label, 'a picker label');
  describeRunEnd(trace.run);
  const fileName = exportFileName(trace.run.file, { kind: 'pass', id: 0 }, 'svg');
  assert.ok(checkExportName(fileName, 'svg'), `the export name ${JSON.stringify(fileName)} is refused by the host`);
  nodeNames(trace);
  const selections: Selection[] = [
    ...trace.backwardPasses.map((p) => ({ kind: 'pass' as const, id: p.id })),
    ...trace.recordings.map((r) => ({ kind: 'recording' as const, id: r.id })),
  ];
  for (const selection of sample(selections, 3, random)) {
    selectNodes(trace, selection);
    const models: GraphModel[] = [buildGraph(trace, selection), buildGraph(trace, selection, { fold: true })];
    const folded = models[1]!;
    const group = folded.nodes.find((n) => n.kind === 'group');
    if (group?.foldKey) models.push(buildGraph(trace, selection, { fold: true, expanded: new Set([group.foldKey]) }));
    const pass = selection.kind === 'pass' ? trace.backwardPasses.find((p) => p.id === selection.id) ?? null : null;
    const gradients = pass ? passGradients(pass) : null;
    if (pass) {
      // The colours' gradients are the last frame's totals.
      const last = backwardFrame(pass, pass.steps.length);
      const totals = new Map([...last.known].filter(([, k]) => k.total).map(([node, k]) => [node, k.total]));
      assert.deepEqual(gradients, totals, 'passGradients agrees with the last frame');
      functionPlot(trace, pass);
    }
    for (const model of models) {
      for (const node of model.nodes) {
        assertShown(node.label, 'a graph label', true);
        assert.ok(node.label.length < 400, `a graph label is cut short (${node.label.length} characters)`);
        if (node.fn) assertShown(node.fn, 'a function box');
      }
      const layout = layeredLayout(model);
      const values = model.traceNodes.map((id) => magnitudeOf(indexTrace(trace).nodes.get(id)?.grad));
      const scale = magnitudeScale(values);
      const decorations = decorate({
        trace, model, passGradients: gradients, colorMode: 'gradient', colorizer: { color: (m) => scale.color(m), textColor: contrastText },
        thresholds: DEFAULT_THRESHOLDS, selected: new Set(model.traceNodes.slice(0, 1)), matches: new Set(), cutPoints: new Set(),
      });
      const total = pass ? pass.steps.length : 0;
      for (const step of new Set([0, Math.floor(total / 2), total])) {
        if (pass) stepMarks({ trace, model, frame: { kind: 'backward', frame: backwardFrame(pass, step) }, thresholds: DEFAULT_THRESHOLDS });
        const marks = stepMarks({ trace, model, frame: { kind: 'forward', frame: forwardFrame(trace, model.traceNodes, step) }, thresholds: DEFAULT_THRESHOLDS });
        const svg = toSvg(model, layout.positions, { colors: new Map([...decorations.data].map(([id, d]) => [id, d.color ?? '#ffffff'])), marks });
        assertShown(svg, 'the SVG export', true);
        assert.doesNotMatch(svg, /<script|<img|<svg onload/i, 'the SVG export carries no markup from the trace');
      }
      assertShown(toDot(model, { title: fileName }), 'the DOT export', true);
      for (const element of sample([...model.nodes.map((n) => n.id), ...model.edges.map((e) => e.id)], 10, random)) {
        const tip = tooltipText(trace, model, element);
        if (tip !== null) assertShown(tip, 'the tooltip', true);
      }
    }
  }
  for (const node of sample(trace.nodes, 6, random)) {
    for (const reason of explainGradient(trace, node.id).reasons) reason.text.slice(0, 10);
    const rule = localRule(node.op, node.attrs, node.inputs.length);
    assert.equal(rule.partials.length, node.inputs.length);
    formatTensorShort(node.value);
  }
}

function fuzz(name: string, base: unknown, cases: number, seed: number): Tally {
  const random = seededUniform(seed);
  const mutate = mutations(random);
  const tally: Tally = { cases: 0, valid: 0, invalid: 0, slowest: 0 };
  for (let i = 0; i < cases; i++) {
    const { trace, what } = mutate(base);
    const started = performance.now();
    try {
      const result = validateTrace(trace);
      if (result.ok) {
        tally.valid++;
        exercise(result.trace, random);
      } else {
        tally.invalid++;
        assert.ok(result.problems.length >= 1 && result.problems.length <= 11, 'ten problems at most, then how many more');
        for (const problem of result.problems) {
          assertShown(problem, 'a problem');
          assert.doesNotMatch(problem, /\]\(|</, `a problem carries no markup from the trace (VS Code notifications render links): ${problem}`);
          assert.ok(problem.length < 600, `a problem is short (${problem.length} characters)`);
        }
      }
    } catch (error) {
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      assert.fail(`${name} case ${i} (seed ${seed}) — ${what}:\n${message}`);
    }
    const elapsed = performance.now() - started;
    tally.slowest = Math.max(tally.slowest, elapsed);
    assert.ok(elapsed < CASE_LIMIT_MS, `${name} case ${i} (seed ${seed}) took ${elapsed.toFixed(0)} ms — ${what}`);
    tally.cases++;
  }
  return tally;
}

suite('trace fuzzer (Node)', function () {
  this.timeout(180_000);
  let seed: Trace;

  suiteSetup(async function () {
    this.timeout(60_000);
    seed = JSON.parse(JSON.stringify(await seedTrace())) as Trace;
  });

  test('2,000 mutations of the seed example\'s trace: refused with named problems, or drawn without an exception', () => {
    const tally = fuzz('seed', seed, 2_000, 9);
    // Both outcomes occur: the fuzzer reaches the drawing, not only the validator.
    assert.ok(tally.valid > 300 && tally.invalid > 300, JSON.stringify(tally));
  });

  test('1,000 mutations of a synthetic trace of 200 nodes (residual paths, folded loops)', () => {
    const tally = fuzz('synthetic', JSON.parse(JSON.stringify(syntheticTrace(200))), 1_000, 17);
    assert.ok(tally.valid > 150 && tally.invalid > 150, JSON.stringify(tally));
  });
});
