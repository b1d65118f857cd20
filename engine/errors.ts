/**
 * Engine errors: messages that name the op and the shapes or values involved, with a stack that
 * starts at the user's own call instead of the engine's internals (V8 engines; elsewhere unchanged).
 */

/** Every error the engine raises on purpose (bad shapes, dtypes, indices, misuse of autograd). */
export class GradLensError extends Error {
  /** The op or API function that refused, e.g. `add` or `backward`. */
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'GradLensError';
    this.op = op;
  }
}

interface CallSiteLike {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  isNative?(): boolean;
}

type V8ErrorConstructor = ErrorConstructor & {
  captureStackTrace?(target: object, constructorOpt?: Function): void;
  prepareStackTrace?: (error: Error, frames: CallSiteLike[]) => unknown;
  stackTraceLimit?: number;
};

const V8Error = Error as V8ErrorConstructor;
const USER_FRAMES_KEPT = 10;
const FRAMES_SEARCHED = 80;

interface EngineCodeRange {
  file: string;
  start: number;
  end: number;
  /** When the engine is not one bundle (e.g. run from sources), every file under this folder. */
  folder: string | null;
}

let engineRange: EngineCodeRange | null = null;

function structuredFrames(read: () => unknown): CallSiteLike[] | null {
  if (typeof V8Error.captureStackTrace !== 'function') return null;
  const previous = V8Error.prepareStackTrace;
  try {
    V8Error.prepareStackTrace = (_error, frames) => frames;
    const frames = read();
    return Array.isArray(frames) ? (frames as CallSiteLike[]) : null;
  } catch {
    return null;
  } finally {
    V8Error.prepareStackTrace = previous;
  }
}

function topPosition(mark: Error): { file: string; line: number } | null {
  const frames = structuredFrames(() => mark.stack);
  const top = frames?.[0];
  const file = top?.getFileName();
  const line = top?.getLineNumber();
  return file && line ? { file, line } : null;
}

/** Called once, at the end of `index.ts`, with the marks made at the engine's first and last module. */
export function registerEngineRange(startMark: Error, endMark: Error): void {
  const start = topPosition(startMark);
  const end = topPosition(endMark);
  if (!start || !end) return;
  if (start.file === end.file) {
    engineRange = { file: start.file, start: start.line, end: end.line, folder: null };
  } else {
    const slash = Math.max(start.file.lastIndexOf('/'), start.file.lastIndexOf('\\'));
    engineRange = { file: '', start: 0, end: 0, folder: start.file.slice(0, slash + 1) };
  }
}

/** Engine code, or a built-in the engine called (Array.map, Number): neither is the user's line. */
function isEngineFrame(frame: CallSiteLike, range: EngineCodeRange): boolean {
  const file = frame.getFileName();
  if (!file || frame.isNative?.()) return true;
  if (range.folder !== null) return file.startsWith(range.folder);
  const line = frame.getLineNumber() ?? 0;
  return file === range.file && line >= range.start && line <= range.end;
}

/** Rewrites `error.stack` so that it begins at the first frame outside the engine. */
export function startStackAtUserCode(error: Error): void {
  const range = engineRange;
  if (range === null || typeof V8Error.captureStackTrace !== 'function') return;
  const limit = V8Error.stackTraceLimit;
  V8Error.stackTraceLimit = FRAMES_SEARCHED;
  try {
    const probe: { stack?: unknown } = {};
    const frames = structuredFrames(() => {
      V8Error.captureStackTrace!(probe, startStackAtUserCode);
      return probe.stack;
    });
    if (!frames) return;
    let engineFrames = 0;
    while (engineFrames < frames.length && isEngineFrame(frames[engineFrames]!, range)) engineFrames++;
    if (engineFrames === 0 || engineFrames === frames.length) return;
    // The same capture point again, now formatted by the host (which applies source maps in Node).
    V8Error.captureStackTrace(error, startStackAtUserCode);
    const stack = String(error.stack);
    const firstFrame = stack.indexOf('\n    at ');
    if (firstFrame < 0) return;
    const lines = stack.slice(firstFrame + 1).split('\n');
    const kept = lines.slice(engineFrames, engineFrames + (limit ?? USER_FRAMES_KEPT));
    error.stack = `${stack.slice(0, firstFrame)}\n${kept.join('\n')}`;
  } finally {
    V8Error.stackTraceLimit = limit;
  }
}

/** Where some engine call was made from: read later, when an error needs to say so. */
export interface CodeSite {
  /** Two captures of one stack: one read as frames (to count the engine's), one as the host formats it (source-mapped in Node). */
  readonly frames: { stack?: unknown };
  readonly text: { stack?: unknown };
}

/** The current stack, captured cheaply (it is formatted only if `siteText` reads it). */
export function captureSite(): CodeSite {
  const frames: { stack?: unknown } = {};
  const text: { stack?: unknown } = {};
  if (typeof V8Error.captureStackTrace === 'function') {
    const limit = V8Error.stackTraceLimit;
    V8Error.stackTraceLimit = FRAMES_SEARCHED;
    V8Error.captureStackTrace(frames, captureSite);
    V8Error.captureStackTrace(text, captureSite);
    V8Error.stackTraceLimit = limit;
  }
  return { frames, text };
}

/**
 * The user's frame of a captured site as the host writes it, e.g. `step (train.ts:18:7)`; null
 * when it cannot be told (no V8, or no frame outside the engine).
 */
export function siteText(site: CodeSite): string | null {
  const range = engineRange;
  const frames = structuredFrames(() => site.frames.stack);
  if (!frames) return null;
  let engineFrames = 0;
  if (range !== null) while (engineFrames < frames.length && isEngineFrame(frames[engineFrames]!, range)) engineFrames++;
  if (engineFrames === frames.length) return null;
  const lines = String(site.text.stack ?? '').split('\n').filter((line) => line.startsWith('    at '));
  const line = lines[engineFrames];
  return line === undefined ? null : line.slice('    at '.length);
}

/** Builds a GradLensError whose stack starts at the user's call. Use as `throw engineError(...)`. */
export function engineError(op: string, message: string): GradLensError {
  const error = new GradLensError(op, message);
  startStackAtUserCode(error);
  return error;
}

/** The same for the standard error classes JavaScript users expect in a few places (TypeError). */
export function engineTypeError(op: string, message: string): TypeError {
  const error = new TypeError(`${op}: ${message}`);
  startStackAtUserCode(error);
  return error;
}

/**
 * `(2, 3)`, `(4,)`, `()`: a shape as NumPy writes it, in the engine's messages and printed arrays
 * (the engine's one shape formatter; the inspector's is protocol/query/format.ts).
 */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
