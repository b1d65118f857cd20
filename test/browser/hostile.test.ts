// Hostile and huge traces in the real page (issue #9): the malformed traces of the issue get the
// error screen, not a blank graph; bidi and zero-width characters are escapes in every label,
// tooltip, panel, picker, chart title and export; a 100 MB source line and four 25 MB op names are
// cut with their length and, in VS Code, "show all" asks the host for the whole text; a trace
// cut short says so; how the run ended is said; a graph too large to draw says what to do.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runProgram } from '../../capture/runner';
import { checkWebviewMessage } from '../../protocol/checkMessages';
import type { Trace } from '../../protocol/trace';
import { tinyTrace } from '../../bench/tiny-trace';
import { distDir, repoRoot } from '../trace-helpers';
import { at, buildTrace, chapterTrace, graphBreak, op, step, variable } from '../unit/trace-builder';
import { deliver, launch, openPage, postFromHost, posted, results, screenOf, Watch, within, writePage } from './page-helpers';

const RLO = '\u202E';
const ZWSP = '\u200B';
const ZWJ = '\u200D';

/** x (an op named with a right-to-left override) in a file whose name has one, y = mul on a line with zero-width spaces, a break. */
function hostileTrace(): Trace {
  const trace = buildTrace({
    nodes: [
      variable(0, `gnp${RLO}.exe`, [1, 2], at(1, `const x = np.array([1, 2]);${ZWSP}`, 11)),
      op(1, `mul${ZWSP}`, [0, 0], [1, 4], at(2, `const y = x.mul(x); // ${RLO}txet neddih`, 13)),
    ],
    breaks: [graphBreak('coerce', 1, undefined, at(2, 'y', 1), `cut ${RLO}here`)],
    passes: [{ line: 3, heads: [1], steps: [step(1, [1, 1], [[0, 0, [1, 2]], [0, 1, [1, 2]]])], leafGrads: [[0, [2, 4]]] }],
  });
  for (const node of trace.nodes) node.source!.file = `/home/ana/${RLO}gnp.ts`;
  trace.run.file = `/home/ana/model${RLO}gnp.ts`;
  return trace;
}

/** Every text node's length in the page, the longest first (no full long string may reach the DOM). */
async function longestText(page: Page): Promise<number> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    let longest = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (/^(SCRIPT|STYLE)$/.test(node.parentElement?.tagName ?? '')) continue; // the page's own code, style and embedded trace
      longest = Math.max(longest, node.textContent.length);
    }
    for (const element of doc.querySelectorAll('[title]')) longest = Math.max(longest, element.getAttribute('title').length);
    return longest;
  });
}

async function sideText(page: Page): Promise<string> {
  return page.locator('aside.side').innerText();
}

suite('the inspector with hostile traces', function () {
  this.timeout(180_000);
  let browser: Browser;
  const watch = new Watch();

  suiteSetup(async () => { browser = await launch(); });
  suiteTeardown(async () => { await browser?.close(); });

  test('the malformed traces of the issue get the error screen with the path of what is wrong', async () => {
    const page = await openPage(browser, watch, writePage('issue-cases', chapterTrace()));
    const cases: [string, (t: any) => void, RegExp][] = [
      ['headGrads: null', (t) => { t.backwardPasses[0].headGrads = null; }, /backwardPasses\[0\]\.headGrads is null, expected a list of tensors/],
      ['contributions: [null]', (t) => { t.backwardPasses[0].steps[0].contributions = [null]; }, /backwardPasses\[0\]\.steps\[0\]\.contributions\[0\] is null, expected a contribution \{input, index, grad\}/],
      ['leafGrads: [null]', (t) => { t.backwardPasses[0].leafGrads = [null]; }, /backwardPasses\[0\]\.leafGrads\[0\] is null, expected a leaf gradient/],
      ['run: {}', (t) => { t.run = {}; }, /run\.file is missing, expected text[\s\S]*run\.stdout is missing/],
    ];
    for (const [name, edit, expected] of cases) {
      const trace = JSON.parse(JSON.stringify(chapterTrace()));
      edit(trace);
      await deliver(page, { type: 'trace/snapshot', trace });
      assert.equal(await screenOf(page), 'error', name);
      const text = await page.locator('.error-screen').innerText();
      assert.match(text, /This trace cannot be shown/, name);
      assert.match(text, expected, name);
      if (name === 'run: {}') await page.screenshot({ path: join(results, 'error-screen-run.png') });
    }
    // A valid trace after them draws again.
    await deliver(page, { type: 'trace/snapshot', trace: chapterTrace() });
    assert.equal(await screenOf(page), 'graph');
    await page.close();
  });

  test('bidi and zero-width characters are visible escapes in labels, tooltip, panels, picker, title and exports', async () => {
    const trace = hostileTrace();
    const page = await openPage(browser, watch, writePage('bidi', trace));
    const labels = await page.evaluate(() => (globalThis as any).gradlens.app.view.elements().map((n: any) => n.label));
    assert.deepEqual(labels, ['x = gnp\\u202E.exe\n(2,)', 'y = mul\\u200B\n(2,)']);
    assert.equal(await page.title(), 'GradLens — model\\u202Egnp.ts');
    // The tooltip, read from the DOM after hovering the node.
    const point = await page.evaluate(() => {
      const node = (globalThis as any).gradlens.app.view.renderedBox('n1');
      const box = (globalThis as any).document.getElementById('graph').getBoundingClientRect();
      return { x: box.left + (node.x1 + node.x2) / 2, y: box.top + (node.y1 + node.y2) / 2 };
    });
    await page.mouse.move(point.x, point.y);
    const tooltip = page.locator('.graph-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    assert.equal(await tooltip.innerText(), 'y = mul\\u200B  ·  (2,)\n\\u202Egnp.ts:2  const y = x.mul(x); // \\u202Etxet neddih\n⚠ gradient stops here: cut \\u202Ehere');
    await page.mouse.click(point.x, point.y);
    await page.keyboard.press('End');
    const side = await sideText(page);
    for (const expected of ['y = mul\\u200B', 'op\tmul\\u200B', '\\u202Egnp.ts:2:13', 'const y = x.mul(x); // \\u202Etxet neddih', 'gradient stops here: cut \\u202Ehere', 'x (gnp\\u202E.exe)']) {
      assert.ok(side.includes(expected), `the side panel shows ${JSON.stringify(expected)}:\n${side}`);
    }
    for (const hidden of [RLO, ZWSP]) assert.ok(!side.includes(hidden), 'no hidden character reaches the side panel');
    const sourceTitle = await page.locator('table.facts button.link').getAttribute('title');
    assert.equal(sourceTitle, 'open /home/ana/\\u202Egnp.ts at line 2');
    const options = await page.locator('vscode-option').allInnerTexts();
    for (const option of options) for (const hidden of [RLO, ZWSP]) assert.ok(!option.includes(hidden), `picker: ${option}`);
    // Exports, downloaded as the standalone page saves them.
    const saved = async (format: string) => {
      const download = page.waitForEvent('download');
      await page.evaluate((f) => (globalThis as any).gradlens.app.exportAs(f), format);
      const file = await download;
      return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
    };
    const svg = await saved('svg');
    assert.equal(svg.name, 'model-gnp-pass0.svg', 'a plain file name');
    assert.ok(svg.text.includes('gnp\\u202E.exe') && !svg.text.includes(RLO), 'the SVG has the escape');
    const dot = await saved('dot');
    assert.ok(dot.text.includes('mul\\\\u200B') && !dot.text.includes(ZWSP), 'the DOT has the escape');
    await page.screenshot({ path: join(results, 'bidi-escapes.png') });
    await page.close();
  });

  test('a variable name with a zero-width joiner is escaped in the plot\'s title and legend', async () => {
    const result = await runProgram({ file: join(repoRoot, 'examples', 'seed', 'exercise7-sin-plot.ts'), capture: true, distDir, seed: 1 });
    const sine = result.trace!;
    for (const node of sine.nodes) if (node.source && /\bx\b/.test(node.source.text)) node.source.text = node.source.text.replace(/\bx\b/, `x${ZWJ}`);
    const page = await openPage(browser, watch, writePage('plot-names', sine));
    const plot = page.locator('section.panel', { hasText: 'and its derivative' });
    await plot.waitFor();
    const title = await plot.locator('h2').innerText();
    assert.match(title, /\(x\\u200D\) and its derivative/);
    await plot.locator('.u-legend').waitFor();
    const legend = await plot.locator('.u-legend').innerText();
    assert.ok(legend.includes('x\\u200D') && !legend.includes(ZWJ), `the legend: ${legend}`);
    await page.close();
  });

  test('a 100 MB source line and four 25 MB op names: cut with their length, fast, and "show all" asks VS Code for the whole', async () => {
    const page = await openPage(browser, watch, writePage('long-texts', chapterTrace()), { vscode: true });
    const started = Date.now();
    // Built in the page (sending 200 MB through the test driver would take longer than the test).
    await within(60_000, 'a trace with long texts', page.evaluate(() => {
      const w = globalThis as any;
      const trace = w.gradlens.embeddedTrace();
      trace.nodes[0].source.text = `let x = np.arange(4); // ${'a'.repeat(100_000_000)}`;
      for (const node of trace.nodes) node.op = `${node.op}${'o'.repeat(25_000_000)}`;
      trace.graphBreaks = [{ kind: 'coerce', node: 3, source: null, message: `gradient stops here: ${'m'.repeat(3_000)}` }];
      trace.backwardPasses.push({ ...trace.backwardPasses[0], id: 1, steps: [], leafGrads: [], error: `freed: ${'e'.repeat(5_000)}` });
      trace.run.error = { message: `boom ${'b'.repeat(4_000)}`, stack: `Error: boom\n${'    at f (x.ts:1:1)\n'.repeat(500)}`, source: null, origin: 'program' };
      trace.run.stdout = 'printed\n'.repeat(100_000);
      w.postMessage({ type: 'trace/snapshot', trace }, '*');
    }));
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view !== null && (globalThis as any).gradlens.app.model !== null, undefined, { timeout: 60_000 });
    await postFromHost(page, { type: 'node/focus', nodeIds: [0] });
    const opened = Date.now() - started;
    assert.ok(opened < 60_000, `shown within a minute (${opened} ms)`);
    const side = page.locator('aside.side');
    const text = await side.innerText();
    assert.match(text, /let x = np\.arange\(4\); \/\/ a+… \(100,000,0\d\d characters\) show all/);
    assert.match(text, /arangeo+… \(25,000,006 characters\) show all/);
    assert.ok(await longestText(page) < 5_000, 'no long text reaches the DOM');
    const labels: string[] = await page.evaluate(() => (globalThis as any).gradlens.app.view.elements().map((n: any) => n.label));
    for (const label of labels) assert.ok(label.length < 100, `a cut label: ${label.slice(0, 120)}`);
    // "show all" posts text/open with the field's reference; the host opens the whole text.
    await side.locator('pre.source-line').getByRole('button', { name: 'show all' }).click();
    await side.locator('table.facts').getByRole('button', { name: 'show all' }).click();
    const texts = (await posted(page)).filter((m) => m.type === 'text/open').map((m) => m.ref);
    assert.deepEqual(texts, [{ kind: 'node', id: 0, field: 'sourceText' }, { kind: 'node', id: 0, field: 'op' }]);
    // The run did not end well: its panel has its error, stack and output, each cut with "show all".
    const run = side.locator('section.panel', { hasText: 'uncaught error' });
    await run.getByRole('button', { name: 'show all' }).first().click();
    await run.locator('details', { hasText: 'stdout' }).locator('summary').click();
    await run.locator('details', { hasText: 'stdout' }).getByRole('button', { name: 'show all' }).click();
    const issues = side.locator('section.panel', { hasText: 'graph breaks' });
    await issues.getByRole('button', { name: 'show all' }).click();
    await postFromHost(page, { type: 'selection/set', selection: { kind: 'pass', id: 1 } });
    await side.locator('section.panel', { hasText: 'This backward pass failed' }).getByRole('button', { name: 'show all' }).click();
    const refs = (await posted(page)).filter((m) => m.type === 'text/open').map((m) => m.ref).slice(2);
    assert.deepEqual(refs, [
      { kind: 'error', field: 'message' }, { kind: 'output', field: 'stdout' }, { kind: 'break', index: 0, field: 'message' }, { kind: 'pass', id: 1, field: 'error' }]);
    assert.ok(await longestText(page) < 5_000, 'no long text reaches the DOM');
    for (const message of await posted(page)) assert.ok(checkWebviewMessage(message).ok, `the host accepts ${JSON.stringify(message).slice(0, 200)}`);
    await page.screenshot({ path: join(results, 'long-texts.png') });
    await page.close();
  });

  test('the standalone page cuts long texts too, without a link it cannot follow', async () => {
    const trace = chapterTrace();
    trace.nodes[0]!.source!.text = `let x = 1; // ${'z'.repeat(20_000)}`;
    const page = await openPage(browser, watch, writePage('long-standalone', trace));
    await deliver(page, { type: 'node/focus', nodeIds: [0] });
    const source = await page.locator('pre.source-line').innerText();
    assert.match(source, /z… \(20,014 characters\)$/);
    assert.equal(await page.locator('pre.source-line button').count(), 0);
    await page.close();
  });

  test('a trace cut short says so and what is missing, and shows what it kept', async () => {
    const trace = JSON.parse(JSON.stringify(chapterTrace()));
    trace.truncated = { bytes: 48_213, note: 'the file ends inside the nodes: the backward passes and later nodes are missing' };
    trace.nodes.splice(3, 1); // mul (the head) is lost: the pass keeps its other steps
    const page = await openPage(browser, watch, writePage('truncated', trace));
    const banner = page.locator('.warning-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    assert.match(text, /This trace was cut short: only the first 48,213 bytes of its file could be read — /);
    assert.match(text, /the backward passes and later nodes are missing/);
    assert.match(text, /record(s)? that named the lost part/);
    assert.equal(await screenOf(page), 'graph');
    await page.screenshot({ path: join(results, 'truncated.png') });
    await page.close();
  });

  test('how the run ended is said in the run panel', async () => {
    const trace = chapterTrace();
    trace.run.outcome = { kind: 'timed-out', afterMs: 30_000 };
    trace.run.timedOut = true;
    trace.run.exitCode = null;
    const page = await openPage(browser, watch, writePage('timed-out', trace));
    const run = page.locator('section.panel', { hasText: 'timed out' });
    await run.waitFor();
    assert.match(await run.innerText(), /model\.ts: timed out after 30 s · took 1 ms/);
    for (const [outcome, words] of [[{ kind: 'killed', signal: 'SIGSEGV' }, 'killed by SIGSEGV'], [{ kind: 'cancelled', by: 'user' }, 'cancelled'],
      [{ kind: 'out-of-memory', what: 'arrays', limitMb: 512 }, 'out of memory for arrays (budget 512 MB)']] as const) {
      await deliver(page, { type: 'trace/snapshot', trace: { ...trace, run: { ...trace.run, outcome } } });
      assert.ok((await sideText(page)).includes(words), words);
    }
    await page.close();
  });

  test('a graph too large to draw says how large and what to do; folding draws it', async () => {
    const page = await openPage(browser, watch, writePage('too-large', chapterTrace()));
    await page.evaluate(`void (globalThis.big = (${tinyTrace.toString()})(30000))`);
    await within(30_000, 'a 30,000-node graph', page.evaluate(() => (globalThis as any).gradlens.deliver({ type: 'trace/snapshot', trace: (globalThis as any).big })));
    assert.equal(await screenOf(page), 'graph', 'past the draw limit a graph opens folded');
    // Unfolded by the user, it is too large to draw.
    await page.locator('vscode-checkbox', { hasText: 'Fold loops' }).click();
    assert.equal(await screenOf(page), 'too large');
    assert.equal(await page.locator('.step-label').innerText(), '', 'no graph: nothing to step through');
    const words = await page.locator('.too-large').innerText();
    assert.match(words, /This backward pass has 29,99\d nodes: more than the 10,000 this inspector draws at once\./);
    await page.screenshot({ path: join(results, 'too-large.png') });
    await page.locator('.too-large').getByRole('button', { name: 'Fold loops' }).click();
    await page.waitForFunction(() => (globalThis as any).gradlens.app.model !== null);
    assert.equal(await screenOf(page), 'graph');
    assert.ok(await page.evaluate(() => (globalThis as any).gradlens.app.view.elements('group').length) > 0, 'drawn folded');
    await page.close();
  });

  test('no uncaught exception, dialog, console error or CSP violation on any of these pages', () => {
    assert.deepEqual(watch.problems, []);
  });
});
