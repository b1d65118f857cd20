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

// The relu layers of each pass's forward (summary.activations), recomputed here from the relu
// nodes' values in the trace (kept whole): grouped by gluon layer, else by line and column.
suite('dead relu units', () => {
  let t: Trace;
  const summaryOf = (pass: BackwardPass) => {
    assert.ok(pass.summary, `pass ${pass.id} has a summary`);
    return pass.summary;
  };

  suiteSetup(async function () {
    this.timeout(30_000);
    const result = await trace(fixture('dead-relu.ts'));
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
  });

  /** Units and dead units of one relu output, by the definition: axis 1 (else each element); 0 in every row and position. */
  const recount = (node: TraceNode) => {
    const data = values(node.value);
    const shape = node.shape;
    const units = shape.length < 2 ? (shape[0] ?? 1) : shape[1]!;
    const inner = shape.slice(2).reduce((a, b) => a * b, 1);
    const alive = new Set<number>();
    data.forEach((v, i) => { if (v !== 0) alive.add(Math.floor(i / inner) % units); });
    return { units, dead: units - alive.size, zeros: data.filter((v) => v === 0).length, elements: data.length };
  };

  test('one entry per relu layer of the pass\'s forward, its units and dead units as recounted from its nodes', () => {
    assert.equal(t.backwardPasses.length, 2);
    let previousLast = -1;
    for (const pass of t.backwardPasses) {
      const reluNodes = t.nodes.filter((n) => n.op === 'relu' && n.recording && n.id > previousLast && n.id <= pass.lastNode!);
      previousLast = pass.lastNode!;
      const expected = new Map<string, { node: number; calls: number; units: number; dead: number; zeros: number; elements: number }>();
      for (const node of reluNodes) {
        const key = node.layer ? `layer ${node.layer}` : `line ${node.source!.line}:${node.source!.column}`;
        const counts = recount(node);
        const entry = expected.get(key);
        if (!entry) { expected.set(key, { node: node.id, calls: 1, ...counts }); continue; }
        entry.calls++;
        entry.units += counts.units;
        entry.dead += counts.dead;
        entry.zeros += counts.zeros;
        entry.elements += counts.elements;
      }
      const activations = summaryOf(pass).activations;
      assert.ok(activations, `pass ${pass.id} has activations`);
      assert.deepEqual(activations.map((a) => ({ node: a.node, calls: a.calls, units: a.units, dead: a.dead, zeroFraction: a.zeroFraction })),
        [...expected.values()].map((e) => ({ node: e.node, calls: e.calls, units: e.units, dead: e.dead, zeroFraction: e.zeros / e.elements })), `pass ${pass.id}`);
      // What the fixture built: the three relus of one line summed; Dense units 0-2 dead; the conv's channel 1 dead.
      assert.deepEqual(activations.map((a) => [a.calls, a.units, a.dead]), [[3, 9, 0], [1, 6, 3], [1, 2, 1]]);
      assert.equal(activations[1]!.series, '0', 'a relu inside a block is the block\'s path (a top-level Sequential names its children 0, 1)');
      assert.match(activations[0]!.series, /^site:\d+$/);
      assert.match(activations[2]!.series, /^site:\d+$/, 'the outermost model\'s relu is its place in the program');
      assert.notEqual(activations[0]!.series, activations[2]!.series);
    }
    const keys = t.backwardPasses.map((pass) => summaryOf(pass).activations!.map((a) => a.series));
    assert.deepEqual(keys[1], keys[0], 'the same series in every pass');
  });

  test('leaky relus and relus outside record are not counted; a summary without activations (an older trace) is valid, a broken one is not', () => {
    const counted = new Set(t.backwardPasses.flatMap((pass) => summaryOf(pass).activations!.map((a) => a.node)));
    for (const node of t.nodes.filter((n) => n.op === 'leakyRelu')) assert.ok(!counted.has(node.id));
    const copy = JSON.parse(JSON.stringify(t)) as Trace;
    delete copy.backwardPasses[0]!.summary!.activations;
    assert.ok(validateTrace(copy).ok, 'absent: unknown, as in traces written before');
    copy.backwardPasses[1]!.summary!.activations![1]!.dead = 7;
    copy.backwardPasses[1]!.summary!.activations![0]!.node = 999_999;
    const result = validateTrace(copy);
    assert.ok(!result.ok);
    const text = result.problems.join('\n');
    assert.match(text, /backwardPasses.*1.*summary.*activations.*1.*dead/, text);
    assert.match(text, /summary.*activations.*0.*node.*999999.*not a node/, text);
  });
});
