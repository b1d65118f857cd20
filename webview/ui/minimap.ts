/** A small overview of the whole graph with the visible part framed; click or drag to move there. */
import type { Positions } from '../model/layout';
import { safely } from './failures';

export class Minimap {
  readonly element: HTMLCanvasElement;
  private layout: Positions | null = null;
  private bounds = { x: 0, y: 0, w: 1, h: 1 };

  constructor(private readonly onPan: (x: number, y: number) => void) {
    this.element = document.createElement('canvas');
    this.element.className = 'minimap';
    this.element.width = 180;
    this.element.height = 120;
    this.element.setAttribute('aria-label', 'overview of the graph');
    const move = safely('moving the overview', (event: PointerEvent) => {
      const rect = this.element.getBoundingClientRect();
      const { x, y, w, h } = this.bounds;
      this.onPan(x + ((event.clientX - rect.left) / rect.width) * w, y + ((event.clientY - rect.top) / rect.height) * h);
    });
    this.element.addEventListener('pointerdown', (event) => {
      move(event);
      const drag = (e: PointerEvent) => move(e);
      this.element.addEventListener('pointermove', drag);
      this.element.addEventListener('pointerup', () => this.element.removeEventListener('pointermove', drag), { once: true });
    });
  }

  setLayout(layout: Positions): void {
    this.layout = layout;
    const margin = 120;
    this.bounds = { x: -margin, y: -margin, w: layout.width + 2 * margin, h: layout.height + 2 * margin };
  }

  draw(viewport: { x1: number; y1: number; x2: number; y2: number }, colors: { node: string; frame: string }): void {
    const ctx = this.element.getContext('2d');
    if (!ctx || !this.layout) return;
    // With the whole graph in view an overview adds nothing, and would cover part of the graph.
    const whole = viewport.x1 <= 0 && viewport.y1 <= 0 && viewport.x2 >= this.layout.width && viewport.y2 >= this.layout.height;
    this.element.hidden = whole;
    if (whole) return;
    const { x, y, w, h } = this.bounds;
    const sx = this.element.width / w;
    const sy = this.element.height / h;
    ctx.clearRect(0, 0, this.element.width, this.element.height);
    ctx.fillStyle = colors.node;
    for (const p of this.layout.positions.values()) ctx.fillRect((p.x - x) * sx - 1, (p.y - y) * sy - 1, 2.5, 2);
    ctx.strokeStyle = colors.frame;
    ctx.lineWidth = 1.5;
    ctx.strokeRect((viewport.x1 - x) * sx, (viewport.y1 - y) * sy, (viewport.x2 - viewport.x1) * sx, (viewport.y2 - viewport.y1) * sy);
  }
}
