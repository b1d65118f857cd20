/**
 * The one index of a trace: nodes by id, who consumes a node, which passes reached it, a node's
 * variable name, and a pass's step, leaf gradient and check of a node. Built once per trace (a
 * trace never changes after it is read) and lazily per part: a caller that only looks nodes up
 * pays for nothing else. Use this wherever an id → record map would be built.
 *
 * @example
 *   const index = indexTrace(trace);
 *   const node = index.node(7);                  // TraceNode | undefined
 *   const readers = index.consumers(7);          // ids of the nodes with 7 among their inputs
 *   const step = index.step(pass.id, 7);         // BackwardStep | undefined
 */
import type { BackwardPass, BackwardStep, GradcheckResult, LeafGrad, NodeId, Recording, Trace, TraceNode } from '../trace';
import { buildIndex } from './nodeIndex';
import { nodeNames } from './names';
import { perTrace } from './perTrace';

export interface TraceIndex {
  readonly trace: Trace;
  /** Every node by id (the list itself when ids are positions: no Map of 10⁶ entries). */
  readonly nodes: ReadonlyMap<NodeId, TraceNode>;
  node(id: NodeId): TraceNode | undefined;
  /** The nodes that take `id` among their inputs, in list order (empty for none). */
  consumers(id: NodeId): readonly NodeId[];
  /** Whether any node takes `id` as an input. */
  isConsumed(id: NodeId): boolean;
  recording(id: number): Recording | undefined;
  pass(id: number): BackwardPass | undefined;
  /** The ids of the passes with a step at the node, in pass order. */
  passesOf(id: NodeId): readonly number[];
  /** The step of the node in a pass. */
  step(passId: number, id: NodeId): BackwardStep | undefined;
  /** The leaf gradient of a variable in a pass. */
  leafGrad(passId: number, id: NodeId): LeafGrad | undefined;
  /** The numeric check of a variable in a pass (when the run asked for checks). */
  check(passId: number, id: NodeId): GradcheckResult | undefined;
  /** The variable name a source line gave the node (`const y = …` → y), or undefined. */
  name(id: NodeId): string | undefined;
  /** Every named node (names.ts's rule). */
  readonly names: ReadonlyMap<NodeId, string>;
}

const EMPTY: readonly number[] = Object.freeze([]);

/** Keys by one record field, built on first use. */
function byField<T, K>(list: readonly T[], key: (item: T) => K): () => ReadonlyMap<K, T> {
  let built: Map<K, T> | null = null;
  return () => {
    if (!built) {
      built = new Map();
      for (const item of list) if (!built.has(key(item))) built.set(key(item), item);
    }
    return built;
  };
}

/** Per pass, built for that pass on first use. */
function perPass<T>(trace: Trace, list: (pass: BackwardPass) => readonly T[], node: (item: T) => NodeId): (passId: number) => ReadonlyMap<NodeId, T> {
  const built = new Map<number, Map<NodeId, T>>();
  return (passId) => {
    let map = built.get(passId);
    if (!map) {
      map = new Map();
      const pass = trace.backwardPasses.find((p) => p.id === passId);
      for (const item of pass ? list(pass) : []) if (!map.has(node(item))) map.set(node(item), item);
      built.set(passId, map);
    }
    return map;
  };
}

class Index implements TraceIndex {
  private consumerLists: Map<NodeId, NodeId[]> | null = null;
  private passLists: Map<NodeId, number[]> | null = null;
  private readonly recordings: () => ReadonlyMap<number, Recording>;
  private readonly passes: () => ReadonlyMap<number, BackwardPass>;
  private readonly steps: (passId: number) => ReadonlyMap<NodeId, BackwardStep>;
  private readonly leaves: (passId: number) => ReadonlyMap<NodeId, LeafGrad>;
  private readonly checks: (passId: number) => ReadonlyMap<NodeId, GradcheckResult>;
  private nodeIndex: ReadonlyMap<NodeId, TraceNode> | null;

  constructor(readonly trace: Trace, nodes?: ReadonlyMap<NodeId, TraceNode>) {
    this.nodeIndex = nodes ?? null;
    this.recordings = byField(trace.recordings, (r) => r.id);
    this.passes = byField(trace.backwardPasses, (p) => p.id);
    this.steps = perPass(trace, (p) => p.steps, (s) => s.node);
    this.leaves = perPass(trace, (p) => p.leafGrads, (l) => l.node);
    this.checks = perPass(trace, (p) => p.gradcheck?.results ?? [], (r) => r.node);
  }

  get nodes(): ReadonlyMap<NodeId, TraceNode> {
    return this.nodeIndex ??= buildIndex(this.trace.nodes);
  }

  get names(): ReadonlyMap<NodeId, string> {
    return nodeNames(this.trace);
  }

  node(id: NodeId): TraceNode | undefined {
    return this.nodes.get(id);
  }

  consumers(id: NodeId): readonly NodeId[] {
    if (!this.consumerLists) {
      const lists = new Map<NodeId, NodeId[]>();
      for (const node of this.trace.nodes) for (const input of node.inputs) {
        const list = lists.get(input);
        if (list === undefined) lists.set(input, [node.id]);
        else if (list[list.length - 1] !== node.id) list.push(node.id); // x·x consumes x once
      }
      this.consumerLists = lists;
    }
    return this.consumerLists.get(id) ?? EMPTY;
  }

  isConsumed(id: NodeId): boolean {
    return this.consumers(id).length > 0;
  }

  recording(id: number): Recording | undefined {
    return this.recordings().get(id);
  }

  pass(id: number): BackwardPass | undefined {
    return this.passes().get(id);
  }

  passesOf(id: NodeId): readonly number[] {
    if (!this.passLists) {
      const lists = new Map<NodeId, number[]>();
      for (const pass of this.trace.backwardPasses) for (const step of pass.steps) {
        const list = lists.get(step.node);
        if (list === undefined) lists.set(step.node, [pass.id]);
        else if (list[list.length - 1] !== pass.id) list.push(pass.id);
      }
      this.passLists = lists;
    }
    return this.passLists.get(id) ?? EMPTY;
  }

  step(passId: number, id: NodeId): BackwardStep | undefined {
    return this.steps(passId).get(id);
  }

  leafGrad(passId: number, id: NodeId): LeafGrad | undefined {
    return this.leaves(passId).get(id);
  }

  check(passId: number, id: NodeId): GradcheckResult | undefined {
    return this.checks(passId).get(id);
  }

  name(id: NodeId): string | undefined {
    return this.names.get(id);
  }
}

const indexes = perTrace<TraceIndex>((trace) => new Index(trace));

/** The trace's index, made once per trace. */
export function indexTrace(trace: Trace): TraceIndex {
  return indexes(trace);
}

/** Keeps the node index validation built on its way through the nodes, so that it is not built twice. */
export function rememberNodeIndex(trace: Trace, nodes: ReadonlyMap<NodeId, TraceNode>): void {
  indexes.remember(trace, new Index(trace, nodes));
}
