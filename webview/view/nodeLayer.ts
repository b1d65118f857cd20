/**
 * The node layer, drawn on the graph's canvas over the edges (the step layer's canvas is over
 * both): every node as its look says (model/style.ts: shape, size, fill; borders and labels at the level of detail; halos
 * for selection and matches; the keyboard's ring) and the functions' boxes when grouping by
 * function. Only what is in view is drawn; nodes that look alike are filled and stroked as one
 * path, so 10,000 nodes are a few dozen canvas calls and their labels only once legible.
 */
import { DETAIL_MIN_ZOOM, LABEL_FONT_SIZE, LABEL_MAX_WIDTH, LABEL_MIN_ZOOM, nodeLook, parentLook, type GraphTheme, type LineStyle, type LookData, type NodeLook, type NodeShape, type Ring } from '../model/style';
import type { LayerTarget } from './draw';
import type { NodeBox } from './edgeGeometry';
import { wrapLabel } from './labelWrap';
import type { Viewport } from './stepLayer';

export interface DrawnNode { id: string; box: NodeBox; label: string }

/** A function's box around its nodes (grouping by function), in model coordinates. */
export interface ParentBox { id: string; label: string; x1: number; y1: number; x2: number; y2: number }

/** What the layer draws: the nodes, each one's classes and data, and the functions' boxes. */
export interface NodeScene {
  nodes: readonly DrawnNode[];
  parents: readonly ParentBox[];
  classes(id: string): readonly string[];
  data(id: string): LookData | undefined;
}

/** Beyond a node's box, how far (model units) its halos and rings reach: a node this near the view is drawn. */
const REACH = 20;
/** A node narrower than this on screen is a plain rectangle (its corners would not show). */
const PLAIN_BELOW_PX = 3;

export class NodeLayer {
  private readonly looks = new Map<string, NodeLook>();
  private readonly lines = new Map<string, string[]>();
  private theme: GraphTheme | null = null;

  /** How node `id` looks now (cached per classes and data). */
  look(scene: NodeScene, id: string, detail: boolean, theme: GraphTheme): NodeLook {
    if (theme !== this.theme) { this.looks.clear(); this.lines.clear(); this.theme = theme; }
    const classes = scene.classes(id);
    const data = scene.data(id);
    const key = `${classes.join(' ')}|${data?.color ?? ''}|${data?.textColor ?? ''}|${detail ? 1 : 0}`;
    let look = this.looks.get(key);
    if (!look) {
      look = nodeLook(classes, data, detail, theme);
      this.looks.set(key, look);
    }
    return look;
  }

  /** Draws the nodes in view onto `target`; an export's with every detail (`detail: 'all'`). */
  draw(scene: NodeScene, view: Viewport, theme: GraphTheme, target: LayerTarget, options: { detail?: 'all' } = {}): void {
    const { ctx, dpr } = target;
    const { zoom, pan } = view;
    ctx.setTransform(new DOMMatrix([dpr, 0, 0, dpr, 0, 0]).translate(pan.x, pan.y).scale(zoom));
    const [x1, y1] = [-pan.x / zoom - REACH, -pan.y / zoom - REACH];
    const [x2, y2] = [(view.width - pan.x) / zoom + REACH, (view.height - pan.y) / zoom + REACH];
    const detail = options.detail === 'all' || zoom >= DETAIL_MIN_ZOOM;
    const labels = options.detail === 'all' || zoom >= LABEL_MIN_ZOOM;

    this.drawParents(ctx, scene.parents.filter((p) => p.x2 >= x1 && p.x1 <= x2 && p.y2 >= y1 - 20 && p.y1 <= y2), zoom, theme);

    const shown: { node: DrawnNode; look: NodeLook }[] = [];
    for (const node of scene.nodes) {
      const b = node.box;
      if (b.x + b.w / 2 < x1 || b.x - b.w / 2 > x2 || b.y + b.h / 2 < y1 || b.y - b.h / 2 > y2) continue;
      shown.push({ node, look: this.look(scene, node.id, detail, theme) });
    }
    const plain = shown.length > 0 && shown[0]!.node.box.w * zoom < PLAIN_BELOW_PX;

    // Under the nodes: the halos of matches and cut points.
    for (const { node, look } of shown) if (look.underlay) halo(ctx, node.box, look, look.underlay);
    // The bodies, one fill per shape and colour.
    for (const [key, group] of groupBy(shown, ({ look }) => `${look.fill}|${look.shape}`)) {
      ctx.fillStyle = key.slice(0, key.indexOf('|'));
      ctx.beginPath();
      for (const { node, look } of group) shapePath(ctx, plain ? 'rectangle' : look.shape, node.box, look.height, 0);
      ctx.fill();
    }
    // The borders, one stroke per width, colour and style.
    const bordered = shown.filter(({ look }) => look.border !== null);
    for (const [, group] of groupBy(bordered, ({ look }) => ringKey(look.border!))) {
      strokeRings(ctx, group.map(({ node, look }) => ({ box: node.box, look, outset: 0 })), group[0]!.look.border!, plain);
    }
    if (labels) this.drawLabels(ctx, shown);
    // Over the nodes: the selection's halo, the keyboard's ring.
    for (const { node, look } of shown) if (look.overlay) halo(ctx, node.box, look, look.overlay);
    for (const { node, look } of shown) {
      const outline = look.outline;
      if (outline) strokeRings(ctx, [{ box: node.box, look, outset: (look.border?.width ?? 0) / 2 + outline.offset + outline.width / 2 }], outline, false);
    }
  }

  private drawLabels(ctx: CanvasRenderingContext2D, shown: readonly { node: DrawnNode; look: NodeLook }[]): void {
    ctx.font = `${LABEL_FONT_SIZE}px ${this.theme!.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const { node, look } of shown) {
      if (look.text === null || node.label === '') continue;
      let lines = this.lines.get(node.label);
      if (!lines) {
        lines = wrapLabel(node.label, LABEL_MAX_WIDTH, (text) => ctx.measureText(text).width);
        if (this.lines.size > 20_000) this.lines.clear();
        this.lines.set(node.label, lines);
      }
      ctx.fillStyle = look.text;
      const top = node.box.y - ((lines.length - 1) * LABEL_FONT_SIZE) / 2;
      for (let i = 0; i < lines.length; i++) ctx.fillText(lines[i]!, node.box.x, top + i * LABEL_FONT_SIZE);
    }
  }

  private drawParents(ctx: CanvasRenderingContext2D, parents: readonly ParentBox[], zoom: number, theme: GraphTheme): void {
    if (parents.length === 0) return;
    const look = parentLook(theme);
    ctx.fillStyle = look.fill;
    ctx.globalAlpha = look.fillOpacity;
    ctx.beginPath();
    for (const p of parents) roundedBox(ctx, p.x1, p.y1, p.x2 - p.x1, p.y2 - p.y1);
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = look.border.color;
    ctx.lineWidth = look.border.width;
    ctx.setLineDash(dashes(look.border.style));
    ctx.stroke();
    ctx.setLineDash([]);
    if (LABEL_FONT_SIZE * zoom < 3) return;
    ctx.font = `${LABEL_FONT_SIZE}px ${theme.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillStyle = look.text;
    for (const p of parents) ctx.fillText(p.label, (p.x1 + p.x2) / 2, p.y1 - 1);
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item); else groups.set(k, [item]);
  }
  return groups;
}

function ringKey(ring: Ring): string {
  return `${ring.width}|${ring.color}|${ring.style}`;
}

/** The dash pattern of a line style, in model units. */
function dashes(style: LineStyle): number[] {
  return style === 'dashed' ? [4, 2] : style === 'dotted' ? [1, 1] : [];
}

/**
 * Strokes `ring` around each box (`outset` beyond its outline); a double ring is its outer and
 * inner thirds, the middle one left clear.
 */
function strokeRings(ctx: CanvasRenderingContext2D, items: readonly { box: NodeBox; look: NodeLook; outset: number }[], ring: Ring, plain: boolean): void {
  ctx.strokeStyle = ring.color;
  ctx.setLineDash(dashes(ring.style));
  const passes = ring.style === 'double' ? [-ring.width / 3, ring.width / 3] : [0];
  ctx.lineWidth = ring.style === 'double' ? ring.width / 3 : ring.width;
  ctx.beginPath();
  for (const offset of passes) {
    for (const { box, look, outset } of items) shapePath(ctx, plain ? 'rectangle' : look.shape, box, look.height, outset + offset);
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

/** A translucent round rectangle `padding` beyond the node. */
function halo(ctx: CanvasRenderingContext2D, box: NodeBox, look: NodeLook, { color, opacity, padding }: { color: string; opacity: number; padding: number }): void {
  ctx.globalAlpha = opacity;
  ctx.fillStyle = color;
  ctx.beginPath();
  roundedBox(ctx, box.x - box.w / 2 - padding, box.y - look.height / 2 - padding, box.w + 2 * padding, look.height + 2 * padding);
  ctx.fill();
  ctx.globalAlpha = 1;
}

/** Adds the node's outline, `outset` beyond it (negative: inside), as a subpath. */
function shapePath(ctx: CanvasRenderingContext2D, shape: NodeShape, box: NodeBox, height: number, outset: number): void {
  const w = box.w + 2 * outset;
  const h = height + 2 * outset;
  const [left, top] = [box.x - w / 2, box.y - h / 2];
  if (shape === 'rectangle') { ctx.rect(left, top, w, h); return; }
  if (shape === 'round-rectangle') { roundedBox(ctx, left, top, w, h); return; }
  // A tag pointing right: its point at the right edge's middle, its back a quarter in from there, rounded corners.
  const radius = Math.min(w / 10, h / 10, 8);
  const corners: [number, number][] = [[left, top], [left + w * 0.625, top], [left + w, box.y], [left + w * 0.625, top + h], [left, top + h]];
  const last = corners[corners.length - 1]!;
  ctx.moveTo((last[0] + corners[0]![0]) / 2, (last[1] + corners[0]![1]) / 2);
  for (let i = 0; i < corners.length; i++) {
    const [cx, cy] = corners[i]!;
    const [nx, ny] = corners[(i + 1) % corners.length]!;
    ctx.arcTo(cx, cy, (cx + nx) / 2, (cy + ny) / 2, radius);
  }
  ctx.closePath();
}

/** A round rectangle with the corner of its size (a quarter of its smaller side, at most 8). */
function roundedBox(ctx: CanvasRenderingContext2D, left: number, top: number, w: number, h: number): void {
  const radius = Math.max(0, Math.min(w / 4, h / 4, 8));
  ctx.moveTo(left + radius, top);
  ctx.arcTo(left + w, top, left + w, top + h, radius);
  ctx.arcTo(left + w, top + h, left, top + h, radius);
  ctx.arcTo(left, top + h, left, top, radius);
  ctx.arcTo(left, top, left + w, top, radius);
  ctx.closePath();
}
