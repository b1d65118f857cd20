/**
 * The traced program's side of the journal: JSON lines for the rare records, the binary streams
 * of journal-binary.ts for nodes and steps, flushed together in batches. What a pass records goes
 * through PassSegments (journal-segments.ts), which writes it whole or only its summary.
 */
import type { NDArray } from 'gradlens';
import { journalLine, type JournalPass, type JournalRecord } from './journal';
import { BinaryJournalWriter } from './journal-binary';
import { FrameWriter, STREAMS, type StreamId } from './journal-frame';
import { PassSegments } from './journal-segments';
import type { KeepOptions } from './keepPolicy';
import type { NodeRecord, StepRecord } from './records';

/** The keep policy when none is given: a 64 MB budget, no pass asked for. */
export const DEFAULT_KEEP: KeepOptions = { maxBytes: 64 * 2 ** 20, requested: [] };

const FLUSH_BYTES = 1 << 16; // small batches: pending data is garbage the collector would otherwise copy
const FLUSH_MS = 100;

/** Where journal data goes: the frames of a traced program's journal, or memory (tests). */
export interface JournalOutput {
  text(chunk: string): void;
  binary(ints: Int32Array, floats: Float64Array): void;
  close?(): void;
}

/**
 * The journal as authenticated frames on the fd the runner opened (journal-frame.ts). A write that
 * fails (the program closed the fd, the disk is full) ends the journal, not the program's op.
 */
export function frameOutput(fd: number, key: Buffer, onFailure: (error: unknown) => void): JournalOutput {
  const frames = new FrameWriter(fd, key);
  let failed = false;
  const write = (stream: StreamId, payload: Uint8Array) => {
    if (failed) return;
    try {
      frames.write(stream, payload);
    } catch (error) {
      failed = true;
      onFailure(error);
    }
  };
  return {
    text: (chunk) => write(STREAMS.text, Buffer.from(chunk, 'utf8')),
    binary: (ints, floats) => {
      write(STREAMS.ints, new Uint8Array(ints.buffer, ints.byteOffset, ints.byteLength));
      if (floats.length > 0) write(STREAMS.floats, new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength));
    },
  };
}

export class JournalWriter {
  private pending: string[] = [];
  private pendingBytes = 0;
  private lastFlush = Date.now();
  private readonly binaryWriter: BinaryJournalWriter;
  private readonly segments: PassSegments;
  private closed = false;

  constructor(private readonly output: JournalOutput, maxElements: number, keep: KeepOptions = DEFAULT_KEEP) {
    this.segments = new PassSegments({
      text: (chunk) => this.direct(chunk),
      binary: (ints, floats) => output.binary(ints, floats),
    }, keep);
    this.binaryWriter = new BinaryJournalWriter({
      write: (ints, floats, counts, pending) => this.segments.binary(ints, floats, counts.nodes, counts.steps, counts.nextNode, pending),
      // Declared in the middle of encoding a record: queued, never flushed from here (a flush now
      // would hand out the record's first half and then write its rest over the emptied buffer).
      name: (id, text) => this.direct(journalLine({ t: 'name', id, text })),
      // Stats of sampled tensors are computed only for what is written (most passes of a long run are summarised).
    }, maxElements, true);
  }

  /** Ids at or below this may be left out of the trace or held: ask `known` about them. */
  get floor(): number {
    return this.segments.floor;
  }

  /** Whether node `id` is in the trace (false: its pass was summarised; the array is new to it). */
  known(id: number): boolean {
    return this.segments.touch(id);
  }

  /** A backward pass ended: it is written whole or summarised (keepPolicy.ts). */
  pass(pass: JournalPass, anomalies: number): void {
    this.binaryWriter.flush(); // its last nodes and steps into its segment
    this.segments.endPass(pass, anomalies);
  }

  /** Whether the last node or step tensor had a NaN or an infinity. */
  get lastNonFinite(): boolean {
    return this.binaryWriter.lastNonFinite;
  }

  /** ‖upstream‖₂ of the last step, when the encoder computed its stats (undefined: not known here). */
  get upstreamL2(): number | null | undefined {
    return this.binaryWriter.upstreamL2;
  }

  write(record: JournalRecord): void {
    const line = journalLine(record);
    if (this.segments.owns(record)) this.segments.text(record, line);
    else this.direct(line);
    this.maybeFlush();
  }

  private direct(line: string): void {
    this.pending.push(line);
    this.pendingBytes += line.length;
  }

  /** Encodes `node` at once (binary); nothing of it is kept, so the caller may reuse the object. */
  node(node: NodeRecord<NDArray>): void {
    this.binaryWriter.node(node);
    this.maybeFlush();
  }

  /** The same for a step; returns the contribution whose NaN/Inf the rule produced, if any (see BinaryJournalWriter.step). */
  step(step: StepRecord<NDArray>): NDArray | null {
    const produced = this.binaryWriter.step(step);
    this.maybeFlush();
    return produced;
  }

  // Time-based flushing keeps the files fresh while the program keeps calling the engine, so a
  // program killed for a timeout loses at most the last few milliseconds.
  private maybeFlush(): void {
    if (this.pendingBytes + this.binaryWriter.pendingBytes >= FLUSH_BYTES || Date.now() - this.lastFlush >= FLUSH_MS) this.flush();
  }

  private flushText(): void {
    if (this.pending.length > 0) {
      this.output.text(this.pending.join(''));
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  /** Text first: it declares the names the binary records use. Records of the open segment stay held. */
  flush(): void {
    this.binaryWriter.flush();
    this.flushText();
    this.lastFlush = Date.now();
  }

  /**
   * A debugger stopped the program: everything is flushed to the journal, and what is still held
   * in memory (the open segment, the summarised pass waiting) goes to `output` (see
   * PassSegments.peek). Returns the id of the pass whose summary `output` replaces, or null.
   */
  peek(output: JournalOutput): number | null {
    this.flush();
    return this.segments.peek({ text: (chunk) => output.text(chunk), binary: (ints, floats) => output.binary(ints, floats) });
  }

  /** The end of the run: the held pass and the open segment are written, then what was kept. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.binaryWriter.flush();
    const report = this.segments.finish();
    this.direct(journalLine({ t: 'kept', ...report }));
    this.flushText();
    this.output.close?.();
  }
}
