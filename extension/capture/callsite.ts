/**
 * Finding the user's line from inside the engine: the first stack frame in the user's bundle.
 * Each distinct generated position becomes a numbered site, written to the journal once.
 */
import type { RawSite } from './journal';

interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
}

type V8ErrorConstructor = ErrorConstructor & {
  captureStackTrace(target: object, constructorOpt?: Function): void;
  prepareStackTrace?: (error: Error, frames: CallSite[]) => unknown;
  stackTraceLimit: number;
};

const V8Error = Error as V8ErrorConstructor;
const returnFrames = (_error: Error, frames: CallSite[]): CallSite[] => frames;

export class SiteLocator {
  private readonly sites = new Map<string, number>();
  private readonly files: ReadonlySet<string>;

  /** `userFiles`: the bundle's path and its file: URL (ESM stacks name URLs). */
  constructor(userFiles: readonly string[], private readonly define: (id: number, site: RawSite) => void) {
    this.files = new Set(userFiles);
  }

  /** The site id of the innermost user frame on the current stack, or null. */
  locate(): number | null {
    const previousPrepare = V8Error.prepareStackTrace;
    const previousLimit = V8Error.stackTraceLimit;
    const holder: { stack?: CallSite[] } = {};
    try {
      V8Error.prepareStackTrace = returnFrames;
      V8Error.stackTraceLimit = 24;
      V8Error.captureStackTrace(holder, this.locate);
      const frames = holder.stack;
      if (!Array.isArray(frames)) return null;
      for (const frame of frames) {
        const file = frame.getFileName();
        if (file && this.files.has(file)) return this.intern(file, frame);
      }
      return null;
    } finally {
      V8Error.prepareStackTrace = previousPrepare;
      V8Error.stackTraceLimit = previousLimit;
    }
  }

  private intern(file: string, frame: CallSite): number {
    const line = frame.getLineNumber() ?? 0;
    const column = frame.getColumnNumber() ?? 0;
    const key = `${line}:${column}`;
    let id = this.sites.get(key);
    if (id === undefined) {
      id = this.sites.size;
      this.sites.set(key, id);
      const fn = frame.getFunctionName();
      this.define(id, fn ? { file, line, column, fn } : { file, line, column });
    }
    return id;
  }
}
