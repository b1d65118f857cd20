/**
 * The journal of a training run, pass by pass: what the program records between the end of one
 * backward pass and the end of the next (a *segment*: its nodes, steps, recordings, breaks and
 * anomalies) is held in memory until the pass ends; then the keep policy (keepPolicy.ts) says
 * whether it is written whole or only summarised — the pass's record with its summary, and none of
 * its nodes. The latest summarised pass stays held (its summary already written) until the next
 * pass ends: it is written whole after all when that pass has an anomaly, or uses its nodes, or at
 * the end of the run (the last pass).
 *
 * The stats of a segment's sampled tensors are computed only when it is written (the encoder hands
 * them over as PendingStats, with a copy of the values): a summarised pass costs no stats. On the
 * engine's kernels the encoder computes them at once instead: there they cost what the copy would.
 *
 * So the file only grows by what is kept, and what a kill loses is the unfinished segment and the
 * held pass's tensors (its summary is on disk). A segment that grows past SPILL_BYTES without a
 * pass ending (a long forward-only loop) is written out as it is: its pass is then kept.
 */
import { inRanges } from './idRanges';
import { journalLine, type JournalOmittedRecordings, type JournalPass, type JournalRecord } from './journal';
import { fillStats, type PendingStats } from './journal-binary';
import { KeepPolicy, type KeepOptions, type PassFacts } from './keepPolicy';

/**
 * Bytes of the trace file per int32 and per float64 of the binary journal: a value is written as
 * ~12 characters with its separators (a node's gradient is not written again: it is its last
 * step's); a little over what the d2l MLP and RNN traces measure, so the budget holds.
 */
export const TRACE_BYTES_PER_INT = 16;
export const TRACE_BYTES_PER_FLOAT = 16;
/** A segment larger than this (estimated trace bytes) is written before its pass ends. */
const SPILL_BYTES = 48 * 2 ** 20;
/**
 * Copies of sampled tensors' values a segment holds for stats not yet computed (PendingStats); past
 * this many bytes, its stats are computed at once and the copies let go.
 */
const DEFERRED_BYTES = 128 * 2 ** 20;

/** Records that belong to the segment they were made in (they name its nodes). */
const SEGMENT_RECORDS: ReadonlySet<JournalRecord['t']> = new Set(['recordingStart', 'recordingEnd', 'break', 'anomaly']);

export interface SegmentOutput {
  text(chunk: string): void;
  binary(ints: Int32Array, floats: Float64Array): void;
}

class Segment {
  readonly text: string[] = [];
  readonly ints: Int32Array[] = [];
  readonly floats: Float64Array[] = [];
  /** For each chunk of floats, the stats left to fill in it before it is written. */
  readonly pending: (readonly PendingStats[])[] = [];
  pendingBytes = 0;
  intCount = 0;
  floatCount = 0;
  nodes = 0;
  steps = 0;
  /** Ids of its nodes (they are consecutive): firstNode … nextNode − 1. */
  nextNode: number;
  readonly recordingsStarted = new Set<number>();
  /** How many recordings began at each site in it. */
  readonly recordingSites = new Map<number | null, number>();
  /** Recordings started before it and ended in it: their end is written even when it is summarised. */
  readonly foreignEnds: string[] = [];
  readonly breakKeys = new Set<string>();
  /** Part of it was written already (it grew past SPILL_BYTES): its pass must be kept. */
  spilled = false;
  /** A later pass used one of its nodes: summarising it would leave that pass a dangling input. */
  referenced = false;

  constructor(readonly firstNode: number) {
    this.nextNode = firstNode;
  }

  get bytes(): number {
    return this.intCount * TRACE_BYTES_PER_INT + this.floatCount * TRACE_BYTES_PER_FLOAT;
  }
}

interface Held {
  segment: Segment;
  pass: JournalPass;
}

export interface KeepReport {
  kept: number;
  summarised: number;
  budgetReachedAt: number | null;
  spacing: number;
}

/** A spaced pass written whole, which a doubled stride may demote: where its records are. */
interface SpacedSegment {
  pass: number;
  firstNode: number;
  nextNode: number;
  nodes: number;
  steps: number;
  recordings: number[];
  recordingSites: JournalOmittedRecordings[];
}

export class PassSegments {
  private readonly policy: KeepPolicy;
  private current = new Segment(0);
  private held: Held | null = null;
  /** Ranges of node ids left out of the trace, in order. */
  private readonly omitted: [number, number][] = [];
  /** The spaced passes written whole (by firstNode): a later use of their nodes pins them. */
  private readonly spaced: SpacedSegment[] = [];
  /** Ids above this are neither omitted nor held: `touch` is asked only for ids at or below it. */
  floor = -1;
  private readonly breaksSeen = new Set<string>();

  constructor(private readonly output: SegmentOutput, options: KeepOptions) {
    this.policy = new KeepPolicy(options);
  }

  /** Whether a record goes to the segment (else straight to the file). */
  owns(record: JournalRecord): boolean {
    return SEGMENT_RECORDS.has(record.t);
  }

  text(record: JournalRecord, line: string): void {
    const segment = this.current;
    if (record.t === 'recordingStart') {
      segment.recordingsStarted.add(record.id);
      segment.recordingSites.set(record.site, (segment.recordingSites.get(record.site) ?? 0) + 1);
    }
    if (record.t === 'recordingEnd' && !segment.recordingsStarted.has(record.id)) segment.foreignEnds.push(line);
    if (record.t === 'break') segment.breakKeys.add(`${record.graphBreak.kind}:${record.graphBreak.site ?? '?'}`);
    segment.text.push(line);
  }

  /** Binary records of the current segment (copied: the encoder reuses its buffers). */
  binary(ints: Int32Array, floats: Float64Array, nodes: number, steps: number, nextNode: number, pending: readonly PendingStats[] = []): void {
    const segment = this.current;
    segment.ints.push(ints.slice());
    segment.floats.push(floats.slice());
    segment.pending.push(pending);
    for (const { bytes } of pending) segment.pendingBytes += bytes;
    if (segment.pendingBytes > DEFERRED_BYTES) fillSegment(segment);
    segment.intCount += ints.length;
    segment.floatCount += floats.length;
    segment.nodes += nodes;
    segment.steps += steps;
    segment.nextNode = Math.max(segment.nextNode, nextNode);
    if (segment.bytes > SPILL_BYTES) this.spill(segment);
  }

  private spill(segment: Segment): void {
    this.writeSegment(segment);
    segment.text.length = 0;
    segment.ints.length = 0;
    segment.floats.length = 0;
    segment.pending.length = 0;
    segment.pendingBytes = 0;
    segment.intCount = 0;
    segment.floatCount = 0;
    segment.spilled = true;
  }

  /**
   * Whether node `id` (≤ floor) is in the trace: false when it was left out (the caller treats the
   * array as new). A node of the held pass is marked used, so that pass will be kept.
   */
  touch(id: number): boolean {
    const held = this.held?.segment;
    if (held && id >= held.firstNode && id < held.nextNode) {
      held.referenced = true;
      return true;
    }
    const spaced = this.spacedHolding(id);
    if (spaced) {
      this.policy.pin(spaced.pass);
      return true;
    }
    return !this.isOmitted(id);
  }

  /** The spaced pass whose nodes include `id`, if any. */
  private spacedHolding(id: number): SpacedSegment | undefined {
    const list = this.spaced;
    let [lo, hi] = [0, list.length - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const segment = list[mid]!;
      if (id < segment.firstNode) hi = mid - 1;
      else if (id >= segment.nextNode) lo = mid + 1;
      else return segment;
    }
    return undefined;
  }

  isOmitted(id: number): boolean {
    return inRanges(this.omitted, id);
  }

  /** A pass ended: its segment is written whole or summarised (see the file's comment). */
  endPass(pass: JournalPass, anomalies: number): void {
    const segment = this.current;
    const newBreak = [...segment.breakKeys].some((key) => !this.breaksSeen.has(key));
    const gradcheckFailed = pass.gradcheck !== undefined && (pass.gradcheck.error !== undefined || pass.gradcheck.results.some((r) => !r.ok));
    const facts: PassFacts = {
      id: pass.id,
      bytes: segment.bytes,
      notable: anomalies > 0 || newBreak || gradcheckFailed || pass.error !== undefined || segment.spilled,
      anomaly: anomalies > 0,
    };
    const held = this.held;
    const verdict = segment.spilled ? { keep: true as const, alsoPrevious: false, spaced: false, demote: [] } : this.policy.decide(facts, held ? { bytes: held.segment.bytes } : null);
    this.current = new Segment(segment.nextNode);
    if (held) {
      if (verdict.keep && (verdict.alsoPrevious || held.segment.referenced)) {
        if (!verdict.alsoPrevious) this.policy.keptLater(held.segment.bytes);
        this.writeWhole(held);
      } else this.drop(held.segment);
      this.held = null;
    }
    for (const id of verdict.demote) this.demote(id);
    if (verdict.keep) {
      this.writeWhole({ segment, pass: { ...pass, kept: true } });
      if (verdict.spaced) {
        this.spaced.push({
          pass: pass.id, firstNode: segment.firstNode, nextNode: segment.nextNode, nodes: segment.nodes, steps: segment.steps,
          recordings: [...segment.recordingsStarted], recordingSites: recordingSites(segment),
        });
      }
    } else {
      const line = journalLine({ t: 'pass', pass: summarised(pass, segment) });
      this.policy.spend(line.length);
      this.output.text(line);
      this.held = { segment, pass: { ...pass, kept: true } };
    }
    this.floor = segment.nextNode - 1;
  }

  /** The end of the run: the held pass (the last) is written whole, and what was recorded after it. */
  finish(): KeepReport {
    if (this.held) {
      this.policy.keptLater(this.held.segment.bytes);
      this.writeWhole(this.held);
      this.held = null;
    }
    this.writeSegment(this.current);
    this.current = new Segment(this.current.nextNode);
    return { kept: this.policy.kept, summarised: this.policy.summarised, budgetReachedAt: this.policy.budgetReachedAt, spacing: this.policy.spacing };
  }

  /**
   * What the file would gain if the run ended now — the held pass written whole, then the open
   * segment — written to `output` instead, for a debugger's stop (the live graph while paused);
   * nothing here changes (stats are computed, as writing them would). Returns the id of the held
   * pass, whose summary is in the file already: the whole pass here replaces it.
   */
  peek(output: SegmentOutput): number | null {
    const held = this.held;
    if (held) {
      writeSegmentTo(output, held.segment);
      output.text(journalLine({ t: 'pass', pass: held.pass }));
    }
    writeSegmentTo(output, this.current);
    return held ? held.pass.id : null;
  }

  private writeWhole({ segment, pass }: Held): void {
    this.writeSegment(segment);
    for (const key of segment.breakKeys) this.breaksSeen.add(key);
    this.output.text(journalLine({ t: 'pass', pass }));
  }

  private writeSegment(segment: Segment): void {
    writeSegmentTo(this.output, segment);
  }

  /** A spaced pass written whole is summarised after all: the runner leaves its records out; later uses of its arrays make new leaves. */
  private demote(id: number): void {
    const at = this.spaced.findIndex((segment) => segment.pass === id);
    if (at < 0) return;
    const [segment] = this.spaced.splice(at, 1);
    const { pass, firstNode, nextNode, nodes, steps, recordings, recordingSites: sites } = segment!;
    this.output.text(journalLine({ t: 'demote', pass, firstNode, lastNode: nextNode - 1, nodes, steps, recordings, recordingSites: sites }));
    if (nextNode > firstNode) this.omit(firstNode, nextNode - 1);
  }

  /** Adds a range of left-out ids, in order, joined with the ranges it touches. */
  private omit(first: number, last: number): void {
    const ranges = this.omitted;
    let at = ranges.length;
    while (at > 0 && ranges[at - 1]![0] > first) at--;
    ranges.splice(at, 0, [first, last]);
    if (at > 0 && ranges[at - 1]![1] + 1 >= first) {
      ranges[at - 1]![1] = Math.max(ranges[at - 1]![1], last);
      ranges.splice(at, 1);
      at--;
    }
    while (at + 1 < ranges.length && ranges[at]![1] + 1 >= ranges[at + 1]![0]) {
      ranges[at]![1] = Math.max(ranges[at]![1], ranges[at + 1]![1]);
      ranges.splice(at + 1, 1);
    }
  }

  /** Left out: its nodes' ids are remembered (later uses of those arrays make new leaves); ends of older recordings are still written. */
  private drop(segment: Segment): void {
    if (segment.nextNode > segment.firstNode) this.omit(segment.firstNode, segment.nextNode - 1);
    if (segment.foreignEnds.length > 0) this.output.text(segment.foreignEnds.join(''));
  }
}

/** A segment's records: its text, then its binary chunks (their stats filled). */
function writeSegmentTo(output: SegmentOutput, segment: Segment): void {
  if (segment.text.length > 0) output.text(segment.text.join(''));
  fillSegment(segment);
  for (let i = 0; i < segment.ints.length; i++) output.binary(segment.ints[i]!, segment.floats[i]!);
}

/** Computes the stats a segment's chunks left to fill, and lets go of the copies they were computed from. */
function fillSegment(segment: Segment): void {
  for (let i = 0; i < segment.pending.length; i++) {
    if (segment.pending[i]!.length === 0) continue;
    fillStats(segment.floats[i]!, segment.pending[i]!);
    segment.pending[i] = [];
  }
  segment.pendingBytes = 0;
}

/** The recordings a segment began, counted by site. */
function recordingSites(segment: Segment): JournalOmittedRecordings[] {
  return [...segment.recordingSites].map(([site, count]) => ({ site, count }));
}

/** A pass's record as a summarised pass: its summary, and what it leaves out. */
function summarised(pass: JournalPass, segment: Segment): JournalPass {
  return {
    ...pass,
    kept: false,
    heads: [], headGrads: [], implicitHeadGrads: [], leafGrads: [],
    omitted: { firstNode: segment.firstNode, lastNode: segment.nextNode - 1, nodes: segment.nodes, steps: segment.steps, recordings: recordingSites(segment) },
  };
}
