/**
 * Reading a trace file in Node (the extension's Open Trace File, tests): readTraceText on the file's
 * text, after checking that the file can be held as one string at all, with the file named in what
 * goes wrong and a `.partial` (left by an interrupted write) said to be one.
 */
import { constants } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readTraceText } from '../protocol/readTrace';
import type { PartData, Trace, TraceTruncation } from '../protocol/trace';
import { decodeSegment, HEAD_END, INDEX_START, isLayout, traceOfHead } from '../protocol/traceLayout';
import { validateTrace } from '../protocol/validate';

/** The largest file read: V8's longest string (≈ 512 MB). UTF-8 has at least one byte per character, so any smaller file fits. */
export const MAX_TRACE_FILE_BYTES = constants.MAX_STRING_LENGTH;

export type TraceFileRead =
  | {
    ok: true;
    trace: Trace;
    /** Set when the file was cut short; also in `trace.truncated`. */
    truncated?: TraceTruncation;
    /** A sentence for the user when the file is not a whole trace in its place (cut short, a `.partial`). */
    notice?: string;
  }
  | { ok: false; problems: string[] };

const PARTIAL = '.partial';

/**
 * Reads the trace in the file at `path`. Never throws.
 *
 * @example
 *   const read = readTraceFile('model.ts.gradlens.json');
 *   if (!read.ok) console.error(read.problems.join('; '));
 *   else if (read.notice) console.warn(read.notice);
 */
export function readTraceFile(path: string): TraceFileRead {
  let size = 0;
  let text: string;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { ok: false, problems: [`${path} is a folder, not a trace file`] };
    size = stat.size;
    if (size > MAX_TRACE_FILE_BYTES) return { ok: false, problems: [tooLarge(size)] };
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problems: [`no such file: ${path}`] };
    // The file grew past the limit between the check and the read.
    if (code === 'ERR_STRING_TOO_LONG') return { ok: false, problems: [tooLarge(Math.max(size, MAX_TRACE_FILE_BYTES + 1))] };
    return { ok: false, problems: [`${path} cannot be read: ${code ?? (error instanceof Error ? error.message : String(error))}`] };
  }
  const read = readTraceText(text, { bytes: size });
  if (!read.ok) return read;
  const name = basename(path);
  const partial = name.endsWith(PARTIAL) && name.length > PARTIAL.length;
  const target = name.slice(0, -PARTIAL.length);
  if (read.truncated && partial) {
    const note = read.truncated.note;
    read.truncated.note = `this is the partial trace of an interrupted write; ${note}`;
    return { ...read, notice: `${name} is the partial trace of an interrupted write of ${target}: ${note}` };
  }
  if (read.truncated) return { ...read, notice: `${name} was cut short: ${read.truncated.note}` };
  if (partial) return { ...read, notice: `${name} is the trace of an interrupted write of ${target}: complete, but never moved into place` };
  return read;
}

function tooLarge(bytes: number): string {
  return `this trace is ${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MB, more than GradLens can read in one piece (≈ 512 MB)`;
}

/** Files up to this size are read whole; above, a version-3 file is read as its head and its parts on demand. */
export const READ_WHOLE_BYTES = 32 * 2 ** 20;
/** The longest head or index line read (a head holds every pass's summary: 10,000 passes take a few MB). */
const MAX_LINE_BYTES = 256 * 2 ** 20;
const CHUNK_BYTES = 1 << 20;

/** Reads parts of a trace file opened by openTraceFile: their segments, decoded, not yet checked (checkPartData does). */
export interface TraceFileParts {
  /** The file's parts (its segments), in the order asked. */
  read(parts: readonly number[]): { ok: true; parts: PartData[] } | { ok: false; problem: string };
}

export type TraceFileOpen = (TraceFileRead & { ok: true; parts?: TraceFileParts }) | { ok: false; problems: string[] };

/**
 * Opens a trace file: a small one, a version-1 or -2 one, or one cut short, is read whole
 * (readTraceFile); a big version-3 one as its head (the run, every pass's summary: `trace.parts`
 * says no part is loaded) and `parts`, which reads a part's segment from the file when asked —
 * a 1 GB trace opens as fast as its head. Never throws.
 *
 * @example
 *   const opened = openTraceFile('train.ts.gradlens.json');
 *   if (opened.ok && opened.parts) {
 *     const read = opened.parts.read(missingParts(opened.trace, { kind: 'pass', id: 3 }));
 *   }
 */
export function openTraceFile(path: string, options: { wholeBelow?: number } = {}): TraceFileOpen {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory() || stat.size <= (options.wholeBelow ?? READ_WHOLE_BYTES)) return readTraceFile(path);
    size = stat.size;
  } catch {
    return readTraceFile(path); // says what is wrong
  }
  const layout = readLayout(path, size);
  if (!layout) return readTraceFile(path);
  const checked = validateTrace(traceOfHead(layout.head));
  if (!checked.ok) return checked;
  const structures = Array.isArray(layout.head.structures) ? layout.head.structures as unknown[] : [];
  const { index, mtimeMs } = layout;
  return {
    ok: true,
    trace: checked.trace,
    parts: {
      read(parts) {
        try {
          if (statSync(path).mtimeMs !== mtimeMs) return { ok: false, problem: `${basename(path)} changed since it was opened: open it again` };
          const fd = openSync(path, 'r');
          try {
            const out: PartData[] = [];
            for (const part of parts) {
              const at = index[part];
              if (!at) return { ok: false, problem: `the trace has no part ${part}` };
              const buffer = Buffer.alloc(at[1]);
              readFully(fd, buffer, at[0]);
              const decoded = decodeSegment(JSON.parse(buffer.toString('utf8')), structures);
              if (!decoded.ok) return { ok: false, problem: decoded.problem };
              if (decoded.value.part !== part) return { ok: false, problem: `the segment at part ${part}'s place in the file is part ${decoded.value.part}'s` };
              out.push(decoded.value);
            }
            return { ok: true, parts: out };
          } finally {
            closeSync(fd);
          }
        } catch (error) {
          return { ok: false, problem: `${basename(path)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error))}` };
        }
      },
    },
  };
}

function readFully(fd: number, buffer: Buffer, position: number): void {
  for (let done = 0; done < buffer.length;) {
    const read = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (read === 0) throw new Error('the file ends before the part');
    done += read;
  }
}

/** The head and the segments' offsets of a whole version-3 file, or null (another version, cut short, malformed). */
function readLayout(path: string, size: number): { head: Record<string, unknown>; index: [number, number][]; mtimeMs: number } | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const mtimeMs = fstatSync(fd).mtimeMs;
    // The first line: the head, ending with the opening of the segments.
    const chunks: Buffer[] = [];
    let headBytes = -1;
    for (let offset = 0; headBytes < 0 && offset < Math.min(size, MAX_LINE_BYTES); offset += CHUNK_BYTES) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, size - offset));
      readFully(fd, chunk, offset);
      const newline = chunk.indexOf(0x0a);
      chunks.push(newline >= 0 ? chunk.subarray(0, newline) : chunk);
      if (newline >= 0) headBytes = offset + newline;
    }
    if (headBytes < 0) return null;
    let headLine = Buffer.concat(chunks).toString('utf8');
    if (headLine.charCodeAt(0) === 0xfeff) headLine = headLine.slice(1);
    if (!headLine.endsWith(HEAD_END)) return null;
    const head = JSON.parse(`${headLine.slice(0, -HEAD_END.length)}}`) as unknown;
    if (typeof head !== 'object' || head === null || Array.isArray(head) || !isLayout(head as Record<string, unknown>)) return null;
    // The last line: the offsets.
    let tail = '';
    for (let back = Math.min(size, CHUNK_BYTES); ; back = Math.min(size, back * 4)) {
      const buffer = Buffer.alloc(back);
      readFully(fd, buffer, size - back);
      const text = buffer.toString('utf8').replace(/\n$/, '');
      const newline = text.lastIndexOf('\n');
      if (newline >= 0) { tail = text.slice(newline + 1); break; }
      if (back >= size || back >= MAX_LINE_BYTES) return null;
    }
    if (!tail.startsWith(INDEX_START) || !tail.endsWith('}')) return null;
    const index = JSON.parse(tail.slice(INDEX_START.length, -1)) as unknown;
    const parts = (head as Record<string, unknown>).parts;
    const valid = Array.isArray(index) && Array.isArray(parts) && index.length === parts.length
      && index.every((entry) => Array.isArray(entry) && entry.length === 2 && entry.every((n) => Number.isSafeInteger(n) && n >= 0) && entry[0] + entry[1] <= size);
    return valid ? { head: head as Record<string, unknown>, index: index as [number, number][], mtimeMs } : null;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
