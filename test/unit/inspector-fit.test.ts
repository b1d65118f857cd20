// Which viewport shows a graph (webview/view/fit.ts) and how the camera zooms about a point
// (webview/view/camera.ts): screen = model × zoom + pan, checked without a browser.
import { strict as assert } from 'node:assert';
import { Camera, MAX_ZOOM, MIN_ZOOM } from '../../webview/view/camera';
import type { NodeBox } from '../../webview/view/edgeGeometry';
import { FIT_PADDING, fitViewport, LABEL_ZOOM, openingViewport } from '../../webview/view/fit';

const VIEW = { width: 1000, height: 600 };
/** `count` nodes in a row, 200 apart, centred on y = 0. */
const row = (count: number): NodeBox[] => Array.from({ length: count }, (_, i) => ({ x: i * 200, y: 0, w: 150, h: 44 }));

suite('inspector: the viewport that shows a graph', () => {
  test('a small graph is fitted whole, centred, no closer than 1.2', () => {
    const fitted = fitViewport(row(2), VIEW, FIT_PADDING);
    assert.equal(fitted.zoom, 1.2);
    // The middle of the boxes (x = 100, y = 0) at the middle of the view.
    assert.deepEqual([fitted.pan.x + 100 * fitted.zoom, fitted.pan.y], [500, 300]);
  });

  test('a row somewhat too wide for its labels opens at a readable zoom, its last node (the head) in view', () => {
    const boxes = row(9); // 1750 wide: whole at 0.537, readable at 0.7 within 2.5 views
    assert.ok(fitViewport(boxes, VIEW, FIT_PADDING).zoom < LABEL_ZOOM);
    const opening = openingViewport(boxes, VIEW);
    assert.equal(opening.zoom, LABEL_ZOOM);
    const rightEdge = (8 * 200 + 75) * opening.zoom + opening.pan.x;
    assert.ok(Math.abs(rightEdge - (VIEW.width - FIT_PADDING)) < 1e-9, `the right edge at ${rightEdge}`);
    assert.equal(opening.pan.y, VIEW.height / 2, 'centred across');
  });

  test('a much bigger graph opens whole; no graph, or no room, gives zoom 1', () => {
    const boxes = row(100);
    assert.deepEqual(openingViewport(boxes, VIEW), fitViewport(boxes, VIEW, FIT_PADDING));
    assert.ok(openingViewport(boxes, VIEW).zoom < 0.1);
    assert.equal(fitViewport([], VIEW, FIT_PADDING).zoom, 1);
    assert.equal(openingViewport(row(3), { width: 0, height: 0 }).zoom, 1, 'a view not measured yet');
  });
});

suite('inspector: the camera', () => {
  test('zooming about a point keeps that point where it is on screen, within the zoom\'s limits', () => {
    let moves = 0;
    const camera = new Camera(() => { moves++; });
    camera.setSize(800, 600);
    camera.set({ zoom: 0.5, pan: { x: 10, y: 20 } });
    const at = { x: 300, y: 200 };
    const model = { x: (at.x - 10) / 0.5, y: (at.y - 20) / 0.5 };
    camera.zoomAt(2, at);
    assert.equal(camera.zoom, 2);
    assert.ok(Math.abs(model.x * 2 + camera.pan.x - at.x) < 1e-9 && Math.abs(model.y * 2 + camera.pan.y - at.y) < 1e-9);
    camera.zoomAt(1e6, at);
    assert.equal(camera.zoom, MAX_ZOOM);
    camera.zoomAt(0, at);
    assert.equal(camera.zoom, MIN_ZOOM);
    camera.panBy(5, -5);
    assert.equal(moves, 5, 'told of every move');
    assert.deepEqual(camera.extent(), { x1: -camera.pan.x / MIN_ZOOM, y1: -camera.pan.y / MIN_ZOOM, x2: (800 - camera.pan.x) / MIN_ZOOM, y2: (600 - camera.pan.y) / MIN_ZOOM });
  });

  test('a viewport that is not a number is refused', () => {
    const camera = new Camera(() => {});
    camera.set({ zoom: 1, pan: { x: 1, y: 2 } });
    camera.set({ zoom: Number.NaN, pan: { x: 0, y: 0 } });
    camera.set({ zoom: 1, pan: { x: Number.POSITIVE_INFINITY, y: 0 } });
    assert.deepEqual([camera.zoom, camera.pan], [1, { x: 1, y: 2 }]);
  });
});
