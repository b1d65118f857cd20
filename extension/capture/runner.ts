/**
 * Running a user's program in a child Node process, optionally with capture: bundle it, start it
 * with the recorder preloaded, stream its output, stop it at the timeout or on cancellation, and
 * assemble the trace from its journal. Whatever the program does — throw, hang, crash, allocate
 * without end — the caller gets a result and, with capture, a trace.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunError, Trace } from '../../webview/protocol/trace';
import { assembleTrace, EMPTY_JOURNAL, readJournal, SourceResolver } from './assemble';
import { bundleProgram, formatProblem, type BuildProblem } from './bundle';
import { ENV } from './env';
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
  /** Milliseconds before the program is stopped (default 30 000; 0 or Infinity: never). */
  timeoutMs?: number;
  seed?: number;
  /** Heap limit of the program in MB (default 4096). */
  memoryMb?: number;
  /** Bytes of stdout and of stderr kept in the trace (default 1 MB each). */
  maxOutputBytes?: number;
  /** Called with the program's output as it arrives. */
  onStdout?(chunk: string): void;
  onStderr?(chunk: string): void;
  /** What the program reads as stdin (default: nothing). */
  stdin?: 'inherit' | 'ignore';
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

const SIGNAL_WORDS: Record<string, string> = {
  SIGSEGV: 'crashed (segmentation fault)',
  SIGABRT: 'aborted',
  SIGKILL: 'was killed',
  SIGTERM: 'was terminated',
  SIGBUS: 'crashed (bus error)',
  SIGILL: 'crashed (illegal instruction)',
};

function processError(message: string): RunError {
  return { message, stack: '', source: null, origin: 'process' };
}

export async function runProgram(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const file = resolve(options.cwd ?? process.cwd(), options.file);
  const args = [...(options.args ?? [])];
  const maxElements = options.maxElements ?? 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const memoryMb = options.memoryMb ?? 4096;
  const enginePath = join(options.distDir, 'engine.js');
  const preload = join(options.distDir, 'capture-child.js');
  const stdout = new CappedText(options.maxOutputBytes ?? 1 << 20);
  const stderr = new CappedText(options.maxOutputBytes ?? 1 << 20);

  const finish = (result: Omit<RunResult, 'durationMs' | 'stdout' | 'stderr' | 'trace'>, trace?: Trace): RunResult => {
    const durationMs = Date.now() - started;
    if (trace) {
      Object.assign(trace.run, {
        durationMs, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut,
        stdout: stdout.text, stderr: stderr.text,
        ...(stdout.truncated ? { stdoutTruncated: true } : {}),
        ...(stderr.truncated ? { stderrTruncated: true } : {}),
      });
      if (!trace.run.error && result.error) trace.run.error = result.error;
    }
    return { ...result, durationMs, stdout: stdout.text, stderr: stderr.text, ...(trace ? { trace } : {}) };
  };
  const emptyTrace = (): Trace => assembleTrace({
    journal: EMPTY_JOURNAL,
    resolver: new SourceResolver(null),
    run: { file, argv: args, startedAt, durationMs: 0, exitCode: null, timedOut: false, stdout: '', stderr: '', seed, maxElements },
  });

  if (!existsSync(file) || !statSync(file).isFile()) {
    const error = processError(`no such file: ${file}`);
    return finish({ exitCode: 2, signal: null, timedOut: false, cancelled: false, error }, options.capture ? emptyTrace() : undefined);
  }
  for (const asset of [enginePath, preload]) {
    if (!existsSync(asset)) throw new Error(`GradLens is not built: ${asset} is missing (run \`npm run build\`)`);
  }

  const workDir = mkdtempSync(join(tmpdir(), 'gradlens-'));
  try {
    const bundle = await bundleProgram(file, join(workDir, 'program.mjs'), enginePath, options.capture);
    if (!bundle.ok) {
      const first = bundle.problems[0]!;
      const text = bundle.problems.map((p) => formatProblem(p)).join('\n');
      stderr.add(`${text}\n`);
      options.onStderr?.(`${text}\n`);
      const error: RunError = {
        message: first.message,
        stack: text,
        source: first.file ? { file: resolve(options.cwd ?? process.cwd(), first.file), line: first.line ?? 1, column: first.column ?? 1, text: first.lineText ?? '' } : null,
        origin: 'build',
      };
      return finish({ exitCode: 1, signal: null, timedOut: false, cancelled: false, buildProblems: bundle.problems, error }, options.capture ? emptyTrace() : undefined);
    }

    const refused = options.checkInputs?.(bundle.inputs) ?? null;
    if (refused !== null) {
      return finish({ exitCode: 2, signal: null, timedOut: false, cancelled: false, refused, error: processError(refused) }, options.capture ? emptyTrace() : undefined);
    }

    const journalPath = join(workDir, 'journal.ndjson');
    const env: NodeJS.ProcessEnv = { ...process.env, [ENV.engine]: enginePath, [ENV.seed]: String(seed) };
    // Inside VS Code the running executable is Electron: it behaves as Node with this variable.
    if (!options.nodePath && process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    if (options.capture) {
      Object.assign(env, { [ENV.journal]: journalPath, [ENV.bundle]: bundle.outfile, [ENV.maxElements]: String(maxElements) });
      if (options.gradcheck) env[ENV.gradcheck] = JSON.stringify(gradcheckSettings(options.gradcheck));
    }
    // GRADLENS_NODE_ARGS: extra Node options for the program (profiling: `--cpu-prof`, debugging: `--inspect-brk`).
    const extraNodeArgs = (process.env.GRADLENS_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(options.nodePath || process.execPath, [
      '--enable-source-maps', `--max-old-space-size=${memoryMb}`, ...extraNodeArgs, '--require', preload, bundle.outfile, ...args,
    ], { cwd: options.cwd ?? process.cwd(), env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => { stdout.add(chunk); options.onStdout?.(chunk); });
    child.stderr.on('data', (chunk: string) => { stderr.add(chunk); options.onStderr?.(chunk); });

    let timedOut = false;
    let cancelled = false;
    const stop = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
    const timer = Number.isFinite(timeoutMs) && timeoutMs > 0 ? setTimeout(() => { timedOut = true; stop(); }, timeoutMs) : null;
    const onAbort = () => { cancelled = true; stop(); };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort);

    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((done) => {
      child.on('error', (error) => { stderr.add(`${error.message}\n`); done({ code: null, signal: null }); });
      child.on('close', (exitCode, exitSignal) => done({ code: exitCode, signal: exitSignal }));
    });
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);

    let error: RunError | undefined;
    if (timedOut) error = processError(`the program ran longer than the ${timeoutMs / 1000} s timeout and was stopped`);
    else if (cancelled) error = processError('the run was cancelled and the program was stopped');
    else if (/JavaScript heap out of memory|Reached heap limit/.test(stderr.text)) {
      error = processError(`the program ran out of memory (its heap is limited to ${memoryMb} MB) and was stopped`);
    } else if (signal) error = processError(`the program ${SIGNAL_WORDS[signal] ?? `was stopped by ${signal}`}`);

    let trace: Trace | undefined;
    if (options.capture) {
      trace = assembleTrace({
        journal: readJournal(journalPath),
        resolver: new SourceResolver(bundle.mapFile),
        run: { file, argv: args, startedAt, durationMs: 0, exitCode: code, timedOut, stdout: '', stderr: '', seed, maxElements },
      });
    }
    if (!error && trace?.run.error) error = trace.run.error;
    return finish({ exitCode: timedOut ? 124 : code, signal, timedOut, cancelled, ...(error ? { error } : {}) }, trace);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
