/**
 * Running a user's program in a child Node process, optionally with capture: bundle it, start it
 * with the recorder preloaded, stream its output, stop it at the timeout or on cancellation, and
 * assemble the trace from its journal. Whatever the program does — throw, hang, crash, allocate
 * without end, start processes that outlive it, write into its journal — the caller gets a result
 * and, with capture, a trace, and nothing of the run is left behind (cleanup.ts, processTree.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_TRACE_MB, MAX_TRACE_MB, type RunError, type RunOutcome, type Trace } from '../protocol/trace';
import { assembleTrace, EMPTY_JOURNAL, SourceResolver, type Journal } from './assemble';
import { bundleProgram, formatProblem, type BuildProblem } from './bundle';
import { untilDone } from './cleanup';
import { ENV, type ChildConfig } from './env';
import { openJournal, readJournalFile } from './journal-file';
import { outcomeOf, processError } from './outcome';
import type { GradcheckSettings } from './recorder';
import { cancelledBy, supervise } from './supervise';

// For hosts that outlive their runs in ways an exit handler does not see (VS Code's deactivate).
export { endAllRuns } from './cleanup';

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

export { DEFAULT_MAX_TRACE_MB } from '../protocol/trace';

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

/** Keeps the first `limit` characters of a stream. */
class CappedText {
  text = '';
  truncated = false;
  constructor(private readonly limit: number) {}
  add(chunk: string): void {
    if (this.text.length + chunk.length <= this.limit) { this.text += chunk; return; }
    this.text += chunk.slice(0, Math.max(0, this.limit - this.text.length));
    this.truncated = true;
  }
}

/** The default budget of array bytes: half the machine's memory, at most 8 GB. */
export function defaultMaxMemoryMb(): number {
  return Math.min(8192, Math.floor(totalmem() / 2 / 2 ** 20));
}

const MEMORY_ADVICE = 'Raise it with --max-memory-mb or free arrays you no longer need.';
/** The fd the program's process finds its journal on (stdio 0–2, then this). */
const JOURNAL_FD = 3;

/** Words for a number of pids: `1 process (pid 41)`, `2 processes (pids 41, 42)`. */
function processesInWords(pids: readonly number[]): string {
  return pids.length === 1 ? `1 process (pid ${pids[0]})` : `${pids.length} processes (pids ${pids.join(', ')})`;
}

function buildError(problems: readonly BuildProblem[], cwd: string): RunError {
  const first = problems[0]!;
  return {
    message: first.message,
    stack: problems.map((p) => formatProblem(p)).join('\n'),
    source: first.file ? { file: resolve(cwd, first.file), line: first.line ?? 1, column: first.column ?? 1, text: first.lineText ?? '' } : null,
    origin: 'build',
  };
}

function captureConfig(options: RunOptions, key: Buffer, bundleFile: string, maxElements: number): NonNullable<ChildConfig['capture']> {
  return {
    journalFd: JOURNAL_FD, key: key.toString('hex'), bundle: bundleFile, maxElements,
    gradcheck: options.gradcheck ? gradcheckSettings(options.gradcheck) : null,
    keep: { maxTraceMb: Math.min(options.maxTraceMb ?? DEFAULT_MAX_TRACE_MB, MAX_TRACE_MB), requested: (options.keep ?? []).map(([first, last]) => [first, last]) },
  };
}

/**
 * Starts the bundled program with the preload, configured through a 0600 file in the run's folder
 * (env.ts), its journal on fd 3 when capturing, in a process group of its own.
 */
function startProgram(options: RunOptions, bundleFile: string, config: ChildConfig, journalFd: number | null, tag: string, workDir: string): ChildProcess {
  const configPath = join(workDir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config), { mode: 0o600, flag: 'wx' });
  const env: NodeJS.ProcessEnv = { ...process.env, [ENV.config]: configPath, [ENV.runTag]: tag };
  // Inside VS Code the running executable is Electron: it behaves as Node with this variable.
  if (!options.nodePath && process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  // GRADLENS_NODE_ARGS: extra Node options for the program (profiling: `--cpu-prof`, debugging: `--inspect-brk`).
  const extraNodeArgs = (process.env.GRADLENS_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const memoryMb = options.memoryMb ?? 4096;
  return spawn(options.nodePath || process.execPath, [
    '--enable-source-maps', `--max-old-space-size=${memoryMb}`, ...extraNodeArgs, '--require', join(options.distDir, 'capture-child.js'), bundleFile, ...(options.args ?? []),
  ], {
    cwd: options.cwd ?? process.cwd(),
    env,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe', ...(journalFd !== null ? [journalFd] : [])],
    // A process group (and session) of its own, so that the whole tree can be ended (processTree.ts).
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
}

type Finished = Omit<RunResult, 'durationMs' | 'stdout' | 'stderr' | 'trace' | 'warnings'>;

export async function runProgram(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const file = resolve(options.cwd ?? process.cwd(), options.file);
  const args = [...(options.args ?? [])];
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const memoryMb = options.memoryMb ?? 4096;
  const maxMemoryMb = options.maxMemoryMb ?? defaultMaxMemoryMb();
  const enginePath = join(options.distDir, 'engine.js');
  const preload = join(options.distDir, 'capture-child.js');
  const stdout = new CappedText(options.maxOutputBytes ?? 1 << 20);
  const stderr = new CappedText(options.maxOutputBytes ?? 1 << 20);
  const warnings: string[] = [];

  const finish = (result: Finished, trace?: Trace): RunResult => {
    const durationMs = Date.now() - started;
    if (trace) {
      Object.assign(trace.run, {
        durationMs, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut,
        stdout: stdout.text, stderr: stderr.text,
        ...(stdout.truncated ? { stdoutTruncated: true } : {}),
        ...(stderr.truncated ? { stderrTruncated: true } : {}),
        outcome: result.outcome,
        ...(warnings.length > 0 ? { warnings } : {}),
      });
      if (!trace.run.error && result.error) trace.run.error = result.error;
    }
    return { ...result, durationMs, stdout: stdout.text, stderr: stderr.text, warnings, ...(trace ? { trace } : {}) };
  };
  const traceOf = (journal: Journal, resolver: SourceResolver, exitCode: number | null, timedOut: boolean): Trace | undefined => (options.capture
    ? assembleTrace({ journal, resolver, run: { file, argv: args, startedAt, durationMs: 0, exitCode, timedOut, stdout: '', stderr: '', seed, maxElements } })
    : undefined);
  const notStarted = (reason: 'not-found' | 'build' | 'refused', exitCode: number, error: RunError, extra: Partial<Finished> = {}): RunResult => finish(
    { outcome: { kind: 'did-not-start', reason }, exitCode, signal: null, timedOut: false, cancelled: false, error, ...extra },
    traceOf(EMPTY_JOURNAL, new SourceResolver(null), exitCode, false),
  );
  const cancelledEarly = (): RunResult => finish(
    { outcome: { kind: 'cancelled', by: cancelledBy(options.signal) }, exitCode: null, signal: null, timedOut: false, cancelled: true, error: processError('the run was cancelled before the program started') },
    traceOf(EMPTY_JOURNAL, new SourceResolver(null), null, false),
  );

  if (!existsSync(file) || !statSync(file).isFile()) return notStarted('not-found', 2, processError(`no such file: ${file}`));
  for (const asset of [enginePath, preload]) {
    if (!existsSync(asset)) throw new Error(`GradLens is not built: ${asset} is missing (run \`npm run build\`)`);
  }

  // Private to this user (mkdtemp makes it 0700); removed in every case, also when this process exits.
  const workDir = mkdtempSync(join(tmpdir(), 'gradlens-'));
  let endProcesses = (): void => {};
  const done = untilDone(() => { endProcesses(); rmSync(workDir, { recursive: true, force: true }); });
  let readFd: number | null = null;
  try {
    if (options.signal?.aborted) return cancelledEarly();
    const bundle = await bundleProgram(file, join(workDir, 'program.mjs'), enginePath, options.capture);
    if (!bundle.ok) {
      const error = buildError(bundle.problems, options.cwd ?? process.cwd());
      stderr.add(`${error.stack}\n`);
      options.onStderr?.(`${error.stack}\n`);
      return notStarted('build', 1, error, { buildProblems: bundle.problems });
    }
    const refused = options.checkInputs?.(bundle.inputs) ?? null;
    if (refused !== null) return notStarted('refused', 2, processError(refused), { refused });
    if (options.signal?.aborted) return cancelledEarly();
    // Everything the trace is built from is read now: the files beside the bundle are the program's to rewrite.
    const resolver = new SourceResolver(bundle);

    const key = randomBytes(32);
    const tag = randomBytes(16).toString('hex');
    const journal = options.capture ? openJournal(workDir) : null;
    readFd = journal?.readFd ?? null;
    const config: ChildConfig = {
      engine: enginePath, seed, maxArrayBytes: maxMemoryMb * 2 ** 20, memoryAdvice: options.memoryAdvice ?? MEMORY_ADVICE,
      ...(journal ? { capture: captureConfig(options, key, bundle.outfile, maxElements) } : {}),
    };
    let child: ChildProcess;
    try {
      child = startProgram(options, bundle.outfile, config, journal?.writeFd ?? null, tag, workDir);
    } finally {
      if (journal) closeSync(journal.writeFd); // the child holds its own copy
    }
    const supervision = await supervise(child, `${ENV.runTag}=${tag}`, {
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onStdout: (chunk) => { stdout.add(chunk); options.onStdout?.(chunk); },
      onStderr: (chunk) => { stderr.add(chunk); options.onStderr?.(chunk); },
      onMarked: (end) => { endProcesses = () => { end(); }; },
    });
    if (supervision.spawnError) stderr.add(`${supervision.spawnError.message}\n`);
    if (supervision.leftovers.length > 0) {
      warnings.push(`the program exited but left ${processesInWords(supervision.leftovers)} running: GradLens ended ${supervision.leftovers.length === 1 ? 'it' : 'them'}`);
    }
    const read = readFd !== null ? readJournalFile(readFd, key) : { journal: EMPTY_JOURNAL, warnings: [] };
    warnings.push(...read.warnings);
    const { outcome, error: processFailure } = outcomeOf({
      supervision, timeoutMs, heapMb: memoryMb, arraysMb: maxMemoryMb, stderr: stderr.text,
      outOfArrayMemory: read.journal.records.some((record) => record.t === 'error' && record.outOfArrayMemory === true),
    });
    const exitCode = supervision.timedOut ? 124 : supervision.spawnError ? null : supervision.code;
    const trace = traceOf(read.journal, resolver, exitCode, supervision.timedOut);
    const error = processFailure ?? trace?.run.error;
    return finish({
      outcome, exitCode, signal: supervision.signal, timedOut: supervision.timedOut, cancelled: supervision.cancelledBy !== null,
      ...(error ? { error } : {}),
    }, trace);
  } finally {
    if (readFd !== null) closeSync(readFd);
    done();
    rmSync(workDir, { recursive: true, force: true });
  }
}
