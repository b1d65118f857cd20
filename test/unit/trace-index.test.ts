// The one trace index (protocol/query/indexTrace.ts): every lookup against what the trace's lists
// say, computed here by scanning them; made once per trace; the node index validation built is kept.
import { strict as assert } from 'node:assert';
import { indexTrace } from '../../protocol/query/indexTrace';
import { validateTrace } from '../../protocol/validate';
import { at, buildTrace, op, step, variable } from './trace-builder';

/** x, w → m = x·w → y = m·m (m consumed twice by one node), z = x + 1 (a node no pass reaches). */
function sample() {
  return buildTrace({
    nodes: [
      variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);')),
      variable(1, 'array', [3, 4], at(2, 'const w = np.array([3, 4]);')),
      op(2, 'mul', [0, 1], [3, 8], at(4, 'const m = x.mul(w);')),
      op(3, 'mul', [2, 2], [9, 64], at(5, 'const y = m.mul(m);')),
      op(4, 'add', [0, 0], [2, 4], at(6, 'const z = x.add(x);')),
    ],
    passes: [
      { id: 0, heads: [3], steps: [step(3, [1, 1], [[2, 0, [3, 8]], [2, 1, [3, 8]]]), step(2, [6, 16], [[0, 0, [18, 64]], [1, 1, [6, 32]]])], leafGrads: [[0, [18, 64]], [1, [6, 32]]] },
      { id: 1, heads: [2], steps: [step(2, [1, 1], [[0, 0, [3, 4]], [1, 1, [1, 2]]])], leafGrads: [[0, [3, 4]], [1, [1, 2]]] },
    ],
  });
}

suite('trace index', () => {
  test('nodes by id, and nothing for an id the trace does not have', () => {
    const trace = sample();
    const index = indexTrace(trace);
    for (const node of trace.nodes) assert.equal(index.node(node.id), node);
    assert.equal(index.nodes.size, trace.nodes.length);
    assert.equal(index.node(5), undefined);
    assert.equal(index.node(-1), undefined);
    assert.equal(index.node(1.5), undefined);
  });

  test('consumers: each reader once, in list order, as a scan of the inputs finds them', () => {
    const trace = sample();
    const index = indexTrace(trace);
    for (const node of trace.nodes) {
      const expected = trace.nodes.filter((n) => n.inputs.includes(node.id)).map((n) => n.id);
      assert.deepEqual(index.consumers(node.id), expected, `consumers of ${node.id}`);
      assert.equal(index.isConsumed(node.id), expected.length > 0);
    }
    assert.deepEqual(index.consumers(2), [3]); // m·m reads m twice: one consumer
    assert.deepEqual(index.consumers(0), [2, 4]);
    assert.deepEqual(index.consumers(99), []);
  });

  test('passes by node, steps, leaf gradients and recordings by id', () => {
    const trace = sample();
    const index = indexTrace(trace);
    assert.deepEqual(index.passesOf(2), [0, 1]);
    assert.deepEqual(index.passesOf(3), [0]);
    assert.deepEqual(index.passesOf(4), []);
    assert.equal(index.pass(1), trace.backwardPasses[1]);
    assert.equal(index.pass(7), undefined);
    assert.equal(index.step(0, 2), trace.backwardPasses[0]!.steps[1]);
    assert.equal(index.step(1, 3), undefined);
    assert.equal(index.leafGrad(1, 1), trace.backwardPasses[1]!.leafGrads[1]);
    assert.equal(index.leafGrad(1, 2), undefined);
    assert.equal(index.check(0, 0), undefined); // no gradcheck in this run
    assert.equal(index.recording(0), trace.recordings[0]);
  });

  test('names come from the source lines', () => {
    const index = indexTrace(sample());
    assert.equal(index.name(0), 'x');
    assert.equal(index.name(3), 'y');
    assert.equal(index.names.get(4), 'z');
  });

  test('made once per trace; another trace gets its own; validation hands over the node index it built', () => {
    const trace = sample();
    assert.equal(indexTrace(trace), indexTrace(trace));
    assert.notEqual(indexTrace(sample()), indexTrace(trace));
    const copy = JSON.parse(JSON.stringify(trace)) as typeof trace;
    const result = validateTrace(copy);
    assert.ok(result.ok);
    const index = indexTrace(result.trace);
    assert.equal(index.node(3), result.trace.nodes[3]);
    assert.deepEqual(index.consumers(0), [2, 4]);
  });

  test('ids that are not positions (a hand-made trace) are looked up by id', () => {
    const trace = sample();
    const shifted = { ...trace, nodes: trace.nodes.map((n) => ({ ...n, id: n.id + 10, inputs: n.inputs.map((i) => i + 10) })) };
    const index = indexTrace(shifted);
    assert.equal(index.node(12)?.op, 'mul');
    assert.equal(index.node(2), undefined);
    assert.deepEqual(index.consumers(10), [12, 14]);
  });
});
