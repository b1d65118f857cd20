/**
 * A big trace served to the inspector in parts (protocol/traceParts.ts): the snapshot — a trace
 * opened in parts as it is held, a big trace of a run here as its head, any other whole — with the
 * parts the first graph needs already in, and the answers to the inspector's `parts/load`, read
 * from the run's trace in memory or from the file the trace was opened from. The server remembers
 * what the inspector holds, so that the host finds the nodes it names (a line to reveal, a text to
 * open) in the parts it loaded. Pure Node: no VS Code (test/unit/extension-parts.test.ts).
 *
 *   const server = PartServer.forSnapshot(record, { selection: { kind: 'pass', id: 3 } });
 *   post({ type: 'trace/snapshot', trace: server.held, … });
 *   const answer = server.load([0, 4]); // a parts/data or parts/failed to post, or why it is ignored
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { HostToWebview, Selection } from '../protocol/messages';
import type { PartData, Trace } from '../protocol/trace';
import { missingParts, partOfNode, partsBytes, SEND_WHOLE_BELOW_BYTES, splitTrace, withNeeds, withParts } from '../protocol/traceParts';
import { checkPartData } from '../protocol/validateParts';
import { READ_WHOLE_BYTES, type TraceFileParts } from '../capture/readTraceFile';

/**
 * The sizes above which traces go in parts: a file read as its head (READ_WHOLE_BYTES), a run's
 * trace sent as its head (SEND_WHOLE_BELOW_BYTES). Not settings: the extension tests lower them
 * (through the extension's API) to see small traces go in parts.
 */
export const partSizes = { readWholeBelow: READ_WHOLE_BYTES, sendWholeBelow: SEND_WHOLE_BELOW_BYTES };

/** What a record holds that parts are served from (RunRecord has these). */
export interface PartSource {
  trace: Trace;
  /** The reader of the file `trace` was opened from in parts; absent for a trace held whole. */
  fileParts?: TraceFileParts;
  /** The file it was read from (to say that it was removed). */
  tracePath: string | null;
}

/** What the inspector is to show first (the host's wish that goes with the snapshot). */
export interface FirstView {
  selection?: Selection;
  focusNode?: number;
}

export type PartsRead = { ok: true; parts: PartData[] } | { ok: false; problem: string };

/** The answer to a `parts/load`: a message to post, or why the request is ignored (for the log). */
export type LoadAnswer =
  | { kind: 'reply'; message: Extract<HostToWebview, { type: 'parts/data' | 'parts/failed' }> }
  | { kind: 'ignored'; why: string };

/** Reads parts of a record's trace: from the file it was opened from, or from its split in memory. */
export function readParts(source: PartSource, indices: readonly number[]): PartsRead {
  if (source.fileParts) {
    const read = source.fileParts.read(indices);
    if (read.ok) return read;
    // The reader names the error code of a file that is gone: say it in words.
    const gone = source.tracePath !== null && !existsSync(source.tracePath);
    return { ok: false, problem: gone ? `${basename(source.tracePath!)} was removed since it was opened: open it again` : read.problem };
  }
  // Parts come from a whole trace's split; a trace held in parts without its file has none to give.
  if (source.trace.parts) return { ok: false, problem: 'the parts of this trace are not held any more: open its file again' };
  const { parts } = splitTrace(source.trace);
  const out: PartData[] = [];
  for (const index of indices) {
    const part = parts[index];
    if (!part) return { ok: false, problem: `the trace has no part ${index}` };
    out.push(part);
  }
  return { ok: true, parts: out };
}

/**
 * Adds to `trace` the parts `read` from `source` that it lacks, checked first when they come from a
 * file (a part read in memory comes from a trace checked whole). Returns the new trace, or the problem.
 */
export function addParts(source: PartSource, trace: Trace, read: readonly PartData[]): { ok: true; trace: Trace } | { ok: false; problem: string } {
  const loaded = trace.parts?.loaded;
  if (!loaded) return { ok: true, trace };
  const fresh = read.filter((part) => loaded[part.part] === false);
  if (fresh.length === 0) return { ok: true, trace };
  const checked = source.fileParts ? checkPartData(trace, fresh) : { ok: true as const, parts: fresh };
  if (!checked.ok) return { ok: false, problem: `${source.tracePath ? basename(source.tracePath) : 'the trace file'} has malformed parts: ${checked.problems.slice(0, 3).join('; ')}` };
  return { ok: true, trace: withParts(trace, checked.parts) };
}

/** `trace` with the parts `wanted` and what they need; as it was when they cannot be read. */
export function withPartsFor(source: PartSource, trace: Trace, wanted: readonly number[]): { trace: Trace; problem: string | null } {
  const parts = trace.parts;
  const missing = parts ? withNeeds(parts, wanted).filter((i) => !parts.loaded[i]) : [];
  if (missing.length === 0) return { trace, problem: null };
  const read = readParts(source, missing);
  const added = read.ok ? addParts(source, trace, read.parts) : read;
  return added.ok ? { trace: added.trace, problem: null } : { trace, problem: added.problem };
}

/** The parts the inspector needs to open on `view` at once: the selection's graph, the focused node's part. */
function firstParts(trace: Trace, view: FirstView): number[] {
  if (!trace.parts) return [];
  const wanted: number[] = [];
  const selection = view.selection;
  if (selection && selection.kind !== 'training') wanted.push(...missingParts(trace, selection));
  if (view.focusNode !== undefined && Number.isSafeInteger(view.focusNode) && view.focusNode >= 0) wanted.push(partOfNode(trace.parts.list, view.focusNode));
  return wanted;
}

/** One snapshot of a record sent to the inspector, and the parts it loaded since. */
export class PartServer {
  private constructor(
    private readonly source: PartSource,
    private holds: Trace,
    /** How many parts the trace sent has (0: it was sent whole). */
    readonly partCount: number,
  ) {}

  /**
   * The server of a snapshot of `source`: a trace in parts as it is held, a trace of a run whose
   * parts take more than `partSizes.sendWholeBelow` as its head, each with the parts `view` needs;
   * any other whole, as before there were parts.
   */
  static forSnapshot(source: PartSource, view: FirstView = {}): PartServer {
    const trace = source.trace;
    const base = trace.parts ? trace : partsBytes(trace) > partSizes.sendWholeBelow ? splitTrace(trace).head : trace;
    // A part that cannot be read now is asked for by the inspector, which then says why.
    const first = withPartsFor(source, base, firstParts(base, view)).trace;
    return new PartServer(source, first, base.parts?.list.length ?? 0);
  }

  /** The trace as the inspector holds it: the snapshot, with the parts served since. */
  get held(): Trace {
    return this.holds;
  }

  /**
   * Answers the inspector's `parts/load` (indices into the table of the trace sent): the parts, or
   * why they cannot be given. A part the host counts as sent already is sent again (the inspector
   * knows what it lacks); a request for a part the trace sent does not have is ignored.
   */
  load(indices: readonly number[]): LoadAnswer {
    if (this.partCount === 0) return { kind: 'ignored', why: 'the trace shown is whole: it has no parts' };
    const wrong = indices.find((i) => i >= this.partCount);
    if (wrong !== undefined) return { kind: 'ignored', why: `the trace shown has ${this.partCount} parts: there is no part ${wrong}` };
    const failed = (problem: string): LoadAnswer => ({ kind: 'reply', message: { type: 'parts/failed', parts: [...indices], problem } });
    const read = readParts(this.source, indices);
    if (!read.ok) return failed(read.problem);
    const added = addParts(this.source, this.holds, read.parts);
    if (!added.ok) return failed(added.problem);
    this.holds = added.trace;
    return { kind: 'reply', message: { type: 'parts/data', parts: read.parts } };
  }
}
