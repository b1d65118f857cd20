/**
 * How large a trace the inspector holds, in headless Chromium (software rendering): where its two
 * limits come from (webview/app.ts). Per case, the time from the page getting the trace (through
 * the path host messages take) to its first frame, and how long the page then takes to answer.
 * Traces are the synthetic graph of tiny-trace.ts, made inside the page (a million nodes would be
 * 600 MB of JSON to send):
 *   - drawn nodes: drawn unfolded, the draw limit raised out of the way → DRAW_LIMIT;
 *   - trace nodes: opened as usual (folded by line), the summary threshold raised → SUMMARY_THRESHOLD;
 *   - the summary: 10⁶ nodes opened with the limits in force, then its backward pass.
 * Run with `node scripts/build.mjs engine cli webview bench && node dist/bench/big-trace.bench.js`.
 * It prints a table and asserts nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inspectorPage } from '../capture/html';
import { formatTable } from './harness';
import { syntheticTrace } from './synthetic-trace';
import { tinyTrace } from './tiny-trace';

const root = resolve(__dirname, '..', '..');
const distDir = join(root, 'dist');
const work = mkdtempSync(join(os.tmpdir(), 'gradlens-big-trace-'));

interface Opened { firstFrameMs: number; answerMs: number; stepMs: number; zoomMs: number; drawn: number; screen: string; heapMb: number }

/** A page with a tiny trace, ready to be handed a big one (in a context of its own: a process of its own). */
async function blankPage(browser: Browser): Promise<Page> {
  const file = join(work, 'blank.html');
  writeFileSync(file, inspectorPage(syntheticTrace(10), distDir));
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => ((globalThis as any).gradlens?.app?.timings?.firstFrameAt ?? 0) > 0);
  return page;
}

/** Hands the page the trace built in it (with the limits given), and waits for its first frame. */
async function open(page: Page, limits: { draw?: number; summary?: number }, selection: unknown): Promise<Opened> {
  const shown = await page.evaluate(async ({ limits: l, selection: s }) => {
    const { app, deliver } = (globalThis as any).gradlens;
    Object.assign(app.limits, l);
    const trace = (globalThis as any).benchTrace;
    app.timings.firstFrameAt = 0;
    const started = performance.now();
    deliver({ type: 'trace/snapshot', trace, ...(s ? { selection: s } : {}) });
    while (app.timings.firstFrameAt === 0) await new Promise((done) => setTimeout(done, 20));
    const doc = (globalThis as any).document;
    return {
      firstFrameMs: app.timings.firstFrameAt - started,
      drawn: app.view?.elements().length ?? 0,
      screen: doc.querySelector('.summary-screen:not([hidden]) .summary') ? 'summary' : doc.querySelector('.empty:not([hidden]) .too-large') ? 'too large'
        : doc.querySelector('.empty:not([hidden]) .error-screen') ? 'error' : 'graph',
    };
  }, { limits, selection });
  // How long the page takes to answer right after (a person's click would wait as long).
  const asked = Date.now();
  await page.evaluate(() => new Promise((done) => (globalThis as any).requestAnimationFrame(done)));
  const answerMs = Date.now() - asked;
  // A step and a zoom, each to the frame that shows it (medians of five).
  const { stepMs, zoomMs } = await page.evaluate(async () => {
    const { app } = (globalThis as any).gradlens;
    const frame = () => new Promise<number>((done) => (globalThis as any).requestAnimationFrame(() => done(performance.now())));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const timed = async (act: () => void) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) { await frame(); const t0 = performance.now(); act(); times.push((await frame()) - t0); }
      return median(times);
    };
    if (!app.view || !app.model) return { stepMs: NaN, zoomMs: NaN };
    return { stepMs: await timed(() => app.dispatch({ type: 'step/move', to: 'next' })), zoomMs: await timed(() => app.view.zoom(1.1)) };
  });
  const heapMb = await page.evaluate(() => ((performance as any).memory?.usedJSHeapSize ?? 0) / 2 ** 20);
  return { ...shown, answerMs, stepMs, zoomMs, heapMb };
}

/** Builds a trace of `size` nodes inside the page (tiny-trace.ts: too large to send as text). */
async function withTrace(page: Page, size: number): Promise<number> {
  // void: the value of the expression would be sent back to the driver, all 10⁶ nodes of it.
  await page.evaluate(`void (globalThis.benchTrace = (${tinyTrace.toString()})(${size}))`);
  return page.evaluate(() => (globalThis as any).benchTrace.nodes.length as number);
}

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`);

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--enable-precise-memory-info'],
  });
  const rows: string[][] = [['case', 'trace nodes', 'screen', 'drawn', 'first frame', 'next frame after', 'step → frame', 'zoom → frame', 'heap']];
  const row = (name: string, nodes: number, o: Opened) => rows.push([name, nodes.toLocaleString('en-US'), o.screen, String(o.drawn), ms(o.firstFrameMs), ms(o.answerMs),
    Number.isNaN(o.stepMs) ? '' : ms(o.stepMs), Number.isNaN(o.zoomMs) ? '' : ms(o.zoomMs), `${o.heapMb.toFixed(0)} MB`]);
  try {
    console.log(`GradLens big traces; ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores; Chromium ${browser.version()} (headless, software rendering); ${new Date().toISOString()}`);
    for (const size of process.env.ONLY_SUMMARY ? [] : [5_000, 10_000, 20_000, 40_000, 80_000]) {
      process.stderr.write(`drawn ${size}…\n`);
      const page = await blankPage(browser);
      const nodes = await withTrace(page, size);
      await page.evaluate(() => (globalThis as any).gradlens.app.dispatch({ type: 'fold/set', folded: false })); // the same pass in the big trace keeps it
      row('drawn unfolded', nodes, await open(page, { draw: Infinity, summary: Infinity }, null));
      await page.context().close();
    }
    for (const size of process.env.ONLY_SUMMARY ? [] : [30_000, 100_000, 300_000, 600_000]) {
      process.stderr.write(`trace ${size}…\n`);
      const page = await blankPage(browser);
      const nodes = await withTrace(page, size);
      row('opened folded', nodes, await open(page, { summary: Infinity }, null));
      await page.context().close();
    }
    for (const size of [1_000_000]) {
      process.stderr.write(`summary ${size}…\n`);
      const page = await blankPage(browser);
      const nodes = await withTrace(page, size);
      row('summary', nodes, await open(page, {}, null));
      row('its pass, folded', nodes, await open(page, {}, { kind: 'pass', id: 0 }));
      await page.context().close();
    }
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(formatTable(rows, new Set([1, 3, 4, 5, 6, 7, 8])));
  console.log('first frame: from the page getting the trace (parsed) to the first frame drawn; next frame after: how long a frame then waits.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
