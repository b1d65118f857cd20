/**
 * Bundling the user's program with esbuild: TypeScript or JavaScript, ESM or CommonJS, relative
 * imports and npm packages bundled in, Node built-ins left to Node, and `gradlens` left to the
 * engine build that the capture instruments (so the program and the recorder share one engine).
 */
import type { BuildFailure, Message, Plugin } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyInsertions, lineShifts, siteMarkers, statementTable } from './instrument';
import { shiftSourceMap, type RawSourceMap } from './sourcemap';

import { SITES_SYMBOL } from './env';

const SITES_VARIABLE = '__gradlensSites';

export interface BuildProblem {
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  lineText: string | null;
}

/**
 * `inputs`: every file of the user's that went into the bundle (absolute paths). `map` and
 * `statements` (with markers: where each statement begins, instrument.ts) are kept in memory: the
 * files beside the bundle are in a folder the program can write to.
 */
export type BundleResult =
  | { ok: true; outfile: string; mapFile: string; inputs: string[]; map: RawSourceMap; statements: Int32Array | null }
  | { ok: false; problems: BuildProblem[] };

/** The engine as the program's `gradlens` import. */
function gradlensPlugin(enginePath: string): Plugin {
  return {
    name: 'gradlens-engine',
    setup(build) {
      // import needs a URL (an absolute path is not portable); require needs a path.
      build.onResolve({ filter: /^gradlens$/ }, (args) => ({
        path: args.kind === 'require-call' ? enginePath : pathToFileURL(enginePath).href,
        external: true,
      }));
    },
  };
}

/**
 * ESM output keeps top-level await working. CommonJS-style code gets a `require` that resolves from
 * the program's own folder, and `__filename`, `__dirname` and `import.meta.url` name the program,
 * not the bundle (so files next to it can be read).
 */
function banner(entry: string, markers: boolean): string {
  return [
    "import { createRequire as __gradlensCreateRequire } from 'node:module';",
    `const require = __gradlensCreateRequire(${JSON.stringify(pathToFileURL(entry).href)});`,
    ...(markers ? [`const ${SITES_VARIABLE} = globalThis[Symbol.for(${JSON.stringify(SITES_SYMBOL)})] ?? new Int32Array(2);`] : []),
  ].join('\n');
}

function problem(message: Message): BuildProblem {
  const location = message.location;
  return {
    message: message.text,
    file: location?.file ?? null,
    line: location?.line ?? null,
    column: location ? location.column + 1 : null,
    lineText: location?.lineText ?? null,
  };
}

/**
 * Bundles `entry` into `outfile` (with `outfile.map`). With `markers`, every statement of the
 * bundle records itself for the capture's site cache (instrument.ts).
 */
export async function bundleProgram(entry: string, outfile: string, enginePath: string, markers = false): Promise<BundleResult> {
  try {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      write: false,
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
      metafile: true,
      banner: { js: banner(entry, markers) },
      define: {
        __filename: JSON.stringify(entry),
        __dirname: JSON.stringify(dirname(entry)),
        'import.meta.url': JSON.stringify(pathToFileURL(entry).href),
      },
      plugins: [gradlensPlugin(enginePath)],
    });
    const mapFile = `${outfile}.map`;
    let code = result.outputFiles.find((file) => file.path.endsWith('.mjs'))!.text;
    let map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith('.map'))!.text) as RawSourceMap;
    let statements: Int32Array | null = null;
    if (markers) {
      const bannerEnd = code.indexOf(SITES_VARIABLE) + 1;
      const insertions = siteMarkers(code, SITES_VARIABLE).filter((insertion) => insertion.offset > bannerEnd);
      map = shiftSourceMap(map, lineShifts(code, insertions));
      statements = statementTable(code, insertions);
      code = applyInsertions(code, insertions);
    }
    writeFileSync(outfile, code);
    writeFileSync(mapFile, JSON.stringify(map));
    // Metafile inputs are relative to the working directory; the engine is external, so not among them.
    const inputs = Object.keys(result.metafile?.inputs ?? {}).filter((input) => !input.includes(':')).map((input) => resolve(input));
    return { ok: true, outfile, mapFile, inputs, map, statements };
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    if (Array.isArray(failure.errors) && failure.errors.length > 0) return { ok: false, problems: failure.errors.map(problem) };
    // Not the program's fault: esbuild itself did not start (no binary for this platform, a broken install).
    const cause = String((error as Error).message ?? error).split('\n')[0];
    const message = `esbuild, which bundles your program before it runs, did not work on this machine (${process.platform}-${process.arch}): ${cause}. `
      + 'Reinstall GradLens for this platform (npm ci, or a .vsix packaged on it: it carries the esbuild binary of the platform it was built on).';
    return { ok: false, problems: [{ message, file: null, line: null, column: null, lineText: null }] };
  }
}

/** `file:line:column: message` — the form editors and terminals turn into links. */
export function formatProblem(p: BuildProblem, cwd = process.cwd()): string {
  const where = p.file ? `${p.file.startsWith('/') && p.file.startsWith(cwd) ? p.file.slice(cwd.length + 1) : p.file}:${p.line}:${p.column}: ` : '';
  const excerpt = p.lineText ? `\n    ${p.lineText}\n    ${' '.repeat(Math.max(0, (p.column ?? 1) - 1))}^` : '';
  return `${where}error: ${p.message}${excerpt}`;
}
