// Where edges run (webview/view/edgeGeometry.ts): border to border, parallel edges bent apart,
// loops over the node, the distance used to find a graph break under the pointer.
import { strict as assert } from 'node:assert';
import type { GraphEdge } from '../../webview/model/graph';
import { bentPath, distanceToPath, edgePaths, leaveBox, loopPath, pathEnd, type NodeBox } from '../../webview/view/edgeGeometry';

const A: NodeBox = { x: 0, y: 0, w: 150, h: 44 };
const B: NodeBox = { x: 300, y: 0, w: 150, h: 44 };
const C: NodeBox = { x: 300, y: 200, w: 150, h: 32 };

function edge(id: string, source: string, target: string, extra: Partial<GraphEdge> = {}): GraphEdge {
  return { id, source, target, index: 0, from: 0, to: 1, count: 1, cut: null, ...extra };
}

suite('edge geometry', () => {
  test('a straight edge runs from the right border of its source to the left border of its target', () => {
    const path = bentPath(A, B, 0);
    assert.deepEqual(path.start, { x: 75, y: 0 });
    assert.deepEqual(path.pieces, [{ control: null, end: { x: 225, y: 0 } }]);
    assert.deepEqual(path.mid, { x: 150, y: 0 });
    assert.deepEqual(path.box, { x1: 75, y1: 0, x2: 225, y2: 0 });
  });

  test('leaveBox: the border crossing toward a point, through the top or bottom when steep', () => {
    assert.deepEqual(leaveBox(A, { x: 0, y: 100 }), { x: 0, y: 22 });
    assert.deepEqual(leaveBox(A, { x: 300, y: 200 }), { x: 33, y: 22 });
    assert.deepEqual(leaveBox(A, { x: 10, y: 5 }), { x: 10, y: 5 }, 'a point inside the box is its own crossing');
    assert.deepEqual(leaveBox(A, { x: 0, y: 0 }), { x: 0, y: 0 });
  });

  test('parallel edges (dot(x, x)) bend to either side by the same amount; a single edge stays straight', () => {
    const paths = edgePaths([edge('e0', 'a', 'b'), edge('e1', 'a', 'b', { index: 1 }), edge('e2', 'a', 'c')], new Map([['a', A], ['b', B], ['c', C]]));
    const [first, second, single] = ['e0', 'e1', 'e2'].map((id) => paths.get(id)!);
    assert.ok(first!.pieces[0]!.control && second!.pieces[0]!.control);
    assert.ok(first!.mid.y < -10, `the first passes above the straight line (${first!.mid.y})`);
    assert.equal(second!.mid.y, -first!.mid.y, 'the second as far below');
    assert.equal(first!.start.y, -second!.start.y, 'they leave the source apart');
    assert.equal(first!.mid.x, 150);
    assert.equal(single!.pieces[0]!.control, null);
    assert.ok(first!.box.y1 < 0 && second!.box.y2 > 0, 'the boxes include the control points');
  });

  test('a loop rises over its node from the left quarter to the right quarter; its arrow points down into it', () => {
    const path = loopPath(B);
    assert.deepEqual(path.start, { x: 262.5, y: -22 });
    assert.deepEqual(pathEnd(path).end, { x: 337.5, y: -22 });
    assert.ok(pathEnd(path).from.y < -22, 'arriving from above');
    assert.equal(path.mid.y, -58);
    const paths = edgePaths([edge('e0', 'b', 'b', { count: 8 })], new Map([['b', B]]));
    assert.deepEqual(paths.get('e0'), path);
  });

  test('edges whose nodes are not drawn have no path', () => {
    assert.equal(edgePaths([edge('e0', 'a', 'missing')], new Map([['a', A]])).size, 0);
  });

  test('distanceToPath: along a straight edge and along a curve', () => {
    const straight = bentPath(A, B, 0);
    assert.equal(distanceToPath(straight, { x: 150, y: 5 }), 5);
    assert.equal(distanceToPath(straight, { x: 0, y: 0 }), 75, 'beyond its start: the distance to the start');
    const curved = bentPath(A, B, 30);
    assert.ok(distanceToPath(curved, curved.mid) < 0.5, 'the middle of the curve is on it');
    assert.ok(distanceToPath(curved, { x: 150, y: 0 }) > 25, 'the straight line is not');
    const loop = loopPath(B);
    assert.ok(distanceToPath(loop, loop.mid) < 0.5);
  });

  test('pathEnd of a straight edge arrives from its start', () => {
    const path = bentPath(A, B, 0);
    assert.deepEqual(pathEnd(path), { end: { x: 225, y: 0 }, from: { x: 75, y: 0 } });
  });
});
