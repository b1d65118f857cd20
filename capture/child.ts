/**
 * Preloaded (`node --require`) into the traced program's process: takes the run's configuration
 * (env.ts) and removes every trace of it the program could read, attaches the recorder to the
 * engine the program imports, seeds the random generator, sets the memory budget of arrays, and
 * journals an uncaught error before the process ends.
 */
import { closeSync, constants, openSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type * as Engine from 'gradlens';
import { SiteLocator } from './callsite';
import { ENV, NODE_OF_SYMBOL, PAUSE_SYMBOL, PRIVATE_PREFIX, SITES_SYMBOL, type ChildConfig } from './env';
import type { MappedPosition } from './journal';
import { frameOutput, JournalWriter } from './journal-writer';
import { Recorder } from './recorder';
import { restoreNames } from './restoreNames';
import { useSummaryKernels } from './valueStats';

/** GradLens's own code, as stack frames name it: built files, and the sources their maps point to. */
export interface OwnCode {
  files: readonly string[];
  folders: readonly string[];
}

/** This preload's and the engine's code, from where the preload was built (dist/). */
export function ownCode(preloadPath: string, enginePath: string): OwnCode {
  const root = join(dirname(preloadPath), '..');
  return { files: [preloadPath, enginePath], folders: ['engine', 'capture', 'cli', 'protocol', 'extension', 'webview'].map((folder) => join(root, folder) + sep) };
}

/**
 * The first frame of a (source-mapped) stack that is the user's: not Node's, not the engine's,
 * not the recorder's (a stack overflow inside the recorder has nothing but its frames on top).
 */
/**
 * An uncaught error as the program wrote it: its message and stack with the program's own names
 * (`X.slice is not a function`, not the bundler's `X2.slice`), and the user's line it came from.
 */
function describeError(error: unknown, own: OwnCode): { message: string; stack: string; position: MappedPosition | null } {
  const rawStack = error instanceof Error ? safeString(() => error.stack) : safeString(() => error);
  const rawMessage = error instanceof Error ? safeString(() => error.message) : safeString(() => error);
  // Frames are looked for below the message: a message can hold lines that look like frames.
  const header = error instanceof Error ? safeString(() => error) : '';
  const hasHeader = header !== '' && rawStack.startsWith(header);
  const frames = hasHeader ? rawStack.slice(header.length) : rawStack;
  const position = userPosition(frames, own);
  const line = position ? sourceLine(position.file, position.line) : null;
  const stack = hasHeader ? restoreNames(header, line) + frames : rawStack;
  return { message: restoreNames(rawMessage, line), stack, position };
}

/** `gradlens run`: an uncaught error is printed as Node would, with the program's own names. */
function printUncaught(own: OwnCode): void {
  const fail = (error: unknown): void => {
    const { stack, position } = describeError(error, own);
    // Node's own report starts with the line and a caret under the column: kept.
    const line = position ? sourceLine(position.file, position.line) : null;
    const where = position && line !== null ? `${position.file}:${position.line}\n${line}\n${' '.repeat(Math.max(position.column - 1, 0))}^\n\n` : '';
    process.stderr.write(`${where}${error instanceof Error ? stack : `Uncaught ${stack}`}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

/** Line `line` (1-based) of `file`, or null when it cannot be read. */
function sourceLine(file: string, line: number): string | null {
  try {
    return readFileSync(file, 'utf8').split('\n')[line - 1] ?? null;
  } catch {
    return null;
  }
}

export function userPosition(stack: string, own: OwnCode): MappedPosition | null {
  for (const line of stack.split('\n')) {
    const match = /^\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith('node:') || own.files.includes(file) || own.folders.some((folder) => file.startsWith(folder))) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return null;
}

/**
 * Output to a pipe is asynchronous in Node: a program that then spins forever (and is killed at
 * the timeout) would lose what it printed. Blocking writes keep every line.
 */
function blockingOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const handle = (stream as unknown as { _handle?: { setBlocking?(blocking: boolean): void } })._handle;
    handle?.setBlocking?.(true);
  }
}

/**
 * The engine's own settings from the environment (GRADLENS_KERNELS=js, GRADLENS_THREADS=N), read
 * before the variables are removed (the engine is loaded after that) and applied to the engine
 * the program imports: a traced run computes as an untraced `node` run of the same program would.
 */
function takeKernelSettings(): (engine: typeof Engine) => void {
  const kernels = process.env.GRADLENS_KERNELS;
  const threads = Number(process.env.GRADLENS_THREADS);
  return (engine) => {
    if (kernels === 'js') engine.useKernels('js');
    if (Number.isInteger(threads) && threads >= 1) engine.useThreads(threads);
  };
}

/** The run's configuration, read once: the file is deleted and the variables removed before the program runs. */
function takeConfig(): ChildConfig | null {
  const path = process.env[ENV.config];
  for (const name of Object.keys(process.env)) if (name.startsWith(PRIVATE_PREFIX)) delete process.env[name];
  if (!path) return null;
  try {
    const text = readFileSync(path, 'utf8');
    unlinkSync(path);
    return JSON.parse(text) as ChildConfig;
  } catch {
    return null; // a Node process the program started with our execArgv: its config was taken already
  }
}

/** `String(value())`, or '' when the program's object throws on being read (a getter, a toString). */
function safeString(value: () => unknown): string {
  try {
    return String(value());
  } catch {
    return '';
  }
}

/** A full garbage collection without giving the program `gc`: the flag is on only while a new context fetches it. */
function fullCollection(): () => void {
  let gc: (() => void) | null = null;
  return () => {
    if (gc === null) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
      setFlagsFromString('--no-expose-gc');
    }
    gc();
  };
}

/**
 * The journal's fd: inherited, or opened by its path now, before the program's first line could
 * look for it — appended to, never created (the runner made it, 0600). Null: it cannot be written.
 */
function journalOf(journal: NonNullable<ChildConfig['capture']>['journal']): number | null {
  if ('fd' in journal) return journal.fd;
  try {
    return openSync(journal.path, constants.O_WRONLY | constants.O_APPEND);
  } catch (error) {
    process.stderr.write(`gradlens: no trace: its journal could not be opened (${error instanceof Error ? error.message : String(error)})\n`);
    return null;
  }
}

/**
 * What a debugger calls at each stop (env.ts PAUSE_SYMBOL): the journal flushed, what it holds in
 * memory written to the peek file — opened, emptied and closed each time, never created (the
 * runner made it). A symbol-keyed, non-enumerable property: the program does not meet it by chance.
 */
function answerPauses(journal: JournalWriter, peekPath: string, key: Buffer): void {
  Object.defineProperty(globalThis, Symbol.for(PAUSE_SYMBOL), {
    enumerable: false,
    value: (): number => {
      let fd: number;
      try {
        fd = openSync(peekPath, constants.O_WRONLY | constants.O_TRUNC);
      } catch {
        journal.flush();
        return -2; // the peek file is gone: the host shows what the journal holds
      }
      try {
        const held = journal.peek(frameOutput(fd, key, () => {}));
        return held ?? -1;
      } finally {
        closeSync(fd);
      }
    },
  });
}

/**
 * The first NaN/Inf pauses the program under the debugger (`pauseFile`: pause.ts built); later
 * ones are journaled as always. A pause file that cannot be loaded pauses nothing.
 */
function breakOnce(pauseFile: string): (message: string) => void {
  let paused = false;
  return (message) => {
    if (paused) return;
    paused = true;
    try {
      const { pauseOnNonFinite } = require(pauseFile) as typeof import('./pause');
      pauseOnNonFinite(message);
    } catch {
      // no pause file: the anomaly is in the trace, the program goes on
    }
  };
}

function start(): void {
  blockingOutput();
  const kernelSettings = takeKernelSettings();
  const config = takeConfig();
  if (!config) return;
  const engine = require(config.engine) as typeof Engine;
  kernelSettings(engine);
  engine.np.random.seed(config.seed);
  engine.setMemoryBudget({
    maxBytes: config.maxArrayBytes,
    liveBytes: () => process.memoryUsage().arrayBuffers,
    collect: fullCollection(),
    advice: config.memoryAdvice,
  });
  const capture = config.capture;
  const own = ownCode(__filename, config.engine);
  if (!capture) { // `gradlens run`
    printUncaught(own);
    return;
  }
  // The recorder's loops over every large array on the program's engine's kernels (valueStats.ts).
  if (typeof engine.valueSums === 'function') {
    useSummaryKernels({ valueSums: engine.valueSums, anyNonFinite: engine.anyNonFinite, updateSums: engine.updateSums });
  }

  const journalFd = journalOf(capture.journal);
  if (journalFd === null) return;
  const journal = new JournalWriter(frameOutput(journalFd, Buffer.from(capture.key, 'hex'), (error) => {
    process.stderr.write(`gradlens: the trace ends here: its journal could not be written (${error instanceof Error ? error.message : String(error)})\n`);
  }), capture.maxElements, { maxBytes: capture.keep.maxTraceMb * 2 ** 20, requested: capture.keep.requested });
  journal.write({ t: 'start', engineVersion: engine.version, seed: config.seed, maxElements: capture.maxElements, keep: capture.keep });
  journal.flush(); // a program stopped in its first 100 ms still leaves its seed and engine version
  if (capture.peek) answerPauses(journal, capture.peek, Buffer.from(capture.key, 'hex'));
  // The statement markers of the instrumented program write here (bundle.ts, instrument.ts).
  const markers = Int32Array.of(-1, 0);
  (globalThis as Record<symbol, unknown>)[Symbol.for(SITES_SYMBOL)] = markers;
  const locator = new SiteLocator([capture.bundle, pathToFileURL(capture.bundle).href], (id, site) => journal.write({ t: 'site', id, ...site }), markers);
  const gradcheck = capture.gradcheck;
  const recorder = new Recorder({
    maxElements: capture.maxElements,
    locate: (kind) => locator.locate(kind),
    journal,
    flush: () => journal.flush(),
    ...(capture.breakOnNaN ? { onAnomaly: breakOnce(capture.breakOnNaN) } : {}),
    ...(gradcheck ? {
      gradcheck: {
        settings: gradcheck,
        check: (heads, headGrads) => engine.autograd.gradcheckRecorded(heads, { ...gradcheck, headGrads }),
      },
    } : {}),
  });
  engine.setEngineObserver(recorder.observer);
  // A debugger's "Show in GradLens Inspector" on a variable asks which node its array is.
  if (capture.peek) Object.defineProperty(globalThis, Symbol.for(NODE_OF_SYMBOL), { enumerable: false, value: (value: unknown) => recorder.nodeOf(value) });

  const fail = (error: unknown): void => {
    engine.setEngineObserver(null);
    // Read first: the error's getters, when the program gave it some, run statements of their own.
    const statement = error instanceof Error && markers[0]! >= 0 ? markers[0]! : null;
    const { message, stack, position } = describeError(error, own);
    journal.write({
      t: 'error', message, stack, position,
      statement, // only for an Error: a rejected string has no stack to have lost, and may come from anywhere
      ...(error instanceof engine.ArrayMemoryError ? { outOfArrayMemory: true as const } : {}),
    });
    journal.flush();
    process.stderr.write(`${error instanceof Error ? stack : `Uncaught ${stack}`}\n`);
    process.exitCode = 1;
  };
  process.on('uncaughtException', (error) => { fail(error); process.exit(1); });
  process.on('unhandledRejection', (reason) => { fail(reason); process.exit(1); });
  process.on('exit', (code) => {
    journal.write({ t: 'exit', code });
    journal.close();
  });
}

start();
