#!/usr/bin/env node
// Builds GradLens with esbuild. Usage: node scripts/build.mjs [engine|test|examples|bench|all]...
// Type checking is separate (`npm run typecheck`); esbuild only strips types and bundles.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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

// Programs of ours that import 'gradlens' get the engine through tsconfig `paths`.
const nodeProgram = {
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
      bundle: true,
      platform: 'neutral',
      format: 'cjs',
      target: 'es2022',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'engine/tsconfig.build.json'], { stdio: 'inherit' });
  },
  async test() {
    // 'module' first: the differential tests bundle TensorFlow.js, whose CommonJS "main" is a
    // prebuilt bundle that cannot share one engine with `dist/register_all_gradients` (ESM), and
    // whose backend-cpu "main" is dropped as side-effect free. The ESM builds are one coherent graph.
    await build({ ...nodeProgram, mainFields: ['module', 'main'], entryPoints: findFiles('test', '.test.ts') });
  },
  async examples() {
    await build({ ...nodeProgram, entryPoints: findFiles('examples', '.ts') });
  },
  async bench() {
    // tfjs (a reference in the engine benchmark) must come from its ES-module build: through the
    // CommonJS entry, register_all_gradients registers gradients in a second copy of tfjs-core.
    await build({ ...nodeProgram, entryPoints: findFiles('bench', '.bench.ts'), mainFields: ['module', 'main'] });
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
