/**
 * Writing trace files safely: the text is streamed in chunks to `<target>.partial` beside the target
 * (same folder, so the rename is atomic), flushed to disk and renamed into place. A crash or a kill
 * mid-write leaves the previous file as it was, and the `.partial` readable as a truncated trace
 * (readTraceText); no size limit comes from a single string.
 */
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Trace } from '../protocol/trace';
import { fileLayout, HEAD_END, HEAD_FIELD_ORDER, INDEX_START, SEGMENT_FIELD_ORDER, type FileHead } from '../protocol/traceLayout';
import { inspectorPageAround, pageScripts, type PageOptions } from './html';
import { streamJson, type TextSink } from './jsonStream';

/** Characters gathered before each write to the file. */
const CHUNK_CHARS = 1 << 20;

/** Why a file could not be written; the file that was there (if any) is left as it was. */
export class TraceFileError extends Error {
  constructor(readonly path: string, readonly code: string | undefined, readonly reason: string) {
    super(`cannot write ${path}: ${reason}`);
    this.name = 'TraceFileError';
  }
}

/** Text to a file descriptor in chunks of about a megabyte. */
export class ChunkedWriter {
  private pending = '';
  /** Bytes written so far. */
  bytes = 0;

  constructor(private readonly fd: number) {}

  readonly write: TextSink = (piece) => {
    this.pending += piece;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  };

  /** Bytes written so far, counting what is gathered but not yet written. */
  position(): number {
    return this.bytes + Buffer.byteLength(this.pending, 'utf8');
  }

  flush(): void {
    if (this.pending === '') return;
    const buffer = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    for (let offset = 0; offset < buffer.length;) offset += writeSync(this.fd, buffer, offset, buffer.length - offset);
    this.bytes += buffer.length;
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'its folder does not exist (any more)',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'part of its path is not a folder',
  EFBIG: 'the file is larger than this file system allows',
  EIO: 'an input/output error of the disk',
};

function failure(path: string, error: unknown): TraceFileError {
  if (error instanceof TraceFileError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = code !== undefined ? REASONS[code] : undefined;
  const where = (error as NodeJS.ErrnoException | undefined)?.path;
  const reason = known !== undefined ? `${known} (${code}${where && where !== path ? `, at ${where}` : ''})` : error instanceof Error ? error.message : String(error);
  return new TraceFileError(path, code, reason);
}

/**
 * Writes a file through `<target>.partial`: `produce` streams the text, then the file is flushed to
 * disk and renamed onto the target (through a symbolic link, onto the file it names, keeping its
 * permissions). On any error the partial file is removed and a TraceFileError thrown. Returns the bytes.
 *
 * @example
 *   writeFileAtomically('out.txt', (file) => { file.write('hello'); }) // 5
 */
export function writeFileAtomically(target: string, produce: (file: ChunkedWriter) => void): number {
  let existing: { path: string; mode: number; folder: boolean } | null = null;
  try {
    const path = realpathSync(target);
    const stat = statSync(path);
    existing = { path, mode: stat.mode & 0o7777, folder: stat.isDirectory() };
  } catch { /* nothing there yet */ }
  if (existing?.folder) throw new TraceFileError(target, 'EISDIR', 'it is a folder');
  // A read-only file says "keep me", as writing onto it in place used to.
  if (existing) {
    try { accessSync(existing.path, constants.W_OK); } catch (error) { throw failure(target, error); }
  }
  const destination = existing?.path ?? target;
  const partial = `${destination}.partial`;
  let fd: number | null = null;
  try {
    fd = openSync(partial, 'w');
    if (existing) fchmodSync(fd, existing.mode);
    const file = new ChunkedWriter(fd);
    produce(file);
    file.flush();
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(partial, destination);
    syncFolder(dirname(destination));
    return file.bytes;
  } catch (error) {
    if (fd !== null) { try { closeSync(fd); } catch { /* already failing */ } }
    try { unlinkSync(partial); } catch { /* never created, or a folder in the way */ }
    throw failure(target, error);
  }
}

/** Makes the rename itself durable (POSIX; Windows cannot open a folder for this). */
function syncFolder(folder: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = openSync(folder, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* the rename is done; durability is best effort */ }
}

/**
 * Streams a trace file's text (version 3, protocol/traceLayout.ts): the head on the first line —
 * `format`, `version`, `run`, the lists, then the part table and structures — then one line per
 * segment, then the segments' byte offsets. `position` gives the bytes written so far (for the
 * offsets; without it they are counted from the text). The document parses, through readTraceText,
 * to the trace.
 *
 * @example
 *   let text = '';
 *   streamTraceJson(trace, (piece) => { text += piece; });
 */
export function streamTraceJson(trace: Trace, out: TextSink, position?: () => number): void {
  let written = 0;
  const sink: TextSink = position ? out : (piece) => { written += Buffer.byteLength(piece, 'utf8'); out(piece); };
  const at = position ?? (() => written);
  const { head, segments } = fileLayout(trace);
  streamHead(head, sink);
  const index: [number, number][] = [];
  segments.forEach((segment, i) => {
    if (i > 0) sink(',');
    const start = at();
    streamJson(segment, sink, SEGMENT_FIELD_ORDER);
    index.push([start, at() - start]);
    sink('\n');
  });
  sink(`${INDEX_START}${JSON.stringify(index)}}\n`);
}


/** The head's JSON, its closing brace replaced by the opening of the segments (traceLayout.ts's HEAD_END) and a newline. */
function streamHead(head: FileHead, out: TextSink): void {
  let last: string | null = null;
  streamJson(head, (piece) => {
    if (last !== null) out(last);
    last = piece;
  }, HEAD_FIELD_ORDER);
  if (last === null || !(last as string).endsWith('}')) throw new Error('a trace head is a JSON object');
  const closing = last as string;
  out(closing.slice(0, -1));
  out(`${HEAD_END}\n`);
}

/**
 * Writes a trace to `target` safely (see writeFileAtomically); returns the bytes written.
 *
 * @example
 *   const bytes = writeTraceFile(result.trace, '/home/ana/demo/model.ts.gradlens.json');
 */
export function writeTraceFile(trace: Trace, target: string): number {
  return writeFileAtomically(target, (file) => streamTraceJson(trace, file.write, () => file.position()));
}

/**
 * Writes the standalone inspector page (html.ts's inspectorPage) with the trace streamed into it,
 * safely; returns the bytes written.
 *
 * @example
 *   writeInspectorPageFile(trace, 'inspector.html', distDir);
 */
export function writeInspectorPageFile(trace: Trace, target: string, distDir: string, options: PageOptions = {}): number {
  const { start, middle, end } = inspectorPageAround(trace, distDir, options);
  const scripts = pageScripts(trace);
  return writeFileAtomically(target, (file) => {
    file.write(start);
    scripts.head(file.write);
    file.write(middle);
    scripts.parts(file.write);
    file.write(end);
  });
}
