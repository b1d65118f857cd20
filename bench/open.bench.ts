/**
 * Opening traces: a 1 GB trace beside small ones, in one run (the training-runs issue: "a 1 GB
 * trace opens as fast as a small one"). The traces are training runs traced by the CLI:
 *
 *   - small: the d2l MLP chapter, 1 epoch (24 passes), at the default budget — a few MB, whole;
 *   - default: the d2l RNN chapter, 1 epoch (8 passes), at the default budget (64 MB);
 *   - 1 GB: the RNN chapter, 12 epochs (96 passes), every pass kept (`--keep 1-96`).
 *
 * For each, two paths, in headless Chromium (software rendering):
 *   - VS Code's: the host opens the file (capture/readTraceFile.ts openTraceFile: the head of a big
 *     file, a small one whole), posts the snapshot to a page posing as the webview, and answers its
 *     `parts/load` from the file, as extension/partServer.ts does; from opening the file to the
 *     first frame of the Training view (how a run opens), then from a click on the last pass to
 *     the first frame of its graph;
 *   - the standalone page written by `--html`: from navigation to the Training view's first frame,
 *     then the last pass's graph.
 * Ratios are against the small trace on the same path (the last pass: against the default RNN
 * trace, which draws the same graph). Run with `npm run bench:open` (about 4 minutes, most of it
 * tracing the 1 GB run). It prints a table and asserts nothing; see bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inspectorPage } from '../capture/html';
import { openTraceFile, type TraceFileParts } from '../capture/readTraceFile';
import type { Trace } from '../protocol/trace';
import { formatTable } from './harness';
import { syntheticTrace } from './synthetic-trace';

const root = resolve(__dirname, '..', '..');
const distDir = join(root, 'dist');
const program = join(root, 'test', 'fixtures', 'capture', 'd2l-train.ts');
const work = mkdtempSync(join(os.tmpdir(), 'gradlens-open-bench-'));
const ROUNDS = 3;

interface Case { name: string; args: string[]; flags: string[] }
const CASES: Case[] = [
  { name: 'small: MLP chapter, 1 epoch', args: ['mlp-implementation', '1'], flags: [] },
  { name: 'default: RNN chapter, 1 epoch', args: ['rnn-scratch', '1'], flags: [] },
  { name: '1 GB: RNN chapter, 12 epochs, all kept', args: ['rnn-scratch', '12'], flags: ['--max-trace-mb', '4096', '--keep', '1-96'] },
];

interface Traced { name: string; file: string; page: string; bytes: number; lastKept: number }

function traceCase(c: Case, i: number): Traced {
  const file = join(work, `case${i}.gradlens.json`);
  const page = join(work, `case${i}.html`);
  process.stderr.write(`tracing ${c.name}…\n`);
  const ran = spawnSync(process.execPath, [join(distDir, 'cli.js'), 'trace', program, '-o', file, '--html', page, '--seed', '1', '--timeout', '900', ...c.flags, '--', ...c.args], { encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`${c.name}: ${ran.stderr}`);
  const opened = openTraceFile(file);
  if (!opened.ok) throw new Error(opened.problems.join('; '));
  const kept = opened.trace.backwardPasses.filter((p) => p.kept !== false);
  return { name: c.name, file, page, bytes: statSync(file).size, lastKept: kept[kept.length - 1]!.id };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Milliseconds since the epoch when the page drew the frame after `since` (its timings are page-relative). */
async function frameAfter(page: Page, since: number): Promise<number> {
  return page.evaluate(async (after) => {
    const app = (globalThis as any).gradlens.app;
    const at = () => performance.timeOrigin + app.timings.firstFrameAt;
    while (app.timings.firstFrameAt === 0 || at() < after) await new Promise((done) => setTimeout(done, 10));
    return at();
  }, since);
}

/** The frame of the Training view with its heatmap drawn (not a screen before it). */
async function trainingAfter(page: Page, since: number): Promise<number> {
  await page.waitForSelector('.training canvas.heatmap-canvas', { timeout: 300_000 });
  return frameAfter(page, since);
}

async function graphShown(page: Page, pass: number, since: number): Promise<number> {
  await page.evaluate((id) => {
    const app = (globalThis as any).gradlens.app;
    app.timings.firstFrameAt = 0;
    app.dispatch({ type: 'selection/set', selection: { kind: 'pass', id } });
  }, pass);
  await page.waitForFunction(() => (globalThis as any).gradlens.app.model !== null, null, { timeout: 120_000, polling: 20 });
  return frameAfter(page, since);
}

/** VS Code's path: the host's open, snapshot and parts, to a page posing as the webview. */
async function viaHost(browser: Browser, traced: Traced, blank: string): Promise<{ training: number; pass: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  let parts: TraceFileParts | undefined;
  await page.exposeBinding('hostPost', async (_source, message: { type: string; parts?: number[] }) => {
    if (message.type !== 'parts/load' || !parts) return;
    const read = parts.read(message.parts!);
    const reply = read.ok ? { type: 'parts/data', parts: read.parts } : { type: 'parts/failed', parts: message.parts, problem: read.problem };
    // As text, parsed in the page: what crossing into a webview costs (the driver's own object transfer is far slower).
    await page.evaluate((text) => (globalThis as any).postMessage(JSON.parse(text), '*'), JSON.stringify(reply));
  });
  await page.addInitScript(() => {
    const w = globalThis as any;
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.hostPost(m), getState: () => undefined, setState: () => {} });
  });
  await page.goto(`file://${blank}`);
  await page.waitForFunction(() => (globalThis as any).gradlens?.app !== undefined);
  const started = Date.now();
  const opened = openTraceFile(traced.file);
  if (!opened.ok) throw new Error(opened.problems.join('; '));
  parts = opened.parts;
  await page.evaluate((text: string) => {
    (globalThis as any).gradlens.app.timings.firstFrameAt = 0;
    (globalThis as any).postMessage({ type: 'trace/snapshot', trace: JSON.parse(text) as Trace, selection: { kind: 'training' } }, '*');
  }, JSON.stringify(opened.trace));
  const training = (await trainingAfter(page, started)) - started;
  const clicked = Date.now();
  const pass = (await graphShown(page, traced.lastKept, clicked)) - clicked;
  await page.close();
  return { training, pass };
}

/** The standalone page `--html` wrote. */
async function standalone(browser: Browser, traced: Traced): Promise<{ training: number; pass: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  const started = Date.now();
  await page.goto(`file://${traced.page}?selection=training`, { waitUntil: 'commit', timeout: 300_000 });
  await page.waitForFunction(() => (globalThis as any).gradlens?.app !== undefined, null, { timeout: 300_000, polling: 20 });
  const training = (await trainingAfter(page, started)) - started;
  const clicked = Date.now();
  const pass = (await graphShown(page, traced.lastKept, clicked)) - clicked;
  await page.close();
  return { training, pass };
}

async function main(): Promise<void> {
  const traced = CASES.map(traceCase);
  const blank = join(work, 'blank.html');
  writeFileSync(blank, inspectorPage(syntheticTrace(10), distDir));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const times = traced.map(() => ({ host: { training: [] as number[], pass: [] as number[] }, page: { training: [] as number[], pass: [] as number[] } }));
  try {
    // Rounds alternate the traces, so that a slow spell of the machine hits each alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, t] of traced.entries()) {
        process.stderr.write(`round ${round + 1}: ${t.name}\n`);
        const host = await viaHost(browser, t, blank);
        times[i]!.host.training.push(host.training);
        times[i]!.host.pass.push(host.pass);
        const page = await standalone(browser, t);
        times[i]!.page.training.push(page.training);
        times[i]!.page.pass.push(page.pass);
      }
    }
  } finally {
    await browser.close();
  }
  const rows: string[][] = [['trace', 'file', 'path', 'Training view', 'ratio', 'last pass', 'ratio']];
  const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
  for (const path of ['host', 'page'] as const) {
    traced.forEach((t, i) => {
      const mine = times[i]![path];
      const small = times[0]![path];
      const same = times[Math.min(i, 1)]![path]; // the RNN's last pass against the default RNN trace's
      rows.push([t.name, `${(t.bytes / 2 ** 20).toFixed(1)} MB`, path === 'host' ? 'VS Code (host + webview)' : 'standalone page',
        ms(mine.training), `${(median(mine.training) / median(small.training)).toFixed(2)}×`,
        ms(mine.pass), i === 0 ? '' : `${(median(mine.pass) / median(same.pass)).toFixed(2)}×`]);
    });
  }
  console.log(`Opening traces, median of ${ROUNDS} rounds; ratios: the Training view against the small trace, the last pass against the default RNN trace (the same graph).`);
  console.log(formatTable(rows, new Set([3, 4, 5, 6])));
}

main().then(() => rmSync(work, { recursive: true, force: true }), (error) => {
  console.error(error);
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
