/**
 * Exports of the drawn graph: Graphviz DOT (to lay out and render elsewhere) and a standalone SVG
 * document at the inspector's positions. Names and labels come from user code, so every string is
 * escaped for its format, after hidden characters became visible escapes and long texts were cut
 * (labels by the graph model, break messages here). Pure: strings in, a string out.
 */
import { visible } from '../../protocol/display';
import { contrastText } from './colors';
import { parallelEdges, type GraphEdge, type GraphModel, type GraphNode, type NodeKind } from './graph';
import type { StepMarks } from './marks';

type Point = { x: number; y: number };

/** Characters XML 1.0 forbids (controls other than tab and newline, lone surrogates) and CR. */
const INVALID_CHARS = /[\x00-\x08\x0B-\x1F\x7F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Newlines unified to \n and characters no text format should carry dropped. */
function clean(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(INVALID_CHARS, '');
}

/** A double-quoted DOT string: backslashes and quotes escaped, newlines as the `\n` escape. */
export function dotString(text: string): string {
  return `"${clean(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Text safe in XML content and attribute values: & < > " ' as entities. */
export function xmlText(text: string): string {
  return clean(text).replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

// ---- DOT ----

const DOT_SHAPES: Record<NodeKind, string> = { variable: 'box', constant: 'note', op: 'ellipse', group: 'box3d' };

/** Characters of a graph break's message in a tooltip. */
const MESSAGE_LIMIT = 500;
/** Graph breaks listed in one node's tooltip (a loop can break at one node thousands of times). */
const MAX_BREAKS = 5;

const message = (text: string): string => visible(text, { multiline: true, limit: MESSAGE_LIMIT });

function breakMessages(node: GraphNode): string[] {
  const shown = node.breaks.slice(0, MAX_BREAKS).map((b) => message(b.message));
  return node.breaks.length > MAX_BREAKS ? [...shown, `… and ${node.breaks.length - MAX_BREAKS} more graph breaks`] : shown;
}

function dotNode(node: GraphNode, fill: string | undefined): string {
  const attrs = [`label=${dotString(node.label)}`, `shape=${DOT_SHAPES[node.kind] ?? DOT_SHAPES.op}`];
  const styles = [...(node.kind === 'variable' ? ['rounded'] : []), ...(fill !== undefined ? ['filled'] : [])];
  if (styles.length > 0) attrs.push(`style=${dotString(styles.join(','))}`);
  if (fill !== undefined) attrs.push(`fillcolor=${dotString(fill)}`, `fontcolor=${dotString(contrastText(fill))}`);
  if (node.isHead) attrs.push('penwidth=2', 'peripheries=2'); // heads: a heavy double border
  if (node.breaks.length > 0) attrs.push('color=red', `tooltip=${dotString(breakMessages(node).join('\n'))}`);
  return `  ${dotString(node.id)} [${attrs.join(', ')}];`;
}

function dotEdge(edge: GraphEdge): string {
  const attrs: string[] = [];
  if (edge.count > 1) attrs.push(`label=${dotString(`×${edge.count}`)}`);
  if (edge.cut) attrs.push('style=dashed', 'color=red', `tooltip=${dotString(message(edge.cut.message))}`);
  return `  ${dotString(edge.source)} -> ${dotString(edge.target)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`;
}

export interface DotOptions {
  /** The graph's name and caption (default: no caption, named "GradLens"). */
  title?: string;
  /** Fill colour per drawn node id ('#rrggbb'), e.g. from a magnitude scale. */
  colors?: ReadonlyMap<string, string>;
}

/**
 * The graph as Graphviz DOT, left to right: one statement per node with its label and a shape by
 * kind (variable: rounded box, constant: note, op: ellipse, group: box3d), heads with a heavy double
 * border, graph breaks red (cut edges dashed, with the break's message as tooltip), and ×N labels
 * on folded edges.
 */
export function toDot(model: GraphModel, options: DotOptions = {}): string {
  const lines = [`digraph ${dotString(options.title ?? 'GradLens')} {`, '  rankdir=LR;'];
  if (options.title !== undefined) lines.push(`  label=${dotString(options.title)};`, '  labelloc=t;');
  lines.push('  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];');
  for (const node of model.nodes) lines.push(dotNode(node, options.colors?.get(node.id)));
  for (const edge of model.edges) lines.push(dotEdge(edge));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

// ---- SVG ----

export interface SvgStyle {
  /** Node box size in pixels (default 150 × 44). */
  nodeWidth?: number;
  nodeHeight?: number;
  /** Fill colour per drawn node id ('#rrggbb'); nodes without one get their kind's colour. */
  colors?: ReadonlyMap<string, string>;
  /**
   * The moment shown (a step): pending elements faded, the current and receiving nodes outlined,
   * the edges carrying gradient highlighted with their contribution, each node's note below it.
   */
  marks?: StepMarks;
}

const MARGIN = 24;
const LINE_HEIGHT = 14;
/** The group's shadow box is drawn this far up and to the right of the group. */
const STACK_OFFSET = 4;
/** How far a self-loop rises above its node. */
const SELF_LOOP = 28;
const CUT_COLOR = '#d32f2f';
const STEP_COLOR = '#e8912d';
const PENDING_OPACITY = 0.35;
/** Room under the lowest node for its note. */
const NOTE_ROOM = 16;
const EDGE_COLOR = '#616161';
const KIND_FILLS: Record<NodeKind, string> = { variable: '#fff3c4', constant: '#eeeeee', op: '#dbe9f6', group: '#e3dcf2' };

/** Coordinates with at most two decimals. */
const fmt = (n: number): string => String(Math.round(n * 100) / 100);

interface Box { w: number; h: number }

/** Where the line from a node's centre toward `toward` leaves its ellipse (ops) or box. */
function boundary(kind: NodeKind, centre: Point, toward: Point, box: Box): Point {
  const dx = toward.x - centre.x;
  const dy = toward.y - centre.y;
  if (dx === 0 && dy === 0) return centre;
  const rx = box.w / 2;
  const ry = box.h / 2;
  const t = kind === 'op'
    ? 1 / Math.hypot(dx / rx, dy / ry)
    : Math.min(dx === 0 ? Infinity : rx / Math.abs(dx), dy === 0 ? Infinity : ry / Math.abs(dy));
  return { x: centre.x + dx * t, y: centre.y + dy * t };
}

/** Parallel edges between one pair of nodes (dot(x, x)) bend apart: this one's offset in pixels. */
function bends(edges: readonly GraphEdge[]): Map<GraphEdge, number> {
  const out = new Map<GraphEdge, number>();
  for (const [edge, { index, count }] of parallelEdges(edges)) out.set(edge, (index - (count - 1) / 2) * 18);
  return out;
}

/** An edge's path and where its ×N label goes: a quadratic curve, or a loop over the node's top. */
function edgeGeometry(edge: GraphEdge, kindOf: Map<string, NodeKind>, positions: ReadonlyMap<string, Point>, box: Box, bend: number) {
  const from = positions.get(edge.source)!;
  const to = positions.get(edge.target)!;
  if (edge.source === edge.target) { // a folded loop feeding its own group
    const top = from.y - box.h / 2 - (kindOf.get(edge.source) === 'group' ? STACK_OFFSET : 0); // above a group's shadow
    const [left, right, high] = [fmt(from.x - box.w / 4), fmt(from.x + box.w / 4), fmt(top - SELF_LOOP)];
    const d = `M${left},${fmt(top)} C${left},${high} ${right},${high} ${right},${fmt(top)}`;
    return { d, label: { x: from.x, y: top - SELF_LOOP * 0.75 } }; // the curve's highest point
  }
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  // Control point: the midpoint pushed sideways by the bend (a straight line when 0).
  const control = { x: (from.x + to.x) / 2 - ((to.y - from.y) / length) * bend, y: (from.y + to.y) / 2 + ((to.x - from.x) / length) * bend };
  const start = boundary(kindOf.get(edge.source)!, from, control, box);
  const end = boundary(kindOf.get(edge.target)!, to, control, box);
  const d = `M${fmt(start.x)},${fmt(start.y)} Q${fmt(control.x)},${fmt(control.y)} ${fmt(end.x)},${fmt(end.y)}`;
  return { d, label: { x: (start.x + 2 * control.x + end.x) / 4, y: (start.y + 2 * control.y + end.y) / 4 } };
}

function svgEdge(edge: GraphEdge, kindOf: Map<string, NodeKind>, positions: ReadonlyMap<string, Point>, box: Box, bend: number, marks: StepMarks | undefined): string {
  const { d, label } = edgeGeometry(edge, kindOf, positions, box, bend);
  const carried = marks?.active.get(edge.id);
  const color = edge.cut ? CUT_COLOR : carried !== undefined ? STEP_COLOR : EDGE_COLOR;
  const dash = edge.cut ? ' stroke-dasharray="6 4"' : '';
  const title = edge.cut ? `<title>${xmlText(message(edge.cut.message))}</title>` : '';
  // A carried edge: gradient flows back to the input, so the arrow points at the edge's start.
  const arrow = edge.cut ? 'marker-end="url(#arrow-cut)"' : carried !== undefined ? 'marker-start="url(#arrow-step)"' : 'marker-end="url(#arrow)"';
  const faded = marks?.pending.has(edge.id) ? ` opacity="${PENDING_OPACITY}"` : '';
  let out = `<path d="${d}" fill="none" stroke="${color}" stroke-width="${carried !== undefined ? 3.5 : 1.5}"${dash}${faded} ${arrow}>${title}</path>`;
  if (edge.count > 1) {
    out += `<text x="${fmt(label.x)}" y="${fmt(label.y - 4)}" text-anchor="middle" font-size="10" fill="${color}">×${edge.count}</text>`;
  }
  if (carried !== undefined) {
    out += `<text class="contribution" x="${fmt(label.x)}" y="${fmt(label.y + (edge.count > 1 ? 10 : -4))}" text-anchor="middle" font-size="10" fill="#1f1f1f" stroke="#ffffff" stroke-width="3" paint-order="stroke">${xmlText(carried)}</text>`;
  }
  return `    ${out}`;
}

/** The node's outline: an ellipse for ops, a rounded box for variables, a box for constants, a stack for groups. */
function svgShape(node: GraphNode, at: Point, box: Box, paint: string): string {
  const rect = (dx: number, dy: number, rx: number) =>
    `<rect x="${fmt(at.x - box.w / 2 + dx)}" y="${fmt(at.y - box.h / 2 + dy)}" width="${fmt(box.w)}" height="${fmt(box.h)}" rx="${rx}"${paint}/>`;
  switch (node.kind) {
    case 'op': return `<ellipse cx="${fmt(at.x)}" cy="${fmt(at.y)}" rx="${fmt(box.w / 2)}" ry="${fmt(box.h / 2)}"${paint}/>`;
    case 'variable': return rect(0, 0, 10);
    case 'group': return rect(STACK_OFFSET, -STACK_OFFSET, 4) + rect(0, 0, 4);
    default: return rect(0, 0, 0);
  }
}

function svgNode(node: GraphNode, at: Point, box: Box, fill: string, marks: StepMarks | undefined): string {
  const stepped = marks?.current === node.id ? 4 : marks?.receiving.has(node.id) ? 3 : 0;
  const stroke = stepped > 0 ? STEP_COLOR : node.breaks.length > 0 ? CUT_COLOR : '#424242';
  const paint = ` fill="${xmlText(fill)}" stroke="${stroke}" stroke-width="${stepped || (node.isHead ? 3 : 1)}"`;
  const lines = node.label.split('\n');
  const tspans = lines.map((line, i) =>
    `<tspan x="${fmt(at.x)}" y="${fmt(at.y + (i - (lines.length - 1) / 2) * LINE_HEIGHT)}">${xmlText(line)}</tspan>`).join('');
  const tooltip = [node.label, ...breakMessages(node)].join('\n');
  const pending = marks?.pending.has(node.id) ?? false;
  const classes = [node.kind, ...(node.isHead ? ['head'] : []), ...(marks?.current === node.id ? ['current'] : []), ...(pending ? ['pending'] : [])];
  const note = marks?.notes.get(node.id);
  const noteText = note !== undefined && !pending
    ? `<text class="note" x="${fmt(at.x)}" y="${fmt(at.y + box.h / 2 + 12)}" text-anchor="middle" font-size="10" fill="#1f1f1f">${xmlText(note)}</text>`
    : '';
  return `    <g class="node ${classes.join(' ')}" data-id="${xmlText(node.id)}"${pending ? ` opacity="${PENDING_OPACITY}"` : ''}><title>${xmlText(tooltip)}</title>`
    + `${svgShape(node, at, box, paint)}<text text-anchor="middle" dominant-baseline="central" fill="${contrastText(fill)}">${tspans}</text>${noteText}</g>`;
}

/** The box holding every drawn node, with room above for a self-loop or a group's shadow, plus the margin. */
function viewBox(points: readonly Point[], box: Box): { x: number; y: number; w: number; h: number } {
  if (points.length === 0) return { x: 0, y: 0, w: 2 * MARGIN, h: 2 * MARGIN };
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity]; // a loop: graphs can have 10,000 nodes
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  const x = minX - box.w / 2 - MARGIN;
  const y = minY - box.h / 2 - SELF_LOOP - MARGIN; // room for a self-loop or a group's shadow
  return { x, y, w: maxX + box.w / 2 + STACK_OFFSET + MARGIN - x, h: maxY + box.h / 2 + NOTE_ROOM + MARGIN - y };
}

const MARKERS = [['arrow', EDGE_COLOR], ['arrow-cut', CUT_COLOR], ['arrow-step', STEP_COLOR]].map(([id, color]) =>
  `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">`
  + `<path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`).join('');

/**
 * A standalone SVG document of the graph with node centres at `positions` (nodes without a
 * position are left out, with their edges): a shape per kind, labels as one
 * <tspan> per line, arrowheads, cut edges dashed red with the break as tooltip, heads with a heavy
 * border; the viewBox fits every node plus a margin. Every string is XML-escaped.
 */
export function toSvg(model: GraphModel, positions: ReadonlyMap<string, Point>, style: SvgStyle = {}): string {
  const box: Box = { w: style.nodeWidth ?? 150, h: style.nodeHeight ?? 44 };
  const nodes = model.nodes.filter((node) => positions.has(node.id));
  const kindOf = new Map(nodes.map((node) => [node.id, node.kind]));
  const edges = model.edges.filter((edge) => kindOf.has(edge.source) && kindOf.has(edge.target));
  const bend = bends(edges);
  const vb = viewBox(nodes.map((node) => positions.get(node.id)!), box);
  const [x, y, w, h] = [fmt(vb.x), fmt(vb.y), fmt(vb.w), fmt(vb.h)];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${x} ${y} ${w} ${h}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `  <defs>${MARKERS}</defs>`,
    `  <rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#ffffff"/>`, // a white page, legible in any viewer
    '  <g class="edges">',
    ...edges.map((edge) => svgEdge(edge, kindOf, positions, box, bend.get(edge)!, style.marks)),
    '  </g>',
    '  <g class="nodes">',
    ...nodes.map((node) => svgNode(node, positions.get(node.id)!, box, style.colors?.get(node.id) ?? KIND_FILLS[node.kind] ?? KIND_FILLS.op, style.marks)),
    '  </g>',
    '</svg>',
    '',
  ].join('\n');
}
