/**
 * Preloaded (`node --require`) into the traced program's process: attaches the recorder to the
 * engine the program imports, seeds the random generator, and journals an uncaught error before
 * the process ends. Configured through environment variables set by the runner (runner.ts).
 */
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Engine from 'gradlens';
import { SiteLocator } from './callsite';
import { ENV, SITES_SYMBOL } from './env';
import type { MappedPosition } from './journal';
import { fileOutput, JournalWriter } from './journal-writer';
import { Recorder, type GradcheckSettings } from './recorder';

/**
 * The first frame of a (source-mapped) stack that is the user's: not Node's, not the engine's
 * (dist/engine.js, or the engine's sources it maps back to).
 */
export function userPosition(stack: string, enginePath: string): MappedPosition | null {
  const engineSources = join(dirname(enginePath), '..', 'engine') + sep;
  for (const line of stack.split('\n')) {
    const match = /^\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith('node:') || file === enginePath || file.startsWith(engineSources)) continue;
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

function start(): void {
  blockingOutput();
  const enginePath = process.env[ENV.engine];
  const seed = Number(process.env[ENV.seed]);
  if (!enginePath) return;
  const engine = require(enginePath) as typeof Engine;
  if (Number.isInteger(seed)) engine.np.random.seed(seed);
  const journalPath = process.env[ENV.journal];
  const bundle = process.env[ENV.bundle];
  if (!journalPath || !bundle) return; // `gradlens run`: no capture

  const maxElements = Number(process.env[ENV.maxElements]) || 1024;
  const journal = new JournalWriter(fileOutput(journalPath), maxElements);
  journal.write({ t: 'start', engineVersion: engine.version, seed, maxElements });
  // The statement markers of the instrumented program write here (bundle.ts, instrument.ts).
  const markers = new Int32Array(2);
  (globalThis as Record<symbol, unknown>)[Symbol.for(SITES_SYMBOL)] = markers;
  const locator = new SiteLocator([bundle, pathToFileURL(bundle).href], (id, site) => journal.write({ t: 'site', id, ...site }), markers);
  const gradcheckJson = process.env[ENV.gradcheck];
  const gradcheck = gradcheckJson ? JSON.parse(gradcheckJson) as GradcheckSettings : null;
  const recorder = new Recorder({
    maxElements,
    locate: (kind) => locator.locate(kind),
    journal,
    flush: () => journal.flush(),
    ...(gradcheck ? {
      gradcheck: {
        settings: gradcheck,
        check: (heads, headGrads) => engine.autograd.gradcheckRecorded(heads, { ...gradcheck, headGrads }),
      },
    } : {}),
  });
  engine.setEngineObserver(recorder.observer);

  const fail = (error: unknown): void => {
    engine.setEngineObserver(null);
    const stack = error instanceof Error ? String(error.stack) : String(error);
    const message = error instanceof Error ? error.message : String(error);
    journal.write({ t: 'error', message, stack, position: userPosition(stack, enginePath) });
    journal.flush();
    process.stderr.write(`${error instanceof Error ? stack : `Uncaught ${stack}`}\n`);
    process.exitCode = 1;
  };
  process.on('uncaughtException', (error) => { fail(error); process.exit(1); });
  process.on('unhandledRejection', (reason) => { fail(reason); process.exit(1); });
  process.on('exit', () => journal.close());
}

start();
