// Which plots a pass offers (webview/model/plots.ts): f(x) and ∂f/∂x against x for an elementwise
// 1-D function of a 1-D variable, sorted by x; none when a reduction is on the path, when lengths
// differ, for 2-D heads, several heads, failed passes or truncated data.
import { strict as assert } from 'node:assert';
import { functionPlot } from '../../webview/model/plots';
import type { Trace } from '../../protocol/trace';
import { at, beforeSeed, buildTrace, constant, op, type PassSpec, type SeedIndex, step, tensor, truncated, variable } from './trace-builder';

const XS = [0.5, -1, 2, 0];
const SIN = XS.map(Math.sin);
const COS = XS.map(Math.cos);

/** f = sin(x) for unsorted x; the pass as given (default: implicit ones). */
function sinTrace(pass: Partial<PassSpec> = {}): Trace {
  return buildTrace({
    nodes: [
      variable(0, 'array', XS, at(1, 'const x = np.array([0.5, -1, 2, 0]);', 11)),
      op(1, 'sin', [0], SIN, at(2, 'const f = autograd.record(() => np.sin(x));', 35)),
    ],
    passes: [{ heads: [1], steps: [step(1, [1, 1, 1, 1], [[0, 0, COS]])], leafGrads: [[0, COS]], ...pass }],
  });
}

suite('inspector plots', () => {
  test('sin(x): offered, named from the source, sorted by x with f and ∂f/∂x following', () => {
    const plot = functionPlot(sinTrace(), sinTrace().backwardPasses[0]!);
    assert.ok(plot);
    assert.equal(plot.xName, 'x');
    assert.equal(plot.fName, 'f');
    const order = [1, 3, 0, 2]; // x = -1, 0, 0.5, 2
    assert.deepEqual(plot.x, order.map((i) => XS[i]));
    assert.deepEqual(plot.f, order.map((i) => SIN[i]));
    assert.deepEqual(plot.dfdx, order.map((i) => COS[i]));
  });

  test('a chain of elementwise ops with a scalar constant: x·x + 1 is offered', () => {
    const x = [3, 1, 2];
    const t = buildTrace({
      nodes: [
        variable(0, 'array', x, at(1, 'const x = np.array([3, 1, 2]);', 11)),
        op(1, 'mul', [0, 0], [9, 1, 4], at(2, 'const y = x.mul(x).add(1);', 13)),
        constant(2, 1, at(2, 'const y = x.mul(x).add(1);', 20)),
        op(3, 'add', [1, 2], [10, 2, 5], at(2, 'const y = x.mul(x).add(1);', 20)),
      ],
      passes: [{ heads: [3], steps: [step(3, [1, 1, 1], [[1, 0, [1, 1, 1]]]), step(1, [1, 1, 1], [[0, 0, x], [0, 1, x]])], leafGrads: [[0, [6, 2, 4]]] }],
    });
    const plot = functionPlot(t, t.backwardPasses[0]!);
    assert.ok(plot);
    assert.deepEqual([plot.x, plot.f, plot.dfdx], [[1, 2, 3], [2, 5, 10], [2, 4, 6]]);
    assert.equal(plot.fName, 'y');
  });

  test('not offered when a reduction is on the path (y = x · sum(x))', () => {
    const t = buildTrace({
      nodes: [
        variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)),
        op(1, 'sum', [0], 3, at(2, 'const y = x.mul(x.sum());', 19)),
        op(2, 'mul', [0, 1], [3, 6], at(2, 'const y = x.mul(x.sum());', 13)),
      ],
      passes: [{ heads: [2], steps: [step(2, [1, 1], [[0, 0, [3, 3]], [1, 1, 3]]), step(1, 3, [[0, 0, [3, 3]]])], leafGrads: [[0, [6, 6]]] }],
    });
    assert.equal(functionPlot(t, t.backwardPasses[0]!), null);
  });

  test('not offered when an input of the path has another length', () => {
    const t = buildTrace({
      nodes: [
        variable(0, 'array', [1, 2, 3, 4], at(1, 'const x = np.array([1, 2, 3, 4]);', 11)),
        variable(1, 'array', [1, 2], at(2, 'const w = np.array([1, 2]);', 11)),
        op(2, 'mul', [0, 1], [1, 4, 3, 8], at(3, 'const y = x.mul(w);', 13)),
      ],
      passes: [{ heads: [2], steps: [step(2, [1, 1, 1, 1], [[0, 0, [1, 2, 1, 2]], [1, 1, [4, 6]]])], leafGrads: [[0, [1, 2, 1, 2]], [1, [4, 6]]] }],
    });
    assert.equal(functionPlot(t, t.backwardPasses[0]!), null);
  });

  test('not offered when no variable has the head\'s length (y = a · c, a scalar, c a constant vector)', () => {
    const t = buildTrace({
      nodes: [
        variable(0, 'random.normal', 0.5, at(1, 'const a = np.random.normal();', 11)),
        constant(1, [1, 2, 3], at(2, 'const c = np.array([1, 2, 3]);', 11), { madeBy: 'array' }),
        op(2, 'mul', [0, 1], [0.5, 1, 1.5], at(3, 'const y = a.mul(c);', 13)),
      ],
      passes: [{ heads: [2], steps: [step(2, [1, 1, 1], [[0, 0, 6]])], leafGrads: [[0, 6]] }],
    });
    assert.equal(functionPlot(t, t.backwardPasses[0]!), null);
  });

  test('not offered for a 2-D or scalar head, several heads, a failed pass, or truncated data', () => {
    const matrix = buildTrace({
      nodes: [
        variable(0, 'array', tensor([1, 2, 3, 4], [2, 2]), at(1, 'const x = np.array([[1, 2], [3, 4]]);', 11)),
        op(1, 'sin', [0], tensor([1, 2, 3, 4].map(Math.sin), [2, 2]), at(2, 'const f = np.sin(x);', 11)),
      ],
      passes: [{ heads: [1], steps: [], leafGrads: [[0, tensor([1, 2, 3, 4].map(Math.cos), [2, 2])]] }],
    });
    assert.equal(functionPlot(matrix, matrix.backwardPasses[0]!), null, '2-D head');

    const scalarHead = buildTrace({
      nodes: [variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);', 11)), op(1, 'sum', [0], 3, at(2, 'const s = x.sum();', 13))],
      passes: [{ heads: [1], steps: [step(1, 1, [[0, 0, [1, 1]]])], leafGrads: [[0, [1, 1]]] }],
    });
    assert.equal(functionPlot(scalarHead, scalarHead.backwardPasses[0]!), null, 'scalar head');

    const two = sinTrace({ heads: [1, 0], headGrads: [[1, 1, 1, 1], [1, 1, 1, 1]] });
    assert.equal(functionPlot(two, two.backwardPasses[0]!), null, 'two heads');

    const failed = sinTrace({ steps: [], leafGrads: [], error: 'backward: the graph was freed' });
    assert.equal(functionPlot(failed, failed.backwardPasses[0]!), null, 'failed pass');

    const big = buildTrace({
      nodes: [
        variable(0, 'linspace', truncated([-3, -2.9], [2000]), at(1, 'const x = np.linspace(-3, 3, 2000);', 11)),
        op(1, 'sin', [0], truncated([-0.14, -0.24], [2000]), at(2, 'const f = np.sin(x);', 11)),
      ],
      passes: [{ heads: [1], headGrads: [truncated([1, 1], [2000])], steps: [], leafGrads: [[0, truncated([-0.99, -0.97], [2000])]] }],
    });
    assert.equal(functionPlot(big, big.backwardPasses[0]!), null, 'only samples of the values');
  });

  // BUG (plots.ts, functionPlot): with an explicit head gradient g the leaf gradient is g·∂f/∂x,
  // yet it is plotted as ∂f/∂x. Expected: no plot, or ∂f/∂x itself (2x for f = x·x).
  test('an explicit head gradient other than ones does not pass g·∂f/∂x off as ∂f/∂x', () => {
    const x = [1, 2, 3];
    const t = buildTrace({
      nodes: [variable(0, 'array', x, at(1, 'const x = np.array([1, 2, 3]);', 11)), op(1, 'mul', [0, 0], [1, 4, 9], at(2, 'const f = x.mul(x);', 13))],
      passes: [{
        heads: [1], headGrads: [[2, 2, 2]],
        steps: [step(1, [2, 2, 2], [[0, 0, [2, 4, 6]], [0, 1, [2, 4, 6]]])],
        leafGrads: [[0, [4, 8, 12]]], // = 2 · ∂f/∂x
      }],
    });
    const plot = functionPlot(t, t.backwardPasses[0]!);
    if (plot !== null) assert.deepEqual(plot.dfdx, [2, 4, 6], 'the derivative of x·x is 2x');
  });
});

suite('inspector plots: the seed trace', () => {
  let t: Trace;
  let seed: SeedIndex;
  beforeSeed((trace, index) => { t = trace; seed = index; });

  test('y = x·x (line 32, a vector head, backward at line 33) offers y and 2x against x', () => {
    const plot = functionPlot(t, seed.passAt(33));
    assert.ok(plot);
    assert.deepEqual(plot, { xName: 'x', fName: 'y', x: [0, 1, 2, 3], f: [0, 1, 4, 9], dfdx: [0, 2, 4, 6] });
  });

  test('y = 2·dot(x, x) (line 20, a scalar through a reduction) offers nothing', () => {
    assert.equal(functionPlot(t, seed.passAt(20)), null);
  });
});
