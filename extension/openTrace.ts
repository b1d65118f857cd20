/**
 * Opening a trace file for the extension (Open Trace File…, the panel revived after a reload): a
 * big version-3 file is read as its head and its parts on demand (capture/readTraceFile.ts
 * `openTraceFile`), and the trace the record holds — what the lenses, inline values, the Run and
 * Debug views and Problems read — is the head with the parts of the last graph the run made (its
 * last kept pass, else its last recording): those features show the last iteration's values, and
 * the inspector loads any other part when it opens it. Pure Node: no VS Code.
 *
 *   const opened = openTrace('train.ts.gradlens.json');
 *   if (opened.ok) runs.adopt(opened.trace, path, 'file', opened.fileParts);
 */
import type { Selection } from '../protocol/messages';
import { isKept, type Trace } from '../protocol/trace';
import { missingParts } from '../protocol/traceParts';
import { openTraceFile, type TraceFileParts } from '../capture/readTraceFile';
import { partSizes, withPartsFor } from './partServer';

export type OpenedTrace =
  | {
    ok: true;
    trace: Trace;
    /** Set when the file was opened in parts: the reader of the others. */
    fileParts?: TraceFileParts;
    /** A sentence for the user: the file is not whole in its place, or its last pass could not be read. */
    notice?: string;
  }
  | { ok: false; problems: string[] };

/** The last graph a run made, whose values the editor shows: its last kept pass, else its last recording. */
export function lastGraph(trace: Trace): Selection | null {
  const pass = [...trace.backwardPasses].reverse().find((p) => isKept(p) && !p.error) ?? [...trace.backwardPasses].reverse().find(isKept);
  if (pass) return { kind: 'pass', id: pass.id };
  const recording = trace.recordings[trace.recordings.length - 1];
  return recording ? { kind: 'recording', id: recording.id } : null;
}

/** Opens the trace file at `path` (never throws); a big one in parts, holding its last graph's. */
export function openTrace(path: string): OpenedTrace {
  const opened = openTraceFile(path, { wholeBelow: partSizes.readWholeBelow });
  if (!opened.ok) return opened;
  const { parts: fileParts, ...read } = opened;
  if (!fileParts) return read;
  const last = lastGraph(read.trace);
  const wanted = last && last.kind !== 'training' ? missingParts(read.trace, last) : [];
  const held = withPartsFor({ trace: read.trace, fileParts, tracePath: path }, read.trace, wanted);
  const notice = held.problem !== null ? `the values of its last ${last?.kind === 'pass' ? 'backward pass' : 'recording'} could not be read (${held.problem}); the inspector shows what it can` : read.notice;
  return { ...read, trace: held.trace, fileParts, ...(notice !== undefined ? { notice } : {}) };
}
