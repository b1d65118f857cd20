// The inspector's build, for browsers (scripts/build.mjs's `webview` target): two scripts and a stylesheet.
//
// dist/webview.js (webview/main.ts) is what the first frame needs: the page, the graph, the
// controls' elements. dist/webview-later.js (webview/later.ts) is what comes after it — the side
// bar's panels, the Training view and its charts, exports, the minimap, the toolkit's components —
// and is loaded by the first script once it has drawn (webview/lazy.ts). The later script carries
// no copy of a module the first one has: every module both import is taken, at run time, from a
// table the first script fills (one instance of each, its state and caches shared). Both scripts
// are classic scripts, so the standalone page can hold the later one as text and run it under its
// nonce, and VS Code loads each as a file.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the first script puts its modules for the later one (an array, by the ids this build gives them). */
const TABLE = 'globalThis[Symbol.for("gradlens.modules")]';
const NOT_AGAIN = Symbol('resolved by the share plugin');

/**
 * Codicons as SVG paths, only those the inspector names: `import icons from
 * '@vscode/codicons/dist/codicon.svg?icons=play,close'` gives `{ play: ['M4.7…'], close: [...] }`
 * (the package's sprite is 370 KB, its font 125 KB; eleven icons are 3 KB).
 */
const codicons = {
  name: 'codicons',
  setup(b) {
    b.onResolve({ filter: /codicon\.svg\?icons=/ }, async (args) => {
      const [file, query] = args.path.split('?');
      const found = await b.resolve(file, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir });
      if (found.errors.length > 0) return { errors: found.errors };
      return { path: found.path, suffix: `?${query}`, namespace: 'codicons' };
    });
    b.onLoad({ filter: /.*/, namespace: 'codicons' }, (args) => {
      const sprite = readFileSync(args.path, 'utf8');
      const names = new URLSearchParams(args.suffix.slice(1)).get('icons').split(',');
      const icons = {};
      for (const name of names) {
        const symbol = new RegExp(`<symbol[^>]*\\bid="${name}"[^>]*>([\\s\\S]*?)</symbol>`).exec(sprite);
        if (!symbol) return { errors: [{ text: `no codicon named '${name}' in ${args.path}` }] };
        icons[name] = [...symbol[1].matchAll(/<path\b[^>]*\bd="([^"]+)"/g)].map((path) => path[1]);
        if (icons[name].length === 0 || /<(?!path\b|\/path)/.test(symbol[1].replace(/<path\b[^>]*\/>/g, ''))) {
          return { errors: [{ text: `codicon '${name}' is not paths only: the inspector draws paths` }] };
        }
      }
      return { contents: JSON.stringify(icons), loader: 'json', watchFiles: [args.path] };
    });
  },
};

/**
 * The later build's imports of a module the first script holds become a read of the first
 * script's table; `shared` gets each such module's absolute path, numbered.
 */
function shareWith(firstInputs, shared) {
  return {
    name: 'share-first-script',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === NOT_AGAIN || args.kind === 'entry-point' || args.namespace !== 'file') return undefined;
        const found = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: NOT_AGAIN });
        if (found.errors.length > 0 || found.external || found.namespace !== 'file' || !firstInputs.has(found.path)) return found.errors.length > 0 ? { errors: found.errors } : found;
        if (/\.css$/.test(found.path)) return { errors: [{ text: `${args.importer} imports a stylesheet: the later script has none (import it from webview/main.ts)` }] };
        if (!shared.has(found.path)) shared.set(found.path, shared.size);
        return { path: String(shared.get(found.path)), namespace: 'first-script' };
      });
      // CommonJS marked as an ES module: named and default imports read the first script's live bindings.
      b.onLoad({ filter: /.*/, namespace: 'first-script' }, (args) => ({
        contents: `var m = ${TABLE}[${args.path}];
Object.defineProperty(exports, "__esModule", { value: true });
Object.keys(m).forEach(function (key) { Object.defineProperty(exports, key, { enumerable: true, get: function () { return m[key]; } }); });`,
        loader: 'js',
      }));
    },
  };
}

/** Builds dist/webview.js, dist/webview.css and dist/webview-later.js; `plugins` go to both scripts' builds. */
export async function buildWebview({ plugins = [], minify = true } = {}) {
  const common = {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify,
    sourcemap: 'linked',
    loader: { '.ttf': 'dataurl' },
    logLevel: 'warning',
  };
  // What the first script holds, before it knows what it shares.
  const first = await build({ ...common, plugins: [...plugins, codicons], entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', write: false, metafile: true, minify: false, sourcemap: false });
  const firstInputs = new Set(Object.keys(first.metafile.inputs).filter((input) => !/^[a-z-]+:/.test(input)).map((input) => resolve(input)));
  const shared = new Map();
  const later = await build({ ...common, plugins: [...plugins, codicons, shareWith(firstInputs, shared)], entryPoints: ['webview/later.ts'], outfile: 'dist/webview-later.js', metafile: true });
  const handedOver = later.metafile.inputs['webview/later.ts']?.imports ?? [];
  // Its entry imports lazy.ts to hand over what it holds; anything else of the first script's would not wait for the first frame.
  const inFirst = handedOver.filter((item) => item.path.startsWith('first-script:') && item.original !== './lazy').map((item) => item.original);
  if (inFirst.length > 0) throw new Error(`webview/later.ts hands over ${inFirst.join(', ')}, which the first script imports too: nothing of it would wait for the first frame`);
  // The first script, its modules in the table (webview/main.ts runs first, in its own order).
  const paths = [...shared.keys()];
  const entry = [
    `import ${JSON.stringify(resolve('webview/main.ts'))};`,
    ...paths.map((path, i) => `import * as m${i} from ${JSON.stringify(path)};`),
    `${TABLE} = [${paths.map((_, i) => `m${i}`).join(', ')}];`,
  ].join('\n');
  await build({ ...common, plugins: [...plugins, codicons], stdin: { contents: entry, resolveDir: resolve('.'), sourcefile: 'webview-entry.js', loader: 'js' }, outfile: 'dist/webview.js' });
}
