/**
 * How a run ended, in the trace's terms (RunOutcome) and in words, and the exit status the
 * `gradlens` command passes on for it.
 */
import { constants } from 'node:os';
import type { RunError, RunOutcome } from '../protocol/trace';
import type { Supervision } from './supervise';

/** What a signal does, where it says more than its name. */
const SIGNAL_WORDS: Record<string, string> = {
  SIGSEGV: 'it crashed (segmentation fault)',
  SIGBUS: 'it crashed (bus error)',
  SIGILL: 'it crashed (illegal instruction)',
  SIGFPE: 'it crashed (arithmetic error)',
  SIGABRT: 'it aborted',
  SIGKILL: 'something outside GradLens killed it (the system does so when memory runs out)',
  SIGTERM: 'something outside GradLens asked it to stop',
};

/** The number of a signal (0 when this platform does not know it). */
export function signalNumber(name: string): number {
  return (constants.signals as Record<string, number | undefined>)[name] ?? 0;
}

/** `SIGSEGV (11)`. */
export function signalName(name: string): string {
  const number = signalNumber(name);
  return number > 0 ? `${name} (${number})` : name;
}

export function processError(message: string): RunError {
  return { message, stack: '', source: null, origin: 'process' };
}

export interface Ending {
  supervision: Supervision;
  timeoutMs: number;
  /** The V8 heap limit and the budget of arrays, in MB. */
  heapMb: number;
  arraysMb: number;
  /** The program's stderr (V8 reports a full heap there) and whether its journaled error was the budget's. */
  stderr: string;
  outOfArrayMemory: boolean;
}

/** The outcome of a program that started, and the error to report when the program's own does not say it. */
export function outcomeOf({ supervision, timeoutMs, heapMb, arraysMb, stderr, outOfArrayMemory }: Ending): { outcome: RunOutcome; error?: RunError } {
  const { code, signal, spawnError, timedOut, cancelledBy } = supervision;
  if (spawnError) {
    return { outcome: { kind: 'did-not-start', reason: 'spawn' }, error: processError(`the program could not be started: ${spawnError.message}`) };
  }
  if (timedOut) {
    return { outcome: { kind: 'timed-out', afterMs: timeoutMs }, error: processError(`the program ran longer than the ${timeoutMs / 1000} s timeout and was stopped`) };
  }
  if (cancelledBy) {
    const why = cancelledBy === 'user' ? 'the run was cancelled' : `the run was cancelled (gradlens received ${signalName(cancelledBy)})`;
    return { outcome: { kind: 'cancelled', by: cancelledBy }, error: processError(`${why} and the program was stopped`) };
  }
  if (outOfArrayMemory) return { outcome: { kind: 'out-of-memory', what: 'arrays', limitMb: arraysMb } };
  // V8 aborts the process when the heap is full; the text alone could be the program's own output.
  if ((signal !== null || code === 134) && /JavaScript heap out of memory|Reached heap limit/.test(stderr)) {
    return { outcome: { kind: 'out-of-memory', what: 'heap', limitMb: heapMb }, error: processError(`the program ran out of memory (its heap is limited to ${heapMb} MB) and was stopped`) };
  }
  if (signal !== null) {
    const words = SIGNAL_WORDS[signal];
    return { outcome: { kind: 'killed', signal }, error: processError(`the program was killed by ${signalName(signal)}${words ? `: ${words}` : ''}`) };
  }
  return { outcome: { kind: 'exited', code: code ?? 0 } };
}

const DID_NOT_START_STATUS = { 'not-found': 2, build: 1, refused: 2, spawn: 127 } as const;

/**
 * The exit status of `gradlens` for a run: the program's own code; 124 for the timeout; 128 + N
 * for signal N (to the program, as a shell reports it, or to gradlens itself, when it cancelled).
 */
export function exitStatus(outcome: RunOutcome, programCode: number | null): number {
  switch (outcome.kind) {
    case 'exited': return outcome.code;
    case 'timed-out': return 124;
    case 'cancelled': return 128 + signalNumber(outcome.by === 'user' ? 'SIGINT' : outcome.by);
    case 'killed': return 128 + signalNumber(outcome.signal);
    case 'out-of-memory': return programCode ?? 128 + signalNumber('SIGABRT');
    case 'did-not-start': return DID_NOT_START_STATUS[outcome.reason];
  }
}
