/**
 * The journal file of a run: created by the runner, appended to by the program's process through
 * an fd it inherits or one the preload opens by the path before the program runs (a debugger
 * starts the process: env.ts), and read back by the runner through an fd of its own — the program
 * may unlink or replace the file by its path, and may fill it without end.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal, type Journal } from './assemble';
import { readFrames } from './journal-frame';

/** The most of a journal that is read. */
const MAX_JOURNAL_BYTES = 2 ** 31 - 1;

export function openJournal(workDir: string): { path: string; writeFd: number; readFd: number } {
  const path = join(workDir, 'journal');
  const writeFd = openSync(path, 'ax', 0o600);
  return { path, writeFd, readFd: openSync(path, 'r') };
}

/**
 * The peek file of a run a debugger starts (env.ts): the preload rewrites it at each stop; the
 * runner reads it through its own fd, so a program that replaces the path only hides its own peek.
 */
export function openPeek(workDir: string): { path: string; readFd: number } {
  const path = join(workDir, 'peek');
  closeSync(openSync(path, 'ax', 0o600));
  return { path, readFd: openSync(path, 'r') };
}

/** The whole of what `fd` holds now, up to MAX_JOURNAL_BYTES. */
export function readWhole(fd: number): Buffer {
  return readAll(fd).data;
}

function readAll(fd: number): { data: Buffer; cut: boolean } {
  const size = fstatSync(fd).size;
  const data = Buffer.allocUnsafe(Math.min(size, MAX_JOURNAL_BYTES));
  let read = 0;
  while (read < data.length) {
    const n = readSync(fd, data, read, data.length - read, read);
    if (n === 0) break;
    read += n;
  }
  return { data: data.subarray(0, read), cut: size > MAX_JOURNAL_BYTES };
}

/** The journal in the frames that verify under `key`, and what else the file held, in words. */
export function readJournalFile(fd: number, key: Buffer): { journal: Journal; warnings: string[] } {
  const { data, cut } = readAll(fd);
  const frames = readFrames(data, key);
  const warnings: string[] = [];
  if (frames.foreign > 0) {
    const one = frames.foreign === 1;
    warnings.push(`the program wrote ${frames.foreign} record${one ? '' : 's'} into GradLens's journal that ${one ? 'was' : 'were'} not GradLens's: ignored`);
  }
  if (frames.stopped) warnings.push(`the journal was cut: ${frames.stopped}`);
  if (cut) warnings.push(`the journal is larger than ${MAX_JOURNAL_BYTES} bytes: only its beginning was read`);
  return { journal: readJournal(frames), warnings };
}
