// Replaying a recorded graph and checking it numerically (engine/replay.ts): the replay computes what
// the program computed, covers every op of the tape, leaves the program's arrays alone, and the check
// catches a wrong gradient rule.
import { strict as assert } from 'node:assert';
import { np, npx, autograd, NDArray } from 'gradlens';
import { forwardRules } from '../../engine/forwardRules';
import { gradRules } from '../../engine/gradRules';
import { recordedGraph, replayFunction } from '../../engine/replay';

suite('replaying a recorded graph', () => {
  test('has a forward rule for every op of the gradient table', () => {
    assert.deepEqual(Object.keys(forwardRules).sort(), Object.keys(gradRules).sort());
  });

  test('computes again what the program computed, from the variables it depended on', () => {
    const x = np.arange(4);
    x.attachGrad();
    const c = np.array([1, -1, 2, 0.5]);
    const y = autograd.record(() => np.dot(x, x).mul(2).add(x.mul(c).sum()));
    const graph = recordedGraph('test', [y]);
    assert.deepEqual(graph.variables, [x], 'c is a constant, x the only variable');
    assert.deepEqual(graph.nodes.map((n) => n.op), ['dot', 'mul', 'mul', 'sum', 'add']);
    const [again] = replayFunction(graph, [y])(x);
    assert.deepEqual(again!.toFlatArray(), y.toFlatArray());
    const [moved] = replayFunction(graph, [y])(np.array([1, 1, 1, 1]));
    assert.equal(moved!.item(), 2 * 4 + 2.5);
  });
});

suite('autograd.gradcheckRecorded', () => {
  test('the chapter\'s first example checks out, every element of x', () => {
    const x = np.arange(4);
    x.attachGrad();
    const y = autograd.record(() => np.dot(x, x).mul(2));
    const report = autograd.gradcheckRecorded(y);
    assert.ok(report.ok);
    assert.deepEqual(report.variables, [x]);
    assert.equal(report.inputs[0]!.checked, 4);
    assert.deepEqual(report.inputs[0]!.analytic.toFlatArray(), [0, 4, 8, 12]);
    assert.equal(x.grad!.toFlatArray().every((v) => v === 0), true, 'x.grad is left alone');
    y.backward();
    assert.deepEqual(x.grad!.toFlatArray(), [0, 4, 8, 12], 'the graph is still there for backward');
  });

  test('follows control flow as it was taken, and a constant made by detach stays constant', () => {
    const a = np.random.normal(0, 1, []);
    a.attachGrad();
    const d = autograd.record(() => {
      let b = a.mul(2);
      while (np.abs(b).sum().item() < 1000) b = b.mul(2);
      const u = b.detach();
      return b.sum().item() > 0 ? b.add(u) : b.mul(100).sub(u);
    });
    const report = autograd.gradcheckRecorded(d, { eps: 1e-7 });
    assert.ok(report.ok, `max abs error ${report.inputs[0]!.maxAbsError}`);
  });

  test('replays dropout with the mask it drew and batchNorm without moving the running statistics', () => {
    np.random.seed(7);
    const x = np.random.normal(0, 1, [4, 3], 'float64');
    const w = np.random.normal(0, 1, [3, 3], 'float64');
    const gamma = np.ones([3], { dtype: 'float64' });
    const beta = np.zeros([3], { dtype: 'float64' });
    const runningMean = np.zeros([3], { dtype: 'float64' });
    const runningVar = np.ones([3], { dtype: 'float64' });
    for (const v of [w, gamma, beta]) v.attachGrad();
    const loss = autograd.record(() => {
      const h = npx.batchNorm(np.matmul(x, w), gamma, beta, runningMean, runningVar);
      return npx.logSoftmax(npx.dropout(h.tanh(), 0.3), 1).mean();
    });
    const before = [runningMean.toFlatArray(), runningVar.toFlatArray()];
    const report = autograd.gradcheckRecorded(loss, { atol: 1e-6 });
    assert.ok(report.ok, report.inputs.map((r) => r.maxAbsError).join(', '));
    assert.equal(report.variables.length, 3);
    assert.deepEqual([runningMean.toFlatArray(), runningVar.toFlatArray()], before);
  });

  test('checks a sample of the elements of a big variable when asked to', () => {
    const w = np.random.normal(0, 1, [10, 10], 'float64');
    w.attachGrad();
    const y = autograd.record(() => w.mul(w).sum());
    const report = autograd.gradcheckRecorded(y, { elements: 5 });
    assert.ok(report.ok);
    assert.equal(report.inputs[0]!.checked, 5);
    assert.equal(report.inputs[0]!.numeric.toFlatArray().filter(Number.isNaN).length, 95);
  });

  test('catches a wrong gradient rule, and says where', () => {
    const rules = gradRules as unknown as Record<string, unknown>;
    const right = rules.sin;
    rules.sin = rules.cos; // sin's gradient made wrong on purpose
    try {
      const x = np.array([0.3, 1.2], { dtype: 'float64' });
      x.attachGrad();
      const y = autograd.record(() => x.sin().mul(x).sum());
      const report = autograd.gradcheckRecorded(y);
      assert.equal(report.ok, false);
      assert.ok(report.inputs[0]!.maxAbsError > 0.01);
      assert.ok(Math.abs(report.inputs[0]!.worstAnalytic - report.inputs[0]!.worstNumeric) > 0.01);
    } finally {
      rules.sin = right;
    }
  });

  test('checks with respect to given arrays, an intermediate one too', () => {
    const x = np.array([0.5, -1, 2], { dtype: 'float64' });
    x.attachGrad();
    let u: NDArray | null = null;
    const y = autograd.record(() => { u = x.exp(); return u.mul(u).sum(); });
    const report = autograd.gradcheckRecorded(y, { variables: [u!] });
    assert.ok(report.ok);
    assert.deepEqual(report.variables, [u]);
    assert.deepEqual(report.inputs[0]!.analytic.toFlatArray().map((v) => Number(v.toFixed(9))), u!.mul(2).toFlatArray().map((v) => Number(v.toFixed(9))));
  });

  test('says clearly when the graph is gone or there is none', () => {
    const x = np.array([1, 2]);
    x.attachGrad();
    const y = autograd.record(() => x.mul(3).sum());
    y.backward();
    assert.throws(() => autograd.gradcheckRecorded(y), /freed by a backward pass/);
    assert.throws(() => autograd.gradcheckRecorded(x.mul(3)), /no recorded graph/);
  });
});
