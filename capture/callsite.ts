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
const SHORT_STACK = 10;
const LONG_STACK = 100;

export class SiteLocator {
  private readonly sites = new Map<string, number>();
  private readonly files: ReadonlySet<string>;
  /** Site ids by event kind, then by (statement, events since it began): see instrument.ts. */
  private readonly cache = new Map<string, Map<number, number | null>>();
  private statementRun = -1;
  private ordinal = 0;

  /**
   * `userFiles`: the bundle's path and its file: URL (ESM stacks name URLs). `markers`: the array
   * the instrumented program's statements write to ([statement number, runs so far]), if any.
   */
  constructor(
    userFiles: readonly string[],
    private readonly define: (id: number, site: RawSite) => void,
    private readonly markers: Int32Array | null = null,
  ) {
    this.files = new Set(userFiles);
  }

  /**
   * The site id of the user's code that caused the current engine event (`kind`: the op or the
   * event's name), or null. Capturing a stack is the main cost of tracing (3-12 µs here), so with
   * statement markers a capture happens once per (statement, position in it, kind); without them,
   * every time, trying a short stack first: the user's frame is usually a few engine frames up.
   */
  locate(kind: string): number | null {
    const markers = this.markers;
    if (markers === null) return this.capture();
    const run = markers[1]!;
    if (run !== this.statementRun) {
      this.statementRun = run;
      this.ordinal = 0;
    }
    // A number, not a string: this runs for every engine event of the program.
    const key = markers[0]! * 1024 + Math.min(this.ordinal++, 1023);
    let byKey = this.cache.get(kind);
    if (byKey === undefined) {
      byKey = new Map();
      this.cache.set(kind, byKey);
    }
    let site = byKey.get(key);
    if (site === undefined || this.ordinal > 1023) {
      site = this.capture();
      byKey.set(key, site);
    }
    return site;
  }

  private capture(): number | null {
    return this.search(SHORT_STACK) ?? this.search(LONG_STACK);
  }

  private search(limit: number): number | null {
    const previousPrepare = V8Error.prepareStackTrace;
    const previousLimit = V8Error.stackTraceLimit;
    const holder: { stack?: CallSite[] } = {};
    try {
      V8Error.prepareStackTrace = returnFrames;
      V8Error.stackTraceLimit = limit;
      V8Error.captureStackTrace(holder, this.search);
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
