/**
 * A `gradlens` launch that pauses, as the launch of VS Code's own JavaScript debugger (js-debug,
 * built into VS Code and code-server) runs it: a Node launch of the bundled program with the
 * capture preloaded (capture/prepare.ts), its source map let in so that breakpoints in the user's
 * file bind, its output in the Debug Console. Plain data: no `vscode` here, tested in Node.
 *
 *   nodeDebugConfiguration(run.launch, { name: 'GradLens: train.ts', stopOnEntry: false }, 'run-1', distDir)
 *   // { type: 'pwa-node', request: 'launch', program: '/tmp/gradlens-…/program.mjs', sourceMaps: true, … }
 */
import type { NodeLaunch } from '../capture/runner';

/**
 * js-debug's Node type. `pwa-node` is the name its launcher registers itself under (the `node` type
 * resolves to it too); both are contributed by code-server 4.139's js-debug 1.117.
 */
export const JS_DEBUG_TYPE = 'pwa-node';

/** The attribute that names the run a js-debug session is (its configuration carries it). */
export const RUN_ATTRIBUTE = '__gradlensRun';

/** What of a `gradlens` launch configuration goes into the Node launch as it is. */
export interface PausingLaunch {
  name: string;
  env?: Record<string, string>;
  stopOnEntry?: boolean;
}

/** The js-debug launch configuration of a prepared run, named `runId` (RUN_ATTRIBUTE). */
export function nodeDebugConfiguration(launch: NodeLaunch, asked: PausingLaunch, runId: string, distDir: string): Record<string, unknown> {
  return {
    type: JS_DEBUG_TYPE,
    request: 'launch',
    name: asked.name,
    program: launch.program,
    args: launch.args,
    cwd: launch.cwd,
    // The run's own variables last: the configuration's path is not the user's to replace.
    env: { ...asked.env, ...launch.env },
    runtimeExecutable: launch.runtimeExecutable,
    runtimeArgs: launch.runtimeArgs,
    sourceMaps: true,
    // The program's first statements may be the ones with breakpoints: it waits until they are bound.
    pauseForSourceMap: true,
    // The bundle and its map live in the run's private folder, outside the workspace js-debug looks in by default.
    outFiles: [launch.program],
    resolveSourceMapLocations: [`${launch.workDir}/**`],
    // Stepping goes through the user's code, not through Node's, the preload's or the engine's
    // (dist/capture-pause.js is not skipped: it is where "breakOnNaN" pauses, capture/pause.ts).
    skipFiles: ['<node_internals>/**', `${distDir}/engine.js`, `${distDir}/capture-child.js`],
    console: 'internalConsole',
    // The process's own stdout and stderr, byte for byte, as a run without the debugger keeps them in its trace.
    outputCapture: 'std',
    stopOnEntry: asked.stopOnEntry === true,
    [RUN_ATTRIBUTE]: runId,
  };
}

/** The launch attributes GradLens reads, checked: the first that is not what it should be, in words, or null. */
export function launchProblem(config: Record<string, unknown>): string | null {
  const { args, cwd, env, seed, gradcheck, stopOnEntry, pause, breakOnNaN } = config;
  if (args !== undefined && !(Array.isArray(args) && args.every((arg) => typeof arg === 'string'))) return '"args" must be a list of strings';
  if (cwd !== undefined && typeof cwd !== 'string') return '"cwd" must be a folder\'s path';
  if (env !== undefined && !(typeof env === 'object' && env !== null && !Array.isArray(env) && Object.values(env).every((value) => typeof value === 'string'))) {
    return '"env" must map names to strings';
  }
  if (seed !== undefined && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) < 2 ** 31)) return '"seed" must be a whole number from 0 to 2147483647';
  for (const [name, value] of Object.entries({ gradcheck, stopOnEntry, pause, breakOnNaN })) {
    if (value !== undefined && typeof value !== 'boolean') return `"${name}" must be true or false`;
  }
  return null;
}

/** The program's answer, checked: a pass id, -1 (nothing held), -2 (no peek file), -3 (no capture), or null (not an answer). */
export function pauseAnswer(result: unknown): number | null {
  if (typeof result !== 'string' || !/^-?\d{1,10}$/.test(result.trim())) return null;
  const answer = Number(result.trim());
  return answer >= -3 && answer < 2 ** 31 ? answer : null;
}

/** The file a program paused on NaN/Inf is stopped in (capture/pause.ts, built beside the preload). */
export const NAN_PAUSE_FILE = 'capture-pause.js';

/** Whether a paused frame's source path is the NaN/Inf pause (a remote client names it by URI). */
export function isNanPause(path: unknown): boolean {
  return typeof path === 'string' && /[\\/]capture-pause\.js$/.test(path);
}
