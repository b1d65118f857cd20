// np.random in a trace: a seeded shuffle between two recordings is a write, so the second
// recording reads the shuffled batch as a new leaf naming the one before it, with its new rows.
import { strict as assert } from 'node:assert';
import { decodeNumber, type TraceNode } from '../../protocol/trace';
import { fixture, indexNodes, trace } from '../trace-helpers';

suite('np.random, traced', function () {
  this.timeout(30_000);

  test('a shuffled batch is a new leaf in the next recording, naming its previous version', async () => {
    const result = await trace(fixture('shuffle.ts'));
    assert.equal(result.exitCode, 0, result.stderr);
    const t = result.trace;
    const nodes = indexNodes(t);
    const batches = t.recordings.map((recording) => nodes.get(recording.nodes.map((id) => nodes.get(id)!).find((n) => n.op === 'matmul')!.inputs[0]!)!);
    assert.equal(batches.length, 2);
    const [before, after] = batches as [TraceNode, TraceNode];
    assert.notEqual(before.id, after.id);
    assert.equal(after.previous, before.id);
    const rows = (node: TraceNode) => {
      const values = node.value.data!.map(decodeNumber);
      return [0, 1, 2].map((r) => values.slice(2 * r, 2 * r + 2));
    };
    assert.deepEqual(rows(before), [[0, 1], [2, 3], [4, 5]]);
    const shuffled = rows(after);
    assert.deepEqual([...shuffled].sort((a, b) => a[0]! - b[0]!), [[0, 1], [2, 3], [4, 5]], 'the same rows, kept whole');
    assert.notDeepEqual(shuffled, rows(before), 'in another order (seed 3)');
  });
});
