/** Appends journal records to a file from the traced program, in batches. */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { JournalRecord } from './journal';

const FLUSH_BYTES = 1 << 16; // small batches: pending lines are garbage the collector would otherwise copy
const FLUSH_MS = 100;

export class JournalWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private lastFlush = Date.now();

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  write(record: JournalRecord): void {
    this.writeLine(JSON.stringify(record));
  }

  /** A record already in JSON (the recorder writes its most frequent records itself). */
  writeLine(json: string): void {
    const line = `${json}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    // Time-based flushing keeps the file fresh while the program keeps calling the engine, so a
    // program killed for a timeout loses at most the last few milliseconds.
    if (this.pendingBytes >= FLUSH_BYTES || Date.now() - this.lastFlush >= FLUSH_MS) this.flush();
  }

  flush(): void {
    if (this.pending.length > 0) {
      writeSync(this.fd, this.pending.join(''));
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.lastFlush = Date.now();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
