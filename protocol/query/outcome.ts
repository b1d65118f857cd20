/**
 * How a run ended, in words, for the inspector's run panel and summary, the CLI and VS Code: "timed out after 30 s",
 * "cancelled", "killed by SIGSEGV", "out of memory for arrays (budget 512 MB)". From `run.outcome`
 * when the trace has it, else from the older fields (exit code, signal, timedOut).
 */
import { visible } from '../display';
import type { RunInfo, RunOutcome } from '../trace';

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toPrecision(2))} s`;
}

const NOT_STARTED: Record<Extract<RunOutcome, { kind: 'did-not-start' }>['reason'], string> = {
  'not-found': 'did not start: the file was not found',
  build: 'did not start: it could not be built (a syntax or import error)',
  refused: 'did not start: GradLens refused to run it',
  spawn: 'did not start: its process could not be started',
};

const CANCELLED_BY: Record<Extract<RunOutcome, { kind: 'cancelled' }>['by'], string> = {
  user: 'cancelled',
  SIGINT: 'cancelled (SIGINT, Ctrl+C)',
  SIGTERM: 'cancelled (SIGTERM)',
  SIGHUP: 'cancelled (SIGHUP: its terminal closed)',
};

export function describeOutcome(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'exited': return outcome.code === 0 ? 'exited normally' : `exited with code ${outcome.code}`;
    case 'timed-out': return `timed out after ${seconds(outcome.afterMs)}`;
    case 'cancelled': return CANCELLED_BY[outcome.by] ?? 'cancelled';
    case 'killed': return `killed by ${visible(outcome.signal, { limit: 24 })}`;
    case 'out-of-memory': return outcome.what === 'arrays'
      ? `out of memory for arrays (budget ${outcome.limitMb} MB)`
      : `out of memory (JavaScript heap, ${outcome.limitMb} MB)`;
    case 'did-not-start': return NOT_STARTED[outcome.reason] ?? 'did not start';
  }
}

/** How the run ended, in words, whatever version of GradLens wrote the trace. */
export function describeRunEnd(run: RunInfo): string {
  if (run.paused) {
    const at = run.paused.source;
    return `paused${at ? ` at ${visible(at.file.split(/[\\/]/).pop() ?? '', { limit: 80 })}:${at.line}` : ''} in the debugger: the graph so far`;
  }
  if (run.outcome) return describeOutcome(run.outcome);
  if (run.timedOut) return 'timed out';
  if (run.signal) return `killed by ${visible(run.signal, { limit: 24 })}`;
  if (run.exitCode === null) return 'ended without an exit code';
  return run.exitCode === 0 ? 'exited normally' : `exited with code ${run.exitCode}`;
}

/** Whether the run ended as a program should: on its own, with exit code 0, no uncaught error. */
export function endedWell(run: RunInfo): boolean {
  if (run.error) return false;
  if (run.paused) return true; // not ended, and nothing went wrong so far
  if (run.outcome) return run.outcome.kind === 'exited' && run.outcome.code === 0;
  return !run.timedOut && !run.signal && run.exitCode === 0;
}

/** A duration for a person: 850 ms, 2.3 s, 4 min 10 s. */
export function describeDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return seconds(ms);
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
