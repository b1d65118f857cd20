/**
 * What a run is asked for and what it gives back, for both ways a program runs: started and
 * watched by the runner (runner.ts runProgram), or started by a debugger (prepare.ts).
 */
import { totalmem } from 'node:os';
import type { RunError, RunOutcome, Trace } from '../protocol/trace';
import type { BuildProblem } from './bundle';
import type { GradcheckSettings } from './recorder';

export interface RunOptions {
  /** The program (TypeScript or JavaScript). */
  file: string;
  args?: readonly string[];
  /** Record a trace (`gradlens trace`) or just run (`gradlens run`). */
  capture: boolean;
  /** Where engine.js and capture-child.js are (the build's dist/ folder). */
  distDir: string;
  cwd?: string;
  maxElements?: number;
  /**
   * Check every backward pass numerically before it runs (its recorded graph replayed with each
   * variable moved by ±eps): `true` for the defaults, or some of the settings.
   */
  gradcheck?: boolean | Partial<GradcheckSettings>;
  /** A run a debugger starts (prepareRun 'path'): the first op that produces NaN or ±∞ pauses the program. */
  breakOnNaN?: boolean;
  /** Backward passes to keep whole, by id, as ranges [first, last] (`--keep 17,40-42`). */
  keep?: readonly [number, number][];
  /** The size budget of the trace in MB (default 64, at most MAX_TRACE_MB): past it, passes are only summarised. */
  maxTraceMb?: number;
  /** Milliseconds before the program is stopped (default 30 000; 0 or Infinity: never). */
  timeoutMs?: number;
  seed?: number;
  /** Heap limit of the program in MB (default 4096). */
  memoryMb?: number;
  /**
   * The budget of the program's arrays in MB (engine memory.ts; V8's heap limit does not count
   * them), measured as all the ArrayBuffers of its process: past it an allocation throws at the
   * user's line (default: half the machine's memory, at most 8192).
   */
  maxMemoryMb?: number;
  /** The sentence after the memory budget's error that says how to raise it (default: the CLI's flag). */
  memoryAdvice?: string;
  /** Bytes of stdout and of stderr kept in the trace (default 1 MB each). */
  maxOutputBytes?: number;
  /** Called with the program's output as it arrives. */
  onStdout?(chunk: string): void;
  onStderr?(chunk: string): void;
  /** What the program reads as stdin (default: nothing). */
  stdin?: 'inherit' | 'ignore';
  /**
   * Cancels the run: the program and everything it started are ended. Abort it with the name of a
   * signal the caller received (`controller.abort('SIGTERM')`) to have the outcome say so.
   */
  signal?: AbortSignal;
  /** The Node.js that runs the program (default: the one running this code, as Node even inside Electron). */
  nodePath?: string;
  /**
   * Called with the program's own files (absolute paths, the entry among them) once it is bundled
   * and before it starts: a message refuses the run (the caller is about to write one of them).
   */
  checkInputs?(inputs: readonly string[]): string | null;
}

/** The defaults of a run's gradient checks: float64 central differences, at most 32 elements per variable. */
export const GRADCHECK_DEFAULTS: GradcheckSettings = { eps: 1e-6, atol: 1e-5, rtol: 1e-3, elements: 32 };

export function gradcheckSettings(given: true | Partial<GradcheckSettings>): GradcheckSettings {
  return given === true ? { ...GRADCHECK_DEFAULTS } : { ...GRADCHECK_DEFAULTS, ...given };
}

export interface RunResult {
  /** How the run ended (also `trace.run.outcome`). */
  outcome: RunOutcome;
  /** The program's exit code (124 after the timeout), null when a signal ended it. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Syntax or import errors: the program never started. */
  buildProblems?: BuildProblem[];
  /** Why `checkInputs` refused the run: the program never started. */
  refused?: string;
  /** What went wrong, in words, when something did (thrown error, build error, crash, timeout). */
  error?: RunError;
  /** What GradLens noticed besides the program's outcome (processes left running, writes into the journal); also `trace.run.warnings`. */
  warnings: string[];
  /** With `capture`: the trace, also written for failed runs. */
  trace?: Trace;
}

/** The default budget of array bytes: half the machine's memory, at most 8 GB. */
export function defaultMaxMemoryMb(): number {
  return Math.min(8192, Math.floor(totalmem() / 2 / 2 ** 20));
}
