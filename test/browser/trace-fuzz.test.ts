// The trace fuzzer in the real page: a few hundred seeded mutations of the seed example's trace,
// each handed to one standalone page through the path host messages take. Each must end on a
// screen — a graph, the error screen (for the traces validation refuses), or words — within a
// time limit, then survive a walk through it (last step, a node's details, the forward view);
// never an uncaught exception, a dialog, a console error or a CSP violation, never a hang (the
// page answers within the limit), and a valid trace never shows a failed panel. Then a trace of a
// million nodes opens as its summary and stays responsive.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { tinyTrace } from '../../bench/tiny-trace';
import { validateTrace } from '../../protocol/validate';
import type { Trace } from '../../protocol/trace';
import { seedFixture } from '../trace-helpers';
import { mutations, seededUniform } from '../unit/trace-mutations';
import { launch, openPage, results, screenOf, Watch, within, writePage } from './page-helpers';

const CASES = 250;
/** Generous: a case is a trace of some 60 nodes, drawn in well under a second. */
const CASE_LIMIT_MS = 15_000;

/**
 * One case in one round trip: the trace delivered as the host would, the screen it ends on, then
 * — for a trace that should draw — a walk through it (last step, a node's details, the forward view
 * and back) and whatever failed on screen without throwing (a panel, a handler).
 */
async function runCase(page: Page, trace: unknown, nodeId: number | null): Promise<{ screen: string; failures: string[] }> {
  return page.evaluate(({ trace: t, nodeId: id }) => {
    const doc = (globalThis as any).document;
    const { app, deliver: send } = (globalThis as any).gradlens;
    send({ type: 'trace/snapshot', trace: t });
    const screen = doc.querySelector('.summary-screen:not([hidden]) .summary') ? 'summary'
      : doc.querySelector('.empty:not([hidden]) .error-screen') ? 'error'
        : doc.querySelector('.empty:not([hidden]) .too-large') ? 'too large'
          : doc.querySelector('.empty:not([hidden])') ? 'words' : 'graph';
    if (screen !== 'error') {
      send({ type: 'step/move', to: 'last' });
      send({ type: 'step/move', to: 'previous' });
      if (id !== null) send({ type: 'node/focus', nodeIds: [id] });
      if (app.view && app.model) {
        app.dispatch({ type: 'view/set', view: 'forward' });
        send({ type: 'step/move', to: 'next' });
        app.dispatch({ type: 'view/set', view: 'backward' });
      }
    }
    const failures = [...doc.querySelectorAll('.panel-error, .failure:not([hidden])')].map((e: any) => e.innerText as string);
    return { screen, failures };
  }, { trace, nodeId });
}

suite('trace fuzzer (browser)', function () {
  this.timeout(300_000);
  let browser: Browser;
  /** The seed example's golden trace (test/fixtures/traces/seed.gradlens.json). */
  const seed: Trace = seedFixture();
  const watch = new Watch();

  suiteSetup(async function () {
    this.timeout(60_000);
    browser = await launch();
  });
  suiteTeardown(async () => { await browser?.close(); });

  test(`${CASES} mutations of the seed trace: each drawn or refused on the error screen, within ${CASE_LIMIT_MS / 1000} s`, async () => {
    const page = await openPage(browser, watch, writePage('fuzz', seed));
    const random = seededUniform(2024);
    // Smaller strings and nesting than in Node: every case crosses the test driver's wire.
    const mutate = mutations(random, { hugeStrings: false, maxDepth: 60 }); // the driver cannot send 100 levels
    const tally = { graph: 0, error: 0, other: 0 };
    for (let i = 0; i < CASES; i++) {
      const { trace, what } = mutate(seed);
      const valid = validateTrace(JSON.parse(JSON.stringify(trace))).ok;
      const label = `case ${i} (${valid ? 'valid' : 'invalid'}) — ${what}`;
      const before = watch.problems.length;
      const nodes = Array.isArray(trace.nodes) ? trace.nodes : [];
      const node = nodes.length > 0 ? nodes[Math.floor(random() * nodes.length)]?.id : null;
      const { screen, failures } = await within(CASE_LIMIT_MS, label, runCase(page, trace, typeof node === 'number' ? node : null));
      if (valid) {
        assert.notEqual(screen, 'error', `${label}: a valid trace is not refused`);
        assert.deepEqual(failures, [], `${label}: nothing failed on screen`);
      } else {
        assert.equal(screen, 'error', `${label}: an invalid trace gets the error screen`);
      }
      assert.equal(await within(CASE_LIMIT_MS, `${label}: an answer`, page.evaluate(() => 1 + 1)), 2);
      assert.deepEqual(watch.problems.slice(before), [], label);
      tally[screen === 'graph' ? 'graph' : screen === 'error' ? 'error' : 'other']++;
    }
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined, 'no script from a trace ran');
    assert.ok(tally.graph > 50 && tally.error > 50, `both outcomes are reached: ${JSON.stringify(tally)}`);
    await page.close();
  });

  test('a trace of a million nodes opens as its summary within seconds, stays responsive, and opens one graph folded', async function () {
    this.timeout(240_000);
    const page = await openPage(browser, watch, writePage('million', seed));
    // Made in the page: its JSON would be 600 MB.
    await within(120_000, 'making a trace of 10⁶ nodes', page.evaluate(`void (globalThis.million = (${tinyTrace.toString()})(1000000))`));
    const shownIn = await within(60_000, 'the summary', page.evaluate(async () => {
      const { app, deliver: send } = (globalThis as any).gradlens;
      const started = performance.now();
      app.timings.firstFrameAt = 0;
      send({ type: 'trace/snapshot', trace: (globalThis as any).million });
      while (app.timings.firstFrameAt === 0) await new Promise((done) => setTimeout(done, 10));
      return app.timings.firstFrameAt - started;
    }));
    assert.equal(await screenOf(page), 'summary');
    assert.ok(shownIn < 10_000, `the summary within 10 s of getting the trace (${shownIn.toFixed(0)} ms)`);
    const answered = Date.now();
    await within(5_000, 'an answer after the summary', page.evaluate(() => new Promise((done) => (globalThis as any).requestAnimationFrame(done))));
    assert.ok(Date.now() - answered < 5_000, 'responsive');
    const summary = await page.locator('.summary').innerText();
    assert.match(summary, /A large trace: 999,99\d nodes/);
    assert.match(summary, /timed out after 30 s/);
    assert.match(summary, /Backward passes \(1\)\s+#1 · backward · line 31 · 6\d\d,\d\d\d steps · 999,99\d nodes/);
    assert.match(summary, /Recordings \(1\)\s+record · line 15 · 6\d\d,\d\d\d ops/);
    await page.screenshot({ path: join(results, 'summary-million.png') });
    // One graph at a time, folded by source line.
    await page.locator('.summary').getByRole('button', { name: 'backward · line 31' }).click();
    await within(120_000, 'the pass folded', page.waitForFunction(() => (globalThis as any).gradlens.app.model !== null, undefined, { timeout: 120_000 }));
    assert.equal(await screenOf(page), 'graph');
    const groups = await page.evaluate(() => (globalThis as any).gradlens.app.view.elements('group').length);
    assert.ok(groups >= 5, `folded into groups by line (${groups})`);
    await page.screenshot({ path: join(results, 'million-pass-folded.png') });
    await page.close();
  });

  test('no uncaught exception, dialog, console error or CSP violation', () => {
    assert.deepEqual(watch.problems, []);
  });
});
