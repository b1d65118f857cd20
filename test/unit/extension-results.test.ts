// What the editor shows after a run (extension/results.ts): lens results, inline values and the
// problems of the seed example's trace, and of a program that throws.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { inlineValues, lensResults, problemsOf } from '../../extension/results';
import { describeGradcheck, summarizeGradchecks } from '../../protocol/query/gradcheck';
import type { Trace } from '../../protocol/trace';
import { repoRoot } from '../trace-helpers';
import { beforeSeed, buildTrace, at, op, variable } from './trace-builder';

const FILE = join(repoRoot, 'examples', 'seed', 'autograd.ts');

suite('extension: results in the editor', () => {
  let t: Trace;
  beforeSeed((trace) => { t = trace; });

  test('the lens over the first backward: x.grad and the steps to step through', () => {
    const [result, more] = lensResults(t, FILE, 20);
    assert.equal(result!.title, 'x.grad = [0, 4, 8, 12] · step through 2 steps');
    assert.equal(result!.selection.kind, 'pass');
    assert.equal(t.backwardPasses[result!.selection.id!]!.source?.line, 20);
    assert.equal(more, undefined, 'one lens');
  });

  test('the lens over a record: how many ops and what it returned', () => {
    const [result] = lensResults(t, FILE, 17);
    assert.match(result!.title, /^recorded 2 ops → y = 28$/);
    assert.equal(result!.selection.kind, 'recording');
    assert.equal(t.recordings[result!.selection.id!]!.source?.line, 17);
  });

  test('no result where nothing ran', () => {
    assert.deepEqual(lensResults(t, FILE, 1), []);
    assert.deepEqual(lensResults(t, '/elsewhere.ts', 20), []);
  });

  test('inline values: the value and gradient of the last node of each line, ×N for loops', () => {
    const values = inlineValues(t, FILE);
    assert.equal(values.get(8)?.text, 'x = [0, 1, 2, 3] · ∇ [2, 2, 2, 2]', 'x.grad as the program ended');
    const loop = [...values.values()].find((v) => v.count > 1);
    assert.ok(loop && / \(×\d+, last\)$/.test(loop.text), `a line run many times: ${loop?.text}`);
    for (const [line] of values) assert.ok(t.nodes.some((n) => n.source?.file === FILE && n.source.line === line));
  });

  test('problems: graph breaks once per line, as information, with the trace\'s words', () => {
    const problems = problemsOf(t);
    assert.ok(problems.length > 0);
    assert.ok(problems.every((p) => p.severity === 'information' && p.file === FILE));
    const lines = problems.map((p) => `${p.code}:${p.line}`);
    assert.equal(new Set(lines).size, lines.length, 'one per kind and line');
    const detach = problems.find((p) => p.code === 'detach')!;
    assert.match(detach.message, /detach\(\)/);
  });

  test('problems: the program\'s error at its line, NaN as a warning', () => {
    const trace = buildTrace({
      nodes: [variable(0, 'array', [0], at(1, 'const x = np.array([0]);', 11)), op(1, 'log', [0], [-Infinity], at(2, 'const y = np.log(x);', 11))],
    });
    trace.run.error = { message: 'boom', stack: 'Error: boom', source: { file: trace.run.file, line: 3, column: 7, text: "throw new Error('boom');" }, origin: 'program' };
    trace.anomalies.push({ kind: 'inf', phase: 'forward', node: 1, source: trace.nodes[1]!.source, message: 'log produced -Infinity', inputs: [] });
    const problems = problemsOf(trace);
    assert.deepEqual(problems.map((p) => [p.severity, p.line, p.column, p.code, p.message]), [
      ['error', 3, 7, 'error', 'boom'],
      ['warning', 2, 11, 'inf', 'log produced -Infinity'],
    ]);
  });

  test('problems and words of a gradient check: a failed variable as a warning at its line, a passed one not', () => {
    const trace = buildTrace({
      nodes: [
        variable(0, 'array', [1, 2], at(1, 'const w = np.array([1, 2]);', 11)),
        variable(1, 'array', [3], at(2, 'const b = np.array([3]);', 11)),
        op(2, 'sum', [0, 1], 6, at(3, 'const y = autograd.record(() => w.mul(b).sum());', 11)),
      ],
      passes: [{ heads: [2], line: 4, leafGrads: [[0, [3, 3]], [1, [3]]] }],
    });
    const check = (node: number, ok: boolean, analytic: number, numeric: number) => ({
      node, ok, maxAbsError: Math.abs(analytic - numeric), maxRelError: 0.5, worstIndex: [1], analytic, numeric, checked: 2, size: 2,
    });
    trace.backwardPasses[0]!.gradcheck = { eps: 1e-6, atol: 1e-5, rtol: 1e-3, elements: 32, durationMs: 1, results: [check(0, false, 3, 2), check(1, true, 3, 3)] };
    const problems = problemsOf(trace).filter((p) => p.code === 'gradcheck');
    assert.deepEqual(problems.map((p) => [p.severity, p.line, p.message]), [
      ['warning', 1, 'w (the backward at line 4): gradcheck: at [1] backward gives 3, central differences 2 (max |Δ| 1 over 2 elements)'],
    ]);
    const summary = summarizeGradchecks(trace.backwardPasses, (id) => ['w', 'b'][id] ?? '?');
    assert.equal(summary.checked, 2);
    assert.equal(summary.text, 'gradcheck failed for w (backward at line 4): w at [1] backward gives 3, central differences 2 (max |Δ| 1 over 2 elements)');
    trace.backwardPasses[0]!.gradcheck!.results[0] = check(0, true, 3, 3);
    assert.equal(summarizeGradchecks(trace.backwardPasses, () => '?').text, 'gradcheck passed: 2 variables in 1 backward pass agree with central differences');
    assert.equal(describeGradcheck(check(1, true, 3, 3)), '✓ gradcheck: max |Δ| 0 over 2 elements');
  });
});
