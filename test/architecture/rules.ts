/**
 * Who may import whom: one row per source folder, what its files may import and why. Checked on
 * every import of every file (value and type, `export … from`, `import()`, `require()`) by
 * test/unit/architecture.test.ts through a real parser (./imports.ts). A target is a folder
 * (`protocol/`), one file (`capture/runner.ts`), a package (`esbuild`; `gradlens` is the engine
 * under its package name) or `node:` (Node's built-in modules, with or without the prefix).
 */

/** One allowed target; narrowed, when it has `only` or `names`, to some ways or some exports. */
export interface Allowed {
  target: string;
  /** Only these ways: `type` (erased by the build), `lazy` (import() or require() inside a function). */
  only?: readonly ('type' | 'lazy')[];
  /** Only these exports of the target. */
  names?: readonly string[];
  why: string;
}

export interface FolderRule {
  /** Its files, sub-folders included (protocol/ holds protocol/query/). */
  folder: string;
  why: string;
  may: readonly (string | Allowed)[];
}

export const RULES: readonly FolderRule[] = [
  {
    folder: 'engine/',
    why: 'the autograd engine runs unchanged in Node and in browsers and ships with no dependencies',
    may: ['engine/'],
  },
  {
    folder: 'engine/ops/defs/',
    why: 'op definitions are data the inspector reads too: of the engine they import types only, which the build erases',
    may: ['engine/ops/defs/', { target: 'engine/', only: ['type'], why: 'NDArray, the loop type and Operand describe the entries' }],
  },
  {
    folder: 'protocol/',
    why: 'the contract between the host and the inspector: plain data and pure functions, no Node, no DOM, no engine',
    may: ['protocol/'],
  },
  {
    folder: 'capture/',
    why: 'runs and records programs in Node, for the CLI and the extension alike: never VS Code or the inspector',
    may: [
      'capture/',
      { target: 'gradlens', why: 'the engine by its package name only: the build points it at dist/engine.js, the engine the program imports (a relative import would bundle a second copy)' },
      'protocol/', 'node:',
      { target: 'esbuild', why: 'bundles the program (a runtime dependency)' },
      { target: 'acorn', why: 'finds statements to mark (a runtime dependency)' },
    ],
  },
  {
    folder: 'cli/',
    why: 'the gradlens command: a front of the capture, with no VS Code',
    may: [
      'cli/', 'capture/', 'protocol/', 'node:',
      { target: 'gradlens', names: ['version'], why: '`gradlens --version` prints the version of the engine beside dist/cli.js' },
    ],
  },
  {
    folder: 'webview/',
    why: 'the inspector runs in a browser and knows the host only through protocol messages',
    may: ['webview/', 'protocol/', 'uplot', '@vscode/webview-ui-toolkit', '@vscode/codicons'],
  },
  {
    folder: 'webview/model/',
    why: 'the inspector\'s models are pure (tested in Node): no DOM, no screen state',
    may: ['webview/model/', 'protocol/', { target: 'engine/ops/defs/', why: 'the step panel says what each op\'s definition says of it (plain data: the defs import no engine code)' }],
  },
  {
    folder: 'webview/state/',
    why: 'the inspector\'s state, reducer and derivations are pure (tested in Node): they read models, never the DOM or the view',
    may: ['webview/state/', 'webview/model/', 'protocol/'],
  },
  {
    folder: 'extension/',
    why: 'the only code that talks to VS Code; activation loads a small bundle; the inspector is its built assets, never its modules',
    may: [
      'extension/', 'vscode', 'node:', 'protocol/',
      { target: 'capture/readTraceFile.ts', why: 'Open Trace File… and a restored panel read a trace' },
      { target: 'capture/traceFile.ts', why: 'a run\'s trace is saved, and exported, through the safe writer' },
      { target: 'capture/runner.ts', only: ['type', 'lazy'], why: 'the runner\'s own bundle is required on the first run, not at activation' },
    ],
  },
];

/**
 * Files the build writes beside a bundle, by the path a source names them with: the source it is
 * built from is what the import reaches.
 */
export const BUILT_BESIDE: Readonly<Record<string, { source: string; why: string }>> = {
  'extension/capture-runner.js': { source: 'capture/runner.ts', why: 'scripts/build.mjs bundles capture/runner.ts to dist/capture-runner.js beside dist/extension.js' },
};

/** import() or require() of a computed name, where the name is known at run time only. */
export const COMPUTED: readonly { file: string; expression: string; why: string }[] = [
  { file: 'capture/child.ts', expression: 'config.engine', why: 'the child loads the engine build the runner names, the one the program\'s bundle imports' },
  { file: 'capture/child.ts', expression: 'pauseFile', why: 'a debugged run with "breakOnNaN" loads the built pause (capture/pause.ts) the runner names, a file the debugger does not skip' },
];
