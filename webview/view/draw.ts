/** Canvas drawing shared by the graph's layers. */
import type { EdgePath, NodeBox, Point } from './edgeGeometry';

/** Where a layer draws: a 2D context and its device pixels per CSS pixel. */
export interface LayerTarget { ctx: CanvasRenderingContext2D; dpr: number }

/**
 * Sizes a layer's canvas to the view in device pixels (at most 2 per CSS pixel), clears it, and
 * returns its context with the pixel ratio; null if the browser gives no 2D context.
 */
export function beginLayer(canvas: HTMLCanvasElement, view: { width: number; height: number }): LayerTarget | null {
  const dpr = Math.max(1, Math.min(2, globalThis.devicePixelRatio || 1));
  const width = Math.max(1, Math.round(view.width * dpr));
  const height = Math.max(1, Math.round(view.height * dpr));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  // desynchronized: the layer is redrawn at every step; it need not wait for the compositor's copy.
  const ctx = canvas.getContext('2d', { desynchronized: true });
  if (!ctx) return null;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, dpr };
}

export function tracePath(ctx: CanvasRenderingContext2D, path: EdgePath): void {
  ctx.moveTo(path.start.x, path.start.y);
  for (const piece of path.pieces) {
    if (piece.control) ctx.quadraticCurveTo(piece.control.x, piece.control.y, piece.end.x, piece.end.y);
    else ctx.lineTo(piece.end.x, piece.end.y);
  }
}

export function roundRect(ctx: CanvasRenderingContext2D, box: NodeBox, pad: number): void {
  ctx.roundRect(box.x - box.w / 2 - pad, box.y - box.h / 2 - pad, box.w + 2 * pad, box.h + 2 * pad, 6 + pad);
}

/** A filled triangle with its tip at `tip`, pointing away from `from`. */
export function arrowhead(ctx: CanvasRenderingContext2D, tip: Point, from: Point, size: number): void {
  const angle = Math.atan2(tip.y - from.y, tip.x - from.x);
  const back = { x: tip.x - Math.cos(angle) * size, y: tip.y - Math.sin(angle) * size };
  const side = { x: -Math.sin(angle) * size * 0.45, y: Math.cos(angle) * size * 0.45 };
  ctx.beginPath();
  ctx.moveTo(tip.x, tip.y);
  ctx.lineTo(back.x + side.x, back.y + side.y);
  ctx.lineTo(back.x - side.x, back.y - side.y);
  ctx.closePath();
  ctx.fill();
}

/** A short bar across the path's end (a cut edge: gradient stops here). */
export function tee(ctx: CanvasRenderingContext2D, tip: Point, from: Point, size: number): void {
  const angle = Math.atan2(tip.y - from.y, tip.x - from.x);
  const side = { x: -Math.sin(angle) * size / 2, y: Math.cos(angle) * size / 2 };
  ctx.moveTo(tip.x + side.x, tip.y + side.y);
  ctx.lineTo(tip.x - side.x, tip.y - side.y);
}
