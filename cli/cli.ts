/**
 * The `gradlens` command: run a TypeScript/JavaScript program that imports `gradlens`, or trace it.
 *
 *   gradlens run FILE [--max-memory-mb N] [-- ARGS...]
 *   gradlens trace FILE [-o TRACE.json] [--html PAGE.html] [--max-elements N] [--timeout SECONDS] [--seed N] [--gradcheck[=N]] [--keep PASSES] [--max-trace-mb N] [--max-memory-mb N] [--verbose] [-- ARGS...]
 *
 * SIGINT, SIGTERM and SIGHUP cancel the run (the program and everything it started are ended, the
 * trace of what ran is still written, the exit status is 128 + N); a second one exits at once.
 * SIGKILL cannot be caught: the program, in a process group of its own, would then keep running.
 */
import { relative, resolve } from 'node:path';
import { version } from 'gradlens';
import { endAllRuns } from '../capture/cleanup';
import { exitStatus, signalNumber } from '../capture/outcome';
import { runProgram, type RunResult } from '../capture/runner';
import { parsePassRanges, type PassRange } from '../capture/keepPolicy';
import { MAX_TRACE_MB } from '../protocol/trace';
import { summarizeTrace } from '../capture/summary';
import { describeRunEnd } from '../protocol/query/outcome';
import { checkNotInputs, checkOutputs, type Output } from '../capture/outputChecks';
import { TraceFileError, writeInspectorPageFile, writeTraceFile } from '../capture/traceFile';

/** The exit code when the trace or the page could not be written (BSD sysexits EX_IOERR). */
const EXIT_WRITE_FAILED = 74;

const USAGE = `usage:
  gradlens run FILE [--max-memory-mb N] [-- ARGS...]
      run a TypeScript or JavaScript program that imports 'gradlens'
  gradlens trace FILE [options] [-- ARGS...]
      run it with capture and write the trace (default: FILE.gradlens.json)
      -o, --output FILE        where to write the trace
      --html FILE              also write the inspector: one self-contained HTML page
      --max-elements N         tensor elements kept per value (default 1024)
      --timeout SECONDS        stop the program after this long (default 30)
      --seed N                 seed of np.random (default: random, recorded in the trace)
      --gradcheck[=N]          check every backward pass numerically before it runs (float64
                               central differences on the recorded graph; N elements per
                               variable at most, default 32)
      --keep PASSES            backward passes to keep whole, numbered from 1 as the
                               inspector and Problems number them: 17,40-42
                               (the others of a long run may be summarised: statistics only)
      --max-trace-mb N         size budget of the trace (default 64, at most 4096): past it,
                               passes are summarised; the first, the last and --keep ones
                               are still kept
      --max-memory-mb N        budget of the program's arrays: past it, an allocation throws
                               at your line (default: half the machine's memory, at most 8192)
      --verbose                print every gradient in full and every gradient check (the
                               summary is otherwise bounded: a line per parameter and per
                               line that ran backward)
  gradlens --version | --help
exit status: the program's own; 124 when it timed out; 128+N when signal N ended it
  (139 for SIGSEGV) or cancelled gradlens (130 for SIGINT, 143 for SIGTERM); 1 for a build
  error; 2 for a usage error, a missing file or a refused output (-o naming the program, a file
  it imports, a folder, a missing folder); 74 when the trace or the page could not be written`;

class UsageError extends Error {}

interface Parsed {
  command: 'run' | 'trace';
  file: string;
  args: string[];
  output?: string;
  html?: string;
  maxElements?: number;
  timeoutMs?: number;
  seed?: number;
  /** true, or the cap on elements checked per variable. */
  gradcheck?: true | number;
  maxMemoryMb?: number;
  keep?: PassRange[];
  maxTraceMb?: number;
  /** Print every gradient and check in the summary (it is bounded otherwise). */
  verbose?: boolean;
}

/** Options `run` takes too (the rest are `trace`'s). */
const RUN_OPTIONS: readonly string[] = ['--max-memory-mb'];

/**
 * `--keep` numbers passes as the inspector, the summary and Problems show them (#1 is the first);
 * the trace and the runner name them by id (from 0).
 */
function passIds(ranges: readonly PassRange[]): PassRange[] {
  if (ranges.some(([first]) => first < 1)) throw new Error('passes are numbered from 1 (#1 is the first), as the inspector and Problems number them');
  return ranges.map(([first, last]) => [first - 1, last - 1]);
}

function integer(flag: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min) throw new UsageError(`${flag} needs an integer ≥ ${min}, got ${text ?? 'nothing'}`);
  return value;
}

export function parseArgs(argv: readonly string[]): Parsed | 'help' | 'version' {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return 'help';
  if (argv[0] === '--version' || argv[0] === '-v') return 'version';
  const [command, ...rest] = argv;
  if (command !== 'run' && command !== 'trace') throw new UsageError(`unknown command '${command}'`);
  const parsed: Partial<Parsed> = { command, args: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') { parsed.args = rest.slice(i + 1); break; }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (arg.startsWith('-') && (command === 'trace' || RUN_OPTIONS.includes(flag))) {
      const value = () => inline ?? rest[++i];
      switch (flag) {
        case '-o': case '--output': parsed.output = value(); if (!parsed.output) throw new UsageError(`${flag} needs a file name`); continue;
        case '--html': parsed.html = value(); if (!parsed.html) throw new UsageError('--html needs a file name'); continue;
        case '--max-elements': parsed.maxElements = integer(flag, value(), 0); continue;
        case '--timeout': {
          const text = value();
          const seconds = Number(text);
          if (!(seconds > 0)) throw new UsageError(`--timeout needs a positive number of seconds, got ${text ?? 'nothing'}`);
          parsed.timeoutMs = seconds * 1000;
          continue;
        }
        case '--seed': parsed.seed = integer(flag, value(), 0); continue;
        case '--gradcheck': parsed.gradcheck = inline === undefined ? true : integer(flag, inline, 1); continue;
        case '--max-memory-mb': parsed.maxMemoryMb = integer(flag, value(), 1); continue;
        case '--max-trace-mb': {
          parsed.maxTraceMb = integer(flag, value(), 1);
          if (parsed.maxTraceMb > MAX_TRACE_MB) {
            throw new UsageError(`--max-trace-mb: at most ${MAX_TRACE_MB} (the run holds the kept passes' tensors in memory until it writes them)`);
          }
          continue;
        }
        case '--keep': {
          const text = value();
          if (!text) throw new UsageError('--keep needs pass numbers, like 17,40-42');
          try {
            parsed.keep = [...(parsed.keep ?? []), ...passIds(parsePassRanges(text))];
          } catch (error) {
            throw new UsageError(`--keep: ${(error as Error).message}`);
          }
          continue;
        }
        case '--verbose':
          if (inline !== undefined) throw new UsageError('--verbose takes no value');
          parsed.verbose = true;
          continue;
        default: throw new UsageError(`unknown option '${arg}'`);
      }
    }
    if (parsed.file === undefined) { parsed.file = arg; continue; }
    throw new UsageError(`unexpected argument '${arg}' (program arguments go after --)`);
  }
  if (!parsed.file) throw new UsageError(`${command} needs a FILE`);
  return parsed as Parsed;
}

function kilobytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function report(result: RunResult): void {
  if (result.error && result.error.origin === 'process') process.stderr.write(`gradlens: ${result.error.message}\n`);
  for (const warning of result.warnings) process.stderr.write(`gradlens: ${warning}\n`);
}

const CANCELLING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const cancelled = new AbortController();
let received: NodeJS.Signals | null = null;

/**
 * A first SIGINT, SIGTERM or SIGHUP cancels the run (ended at once, its trace still written); a
 * second one exits at once: the exit handlers end the runs' processes and remove their folders.
 */
function cancelOnSignals(): void {
  for (const name of CANCELLING_SIGNALS) {
    process.on(name, () => {
      if (received !== null) {
        endAllRuns();
        process.exit(128 + signalNumber(name));
      }
      received = name;
      cancelled.abort(name);
    });
  }
}

/** 128 + N after signal N to gradlens, else the status of the run (outcome.ts). */
function exitCode(result: RunResult): number {
  return received !== null ? 128 + signalNumber(received) : exitStatus(result.outcome, result.exitCode);
}

export async function main(argv: readonly string[], distDir: string): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`gradlens: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') { process.stdout.write(`${USAGE}\n`); return 0; }
  if (parsed === 'version') { process.stdout.write(`gradlens ${version}\n`); return 0; }
  cancelOnSignals();
  const common = {
    file: parsed.file, args: parsed.args, distDir, stdin: 'inherit' as const, signal: cancelled.signal,
    ...(parsed.maxMemoryMb !== undefined ? { maxMemoryMb: parsed.maxMemoryMb } : {}),
    onStdout: (chunk: string) => { process.stdout.write(chunk); },
    onStderr: (chunk: string) => { process.stderr.write(chunk); },
  };
  if (parsed.command === 'run') {
    const result = await runProgram({ ...common, capture: false, timeoutMs: Infinity, ...(parsed.seed !== undefined ? { seed: parsed.seed } : {}) });
    report(result);
    return exitCode(result);
  }
  const output = parsed.output ?? `${parsed.file}.gradlens.json`;
  const outputs: Output[] = [
    { label: parsed.output !== undefined ? '-o' : 'the trace', path: resolve(output) },
    ...(parsed.html !== undefined ? [{ label: '--html', path: resolve(parsed.html) }] : []),
  ];
  const unwritable = checkOutputs(resolve(parsed.file), outputs);
  if (unwritable !== null) { process.stderr.write(`gradlens: ${unwritable}\n`); return 2; }
  const result = await runProgram({
    ...common, capture: true,
    checkInputs: (inputs) => checkNotInputs(inputs, outputs),
    ...(parsed.maxElements !== undefined ? { maxElements: parsed.maxElements } : {}),
    ...(parsed.timeoutMs !== undefined ? { timeoutMs: parsed.timeoutMs } : {}),
    ...(parsed.seed !== undefined ? { seed: parsed.seed } : {}),
    ...(parsed.gradcheck !== undefined ? { gradcheck: parsed.gradcheck === true ? true : { elements: parsed.gradcheck } } : {}),
    ...(parsed.keep !== undefined ? { keep: parsed.keep } : {}),
    ...(parsed.maxTraceMb !== undefined ? { maxTraceMb: parsed.maxTraceMb } : {}),
  });
  report(result);
  if (result.refused !== undefined) return 2;
  const trace = result.trace!;
  let writeFailed = false;
  // Each file is written whole or not at all (traceFile.ts); a failure is said in the summary.
  const written = (what: string, write: () => number, done: (bytes: number) => string): string => {
    try {
      return done(write());
    } catch (error) {
      if (!(error instanceof TraceFileError)) throw error;
      writeFailed = true;
      return `gradlens: the ${what} was not written: ${error.message}`;
    }
  };
  const traceLine = written('trace', () => writeTraceFile(trace, outputs[0]!.path), (bytes) => `trace written to ${output} (${kilobytes(bytes)})`);
  const page = parsed.html === undefined ? '' : written('inspector', () => writeInspectorPageFile(trace, outputs[1]!.path, distDir),
    (bytes) => `inspector written to ${parsed.html} (${kilobytes(bytes)}): open it in a browser`);
  const status = describeRunEnd(trace.run);
  process.stderr.write([
    '',
    `gradlens: traced ${relative(process.cwd(), trace.run.file) || trace.run.file} in ${result.durationMs} ms (${status})`,
    summarizeTrace(trace, process.cwd(), { verbose: parsed.verbose ?? false }),
    traceLine,
    ...(page ? [page] : []),
    '',
  ].join('\n'));
  return writeFailed ? EXIT_WRITE_FAILED : exitCode(result);
}

if (require.main === module) {
  main(process.argv.slice(2), __dirname).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`gradlens: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 70;
  });
}
