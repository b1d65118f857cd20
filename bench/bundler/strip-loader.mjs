// Running a user's TypeScript with Node's own type stripping, no bundler (Node ≥ 22.15 or 23.5 for
// module.registerHooks; type stripping is unflagged from 22.18 and 23.6):
//   GRADLENS_ENGINE=dist/engine.js node --import ./strip-loader.mjs program.ts
// `gradlens` is the engine GRADLENS_ENGINE names, for import and require alike; a relative import
// without an extension, which esbuild resolves but Node does not, tries `.ts` and `/index.ts`.
// Used by bench/bundler.bench.ts.
import { registerHooks } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

if (typeof registerHooks !== 'function') throw new Error(`strip-loader.mjs needs module.registerHooks (Node ≥ 22.15): this is ${process.version}`);
if (!process.env.GRADLENS_ENGINE) throw new Error('strip-loader.mjs: set GRADLENS_ENGINE to the engine file');
const engineUrl = pathToFileURL(resolvePath(process.env.GRADLENS_ENGINE)).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'gradlens') return { url: engineUrl, format: engineUrl.endsWith('.mjs') ? 'module' : 'commonjs', shortCircuit: true };
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/^\.\.?\//.test(specifier)) throw error;
      for (const suffix of ['.ts', '/index.ts']) {
        try { return nextResolve(specifier + suffix, context); } catch { /* the next suffix */ }
      }
      throw error;
    }
  },
});
