/**
 * The journal: what the traced program (child process) tells the runner (parent), one JSON record
 * per line, appended as authenticated frames (journal-frame.ts) to a file the runner opened. The
 * runner assembles the trace from it, so a program that is killed (timeout) or crashes still leaves
 * everything flushed up to that point.
 *
 * Positions in the journal are "sites": places in the bundled program (generated line and column);
 * the runner maps them back to the user's files through the bundle's source map.
 */
import type {
  Anomaly, BackwardPass, GraphBreak, LeafGrad, NodeId, Recording,
} from '../protocol/trace';
import type { JournalTensor } from './tensor';

export interface RawSite {
  /** The generated file (the bundle) as the stack names it (a path or a file: URL). */
  file: string;
  line: number;
  column: number;
  fn?: string;
}

/** A record with its `source` replaced by a site id (null: no user frame was found). */
export type WithSite<T> = Omit<T, 'source'> & { site: number | null };

// Nodes and steps, the bulk of a trace (one each per op), are not JSON lines: they are the records
// of records.ts in the binary streams of journal-binary.ts. Tensors here travel compactly (tensor.ts).

export type JournalLeafGrad = Omit<LeafGrad, 'grad' | 'after'> & { grad: JournalTensor; after?: JournalTensor };
/** A pass without its steps: they are journaled one by one as they happen (`step` records). */
/** Recordings a summarised pass left out, by the site they began at (`site`: a site record's id). */
export interface JournalOmittedRecordings {
  site: number | null;
  count: number;
}
export type JournalPass = Omit<WithSite<BackwardPass>, 'steps' | 'headGrads' | 'leafGrads' | 'omitted'> & {
  headGrads: JournalTensor[];
  leafGrads: JournalLeafGrad[];
  omitted?: Omit<NonNullable<BackwardPass['omitted']>, 'recordings'> & { recordings: JournalOmittedRecordings[] };
};
export type JournalBreak = WithSite<GraphBreak>;
export type JournalAnomaly = WithSite<Anomaly>;

/** Where an uncaught error pointed, already in original (source-mapped) coordinates. */
export interface MappedPosition {
  file: string;
  line: number;
  column: number;
}

export type JournalRecord =
  | { t: 'start'; engineVersion: string; seed: number; maxElements: number; keep?: { maxTraceMb: number; requested: [number, number][] } }
  /** The end of the run's journal: how many passes were kept whole and summarised (keepPolicy.ts). */
  | { t: 'kept'; kept: number; summarised: number; budgetReachedAt: number | null; spacing?: number }
  /**
   * A pass written whole as one of the evenly spaced ones that a doubled stride leaves out: it is
   * summarised after all — its nodes (`firstNode`…`lastNode`), steps and the recordings it started
   * are left out of the trace (keepPolicy.ts).
   */
  | { t: 'demote'; pass: number; firstNode: number; lastNode: number; nodes: number; steps: number; recordings: number[]; recordingSites: JournalOmittedRecordings[] }
  /** A name used by the binary records (an op name, an attributes JSON text). */
  | { t: 'name'; id: number; text: string }
  | ({ t: 'site'; id: number } & RawSite)
  | { t: 'recordingStart'; id: number; site: number | null; trainMode: boolean }
  | { t: 'recordingEnd'; id: number; outputs: NodeId[] }
  | { t: 'pass'; pass: JournalPass }
  | { t: 'break'; graphBreak: JournalBreak }
  | { t: 'anomaly'; anomaly: JournalAnomaly }
  /** A gluon block the program called, the first time its path is seen: how gluon prints it. */
  | { t: 'layer'; path: string; label: string }
  /**
   * The program's uncaught error. `position`: the first frame of the user's on its stack;
   * `statement`: the statement being run (instrument.ts), for when no such frame is there;
   * `outOfArrayMemory`: it is the engine's memory budget refusing an allocation.
   */
  | { t: 'error'; message: string; stack: string; position: MappedPosition | null; statement?: number | null; outOfArrayMemory?: true }
  /** The process's exit code, as it exits: how a run a debugger started ended (prepare.ts; a signal leaves none). */
  | { t: 'exit'; code: number };

export type { Recording };

/** A record as one line of the journal's text stream. */
export function journalLine(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Parses journal text; a last line cut short by a kill is ignored. */
export function parseJournal(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // Only the final line can be partial (the process died while writing it).
    }
  }
  return records;
}
