// The two shape formatters, one per layer: the engine's (NumPy's tuples, `()` for a scalar) in its
// messages and printed arrays, and protocol/query/format.ts's (`scalar`) in the inspector, the
// editor and the views — with the exact texts each place shows.
import { strict as assert } from 'node:assert';
import { np } from 'gradlens';
import { formatShape as engineShape } from '../../engine/errors';
import { formatShape } from '../../protocol/query/format';
import { localRule } from '../../webview/model/rules';

suite('shape formatters', () => {
  test('the engine writes shapes as NumPy does: (2, 3), (4,), ()', () => {
    assert.deepEqual([[2, 3], [4], [], [0, 3], [1, 1, 1]].map(engineShape), ['(2, 3)', '(4,)', '()', '(0, 3)', '(1, 1, 1)']);
  });

  test('engine messages and printed arrays use it', () => {
    assert.throws(() => np.ones([2, 3]).item(), /this one has shape \(2, 3\) \(use \.toArray\(\)\)$/);
    assert.throws(() => np.ones([]).reshape([2]), /^GradLensError: reshape: cannot reshape array of size 1 with shape \(\) into shape \(2,\)$/);
    assert.equal(String(np.zeros([0, 3])), 'array([], shape=(0, 3))');
    assert.match(String(np.arange(2000)), /, shape=\(2000,\)\)$/);
  });

  test('outside the engine a shape is (2, 3), (4,) or scalar', () => {
    assert.deepEqual([[2, 3], [4], [], [0, 3]].map((shape) => formatShape(shape)), ['(2, 3)', '(4,)', 'scalar', '(0, 3)']);
    assert.equal(formatShape([2, 3], (d) => `<${d}>`), '(<2>, <3>)', 'each dimension as `dim` writes it');
    assert.equal(formatShape(['a'], (d) => d.toUpperCase()), '(A,)');
  });

  // The graph labels' shape lines (scalar, (n,), (a, b, c)) are asserted in inspector-graph.test.ts.
  test('the step panel\'s rule texts use it (dimensions in their number format), and (…) for a shape attribute that is no list', () => {
    assert.match(localRule('reshape', { shape: [2, 3] }, 1).formula, /reshaped to \(2, 3\)$/);
    assert.match(localRule('broadcastTo', { shape: [] }, 1).formula, /broadcast to scalar$/);
    assert.match(localRule('broadcastTo', { shape: 'wide' }, 1).formula, /broadcast to \(…\)$/);
    assert.match(localRule('takeGrad', { axis: 0, shape: [5] }, 2).formula, /zeros of shape \(5,\) with/);
  });
});
