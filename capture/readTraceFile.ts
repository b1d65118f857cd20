/**
 * Reading a trace file in Node (the extension's Open Trace File, tests): readTraceText on the file's
 * text, after checking that the file can be held as one string at all, with the file named in what
 * goes wrong and a `.partial` (left by an interrupted write) said to be one.
 */
import { constants } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readTraceText } from '../protocol/readTrace';
import type { Trace, TraceTruncation } from '../protocol/trace';

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
