/**
 * The pointer on the graph: a drag pans, the wheel and a pinch zoom about the pointer, a press
 * that does not move (4 px with a mouse, 8 with a finger) taps, and a pointer moving with no
 * button pressed hovers. A press takes no focus and leaves none where it was (the page's keys
 * step on after a click: the keyboard comes into the graph by Tab), and opens no context menu.
 * Positions are in the container's CSS pixels. All listeners go with `dispose`.
 */
import type { Point } from './edgeGeometry';

export interface PointerHandlers {
  /** The user dragged the view by (dx, dy) screen pixels. */
  pan(dx: number, dy: number): void;
  /** The user zoomed by `factor` about `at`. */
  zoom(factor: number, at: Point): void;
  tap(at: Point): void;
  /** The pointer is at `at` with no button pressed, or left the graph (null). */
  hover(at: Point | null): void;
}

const MOUSE_TAP_PX = 4;
const TOUCH_TAP_PX = 8;
/** Wheel pixels for a tenfold zoom, and the most one wheel event zooms (a notch of 100 px: ×1.26). */
const WHEEL_PX_PER_DECADE = 250;
const WHEEL_MAX_DECADES = 0.1;

interface Press { start: Point; last: Point; moved: boolean; touch: boolean }

export class PointerInput {
  private readonly abort = new AbortController();
  private readonly presses = new Map<number, Press>();
  /** The distance between two fingers at the last pinch move. */
  private pinch: number | null = null;

  constructor(private readonly element: HTMLElement, private readonly handlers: PointerHandlers) {
    const options = { signal: this.abort.signal };
    element.addEventListener('pointerdown', (event) => this.down(event), options);
    element.addEventListener('pointermove', (event) => this.move(event), options);
    element.addEventListener('pointerup', (event) => this.up(event), options);
    element.addEventListener('pointercancel', (event) => this.cancel(event), options);
    element.addEventListener('pointerleave', (event) => { if (!this.presses.has(event.pointerId)) handlers.hover(null); }, options);
    element.addEventListener('wheel', (event) => this.wheel(event), { ...options, passive: false });
    element.addEventListener('mousedown', (event) => {
      event.preventDefault();
      const active = document.activeElement;
      if (active instanceof HTMLElement && active !== document.body) active.blur();
    }, options);
    element.addEventListener('contextmenu', (event) => event.preventDefault(), options);
  }

  dispose(): void {
    this.abort.abort();
    this.presses.clear();
  }

  private at(event: MouseEvent): Point {
    const box = this.element.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  private down(event: PointerEvent): void {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    const at = this.at(event);
    this.presses.set(event.pointerId, { start: at, last: at, moved: false, touch: event.pointerType !== 'mouse' });
    this.element.setPointerCapture?.(event.pointerId);
    this.pinch = null;
  }

  private move(event: PointerEvent): void {
    const press = this.presses.get(event.pointerId);
    const at = this.at(event);
    if (!press) { if (this.presses.size === 0) this.handlers.hover(at); return; }
    const threshold = press.touch ? TOUCH_TAP_PX : MOUSE_TAP_PX;
    if (!press.moved && (at.x - press.start.x) ** 2 + (at.y - press.start.y) ** 2 < threshold ** 2) return;
    press.moved = true;
    const previous = press.last;
    press.last = at;
    if (this.presses.size >= 2) { this.pinchMove(); return; }
    this.handlers.pan(at.x - previous.x, at.y - previous.y);
  }

  /** Two fingers: zoom by how much farther apart they are, about their middle. */
  private pinchMove(): void {
    const [a, b] = [...this.presses.values()];
    const distance = Math.hypot(a!.last.x - b!.last.x, a!.last.y - b!.last.y);
    if (this.pinch !== null && this.pinch > 0 && distance > 0) {
      this.handlers.zoom(distance / this.pinch, { x: (a!.last.x + b!.last.x) / 2, y: (a!.last.y + b!.last.y) / 2 });
    }
    this.pinch = distance;
  }

  private up(event: PointerEvent): void {
    const press = this.presses.get(event.pointerId);
    if (!press) return;
    this.presses.delete(event.pointerId);
    this.pinch = null;
    // A tap is a lone press that stayed put; a finger lifted from a pinch is not one.
    if (!press.moved && this.presses.size === 0) this.handlers.tap(this.at(event));
    else for (const other of this.presses.values()) other.moved = true;
  }

  private cancel(event: PointerEvent): void {
    this.presses.delete(event.pointerId);
    this.pinch = null;
  }

  private wheel(event: WheelEvent): void {
    if (event.deltaY === 0) return;
    event.preventDefault();
    const pixels = event.deltaY * (event.deltaMode === 1 ? 33 : event.deltaMode === 2 ? 800 : 1);
    const decades = Math.max(-WHEEL_MAX_DECADES, Math.min(WHEEL_MAX_DECADES, -pixels / WHEEL_PX_PER_DECADE));
    this.handlers.zoom(10 ** decades, this.at(event));
  }
}
