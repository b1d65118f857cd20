/**
 * A run in two halves around its process: prepared — bundled into a private folder, configured,
 * its journal created, its seed chosen — and finished — its journal read, its trace assembled,
 * its folder removed. runProgram (runner.ts) starts and supervises the process in between; a
 * debugger (VS Code's js-debug, extension/debug.ts) can start it instead from `launch`, which is
 * why the preload can also find its journal by a path (a debugger cannot hand it an fd).
 *
 *   const prepared = await prepareRun({ file: 'train.ts', capture: true, distDir }, 'path');
 *   if (prepared.ok) { start(prepared.run.launch); …; const result = prepared.run.finish(); }
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_TRACE_MB, MAX_TRACE_MB, type RunError, type Source, type Trace } from '../protocol/trace';
import { assembleTrace, EMPTY_JOURNAL, SourceResolver, type Journal } from './assemble';
import { bundleProgram, formatProblem, type BuildProblem } from './bundle';
import { untilDone } from './cleanup';
import { ENV, nodeOfExpression, PAUSE_EXPRESSION, type ChildConfig } from './env';
import { openJournal, openPeek, readJournalFile, readWhole } from './journal-file';
import { LiveJournal } from './liveJournal';
import { outcomeOf, processError } from './outcome';
import { defaultMaxMemoryMb, gradcheckSettings, type RunOptions, type RunResult } from './runOptions';
import { cancelledBy, type Supervision } from './supervise';

/** How the program's process finds its journal: on an fd it inherits (the runner spawns it), or by its path. */
export type JournalAccess = 'inherited' | 'path';

/** What starting the prepared program takes: a Node launch of the bundle with the preload. */
export interface NodeLaunch {
  /** The Node.js to run: the one asked for, or the one running this code (Electron, told by `env` to be Node). */
  runtimeExecutable: string;
  /** Node's own options, the preload (`--require`) among them. */
  runtimeArgs: string[];
  /** The bundled program, and the user's arguments after it. */
  program: string;
  args: string[];
  cwd: string;
  /** What to add to the environment: the configuration's path, the run tag. */
  env: Record<string, string>;
  /** The bundle's source map, which names the user's files (breakpoints bind through it). */
  sourceMap: string;
  /** The run's private folder (0700), which holds the bundle, its map, the configuration and the journal. */
  workDir: string;
  /** With inherited access: the journal's write end, to give the process as fd 3 (then `started()`). */
  journalFd: number | null;
  /** The run tag in every process of the run (processTree.ts). */
  tag: string;
  /**
   * What a debugger evaluates in the paused frame at each stop for the trace so far (env.ts
   * PAUSE_SYMBOL; then PreparedRun.pausedTrace), or null: this run cannot be asked.
   */
  pauseExpression: string | null;
}

export type Prepared = { ok: true; run: PreparedRun } | { ok: false; result: RunResult };

const MEMORY_ADVICE = 'Raise it with --max-memory-mb or free arrays you no longer need.';
/** The fd the program's process finds an inherited journal on (stdio 0–2, then this). */
const JOURNAL_FD = 3;

type Finished = Omit<RunResult, 'durationMs' | 'stdout' | 'stderr' | 'trace' | 'warnings'>;

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

function buildError(problems: readonly BuildProblem[], cwd: string): RunError {
  const first = problems[0]!;
  return {
    message: first.message,
    stack: problems.map((p) => formatProblem(p)).join('\n'),
    source: first.file ? { file: resolve(cwd, first.file), line: first.line ?? 1, column: first.column ?? 1, text: first.lineText ?? '' } : null,
    origin: 'build',
  };
}

function captureConfig(options: RunOptions, key: Buffer, bundleFile: string, maxElements: number, journal: NonNullable<ChildConfig['capture']>['journal'], peek: string | null): NonNullable<ChildConfig['capture']> {
  return {
    journal, key: key.toString('hex'), bundle: bundleFile, maxElements, ...(peek ? { peek } : {}), ...(peek && options.breakOnNaN ? { breakOnNaN: join(options.distDir, 'capture-pause.js') } : {}),
    gradcheck: options.gradcheck ? gradcheckSettings(options.gradcheck) : null,
    keep: { maxTraceMb: Math.min(options.maxTraceMb ?? DEFAULT_MAX_TRACE_MB, MAX_TRACE_MB), requested: (options.keep ?? []).map(([first, last]) => [first, last]) },
  };
}

/** What a run knows from its start to its end, besides its process: the options, the output, the trace's making. */
class RunState {
  readonly started = Date.now();
  readonly startedAt = new Date(this.started).toISOString();
  readonly file: string;
  readonly args: string[];
  readonly maxElements: number;
  readonly seed: number;
  readonly stdout: CappedText;
  readonly stderr: CappedText;
  readonly warnings: string[] = [];

  constructor(readonly options: RunOptions) {
    this.file = resolve(options.cwd ?? process.cwd(), options.file);
    this.args = [...(options.args ?? [])];
    this.maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.stdout = new CappedText(options.maxOutputBytes ?? 1 << 20);
    this.stderr = new CappedText(options.maxOutputBytes ?? 1 << 20);
  }

  result(result: Finished, trace?: Trace): RunResult {
    const { stdout, stderr, warnings } = this;
    const durationMs = Date.now() - this.started;
    if (trace) {
      Object.assign(trace.run, {
        durationMs, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut,
        ...this.output(),
        outcome: result.outcome,
        ...(warnings.length > 0 ? { warnings } : {}),
      });
      if (!trace.run.error && result.error) trace.run.error = result.error;
    }
    return { ...result, durationMs, stdout: stdout.text, stderr: stderr.text, warnings, ...(trace ? { trace } : {}) };
  }

  /** The program's output so far, as a trace's run keeps it. */
  output(): Pick<Trace['run'], 'stdout' | 'stderr' | 'stdoutTruncated' | 'stderrTruncated'> {
    const { stdout, stderr } = this;
    return {
      stdout: stdout.text, stderr: stderr.text,
      ...(stdout.truncated ? { stdoutTruncated: true } : {}),
      ...(stderr.truncated ? { stderrTruncated: true } : {}),
    };
  }

  trace(journal: Journal, resolver: SourceResolver, exitCode: number | null, timedOut: boolean): Trace | undefined {
    const { file, args, startedAt, seed, maxElements } = this;
    return this.options.capture
      ? assembleTrace({ journal, resolver, run: { file, argv: args, startedAt, durationMs: 0, exitCode, timedOut, stdout: '', stderr: '', seed, maxElements } })
      : undefined;
  }

  notStarted(reason: 'not-found' | 'build' | 'refused', exitCode: number, error: RunError, extra: Partial<Finished> = {}): RunResult {
    return this.result(
      { outcome: { kind: 'did-not-start', reason }, exitCode, signal: null, timedOut: false, cancelled: false, error, ...extra },
      this.trace(EMPTY_JOURNAL, new SourceResolver(null), exitCode, false),
    );
  }

  cancelledEarly(): RunResult {
    return this.result(
      { outcome: { kind: 'cancelled', by: cancelledBy(this.options.signal) }, exitCode: null, signal: null, timedOut: false, cancelled: true, error: processError('the run was cancelled before the program started') },
      this.trace(EMPTY_JOURNAL, new SourceResolver(null), null, false),
    );
  }
}

/**
 * A run whose program is ready to start from `launch`. Exactly one `finish` (or `discard`) ends
 * it; until then its folder is removed also when this process exits (cleanup.ts).
 */
export class PreparedRun {
  private ended = false;
  private endProcesses = (): void => {};
  private live: LiveJournal | null = null;

  constructor(
    private readonly state: RunState,
    readonly launch: NodeLaunch,
    private readonly resolver: SourceResolver,
    private readonly journal: { readFd: number; key: Buffer; peekFd: number | null } | null,
    private readonly done: () => void,
  ) {}

  /** Whether a debugger can ask the paused program for its trace so far (a run started by path, with capture). */
  get pausable(): boolean {
    return this.journal !== null && this.journal.peekFd !== null;
  }

  /** What a debugger evaluates in the paused frame for the node of the value of `expression`, or null (the run cannot be asked). */
  nodeOfExpression(expression: string): string | null {
    return this.pausable ? nodeOfExpression(expression) : null;
  }

  /**
   * The trace so far of the paused program, once it answered the debugger (env.ts PAUSE_SYMBOL:
   * `held` is what the call returned): the journal read since the last stop, then the peek.
   * `at`: the paused line. Null when the run has no capture.
   */
  pausedTrace(answer: number, at: Source | null): { trace: Trace; warnings: string[] } | null {
    const { journal, state } = this;
    if (!journal || this.ended) return null;
    this.live ??= new LiveJournal(journal.readFd, journal.key);
    // -2: the preload could not open its peek file (the program removed it): the journal alone.
    const peek = answer >= -1 && journal.peekFd !== null ? readWhole(journal.peekFd) : null;
    const { journal: read, warnings } = this.live.read(peek);
    const trace = state.trace(read, this.resolver, null, false);
    if (!trace) return null;
    Object.assign(trace.run, { durationMs: Date.now() - state.started, ...state.output(), paused: { source: at } });
    return { trace, warnings };
  }

  get seed(): number {
    return this.state.seed;
  }

  /** The program's output as it arrives (kept in the trace, up to `maxOutputBytes`). */
  stdout(chunk: string): void {
    this.state.stdout.add(chunk);
  }

  stderr(chunk: string): void {
    this.state.stderr.add(chunk);
  }

  warn(warning: string): void {
    this.state.warnings.push(warning);
  }

  /** The process was started: it holds its own copy of the journal's write end now. */
  started(): void {
    if (this.launch.journalFd !== null) closeSync(this.launch.journalFd);
    this.launch.journalFd = null;
  }

  /** How to end the run's processes should this process exit before the run does (cleanup.ts). */
  endProcessesWith(end: () => void): void {
    this.endProcesses = end;
  }

  /**
   * The result of the run once its process ended: how it ended as `supervision` saw it — or,
   * without one (a debugger started the process), as the preload journaled it: its exit code,
   * or, when it journaled none, a run stopped before its end (the debugger's Stop).
   */
  finish(supervision?: Supervision, timeoutMs = 0): RunResult {
    const { state } = this;
    try {
      const read = this.journal ? readJournalFile(this.journal.readFd, this.journal.key) : { journal: EMPTY_JOURNAL, warnings: [] };
      state.warnings.push(...read.warnings);
      const ended = supervision ?? journaledEnd(read.journal);
      const { outcome, error: processFailure } = outcomeOf({
        supervision: ended, timeoutMs, heapMb: state.options.memoryMb ?? 4096, arraysMb: maxMemoryMb(state.options), stderr: state.stderr.text,
        outOfArrayMemory: read.journal.records.some((record) => record.t === 'error' && record.outOfArrayMemory === true),
      });
      const exitCode = ended.timedOut ? 124 : ended.spawnError ? null : ended.code;
      const trace = state.trace(read.journal, this.resolver, exitCode, ended.timedOut);
      const error = processFailure ?? trace?.run.error;
      return state.result({
        outcome, exitCode, signal: ended.signal, timedOut: ended.timedOut, cancelled: ended.cancelledBy !== null,
        ...(error ? { error } : {}),
      }, trace);
    } finally {
      this.discard();
    }
  }

  /** Ends the run without a result (its program never started): the journal closed, the folder removed. */
  discard(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.launch.journalFd !== null) closeSync(this.launch.journalFd);
    if (this.journal) closeSync(this.journal.readFd);
    if (this.journal?.peekFd != null) closeSync(this.journal.peekFd);
    this.done();
    rmSync(this.launch.workDir, { recursive: true, force: true });
  }

  /** For the exit handler (cleanup.ts): the processes, then the folder. */
  endNow(): void {
    this.endProcesses();
  }
}

function maxMemoryMb(options: RunOptions): number {
  return options.maxMemoryMb ?? defaultMaxMemoryMb();
}

/** How a process no supervisor watched ended, from its journal's last word (child.ts writes `exit`). */
function journaledEnd(journal: Journal): Supervision {
  const exit = [...journal.records].reverse().find((record) => record.t === 'exit');
  return exit?.t === 'exit'
    ? { code: exit.code, signal: null, timedOut: false, cancelledBy: null, leftovers: [] }
    : { code: null, signal: null, timedOut: false, cancelledBy: 'user', leftovers: [] };
}

/**
 * Bundles the program, creates the run's folder, journal and configuration: a prepared run, or —
 * the file missing, a build error, refused by `checkInputs`, cancelled already — the result.
 */
export async function prepareRun(options: RunOptions, access: JournalAccess): Promise<Prepared> {
  const state = new RunState(options);
  const { file } = state;
  const enginePath = join(options.distDir, 'engine.js');
  const preload = join(options.distDir, 'capture-child.js');
  if (!existsSync(file) || !statSync(file).isFile()) return { ok: false, result: state.notStarted('not-found', 2, processError(`no such file: ${file}`)) };
  for (const asset of [enginePath, preload, ...(options.breakOnNaN ? [join(options.distDir, 'capture-pause.js')] : [])]) {
    if (!existsSync(asset)) throw new Error(`GradLens is not built: ${asset} is missing (run \`npm run build\`)`);
  }

  // Private to this user (mkdtemp makes it 0700); removed in every case, also when this process exits.
  const workDir = mkdtempSync(join(tmpdir(), 'gradlens-'));
  let run: PreparedRun | null = null;
  const done = untilDone(() => { run?.endNow(); rmSync(workDir, { recursive: true, force: true }); });
  const notPrepared = (result: RunResult): Prepared => {
    done();
    rmSync(workDir, { recursive: true, force: true });
    return { ok: false, result };
  };
  try {
    if (options.signal?.aborted) return notPrepared(state.cancelledEarly());
    const bundle = await bundleProgram(file, join(workDir, 'program.mjs'), enginePath, options.capture);
    if (!bundle.ok) {
      const error = buildError(bundle.problems, options.cwd ?? process.cwd());
      state.stderr.add(`${error.stack}\n`);
      options.onStderr?.(`${error.stack}\n`);
      return notPrepared(state.notStarted('build', 1, error, { buildProblems: bundle.problems }));
    }
    const refused = options.checkInputs?.(bundle.inputs) ?? null;
    if (refused !== null) return notPrepared(state.notStarted('refused', 2, processError(refused), { refused }));
    if (options.signal?.aborted) return notPrepared(state.cancelledEarly());
    // Everything the trace is built from is read now: the files beside the bundle are the program's to rewrite.
    const resolver = new SourceResolver(bundle);

    const key = randomBytes(32);
    const tag = randomBytes(16).toString('hex');
    const journal = options.capture ? openJournal(workDir) : null;
    // Read by path, the journal is the preload's to open: this end of it is not needed.
    if (journal && access === 'path') closeSync(journal.writeFd);
    // A run a debugger starts can be paused: at each stop the preload writes what it holds in memory here.
    const peek = journal && access === 'path' ? openPeek(workDir) : null;
    const config: ChildConfig = {
      engine: enginePath, seed: state.seed, maxArrayBytes: maxMemoryMb(options) * 2 ** 20, memoryAdvice: options.memoryAdvice ?? MEMORY_ADVICE,
      ...(journal ? { capture: captureConfig(options, key, bundle.outfile, state.maxElements, access === 'path' ? { path: journal.path } : { fd: JOURNAL_FD }, peek?.path ?? null) } : {}),
    };
    const configPath = join(workDir, 'config.json');
    writeFileSync(configPath, JSON.stringify(config), { mode: 0o600, flag: 'wx' });
    const env: Record<string, string> = { [ENV.config]: configPath, [ENV.runTag]: tag };
    // Inside VS Code the running executable is Electron: it behaves as Node with this variable.
    if (!options.nodePath && process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    // GRADLENS_NODE_ARGS: extra Node options for the program (profiling: `--cpu-prof`, debugging: `--inspect-brk`).
    const extraNodeArgs = (process.env.GRADLENS_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const launch: NodeLaunch = {
      runtimeExecutable: options.nodePath || process.execPath,
      runtimeArgs: ['--enable-source-maps', `--max-old-space-size=${options.memoryMb ?? 4096}`, ...extraNodeArgs, '--require', preload],
      program: bundle.outfile,
      args: state.args,
      cwd: options.cwd ?? process.cwd(),
      env,
      sourceMap: bundle.mapFile,
      workDir,
      journalFd: journal && access === 'inherited' ? journal.writeFd : null,
      tag,
      pauseExpression: peek ? PAUSE_EXPRESSION : null,
    };
    run = new PreparedRun(state, launch, resolver, journal ? { readFd: journal.readFd, key, peekFd: peek?.readFd ?? null } : null, done);
    return { ok: true, run };
  } catch (error) {
    if (run) run.discard();
    else { done(); rmSync(workDir, { recursive: true, force: true }); }
    throw error;
  }
}
