/**
 * Where a debugged program stops when "breakOnNaN" is on and an op first produces NaN or ±∞
 * (forward or backward). Built on its own (dist/capture-pause.js) so that VS Code's JavaScript
 * debugger, which skips the engine's and the preload's files (and ignores `debugger` statements in
 * them), does not skip this one: the `debugger` statement below pauses the program, with this
 * frame on top of the Call Stack and the user's line of the op below the engine's skipped frames.
 * GradLens says why in the Debug Console, selects the op's node in the inspector and shows its
 * line in the editor (extension/pausedGraph.ts).
 */

/** `explanation`: what produced what, as the anomaly says it (in the Variables view while here). */
export function pauseOnNonFinite(explanation: string): void {
  // eslint-disable-next-line no-debugger
  debugger; // GradLens: an op produced NaN or ±∞ — the line that ran it is below in the Call Stack.
  void explanation;
}
