#!/usr/bin/env node
// Runs the extension's integration suite (dist/test/extension/index.js, the very suite that
// run-extension-tests.mjs runs in code-server) in a desktop VS Code through @vscode/test-electron, each
// part on a fresh copy of test/fixtures/workspace with a user-data folder of its own:
//   trusted    every test but the Restricted Mode suite (MOCHA_GREP 'Restricted Mode', MOCHA_INVERT=1),
//              through runTests(), which always passes --disable-workspace-trust;
//   untrusted  the Restricted Mode suite alone, with workspace trust on (user settings
//              security.workspace.trust.enabled: true, startupPrompt: never; a new user-data folder trusts
//              nothing, so the folder opens in Restricted Mode). runTests() cannot leave out its
//              --disable-workspace-trust, so this part starts VS Code itself with runTests()'s other
//              arguments. The suite asserts vscode.workspace.isTrusted === false, so a VS Code that
//              trusts the folder anyway fails it rather than passing it vacuously.
// Usage: node scripts/vscode/test-electron.mjs [--only trusted|untrusted]   (npm run test:electron builds first)
// VS Code: $VSCODE_EXECUTABLE (a desktop VS Code executable: .../code, Code.exe, or on macOS
// ".../Visual Studio Code.app/Contents/MacOS/Electron") if set; otherwise @vscode/test-electron
// downloads $VSCODE_VERSION (default: stable) into .vscode-test/. When that download is impossible (no
// access to update.code.visualstudio.com) it fails at once and says so: run the code-server suites
// instead (node scripts/test.mjs vscode vscode-untrusted). On Linux without a display, use xvfb-run -a.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QUIET_SETTINGS as WORKBENCH_SETTINGS } from './code-server.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const testsPath = join(root, 'dist', 'test', 'extension', 'index.js');
const fixture = join(root, 'test', 'fixtures', 'workspace');
/** The test/extension suite that needs an untrusted workspace is selected by this part of its name. */
const RESTRICTED_MODE = 'Restricted Mode';
const PARTS = ['trusted', 'untrusted'];

/** code-server's quiet workbench, and no update of VS Code or its extensions during a run. */
const QUIET_SETTINGS = { ...WORKBENCH_SETTINGS, 'extensions.autoUpdate': false, 'update.mode': 'none' };

const fail = (message, code = 1) => {
  console.error(`test-electron: ${message}`);
  process.exit(code);
};

let only;
try {
  ({ only } = parseArgs({ options: { only: { type: 'string' } } }).values);
} catch (error) {
  fail(`${error.message}\nusage: node scripts/vscode/test-electron.mjs [--only ${PARTS.join('|')}]`, 2);
}
if (only !== undefined && !PARTS.includes(only)) fail(`--only must be one of ${PARTS.join(', ')}, not '${only}'`, 2);
if (!existsSync(testsPath)) fail(`${testsPath} does not exist: build it first (node scripts/build.mjs engine cli extension webview vscode-tests)`, 2);
if (!existsSync(join(root, 'dist', 'extension.js'))) fail('dist/extension.js does not exist: build it first (node scripts/build.mjs engine cli extension webview vscode-tests)', 2);

/** The desktop VS Code to run: $VSCODE_EXECUTABLE, or a download; exits with a clear message when neither works. */
async function vscodeExecutable() {
  const given = process.env.VSCODE_EXECUTABLE;
  if (given) {
    const path = resolve(given);
    if (!existsSync(path) || !statSync(path).isFile()) fail(`VSCODE_EXECUTABLE=${given}: no such file (give the path of a desktop VS Code executable)`, 2);
    console.log(`test-electron: VS Code from VSCODE_EXECUTABLE: ${path}`);
    return path;
  }
  const version = process.env.VSCODE_VERSION || 'stable';
  console.log(`test-electron: downloading VS Code ${version} into .vscode-test/ (VSCODE_EXECUTABLE is not set)`);
  try {
    // 15 s without progress on any request ends the download (a network that drops packets hangs otherwise).
    return await downloadAndUnzipVSCode({ version, cachePath: join(root, '.vscode-test'), timeout: 15_000 });
  } catch (error) {
    fail(`could not download VS Code ${version}: ${error instanceof Error ? error.message : String(error)}\n` +
      '  This machine cannot reach VS Code\'s update servers. Either set VSCODE_EXECUTABLE to a desktop VS Code\n' +
      '  executable (for example /usr/share/code/code), or run the same suite in code-server, which needs only\n' +
      '  npm and apt: node scripts/test.mjs vscode vscode-untrusted');
  }
}

/** A fresh copy of the fixture workspace and a user-data folder with `settings`; `cleanup` removes both. */
function prepare(part, settings) {
  const temp = mkdtempSync(join(tmpdir(), `gradlens-electron-${part}-`));
  const workspace = join(temp, 'workspace');
  cpSync(fixture, workspace, { recursive: true });
  const userDataDir = join(temp, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2) + '\n');
  return {
    workspace,
    profileArgs: [`--user-data-dir=${userDataDir}`, `--extensions-dir=${join(temp, 'extensions')}`],
    cleanup: () => rmSync(temp, { recursive: true, force: true }),
  };
}

/** The environment of VS Code: ours without ELECTRON_RUN_AS_NODE (set when started from some tools), plus `extra`. */
function environment(extra) {
  const env = { ...process.env, ...extra };
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

/** Every test but the Restricted Mode suite, in a trusted workspace (runTests disables workspace trust). */
async function trusted(executable) {
  const { workspace, profileArgs, cleanup } = prepare('trusted', { 'security.workspace.trust.enabled': false });
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: testsPath,
      extensionTestsEnv: { MOCHA_GREP: RESTRICTED_MODE, MOCHA_INVERT: '1', ELECTRON_RUN_AS_NODE: undefined },
      launchArgs: [workspace, '--disable-extensions', ...profileArgs],
    });
    return 0;
  } catch (error) {
    console.error(`test-electron: ${error instanceof Error ? error.message : String(error)}`);
    return typeof error?.code === 'number' && error.code !== 0 ? error.code : 1;
  } finally {
    cleanup();
  }
}

/** The Restricted Mode suite alone, with workspace trust on: runTests()'s arguments but --disable-workspace-trust. */
async function untrusted(executable) {
  const { workspace, profileArgs, cleanup } = prepare('untrusted', {
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
  });
  const args = [
    workspace, '--disable-extensions', ...profileArgs,
    '--no-sandbox', '--disable-gpu-sandbox', '--disable-updates', '--skip-welcome', '--skip-release-notes',
    `--extensionTestsPath=${testsPath}`, `--extensionDevelopmentPath=${root}`,
  ];
  try {
    const child = spawn(executable, args, { stdio: 'inherit', env: environment({ MOCHA_GREP: RESTRICTED_MODE, MOCHA_INVERT: '' }) });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    const status = await new Promise((resolvePromise) => {
      child.once('error', (error) => { console.error(`test-electron: could not start ${executable}: ${error.message}`); resolvePromise(1); });
      child.once('exit', (code, signal) => resolvePromise(signal ? `signal ${signal}` : code));
    });
    process.off('SIGINT', forward).off('SIGTERM', forward);
    if (status !== 0) console.error(`test-electron: VS Code exited with ${typeof status === 'number' ? `code ${status}` : status}`);
    return status === 0 ? 0 : typeof status === 'number' ? status : 1;
  } finally {
    cleanup();
  }
}

const executable = await vscodeExecutable();
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.warn('test-electron: no DISPLAY: desktop VS Code needs one; on a headless machine run this under xvfb-run -a');
}
const results = [];
for (const part of PARTS) {
  if (only && part !== only) continue;
  const started = Date.now();
  console.log(`\n▶ ${part} (desktop VS Code)`);
  const code = await (part === 'trusted' ? trusted(executable) : untrusted(executable));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${code === 0 ? '✓' : '✗'} ${part} ${code === 0 ? 'passed' : `failed (exit ${code})`} (${seconds} s)`);
  results.push(code);
}
process.exit(results.find((code) => code !== 0) ?? 0);
