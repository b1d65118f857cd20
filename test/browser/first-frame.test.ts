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
    const zoom = () => page.evaluate(() => (globalThis as any).gradlens.app.view.viewState.zoom as number);
    const before = await zoom();
    for (let i = 0; i < 5; i++) await page.locator('vscode-button[title="Zoom in"]').click();
    await page.waitForFunction((at) => (globalThis as any).gradlens.app.view.viewState.zoom > at * 2, before);
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

  test('before the second script: the graph\'s canvas draws every node where the view has it; the wheel zooms, hovering tells, a click selects, → steps, a drag pans', async () => {
    // Posing as VS Code, the second script comes from a URL held back until the test lets it through.
    const nonce = 'aGVsZC1iYWNrLW5vbmNl';
    const html = panelHtml({
      cspSource: 'file:', nonce, title: 'GradLens',
      scriptUri: `file://${join(distDir, 'webview.js')}`, laterUri: 'http://gradlens.test/webview-later.js', styleUri: `file://${join(distDir, 'webview.css')}`,
    });
    const file = join(work, 'held-back.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watch.attach(page, 'held-back');
    await instrument(page, { vscode: true });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    await page.route('http://gradlens.test/webview-later.js', async (route) => {
      await released;
      await route.fulfill({ contentType: 'text/javascript', body: readFileSync(join(distDir, 'webview-later.js'), 'utf8') });
    });
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (globalThis as any).gradlens?.app !== undefined);
    await postFromHost(page, { type: 'trace/snapshot', trace: JSON.parse(JSON.stringify(seed)) });
    await page.waitForFunction(() => (globalThis as any).gradlens.app.timings.firstFrameAt > 0);
    const later = () => page.evaluate(() => (globalThis as any).gradlens.app.timings.completeAt as number);
    assert.equal(await later(), 0, 'the second script is held back');

    // Each node's fill on the graph's canvas, at its box's left (clear of the label), as the view places it;
    // nothing of it beside the graph.
    const drawn = await page.evaluate(() => {
      const w = globalThis as any;
      const view = w.gradlens.app.view;
      const layer = w.document.querySelector('#graph > canvas.graph-layer');
      const scale = layer.width / layer.clientWidth;
      const pixel = (x: number, y: number) => [...layer.getContext('2d').getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data];
      const probe = w.document.createElement('canvas').getContext('2d');
      const rgb = (color: string) => { probe.clearRect(0, 0, 1, 1); probe.fillStyle = color; probe.fillRect(0, 0, 1, 1); return [...probe.getImageData(0, 0, 1, 1).data]; };
      const nodes = view.elements().map((n: any) => {
        const box = view.renderedBox(n.id);
        return { id: n.id, at: pixel(box.x1 + 8, (box.y1 + box.y2) / 2), fill: rgb(view.lookOf(n.id).fill) };
      });
      const boxes = view.elements().map((n: any) => view.renderedBox(n.id));
      const right = Math.max(...boxes.map((b: any) => b.x2));
      return { nodes, outside: pixel(right + 40, boxes[0].y1), cytoscape: w.document.querySelectorAll('[data-id^="layer"], .__________cytoscape_container').length };
    });
    assert.ok(drawn.nodes.length >= 4, JSON.stringify(drawn));
    for (const node of drawn.nodes) {
      assert.ok(node.at[3] === 255 && node.at.slice(0, 3).every((c: number, i: number) => Math.abs(c - node.fill[i]) <= 2), `${node.id} is drawn in its fill ${node.fill} where the view has it: ${node.at}`);
    }
    assert.equal(drawn.outside[3], 0, 'beside the graph the canvas is clear');
    assert.equal(drawn.cytoscape, 0, 'no Cytoscape on the page');

    // The wheel over the graph zooms it.
    const zoom = () => page.evaluate(() => (globalThis as any).gradlens.app.view.viewState.zoom as number);
    const zoomBefore = await zoom();
    await page.mouse.move(700, 400);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((at) => (globalThis as any).gradlens.app.view.viewState.zoom > at * 1.1, zoomBefore);
    // A click on x selects it.
    const target = await page.evaluate(() => {
      const w = globalThis as any;
      const view = w.gradlens.app.view;
      const x = view.elements().find((n: any) => n.label.startsWith('x ='));
      const box = view.renderedBox(x.id);
      const graph = w.document.getElementById('graph').getBoundingClientRect();
      return { id: x.id, x: graph.left + (box.x1 + box.x2) / 2, y: graph.top + (box.y1 + box.y2) / 2 };
    });
    await page.mouse.move(target.x, target.y);
    await page.locator('.graph-tooltip').waitFor({ state: 'visible' });
    assert.match(await page.locator('.graph-tooltip').innerText(), /^x = arange/, 'hovering x tells of it');
    await page.mouse.click(target.x, target.y);
    assert.equal(await page.evaluate(() => (globalThis as any).gradlens.app.state.selectedNode), Number(target.id.slice(1)));
    // → steps, the click having taken no focus (the keyboard comes into the graph by Tab): the step layer marks the next step's node.
    assert.ok(await page.evaluate(() => (globalThis as any).document.activeElement === (globalThis as any).document.body), 'the click left the focus on the page');
    const current = () => page.evaluate(() => (globalThis as any).gradlens.app.view.marks.current as string | null);
    const before = await current();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((at) => (globalThis as any).gradlens.app.view.marks.current !== at, before);
    assert.equal(await page.evaluate(() => (globalThis as any).gradlens.app.state.step), 1);
    // A drag from the background pans by as much, and is no click there (which would clear the selection).
    const pan = () => page.evaluate(() => ({ ...(globalThis as any).gradlens.app.view.viewState.pan }) as { x: number; y: number });
    const panBefore = await pan();
    const corner = await page.evaluate(() => { const box = (globalThis as any).document.getElementById('graph').getBoundingClientRect(); return { x: box.left + 20, y: box.top + 20 }; });
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.mouse.move(corner.x + 60, corner.y + 30, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((at) => (globalThis as any).gradlens.app.view.viewState.pan.x !== at.x, panBefore);
    const panAfter = await pan();
    assert.deepEqual([Math.round(panAfter.x - panBefore.x), Math.round(panAfter.y - panBefore.y)], [60, 30]);
    assert.equal(await page.evaluate(() => (globalThis as any).gradlens.app.state.selectedNode), Number(target.id.slice(1)), 'still selected');
    assert.equal(await later(), 0, 'all of that before the second script');

    // The second script in: its side bar shows what was done before it came.
    release();
    await complete(page);
    await page.locator('section.panel h2', { hasText: 'x = arange' }).waitFor();
    assert.match(await page.locator('aside.side').innerText(), /Step 1 of 2/);
    await page.screenshot({ path: join(results, 'held-back-then-complete.png') });
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
