/**
 * The step layer: a canvas over the graph that draws what changes at every step (marks.ts) — the
 * veil over elements not reached yet, the current node, the nodes receiving gradient, the edges
 * carrying it with their contributions, and each node's gradient so far. Stepping redraws this
 * layer only: the graph's canvas under it (edges and nodes) is left alone, which keeps a step
 * within one frame on graphs of thousands of elements.
 *
 * The graph view gives it the geometry of the drawn elements and the viewport. Text is drawn at
 * screen size, so contributions stay readable when zoomed out.
 */
import type { StepMarks } from '../model/marks';
import { arrowhead, beginLayer, roundRect, tracePath } from './draw';
import type { EdgePath, NodeBox, Point } from './edgeGeometry';

export interface LayerGeometry {
  node(id: string): NodeBox | undefined;
  nodes(): Iterable<[string, NodeBox]>;
  edge(id: string): EdgePath | undefined;
}

export interface Viewport {
  zoom: number;
  pan: Point;
  /** CSS pixels. */
  width: number;
  height: number;
}

export interface LayerColors {
  background: string;
  foreground: string;
  highlight: string;
  fontFamily: string;
  /** The opacity of the veil over what is not reached yet. */
  veil: number;
}

/** Below this zoom node notes would be unreadable: only the current node's is drawn. */
const NOTE_MIN_ZOOM = 0.55;
/** Below this zoom edges are hairlines: only nodes are veiled (level of detail). */
const EDGE_VEIL_MIN_ZOOM = 0.3;
/** A node smaller than this on screen gets a ring around it to be found. */
const FINDER_BELOW_PX = 14;

export class StepLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly widths = new Map<string, number>();
  private font = '';

  constructor(parent: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'step-layer';
    this.canvas.setAttribute('aria-hidden', 'true');
    parent.appendChild(this.canvas);
  }

  /** Redraws the layer; with `context`, draws onto it instead (an export), at 1 device pixel per CSS pixel. */
  draw(marks: StepMarks, geometry: LayerGeometry, view: Viewport, colors: LayerColors, context?: CanvasRenderingContext2D): void {
    const target = context ? { ctx: context, dpr: 1 } : beginLayer(this.canvas, view);
    if (!target) return;
    const { ctx, dpr } = target;
    const { zoom, pan } = view;
    // Model → device pixels.
    const base = new DOMMatrix([dpr, 0, 0, dpr, 0, 0]);
    const model = base.translate(pan.x, pan.y).scale(zoom);
    ctx.setTransform(model);
    const extent = { x1: -pan.x / zoom, y1: -pan.y / zoom, x2: (view.width - pan.x) / zoom, y2: (view.height - pan.y) / zoom };
    const inView = (b: NodeBox, margin = 0) => b.x + b.w / 2 + margin >= extent.x1 && b.x - b.w / 2 - margin <= extent.x2 && b.y + b.h / 2 + margin >= extent.y1 && b.y - b.h / 2 - margin <= extent.y2;
    /** A width in model units that is at least `px` screen pixels. */
    const atLeast = (units: number, px: number) => Math.max(units, px / zoom);

    // 1. The veil over what is not reached yet: edges, then nodes.
    ctx.globalAlpha = colors.veil;
    ctx.strokeStyle = colors.background;
    ctx.fillStyle = colors.background;
    ctx.lineWidth = atLeast(7, 2);
    ctx.lineCap = 'butt';
    let veiledEdges = 0;
    ctx.beginPath();
    if (zoom >= EDGE_VEIL_MIN_ZOOM) {
      for (const id of marks.pending) {
        const path = geometry.edge(id);
        if (path && path.box.x2 >= extent.x1 && path.box.x1 <= extent.x2 && path.box.y2 >= extent.y1 && path.box.y1 <= extent.y2) {
          tracePath(ctx, path);
          veiledEdges++;
        }
      }
    }
    if (veiledEdges > 0) {
      ctx.stroke();
      // Edges run under nodes: where a veiled edge crosses a node that is not veiled, clear it again.
      ctx.globalAlpha = 1;
      ctx.globalCompositeOperation = 'destination-out';
      ctx.beginPath();
      for (const [id, box] of geometry.nodes()) {
        if (!marks.pending.has(id) && inView(box)) ctx.rect(box.x - box.w / 2, box.y - box.h / 2, box.w, box.h);
      }
      ctx.fill();
    }
    ctx.globalCompositeOperation = 'source-over';
    ctx.globalAlpha = colors.veil;
    ctx.beginPath();
    for (const id of marks.pending) {
      const box = geometry.node(id);
      if (box && inView(box, 4)) ctx.rect(box.x - box.w / 2 - 2, box.y - box.h / 2 - 2, box.w + 4, box.h + 4);
    }
    ctx.fill();
    ctx.globalAlpha = 1;

    // 2. The edges carrying gradient now, with an arrowhead at the input's end (gradient flows back).
    ctx.strokeStyle = colors.highlight;
    ctx.fillStyle = colors.highlight;
    ctx.lineWidth = atLeast(3.5, 2.5);
    ctx.lineCap = 'round';
    for (const id of marks.active.keys()) {
      const path = geometry.edge(id);
      if (!path) continue;
      ctx.beginPath();
      tracePath(ctx, path);
      ctx.stroke();
      const toward = path.pieces[0]!.control ?? path.pieces[0]!.end;
      arrowhead(ctx, path.start, toward, atLeast(11, 8));
    }

    // 3. Rings: the nodes receiving gradient, then the current node with a glow.
    ctx.lineWidth = atLeast(3, 2);
    ctx.beginPath();
    for (const id of marks.receiving) {
      const box = geometry.node(id);
      if (box) roundRect(ctx, box, 3);
    }
    ctx.stroke();
    const current = marks.current !== null ? geometry.node(marks.current) : undefined;
    if (current) {
      ctx.globalAlpha = 0.35;
      ctx.lineWidth = atLeast(10, 4);
      ctx.beginPath();
      roundRect(ctx, current, 8);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.lineWidth = atLeast(4, 2.5);
      ctx.beginPath();
      roundRect(ctx, current, 2);
      ctx.stroke();
    }

    // 4. Text at screen size: notes under nodes, contributions on the active edges.
    const screen = (p: Point) => ({ x: p.x * zoom + pan.x, y: p.y * zoom + pan.y });
    ctx.setTransform(base);
    if (current && current.w * zoom < FINDER_BELOW_PX) {
      // Zoomed far out the node is a speck: a ring of fixed size says where it is.
      const c = screen(current);
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.arc(c.x, c.y, FINDER_BELOW_PX, 0, 2 * Math.PI);
      ctx.stroke();
    }
    const fontSize = Math.round(Math.max(10, Math.min(13, 11 * zoom)));
    this.setFont(ctx, `${fontSize}px ${colors.fontFamily}`);
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    const notesShown = zoom >= NOTE_MIN_ZOOM ? marks.notes.keys() : current && marks.current !== null && marks.notes.has(marks.current) ? [marks.current] : [];
    for (const id of notesShown) {
      if (marks.pending.has(id)) continue;
      const box = geometry.node(id);
      if (!box || !inView(box, 40)) continue;
      const at = screen({ x: box.x, y: box.y + box.h / 2 });
      const finder = box.w * zoom < FINDER_BELOW_PX ? FINDER_BELOW_PX : 0;
      this.pill(ctx, marks.notes.get(id)!, { x: at.x, y: at.y + finder + fontSize * 0.5 + 7 }, fontSize, colors, id === marks.current);
    }
    for (const [id, label] of marks.active) {
      const path = geometry.edge(id);
      if (path) this.pill(ctx, label, screen(path.mid), fontSize, colors, true);
    }
  }

  private setFont(ctx: CanvasRenderingContext2D, font: string): void {
    if (font !== this.font) { this.widths.clear(); this.font = font; }
    ctx.font = font;
  }

  /** Text on a rounded label, outlined in the highlight colour when it belongs to this step. */
  private pill(ctx: CanvasRenderingContext2D, text: string, at: Point, size: number, colors: LayerColors, strong: boolean): void {
    let width = this.widths.get(text);
    if (width === undefined) {
      width = ctx.measureText(text).width;
      if (this.widths.size > 5000) this.widths.clear();
      this.widths.set(text, width);
    }
    const w = width + 8;
    const h = size + 6;
    ctx.globalAlpha = 0.92;
    ctx.fillStyle = colors.background;
    ctx.beginPath();
    ctx.roundRect(at.x - w / 2, at.y - h / 2, w, h, 4);
    ctx.fill();
    ctx.globalAlpha = 1;
    if (strong) {
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = colors.highlight;
      ctx.stroke();
    }
    ctx.fillStyle = colors.foreground;
    ctx.fillText(text, at.x, at.y + 0.5);
  }
}
