#!/usr/bin/env node
// Runs a TypeScript/JavaScript file that imports 'gradlens', the way users will write it:
//   npm run example -- examples/seed/autograd.ts [args...]
// esbuild bundles the file with 'gradlens' resolved to the engine sources; Node runs the bundle
// with source maps, so errors point at the file's own lines.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run example -- FILE.ts [args...]');
  process.exit(2);
}
const entry = resolve(file);
if (!existsSync(entry)) {
  console.error(`run-example: no such file: ${file}`);
  process.exit(2);
}
const outDir = mkdtempSync(join(tmpdir(), 'gradlens-example-'));
const outfile = join(outDir, 'program.js');
try {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
    alias: { gradlens: join(root, 'engine', 'index.ts') },
  });
} catch {
  rmSync(outDir, { recursive: true, force: true });
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], { stdio: 'inherit' });
rmSync(outDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
