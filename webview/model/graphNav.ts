/**
 * Moving through the drawn graph from the keyboard, along its edges: to a node's inputs (←, the
 * way gradient flows) and consumers (→, the way values flow), and among the alternatives of the
 * last move (↑/↓: the other inputs, or consumers, of the node just left; before any move, the other
 * nodes of the same column). The focus is kept as trace node ids, so it survives refolding; it is
 * plain data for the reducer. Pure: no DOM.
 */
import type { GraphEdge, GraphModel, GraphNode } from './graph';
import { elementIndex } from './graph';
import type { Positions } from './layout';

export type Toward = 'input' | 'consumer';
export type FocusMove = Toward | 'previous' | 'next';

/** The node the keyboard is on (a trace node id; the drawn element holding it is focused), and how it got there. */
export interface GraphFocus {
  node: number;
  /** The move along an edge that reached it: from which node, which way, the edge's place among that node's edges. */
  via: { from: number; toward: Toward; index: number } | null;
}

interface Adjacency {
  /** Edges into each element (its inputs), by input position, graph breaks last. */
  inputs: Map<string, GraphEdge[]>;
  /** Edges out of each element (its consumers), in the order of the consumers. */
  consumers: Map<string, GraphEdge[]>;
}

const adjacencies = new WeakMap<GraphModel, Adjacency>();

function adjacency(model: GraphModel): Adjacency {
  let found = adjacencies.get(model);
  if (found) return found;
  const inputs = new Map<string, GraphEdge[]>();
  const consumers = new Map<string, GraphEdge[]>();
  const add = (map: Map<string, GraphEdge[]>, key: string, edge: GraphEdge) => {
    const list = map.get(key);
    if (list) list.push(edge); else map.set(key, [edge]);
  };
  for (const edge of model.edges) {
    add(inputs, edge.target, edge);
    add(consumers, edge.source, edge);
  }
  // Data edges by input position (a folded edge has −2), graph breaks (−1) after them.
  const rank = (edge: GraphEdge) => (edge.cut ? Number.MAX_SAFE_INTEGER : Math.max(edge.index, 0));
  for (const list of inputs.values()) list.sort((a, b) => rank(a) - rank(b));
  adjacencies.set(model, found = { inputs, consumers });
  return found;
}

/** The edges from an element toward its inputs or its consumers, in the order the keys go through them. */
export function edgesOf(model: GraphModel, elementId: string, toward: Toward): readonly GraphEdge[] {
  const { inputs, consumers } = adjacency(model);
  return (toward === 'input' ? inputs : consumers).get(elementId) ?? [];
}

/** The trace node that stands for an element (a folded group's latest member, as a click selects). */
export function representative(element: GraphNode): number {
  return element.members[element.members.length - 1]!;
}

/** The drawn element the focus is on, if the graph draws it. */
export function focusedElement(model: GraphModel, focus: GraphFocus | null): GraphNode | null {
  if (!focus) return null;
  const id = model.elementOf.get(focus.node);
  return id === undefined ? null : elementIndex(model).nodes.get(id) ?? null;
}

/** Where Tab lands first: the first of `preferred` the graph draws (the selected node, the step's), else the first head, else the first node. */
export function entryFocus(model: GraphModel, preferred: readonly (number | null)[]): GraphFocus | null {
  for (const id of preferred) if (id !== null && model.elementOf.has(id)) return { node: id, via: null };
  const head = model.nodes.find((n) => n.isHead) ?? model.nodes[0];
  return head ? { node: representative(head), via: null } : null;
}

/** The edge a focus arrived along, if the graph still has it. */
export function arrivalEdge(model: GraphModel, focus: GraphFocus): { from: GraphNode; edges: readonly GraphEdge[]; edge: GraphEdge } | null {
  if (!focus.via) return null;
  const fromId = model.elementOf.get(focus.via.from);
  const from = fromId === undefined ? undefined : elementIndex(model).nodes.get(fromId);
  if (!from) return null;
  const edges = edgesOf(model, from.id, focus.via.toward);
  const edge = edges[focus.via.index];
  const target = focusedElement(model, focus);
  if (!edge || !target || (focus.via.toward === 'input' ? edge.source : edge.target) !== target.id) return null;
  return { from, edges, edge };
}

/**
 * The focus after a key: along the first edge toward an input or a consumer, or to the previous /
 * next alternative; null when there is nowhere to go (the focus stays, the caller says why).
 */
export function moveFocus(model: GraphModel, layout: Positions, focus: GraphFocus, move: FocusMove): GraphFocus | null {
  const element = focusedElement(model, focus);
  if (!element) return null;
  const nodes = elementIndex(model).nodes;
  if (move === 'input' || move === 'consumer') {
    const edge = edgesOf(model, element.id, move)[0];
    if (!edge) return null;
    const other = nodes.get(move === 'input' ? edge.source : edge.target)!;
    return { node: representative(other), via: { from: focus.node, toward: move, index: 0 } };
  }
  const step = move === 'next' ? 1 : -1;
  const arrived = arrivalEdge(model, focus);
  if (arrived) {
    const { edges } = arrived;
    if (edges.length < 2) return null;
    const index = (focus.via!.index + step + edges.length) % edges.length;
    const edge = edges[index]!;
    const other = nodes.get(focus.via!.toward === 'input' ? edge.source : edge.target)!;
    return { node: representative(other), via: { ...focus.via!, index } };
  }
  const column = columnOf(model, layout, element.id);
  if (column.length < 2) return null;
  const at = column.indexOf(element.id);
  const next = nodes.get(column[(at + step + column.length) % column.length]!)!;
  return { node: representative(next), via: null };
}

/** The elements of a layer of the layout, top to bottom. */
function columnOf(model: GraphModel, layout: Positions, elementId: string): string[] {
  const layer = layout.layers.get(elementId);
  const y = (id: string) => layout.positions.get(id)?.y ?? 0;
  return model.nodes.filter((n) => layout.layers.get(n.id) === layer).map((n) => n.id).sort((a, b) => y(a) - y(b));
}
