/** Environment variables through which the runner configures the preloaded recorder (child.ts). */
export const ENV = {
  /** Absolute path of the engine build the program imports as `gradlens`. */
  engine: 'GRADLENS_ENGINE',
  /** Journal file to append to; absent for `gradlens run` (no capture). */
  journal: 'GRADLENS_JOURNAL',
  /** The bundled program, whose frames are the user's. */
  bundle: 'GRADLENS_BUNDLE',
  seed: 'GRADLENS_SEED',
  maxElements: 'GRADLENS_MAX_ELEMENTS',
  /** Numeric gradient checks of every backward pass: JSON of GradcheckSettings (recorder.ts). */
  gradcheck: 'GRADLENS_GRADCHECK',
} as const;

/** The shared Int32Array the instrumented program's statement markers write to (instrument.ts). */
export const SITES_SYMBOL = 'gradlens.sites';
