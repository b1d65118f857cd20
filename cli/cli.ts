/**
 * The `gradlens` command: run a TypeScript/JavaScript program that imports `gradlens`, or trace it.
 *
 *   gradlens run FILE [--max-memory-mb N] [-- ARGS...]
 *   gradlens trace FILE [-o TRACE.json] [--html PAGE.html] [--max-elements N] [--timeout SECONDS] [--seed N] [--gradcheck[=N]] [--keep PASSES] [--max-trace-mb N] [--max-memory-mb N] [--verbose] [-- ARGS...]
 *   gradlens help [run | trace], gradlens [COMMAND] --help, gradlens [COMMAND] --version
 *
 * Help and the version go to stdout (exit 0); a usage error goes to stderr with the command's
 * synopsis and a pointer to its --help (exit 2). A FILE that is missing or a folder is refused
 * before anything runs or is written (exit 2).
 *
 * SIGINT, SIGTERM and SIGHUP cancel the run (the program and everything it started are ended, the
 * trace of what ran is still written, the exit status is 128 + N); a second one exits at once.
 * SIGKILL cannot be caught: the program, in a process group of its own, would then keep running.
 * When the reader of stdout goes away (`gradlens run FILE | head`) the run is cancelled as SIGPIPE
 * would end it (exit 141), its trace still written.
 */
import { relative, resolve } from 'node:path';
import { statSync, type Stats } from 'node:fs';
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

type Command = 'run' | 'trace';

const SYNOPSIS: Record<Command, string> = {
  run: 'gradlens run FILE [--max-memory-mb N] [-- ARGS...]',
  trace: 'gradlens trace FILE [options] [-- ARGS...]',
};

const MEMORY_OPTION = `      --max-memory-mb N        budget of the program's arrays: past it, an allocation throws
                               at your line (default: half the machine's memory, at most 8192)`;

const TRACE_OPTIONS_TEXT = `      -o, --output FILE        where to write the trace
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
${MEMORY_OPTION}
      --verbose                print every gradient in full and every gradient check (the
                               summary is otherwise bounded: a line per parameter and per
                               line that ran backward)`;

const HELP_OPTIONS_TEXT = `      -h, --help               print this help and exit
      --version                print the version and exit`;

const EXIT_STATUS: Record<Command, string> = {
  run: `exit status: the program's own; 128+N when signal N ended it (139 for SIGSEGV) or
  cancelled gradlens (130 for SIGINT, 143 for SIGTERM, 141 when the reader of its output
  exited); 1 for a build error; 2 for a usage error or a FILE that is missing or a folder`,
  trace: `exit status: the program's own; 124 when it timed out; 128+N when signal N ended it
  (139 for SIGSEGV) or cancelled gradlens (130 for SIGINT, 143 for SIGTERM, 141 when the reader
  of its output exited); 1 for a build error; 2 for a usage error, a FILE that is missing or a
  folder, or a refused output (-o naming the program, a file it imports, a folder, a missing
  folder); 74 when the trace or the page could not be written`,
};

const RUN_TEXT = `      run a TypeScript or JavaScript program that imports 'gradlens'`;
const TRACE_TEXT = `      run it with capture and write the trace (default: FILE.gradlens.json)`;

/** `gradlens --help`: both commands and every option. */
const USAGE = `usage:
  ${SYNOPSIS.run}
${RUN_TEXT}
  ${SYNOPSIS.trace}
${TRACE_TEXT}
${TRACE_OPTIONS_TEXT}
  gradlens help COMMAND | COMMAND --help
      a command's usage
  gradlens --version | --help
${EXIT_STATUS.trace}`;

/** `gradlens COMMAND --help` (or `gradlens help COMMAND`): that command's usage alone. */
const COMMAND_USAGE: Record<Command, string> = {
  run: `usage: ${SYNOPSIS.run}
      run a TypeScript or JavaScript program that imports 'gradlens', ARGS its arguments;
      its output streams through, and it runs until it ends (no timeout, no trace)
${MEMORY_OPTION}
${HELP_OPTIONS_TEXT}
${EXIT_STATUS.run}`,
  trace: `usage: ${SYNOPSIS.trace}
      run a TypeScript or JavaScript program that imports 'gradlens', ARGS its arguments,
      with capture, and write the trace (default: FILE.gradlens.json)
${TRACE_OPTIONS_TEXT}
${HELP_OPTIONS_TEXT}
${EXIT_STATUS.trace}`,
};

/** What a usage error prints after its message: the synopsis and where the rest is. */
function usageHint(command: Command | null): string {
  return command === null
    ? `usage: gradlens run|trace FILE [options] [-- ARGS...]\nsee 'gradlens --help'`
    : `usage: ${SYNOPSIS[command]}\nsee 'gradlens ${command} --help'`;
}

class UsageError extends Error {
  /** The command whose usage the hint shows; null for the command line as a whole. */
  command: Command | null;

  constructor(message: string, command: Command | null = null) {
    super(message);
    this.command = command;
  }
}

interface Parsed {
  command: Command;
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

/** What the command line asks for: a usage (null: the general one), the version, or a run. */
export type Request = { kind: 'help'; command: Command | null } | { kind: 'version' } | { kind: 'program'; parsed: Parsed };

/** Options `run` takes too; the others are `trace`'s alone. */
const RUN_OPTIONS: readonly string[] = ['--max-memory-mb'];
const TRACE_ONLY_OPTIONS: readonly string[] = ['-o', '--output', '--html', '--max-elements', '--timeout', '--seed', '--gradcheck', '--keep', '--max-trace-mb', '--verbose'];

const isCommand = (word: string | undefined): word is Command => word === 'run' || word === 'trace';
const isHelp = (arg: string) => arg === '--help' || arg === '-h';

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

/**
 * The command line, read.
 *
 * @example
 *   parseArgs(['trace', 'train.ts', '--seed', '3', '--', '40']) // { kind: 'program', parsed: { command: 'trace', file: 'train.ts', seed: 3, args: ['40'] } }
 *   parseArgs(['trace', 'train.ts', '--help'])                  // { kind: 'help', command: 'trace' }
 */
export function parseArgs(argv: readonly string[]): Request {
  const [first, ...rest] = argv;
  if (first === undefined || isHelp(first)) return { kind: 'help', command: null };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (first === 'help') return helpRequest(rest);
  if (!isCommand(first)) throw new UsageError(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}' (the commands are run and trace)`);
  // Before `--` (the program's own arguments), --help and --version win over anything else on the line.
  const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (own.some(isHelp)) return { kind: 'help', command: first };
  if (own.includes('--version')) return { kind: 'version' };
  try {
    return { kind: 'program', parsed: parseCommand(first, rest) };
  } catch (error) {
    if (error instanceof UsageError && error.command === null) error.command = first;
    throw error;
  }
}

/** `gradlens help [COMMAND]`. */
function helpRequest(rest: readonly string[]): Request {
  const [command, extra] = rest;
  if (command === undefined) return { kind: 'help', command: null };
  if (!isCommand(command)) throw new UsageError(`help: unknown command '${command}' (the commands are run and trace)`);
  if (extra !== undefined) throw new UsageError(`help: unexpected argument '${extra}'`, command);
  return { kind: 'help', command };
}

/** After FILE, an unknown option may be one of the program's own. */
function unknownOption(arg: string, file: string | undefined): string {
  return file === undefined ? `unknown option '${arg}'` : `unknown option '${arg}' (the program's own arguments go after --)`;
}

function parseCommand(command: Command, rest: readonly string[]): Parsed {
  const parsed: Partial<Parsed> = { command, args: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') { parsed.args = rest.slice(i + 1); break; }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (arg.startsWith('-')) {
      if (command === 'run' && !RUN_OPTIONS.includes(flag)) {
        throw new UsageError(TRACE_ONLY_OPTIONS.includes(flag) ? `${flag} is an option of trace, not of run` : unknownOption(arg, parsed.file));
      }
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
        default: throw new UsageError(unknownOption(arg, parsed.file));
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

/**
 * Why FILE cannot be the program (missing, a folder, not a regular file), or null. Asked before
 * anything runs, so that nothing is written for it (not even the trace of a run that never started).
 */
function programProblem(file: string): string | null {
  let stat: Stats;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `cannot read ${file}: ${(error as Error).message}`;
    return resolve(file) === file ? `no such file: ${file}` : `no such file: ${file} (${resolve(file)})`;
  }
  if (stat.isDirectory()) return `${file} is a folder; name the program's file (.ts or .js)`;
  if (!stat.isFile()) return `${file} is not a regular file; name the program's file (.ts or .js)`;
  return null;
}

function report(result: RunResult): void {
  if (result.error && result.error.origin === 'process') process.stderr.write(`gradlens: ${result.error.message}\n`);
  for (const warning of result.warnings) process.stderr.write(`gradlens: ${warning}\n`);
}

const CANCELLING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const cancelled = new AbortController();
/** The signal that cancelled the run: one gradlens received, or SIGPIPE for a closed stdout. */
let received: NodeJS.Signals | null = null;
/** Set once a write to stdout failed with EPIPE: the program's output is no longer passed on. */
let stdoutClosed = false;

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

/**
 * Node ignores SIGPIPE: a write to a stdout whose reader exited (`gradlens run FILE | head`) fails
 * with EPIPE instead. The run is then cancelled as SIGPIPE would end a writer (exit 141), its trace
 * still written; a closed stderr is ignored (there is nowhere left to say anything).
 */
function cancelOnClosedOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (stdoutClosed) return;
    stdoutClosed = true;
    process.stderr.write('gradlens: stdout was closed (its reader exited): the program was stopped\n');
    received ??= 'SIGPIPE';
    cancelled.abort('SIGPIPE');
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'EPIPE') throw error; });
}

/** 128 + N after signal N to gradlens, else the status of the run (outcome.ts). */
function exitCode(result: RunResult): number {
  return received !== null ? 128 + signalNumber(received) : exitStatus(result.outcome, result.exitCode);
}

export async function main(argv: readonly string[], distDir: string): Promise<number> {
  let request: Request;
  try {
    request = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`gradlens: ${error.message}\n${usageHint(error.command)}\n`);
    return 2;
  }
  if (request.kind === 'help') { process.stdout.write(`${request.command === null ? USAGE : COMMAND_USAGE[request.command]}\n`); return 0; }
  if (request.kind === 'version') { process.stdout.write(`gradlens ${version}\n`); return 0; }
  const { parsed } = request;
  const problem = programProblem(parsed.file);
  if (problem !== null) { process.stderr.write(`gradlens: ${problem}\n`); return 2; }
  cancelOnSignals();
  cancelOnClosedOutput();
  const common = {
    file: parsed.file, args: parsed.args, distDir, stdin: 'inherit' as const, signal: cancelled.signal,
    ...(parsed.maxMemoryMb !== undefined ? { maxMemoryMb: parsed.maxMemoryMb } : {}),
    onStdout: (chunk: string) => { if (!stdoutClosed) process.stdout.write(chunk); },
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
  // Refused by checkInputs, or FILE gone since programProblem: nothing ran, nothing is written.
  if (result.refused !== undefined || (result.outcome.kind === 'did-not-start' && result.outcome.reason === 'not-found')) return 2;
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
