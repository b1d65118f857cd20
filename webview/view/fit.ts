/**
 * Which viewport shows a graph: the whole graph fitted, or — a graph only a little too big for
 * its labels — a readable zoom on its heads. Pure: boxes and the view's size in, zoom and pan out
 * (screen = model × zoom + pan); tested in Node.
 */
import type { NodeBox, Point } from './edgeGeometry';

export interface Fitted { zoom: number; pan: Point }

/** "Fit" shows the whole graph, however large (a chain of 10,000 nodes is ~1.2M px long). */
export const MIN_ZOOM = 0.0005;
export const MAX_ZOOM = 4;

export function clampZoom(zoom: number): number {
  return Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom));
}

/** Padding around the graph when it is fitted, in screen pixels. */
export const FIT_PADDING = 30;
/** No closer than this when fitting: labels are readable at 1. */
const FIT_MAX_ZOOM = 1.2;
/** The zoom at which node labels read comfortably: a whole-graph fit at least this close is kept. */
export const READABLE_ZOOM = 0.8;
/** Labels read from this zoom on (style.ts draws them from LABEL_MIN_ZOOM, 7 px on screen). */
export const LABEL_ZOOM = 0.7;
/**
 * A graph whose whole-graph fit would hide its labels, but that is at most this many times
 * wider or taller than the view at LABEL_ZOOM, opens at LABEL_ZOOM on its heads instead: a row of
 * a dozen layers is read, not seen as a strip of coloured boxes. Bigger graphs open whole.
 */
const OPEN_READABLE_SPAN = 2.5;

/** The zoom and pan that show these boxes with `padding` screen pixels around, no closer than readable. */
export function fitViewport(boxes: Iterable<NodeBox>, view: { width: number; height: number }, padding: number): Fitted {
  const { x1, y1, x2, y2 } = bounds(boxes);
  const { width: w, height: h } = view;
  if (!Number.isFinite(x1) || w <= 0 || h <= 0) return { zoom: 1, pan: { x: w / 2, y: h / 2 } };
  const fitted = Math.min((w - 2 * padding) / Math.max(1, x2 - x1), (h - 2 * padding) / Math.max(1, y2 - y1));
  const zoom = clampZoom(Math.min(FIT_MAX_ZOOM, Math.max(MIN_ZOOM, fitted)));
  return { zoom, pan: { x: w / 2 - zoom * (x1 + x2) / 2, y: h / 2 - zoom * (y1 + y2) / 2 } };
}

/**
 * The first view of a graph: the whole graph fitted, unless that hides the labels of a graph
 * only a little too big (OPEN_READABLE_SPAN): then LABEL_ZOOM, with the heads (the right
 * edge, where backward starts) in view and the graph centred across.
 */
export function openingViewport(nodeBoxes: Iterable<NodeBox>, view: { width: number; height: number }): Fitted {
  const boxes = [...nodeBoxes];
  const whole = fitViewport(boxes, view, FIT_PADDING);
  if (whole.zoom >= LABEL_ZOOM || whole.zoom * OPEN_READABLE_SPAN < LABEL_ZOOM) return whole;
  const { x1, y1, x2, y2 } = bounds(boxes);
  const { width: w, height: h } = view;
  const zoom = LABEL_ZOOM;
  // Across the rows: centred if it fits, else from the top. Along: the right edge in view.
  const panX = (x2 - x1) * zoom <= w - 2 * FIT_PADDING ? w / 2 - zoom * (x1 + x2) / 2 : w - FIT_PADDING - zoom * x2;
  const panY = (y2 - y1) * zoom <= h - 2 * FIT_PADDING ? h / 2 - zoom * (y1 + y2) / 2 : FIT_PADDING - zoom * y1;
  return { zoom, pan: { x: panX, y: panY } };
}

/** The rectangle around boxes (infinite extents for none). */
export function bounds(boxes: Iterable<NodeBox>): { x1: number; y1: number; x2: number; y2: number } {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    x1 = Math.min(x1, b.x - b.w / 2);
    y1 = Math.min(y1, b.y - b.h / 2);
    x2 = Math.max(x2, b.x + b.w / 2);
    y2 = Math.max(y2, b.y + b.h / 2);
  }
  return { x1, y1, x2, y2 };
}
