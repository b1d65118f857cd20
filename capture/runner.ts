/**
 * Running a user's program in a child Node process, optionally with capture: bundle it, start it
 * with the recorder preloaded, stream its output, stop it at the timeout or on cancellation, and
 * assemble the trace from its journal. Whatever the program does — throw, hang, crash, allocate
 * without end, start processes that outlive it, write into its journal — the caller gets a result
 * and, with capture, a trace, and nothing of the run is left behind (cleanup.ts, processTree.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ENV } from './env';
import { prepareRun, type NodeLaunch } from './prepare';
import type { RunOptions, RunResult } from './runOptions';
import { supervise } from './supervise';

// For hosts that outlive their runs in ways an exit handler does not see (VS Code's deactivate).
export { endAllRuns } from './cleanup';
export { DEFAULT_MAX_TRACE_MB } from '../protocol/trace';
export { defaultMaxMemoryMb, GRADCHECK_DEFAULTS, gradcheckSettings, type RunOptions, type RunResult } from './runOptions';
// A run a debugger starts (extension/debug.ts): prepared here, its process the debugger's, finished here.
export { prepareRun, type JournalAccess, type NodeLaunch, type Prepared, type PreparedRun } from './prepare';

/** Words for a number of pids: `1 process (pid 41)`, `2 processes (pids 41, 42)`. */
function processesInWords(pids: readonly number[]): string {
  return pids.length === 1 ? `1 process (pid ${pids[0]})` : `${pids.length} processes (pids ${pids.join(', ')})`;
}

/** Starts the prepared program, its journal on fd 3 when capturing, in a process group of its own. */
function startProgram(launch: NodeLaunch, stdin: RunOptions['stdin']): ChildProcess {
  return spawn(launch.runtimeExecutable, [...launch.runtimeArgs, launch.program, ...launch.args], {
    cwd: launch.cwd,
    env: { ...process.env, ...launch.env },
    stdio: [stdin ?? 'ignore', 'pipe', 'pipe', ...(launch.journalFd !== null ? [launch.journalFd] : [])],
    // A process group (and session) of its own, so that the whole tree can be ended (processTree.ts).
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
}

export async function runProgram(options: RunOptions): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const prepared = await prepareRun(options, 'inherited');
  if (!prepared.ok) return prepared.result;
  const { run } = prepared;
  try {
    let child: ChildProcess;
    try {
      child = startProgram(run.launch, options.stdin);
    } finally {
      run.started(); // the child holds its own copy of the journal's fd
    }
    const supervision = await supervise(child, `${ENV.runTag}=${run.launch.tag}`, {
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onStdout: (chunk) => { run.stdout(chunk); options.onStdout?.(chunk); },
      onStderr: (chunk) => { run.stderr(chunk); options.onStderr?.(chunk); },
      onMarked: (end) => { run.endProcessesWith(end); },
    });
    if (supervision.spawnError) run.stderr(`${supervision.spawnError.message}\n`);
    if (supervision.leftovers.length > 0) {
      run.warn(`the program exited but left ${processesInWords(supervision.leftovers)} running: GradLens ended ${supervision.leftovers.length === 1 ? 'it' : 'them'}`);
    }
    return run.finish(supervision, timeoutMs);
  } finally {
    run.discard();
  }
}
