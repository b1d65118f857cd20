/**
 * The journal of a run a debugger has paused, read at each stop (the live graph while paused).
 *
 * The program's process, paused, answered the debugger's `evaluate` (env.ts PAUSE_SYMBOL): its
 * journal is flushed to the file, and what it still holds in memory — the open segment, the
 * summarised pass waiting to be written — is in the peek file, in frames MACed as the journal's.
 * Only what the journal file gained since the last stop is read and decoded (its frames verify in
 * sequence, as the runner reads them at the end); the peek is read whole each time (it is at most
 * the pass being recorded and the one before it). The journal so far and the peek after it make the
 * journal the run would leave if it ended now: a whole pass in the peek replaces its summary in
 * the file, as the assembler does for any pass written again.
 *
 *   const live = new LiveJournal(readFd, key);
 *   const { journal, warnings } = live.read(readFileSync(peekPath));   // at each stop
 */
import { fstatSync, readSync } from 'node:fs';
import type { Journal } from './assemble';
import { parseJournal, type JournalRecord } from './journal';
import { readBinaryJournal } from './journal-binary';
import { framesInSequence, joined, readFrames, STREAMS } from './journal-frame';
import { readJournalFile } from './journal-file';
import type { JournalNode, JournalStep } from './records';

/** The most of the journal read at one stop (as at the end: journal-file.ts). */
const MAX_READ_BYTES = 2 ** 31 - 1;

export class LiveJournal {
  /** Bytes of the file read as whole frames. */
  private offset = 0;
  private sequence = 0;
  /** The file held bytes that are not GradLens's: it is read whole at each stop, as at the end. */
  private foreign = false;
  private readonly records: JournalRecord[] = [];
  private readonly names = new Map<number, string>();
  private readonly nodes: JournalNode[] = [];
  private readonly steps: JournalStep[] = [];

  constructor(private readonly fd: number, private readonly key: Buffer) {}

  /** The journal as the run would leave it if it ended now: the file so far, then `peek` (the peek file's bytes). */
  read(peek: Buffer | null): { journal: Journal; warnings: string[] } {
    const warnings: string[] = [];
    let base: Journal;
    if (!this.foreign) this.catchUp();
    if (this.foreign) {
      const whole = readJournalFile(this.fd, this.key);
      warnings.push(...whole.warnings);
      base = whole.journal;
    } else base = { records: this.records, nodes: this.nodes, steps: this.steps };
    if (peek === null || peek.length === 0) return { journal: base, warnings };
    const frames = readFrames(peek, this.key);
    if (frames.foreign > 0 || frames.stopped) warnings.push('what the paused program holds in memory could not all be read: the graph shows what its journal holds');
    const records = parseJournal(frames.text);
    // The names read so far (a journal read whole, foreign bytes and all, has its own), then the peek's.
    const names = new Map(this.foreign ? [] : this.names);
    if (this.foreign) for (const record of base.records) if (record.t === 'name') names.set(record.id, record.text);
    for (const record of records) if (record.t === 'name') names.set(record.id, record.text);
    const held = readBinaryJournal(frames.ints, frames.floats, names);
    return {
      journal: { records: [...base.records, ...records], nodes: [...base.nodes, ...held.nodes], steps: [...base.steps, ...held.steps] },
      warnings,
    };
  }

  /** Reads and decodes what the file gained since the last call. */
  private catchUp(): void {
    const size = fstatSync(this.fd).size;
    if (size <= this.offset) return;
    const data = Buffer.allocUnsafe(Math.min(size - this.offset, MAX_READ_BYTES));
    let read = 0;
    while (read < data.length) {
      const n = readSync(this.fd, data, read, data.length - read, this.offset + read);
      if (n === 0) break;
      read += n;
    }
    const { payloads, end, clean } = framesInSequence(data.subarray(0, read), this.key, this.sequence);
    if (!clean) { this.foreign = true; return; }
    // A frame cut short by the end of what was read is read whole at the next stop.
    this.sequence += payloads.length;
    this.offset += end;
    const text: Buffer[] = [];
    const ints: Buffer[] = [];
    const floats: Buffer[] = [];
    for (const { stream, payload } of payloads) (stream === STREAMS.text ? text : stream === STREAMS.ints ? ints : floats).push(payload);
    const records = parseJournal(Buffer.concat(text).toString('utf8'));
    for (const record of records) {
      this.records.push(record);
      if (record.t === 'name') this.names.set(record.id, record.text);
    }
    const decoded = readBinaryJournal(new Int32Array(joined(ints)), new Float64Array(joined(floats)), this.names);
    for (const node of decoded.nodes) this.nodes.push(node);
    for (const step of decoded.steps) this.steps.push(step);
  }
}
