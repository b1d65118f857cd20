/**
 * The edge layer, drawn on the graph's canvas under its nodes: every edge — data flow as lines
 * with an arrowhead at the consumer, graph breaks as dashed cut edges ending in a bar, ×N on
 * folded edges. A graph of 10,000 nodes has some 14,000 edges: a few canvas paths per frame.
 *
 * Level of detail: edges shorter than a pixel on screen are skipped, arrowheads and labels appear
 * from the zoom at which they could be told apart.
 */
import type { GraphEdge } from '../model/graph';
import { DETAIL_MIN_ZOOM } from '../model/style';
import { arrowhead, tee, tracePath, type LayerTarget } from './draw';
import { pathEnd, type EdgePath } from './edgeGeometry';
import type { Viewport } from './stepLayer';

export interface EdgeColors {
  edge: string;
  error: string;
  background: string;
  foreground: string;
  fontFamily: string;
}

/**
 * Draws the edges onto `target` (the graph's canvas, under the nodes; or an export's, at 1 device
 * pixel per CSS pixel).
 */
export function drawEdges(edges: readonly GraphEdge[], paths: ReadonlyMap<string, EdgePath>, view: Viewport, colors: EdgeColors, target: LayerTarget): void {
  const { ctx, dpr } = target;
  const { zoom, pan } = view;
  const base = new DOMMatrix([dpr, 0, 0, dpr, 0, 0]);
  ctx.setTransform(base.translate(pan.x, pan.y).scale(zoom));
  const extent = { x1: -pan.x / zoom, y1: -pan.y / zoom, x2: (view.width - pan.x) / zoom, y2: (view.height - pan.y) / zoom };
  const detail = zoom >= DETAIL_MIN_ZOOM;
  const visible: { edge: GraphEdge; path: EdgePath }[] = [];
  for (const edge of edges) {
    const path = paths.get(edge.id);
    if (!path) continue;
    const b = path.box;
    if (b.x2 < extent.x1 || b.x1 > extent.x2 || b.y2 < extent.y1 || b.y1 > extent.y2) continue;
    if ((b.x2 - b.x1 + b.y2 - b.y1) * zoom < 1) continue; // shorter than a pixel
    visible.push({ edge, path });
  }
  const px = 1 / zoom;
  const arrow = Math.max(8, 6 * px);

  // Data flow: one stroke for all the lines, one fill for all the arrowheads.
  ctx.strokeStyle = colors.edge;
  ctx.fillStyle = colors.edge;
  ctx.lineWidth = Math.max(1.5, 0.75 * px);
  ctx.beginPath();
  for (const { edge, path } of visible) if (!edge.cut) tracePath(ctx, path);
  ctx.stroke();
  if (detail) {
    for (const { edge, path } of visible) {
      if (edge.cut) continue;
      const { end, from } = pathEnd(path);
      arrowhead(ctx, end, from, arrow);
    }
  }

  // Graph breaks: dashed, in the error colour, ending in a bar (gradient stops here).
  const cuts = visible.filter((v) => v.edge.cut);
  if (cuts.length > 0) {
    ctx.strokeStyle = colors.error;
    ctx.lineWidth = Math.max(2, px);
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    for (const { path } of cuts) tracePath(ctx, path);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    for (const { path } of cuts) {
      const { end, from } = pathEnd(path);
      tee(ctx, end, from, Math.max(12, 8 * px));
    }
    ctx.stroke();
  }

  // ×N on folded edges, at screen size.
  if (detail) {
    ctx.setTransform(base);
    ctx.font = `10px ${colors.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const { edge, path } of visible) {
      if (edge.count <= 1) continue;
      const text = `×${edge.count}`;
      const x = path.mid.x * zoom + pan.x;
      const y = path.mid.y * zoom + pan.y;
      const w = ctx.measureText(text).width + 6;
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = colors.background;
      ctx.fillRect(x - w / 2, y - 7, w, 14);
      ctx.globalAlpha = 1;
      ctx.fillStyle = edge.cut ? colors.error : colors.foreground;
      ctx.fillText(text, x, y);
    }
  }
}
