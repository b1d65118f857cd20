/**
 * Writing trace files safely: the text is streamed in chunks to `<target>.partial` beside the target
 * (same folder, so the rename is atomic), flushed to disk and renamed into place. A crash or a kill
 * mid-write leaves the previous file as it was, and the `.partial` readable as a truncated trace
 * (readTraceText); no size limit comes from a single string.
 */
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { nodesForFile } from '../protocol/query/lastGradients';
import { TRACE_FIELD_ORDER } from '../protocol/readTrace';
import type { Trace } from '../protocol/trace';
import { inspectorPageAround, type PageOptions } from './html';
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

/** Text to a file descriptor in chunks of about a megabyte, optionally escaped on the way. */
export class ChunkedWriter {
  private pending = '';
  private escape: ((text: string) => string) | null = null;
  /** Bytes written so far. */
  bytes = 0;

  constructor(private readonly fd: number) {}

  readonly write: TextSink = (piece) => {
    this.pending += piece;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  };

  /** Applies `escape` to everything written from now on (null: nothing). */
  escaping(escape: ((text: string) => string) | null): void {
    this.flush();
    this.escape = escape;
  }

  flush(): void {
    if (this.pending === '') return;
    const buffer = Buffer.from(this.escape ? this.escape(this.pending) : this.pending, 'utf8');
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
 * Streams a trace's JSON: `format`, `version`, `run`, then the lists (so a file cut short keeps the run
 * and the first nodes), then any other field. The text parses to the value of `JSON.stringify(trace)`
 * less the nodes' `grad` that are their last step's (validateTrace gives them back).
 *
 * @example
 *   let text = '';
 *   streamTraceJson(trace, (piece) => { text += piece; });
 */
export function streamTraceJson(trace: Trace, out: TextSink): void {
  // A node's gradient is its last step's (or leaf's) tensor: written once, there (readers give it back).
  streamJson({ ...trace, nodes: nodesForFile(trace) }, out, TRACE_FIELD_ORDER);
}

/**
 * Writes a trace to `target` safely (see writeFileAtomically); returns the bytes written.
 *
 * @example
 *   const bytes = writeTraceFile(result.trace, '/home/ana/demo/model.ts.gradlens.json');
 */
export function writeTraceFile(trace: Trace, target: string): number {
  return writeFileAtomically(target, (file) => streamTraceJson(trace, file.write));
}

/** JSON inside `<script>`: no `<` can close the element or open a comment (as html.ts's scriptSafeJson). */
export const scriptSafe = (json: string) => json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * Writes the standalone inspector page (html.ts's inspectorPage) with the trace streamed into it,
 * safely; returns the bytes written.
 *
 * @example
 *   writeInspectorPageFile(trace, 'inspector.html', distDir);
 */
export function writeInspectorPageFile(trace: Trace, target: string, distDir: string, options: PageOptions = {}): number {
  const { head, tail } = inspectorPageAround(trace, distDir, options);
  return writeFileAtomically(target, (file) => {
    file.write(head);
    file.escaping(scriptSafe);
    streamTraceJson(trace, file.write);
    file.escaping(null);
    file.write(tail);
  });
}
