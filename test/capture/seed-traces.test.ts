// The seed examples traced: nodes and their lines, the order of each backward pass, contributions
// and accumulation, graph breaks, and the gradients a pass leaves alone.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decodeNumber, type BackwardPass, type Tensor, type Trace, type TraceNode } from '../../protocol/trace';
import { indexNodes, repoRoot, trace } from '../trace-helpers';

const seedDir = join(repoRoot, 'examples', 'seed');
const values = (tensor: Tensor | undefined) => (tensor?.data ?? []).map(decodeNumber);

suite('traces of the seed examples', () => {
  let t: Trace;
  let nodes: Map<number, TraceNode>;
  const line = (id: number) => nodes.get(id)!.source?.line;
  const op = (id: number) => nodes.get(id)!.op;
  const passAt = (sourceLine: number): BackwardPass => {
    const pass = t.backwardPasses.find((p) => p.source?.line === sourceLine);
    assert.ok(pass, `a backward pass at line ${sourceLine}`);
    return pass;
  };

  suiteSetup(async function () {
    this.timeout(30_000);
    const result = await trace(join(seedDir, 'autograd.ts'));
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
    nodes = indexNodes(t);
  });

  test('the run: exit code, output, engine version, seed', () => {
    assert.equal(basename(t.run.file), 'autograd.ts');
    assert.equal(t.run.exitCode, 0);
    assert.equal(t.run.timedOut, false);
    assert.match(t.run.stdout, /^array\(\[0\., 1\., 2\., 3\.\]\)\n/);
    assert.equal(t.run.engineVersion, '0.1.0');
    assert.equal(t.run.seed, 1);
    assert.equal(t.recordings.length, 9);
    assert.equal(t.backwardPasses.length, 10);
  });

  test('y = 2·dot(x, x): nodes on line 17, x from line 8', () => {
    const recording = t.recordings[0]!;
    assert.equal(recording.source?.line, 17);
    assert.deepEqual(recording.nodes.map(op), ['dot', 'mul']);
    const [dot, mul] = recording.nodes.map((id) => nodes.get(id)!);
    assert.deepEqual(recording.outputs, [mul!.id]);
    assert.equal(dot!.source?.text.trim(), 'let y = autograd.record(() => np.dot(x, x).mul(2));');
    assert.ok(dot!.source!.column < mul!.source!.column, 'dot is called before mul on the line');
    const x = nodes.get(dot!.inputs[0]!)!;
    assert.deepEqual(dot!.inputs, [x.id, x.id]);
    assert.equal(x.kind, 'variable');
    assert.equal(x.op, 'arange');
    assert.equal(x.source?.line, 8);
    assert.equal(x.source?.text, 'let x = np.arange(4);');
    assert.deepEqual(values(x.value), [0, 1, 2, 3]);
    const two = nodes.get(mul!.inputs[1]!)!;
    assert.equal(two.kind, 'constant');
    assert.deepEqual(values(two.value), [2]);
    assert.deepEqual(values(dot!.value), [14]);
    assert.deepEqual(values(mul!.value), [28]);
  });

  test('its backward pass: mul sends 2 to dot, dot sends 2x to x twice, x gets 4x', () => {
    const pass = passAt(20);
    assert.equal(pass.kind, 'backward');
    assert.deepEqual(pass.implicitHeadGrads, [true]);
    assert.deepEqual(values(pass.headGrads[0]), [1]);
    assert.deepEqual(pass.steps.map((s) => op(s.node)), ['mul', 'dot']);
    const [mulStep, dotStep] = pass.steps;
    assert.deepEqual(values(mulStep!.upstream), [1]);
    assert.deepEqual(mulStep!.contributions.map((c) => [op(c.input), values(c.grad)]), [['dot', [2]]]);
    assert.deepEqual(values(dotStep!.upstream), [2]);
    assert.deepEqual(dotStep!.contributions.map((c) => [c.index, op(c.input), values(c.grad)]), [
      [0, 'arange', [0, 2, 4, 6]],
      [1, 'arange', [0, 2, 4, 6]],
    ]);
    assert.deepEqual(pass.leafGrads.map((l) => [line(l.node), l.gradReq, values(l.grad)]), [[8, 'write', [0, 4, 8, 12]]]);
  });

  test('a later pass overwrites x.grad (gradReq write), a vector head has implicit ones', () => {
    assert.deepEqual(values(passAt(27).leafGrads[0]!.after), [1, 1, 1, 1]);
    const vector = passAt(33);
    assert.deepEqual(vector.headGrads[0]!.shape, [4]);
    assert.deepEqual(values(vector.headGrads[0]), [1, 1, 1, 1]);
    assert.deepEqual(vector.steps[0]!.contributions.map((c) => values(c.grad)), [[0, 1, 2, 3], [0, 1, 2, 3]]);
  });

  test('detach: a graph break at line 48; z.backward reaches x only; y.backward still works', () => {
    const detach = t.graphBreaks.find((b) => b.kind === 'detach' && b.source?.line === 48);
    assert.ok(detach, 'the detach on line 48 is a graph break');
    assert.equal(op(detach.from!), 'mul');
    assert.equal(line(detach.from!), 47);
    assert.equal(nodes.get(detach.node!)!.kind, 'constant');
    assert.match(detach.message, /gradient stops here: detach\(\)/);
    const z = passAt(51);
    assert.deepEqual(z.steps.map((s) => [op(s.node), line(s.node)]), [['mul', 49]]);
    assert.deepEqual(z.steps[0]!.contributions.map((c) => c.index), [1], 'no gradient to the detached u');
    assert.deepEqual(values(z.leafGrads[0]!.grad), [0, 1, 4, 9]);
    const y = passAt(55);
    assert.deepEqual(y.steps.map((s) => [op(s.node), line(s.node)]), [['mul', 47]]);
    assert.deepEqual(values(y.leafGrads[0]!.grad), [0, 2, 4, 6]);
  });

  test('attachGrad on an intermediate: a graph break, and y\'s gradient is left untouched', () => {
    const implicit = t.graphBreaks.find((b) => b.kind === 'attachGrad');
    assert.ok(implicit);
    assert.equal(implicit.source?.line, 67);
    assert.equal(op(implicit.from!), 'mul');
    assert.equal(nodes.get(implicit.node!)!.kind, 'variable');
    const pass = passAt(70);
    assert.deepEqual(pass.leafGrads.map((l) => [line(l.node), values(l.grad)]), [[67, [1, 1, 1, 1]], [8, [1, 1, 1, 1]]]);
    const yVariable = t.nodes.find((n) => n.kind === 'variable' && n.source?.line === 62)!;
    assert.equal(yVariable.op, 'mul', 'y was made by mul outside record');
    assert.ok(!pass.leafGrads.some((l) => l.node === yVariable.id), 'y is not reached: its gradient stays as it was');
    assert.deepEqual(values(yVariable.grad), [], 'no pass ever gave y a gradient');
  });

  test('head gradients: u.backward(v.grad) passes an explicit head gradient', () => {
    const pass = passAt(91);
    assert.deepEqual(pass.implicitHeadGrads, [false]);
    assert.deepEqual(values(pass.headGrads[0]), [1, 1, 1, 1]);
    assert.deepEqual(pass.leafGrads.map((l) => [line(l.node), values(l.grad)]), [[8, [2, 2, 2, 2]], [77, [0, 1, 2, 3]]]);
  });

  test('control flow: the loop line makes one node per iteration, the branch coerces to numbers', () => {
    const loop = t.nodes.filter((n) => n.kind === 'op' && n.op === 'mul' && n.source?.line === 100);
    assert.equal(loop.length, 9);
    assert.deepEqual(loop.map((n) => n.iteration), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(loop.every((n) => n.source?.function === 'f'));
    const coercions = t.graphBreaks.filter((b) => b.kind === 'coerce');
    assert.deepEqual([...new Set(coercions.map((b) => b.source?.line))], [99, 103]);
    const pass = passAt(115);
    assert.equal(pass.steps.length, 10);
    assert.deepEqual(values(pass.leafGrads[0]!.grad), [1024]);
  });

  test('every node has a source line in the program, never in the engine', () => {
    for (const node of t.nodes) {
      assert.ok(node.source, `node ${node.id} (${node.op}) has a source`);
      assert.equal(basename(node.source.file), 'autograd.ts');
    }
  });
});

suite('traces of the chapter\'s exercises', () => {
  const exercises = readdirSync(seedDir).filter((name) => name.startsWith('exercise')).sort();
  const traces = new Map<string, Trace>();
  suiteSetup(async function () {
    this.timeout(60_000);
    for (const name of exercises) {
      const result = await trace(join(seedDir, name));
      assert.equal(result.exitCode, 0, `${name}: ${result.stderr}`);
      traces.set(name, result.trace);
    }
  });

  test('all seven trace cleanly and validate against the schema', () => {
    assert.equal(exercises.length, 7);
    assert.equal(traces.size, 7);
  });

  test('exercise 1: the second backward is a failed pass with the freed-graph message', () => {
    const t = traces.get('exercise1-backward-twice.ts')!;
    const failed = t.backwardPasses.filter((p) => p.error);
    assert.equal(failed.length, 1);
    assert.match(failed[0]!.error!, /freed by an earlier backward pass.*retainGraph: true/);
    assert.equal(failed[0]!.source?.line, 13);
    const retained = t.backwardPasses.filter((p) => p.retainGraph);
    assert.equal(retained.length, 1);
    const last = t.backwardPasses.at(-1)!;
    assert.equal(last.leafGrads[0]!.gradReq, 'add');
    assert.deepEqual(values(last.leafGrads[0]!.after), [0, 8, 16, 24]);
  });

  test('exercise 4: sort\'s step routes the price gradient to the second-highest bid', () => {
    const t = traces.get('exercise4-second-price-auction.ts')!;
    const nodes = indexNodes(t);
    const pass = t.backwardPasses[0]!;
    assert.deepEqual(pass.steps.map((s) => nodes.get(s.node)!.op), ['at', 'sort']);
    assert.deepEqual(values(pass.steps[1]!.upstream), [0, 0, 1, 0]);
    assert.deepEqual(values(pass.leafGrads[0]!.grad), [0, 0, 0, 1]);
  });

  test('exercise 5: a grad pass with createGraph records the gradient\'s own graph', () => {
    const t = traces.get('exercise5-second-derivative.ts')!;
    const [first, second] = t.backwardPasses;
    assert.equal(first!.kind, 'grad');
    assert.equal(first!.createGraph, true);
    assert.equal(second!.kind, 'backward');
    assert.ok(second!.steps.length > first!.steps.length, 'the second derivative walks a larger graph');
    assert.ok(t.nodes.filter((n) => n.inGraph).length > 6);
  });

  test('exercise 7: sin over a 61-point linspace, its gradient is cos', () => {
    const t = traces.get('exercise7-sin-plot.ts')!;
    const nodes = indexNodes(t);
    const pass = t.backwardPasses[0]!;
    const sin = nodes.get(pass.steps[0]!.node)!;
    assert.equal(sin.op, 'sin');
    const x = nodes.get(sin.inputs[0]!)!;
    assert.equal(x.op, 'linspace');
    assert.deepEqual(x.shape, [61]);
    const xs = values(x.value);
    values(pass.leafGrads[0]!.grad).forEach((g, i) => assert.ok(Math.abs(g - Math.cos(xs[i]!)) < 1e-6));
  });
});
