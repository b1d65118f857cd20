/**
 * What must not outlive the process that runs programs (the CLI, VS Code's extension host): the
 * runs' process trees and temporary folders. Each run registers how to end itself; they all run
 * when this process exits — also through `process.exit` on a second Ctrl+C — and on `endAllRuns()`.
 * A SIGKILL of this process cannot be caught: then the program is left running (it is in a process
 * group of its own) and its folder under the temp directory stays behind.
 */
// One set per process, however many bundles hold a copy of this module (each test file is one):
// one exit listener ends them all.
const SHARED = Symbol.for('gradlens.capture.cleanups');
const shared = globalThis as { [SHARED]?: Set<() => void> };
const installed = shared[SHARED] !== undefined;
const cleanups = (shared[SHARED] ??= new Set<() => void>());
if (!installed) process.on('exit', () => endAllRuns());

/** Registers `cleanup` (synchronous) until the returned function is called. */
export function untilDone(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => { cleanups.delete(cleanup); };
}

/** Ends every run still going: kills its processes and removes its folder. */
export function endAllRuns(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // the others still run
    }
  }
}
