// The Training view in headless Chromium, on captures of real training programs: a long run with
// a size budget (most passes summarised) opens on it — curves by uPlot, the heatmap and the
// gradient flow on canvases, each with its words; hover reads exact values; a click opens a kept
// pass's graph, or for a summarised one says how to keep it (the CLI command standalone, a
// run/again-keeping message in VS Code); a run whose loss turns NaN is marked; the picker has it.
// Screenshots go to test-results/inspector/ for people to look at.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runProgram } from '../../capture/runner';
import { formatNumber } from '../../protocol/query/format';
import { decodeNumber, type Trace } from '../../protocol/trace';
import { validateTrace } from '../../protocol/validate';
import { percentWord } from '../../webview/model/trainingWords';
import { distDir, repoRoot } from '../trace-helpers';
import { instrument, launch, openPage, posted, results, screenOf, Watch, writePage } from './page-helpers';
import { pixels, pointOf, selection, trainingShown } from './training-helpers';

const fixture = (...parts: string[]) => join(repoRoot, 'test', 'fixtures', ...parts);

async function capture(file: string, args: string[], options: { seed: number; maxTraceMb?: number }): Promise<Trace> {
  const result = await runProgram({ file, args, capture: true, distDir, ...options });
  assert.equal(result.exitCode, 0, result.stderr);
  const checked = validateTrace(result.trace);
  assert.ok(checked.ok, checked.ok ? '' : checked.problems.join('; '));
  return result.trace!;
}

/** The error colour as the page resolves it (rgb(…)). */
const errorColor = (page: Page) => page.evaluate(() => {
  const probe = (globalThis as any).document.createElement('span');
  probe.style.color = 'var(--gl-error)';
  (globalThis as any).document.body.append(probe);
  const color = (globalThis as any).getComputedStyle(probe).color as string;
  probe.remove();
  return color;
});

suite('the Training view in a browser', function () {
  this.timeout(180_000);
  let browser: Browser;
  const watch = new Watch();
  /** test/fixtures/capture/long-run.ts, 60 passes within 1 MB: the first three and the last kept, the rest summarised. */
  let long: Trace;
  const longFile = fixture('capture', 'long-run.ts');

  suiteSetup(async () => {
    long = await capture(longFile, ['60'], { seed: 3, maxTraceMb: 1 });
    browser = await launch();
  });

  suiteTeardown(async () => { await browser?.close(); });

  test('a long run opens on it: loss, norms, update ratios, zeros and dead relu units by uPlot, the heatmap and the flow drawn, each with its words', async () => {
    const passes = long.backwardPasses;
    assert.equal(passes.length, 60);
    assert.ok(passes.filter((p) => p.kept === false).length >= 50, `most passes summarised: ${JSON.stringify(long.run.keep)}`);
    const page = await openPage(browser, watch, writePage('training', long));
    await trainingShown(page);
    assert.deepEqual(await selection(page), { kind: 'training' });
    assert.equal(await page.locator('.training .uplot').count(), 5, 'five curve charts: the run has a relu layer');
    // The dead relu units: one curve for the Dense relu layer '0', its words from the last pass's summary.
    const relu = passes[59]!.summary!.activations!;
    assert.deepEqual(relu.map((a) => [a.series, a.units, a.calls]), [['0', 64, 1]]);
    const dead = page.locator('.training .run-chart').nth(4);
    const deadWords = (await dead.getAttribute('aria-label'))!;
    assert.ok(deadWords.startsWith('Dead relu units (share of units that were 0 for the whole batch): '), deadWords);
    assert.ok(deadWords.includes(`dead at the last pass: layer 0: ${percentWord(relu[0]!.dead / 64)} of 64 units at #60`), deadWords);
    assert.deepEqual((await page.locator('.training .uplot').nth(4).locator('.u-legend .u-label').allInnerTexts()).filter((l) => l !== 'pass #'), ['layer 0']);
    const deadCurve = await pixels(page, '.training .training-grid figure:nth-child(5) canvas', null);
    assert.ok(deadCurve.opaque > 100, `the dead-units curve is drawn: ${JSON.stringify(deadCurve)}`);
    assert.match(await page.locator('.training figure h2').nth(3).innerText(), /^Gradient elements exactly 0, per parameter/);
    const loss = (i: number) => decodeNumber(passes[i]!.summary!.head!);
    const lossWords = await page.locator('.training .run-chart').first().getAttribute('aria-label');
    assert.ok(lossWords!.startsWith(`Loss: loss ${formatNumber(loss(0))} → ${formatNumber(loss(59))} over 60 passes; lowest `), lossWords!);
    assert.equal(await page.locator('.training .findings').innerText(), 'No parameter\'s gradient vanished (‖∇‖ below 1e-7 to the end of the run), and the loss stayed finite.');
    const heatmapWords = await page.locator('.training .heatmap').getAttribute('aria-label');
    assert.match(heatmapWords!, /^Heatmap of gradient norms: 4 parameters × 60 passes; ‖∇‖ from \S+ to \S+$/);
    assert.equal(await page.locator('.training .heatmap').getAttribute('role'), 'img');
    // The heatmap is drawn: a cell of each of 4 rows × 60 passes, in many colours.
    const heat = await pixels(page, '.training canvas.heatmap-canvas', null);
    assert.ok(heat.opaque > 20_000 && heat.colors > 30, `heatmap pixels: ${JSON.stringify(heat)}`);
    const legend = await page.locator('.training .uplot').nth(1).locator('.u-legend .u-label').allInnerTexts();
    assert.deepEqual(legend.filter((l) => l !== 'pass #'), ['0.weight', '0.bias', '1.weight', '1.bias'], 'series by gluon name, in network order');
    const flow = await pixels(page, '.training canvas.flow-canvas', null);
    assert.ok(flow.opaque > 1_000, `the flow bars are drawn: ${JSON.stringify(flow)}`);
    assert.equal(await page.locator('.training figure.wide h2').nth(1).innerText(), 'Gradient flow at pass #60');
    assert.match((await page.locator('.training .flow').getAttribute('aria-label'))!, /^Gradient flow: pass #60: RMS ∇ largest \S+ \S+, smallest \S+ \S+$/);
    // Graph-only controls are not offered beside it.
    assert.equal(await page.locator('vscode-checkbox', { hasText: 'Fold loops' }).isVisible(), false);
    // Hover on the dead-units chart reads the layer's count at that pass.
    await dead.scrollIntoViewIfNeeded();
    const at40 = await pointOf(page, 4, 40, 1, 60);
    await page.mouse.move(at40.x, at40.y);
    const deadAt40 = passes[39]!.summary!.activations![0]!;
    assert.equal(await page.locator('.training .readout').nth(4).innerText(),
      `#40 · layer 0: ${deadAt40.dead} of 64 units dead (${formatNumber((deadAt40.dead / 64) * 100, 3)}%)`);
    await dead.locator('xpath=..').screenshot({ path: join(results, 'training-dead-relu.png') });
    await page.mouse.move(0, 0);
    await page.locator('.summary-screen').evaluate((e) => { e.scrollTop = 0; });
    await page.screenshot({ path: join(results, 'training-view.png') });
    await page.locator('.summary-screen').evaluate((e) => { e.scrollTop = e.scrollHeight; });
    await page.screenshot({ path: join(results, 'training-view-heatmap.png') });
    await page.close();
  });

  test('hover reads exact values: the loss at a pass, a heatmap cell; the flow follows the pass under the pointer', async () => {
    const page = await openPage(browser, watch, writePage('training-hover', long));
    await trainingShown(page);
    const at30 = await pointOf(page, 0, 30, 1, 60);
    await page.mouse.move(at30.x, at30.y);
    const pass = long.backwardPasses[29]!;
    assert.equal(await page.locator('.training .readout').first().innerText(), `#30 · loss ${formatNumber(decodeNumber(pass.summary!.head!))} · summarised`);
    assert.equal(await page.locator('.training figure.wide h2').nth(1).innerText(), 'Gradient flow at pass #30 (summarised)');
    // The heatmap's last column, first row: 0.weight at pass #60.
    await page.locator('.summary-screen').evaluate((e) => { e.scrollTop = e.scrollHeight; });
    const box = (await page.locator('.training canvas.heatmap-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width - 10, box.y + 4);
    const tooltip = page.locator('.training .graph-tooltip');
    await tooltip.waitFor();
    const weight = long.backwardPasses[59]!.summary!.variables.find((v) => v.param === '0.weight')!;
    assert.equal(await tooltip.innerText(), `0.weight · pass #60\n‖∇‖ ${formatNumber(weight.gradL2!)} · exact zeros 0%\nclick: open the pass`);
    await page.close();
  });

  test('a click on a kept pass opens its graph going backward; the picker\'s "Training view" comes back', async () => {
    const page = await openPage(browser, watch, writePage('training-click', long));
    await trainingShown(page);
    const at2 = await pointOf(page, 0, 2, 1, 60);
    await page.mouse.click(at2.x, at2.y);
    await page.waitForFunction(() => (globalThis as any).gradlens.app.state.selection?.kind === 'pass');
    assert.deepEqual(await selection(page), { kind: 'pass', id: long.backwardPasses[1]!.id });
    assert.equal(await page.evaluate(() => (globalThis as any).gradlens.app.state.view), 'backward');
    assert.equal(await screenOf(page), 'graph');
    const picker = page.locator('vscode-dropdown[title="What to show"]');
    assert.equal(await picker.evaluate((e: any) => e.value), `pass:${long.backwardPasses[1]!.id}`, 'the picker shows that pass');
    const first = await picker.locator('vscode-option').first().innerText();
    assert.equal(first.trim(), 'Training view');
    await picker.click();
    await picker.locator('vscode-option', { hasText: 'Training view' }).click();
    await trainingShown(page);
    assert.deepEqual(await selection(page), { kind: 'training' });
    assert.equal(await picker.evaluate((e: any) => e.value), 'training');
    await page.close();
  });

  test('a click on a summarised pass says so, with the command that keeps it (standalone) or a button that asks VS Code to', async () => {
    const page = await openPage(browser, watch, writePage('training-summarised', long));
    await trainingShown(page);
    const pass = long.backwardPasses[29]!;
    assert.equal(pass.kept, false);
    const at30 = await pointOf(page, 0, 30, 1, 60);
    await page.mouse.click(at30.x, at30.y);
    const note = page.locator('.training-note');
    await note.waitFor();
    const text = await note.innerText();
    assert.ok(text.startsWith('Pass #30 was summarised: only its statistics were kept.'), text);
    assert.equal(await note.locator('code').innerText(), `gradlens trace ${longFile} --seed 3 --max-trace-mb 1 --keep 30 -- 60`);
    assert.deepEqual(await selection(page), { kind: 'training' }, 'no empty graph opened');
    await page.screenshot({ path: join(results, 'training-summarised.png') });
    await page.close();
    // Posing as VS Code: a button, which posts run/again-keeping with the pass's id.
    const vscode = await openPage(browser, watch, writePage('training-summarised-vscode', long), { vscode: true, name: 'training-summarised-vscode' });
    await vscode.evaluate(() => { // the host's snapshot, as VS Code would send it
      const w = globalThis as any;
      w.postMessage({ type: 'trace/snapshot', trace: w.gradlens.embeddedTrace() }, '*');
    });
    await trainingShown(vscode);
    const again = await pointOf(vscode, 0, 30, 1, 60);
    await vscode.mouse.click(again.x, again.y);
    const button = vscode.getByRole('button', { name: 'Run again keeping pass #30' });
    await button.click();
    assert.deepEqual((await posted(vscode)).filter((m) => m.type === 'run/again-keeping'), [{ type: 'run/again-keeping', pass: pass.id }]);
    assert.equal(await vscode.locator('.training-note code').count(), 0, 'no command to type in VS Code');
    await vscode.close();
  });

  test('a run whose loss turns NaN: said first, marked on the curves, NaN cells in the error colour; its mention opens the pass', async () => {
    const trace = await capture(longFile, ['24', '21'], { seed: 3 });
    const nanAt = trace.backwardPasses.findIndex((p) => p.summary?.head === 'NaN');
    assert.equal(nanAt, 21, 'step 21 (pass #22) takes the log of -1');
    const page = await openPage(browser, watch, writePage('training-nan', trace));
    await trainingShown(page);
    const findings = page.locator('.training .findings p').first();
    assert.equal(await findings.innerText(), 'The loss became NaN at pass #22.');
    assert.match((await page.locator('.training .run-chart').first().getAttribute('aria-label'))!, /; marked: #22 loss NaN(, \d+ anomal(y|ies))?; /);
    const error = await errorColor(page);
    const heat = await pixels(page, '.training canvas.heatmap-canvas', error);
    assert.ok(heat.matching > 100, `NaN cells drawn in the error colour ${error}: ${JSON.stringify(heat)}`);
    // The loss chart's canvas has the mark's vertical line in the error colour.
    const marked = await pixels(page, '.training .run-chart canvas', error);
    assert.ok(marked.matching > 40, `the NaN mark on the loss curve: ${JSON.stringify(marked)}`);
    await page.screenshot({ path: join(results, 'training-nan.png') });
    await findings.getByRole('button', { name: '#22' }).click();
    await page.waitForFunction(() => (globalThis as any).gradlens.app.state.selection?.kind === 'pass');
    assert.deepEqual(await selection(page), { kind: 'pass', id: trace.backwardPasses[21]!.id });
    await page.close();
  });

  test('a short run opens on its first pass; its picker offers the Training view, which says which gradient vanished and when', async () => {
    const trace = await capture(fixture('workspace', 'training.ts'), [], { seed: 1 });
    assert.equal(trace.backwardPasses.length, 6);
    const page = await openPage(browser, watch, writePage('training-short', trace));
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view !== null);
    assert.deepEqual(await selection(page), { kind: 'pass', id: 0 });
    const picker = page.locator('vscode-dropdown[title="What to show"]');
    await picker.click();
    await picker.locator('vscode-option', { hasText: 'Training view' }).click();
    await trainingShown(page);
    assert.deepEqual(await page.locator('.training .findings p').allInnerTexts(), [
      'The loss became NaN at pass #5.',
      'w\'s gradient vanished from pass #4 (‖∇‖ below 1e-7 to the end). In pass #4, kept whole, it shrinks most at dot (line 12), which multiplies the gradient by x, whose values are all 0: the gradient to w is ×0 of what reached it.',
    ]);
    await page.locator('.training .findings').getByRole('button', { name: '#4' }).first().click();
    await page.waitForFunction(() => (globalThis as any).gradlens.app.state.selection?.kind === 'pass');
    assert.deepEqual(await selection(page), { kind: 'pass', id: 3 });
    await page.close();
    // A page opened as inspector.html?selection=training starts there.
    const linked = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    watch.attach(linked, 'training-short?selection=training');
    await instrument(linked);
    await linked.goto(`file://${writePage('training-short-linked', trace)}?selection=training`);
    await trainingShown(linked);
    assert.deepEqual(await selection(linked), { kind: 'training' });
    await linked.close();
  });

  test('names from the trace are text: a parameter called <img onerror> is a legend label and a heatmap row, never markup', async () => {
    const hostile = JSON.parse(JSON.stringify(long)) as Trace;
    const name = '<img src=x onerror="window.__pwned=1">';
    for (const pass of hostile.backwardPasses) for (const v of pass.summary!.variables) if (v.param === '0.weight') v.param = name;
    for (const node of hostile.nodes) if (node.param === '0.weight') node.param = name;
    const page = await openPage(browser, watch, writePage('training-hostile', hostile));
    await trainingShown(page);
    const legend = await page.locator('.training .uplot').nth(1).locator('.u-legend .u-label').allInnerTexts();
    assert.ok(legend.includes(name), legend.join(' | '));
    assert.equal(await page.locator('.training img').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    await page.close();
  });

  test('a deep sigmoid network: 242 parameters in the heatmap, labelled every few rows; which gradients vanished, from the first pass', async () => {
    const trace = await capture(fixture('capture', 'deep-sigmoid.ts'), ['24', '120'], { seed: 2, maxTraceMb: 2 });
    const page = await openPage(browser, watch, writePage('training-deep', trace));
    await trainingShown(page);
    const said = await page.locator('.training .findings p').allInnerTexts();
    // Which, from when, and why: the sigmoids it fades through, each ≤ 0.25.
    assert.match(said[0]!, /^0\.weight's gradient was below 1e-7 in every pass, from pass #1\. In pass #1, kept whole, it fades through \d+ sigmoid ops on its way: each ×0\.2\d* on average \(RMS per element\), ×[\d.]+e-\d+ together; the derivative is at most 0\.25 anywhere — no one op shrinks it a tenth; all of them do\.$/, said.join(' | '));
    assert.match(said[said.length - 1]!, /^\d+ more parameters' gradients vanished \(the heatmap shows them\)\.$/);
    assert.match((await page.locator('.training .heatmap').getAttribute('aria-label'))!, /^Heatmap of gradient norms: 242 parameters × 24 passes; /);
    // 242 rows in at most 360 pixels (2 each, 484 in all) and the axis: the page stays scrollable, not endless.
    const height = await page.locator('.training canvas.heatmap-canvas').evaluate((c: any) => c.clientHeight);
    assert.equal(height, 242 * 2 + 30);
    assert.equal(await page.locator('.training .uplot .u-legend').first().isVisible(), false, 'no legend of 242 names under the loss');
    await page.locator('.summary-screen').evaluate((e) => { e.scrollTop = 560; });
    await page.screenshot({ path: join(results, 'training-deep.png') });
    // The mention opens pass #1 at the sigmoid nearest 0.weight, that step just run, the op selected.
    await page.locator('.summary-screen').evaluate((e) => { e.scrollTop = 0; });
    await page.locator('.training .findings p').first().locator('button.link', { hasText: /sigmoid ops$/ }).click();
    await page.waitForFunction(() => (globalThis as any).gradlens.app.state.selection?.kind === 'pass', undefined, { timeout: 10_000 });
    const ui = await page.evaluate(() => { const s = (globalThis as any).gradlens.app.state; return { selection: s.selection, step: s.step, view: s.view, node: s.selectedNode }; });
    const first = trace.backwardPasses[0]!;
    assert.deepEqual([ui.selection, ui.view], [{ kind: 'pass', id: first.id }, 'backward']);
    assert.equal(first.steps[ui.step - 1]?.node, ui.node, 'the step just run is the op\'s');
    assert.equal(trace.nodes.find((n) => n.id === ui.node)?.op, 'sigmoid');
    const panel = page.locator('aside section', { hasText: 'Where the gradient shrinks most' });
    await panel.waitFor({ timeout: 10_000 });
    assert.match(await panel.innerText(), /In this pass, (at [a-z]+ \(line \d+\), which|it fades through \d+ [a-z]+ ops)/);
    await page.screenshot({ path: join(results, 'training-deep-why.png') });
    await page.close();
  });

  test('no page errors, dialogs, console errors or CSP violations along the way', () => {
    assert.deepEqual(watch.problems, []);
  });
});
