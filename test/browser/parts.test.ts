// A trace in parts in headless Chromium (protocol/traceParts.ts): the inspector gets the head, asks
// for a graph's parts when it is opened, says "Loading…" meanwhile and why when a part cannot come;
// the graph it then draws is the one the whole trace gives; the Training view fills in its names
// and whys from the parts it asks for. The standalone page with `?parts=on-demand` parses its parts
// from their script elements; posing as VS Code, the test answers the inspector's asks itself.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runProgram } from '../../capture/runner';
import type { Trace } from '../../protocol/trace';
import { missingParts, splitTrace } from '../../protocol/traceParts';
import { distDir, repoRoot } from '../trace-helpers';
import { launch, openPage, posted, postFromHost, results, screenOf, Watch, writePage } from './page-helpers';
import { trainingRun } from '../../webview/model/training';
import { trainingShown } from './training-helpers';

const app = (page: Page) => page.evaluate(() => {
  const a = (globalThis as any).gradlens.app;
  const parts = a.trace?.parts;
  return { loaded: parts ? parts.loaded.filter(Boolean).length : null, nodes: a.trace?.nodes.length ?? 0, drawn: a.model?.nodes.length ?? 0, steps: a.stepCount() as number };
});

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

suite('a trace in parts in the inspector', function () {
  this.timeout(180_000);
  let browser: Browser;
  const watch = new Watch();
  /** test/fixtures/capture/long-run.ts: 60 passes within 1 MB, a handful kept, each its own part. */
  let long: Trace;
  let kept: number[];
  let file: string;

  suiteSetup(async () => {
    const result = await runProgram({ file: join(repoRoot, 'test', 'fixtures', 'capture', 'long-run.ts'), args: ['60'], capture: true, distDir, seed: 3, maxTraceMb: 1 });
    assert.equal(result.exitCode, 0, result.stderr);
    long = result.trace!;
    kept = long.backwardPasses.filter((p) => p.kept).map((p) => p.id);
    assert.ok(kept.length >= 4, `kept: ${kept.join(' ')}`);
    file = writePage('parts', long);
    browser = await launch();
  });

  suiteTeardown(async () => { await browser?.close(); });

  /** What a page of the whole trace draws for a pass. */
  async function whole(pass: number): Promise<{ drawn: number; steps: number }> {
    const page = await openPage(browser, watch, file, { name: 'parts-whole' });
    await page.evaluate((id) => (globalThis as any).gradlens.app.dispatch({ type: 'selection/set', selection: { kind: 'pass', id } }), pass);
    await page.waitForFunction(() => (globalThis as any).gradlens.app.model !== null);
    const shown = await app(page);
    assert.equal(shown.loaded, null, 'a small trace comes whole: no parts');
    await page.close();
    return { drawn: shown.drawn, steps: shown.steps };
  }

  test('standalone, on demand: the head first, then the parts of the graph opened; the same graph as the whole trace', async () => {
    const pass = kept[2]!;
    const expected = await whole(pass);
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watch.attach(page, 'parts-on-demand');
    await page.goto(`file://${file}?parts=on-demand&selection=pass:${pass}`);
    await page.waitForFunction(() => (globalThis as any).gradlens?.app?.model !== null && (globalThis as any).gradlens?.app?.model !== undefined, null, { timeout: 20_000 });
    const shown = await app(page);
    const total = splitTrace(long).head.parts!.list.length;
    assert.ok(shown.loaded !== null && shown.loaded < total, `only some parts loaded (${shown.loaded} of ${total})`);
    assert.deepEqual({ drawn: shown.drawn, steps: shown.steps }, expected);
    assert.equal(await screenOf(page), 'graph');
    // Stepping works on the loaded pass as on a whole trace.
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => (globalThis as any).gradlens.app.state.step), expected.steps);
    await page.close();
  });

  test('posing as VS Code: "Loading…" and a parts/load for the pass opened; the parts posted back draw it; a part that cannot come says why', async () => {
    const { head, parts } = splitTrace(long);
    const pass = kept[1]!;
    const expected = await whole(pass);
    const page = await openPage(browser, watch, file, { vscode: true, name: 'parts-vscode' });
    await postFromHost(page, { type: 'trace/snapshot', trace: plain(head), selection: { kind: 'pass', id: pass } });
    const loading = page.locator('.loading-screen[role=status]');
    await loading.waitFor();
    const number = long.backwardPasses.findIndex((p) => p.id === pass) + 1;
    assert.match(await loading.innerText(), new RegExp(`^Loading pass #${number} \\(about [\\d.,]+ (KB|MB) of the trace\\)…$`));
    const wanted = missingParts(head, { kind: 'pass', id: pass });
    const asks = (await posted(page)).filter((m) => m.type === 'parts/load');
    assert.deepEqual(asks, [{ type: 'parts/load', parts: wanted }], 'asked once, for the pass\'s part and what it needs');
    await page.screenshot({ path: join(results, 'parts-loading.png') });
    await postFromHost(page, { type: 'parts/data', parts: plain(wanted.map((i) => parts[i]!)) });
    await page.waitForFunction(() => (globalThis as any).gradlens.app.model !== null);
    const shown = await app(page);
    assert.deepEqual({ drawn: shown.drawn, steps: shown.steps }, expected);

    // Another pass: the host cannot give it.
    const other = kept[3]!;
    await page.evaluate((id) => (globalThis as any).gradlens.app.dispatch({ type: 'selection/set', selection: { kind: 'pass', id } }), other);
    const otherParts = missingParts(head, { kind: 'pass', id: other }).filter((i) => !wanted.includes(i));
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'parts/load').at(-1), { type: 'parts/load', parts: otherParts });
    await postFromHost(page, { type: 'parts/failed', parts: otherParts, problem: 'train.ts.gradlens.json changed since it was opened: open it again' });
    const failed = page.locator('.loading-screen[role=alert]');
    await failed.waitFor();
    const text = await failed.innerText();
    assert.match(text, new RegExp(`The graph of pass #${long.backwardPasses.findIndex((p) => p.id === other) + 1} could not be loaded`));
    assert.match(text, /train\.ts\.gradlens\.json changed since it was opened: open it again/);
    await page.close();
  });

  test('a part that is malformed is refused with what is wrong, in its graph\'s place', async () => {
    const { head, parts } = splitTrace(long);
    const pass = kept[1]!;
    const page = await openPage(browser, watch, file, { vscode: true, name: 'parts-malformed' });
    await postFromHost(page, { type: 'trace/snapshot', trace: plain(head), selection: { kind: 'pass', id: pass } });
    await page.locator('.loading-screen[role=status]').waitFor();
    const wanted = missingParts(head, { kind: 'pass', id: pass });
    const bad = plain(wanted.map((i) => parts[i]!));
    bad.at(-1)!.nodes[0]!.inputs = [999_999_999];
    await postFromHost(page, { type: 'parts/data', parts: bad });
    const failed = page.locator('.loading-screen[role=alert]');
    await failed.waitFor();
    assert.match(await failed.innerText(), /the trace's part is malformed: parts\[\d+\]\.nodes\[0\]\.inputs\[0\] is 999999999, expected an earlier node/);
    await page.close();
  });

  test('the Training view draws from the head at once, then asks for the parts that name its series: the same words as the whole trace', async () => {
    // The d2l MLP from scratch (one epoch, 24 passes): its parameters are named by the lines that made them, in the first kept pass's part.
    const result = await runProgram({ file: join(repoRoot, 'test', 'fixtures', 'capture', 'd2l-train.ts'), args: ['mlp-implementation', '1'], capture: true, distDir, seed: 1, maxTraceMb: 8 });
    assert.equal(result.exitCode, 0, result.stderr);
    const mlp = result.trace!;
    const names = (t: Trace) => trainingRun(t).series.map((series) => series.name);
    assert.deepEqual(names(mlp), ['this.W1', 'this.b1', 'this.W2', 'this.b2']);
    assert.ok(names(splitTrace(mlp).head).every((name) => /^variable \d$/.test(name)), 'the head alone has no names');
    const mlpFile = writePage('parts-training', mlp);
    const wholePage = await openPage(browser, watch, mlpFile, { name: 'parts-training-whole' });
    await trainingShown(wholePage);
    const words = await wholePage.locator('.training').innerText();
    await wholePage.close();
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watch.attach(page, 'parts-training');
    await page.goto(`file://${mlpFile}?parts=on-demand&selection=training`);
    await trainingShown(page);
    await page.waitForFunction((expected) => (globalThis as any).document.querySelector('.training')?.innerText === expected, words, { timeout: 20_000 });
    const shown = await app(page);
    assert.ok(shown.loaded !== null && shown.loaded >= 1 && shown.loaded < mlp.backwardPasses.filter((p) => p.kept).length, `some parts came (${shown.loaded})`);
    await page.close();
  });

  test('no page errors, dialogs, console errors or CSP violations along the way', () => {
    assert.deepEqual(watch.problems, []);
  });
});
