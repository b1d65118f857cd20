/**
 * Bundling the user's program with esbuild: TypeScript or JavaScript, ESM or CommonJS, relative
 * imports and npm packages bundled in, Node built-ins left to Node, and `gradlens` left to the
 * engine build that the capture instruments (so the program and the recorder share one engine).
 */
import type { BuildFailure, Message, Plugin } from 'esbuild';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BuildProblem {
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  lineText: string | null;
}

export type BundleResult = { ok: true; outfile: string; mapFile: string } | { ok: false; problems: BuildProblem[] };

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
function banner(entry: string): string {
  return [
    "import { createRequire as __gradlensCreateRequire } from 'node:module';",
    `const require = __gradlensCreateRequire(${JSON.stringify(pathToFileURL(entry).href)});`,
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

export async function bundleProgram(entry: string, outfile: string, enginePath: string): Promise<BundleResult> {
  const esbuild = await import('esbuild');
  try {
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
      banner: { js: banner(entry) },
      define: {
        __filename: JSON.stringify(entry),
        __dirname: JSON.stringify(dirname(entry)),
        'import.meta.url': JSON.stringify(pathToFileURL(entry).href),
      },
      plugins: [gradlensPlugin(enginePath)],
    });
    return { ok: true, outfile, mapFile: `${outfile}.map` };
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    if (Array.isArray(failure.errors) && failure.errors.length > 0) return { ok: false, problems: failure.errors.map(problem) };
    return { ok: false, problems: [{ message: String((error as Error).message ?? error), file: null, line: null, column: null, lineText: null }] };
  }
}

/** `file:line:column: message` — the form editors and terminals turn into links. */
export function formatProblem(p: BuildProblem, cwd = process.cwd()): string {
  const where = p.file ? `${p.file.startsWith('/') && p.file.startsWith(cwd) ? p.file.slice(cwd.length + 1) : p.file}:${p.line}:${p.column}: ` : '';
  const excerpt = p.lineText ? `\n    ${p.lineText}\n    ${' '.repeat(Math.max(0, (p.column ?? 1) - 1))}^` : '';
  return `${where}error: ${p.message}${excerpt}`;
}
