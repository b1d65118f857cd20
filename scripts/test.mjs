#!/usr/bin/env node
// Runs every test suite in order and stops at the first failure. Suites are built first by
// `node scripts/build.mjs test examples` (see the "test" script in package.json).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const mocha = ['node_modules/mocha/bin/mocha.js', '--ui', 'tdd', '--timeout', '60000', '--reporter', process.env.CI ? 'dot' : 'spec'];

/** The test/extension suite that needs an untrusted workspace is selected by this part of its name. */
const RESTRICTED_MODE = 'Restricted Mode';

/** test/extension in code-server with `args` for the harness, on a fresh copy of the fixture workspace. */
function vscodeSuite(name, args) {
  return {
    name,
    prepare() {
      const workspace = mkdtempSync(join(tmpdir(), 'gradlens-workspace-'));
      cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
      return {
        args: ['--workspace', workspace],
        cleanup: () => rmSync(workspace, { recursive: true, force: true }),
      };
    },
    command: [process.execPath, 'scripts/vscode/run-extension-tests.mjs', '--extension', root, '--tests', join(root, 'dist', 'test', 'extension', 'index.js'),
      ...args, '--screenshot-dir', join('test-results', name), '--logs-dir', join('test-results', name, 'logs')],
  };
}

const suites = [
  // The engine and every pure module, in one process.
  { name: 'unit', command: [process.execPath, '--enable-source-maps', '--expose-gc', ...mocha, 'dist/test/unit/**/*.test.js'] },
  // The same on the plain-JS kernels (engine/kernels/kernelPath.ts): every gradcheck and tfjs/NumPy
  // comparison holds on both paths; the WebAssembly kernels' own tests check them against JS.
  { name: 'unit-js-kernels', env: { GRADLENS_KERNELS: 'js' }, command: [process.execPath, '--enable-source-maps', '--expose-gc', ...mocha, 'dist/test/unit/**/*.test.js'] },
  // The capture and the CLI: real programs run in child processes.
  { name: 'capture', command: [process.execPath, '--enable-source-maps', ...mocha, 'dist/test/capture/**/*.test.js'] },
  // The inspector in headless Chromium (Debian's chromium, driven by playwright-core).
  { name: 'browser', command: [process.execPath, '--enable-source-maps', ...mocha, 'dist/test/browser/**/*.test.js'] },
  // The extension in a real VS Code (code-server's extension host, installed on first use into a
  // cache outside the repository), on a fresh copy of the fixture workspace: every suite but the one
  // for Restricted Mode, then that one alone with workspace trust on (the folder untrusted).
  vscodeSuite('vscode', ['--grep', RESTRICTED_MODE, '--invert']),
  vscodeSuite('vscode-untrusted', ['--grep', RESTRICTED_MODE, '--trust']),
  // The packaged .vsix in code-server, driven through Chromium like a person would.
  { name: 'e2e', command: [process.execPath, '--enable-source-maps', ...mocha, 'dist/test/e2e/**/*.test.js'] },
];

const only = process.argv.slice(2);
for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  const started = Date.now();
  console.log(`\n▶ ${suite.name} tests`);
  const prepared = suite.prepare?.() ?? { args: [], cleanup: () => {} };
  let result;
  try {
    result = spawnSync(suite.command[0], [...suite.command.slice(1), ...prepared.args], { cwd: root, stdio: 'inherit', env: { ...process.env, ...suite.env } });
  } finally {
    prepared.cleanup();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✗ ${suite.name} tests failed (${seconds} s)`);
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${suite.name} tests passed (${seconds} s)`);
}
