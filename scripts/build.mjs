#!/usr/bin/env node
// Builds GradLens with esbuild. Usage: node scripts/build.mjs [engine|cli|extension|webview|test|vscode-tests|examples|bench|all]...
// Type checking is separate (`npm run typecheck`); esbuild only strips types and bundles.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebview } from './build-webview.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

/** Every file under `dir` whose name ends with `suffix`. */
function findFiles(dir, suffix) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findFiles(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

/**
 * The engine's WebAssembly kernels (engine/wasm/*.wat) are assembled by wabt (an npm package) and
 * bundled as base64 text (`import kernel from './gemm.wat'`, decoded by engine/kernels/wasmBytes.ts):
 * one file runs in Node, the extension host and a browser, and nothing is fetched. Each kernel
 * imports the engine's memory as `shared` (threads); the build also assembles it without `shared`,
 * for where shared memory is refused (a browser page that is not cross-origin isolated).
 */
async function assembleWat(path, text) {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat(path, text, { simd: true, threads: true });
  try {
    const bytes = module.toBinary({}).buffer;
    // wabt.js's validate() ignores the threads feature (it refuses every shared memory): V8 checks.
    try {
      new WebAssembly.Module(bytes);
    } catch (error) {
      throw new Error(`${path}: ${error.message}`);
    }
    return Buffer.from(bytes).toString('base64');
  } finally {
    module.destroy();
  }
}

const wat = {
  name: 'wat',
  setup(b) {
    b.onLoad({ filter: /\.wat$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      const sharedImport = /\(memory (\d+) (\d+) shared\)/;
      if (!sharedImport.test(text)) throw new Error(`${args.path}: its memory import must read (memory MIN MAX shared)`);
      const shared = await assembleWat(args.path, text);
      const plain = await assembleWat(args.path, text.replace(sharedImport, '(memory $1 $2)'));
      return { contents: `export default ${JSON.stringify({ shared, plain })};`, loader: 'js' };
    });
  },
};

// Programs of ours that import 'gradlens' get the engine through tsconfig `paths`.
const nodeProgram = {
  plugins: [wat],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  outbase: '.',
  outdir: 'dist',
};

const targets = {
  async engine() {
    await build({
      entryPoints: ['engine/index.ts'],
      outfile: 'dist/engine.js',
      plugins: [wat],
      bundle: true,
      platform: 'node', // only for the CommonJS export annotation Node's ESM loader reads: the engine imports nothing
      format: 'cjs',
      target: 'es2022',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'engine/tsconfig.build.json'], { stdio: 'inherit' });
  },
  /** The `gradlens` command and the recorder it preloads into traced programs. */
  async cli() {
    // Both use the engine build beside them (dist/engine.js) rather than a copy of their own, so
    // that the recorder watches the very engine the traced program imports.
    const engineBeside = {
      name: 'engine-beside',
      setup(b) { b.onResolve({ filter: /^gradlens$/ }, () => ({ path: './engine.js', external: true })); },
    };
    const common = { ...nodeProgram, outbase: undefined, outdir: undefined, plugins: [engineBeside, wat], external: ['esbuild'] };
    await build({ ...common, entryPoints: ['cli/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
    await build({ ...common, entryPoints: ['capture/child.ts'], outfile: 'dist/capture-child.js' });
    // The debugger's stop on NaN/Inf, in a file of its own (the debugger skips the preload's).
    await build({ ...common, entryPoints: ['capture/pause.ts'], outfile: 'dist/capture-pause.js' });
    chmodSync('dist/cli.js', 0o755);
  },
  /** The inspector, for browsers: the script of its first frame, the one loaded after it, a stylesheet (scripts/build-webview.mjs). */
  async webview() {
    await buildWebview({ plugins: [wat], minify: process.env.GRADLENS_MINIFY !== '0' });
  },
  /** The VS Code extension (Node, in the extension host): `vscode` is the host's; esbuild is native. */
  async extension() {
    const minify = process.env.GRADLENS_MINIFY !== '0';
    // The runner (the capture with its parser and source maps) is loaded on the first run only
    // (extension/runs.ts requires ./capture-runner.js): activation loads a small bundle.
    await build({ ...nodeProgram, outbase: undefined, outdir: undefined, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'esbuild', './capture-runner.js'], minify });
    await build({ ...nodeProgram, outbase: undefined, outdir: undefined, entryPoints: ['capture/runner.ts'], outfile: 'dist/capture-runner.js', external: ['esbuild'], minify });
    // GradLens: New Example… writes these sources into the user's workspace (extension/examples.ts).
    rmSync(join('dist', 'starter'), { recursive: true, force: true });
    for (const folder of ['seed', 'd2l']) {
      mkdirSync(join('dist', 'starter', folder), { recursive: true });
      for (const file of readdirSync(join('examples', folder)).filter((name) => name.endsWith('.ts') || name === 'LICENSE-SAMPLECODE')) {
        copyFileSync(join('examples', folder, file), join('dist', 'starter', folder, file));
      }
    }
    // The trace's JSON schema, for editors that open a trace as text (the manifest's jsonValidation).
    copyFileSync(join('protocol', 'trace.schema.json'), join('dist', 'trace.schema.json'));
  },
  /** The suite that runs inside a real VS Code (test/extension): mocha bundled in, `vscode` the host's. */
  async 'vscode-tests'() {
    // Mocha's parallel-mode worker (require.resolve of a file of its own) is never used here.
    await build({
      ...nodeProgram, external: ['vscode', 'esbuild', 'playwright-core'], logOverride: { 'require-resolve-not-external': 'silent' },
      entryPoints: [join('test', 'extension', 'index.ts'), ...findFiles(join('test', 'extension'), '.test.ts')],
    });
  },
  async test() {
    // 'module' first: the differential tests bundle TensorFlow.js, whose CommonJS "main" is a
    // prebuilt bundle that cannot share one engine with `dist/register_all_gradients` (ESM), and
    // whose backend-cpu "main" is dropped as side-effect free. The ESM builds are one coherent graph.
    // esbuild stays external: the capture tests run the real bundler (a native binary).
    // playwright-core too: it drives a real browser from files of its own.
    // test/extension runs inside VS Code (the vscode-tests target).
    const inHost = [join('test', 'extension')];
    const entryPoints = findFiles('test', '.test.ts').filter((file) => !inHost.some((dir) => file.startsWith(dir)));
    await build({ ...nodeProgram, mainFields: ['module', 'main'], external: ['esbuild', 'playwright-core'], entryPoints });
  },
  async examples() {
    await build({ ...nodeProgram, entryPoints: findFiles('examples', '.ts') });
  },
  async bench() {
    // tfjs (a reference in the engine benchmark) must come from its ES-module build: through the
    // CommonJS entry, register_all_gradients registers gradients in a second copy of tfjs-core.
    await build({ ...nodeProgram, entryPoints: findFiles('bench', '.bench.ts'), mainFields: ['module', 'main'], external: ['esbuild', 'playwright-core'] });
    // The debugger's stop is measured inside VS Code's extension host (bench:extension, part 4).
    await build({ ...nodeProgram, entryPoints: ['bench/debug-stop/host.ts'], external: ['vscode'] });
    // The reference page of the inspector benchmark runs in the browser.
    await build({ entryPoints: ['bench/dagre-page.ts'], outfile: 'dist/bench/dagre-page.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2020', minify: true, logLevel: 'warning' });
  },
};

const requested = process.argv.slice(2);
const names = requested.length === 0 || requested.includes('all') ? Object.keys(targets) : requested;
for (const name of names) {
  if (!(name in targets)) {
    console.error(`build: unknown target '${name}' (known: ${Object.keys(targets).join(', ')}, all)`);
    process.exit(2);
  }
  const started = Date.now();
  await targets[name]();
  console.log(`build ${name}: ${Date.now() - started} ms → ${relative(root, join(root, 'dist'))}/`);
}
