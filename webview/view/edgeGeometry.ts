/**
 * Where each edge of the graph runs, from the node boxes alone: a straight line from border to
 * border; parallel edges (dot(x, x) feeds x twice) bent apart; a folded loop feeding its own group
 * as a loop over the node's top. The edge layer draws these paths and the step layer highlights
 * them, so both always agree. Pure: no DOM.
 */
import { parallelEdges, type GraphEdge } from '../model/graph';

export interface Point { x: number; y: number }

/** A node's box in model coordinates: its centre and size. */
export interface NodeBox { x: number; y: number; w: number; h: number }

/** An edge as drawn: from its start along quadratic pieces (straight when `control` is null). */
export interface EdgePath {
  start: Point;
  pieces: { control: Point | null; end: Point }[];
  /** Where its label goes. */
  mid: Point;
  /** A box around it (its control points included). */
  box: { x1: number; y1: number; x2: number; y2: number };
}

/** How far apart parallel edges bend, at their middle, in model units. */
const PARALLEL_SPACING = 22;
/** How high a loop rises above its node. */
const LOOP_HEIGHT = 36;

export function edgePaths(edges: readonly GraphEdge[], boxes: ReadonlyMap<string, NodeBox>): Map<string, EdgePath> {
  const paths = new Map<string, EdgePath>();
  for (const [edge, { index, count }] of parallelEdges(edges)) {
    const source = boxes.get(edge.source);
    const target = boxes.get(edge.target);
    if (!source || !target) continue;
    paths.set(edge.id, edge.source === edge.target ? loopPath(source, index) : bentPath(source, target, (index - (count - 1) / 2) * PARALLEL_SPACING));
  }
  return paths;
}

/** A line from border to border, bent sideways by `bend` at its middle (straight when 0). */
export function bentPath(source: NodeBox, target: NodeBox, bend: number): EdgePath {
  if (bend === 0) {
    const start = leaveBox(source, target);
    const end = leaveBox(target, source);
    return { start, pieces: [{ control: null, end }], mid: { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 }, box: boxAround([start, end]) };
  }
  const length = Math.hypot(target.x - source.x, target.y - source.y) || 1;
  const normal = { x: -(target.y - source.y) / length, y: (target.x - source.x) / length };
  // A quadratic curve's middle lies halfway to its control point.
  const control = { x: (source.x + target.x) / 2 + normal.x * 2 * bend, y: (source.y + target.y) / 2 + normal.y * 2 * bend };
  const start = leaveBox(source, control);
  const end = leaveBox(target, control);
  const mid = { x: (start.x + 2 * control.x + end.x) / 4, y: (start.y + 2 * control.y + end.y) / 4 };
  return { start, pieces: [{ control, end }], mid, box: boxAround([start, control, end]) };
}

/** A loop over the node's top, from its left quarter to its right quarter; the k-th rises higher. */
export function loopPath(box: NodeBox, k = 0): EdgePath {
  const top = box.y - box.h / 2;
  const height = LOOP_HEIGHT + k * 14;
  const [left, right] = [box.x - box.w / 4, box.x + box.w / 4];
  const start = { x: left, y: top };
  const end = { x: right, y: top };
  const peak = { x: box.x, y: top - height };
  return {
    start,
    pieces: [{ control: { x: left, y: top - height }, end: peak }, { control: { x: right, y: top - height }, end }],
    mid: peak,
    box: { x1: left, y1: top - height, x2: right, y2: top },
  };
}

/** Where the line from the box's centre toward `toward` leaves the box. */
export function leaveBox(box: NodeBox, toward: Point): Point {
  const dx = toward.x - box.x;
  const dy = toward.y - box.y;
  if (dx === 0 && dy === 0) return { x: box.x, y: box.y };
  const t = Math.min(1, dx === 0 ? Infinity : box.w / 2 / Math.abs(dx), dy === 0 ? Infinity : box.h / 2 / Math.abs(dy));
  return { x: box.x + dx * t, y: box.y + dy * t };
}

/** The path's last point and the point it arrives from (for an arrowhead at its end). */
export function pathEnd(path: EdgePath): { end: Point; from: Point } {
  const last = path.pieces[path.pieces.length - 1]!;
  const from = last.control ?? (path.pieces.length > 1 ? path.pieces[path.pieces.length - 2]!.end : path.start);
  return { end: last.end, from };
}

/** The distance from `p` to the path (quadratic pieces sampled), in model units. */
export function distanceToPath(path: EdgePath, p: Point): number {
  let best = Infinity;
  let previous = path.start;
  for (const piece of path.pieces) {
    if (!piece.control) {
      best = Math.min(best, distanceToSegment(p, previous, piece.end));
    } else {
      let a = previous;
      for (let i = 1; i <= 12; i++) {
        const t = i / 12;
        const u = 1 - t;
        const b = {
          x: u * u * previous.x + 2 * u * t * piece.control.x + t * t * piece.end.x,
          y: u * u * previous.y + 2 * u * t * piece.control.y + t * t * piece.end.y,
        };
        best = Math.min(best, distanceToSegment(p, a, b));
        a = b;
      }
    }
    previous = piece.end;
  }
  return best;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

function boxAround(points: readonly Point[]): EdgePath['box'] {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    x1 = Math.min(x1, p.x);
    y1 = Math.min(y1, p.y);
    x2 = Math.max(x2, p.x);
    y2 = Math.max(y2, p.y);
  }
  return { x1, y1, x2, y2 };
}
