/**
 * How the runner configures the preloaded recorder (child.ts). Everything travels in one file in
 * the run's private folder, which the preload reads and deletes before the program starts: the
 * environment would not do for the journal's key, since a program reads its initial environment
 * from /proc/self/environ whatever the preload removes from `process.env`.
 */
import type { GradcheckSettings } from './recorder';

export const ENV = {
  /** Path of the run's configuration (ChildConfig as JSON, mode 0600). */
  config: 'GRADLENS_CONFIG',
  /**
   * The run tag: a random value every process of the run inherits, by which a descendant that left
   * the program's process group is still found and ended (processTree.ts). It is no secret, and not
   * a `GRADLENS_` variable on purpose: the preload removes those from the program's environment.
   */
  runTag: '__GRADLENS_RUN_TAG',
} as const;

/** Variables with this prefix are removed from `process.env` before the program starts. */
export const PRIVATE_PREFIX = 'GRADLENS_';

export interface ChildConfig {
  /** Absolute path of the engine build the program imports as `gradlens`. */
  engine: string;
  seed: number;
  /** The budget of the program's array bytes (engine memory.ts), and what its error advises. */
  maxArrayBytes: number;
  memoryAdvice: string;
  /** Absent for `gradlens run` (no capture). */
  capture?: {
    /**
     * The journal, its frames MACed with `key` (hex): an fd the runner opened and the child
     * inherited, or — a debugger started the process, and cannot pass it an fd — the path of the
     * file the runner created, which the preload opens before the program runs.
     */
    journal: { fd: number } | { path: string };
    key: string;
    /** The bundled program, whose frames are the user's. */
    bundle: string;
    maxElements: number;
    /** Numeric gradient checks of every backward pass (recorder.ts), or none. */
    gradcheck: GradcheckSettings | null;
    /** Which passes to keep whole (keepPolicy.ts): the trace's budget in MB and the passes asked for. */
    keep: { maxTraceMb: number; requested: [number, number][] };
    /**
     * A run a debugger starts: the file (the runner made it, 0600) where the preload writes, at
     * each stop, what its journal still holds in memory (PAUSE_SYMBOL).
     */
    peek?: string;
    /**
     * A run a debugger starts with "breakOnNaN": the built pause.ts (dist/capture-pause.js), which
     * the first op that produces NaN or ±∞ calls to pause the program.
     */
    breakOnNaN?: string;
  };
}

/** The shared Int32Array the instrumented program's statement markers write to (instrument.ts). */
export const SITES_SYMBOL = 'gradlens.sites';

/**
 * A debugger paused in the program calls `globalThis[Symbol.for(PAUSE_SYMBOL)]()` (a DAP
 * `evaluate` in the paused frame): the journal is flushed, what it holds in memory is written to
 * the peek file in frames MACed as the journal's, and the call returns the id of the pass whose
 * summary that replaces, or -1 (capture/liveJournal.ts reads both).
 */
export const PAUSE_SYMBOL = 'gradlens.pause';

/** What a debugger evaluates in the paused frame: -3 when the process has no GradLens capture (not the run's own). */
export const PAUSE_EXPRESSION = `globalThis[Symbol.for(${JSON.stringify(PAUSE_SYMBOL)})]?.() ?? -3`;

/** `globalThis[Symbol.for(NODE_OF_SYMBOL)](value)`: the trace's node id of an array the program holds, or -1. */
export const NODE_OF_SYMBOL = 'gradlens.nodeOf';

/** What a debugger evaluates for the node of the value of `expression` (a variable's evaluateName): -3 without capture. */
export function nodeOfExpression(expression: string): string {
  return `globalThis[Symbol.for(${JSON.stringify(NODE_OF_SYMBOL)})]?.((${expression})) ?? -3`;
}
