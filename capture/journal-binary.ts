/**
 * The binary part of the journal: node and step records (records.ts), written for every op of a
 * traced program. Formatting numbers as text and building strings per op was most of what tracing
 * cost (bench/README.md), so these records go into two typed streams instead — structure as int32,
 * values as float64, copied straight from the arrays — and the runner decodes them. The rarer
 * records (sites, recordings, passes, breaks…) stay JSON lines (journal.ts).
 *
 * Int32 stream, per record (fields in the order of NODE_LAYOUT and STEP_LAYOUT):
 *   node: 1, id, kind, op (name id), #inputs, inputs…, attrs (name id of the JSON, −1: none),
 *         flags (trainMode 1 | recording 2 | inGraph 4), gradReq, site (−1: none),
 *         recordingId (−1: none), previous (−1: none), layer (name id, −1: none),
 *         param (name id, −1: none), value tensor
 *   step: 2, pass, node, upstream tensor, #contributions, (index, grad tensor)…
 *   tensor: dtype, #dims, dims…, #values, complete (1) or sample (0)
 * Float64 stream: each tensor's values, then (for a sample) its 8 stats.
 * Names (op names, attribute JSON) are declared once in the JSON journal as `name` records.
 *
 * The encoder and the decoder are written out field by field rather than driven by a table of
 * per-field codecs: this runs for every op, and straight-line code keeps each write a store.
 */
import type { NDArray } from 'gradlens';
import type { NodeId, NodeKind, TensorStats, TraceDType, TraceNumber } from '../protocol/trace';
import { everyField, type ContributionRecord, type JournalNode, type JournalStep, type NodeRecord, type StepRecord } from './records';
import type { TypedData } from './perDtype';
import { encodeNumber, type JournalTensor } from './tensor';
import { arrayStats, hasNonFinite, kernelStats } from './valueStats';

/** Fills the stats `pending` left in `floats` (a batch as handed out, or a copy of it). */
export function fillStats(floats: Float64Array, pending: readonly PendingStats[]): void {
  for (const { at, data } of pending) {
    const stats = arrayStats(data);
    for (let k = 0; k < STAT_KEYS.length; k++) floats[at + k] = stats[STAT_KEYS[k]!] ?? NaN;
  }
}

const NODE = 1;
const STEP = 2;
const KINDS: readonly NodeKind[] = ['op', 'variable', 'constant'];
const DTYPES: readonly TraceDType[] = ['float32', 'float64', 'int32', 'bool', 'int64'];
const GRAD_REQS = [null, 'write', 'add', 'null'] as const;
const STAT_KEYS = ['min', 'max', 'mean', 'std', 'l2', 'nan', 'inf', 'zeros'] as const;
const FLAGS = { trainMode: 1, recording: 2, inGraph: 4 } as const;

// Each record's fields in stream order, listed so that a field added to a record fails to compile
// here (naming it): then add it to the writer's `node`/`step` and to `readNode`/`readStep` below.
export const NODE_LAYOUT = everyField<NodeRecord<unknown>>()(
  ['id', 'kind', 'op', 'inputs', 'attrs', 'trainMode', 'recording', 'inGraph', 'gradReq', 'site', 'recordingId', 'previous', 'layer', 'param', 'value'],
);
export const STEP_LAYOUT = everyField<StepRecord<unknown>>()(['pass', 'node', 'upstream', 'contributions']);

/** A growable typed buffer. */
class Stream<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(public data: T, private readonly make: (size: number) => T) {}

  reserve(extra: number): T {
    if (this.length + extra > this.data.length) {
      const bigger = this.make(Math.max(this.data.length * 2, this.length + extra));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    return this.data;
  }
}

/** How many records a batch of the binary journal holds. */
export interface BatchCounts {
  nodes: number;
  steps: number;
  /** One past the highest node id in it (0: no node). */
  nextNode: number;
}

/**
 * A sampled tensor's 8 stats, not computed yet (the writer defers them): the float64 stream has
 * placeholders at `at` (in the batch handed out), to be filled from `data` — a copy of the array's
 * values, taken when it was encoded — by `fillStats` before the batch is written to the trace, or
 * dropped with it when its pass is summarised (most passes of a long run: no stats computed).
 */
export interface PendingStats {
  at: number;
  data: TypedData;
  /** The copy's size. */
  bytes: number;
}

export interface BinaryOutput {
  /**
   * The new records' int32 and float64 data, in order (valid only during the call), and the stats
   * left to fill in them (empty unless the writer defers stats).
   */
  write(ints: Int32Array, floats: Float64Array, counts: BatchCounts, pending: readonly PendingStats[]): void;
  /** Declares a name (an op, an attribute JSON text) before its first use. */
  name(id: number, text: string): void;
}

export class BinaryJournalWriter {
  private readonly ints = new Stream(new Int32Array(1 << 14), (n) => new Int32Array(n));
  private readonly floats = new Stream(new Float64Array(1 << 12), (n) => new Float64Array(n));
  private readonly names = new Map<string, number>();
  /** Whether the last tensor written had a NaN or an infinity. */
  lastNonFinite = false;
  /** The stats of the last tensor written, when they were computed as it was (null: left for later, or none). */
  private lastStats: TensorStats | null = null;
  /** ‖upstream‖₂ of the last step written, when its stats were computed then (undefined: not known here). */
  upstreamL2: number | null | undefined = undefined;
  private readonly counts: BatchCounts = { nodes: 0, steps: 0, nextNode: 0 };
  private pending: PendingStats[] = [];

  /**
   * `deferStats`: a sampled tensor's stats are left to fill (PendingStats), its values copied — except
   * where the engine's kernels compute them (valueStats.ts), as fast as the copy: then at once.
   */
  constructor(private readonly output: BinaryOutput, private readonly maxElements: number, private readonly deferStats = false) {}

  /** Bytes waiting to be written. */
  get pendingBytes(): number {
    return this.ints.length * 4 + this.floats.length * 8;
  }

  private nameId(text: string): number {
    let id = this.names.get(text);
    if (id === undefined) {
      id = this.names.size;
      this.names.set(text, id);
      this.output.name(id, text);
    }
    return id;
  }

  private tensor(array: NDArray): void {
    const data = array._data;
    const shape = array.shape;
    const sample = data.length > this.maxElements;
    const count = sample ? this.maxElements : data.length;
    const ints = this.ints.reserve(4 + shape.length);
    let at = this.ints.length;
    ints[at++] = DTYPES.indexOf(array.dtype);
    ints[at++] = shape.length;
    for (let i = 0; i < shape.length; i++) ints[at++] = shape[i]!;
    ints[at++] = count;
    ints[at++] = sample ? 0 : 1;
    this.ints.length = at;
    const floats = this.floats.reserve(count + (sample ? 8 : 0));
    const start = this.floats.length;
    floats.set(data.length === count ? data : data.subarray(0, count), start);
    this.floats.length = start + count;
    const now = sample && this.deferStats ? kernelStats(array) : null;
    if (now !== null) {
      // On the kernels, stats cost what the copy for later would: computed now.
      for (const key of STAT_KEYS) floats[this.floats.length++] = now[key] ?? NaN;
      this.lastNonFinite = now.nan > 0 || now.inf > 0;
      this.lastStats = now;
    } else if (sample && this.deferStats) {
      const values = data.slice();
      const copy = { dtype: array.dtype, _data: values };
      this.pending.push({ at: this.floats.length, data: copy, bytes: values.byteLength });
      this.lastStats = null;
      this.floats.length += STAT_KEYS.length; // filled by fillStats
      this.lastNonFinite = hasNonFinite(copy);
    } else if (sample) {
      const stats = arrayStats(array);
      for (const key of STAT_KEYS) floats[this.floats.length++] = stats[key] ?? NaN;
      this.lastNonFinite = stats.nan > 0 || stats.inf > 0;
      this.lastStats = stats;
    } else {
      let nonFinite = false;
      for (let i = start; i < start + count; i++) {
        const v = floats[i]!;
        if (v - v !== 0) { nonFinite = true; break; }
      }
      this.lastNonFinite = nonFinite;
      this.lastStats = null;
    }
  }

  /** A node; afterwards `lastNonFinite` tells whether its value has NaN/Inf. Nothing of `node` is kept. */
  node(node: NodeRecord<NDArray>): void {
    const { inputs, attrs } = node;
    let hasAttrs = false;
    for (const _ in attrs) { hasAttrs = true; break; }
    const attrsId = hasAttrs ? this.nameId(JSON.stringify(attrs)) : -1;
    const layerId = node.layer === null ? -1 : this.nameId(node.layer);
    const paramId = node.param === null ? -1 : this.nameId(node.param);
    const ints = this.ints.reserve(14 + inputs.length);
    let at = this.ints.length;
    ints[at++] = NODE;
    ints[at++] = node.id;
    ints[at++] = KINDS.indexOf(node.kind);
    ints[at++] = this.nameId(node.op);
    ints[at++] = inputs.length;
    for (let i = 0; i < inputs.length; i++) ints[at++] = inputs[i]!;
    ints[at++] = attrsId;
    ints[at++] = (node.trainMode ? FLAGS.trainMode : 0) | (node.recording ? FLAGS.recording : 0) | (node.inGraph ? FLAGS.inGraph : 0);
    ints[at++] = GRAD_REQS.indexOf(node.gradReq);
    ints[at++] = node.site ?? -1;
    ints[at++] = node.recordingId ?? -1;
    ints[at++] = node.previous ?? -1;
    ints[at++] = layerId;
    ints[at++] = paramId;
    this.ints.length = at;
    this.tensor(node.value);
    this.counts.nodes++;
    if (node.id >= this.counts.nextNode) this.counts.nextNode = node.id + 1;
  }

  /**
   * A backward step. Returns the first contribution that has NaN/Inf while the upstream gradient
   * has none (the rule produced it), or null. Nothing of `step` is kept.
   */
  step(step: StepRecord<NDArray>): NDArray | null {
    const { contributions } = step;
    this.counts.steps++;
    const head = this.ints.reserve(3);
    head[this.ints.length++] = STEP;
    head[this.ints.length++] = step.pass;
    head[this.ints.length++] = step.node;
    this.tensor(step.upstream);
    const upstreamNonFinite = this.lastNonFinite;
    this.upstreamL2 = this.lastStats === null ? undefined : this.lastStats.l2;
    this.ints.reserve(1)[this.ints.length++] = contributions.length;
    let produced: NDArray | null = null;
    for (let k = 0; k < contributions.length; k++) {
      const { index, grad } = contributions[k]!;
      this.ints.reserve(1)[this.ints.length++] = index;
      this.tensor(grad);
      if (!upstreamNonFinite && this.lastNonFinite && produced === null) produced = grad;
    }
    return produced;
  }

  flush(): void {
    if (this.ints.length === 0) return;
    this.output.write(this.ints.data.subarray(0, this.ints.length), this.floats.data.subarray(0, this.floats.length), this.counts, this.pending);
    if (this.pending.length > 0) this.pending = [];
    this.ints.length = 0;
    this.floats.length = 0;
    this.counts.nodes = 0;
    this.counts.steps = 0;
  }
}

/** Decodes the binary journal into the records the runner assembles. A truncated tail is dropped. */
export function readBinaryJournal(ints: Int32Array, floats: Float64Array, names: ReadonlyMap<number, string>): { nodes: JournalNode[]; steps: JournalStep[] } {
  const nodes: JournalNode[] = [];
  const steps: JournalStep[] = [];
  let i = 0;
  let f = 0;
  const need = (n: number, m = 0) => {
    if (i + n > ints.length || f + m > floats.length) throw new RangeError('truncated');
  };
  const tensor = (): JournalTensor => {
    need(2);
    const dtype = DTYPES[ints[i++]!]!;
    const ndim = ints[i++]!;
    need(ndim + 2);
    const shape = Array.from(ints.subarray(i, i + ndim));
    i += ndim;
    const count = ints[i++]!;
    const complete = ints[i++] === 1;
    need(0, count + (complete ? 0 : 8));
    const values = new Array<TraceNumber>(count);
    for (let k = 0; k < count; k++) values[k] = encodeNumber(floats[f++]!);
    if (complete) return [shape, dtype, values];
    const stats = {} as Record<(typeof STAT_KEYS)[number], number | null>;
    for (const key of STAT_KEYS) {
      const v = floats[f++]!;
      stats[key] = Number.isNaN(v) ? null : v;
    }
    return [shape, dtype, values, stats as unknown as TensorStats];
  };
  const readNode = (): JournalNode => {
    need(4);
    const id = ints[i++]!;
    const kind = KINDS[ints[i++]!]!;
    const op = names.get(ints[i++]!) ?? '?';
    const count = ints[i++]!;
    need(count + 8);
    const inputs: NodeId[] = Array.from(ints.subarray(i, i + count));
    i += count;
    const attrsId = ints[i++]!;
    const flags = ints[i++]!;
    const gradReq = GRAD_REQS[ints[i++]!] ?? null;
    const site = ints[i++]!;
    const recordingId = ints[i++]!;
    const previous = ints[i++]!;
    const layer = ints[i++]!;
    const param = ints[i++]!;
    return {
      id, kind, op, inputs,
      attrs: attrsId < 0 ? {} : JSON.parse(names.get(attrsId) ?? '{}') as Record<string, unknown>,
      trainMode: (flags & FLAGS.trainMode) !== 0,
      recording: (flags & FLAGS.recording) !== 0,
      inGraph: (flags & FLAGS.inGraph) !== 0,
      gradReq,
      site: site < 0 ? null : site,
      recordingId: recordingId < 0 ? null : recordingId,
      previous: previous < 0 ? null : previous,
      layer: layer < 0 ? null : names.get(layer) ?? null,
      param: param < 0 ? null : names.get(param) ?? null,
      value: tensor(),
    };
  };
  const readStep = (): JournalStep => {
    need(2);
    const pass = ints[i++]!;
    const node = ints[i++]!;
    const upstream = tensor();
    need(1);
    const count = ints[i++]!;
    const contributions: ContributionRecord<JournalTensor>[] = [];
    for (let k = 0; k < count; k++) {
      need(1);
      const index = ints[i++]!;
      contributions.push({ index, grad: tensor() });
    }
    return { pass, node, upstream, contributions };
  };
  try {
    while (i < ints.length) {
      const start = i;
      const tag = ints[i++];
      if (tag === NODE) nodes.push(readNode());
      else if (tag === STEP) steps.push(readStep());
      else {
        i = start;
        break; // unknown or torn record: stop here
      }
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return { nodes, steps };
}
