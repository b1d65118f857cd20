#!/usr/bin/env node
// Runs an extension's mocha suite (its `extensionTestsPath` module) inside a real VS Code extension
// host: code-server serves the workbench, headless Chromium opens it with the smoke-test driver's
// `payload`, and the workbench reports the extension host's output and the suite's exit code back.
// Usage: node scripts/vscode/run-extension-tests.mjs --extension DIR --tests ABS/index.js --workspace DIR
//          [--grep PATTERN [--invert]] [--results FILE] [--trust] [--timeout-ms N] [--screenshot-dir DIR] [--logs-dir DIR] [--verbose]
// --grep, --invert and --results reach the tests as MOCHA_GREP, MOCHA_INVERT=1 and GRADLENS_TEST_RESULTS
// (the extension host inherits code-server's environment); --invert runs the tests --grep does not
// match. --trust keeps workspace trust on, so the folder opens in Restricted Mode. --timeout-ms (default 5 min) bounds the whole suite. --logs-dir keeps the workbench's
// log files, --verbose shows all workbench chatter. Exits with the suite's code: 0 when run() resolved, else 1.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { ensureCodeServer, startCodeServer } from './code-server.mjs';

const USAGE = 'usage: node scripts/vscode/run-extension-tests.mjs --extension DIR --tests ABS/index.js --workspace DIR\n' +
  '  [--grep PATTERN [--invert]] [--results FILE] [--trust] [--timeout-ms N] [--screenshot-dir DIR] [--logs-dir DIR] [--verbose]';
const options = {
  extension: { type: 'string' },
  tests: { type: 'string' },
  workspace: { type: 'string' },
  grep: { type: 'string' },
  invert: { type: 'boolean', default: false },
  results: { type: 'string' },
  trust: { type: 'boolean', default: false },
  'timeout-ms': { type: 'string', default: '300000' },
  'screenshot-dir': { type: 'string' },
  'logs-dir': { type: 'string' },
  verbose: { type: 'boolean', default: false },
};
let opts;
try {
  opts = parseArgs({ options }).values;
} catch (error) {
  console.error(`run-extension-tests: ${error.message}\n${USAGE}`);
  process.exit(2);
}
for (const name of ['extension', 'tests', 'workspace']) {
  if (!opts[name]) {
    console.error(`run-extension-tests: --${name} is required\n${USAGE}`);
    process.exit(2);
  }
}
for (const [what, path] of [['--extension', join(opts.extension, 'package.json')], ['--tests', opts.tests], ['--workspace', opts.workspace]]) {
  if (!existsSync(path)) {
    console.error(`run-extension-tests: ${what}: ${resolve(path)} does not exist`);
    process.exit(2);
  }
}
if (opts.invert && !opts.grep) {
  console.error(`run-extension-tests: --invert needs --grep\n${USAGE}`);
  process.exit(2);
}
const timeoutMs = Number(opts['timeout-ms']);
if (!(timeoutMs > 0)) {
  console.error(`run-extension-tests: --timeout-ms must be a positive number of milliseconds, not '${opts['timeout-ms']}'`);
  process.exit(2);
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (line) => console.log(`[harness ${elapsed()}] ${line}`);

/** A vscode-remote URI for a path on the code-server machine; its authority must be the page's host:port. */
const remoteUri = (host, path) => `vscode-remote://${host}${resolve(path).split('/').map(encodeURIComponent).join('/')}`;

// Workbench chatter that says nothing about the extension under test (shown with --verbose).
const NOISE = [
  /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^\[reconnection-grace-time\]/, /^\[Service Worker\] registered/,
  /^\[AgentHost:remote\] Initializing/, /^\[AccountPolicyGate\]/, /^Ignoring fetching additional builtin extensions from gallery/,
  /^Updating additional builtin extensions cache/,
  /^Canceled: Canceled: Canceled\n(\s+at .*\n?)*$/, // the workbench's requests cut off as the extension host shuts down
];
// Stack frames inside the minified workbench bundle: one summary line instead of a screenful.
const WORKBENCH_FRAME = /^\s+at .*\/static\/out\/vs\//;

/**
 * Prints one workbench log line (`codeAutomationLog(level, args)`). The extension host's console output,
 * mocha's report among it, arrives here too, at level 'info', without any marker of its own.
 */
function printLine(level, args) {
  const text = format(...(Array.isArray(args) ? args : [args])).replace(/\s+$/, '');
  if (!opts.verbose && NOISE.some((pattern) => pattern.test(text))) return;
  const prefix = level === 'info' ? '[vscode]' : `[vscode ${level}]`;
  let frames = 0;
  for (const line of text.split('\n')) {
    if (!opts.verbose && WORKBENCH_FRAME.test(line)) { frames++; continue; }
    console.log(`${prefix} ${line}`);
  }
  if (frames > 0) console.log(`${prefix}     (${frames} workbench stack frames, --verbose shows them)`);
}

const temp = mkdtempSync(join(tmpdir(), 'gradlens-vscode-'));
let server;
let browser;
let cleaning;
let interrupted; // the exit code for the signal that stopped us
/** Stops the browser and code-server and removes the temporary folders; safe to call twice. */
function cleanup() {
  cleaning ??= (async () => {
    await browser?.close().catch(() => {});
    await server?.stop().catch((error) => console.error(`stopping code-server: ${error.message}`));
    rmSync(temp, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    interrupted = code;
    cleanup().finally(() => process.exit(code));
  });
}

let exitCode = 1;
try {
  await ensureCodeServer({ log });
  log('code-server installed');
  const env = {};
  if (opts.grep) env.MOCHA_GREP = opts.grep;
  if (opts.invert) env.MOCHA_INVERT = '1';
  if (opts.results) env.GRADLENS_TEST_RESULTS = resolve(opts.results);
  server = await startCodeServer({ userDataDir: join(temp, 'user-data'), extensionsDir: join(temp, 'extensions'), env, trust: opts.trust, log });
  log(`code-server up at ${server.url}`);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));

  let finish;
  const finished = new Promise((resolvePromise) => { finish = resolvePromise; });
  await page.exposeFunction('codeAutomationLog', printLine);
  await page.exposeFunction('codeAutomationExit', (code, logs) => finish({ code, logs }));

  const host = `127.0.0.1:${server.port}`;
  const payload = [
    ['extensionDevelopmentPath', remoteUri(host, opts.extension)],
    ['extensionTestsPath', remoteUri(host, opts.tests)],
    ['skipWelcome', 'true'],
  ];
  const query = new URLSearchParams({ folder: resolve(opts.workspace), payload: JSON.stringify(payload) });
  let timer;
  const timedOut = new Promise((resolvePromise) => { timer = setTimeout(() => resolvePromise(undefined), timeoutMs); });
  await page.goto(`${server.url}/?${query}`, { waitUntil: 'commit' });
  page.waitForSelector('.monaco-workbench', { timeout: timeoutMs }).then(() => log('workbench ready'), () => {});
  const result = await Promise.race([finished, timedOut]);
  clearTimeout(timer);
  if (result === undefined) {
    log(`FAILED: the suite did not finish within ${timeoutMs} ms (no codeAutomationExit): a test hangs, or the workbench never ` +
      `started the tests (see the lines above). code-server's output:\n${server.output().slice(-3000)}`);
  } else {
    exitCode = typeof result.code === 'number' ? result.code : 1;
    log(`suite finished with exit code ${result.code}`);
    if (opts['logs-dir'] && Array.isArray(result.logs)) {
      for (const { relativePath, contents } of result.logs) {
        const file = join(resolve(opts['logs-dir']), relativePath);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, contents);
      }
      log(`${result.logs.length} workbench log files → ${opts['logs-dir']}`);
    }
  }
  if (opts['screenshot-dir']) {
    const file = join(resolve(opts['screenshot-dir']), 'extension-tests.png');
    mkdirSync(dirname(file), { recursive: true });
    await page.screenshot({ path: file }).then(() => log(`screenshot → ${file}`), (error) => log(`no screenshot: ${error.message}`));
  }
} catch (error) {
  if (interrupted === undefined) log(`FAILED: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  await cleanup();
}
exitCode = interrupted ?? exitCode;
log(`done (exit ${exitCode})`);
process.exit(exitCode);
