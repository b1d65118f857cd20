/**
 * The graph model: from a trace and a selection (a recording, or a backward pass) to the nodes
 * and edges the inspector draws, with names read from the source lines, kinds, graph breaks as cut
 * edges, and folding of nodes that one source line made many times (loops). Pure: no DOM; tested
 * in Node.
 */
import type { Selection } from '../../protocol/messages';
import { formatShape } from '../../protocol/query/format';
import { nodeNames } from '../../protocol/query/names';
import { isListIndex } from '../../protocol/query/nodeIndex';
import { selectNodes } from '../../protocol/query/select';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { GraphBreak, Trace, TraceNode } from '../../protocol/trace';
import { keyText, labelText } from './labels';

// Shared with the extension, through the protocol: the model's users find them here too.
export { nodeNames, selectNodes };

export type NodeKind = 'op' | 'variable' | 'constant' | 'group';

export interface GraphNode {
  /** The drawn element's id: `n<traceId>`, or `g<index>` for a folded group. */
  id: string;
  /** The trace nodes it stands for (one, or a group's members in order). */
  members: number[];
  kind: NodeKind;
  op: string;
  /** The variable name the source line gives the value (`const y = …` → y), if any. */
  name: string | null;
  shape: number[];
  /** Two lines: the name and op, then the shape (cut short, hidden characters escaped: labels.ts). */
  label: string;
  /** A head of the selected pass, or an output of the selected recording. */
  isHead: boolean;
  /** Fold key (source position and op) and, for a group, its size. */
  foldKey: string | null;
  count: number;
  /** A graph break happens at this node (detach, attachGrad, coercion, computed outside record). */
  breaks: GraphBreak[];
  /** The enclosing function of its source line, for grouping by function (as a label: cut short, escaped). */
  fn: string | null;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The data edge's input position (for dot(x, x): 0 and 1), or −1 for a cut edge. */
  index: number;
  /** The trace nodes it connects (for a folded edge: the first pair). */
  from: number;
  to: number;
  /** Folded edges stand for several; a cut edge is a graph break. */
  count: number;
  cut: GraphBreak | null;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Drawn node id of each shown trace node (in id order). */
  elementOf: ReadonlyMap<number, string>;
  /** The trace nodes in the selection, in id order. */
  traceNodes: number[];
  folded: boolean;
}

export interface GraphOptions {
  /** Fold nodes made by the same source position into groups (loops); default false. */
  fold?: boolean;
  /**
   * Fold each gluon block (the nodes' `layer`, a parameter's name) into one group, its outermost
   * block not opened (`layer:<path>` in `expanded`); nested blocks show as groups once their parent
   * is opened. Default false.
   */
  foldLayers?: boolean;
  /** Fold keys of groups to show expanded. */
  expanded?: ReadonlySet<string>;
}

export function foldKey(node: TraceNode): string {
  const s = node.source;
  // Without a source line there is nothing to say two nodes are the same line: never fold them.
  return s ? `${keyText(s.file)}:${s.line}:${s.column}:${node.kind}:${keyText(node.op)}` : `?${node.id}`;
}

function functionOf(node: TraceNode): string | null {
  const fn = node.source?.function;
  return fn === undefined ? null : labelText(fn);
}

/** The fold key of a layer group. */
export const layerKey = (path: string): string => `layer:${path}`;

/** The block path a node belongs to: an op's layer, a parameter's name without its last part; null outside blocks. */
function layerPathOf(node: TraceNode): string | null {
  if (node.layer !== undefined) return node.layer;
  if (node.param !== undefined) {
    const dot = node.param.lastIndexOf('.');
    return dot < 0 ? '' : node.param.slice(0, dot);
  }
  return null;
}

/**
 * The layer group a node folds into: the outermost block of its path not opened (the model itself,
 * path '', never folds: it would be the whole graph); null when every block on its path is open.
 */
function layerGroupOf(node: TraceNode, expanded: ReadonlySet<string> | undefined): string | null {
  const path = layerPathOf(node);
  if (path === null || path === '') return null;
  const parts = path.split('.');
  for (let depth = 1; depth <= parts.length; depth++) {
    const prefix = parts.slice(0, depth).join('.');
    if (!expanded?.has(layerKey(prefix))) return prefix;
  }
  return null;
}

export function buildGraph(trace: Trace, selection: Selection, options: GraphOptions = {}): GraphModel {
  const byId = indexTrace(trace).nodes;
  const traceNodes = selectNodes(trace, selection);
  const nodes = traceNodes.map((id) => byId.get(id)!);
  // Each shown node's place in `nodes` (−1: not shown); by id in a typed array when ids are 0…n−1.
  const position = positions(traceNodes, isListIndex(byId) ? trace.nodes.length : -1);
  const nameOf = nodeNames(trace);
  const heads = new Set<number>(selection.kind === 'pass'
    ? trace.backwardPasses.find((p) => p.id === selection.id)?.heads ?? []
    : trace.recordings.find((r) => r.id === selection.id)?.outputs ?? []);
  const breaksAt = new Map<number, GraphBreak[]>();
  for (const graphBreak of trace.graphBreaks) {
    if (graphBreak.node === undefined || position(graphBreak.node) < 0) continue;
    const list = breaksAt.get(graphBreak.node) ?? [];
    list.push(graphBreak);
    breaksAt.set(graphBreak.node, list);
  }

  // Which nodes fold together: the same source position and op, more than once.
  const fold = options.fold ?? false;
  const slots = fold ? foldSlots(nodes) : null;
  const sizes = new Int32Array(slots?.count ?? 0);
  if (slots) for (const slot of slots.of) if (slot >= 0) sizes[slot]!++;
  // Per slot (not per node): its key, and whether it folds (more than one node, not opened).
  const slotKeys: string[] = [];
  const folds = new Uint8Array(sizes.length);
  if (slots) nodes.forEach((node, p) => {
    const slot = slots.of[p]!;
    if (slot < 0 || slotKeys[slot] !== undefined) return;
    slotKeys[slot] = foldKey(node);
    folds[slot] = sizes[slot]! > 1 && !options.expanded?.has(slotKeys[slot]!) ? 1 : 0;
  });

  const graphNodes: GraphNode[] = [];
  // The element of each node (its index in graphNodes), and which elements are groups.
  const elementAt = new Int32Array(nodes.length);
  const groupElement = new Int32Array(sizes.length).fill(-1);
  const layerElement = new Map<string, number>();
  let groupCount = 0;
  nodes.forEach((node, p) => {
    const slot = slots ? slots.of[p]! : -1;
    const name = nameOf.get(node.id) ?? null;
    const layer = options.foldLayers ? layerGroupOf(node, options.expanded) : null;
    if (layer !== null) {
      let index = layerElement.get(layer);
      if (index === undefined) {
        layerElement.set(layer, index = graphNodes.length);
        graphNodes.push({
          id: `l${layerElement.size - 1}`, members: [], kind: 'group', op: trace.layers?.[layer] ?? 'block', name: layer, shape: node.shape,
          label: '', isHead: false, foldKey: layerKey(layer), count: 0, breaks: [], fn: null,
        });
      }
      const group = graphNodes[index]!;
      group.members.push(node.id);
      group.count++;
      if (node.kind === 'op') group.shape = node.shape; // the block's last op: its output, in id order
      group.isHead ||= heads.has(node.id);
      const breaks = breaksAt.get(node.id);
      if (breaks) for (const graphBreak of breaks) group.breaks.push(graphBreak);
      elementAt[p] = index;
      return;
    }
    // Object literals, not spreads: spreading a shared object is ~30× slower in V8 (1e5 nodes: 0.9 s).
    if (slot >= 0 && folds[slot] === 1) {
      let index = groupElement[slot]!;
      if (index < 0) {
        index = groupElement[slot] = graphNodes.length;
        graphNodes.push({
          id: `g${groupCount++}`, members: [], kind: 'group', op: node.op, name, shape: node.shape, label: '',
          isHead: false, foldKey: slotKeys[slot]!, count: sizes[slot]!, breaks: [], fn: functionOf(node),
        });
      }
      const group = graphNodes[index]!;
      group.members.push(node.id);
      group.name ??= name;
      group.isHead ||= heads.has(node.id);
      const breaks = breaksAt.get(node.id);
      if (breaks) for (const graphBreak of breaks) group.breaks.push(graphBreak); // a loop: spreading 10⁵ arguments overflows the stack
      elementAt[p] = index;
      return;
    }
    elementAt[p] = graphNodes.length;
    graphNodes.push({
      id: `n${node.id}`, members: [node.id], kind: node.kind, op: node.op, name, shape: node.shape, label: '',
      isHead: heads.has(node.id), foldKey: slot >= 0 ? slotKeys[slot]! : foldKey(node), count: 1, breaks: breaksAt.get(node.id) ?? [], fn: functionOf(node),
    });
  });
  for (const element of graphNodes) {
    if (element.foldKey?.startsWith('layer:') && element.kind === 'group') {
      // A block: `net.1 · Dense(256 -> 10)`, then what it gives (its last op's shape) and its size.
      element.label = `${labelText(element.name ?? '')} · ${labelText(element.op)}\n→ ${labelText(formatShape(element.shape), 32)} · ${element.count} nodes`;
      continue;
    }
    const title = element.name ? `${labelText(element.name)} = ${labelText(element.op)}` : labelText(element.op);
    element.label = `${title}${element.count > 1 ? ` ×${element.count}` : ''}\n${labelText(formatShape(element.shape), 48)}`;
  }

  // Data edges input → consumer. An edge between two single nodes is one input of one op: no two
  // alike. Edges touching a group merge, with a count (keyed by the pair of element indexes).
  const edges: GraphEdge[] = [];
  const merged = new Map<number, GraphEdge>();
  const pairKey = (source: number, target: number) => source * graphNodes.length + target;
  nodes.forEach((node, p) => {
    const target = elementAt[p]!;
    const inputs = node.inputs;
    for (let index = 0; index < inputs.length; index++) {
      const q = position(inputs[index]!);
      if (q < 0) continue;
      const source = elementAt[q]!;
      // Inside a folded block the data flow is the block's own business: no edge from it to itself.
      if (source === target && graphNodes[source]!.foldKey?.startsWith('layer:')) continue;
      const group = graphNodes[source]!.kind === 'group' || graphNodes[target]!.kind === 'group';
      if (group) {
        const existing = merged.get(pairKey(source, target));
        if (existing) { existing.count++; continue; }
      }
      const edge: GraphEdge = { id: `e${edges.length}`, source: graphNodes[source]!.id, target: graphNodes[target]!.id, index: group ? -2 : index, from: inputs[index]!, to: node.id, count: 1, cut: null };
      if (group) merged.set(pairKey(source, target), edge);
      edges.push(edge);
    }
  });
  // Graph breaks as cut edges: from the node cut off to the node gradient stops at.
  const cuts = new Map<number, GraphEdge>();
  for (const graphBreak of trace.graphBreaks) {
    const { from, node } = graphBreak;
    if (from === undefined || node === undefined || position(from) < 0 || position(node) < 0) continue;
    const [source, target] = [elementAt[position(from)]!, elementAt[position(node)]!];
    const existing = cuts.get(pairKey(source, target));
    if (existing) { existing.count++; continue; }
    const edge: GraphEdge = { id: `e${edges.length}`, source: graphNodes[source]!.id, target: graphNodes[target]!.id, index: -1, from, to: node, count: 1, cut: graphBreak };
    cuts.set(pairKey(source, target), edge);
    edges.push(edge);
  }
  return { nodes: graphNodes, edges, elementOf: new ElementMap(traceNodes, position, elementAt, graphNodes), traceNodes, folded: fold };
}

/** Which element draws each shown node, read from the arrays buildGraph keeps: no Map of 10⁶ entries. */
class ElementMap implements ReadonlyMap<number, string> {
  constructor(
    private readonly ids: readonly number[], private readonly position: (id: number) => number,
    private readonly elementAt: Int32Array, private readonly elements: readonly GraphNode[],
  ) {}

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.position(id) >= 0;
  }

  get(id: number): string | undefined {
    const p = this.position(id);
    return p >= 0 ? this.elements[this.elementAt[p]!]!.id : undefined;
  }

  forEach(callback: (element: string, id: number, map: ReadonlyMap<number, string>) => void, thisArg?: unknown): void {
    this.ids.forEach((id, p) => callback.call(thisArg, this.elements[this.elementAt[p]!]!.id, id, this));
  }

  *entries(): IterableIterator<[number, string]> {
    for (let p = 0; p < this.ids.length; p++) yield [this.ids[p]!, this.elements[this.elementAt[p]!]!.id];
  }

  keys(): IterableIterator<number> {
    return this.ids.values();
  }

  *values(): IterableIterator<string> {
    for (const [, element] of this.entries()) yield element;
  }

  [Symbol.iterator](): IterableIterator<[number, string]> {
    return this.entries();
  }
}

/**
 * The fold slot of each node: nodes with the same source position (file, line, column), kind and
 * op share one; −1 for a node without a source (never folded). Found through nested maps, which
 * allocate nothing per node — a key string per node is what made folding 10⁶ nodes slow.
 */
function foldSlots(nodes: readonly TraceNode[]): { of: Int32Array; count: number } {
  const of = new Int32Array(nodes.length);
  const files = new Map<string, Map<number, Map<number, Map<string, Map<string, number>>>>>();
  let count = 0;
  nodes.forEach((node, p) => {
    const s = node.source;
    if (!s) { of[p] = -1; return; }
    let lines = files.get(s.file);
    if (!lines) files.set(s.file, lines = new Map());
    let columns = lines.get(s.line);
    if (!columns) lines.set(s.line, columns = new Map());
    let kinds = columns.get(s.column);
    if (!kinds) columns.set(s.column, kinds = new Map());
    let ops = kinds.get(node.kind);
    if (!ops) kinds.set(node.kind, ops = new Map());
    let slot = ops.get(node.op);
    if (slot === undefined) ops.set(node.op, slot = count++);
    of[p] = slot;
  });
  return { of, count };
}

/** Where each id is in `ids` (−1 when absent): a typed array over ids 0…size−1, or a Map. */
function positions(ids: readonly number[], size: number): (id: number) => number {
  if (size >= 0) {
    const at = new Int32Array(size).fill(-1);
    ids.forEach((id, p) => { at[id] = p; });
    return (id) => (id >= 0 && id < size ? at[id] ?? -1 : -1);
  }
  const at = new Map<number, number>();
  ids.forEach((id, p) => at.set(id, p));
  return (id) => at.get(id) ?? -1;
}

/**
 * Edges that run between the same two elements (dot(x, x) feeds x twice; folding merges loops):
 * for each edge, its place among them and how many there are, so that drawings can bend them
 * apart (an offset of `index - (count - 1) / 2` spacings from the straight line).
 */
export function parallelEdges(edges: readonly GraphEdge[]): Map<GraphEdge, { index: number; count: number }> {
  const byPair = new Map<string, GraphEdge[]>();
  for (const edge of edges) {
    const key = `${edge.source}\u0000${edge.target}`;
    const list = byPair.get(key);
    if (list) list.push(edge);
    else byPair.set(key, [edge]);
  }
  const out = new Map<GraphEdge, { index: number; count: number }>();
  for (const list of byPair.values()) list.forEach((edge, index) => out.set(edge, { index, count: list.length }));
  return out;
}

const elementIndexes = new WeakMap<GraphModel, { nodes: Map<string, GraphNode>; edges: Map<string, GraphEdge> }>();

/** The model's drawn nodes and edges by element id (a click, a hover: no search through 10⁴ elements). */
export function elementIndex(model: GraphModel): { nodes: ReadonlyMap<string, GraphNode>; edges: ReadonlyMap<string, GraphEdge> } {
  let index = elementIndexes.get(model);
  if (!index) {
    index = { nodes: new Map(model.nodes.map((node) => [node.id, node])), edges: new Map(model.edges.map((edge) => [edge.id, edge])) };
    elementIndexes.set(model, index);
  }
  return index;
}
