/**
 * A trace's nodes by id. The capture numbers nodes 0, 1, 2, … in list order, so the list itself is
 * the index: no Map of a million entries (a third of a second and tens of MB) to build for it. A
 * trace with other ids (a hand-made one, one cut short) gets a Map.
 */
import type { TraceNode } from '../trace';

/** The index of nodes whose ids are their positions in the list. */
class ListIndex implements ReadonlyMap<number, TraceNode> {
  constructor(private readonly nodes: readonly TraceNode[]) {}

  get size(): number {
    return this.nodes.length;
  }

  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.nodes.length;
  }

  get(id: number): TraceNode | undefined {
    return this.has(id) ? this.nodes[id] : undefined;
  }

  forEach(callback: (node: TraceNode, id: number, map: ReadonlyMap<number, TraceNode>) => void, thisArg?: unknown): void {
    this.nodes.forEach((node, id) => callback.call(thisArg, node, id, this));
  }

  *entries(): IterableIterator<[number, TraceNode]> {
    for (let id = 0; id < this.nodes.length; id++) yield [id, this.nodes[id]!];
  }

  *keys(): IterableIterator<number> {
    for (let id = 0; id < this.nodes.length; id++) yield id;
  }

  values(): IterableIterator<TraceNode> {
    return this.nodes.values();
  }

  [Symbol.iterator](): IterableIterator<[number, TraceNode]> {
    return this.entries();
  }
}

/** Collects nodes in list order, as a list index while every id is its position, else as a Map. */
export class NodeIndexBuilder {
  private dense = 0;
  private map: Map<number, TraceNode> | null = null;

  constructor(private readonly nodes: readonly unknown[]) {}

  /** The node at `position` of the list has `id`. */
  add(position: number, id: number, node: TraceNode): void {
    if (this.map === null && id === position && position === this.dense) { this.dense++; return; }
    if (this.map === null) {
      this.map = new Map();
      for (let i = 0; i < this.dense; i++) this.map.set(i, this.nodes[i] as TraceNode);
    }
    this.map.set(id, node);
  }

  has(id: number): boolean {
    return this.map !== null ? this.map.has(id) : id >= 0 && id < this.dense;
  }

  /** The index of every node added (call when all were, in order). */
  index(): ReadonlyMap<number, TraceNode> {
    return this.map ?? new ListIndex(this.nodes as readonly TraceNode[]);
  }
}

/** Whether the index is the list itself: node ids are 0…n−1 (a typed array of n can then stand for a set of them). */
export function isListIndex(index: ReadonlyMap<number, TraceNode>): boolean {
  return index instanceof ListIndex;
}

export function buildIndex(nodes: readonly TraceNode[]): ReadonlyMap<number, TraceNode> {
  const builder = new NodeIndexBuilder(nodes);
  for (let i = 0; i < nodes.length; i++) builder.add(i, nodes[i]!.id, nodes[i]!);
  return builder.index();
}
