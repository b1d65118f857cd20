// Every backward pass carries a summary (docs/trace-format.md, "Pass summaries"): checked here
// against a recomputation from the same trace's full tensors — the fixtures' arrays are small, so
// every value and gradient is in the trace whole.
import { strict as assert } from 'node:assert';
import type { BackwardPass, Trace, TraceNode } from '../../protocol/trace';
import { decodeNumber } from '../../protocol/trace';
import { validateTrace } from '../../protocol/validate';
import { fixture, indexNodes, trace } from '../trace-helpers';

const values = (tensor: { data?: unknown[] }): number[] => {
  assert.ok(tensor.data !== undefined, 'the fixture keeps its tensors whole');
  return tensor.data.map((v) => decodeNumber(v as number));
};
const l2 = (xs: number[]) => Math.sqrt(xs.filter(Number.isFinite).reduce((s, x) => s + x * x, 0));
const close = (actual: number | null, expected: number, what: string) => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= 1e-9 + 1e-6 * Math.abs(expected), `${what}: ${actual}, recomputed ${expected}`);
};

suite('pass summaries', () => {
  let t: Trace;
  let nodes: Map<number, TraceNode>;

  suiteSetup(async function () {
    this.timeout(30_000);
    const result = await trace(fixture('train-steps.ts'));
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
    nodes = indexNodes(t);
  });

  const summaryOf = (pass: BackwardPass) => {
    assert.ok(pass.summary, `pass ${pass.id} has a summary`);
    return pass.summary;
  };

  test('every pass: the loss as its head, one series per array across passes, named parameters', () => {
    assert.equal(t.backwardPasses.length, 4);
    const seriesByName = new Map<string, number>();
    for (const pass of t.backwardPasses) {
      const summary = summaryOf(pass);
      close(decodeNumber(summary.head!), values(nodes.get(pass.heads[0]!)!.value)[0]!, `pass ${pass.id} head`);
      assert.deepEqual(summary.variables.map((v) => v.node), pass.leafGrads.map((leaf) => leaf.node), 'in leafGrads order');
      for (const v of summary.variables) {
        const name = v.param ?? `plain:${nodes.get(v.node)!.shape.join('x')}`;
        if (!seriesByName.has(name)) seriesByName.set(name, v.series);
        assert.equal(v.series, seriesByName.get(name), `${name} keeps its series in pass ${pass.id}`);
      }
    }
    assert.deepEqual([...seriesByName.keys()].sort(), ['0.bias', '0.weight', '1.bias', '1.weight', 'plain:3'], 'a top-level Sequential names its children 0, 1');
    assert.equal(new Set(seriesByName.values()).size, 5, 'five arrays, five series');
  });

  test('gradient statistics equal those of the pass\'s leaf gradients', () => {
    for (const pass of t.backwardPasses) {
      summaryOf(pass).variables.forEach((v, i) => {
        const g = values(pass.leafGrads[i]!.grad);
        const what = `pass ${pass.id} ${v.param ?? 'scale'}`;
        close(v.gradL2, l2(g), `${what} gradL2`);
        close(v.gradMaxAbs, Math.max(...g.map(Math.abs)), `${what} gradMaxAbs`);
        const mean = g.reduce((s, x) => s + x, 0) / g.length;
        close(v.gradMean, mean, `${what} gradMean`);
        close(v.gradStd, Math.sqrt(g.reduce((s, x) => s + (x - mean) ** 2, 0) / g.length), `${what} gradStd`);
        assert.equal(v.zeroFraction, g.filter((x) => x === 0).length / g.length, `${what} zeroFraction`);
        assert.equal(v.nan + v.inf, 0);
      });
    }
  });

  test('values and update ratios follow each array from pass to pass', () => {
    const before = new Map<number, number[]>();
    let ratios = 0;
    for (const pass of t.backwardPasses) {
      for (const v of summaryOf(pass).variables) {
        const w = values(nodes.get(v.node)!.value);
        close(v.valueL2, l2(w), `pass ${pass.id} series ${v.series} valueL2`);
        const previous = before.get(v.series);
        if (previous === undefined) assert.equal(v.updateRatio, null, 'no ratio at a series\' first pass');
        else if (l2(previous) === 0) assert.equal(v.updateRatio, null, 'no ratio from a zero value (a bias at its start)');
        else {
          close(v.updateRatio, l2(w.map((x, i) => x - previous[i]!)) / l2(previous), `pass ${pass.id} series ${v.series} updateRatio`);
          assert.ok(v.updateRatio! > 0, 'the trainer moved it');
          ratios++;
        }
        before.set(v.series, w);
      }
    }
    assert.equal(ratios, 3 * 5 - 2, 'every series after its first pass, but the two biases\' first update from zeros');
  });

  test('each step\'s gradient norm, in step order', () => {
    for (const pass of t.backwardPasses) {
      const norms = summaryOf(pass).nodeGradL2;
      assert.deepEqual(norms.map(([node]) => node), pass.steps.map((step) => step.node));
      norms.forEach(([node, norm], i) => close(norm, l2(values(pass.steps[i]!.upstream)), `pass ${pass.id} node ${node}`));
      assert.equal(summaryOf(pass).anomalies, 0);
    }
  });

  test('a pass whose gradient rule made an infinity counts it, and its variable\'s inf', async function () {
    this.timeout(30_000);
    const result = await trace(fixture('nan-backward.ts'));
    const [pass] = result.trace.backwardPasses;
    const summary = summaryOf(pass!);
    assert.ok(summary.anomalies >= 1, JSON.stringify(summary));
    assert.equal(summary.variables[0]!.inf, 1, 'sqrt\'s gradient at 0');
    close(summary.variables[0]!.gradL2, Math.hypot(0.25, 1 / 6), 'the finite elements\' norm');
  });

  test('the inspector refuses a summary that breaks the format, naming the field', () => {
    const copy = JSON.parse(JSON.stringify(t)) as Trace;
    copy.backwardPasses[1]!.summary!.variables[0]!.zeroFraction = 2;
    copy.backwardPasses[2]!.summary!.nodeGradL2[0] = [999_999, 1];
    const result = validateTrace(copy);
    assert.ok(!result.ok);
    const text = result.problems.join('\n');
    assert.match(text, /backwardPasses.*1.*summary.*variables.*0.*zeroFraction/, text);
    assert.match(text, /summary.*nodeGradL2.*0.*999999.*not a node/, text);
  });
});
