/**
 * The graph's viewport: zoom and pan (screen = model × zoom + pan) over a view of a size, within
 * the zoom's limits, and a short glide of the pan. It draws nothing: it says when it moved, and the
 * graph view redraws its layers in the next frame. Every layer reads the same viewport, so edges,
 * nodes and the step's marks always line up.
 */
import type { Point } from './edgeGeometry';
import { clampZoom } from './fit';

export { clampZoom, MAX_ZOOM, MIN_ZOOM } from './fit';

/** The viewport every layer draws in (stepLayer.ts's Viewport): zoom, pan, and the view's size in CSS pixels. */
export interface Viewport { zoom: number; pan: Point; width: number; height: number }

/** The browser's frames, reached when a glide starts (this module is also tested in Node, which has none). */
interface Frames { requestAnimationFrame(tick: (now: number) => void): number; cancelAnimationFrame(id: number): void }
const frames = (): Frames => globalThis as unknown as Frames;

export class Camera {
  private current: Viewport = { zoom: 1, pan: { x: 0, y: 0 }, width: 0, height: 0 };
  private glide: number | null = null;

  /** `moved` is told after every change of zoom or pan (not of size). */
  constructor(private readonly moved: () => void) {}

  get view(): Viewport {
    return this.current;
  }

  get zoom(): number {
    return this.current.zoom;
  }

  get pan(): Point {
    return this.current.pan;
  }

  /** The view's size in CSS pixels (the container's). */
  setSize(width: number, height: number): void {
    this.current = { ...this.current, width, height };
  }

  /** Sets zoom and pan (the zoom kept within its limits), ending a glide under way. */
  set(viewport: { zoom: number; pan: Point }): void {
    this.stop();
    this.apply(viewport);
  }

  /** Zooms to `level` keeping the point at `rendered` (screen pixels) where it is. */
  zoomAt(level: number, rendered: Point): void {
    const { zoom, pan } = this.current;
    const next = clampZoom(level);
    const model = { x: (rendered.x - pan.x) / zoom, y: (rendered.y - pan.y) / zoom };
    this.set({ zoom: next, pan: { x: rendered.x - model.x * next, y: rendered.y - model.y * next } });
  }

  panBy(dx: number, dy: number): void {
    const { zoom, pan } = this.current;
    this.set({ zoom, pan: { x: pan.x + dx, y: pan.y + dy } });
  }

  /** Glides the pan so that the model point `at` comes to the view's centre, in `ms`. */
  centreOn(at: Point, ms: number): void {
    this.stop();
    const { zoom, pan: from, width, height } = this.current;
    const to = { x: width / 2 - at.x * zoom, y: height / 2 - at.y * zoom };
    const started = performance.now();
    const tick = (now: number) => {
      const t = Math.min(1, (now - started) / ms);
      this.apply({ zoom, pan: { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t } });
      this.glide = t < 1 ? frames().requestAnimationFrame(tick) : null;
    };
    this.glide = frames().requestAnimationFrame(tick);
  }

  /** Ends a glide under way where it is. */
  stop(): void {
    if (this.glide !== null) frames().cancelAnimationFrame(this.glide);
    this.glide = null;
  }

  /** The visible part of the graph, in model coordinates. */
  extent(): { x1: number; y1: number; x2: number; y2: number } {
    const { zoom, pan, width, height } = this.current;
    return { x1: -pan.x / zoom, y1: -pan.y / zoom, x2: (width - pan.x) / zoom, y2: (height - pan.y) / zoom };
  }

  private apply(viewport: { zoom: number; pan: Point }): void {
    const zoom = clampZoom(viewport.zoom);
    if (!Number.isFinite(zoom) || !Number.isFinite(viewport.pan.x) || !Number.isFinite(viewport.pan.y)) return;
    this.current = { ...this.current, zoom, pan: { x: viewport.pan.x, y: viewport.pan.y } };
    this.moved();
  }
}
