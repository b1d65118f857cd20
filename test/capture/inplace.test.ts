// In-place writes in a trace: a parameter written by the SGD step is a new leaf each step that
// names its previous version (the same array), with the values it had then; writes recorded
// inside record are `set` nodes chained through the array's versions.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { decodeNumber, type Trace, type TraceNode } from '../../protocol/trace';
import { summarizeTrace } from '../../capture/summary';
import { indexNodes, repoRoot, trace } from '../trace-helpers';

suite('in-place writes, traced', () => {
  let t: Trace;
  let nodes: Map<number, TraceNode>;
  const node = (id: number) => nodes.get(id)!;
  const values = (id: number) => node(id).value.data!.map(decodeNumber);

  suiteSetup(async function () {
    this.timeout(30_000);
    const result = await trace(join(repoRoot, 'test', 'fixtures', 'capture', 'inplace.ts'));
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
    nodes = indexNodes(t);
  });

  test('each SGD step reads the parameter as a new leaf that names the one before it', () => {
    const leaves = t.recordings.slice(0, 3).map((recording) => node(recording.nodes.map(node).find((n) => n.op === 'mul')!.inputs[0]!));
    assert.deepEqual(leaves.map((leaf) => leaf.kind), ['variable', 'variable', 'variable']);
    assert.equal(new Set(leaves.map((leaf) => leaf.id)).size, 3);
    assert.equal(leaves[0]!.previous, undefined);
    assert.equal(leaves[1]!.previous, leaves[0]!.id);
    assert.equal(leaves[2]!.previous, leaves[1]!.id);
    assert.deepEqual(leaves.map((leaf) => values(leaf.id)), [[1, -2], [0.5, -1], [0.25, -0.5]]);
    assert.deepEqual(leaves.map((leaf) => leaf.source?.line), [4, 4, 4]);
  });

  test('writes inside record are set nodes, chained through the array\'s versions', () => {
    const sets = t.nodes.filter((n) => n.op === 'set');
    assert.equal(sets.length, 2);
    const [first, second] = sets as [TraceNode, TraceNode];
    assert.deepEqual([first.attrs['index'], second.attrs['index']], ['0', '1']);
    assert.deepEqual([first.source?.line, second.source?.line], [16, 17]);
    assert.equal(node(first.inputs[0]!).kind, 'constant'); // the zeros Y was made as
    assert.deepEqual(values(first.inputs[0]!), [0, 0]);
    assert.equal(second.inputs[0], first.id);
    assert.deepEqual(values(first.id), [3, 0]);
    assert.deepEqual(values(second.id), [3, 8]);
    assert.match(t.run.stdout, /array\(\[\[1\., 1\.\],\s*\[0\., 2\.\]\]\)/);
    const gets = t.nodes.filter((n) => n.op === 'get').map((n) => n.attrs['index']);
    assert.deepEqual(gets, ['0, :', '1, 1']);
  });

  test('the summary lists each array\'s final gradient once, at its latest version', () => {
    const summary = summarizeTrace(t, repoRoot);
    const finals = summary.slice(summary.indexOf('final gradients:')).split('\n').filter((line) => line.endsWith(')') && line.includes('.grad'));
    assert.deepEqual(finals.map((line) => line.trim().split(' ')[0]), ['w.grad', 'K.grad'], summary);
    assert.match(summary, /w\.grad.*\n\s+array\(\[ 0\.5, -1\. *\]\)/);
  });
});
