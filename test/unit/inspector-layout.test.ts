// The inspector's layered layout (webview/model/layout.ts): sources first, every edge of an
// acyclic graph forward, distinct positions, barycentre ordering that removes crossings, cycles
// (which folding makes) laid out without hanging, and a sanity bound on 10,000 nodes.
import { strict as assert } from 'node:assert';
import { buildGraph } from '../../webview/model/graph';
import { layeredLayout, type LayoutInput, type Positions } from '../../webview/model/layout';
import { chapterTrace, seedIndex, seedTrace } from './trace-builder';
import { seededUniform } from '../../bench/plain';

const graph = (ids: string[], edges: [string, string][]): LayoutInput => ({
  nodes: ids.map((id) => ({ id })),
  edges: edges.map(([source, target]) => ({ source, target })),
});

/** A random DAG: every edge goes from a lower to a higher index (like trace ids). */
function randomDag(n: number, edgesPerNode: number, seed: number): LayoutInput {
  const next = seededUniform(seed);
  const edges: [string, string][] = [];
  for (let i = 1; i < n; i++) {
    const count = 1 + Math.floor(next() * edgesPerNode);
    for (let k = 0; k < count; k++) {
      const from = Math.max(0, i - 1 - Math.floor(next() * Math.min(i, 50)));
      edges.push([`v${from}`, `v${i}`]);
    }
  }
  return graph(Array.from({ length: n }, (_, i) => `v${i}`), edges);
}

/** Pairs of edges between consecutive layers that cross. */
function crossings(input: LayoutInput, layout: Positions): number {
  const spans = input.edges.map((e) => ({ s: layout.positions.get(e.source)!, t: layout.positions.get(e.target)! }));
  let count = 0;
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const [a, b] = [spans[i]!, spans[j]!];
      if (a.s.x !== b.s.x || a.t.x !== b.t.x) continue;
      if ((a.s.y - b.s.y) * (a.t.y - b.t.y) < 0) count++;
    }
  }
  return count;
}

function assertDistinctPositions(layout: Positions, n: number): void {
  assert.equal(layout.positions.size, n, 'every node has a position');
  const keys = new Set([...layout.positions.values()].map((p) => `${p.x},${p.y}`));
  assert.equal(keys.size, n, 'no two nodes share a position');
}

suite('inspector layout', () => {
  test('the chapter graph: x in layer 0, dot in 1, the constant in 1 next to y in 2; x by layer, y by row', () => {
    const model = buildGraph(chapterTrace(), { kind: 'pass', id: 0 });
    const layout = layeredLayout(model);
    assert.deepEqual(Object.fromEntries(layout.layers), { n0: 0, n2: 1, n1: 1, n3: 2 });
    for (const [id, p] of layout.positions) assert.equal(p.x, layout.layers.get(id)! * 190, `${id}: x is its layer times the default gap`);
    assert.equal(layout.width, 2 * 190);
    assert.equal(layout.height, 80, 'the tallest layer has two nodes, one gap apart');
    assertDistinctPositions(layout, 4);
  });

  test('every edge of an acyclic graph goes to a higher layer; ops by longest path, sources just before their first consumer', () => {
    const input = randomDag(300, 3, 7);
    const layout = layeredLayout(input);
    const targets = new Set(input.edges.map((e) => e.target));
    for (const e of input.edges) {
      assert.ok(layout.layers.get(e.target)! > layout.layers.get(e.source)!, `${e.source} → ${e.target}`);
    }
    for (const node of input.nodes) {
      const consumers = input.edges.filter((e) => e.source === node.id).map((e) => layout.layers.get(e.target)!);
      const preds = input.edges.filter((e) => e.target === node.id).map((e) => layout.layers.get(e.source)!);
      if (preds.length > 0) {
        // Longest path: one layer after its furthest predecessor.
        assert.equal(layout.layers.get(node.id), Math.max(...preds) + 1, node.id);
      } else if (consumers.length > 0) {
        assert.equal(layout.layers.get(node.id), Math.min(...consumers) - 1, `source ${node.id} beside its first consumer`);
      } else {
        assert.ok(!targets.has(node.id));
        assert.equal(layout.layers.get(node.id), 0, `isolated ${node.id}`);
      }
    }
    assertDistinctPositions(layout, 300);
  });

  test('a weight used deep in a chain sits beside its product, not at the far left', () => {
    const input = graph(['x', 'a', 'b', 'c', 'w', 'd'], [['x', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'd'], ['w', 'd']]);
    const layout = layeredLayout(input);
    assert.equal(layout.layers.get('d'), 4);
    assert.equal(layout.layers.get('w'), 3);
    assert.equal(layout.layers.get('x'), 0);
  });

  test('gaps are options: x = layer·layerGap, rows nodeGap apart', () => {
    const input = graph(['a', 'b', 'c'], [['a', 'c'], ['b', 'c']]);
    const layout = layeredLayout(input, { layerGap: 100, nodeGap: 10 });
    assert.deepEqual(layout.positions.get('c'), { x: 100, y: 5 }, 'a single node is centred on a layer of two');
    assert.deepEqual([layout.positions.get('a')!.x, layout.positions.get('b')!.x], [0, 0]);
    assert.equal(Math.abs(layout.positions.get('a')!.y - layout.positions.get('b')!.y), 10);
    assert.deepEqual([layout.width, layout.height], [100, 10]);
  });

  test('barycentre ordering removes the crossings of a simple example', () => {
    // In first-appearance order a→f, b→e, c→d cross three times; reversing one layer removes them.
    const input = graph(['a', 'b', 'c', 'd', 'e', 'f'], [['a', 'f'], ['b', 'e'], ['c', 'd']]);
    assert.equal(crossings(input, layeredLayout(input, { sweeps: 0 })), 3, 'without sweeps, the crossings are there');
    assert.equal(crossings(input, layeredLayout(input)), 0);
  });

  test('barycentre ordering on three layers: a crossing-free order is found', () => {
    const input = graph(
      ['a', 'b', 'c', 'p', 'q', 'r', 'x', 'y', 'z'],
      [['a', 'r'], ['b', 'q'], ['c', 'p'], ['p', 'z'], ['q', 'y'], ['r', 'x']],
    );
    const layout = layeredLayout(input);
    assert.deepEqual([...new Set(layout.layers.values())].sort(), [0, 1, 2]);
    assert.equal(crossings(input, layout), 0);
  });

  test('a cycle (as folding makes) does not hang: every node is placed once, at distinct positions', () => {
    const input = graph(['s', 'a', 'b', 'c', 't'], [['s', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 't']]);
    const layout = layeredLayout(input);
    assertDistinctPositions(layout, 5);
    assert.equal(layout.layers.get('s'), 0);
    assert.ok(layout.layers.get('t')! > layout.layers.get('c')!, 't comes after the cycle');
    // A graph that is all cycle (no source at all) still gets layers.
    const ring = layeredLayout(graph(['a', 'b', 'c'], [['a', 'b'], ['b', 'c'], ['c', 'a']]));
    assert.deepEqual([...ring.layers.values()].sort(), [0, 1, 2]);
  });

  test('self-edges (a folded loop-carried edge), duplicate edges and edges to unknown nodes are ignored', () => {
    const input = graph(['a', 'g', 'b'], [['a', 'g'], ['g', 'g'], ['a', 'g'], ['g', 'b'], ['g', 'nowhere'], ['ghost', 'b']]);
    const layout = layeredLayout(input);
    assert.deepEqual(Object.fromEntries(layout.layers), { a: 0, g: 1, b: 2 });
  });

  test('an empty graph has no positions and no size', () => {
    const layout = layeredLayout(graph([], []));
    assert.equal(layout.positions.size, 0);
    assert.deepEqual([layout.width, layout.height], [0, 0]);
  });

  test('the seed\'s folded control-flow pass (a group with a self-edge) is laid out', async function () {
    this.timeout(30_000);
    const t = await seedTrace();
    const model = buildGraph(t, { kind: 'pass', id: seedIndex(t).passAt(115).id }, { fold: true });
    assert.ok(model.edges.some((e) => e.source === e.target), 'the folded graph has a self-edge');
    const layout = layeredLayout(model);
    assertDistinctPositions(layout, model.nodes.length);
    for (const e of model.edges) {
      if (e.source !== e.target) assert.ok(layout.layers.get(e.target)! > layout.layers.get(e.source)!, `${e.source} → ${e.target}`);
    }
  });

  test('10,000 nodes are laid out well under a second (sanity bound: 2 s)', () => {
    const dag = randomDag(10_000, 3, 11);
    let started = performance.now();
    const layout = layeredLayout(dag);
    const dagMs = performance.now() - started;
    assertDistinctPositions(layout, 10_000);
    assert.ok(dagMs < 2000, `a 10,000-node DAG took ${dagMs.toFixed(0)} ms`);

    // Many small cycles (5,000 folded pairs pointing at each other, chained): each must be broken.
    const ids = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
    const edges: [string, string][] = [];
    for (let i = 0; i < 10_000; i += 2) {
      edges.push([ids[i]!, ids[i + 1]!], [ids[i + 1]!, ids[i]!]);
      if (i + 2 < 10_000) edges.push([ids[i + 1]!, ids[i + 2]!]);
    }
    started = performance.now();
    const cyclic = layeredLayout(graph(ids, edges));
    const cyclicMs = performance.now() - started;
    assertDistinctPositions(cyclic, 10_000);
    assert.ok(cyclicMs < 2000, `10,000 nodes in 5,000 cycles took ${cyclicMs.toFixed(0)} ms`);
  });
});
