/**
 * The graph model: from a trace and a selection (a recording, or a backward pass) to the nodes
 * and edges the inspector draws, with names read from the source lines, kinds, graph breaks as cut
 * edges, and folding of nodes that one source line made many times (loops). Pure: no DOM, no
 * Cytoscape; tested in Node.
 */
import type { Selection } from '../protocol/messages';
import { nodeNames } from '../protocol/names';
import { selectNodes } from '../protocol/select';
import type { GraphBreak, Trace, TraceNode } from '../protocol/trace';

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
  /** Two lines: the name and op, then the shape. */
  label: string;
  /** A head of the selected pass, or an output of the selected recording. */
  isHead: boolean;
  /** Fold key (source position and op) and, for a group, its size. */
  foldKey: string | null;
  count: number;
  /** A graph break happens at this node (detach, attachGrad, coercion, computed outside record). */
  breaks: GraphBreak[];
  /** The enclosing function of its source line, for grouping by function. */
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
  /** Drawn node id of each shown trace node. */
  elementOf: Map<number, string>;
  /** The trace nodes in the selection, in id order. */
  traceNodes: number[];
  folded: boolean;
}

export interface GraphOptions {
  /** Fold nodes made by the same source position into groups (loops); default false. */
  fold?: boolean;
  /** Fold keys of groups to show expanded. */
  expanded?: ReadonlySet<string>;
}

export function foldKey(node: TraceNode): string {
  const s = node.source;
  // Without a source line there is nothing to say two nodes are the same line: never fold them.
  return s ? `${s.file}:${s.line}:${s.column}:${node.kind}:${node.op}` : `?${node.id}`;
}

function shapeText(shape: readonly number[]): string {
  if (shape.length === 0) return 'scalar';
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function buildGraph(trace: Trace, selection: Selection, options: GraphOptions = {}): GraphModel {
  const byId = new Map(trace.nodes.map((node) => [node.id, node]));
  const traceNodes = selectNodes(trace, selection);
  const shown = new Set(traceNodes);
  const nodes = traceNodes.map((id) => byId.get(id)!);
  const nameOf = nodeNames(trace);
  const heads = new Set<number>(selection.kind === 'pass'
    ? trace.backwardPasses.find((p) => p.id === selection.id)?.heads ?? []
    : trace.recordings.find((r) => r.id === selection.id)?.outputs ?? []);
  const breaksAt = new Map<number, GraphBreak[]>();
  for (const graphBreak of trace.graphBreaks) {
    if (graphBreak.node === undefined || !shown.has(graphBreak.node)) continue;
    const list = breaksAt.get(graphBreak.node) ?? [];
    list.push(graphBreak);
    breaksAt.set(graphBreak.node, list);
  }

  // Which nodes fold together: the same source position and op, more than once.
  const fold = options.fold ?? false;
  const groups = new Map<string, number[]>();
  if (fold) {
    for (const node of nodes) {
      const key = foldKey(node);
      const list = groups.get(key) ?? [];
      list.push(node.id);
      groups.set(key, list);
    }
  }
  const isFolded = (key: string) => fold && (groups.get(key)?.length ?? 0) > 1 && !options.expanded?.has(key);

  const graphNodes: GraphNode[] = [];
  const elementOf = new Map<number, string>();
  const groupElement = new Map<string, GraphNode>();
  for (const node of nodes) {
    const key = foldKey(node);
    const name = nameOf.get(node.id) ?? null;
    const common = {
      kind: node.kind,
      op: node.op,
      shape: node.shape,
      fn: node.source?.function ?? null,
    };
    if (isFolded(key)) {
      let group = groupElement.get(key);
      if (!group) {
        const members = groups.get(key)!;
        group = {
          ...common,
          id: `g${groupElement.size}`,
          members: [],
          kind: 'group',
          name,
          label: '',
          isHead: false,
          foldKey: key,
          count: members.length,
          breaks: [],
        };
        groupElement.set(key, group);
        graphNodes.push(group);
      }
      group.members.push(node.id);
      group.name ??= name;
      group.isHead ||= heads.has(node.id);
      group.breaks.push(...(breaksAt.get(node.id) ?? []));
      elementOf.set(node.id, group.id);
      continue;
    }
    const element: GraphNode = {
      ...common,
      id: `n${node.id}`,
      members: [node.id],
      name,
      label: '',
      isHead: heads.has(node.id),
      foldKey: key,
      count: 1,
      breaks: breaksAt.get(node.id) ?? [],
    };
    graphNodes.push(element);
    elementOf.set(node.id, element.id);
  }
  for (const element of graphNodes) {
    const title = element.name ? `${element.name} = ${element.op}` : element.op;
    element.label = `${title}${element.count > 1 ? ` ×${element.count}` : ''}\n${shapeText(element.shape)}`;
  }

  // Data edges input → consumer; folded edges merged with a count.
  const edges: GraphEdge[] = [];
  const edgeByKey = new Map<string, GraphEdge>();
  for (const node of nodes) {
    node.inputs.forEach((input, index) => {
      if (!shown.has(input)) return;
      const source = elementOf.get(input)!;
      const target = elementOf.get(node.id)!;
      const merged = source.startsWith('g') || target.startsWith('g');
      const key = merged ? `${source}>${target}` : `${source}>${target}:${index}`;
      const existing = edgeByKey.get(key);
      if (existing) { existing.count++; return; }
      const edge: GraphEdge = { id: `e${edges.length}`, source, target, index: merged ? -2 : index, from: input, to: node.id, count: 1, cut: null };
      edgeByKey.set(key, edge);
      edges.push(edge);
    });
  }
  // Graph breaks as cut edges: from the node cut off to the node gradient stops at.
  for (const graphBreak of trace.graphBreaks) {
    const { from, node } = graphBreak;
    if (from === undefined || node === undefined || !shown.has(from) || !shown.has(node)) continue;
    const source = elementOf.get(from)!;
    const target = elementOf.get(node)!;
    const key = `${source}>${target}:cut`;
    const existing = edgeByKey.get(key);
    if (existing) { existing.count++; continue; }
    const edge: GraphEdge = { id: `e${edges.length}`, source, target, index: -1, from, to: node, count: 1, cut: graphBreak };
    edgeByKey.set(key, edge);
    edges.push(edge);
  }
  return { nodes: graphNodes, edges, elementOf, traceNodes, folded: fold };
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
