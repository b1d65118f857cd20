// The inspector's first frame and what comes after it (webview/lazy.ts), in headless Chromium: the
// graph is drawn before the second script runs; that script then brings the side bar's panels, the
// toolkit's controls and the minimap, which work. The standalone page is one file that asks for
// nothing (offline); posing as VS Code with the panel's own page (extension/panelHtml.ts), the
// second script is loaded from its file with the nonce, under the panel's policy. A trace's text
// never becomes that script. No timings are asserted here (bench/inspector.bench.ts measures).
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { panelHtml } from '../../extension/panelHtml';
import type { Trace } from '../../protocol/trace';
import { distDir, seedFixture } from '../trace-helpers';
import { complete, instrument, launch, openPage, postFromHost, results, Watch, writePage } from './page-helpers';

/** Before any script: when a script element is added to the page after it was read (the second script), and by what. */
async function watchScripts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = globalThis as any;
    w.__added = [];
    new w.MutationObserver((records: any[]) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.localName === 'script' && w.document.readyState !== 'loading') {
            w.__added.push({ at: w.performance.now(), src: node.getAttribute('src'), nonce: node.nonce !== '', inline: !node.hasAttribute('src') });
          }
        }
      }
    }).observe(w.document, { childList: true, subtree: true });
  });
}

suite('the inspector\'s first frame, and what comes after it', function () {
  this.timeout(120_000);
  let browser: Browser;
  const watch = new Watch();
  const seed: Trace = seedFixture();
  let work: string;

  suiteSetup(async () => {
    browser = await launch();
    work = mkdtempSync(join(tmpdir(), 'gradlens-first-frame-'));
  });

  suiteTeardown(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('the graph first; then the second script, with the nonce: the side bar, the controls and the minimap, which work', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watch.attach(page, 'first-frame');
    await instrument(page);
    await watchScripts(page);
    await page.goto(`file://${writePage('first-frame', seed)}`);
    await complete(page);
    const seen = await page.evaluate(() => {
      const w = globalThis as any;
      const timings = w.gradlens.app.timings;
      return { firstFrameAt: timings.firstFrameAt, completeAt: timings.completeAt, added: w.__added, defined: !!w.customElements.get('vscode-button') };
    });
    assert.equal(seen.added.length, 1, `one script added after the page was read: ${JSON.stringify(seen.added)}`);
    assert.ok(seen.added[0].inline && seen.added[0].nonce, 'standalone: the text of the page\'s second script, run with the nonce');
    assert.ok(seen.added[0].at >= seen.firstFrameAt, `the second script after the first frame (${seen.added[0].at} ms, the frame at ${seen.firstFrameAt} ms)`);
    assert.ok(seen.completeAt > seen.firstFrameAt && seen.defined);
    // The side bar's panels, the controls upgraded and shown, the minimap there.
    const side = await page.locator('aside.side').innerText();
    assert.match(side, /Step 0 of 2/);
    assert.match(side, /Anomalies \(0\) and graph breaks \(\d+\)/);
    assert.equal(await page.locator('vscode-dropdown[title="What to show"]').isVisible(), true);
    assert.equal(await page.locator('.canvas > canvas.minimap').count(), 1);
    // They work: the step button steps (the step panel follows), zooming in shows the minimap, the plot of a pass draws.
    await page.locator('vscode-button[title="Next step (→)"]').click();
    await page.waitForFunction(() => /Step 1 of 2/.test((globalThis as any).document.querySelector('aside.side').innerText));
    const zoom = () => page.evaluate(() => (globalThis as any).gradlens.app.view.core.zoom() as number);
    const before = await zoom();
    for (let i = 0; i < 5; i++) await page.locator('vscode-button[title="Zoom in"]').click();
    await page.waitForFunction((at) => (globalThis as any).gradlens.app.view.core.zoom() > at * 2, before);
    await page.waitForFunction(() => !(globalThis as any).document.querySelector('canvas.minimap').hidden);
    await page.screenshot({ path: join(results, 'first-frame-complete.png') });
    await page.close();
  });

  for (const width of [1400, 720]) {
    test(`nothing moves when the controls come (${width} px wide): the bars keep their rows, the graph its place`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 860 } });
      watch.attach(page, `no-shift-${width}`);
      await instrument(page);
      // The graph's size as each frame lays it out (a ResizeObserver is told after a frame's callbacks,
      // where the toolkit styles its components, before its paint), from the first frame on.
      await page.addInitScript(() => {
        const w = globalThis as any;
        w.__boxes = [];
        const watchGraph = () => {
          const graph = w.document.querySelector('.graph');
          if (!graph) { w.requestAnimationFrame(watchGraph); return; }
          new w.ResizeObserver(() => {
            if ((w.gradlens?.app?.timings?.firstFrameAt ?? 0) === 0) return;
            const box = graph.getBoundingClientRect();
            w.__boxes.push(`${box.top},${box.height},${box.width}`);
          }).observe(graph);
        };
        w.requestAnimationFrame(watchGraph);
      });
      await page.goto(`file://${writePage(`no-shift-${width}`, seed)}`);
      await complete(page);
      await page.waitForTimeout(300);
      const boxes: string[] = await page.evaluate(() => (globalThis as any).__boxes);
      const final = await page.evaluate(() => { const box = (globalThis as any).document.querySelector('.graph').getBoundingClientRect(); return `${box.top},${box.height},${box.width}`; });
      assert.deepEqual(boxes.filter((box) => box !== final), [], `the graph's box (top, height, width) laid out from the first frame on: ${boxes.join(' | ')}; at the end ${final}`);
      await page.close();
    });
  }

  test('the standalone page is one file that works offline: it asks for nothing but itself', async () => {
    const file = join(work, 'alone.html');
    copyFileSync(writePage('offline', seed), file); // no dist/ beside it
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, offline: true });
    watch.attach(page, 'offline');
    await instrument(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`file://${file}`);
    await complete(page);
    assert.deepEqual(requests, [`file://${file}`]);
    assert.match(await page.locator('aside.side').innerText(), /Step 0 of 2/);
    // An export (the second script's) is a download made in the page.
    const download = page.waitForEvent('download');
    await page.evaluate(() => (globalThis as any).gradlens.app.exportAs('svg'));
    assert.match(readFileSync((await (await download).path())!, 'utf8'), /^<\?xml[^>]*>\n<svg /);
    await page.close();
  });

  test('posing as VS Code, with the panel\'s page: both scripts from their files (the second with the nonce, once the first frame is drawn) under the panel\'s policy', async () => {
    const nonce = 'dGVzdC1ub25jZS0xMjM0NQ==';
    const html = panelHtml({
      cspSource: 'file:', nonce, title: 'GradLens',
      scriptUri: `file://${join(distDir, 'webview.js')}`, laterUri: `file://${join(distDir, 'webview-later.js')}`, styleUri: `file://${join(distDir, 'webview.css')}`,
    });
    const file = join(work, 'panel.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watch.attach(page, 'panel');
    await instrument(page, { vscode: true });
    await watchScripts(page);
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (globalThis as any).gradlens?.app !== undefined);
    const waiting = await page.evaluate(() => (globalThis as any).__added.length);
    assert.equal(waiting, 0, 'nothing more while the panel waits for its trace');
    await postFromHost(page, { type: 'trace/snapshot', trace: JSON.parse(JSON.stringify(seed)) });
    await complete(page);
    const seen = await page.evaluate(() => ({ added: (globalThis as any).__added, firstFrameAt: (globalThis as any).gradlens.app.timings.firstFrameAt }));
    assert.equal(seen.added.length, 1);
    assert.equal(seen.added[0].src, `file://${join(distDir, 'webview-later.js')}`);
    assert.ok(seen.added[0].nonce && seen.added[0].at >= seen.firstFrameAt);
    assert.match(await page.locator('aside.side').innerText(), /Step 0 of 2/);
    await page.close();
  });

  test('a trace\'s text that looks like the second script stays text: the page\'s own runs', async () => {
    const hostile = seedFixture();
    const fake = '</script><script id="gradlens-later" type="text/plain">globalThis.__ran = 1</script><script>globalThis.__ran = 2</script>';
    hostile.run.stdout = fake;
    hostile.nodes[1]!.op = fake;
    const page = await openPage(browser, watch, writePage('fake-later', hostile));
    assert.equal(await page.evaluate(() => (globalThis as any).__ran), undefined);
    assert.equal(await page.evaluate(() => (globalThis as any).document.querySelectorAll('script#gradlens-later').length), 1);
    assert.match(await page.locator('aside.side').innerText(), /Step 0 of 2/);
    await page.close();
  });

  test('no page errors, dialogs, console errors or CSP violations along the way', () => {
    assert.deepEqual(watch.problems, []);
  });
});
