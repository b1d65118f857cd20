/**
 * Watching the program's process until it ends: its output, the timeout, cancellation, and what it
 * left behind. The run is over when the program's own process has exited — not when its output
 * pipes close (a process it started may hold them open forever): they get a short grace to drain,
 * then whatever of the run is still running is ended and the pipes are let go.
 */
import type { ChildProcess } from 'node:child_process';
import { endLeftovers, endRun, markRun, type RunMarks } from './processTree';

/** How long output may still arrive after the program exited (a descendant may hold the pipes). */
export const PIPE_GRACE_MS = 250;

/** Who cancelled: the user (an AbortSignal), or a signal to the CLI (its name as the abort reason). */
export type CancelledBy = 'user' | 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface Supervision {
  /** The program's exit code, or the signal that ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  spawnError?: Error;
  /** The program itself was still running when the timeout came (and was stopped). */
  timedOut: boolean;
  cancelledBy: CancelledBy | null;
  /** Processes of the run still running after the program exited on its own: GradLens ended them. */
  leftovers: number[];
}

export interface SuperviseOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onStdout(chunk: string): void;
  onStderr(chunk: string): void;
  /** Called as soon as the run's processes can be ended by `end()` (see runner.ts: exit handlers). */
  onMarked?(end: () => void): void;
}

const CLI_SIGNALS: readonly string[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Who cancelled, from the abort reason (see RunOptions.signal). */
export function cancelledBy(signal: AbortSignal | undefined): CancelledBy {
  const reason: unknown = signal?.reason;
  return typeof reason === 'string' && CLI_SIGNALS.includes(reason) ? reason as CancelledBy : 'user';
}

function closed(stream: NodeJS.ReadableStream & { closed?: boolean }): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((done) => { stream.once('close', () => done()); });
}

/** Waits for `child` (spawned with stdout and stderr piped) and everything it started to end. */
export async function supervise(child: ChildProcess, tag: string, options: SuperviseOptions): Promise<Supervision> {
  const stdout = child.stdout!;
  const stderr = child.stderr!;
  stdout.setEncoding('utf8');
  stderr.setEncoding('utf8');
  stdout.on('data', options.onStdout);
  stderr.on('data', options.onStderr);

  const marks: RunMarks | null = child.pid !== undefined ? markRun(child.pid, tag) : null;
  const end = () => (marks ? endRun(marks) : []);
  options.onMarked?.(end);
  const running = () => child.exitCode === null && child.signalCode === null;
  let timedOut = false;
  let cancelled: CancelledBy | null = null;

  const exited = new Promise<Pick<Supervision, 'code' | 'signal' | 'spawnError'>>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
    // Every 'error' is listened to (an unheard one would throw); only one without a pid means no start.
    child.on('error', (error) => { if (child.pid === undefined) done({ code: null, signal: null, spawnError: error }); });
  });
  const timer = Number.isFinite(options.timeoutMs) && options.timeoutMs > 0
    ? setTimeout(() => { if (running()) { timedOut = true; end(); } }, options.timeoutMs)
    : null;
  const onAbort = () => { if (running()) { cancelled = cancelledBy(options.signal); end(); } };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);

  const ended = await exited;
  if (timer) clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);

  let grace: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all([closed(stdout), closed(stderr)]),
    new Promise((done) => { grace = setTimeout(done, PIPE_GRACE_MS); }),
  ]);
  clearTimeout(grace);
  // Also after a stop: a process may have started between the stop's rounds and the exit.
  const remaining = marks ? endLeftovers(marks) : [];
  stdout.destroy();
  stderr.destroy();
  const stopped = timedOut || cancelled !== null;
  return { ...ended, timedOut, cancelledBy: cancelled, leftovers: stopped ? [] : remaining };
}
