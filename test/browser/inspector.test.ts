// The standalone inspector in headless Chromium: the seed examples' traces stepped through, node
// details, folding, the sin/cos plot, the zero-gradient explanation, hostile text, a malformed
// trace — with no uncaught exception, dialog or Content-Security-Policy violation on any page.
// Screenshots of the main states go to test-results/inspector/ for people to look at.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { syntheticTrace } from '../../bench/synthetic-trace';
import { runProgram } from '../../capture/runner';
import { formatNumber } from '../../protocol/query/format';
import { formatTensorShort, formatTensorTiny } from '../../webview/model/tensor';
import type { Trace } from '../../protocol/trace';
import { distDir, repoRoot, seedFixture } from '../trace-helpers';
import { complete, instrument, screenOf, Watch, writePage, writeRawPage } from './page-helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const results = join(repoRoot, 'test-results', 'inspector');
const pages = join(results, 'pages');

/** A seed example traced now: for the examples (and options) that have no golden fixture. */
async function traceOf(example: string, options: { gradcheck?: boolean } = {}): Promise<Trace> {
  const result = await runProgram({ file: join(repoRoot, 'examples', 'seed', example), capture: true, distDir, seed: 1, ...options });
  assert.equal(result.exitCode, 0, result.stderr);
  return result.trace!;
}


/** What the inspector shows, read from its live state (the graph and its step layer are canvases). */
interface Shown {
  step: number;
  total: number;
  current: string[];
  active: { source: string; target: string; label: string }[];
  /** Per node: its note on the step layer (the gradient so far, or the value). */
  notes: Record<string, string>;
  pending: string[];
}

async function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const app = (globalThis as any).gradlens.app;
    const marks = app.view.marks;
    return {
      step: app.state.step,
      total: app.stepCount(),
      current: marks.current === null ? [] : [marks.current],
      active: [...marks.active].map(([id, label]: [string, string]) => ({ ...app.view.edgeEnds(id), label })),
      notes: Object.fromEntries(marks.notes),
      pending: [...marks.pending],
    };
  });
}

/** WCAG contrast ratio of two CSS rgb()/rgba() colours, translucent ones composited over `under`. */
function contrastRatio(a: string, b: string, under: string): number {
  const parse = (c: string): number[] => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) throw new Error(`not an rgb() colour: ${c}`);
    const [r, g, bl, alpha = '1'] = m[1]!.split(/[ ,/]+/).filter(Boolean);
    return [Number(r), Number(g), Number(bl), Number(alpha)];
  };
  const base = parse(under);
  const flat = (c: string): number[] => {
    const [r, g, bl, alpha] = parse(c);
    return [r!, g!, bl!].map((v, i) => v * alpha! + base[i]! * (1 - alpha!));
  };
  const lum = (rgb: number[]) => {
    const [r, g, bl] = rgb.map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [la, lb] = [lum(flat(a)), lum(flat(b))];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => (globalThis as any).gradlens.app.receive(m), message);
}

async function sideText(page: Page): Promise<string> {
  return page.locator('aside.side').innerText();
}

async function clickNode(page: Page, elementId: string): Promise<void> {
  const point = await page.evaluate((id) => {
    const node = (globalThis as any).gradlens.app.view.renderedBox(id);
    const box = (globalThis as any).document.getElementById('graph').getBoundingClientRect();
    return { x: box.left + (node.x1 + node.x2) / 2, y: box.top + (node.y1 + node.y2) / 2 };
  }, elementId);
  await page.mouse.click(point.x, point.y);
}

suite('the inspector in a browser', function () {
  this.timeout(120_000);
  let browser: Browser;
  /** examples/seed/autograd.ts: its golden trace (test/fixtures/traces/seed.gradlens.json). */
  const seed: Trace = seedFixture();
  let sine: Trace;
  let auction: Trace;
  const errors: string[] = [];
  const watch = new Watch();

  suiteSetup(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`);
    mkdirSync(pages, { recursive: true });
    [sine, auction] = await Promise.all([traceOf('exercise7-sin-plot.ts'), traceOf('exercise4-second-price-auction.ts')]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
  });

  suiteTeardown(async () => { await browser?.close(); });

  async function open(file: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('pageerror', (error) => errors.push(`${file}: ${error.message}`));
    watch.attach(page, file.split('/').pop()!);
    await instrument(page);
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (globalThis as any).gradlens?.app?.view !== undefined || (globalThis as any).document.querySelector('.error-screen') !== null);
    await complete(page);
    return page;
  }

  test('steps through every backward pass of the seed example: current node, contributions, final gradients', async () => {
    const page = await open(writePage('seed', seed));
    for (const pass of seed.backwardPasses.filter((p) => !p.error)) {
      await send(page, { type: 'selection/set', selection: { kind: 'pass', id: pass.id } });
      await page.keyboard.press('Home');
      let state = await shown(page);
      assert.equal(state.total, pass.steps.length, `pass at line ${pass.source?.line}`);
      assert.deepEqual(state.current, []);
      for (const s of pass.steps) if (!pass.heads.includes(s.node)) assert.ok(state.pending.includes(`n${s.node}`), `step 0: n${s.node} is not reached yet`);
      for (let k = 1; k <= pass.steps.length; k++) {
        await page.keyboard.press('ArrowRight');
        state = await shown(page);
        const step = pass.steps[k - 1]!;
        assert.equal(state.step, k);
        assert.deepEqual(state.current, [`n${step.node}`], `pass at line ${pass.source?.line}, step ${k}`);
        const expected = step.contributions.map((c) => ({ source: `n${c.input}`, target: `n${step.node}`, label: formatTensorTiny(c.grad) }));
        const key = (e: { source: string; label: string }) => `${e.source}:${e.label}`;
        assert.deepEqual(state.active.map(key).sort(), expected.map(key).sort(), `contributions at step ${k}`);
        assert.match(await sideText(page), new RegExp(`Step ${k} of ${pass.steps.length}`));
        for (const done of pass.steps.slice(0, k)) {
          assert.ok(!state.pending.includes(`n${done.node}`), `step ${k}: n${done.node} is processed`);
          assert.ok(state.notes[`n${done.node}`]?.startsWith('∇ '), `step ${k}: n${done.node} shows its gradient`);
        }
      }
      for (const leaf of pass.leafGrads) {
        assert.ok(state.notes[`n${leaf.node}`]?.startsWith(`∇ ${formatTensorTiny(leaf.grad)}`), `final gradient of node ${leaf.node}: ${state.notes[`n${leaf.node}`]}`);
        assert.ok((await sideText(page)).includes(`.grad ${leaf.gradReq === 'add' ? '+=' : '='} ${formatTensorShort(leaf.grad)}`));
      }
    }
    await send(page, { type: 'selection/set', selection: { kind: 'pass', id: 0 } });
    await page.keyboard.press('End');
    await page.screenshot({ path: join(results, 'backward-last-step.png') });
    // The step layer really draws: the current node's ring, in the highlight colour, on its canvas
    // (in view: switching passes stops a reveal still animating toward the previous pass's node).
    const ring = await page.evaluate(() => {
      const app = (globalThis as any).gradlens.app;
      const rendered = app.view.renderedBox(app.view.marks.current);
      const box = { ...rendered, w: rendered.x2 - rendered.x1, h: rendered.y2 - rendered.y1 };
      const page = globalThis as any;
      const layer = page.document.querySelector('canvas.step-layer');
      const scale = layer.width / layer.clientWidth;
      const x = Math.floor((box.x1 - 12) * scale);
      const y = Math.floor((box.y1 - 12) * scale);
      const pixels: Uint8ClampedArray = layer.getContext('2d').getImageData(x, y, Math.ceil((box.w + 24) * scale), Math.ceil((box.h + 24) * scale)).data;
      let ringPixels = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 200) ringPixels++;
      return { ringPixels, where: JSON.stringify({ node: app.view.marks.current, box, canvas: [layer.width, layer.height], view: app.view.viewState }) };
    });
    assert.ok(ring.ringPixels > 50, `the current node's ring is drawn (${ring.ringPixels} opaque pixels around it; ${ring.where})`);
    await page.close();
  });

  test('keyboard: ←/→, Home/End and Space to play', async () => {
    const page = await open(writePage('seed-keys', seed));
    await send(page, { type: 'selection/set', selection: { kind: 'pass', id: 9 } }); // the control-flow pass: 10 steps
    await page.keyboard.press('End');
    assert.equal((await shown(page)).step, 10);
    await page.keyboard.press('ArrowLeft');
    assert.equal((await shown(page)).step, 9);
    await page.keyboard.press('Home');
    assert.equal((await shown(page)).step, 0);
    await send(page, { type: 'step/move', to: 'next' });
    assert.equal((await shown(page)).step, 1);
    await page.keyboard.press(' ');
    await page.waitForFunction(() => (globalThis as any).gradlens.app.state.step >= 3, undefined, { timeout: 10_000 });
    await page.keyboard.press(' ');
    const paused = (await shown(page)).step;
    await page.waitForTimeout(1500);
    assert.equal((await shown(page)).step, paused, 'Space pauses');
    await page.close();
  });

  test('a training loop\'s passes: the picker groups them by line, numbered with their loss; Pass # and PageUp/PageDown open them', async () => {
    const result = await runProgram({ file: join(repoRoot, 'test', 'fixtures', 'capture', 'train-eval.ts'), capture: true, distDir, seed: 1 });
    assert.equal(result.exitCode, 0, result.stderr);
    const trace = result.trace!;
    const passes = trace.backwardPasses;
    assert.equal(passes.length, 12);
    const [train, check] = [passes[0]!.source!.line, passes[3]!.source!.line];
    assert.notEqual(train, check);
    const page = await open(writePage('train-eval', trace));
    const options = async () => page.locator('vscode-dropdown[title="What to show"] vscode-option').evaluateAll((els) =>
      els.map((e) => `${e.hasAttribute('disabled') ? '[heading] ' : ''}${(e.textContent ?? '').trim()}`));
    const labels = await options();
    const loss = /loss -?\d[\d.e-]*$/;
    const trainNumbers = [1, 2, 3, 5, 6, 7, 9, 10, 11];
    assert.deepEqual(labels.map((l) => l.replace(/ · loss .*$/, ' · loss …')), [
      'Training view',
      `[heading] backward · line ${train} · ×9`, ...trainNumbers.map((n) => `#${n} · backward · line ${train} · loss …`),
      `[heading] backward · line ${check} · ×3`, ...[4, 8, 12].map((n) => `#${n} · backward · line ${check} · loss …`),
      ...trace.recordings.map((r) => `record · line ${r.source?.line ?? '?'} · ${r.nodes.length} ops`),
    ]);
    assert.ok(labels.filter((l) => l.startsWith('#')).every((l) => loss.test(l)), labels.join(' | '));
    const selected = async () => page.evaluate(() => (globalThis as any).gradlens.app.state.selection);
    // Pass #: Enter opens that pass; anything else says why, in the toolbar.
    const field = page.locator('vscode-text-field[placeholder="Pass #"]');
    await field.click();
    await page.keyboard.type('6');
    await page.keyboard.press('Enter');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[5]!.id });
    assert.equal(await page.locator('vscode-dropdown[title="What to show"]').evaluate((e: any) => e.value), `pass:${passes[5]!.id}`);
    await page.keyboard.press('PageDown');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[5]!.id }, 'keys do not step while typing');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('40');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.pass-info').innerText(), 'no pass #40: passes are #1 to #12');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('epoch');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.pass-info').innerText(), 'not a pass number: passes are #1 to #12');
    assert.equal(await page.locator('.pass-info').getAttribute('aria-live'), 'polite');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[5]!.id }, 'nothing else changed');
    // PageDown / PageUp: the next / previous pass of the same line (#6 → #7 → #9; #9 → #7).
    await page.evaluate(() => (globalThis as any).document.activeElement?.blur());
    await page.keyboard.press('PageDown');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[6]!.id });
    await page.keyboard.press('PageDown');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[8]!.id }, '#8 is of the other line');
    await page.keyboard.press('PageUp');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[6]!.id });
    await send(page, { type: 'selection/set', selection: { kind: 'pass', id: passes[3]!.id } });
    await page.keyboard.press('PageDown');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[7]!.id }, 'the check line: #4 → #8');
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[11]!.id }, 'the last of its line stays');
    // A heading cannot be chosen: arrows in the open picker step over it.
    await page.locator('vscode-dropdown[title="What to show"]').click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    assert.deepEqual(await selected(), { kind: 'pass', id: passes[10]!.id }, '#12 → ↑↑↑ (#8, #4, over the heading) → #11');
    await page.screenshot({ path: join(results, 'picker-by-line.png') });
    await page.close();
  });

  test('node details: shape first, dtype, op, source link, value and gradient', async () => {
    const page = await open(writePage('seed-details', seed));
    await send(page, { type: 'selection/set', selection: { kind: 'pass', id: 0 } });
    await page.keyboard.press('End');
    await clickNode(page, 'n0');
    const details = page.locator('section.panel', { hasText: 'x = arange' });
    await details.waitFor();
    const rows = await details.locator('table.facts th').allInnerTexts();
    assert.deepEqual(rows.slice(0, 3), ['shape', 'dtype', 'kind']);
    const text = await details.innerText();
    assert.match(text, /shape\s+\(4,\)/);
    assert.match(text, /autograd\.ts:8:\d+/);
    assert.match(text, /let x = np\.arange\(4\);/);
    assert.match(text, /value\s+\(4,\) float32/);
    assert.match(text, /gradient\s+\(4,\) float32/);
    // The standalone page cannot run the program again: it says how to check the gradient.
    assert.match(text, /Is this gradient right\? gradlens trace --gradcheck compares it with central differences\./);
    await details.getByRole('button', { name: /autograd\.ts:8/ }).click();
    await page.locator('.toast', { hasText: 'autograd.ts:8' }).waitFor();
    await page.screenshot({ path: join(results, 'node-details.png') });
    await page.close();
  });

  test('a checked run: the last step and the variable\'s details say how its gradient compares with central differences', async () => {
    const checked = await traceOf('autograd.ts', { gradcheck: true });
    const page = await open(writePage('seed-gradcheck', checked));
    await send(page, { type: 'selection/set', selection: { kind: 'pass', id: 0 } });
    await page.keyboard.press('End');
    const step = page.locator('.leaf-grads');
    assert.match(await step.innerText(), /x \(arange\)\.grad = \[0, 4, 8, 12\]\s*✓ gradcheck: max \|Δ\| \S+ over 4 elements/);
    await clickNode(page, 'n0');
    const details = page.locator('section.panel', { hasText: 'x = arange' });
    // x's latest check is the last pass that reached it (line 91 of the chapter).
    assert.match(await details.locator('.gradcheck').innerText(), /^✓ gradcheck: max \|Δ\| \S+ over 4 elements \(before the backward at line 91\)$/);
    assert.match(await details.locator('.gradcheck').getAttribute('title') ?? '', /float64 central differences, eps 0\.000001/);
    await page.close();
  });

  test('folding: the control-flow loop folds into one group node and opens on click', async () => {
    const page = await open(writePage('seed-fold', seed));
    await send(page, { type: 'selection/set', selection: { kind: 'pass', id: 9 } });
    await page.locator('vscode-checkbox', { hasText: 'Fold loops' }).click();
    const groups = await page.evaluate(() => (globalThis as any).gradlens.app.view.elements('group').map((n: any) => [n.id, n.label]));
    const loop = groups.find(([, label]: [string, string]) => label.includes('mul ×9'));
    assert.ok(loop, `a group of the nine loop iterations: ${JSON.stringify(groups)}`);
    await page.screenshot({ path: join(results, 'folded-loop.png') });
    await clickNode(page, loop[0]);
    const after = await page.evaluate(() => (globalThis as any).gradlens.app.view.elements('group').length);
    assert.equal(after, groups.length - 1, 'the clicked group opened');
    // The opened iterations fold again from a member's details.
    const refold = page.locator('button.link', { hasText: /^fold line \d+ again$/ });
    await refold.click();
    const again = await page.evaluate(() => (globalThis as any).gradlens.app.view.elements('group').map((n: any) => n.label));
    assert.equal(again.length, groups.length, 'folded again');
    assert.ok(again.some((label: string) => label.includes('mul ×9')));
    await page.close();
  });

  test('group by function: a box around the nodes of each function, named, drawn under them; a click in it and off its nodes selects nothing', async () => {
    const trace = seedFixture();
    const pass = trace.backwardPasses[0]!;
    const inPass = new Set(pass.steps.map((s) => s.node));
    for (const node of trace.nodes) if (inPass.has(node.id) && node.source) node.source = { ...node.source, function: 'model' };
    const page = await open(writePage('group-by-function', trace));
    await page.locator('vscode-checkbox', { hasText: 'Group by function' }).click();
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view.functionBoxes.length > 0);
    const drawn = await page.evaluate((ids) => {
      const w = globalThis as any;
      const view = w.gradlens.app.view;
      const [box] = view.functionBoxes;
      const members = ids.map((id: number) => view.renderedBox(`n${id}`)).filter((b: any) => b !== null);
      const layer = w.document.querySelector('#graph > canvas.graph-layer');
      const scale = layer.width / layer.clientWidth;
      const alpha = (x: number, y: number) => layer.getContext('2d').getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data[3];
      // Its dotted border on the left side, half way down, and the inside next to it (faint fill).
      const mid = (box.y1 + box.y2) / 2;
      const border = Math.max(...[-1, 0, 1, 2, 3].map((dy) => alpha(box.x1, mid + dy)));
      const inside = members.every((m: any) => m.x1 >= box.x1 && m.x2 <= box.x2 && m.y1 >= box.y1 && m.y2 <= box.y2);
      return { boxes: view.functionBoxes.length, label: box.label, border, inside, members: members.length, gap: { x: box.x1 + 4, y: box.y1 + 4 }, graph: w.document.getElementById('graph').getBoundingClientRect().toJSON() };
    }, [...inPass]);
    assert.equal(drawn.boxes, 1);
    assert.equal(drawn.label, 'model()');
    assert.ok(drawn.members > 0 && drawn.inside, `the box holds the function's nodes: ${JSON.stringify(drawn)}`);
    assert.ok(drawn.border > 0, 'its border is drawn');
    await page.screenshot({ path: join(results, 'group-by-function.png') });
    // Select a node, then click in the box's corner, off every node: the selection is cleared.
    const first = [...inPass][0]!;
    await clickNode(page, `n${first}`);
    assert.equal(await page.evaluate(() => (globalThis as any).gradlens.app.state.selectedNode), first);
    await page.mouse.click(drawn.graph.x + drawn.gap.x, drawn.graph.y + drawn.gap.y);
    assert.equal(await page.evaluate(() => (globalThis as any).gradlens.app.state.selectedNode), null);
    // Off again: no box.
    await page.locator('vscode-checkbox', { hasText: 'Group by function' }).click();
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view.functionBoxes.length === 0);
    await page.close();
  });

  test('group by layer: a gluon model folds block by block, named as gluon prints them, and opens on click', async () => {
    const result = await runProgram({ file: join(repoRoot, 'test', 'fixtures', 'capture', 'gluon-mlp.ts'), capture: true, distDir, seed: 1 });
    assert.equal(result.exitCode, 0, result.stderr);
    const page = await open(writePage('gluon-layers', result.trace!));
    await send(page, { type: 'selection/set', selection: { kind: 'pass', id: 0 } });
    const toggle = page.locator('vscode-checkbox', { hasText: 'Group by layer' });
    assert.ok(await toggle.isVisible(), 'the checkbox is offered for a program with blocks');
    await toggle.click();
    const groups = async () => page.evaluate(() => (globalThis as any).gradlens.app.view.elements('group').map((n: any) => [n.id, n.label]));
    const closed = await groups();
    assert.equal(closed.length, 1, JSON.stringify(closed));
    assert.match(closed[0][1], /^net · Sequential\n→ \(3, 2\) · \d+ nodes$/);
    await clickNode(page, closed[0][0]);
    const opened = (await groups()).map(([, label]: [string, string]) => label.split('\n')[0]);
    assert.deepEqual(opened.sort(), ['net.0 · Dense(5 -> 4, relu)', 'net.1 · Dense(4 -> 2)']);
    await page.screenshot({ path: join(results, 'group-by-layer.png') });
    // A parameter's details say which it is and its layer.
    const dense = (await groups()).find(([, label]: [string, string]) => label.startsWith('net.0 '))!;
    await clickNode(page, dense[0]);
    const weight = result.trace!.nodes.find((n) => n.param === 'net.0.weight')!;
    await clickNode(page, `n${weight.id}`);
    const details = await page.locator('table.facts').innerText();
    assert.match(details, /parameter\s+net\.0\.weight/);
    assert.match(details, /layer\s+net\.0 · Dense\(5 -> 4, relu\)/);
    await page.close();
  });

  test('group by layer on a LeNet: one node per layer, in order, each with its output shape', async () => {
    const result = await runProgram({ file: join(repoRoot, 'test', 'fixtures', 'capture', 'gluon-lenet.ts'), capture: true, distDir, seed: 1 });
    assert.equal(result.exitCode, 0, result.stderr);
    const page = await open(writePage('gluon-lenet', result.trace!));
    await send(page, { type: 'selection/set', selection: { kind: 'pass', id: 0 } });
    await page.locator('vscode-checkbox', { hasText: 'Group by layer' }).click();
    const groups: [string, string][] = await page.evaluate(() => (globalThis as any).gradlens.app.view.elements('group').map((n: any) => [n.id, n.label]));
    const firstLines = groups.map(([, label]) => label.split('\n')[0]!);
    for (const [i, kind] of ['Conv2D', 'AvgPool2D', 'Conv2D', 'AvgPool2D', 'Dense', 'Dense', 'Dense'].entries()) {
      assert.ok(firstLines.some((line) => line.startsWith(`${i} · ${kind}(`)), `layer ${i} (${kind}): ${firstLines.join(' | ')}`);
    }
    assert.ok(groups.some(([, label]) => /^4 · Dense\(400 -> 120, sigmoid\)\n→ \(4, 120\)/.test(label)), JSON.stringify(groups));
    // A row of a dozen layers opens with its labels drawn (not as a strip of coloured boxes), on the head's side.
    const opening: { zoom: number; detailed: string[]; inView: string[] } = await page.evaluate(() => {
      const view = (globalThis as any).gradlens.app.view;
      const inView = view.elements('group').filter((n: any) => { const b = view.renderedBox(n.id); return (b.x1 + b.x2) / 2 >= 0 && (b.x1 + b.x2) / 2 <= view.viewState.width; }).map((n: any) => n.label.split('\n')[0]);
      return { zoom: view.viewState.zoom, detailed: [...view.detail], inView };
    });
    assert.ok(opening.zoom >= 0.7, `opens at a zoom where labels are drawn, got ${opening.zoom}`);
    assert.ok(opening.inView.some((label) => label.startsWith('6 · Dense(')), `the output layer is in view: ${opening.inView.join(' | ')}`);
    assert.ok(groups.every(([id]) => !opening.inView.some((label) => label === groups.find(([g]) => g === id)![1].split('\n')[0]) || opening.detailed.includes(id)), 'every layer in view has its label');
    await page.screenshot({ path: join(results, 'group-by-layer-lenet.png') });
    await page.close();
  });

  test('the sin/cos plot of exercise 7', async () => {
    const page = await open(writePage('sine', sine));
    const plot = page.locator('section.panel', { hasText: 'and its derivative' });
    await plot.waitFor();
    assert.match(await plot.innerText(), /∂\w+\/∂x/);
    await plot.locator('canvas').first().waitFor();
    const series = await plot.locator('.u-legend .u-series').count();
    assert.equal(series, 3, 'x, f(x) and ∂f/∂x');
    await page.screenshot({ path: join(results, 'sin-cos-plot.png') });
    await page.close();
  });

  test('why is y.grad zero: the attachGrad that cut the path', async () => {
    const page = await open(writePage('seed-why', seed));
    const y = seed.nodes.find((n) => n.kind === 'variable' && n.source?.line === 62)!;
    await send(page, { type: 'node/focus', nodeIds: [y.id] });
    const why = page.locator('.why');
    await why.waitFor();
    const text = await why.innerText();
    assert.match(text, /Why is there no gradient\?/);
    assert.match(text, /No backward pass reached y/);
    assert.match(text, /attachGrad\(\) \(line 67\)/);
    await page.locator('button.link', { hasText: 'show on the graph' }).click();
    const cuts = await page.evaluate(() => (globalThis as any).gradlens.app.view.elements('cut-point').length);
    assert.ok(cuts >= 1, 'the cut points are marked');
    await page.screenshot({ path: join(results, 'why-zero.png') });

    // The cut edge explains itself on hover (edges are drawn on a canvas: found by the pointer's position).
    const cut = await page.evaluate(() => {
      const app = (globalThis as any).gradlens.app;
      const edge = app.model.edges.find((e: any) => e.cut);
      const at = app.view.renderedMidpoint(edge.id);
      const box = (globalThis as any).document.getElementById('graph').getBoundingClientRect();
      return { message: edge.cut.message as string, x: box.left + at.x, y: box.top + at.y };
    });
    await page.mouse.move(cut.x, cut.y);
    const tooltip = page.locator('.graph-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    assert.equal(await tooltip.innerText(), cut.message);
    await page.mouse.move(5, 300);
    await tooltip.waitFor({ state: 'hidden' });
    await page.close();
  });

  test('level of detail: zoomed out, no labels; zoomed in, the nodes in view get them', async () => {
    const page = await open(`${writePage('synthetic-1000', syntheticTrace(1000))}?fold=0`);
    const detail = () => page.evaluate(() => {
      const app = (globalThis as any).gradlens.app;
      return { zoom: app.view.viewState.zoom as number, detailed: app.view.detail.size as number, all: app.view.elements().length as number };
    });
    const fitted = await detail();
    assert.ok(fitted.zoom < 0.25, `a large graph opens zoomed out (${fitted.zoom})`);
    assert.equal(fitted.detailed, 0);
    // Zoom in on the head (the last node), where backward starts.
    await page.evaluate(() => {
      const view = (globalThis as any).gradlens.app.view;
      const last = view.renderedBox(view.elements().at(-1).id);
      const { zoom, pan } = view.viewState;
      view.zoomTo(1, { x: ((last.x1 + last.x2) / 2 - pan.x) / zoom, y: ((last.y1 + last.y2) / 2 - pan.y) / zoom });
    });
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view.detail.size > 0);
    const zoomed = await detail();
    assert.ok(zoomed.detailed > 0 && zoomed.detailed < zoomed.all / 4, `only the nodes near the view (${zoomed.detailed} of ${zoomed.all})`);
    await page.screenshot({ path: join(results, 'synthetic-zoomed.png') });
    await page.evaluate(() => (globalThis as any).gradlens.app.view.fit());
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view.detail.size === 0);
    await page.screenshot({ path: join(results, 'synthetic-fitted.png') });
    await page.close();
  });

  test('the second-price auction in the dark theme', async () => {
    const page = await open(writePage('auction-dark', auction, 'dark'));
    await page.keyboard.press('End');
    assert.match(await sideText(page), /\.grad = \[0, 0, 0, 1\]/);
    await page.screenshot({ path: join(results, 'auction-dark.png') });
    await page.close();
  });

  test('legible in every theme: standalone light and dark, VS Code light, dark and both high contrasts', async () => {
    const page = await open(writePage('themes', seed));
    // VS Code puts its theme's variables on <html> and a theme class on <body>.
    const vscodeThemes: Record<string, { bodyClass: string; vars: Record<string, string> }> = {
      'Light Modern': { bodyClass: 'vscode-light', vars: { 'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', descriptionForeground: '#3b3b3b', 'panel-border': '#e5e5e5', 'editorWidget-background': '#f8f8f8', focusBorder: '#005fb8', 'charts-orange': '#d18616', errorForeground: '#f85149', 'editorLineNumber-foreground': '#6e7681', 'editor-selectionHighlightBackground': '#add6ff80' } },
      'Dark Modern': { bodyClass: 'vscode-dark', vars: { 'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', descriptionForeground: '#9d9d9d', 'panel-border': '#2b2b2b', 'editorWidget-background': '#202020', focusBorder: '#0078d4', 'charts-orange': '#d18616', errorForeground: '#f85149', 'editorLineNumber-foreground': '#6e7681', 'editor-selectionHighlightBackground': '#add6ff26' } },
      'Dark High Contrast': { bodyClass: 'vscode-high-contrast', vars: { 'editor-background': '#000000', 'editor-foreground': '#ffffff', foreground: '#ffffff', descriptionForeground: '#ffffff', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', 'editorWidget-background': '#0c141f', focusBorder: '#f38518', 'charts-orange': '#d18616', errorForeground: '#f48771', 'editorLineNumber-foreground': '#ffffff' } },
      'Light High Contrast': { bodyClass: 'vscode-high-contrast vscode-high-contrast-light', vars: { 'editor-background': '#ffffff', 'editor-foreground': '#292929', foreground: '#292929', descriptionForeground: '#292929', contrastBorder: '#0f4a85', contrastActiveBorder: '#b5200d', 'editorWidget-background': '#ffffff', focusBorder: '#006bbd', 'charts-orange': '#ca5010', errorForeground: '#b5200d', 'editorLineNumber-foreground': '#292929' } },
    };
    const themes: [string, { bodyClass: string; vars: Record<string, string> } | 'light' | 'dark'][] = [
      ['standalone light', 'light'], ['standalone dark', 'dark'], ...Object.entries(vscodeThemes),
    ];
    for (const [name, theme] of themes) {
      const colors = await page.evaluate(async (t) => {
        const doc = (globalThis as any).document;
        const body = doc.body;
        doc.documentElement.removeAttribute('style');
        if (t === 'light' || t === 'dark') {
          body.className = `standalone ${t}`;
        } else {
          body.className = t.bodyClass;
          for (const [key, value] of Object.entries(t.vars)) doc.documentElement.style.setProperty(`--vscode-${key}`, value);
        }
        // The theme watcher redraws in the next frame.
        await new Promise((done) => (globalThis as any).requestAnimationFrame(() => (globalThis as any).requestAnimationFrame(done)));
        return (globalThis as any).gradlens.app.view.colors;
      }, theme);
      const ratio = (a: string, b: string) => contrastRatio(a, b, colors.background);
      const checks: [string, number, number][] = [
        ['text on the background', ratio(colors.foreground, colors.background), 4.5],
        ['text on a node', ratio(colors.foreground, colors.nodeBackground), 4.5],
        ['text on a variable', ratio(colors.foreground, colors.variableBackground), 4.5],
        ['node outlines', ratio(colors.border, colors.background), 3],
        ['edges', ratio(colors.edge, colors.background), 3],
        ['the step\'s highlight', ratio(colors.highlight, colors.background), 3],
        ['graph breaks', ratio(colors.error, colors.background), 3],
      ];
      for (const [what, value, least] of checks) assert.ok(value >= least, `${name}: ${what} ${value.toFixed(2)}:1 < ${least}:1 (${JSON.stringify(colors)})`);
    }
    await page.close();
  });

  test('exports: PNG with the step drawn on it, SVG with the step marked, Graphviz DOT', async () => {
    const page = await open(writePage('exports', seed));
    await page.keyboard.press('ArrowRight');
    const saved = async (format: string) => {
      const download = page.waitForEvent('download');
      await page.evaluate((f) => (globalThis as any).gradlens.app.exportAs(f), format);
      const file = await download;
      const path = await file.path();
      return { name: file.suggestedFilename(), data: readFileSync(path!) };
    };
    const png = await saved('png');
    assert.match(png.name, /^autograd-pass0\.png$/);
    assert.deepEqual([...png.data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    const width = png.data.readUInt32BE(16);
    const height = png.data.readUInt32BE(20);
    assert.ok(width > 400 && height > 100, `the whole graph at twice its size (${width} × ${height})`);
    // The step's highlight colour is in the picture (the step layer drawn over the graph).
    const step = await page.evaluate(async (base64) => {
      const image = new (globalThis as any).Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = (globalThis as any).document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const highlight = (globalThis as any).gradlens.app.view.colors.highlight.match(/\d+/g).map(Number);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - highlight[0]) + Math.abs(data[i + 1] - highlight[1]) + Math.abs(data[i + 2] - highlight[2]) < 12) count++;
      return count;
    }, png.data.toString('base64'));
    assert.ok(step > 200, `highlight pixels in the PNG: ${step}`);
    const svg = (await saved('svg')).data.toString('utf8');
    assert.match(svg, /^<\?xml/);
    assert.match(svg, /class="node op head current"/, 'the current node of step 1 is marked');
    assert.match(svg, /class="contribution"/);
    const dot = (await saved('dot')).data.toString('utf8');
    assert.match(dot, /^digraph "autograd-pass0\.dot" \{/);
    await page.close();
  });

  test('hostile text in a trace is shown as text, never run', async () => {
    const hostile = JSON.parse(JSON.stringify(seed)) as Trace;
    const node = hostile.nodes[0]!;
    node.op = '<img src=x onerror="window.__pwned=1">';
    node.source!.text = 'let x = <script>window.__pwned=2</script>';
    hostile.graphBreaks[0]!.message = '<b onmouseover="window.__pwned=3">bold</b>';
    const page = await open(writePage('hostile', hostile));
    await send(page, { type: 'node/focus', nodeIds: [node.id] });
    await page.locator('pre.source-line').waitFor();
    assert.equal(await page.locator('pre.source-line').innerText(), 'let x = <script>window.__pwned=2</script>');
    assert.match(await sideText(page), /<b onmouseover="window\.__pwned=3">bold<\/b>/);
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    assert.equal(await page.locator('aside img, aside script, aside b[onmouseover]').count(), 0);
    await page.close();
  });

  test('a summarised pass says so in the picker and, opened, says how to trace it again keeping it', async function () {
    this.timeout(60_000);
    const file = join(repoRoot, 'test', 'fixtures', 'capture', 'long-run.ts');
    const result = await runProgram({ file, args: ['12'], capture: true, distDir, seed: 7, maxTraceMb: 1 });
    assert.equal(result.exitCode, 0, result.stderr);
    const trace = result.trace!;
    const summarised = trace.backwardPasses.findIndex((p) => p.kept === false);
    assert.ok(summarised > 0, `the 1 MB budget summarised a pass: ${JSON.stringify(trace.run.keep)} ${trace.backwardPasses.length}`);
    const page = await open(writePage('summarised', trace));
    assert.equal(await screenOf(page), 'graph', await page.locator('body').innerText());
    const labels = await page.locator('vscode-dropdown[title="What to show"] vscode-option').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
    assert.ok(labels.some((l) => l.startsWith(`#${summarised + 1} · `) && l.endsWith(' · summarised')), labels.join(' | '));
    const field = page.locator('vscode-text-field[placeholder="Pass #"]');
    await field.click();
    await page.keyboard.type(String(summarised + 1));
    await page.keyboard.press('Enter');
    const screen = page.locator('.summarised-pass');
    await screen.waitFor({ timeout: 10_000 });
    assert.equal(await screenOf(page), 'summarised pass');
    const text = await screen.innerText();
    assert.match(text, new RegExp(`^Pass #${summarised + 1} · loss [\\d.]+ · summarised\n`), text);
    assert.match(text, /Backward at long-run\.ts:\d+\. Only its statistics were kept: its [\d,]+ nodes and [\d,]+ steps were left out to keep the trace within its budget \(1 MB\), so it has no graph to step through\./, text);
    assert.equal(await screen.locator('code').innerText(), `gradlens trace ${file} --seed 7 --max-trace-mb 1 --keep ${summarised + 1} -- 12`);
    // Its statistics, as the summary has them: a row per variable, the numbers of its gradient.
    const pass = trace.backwardPasses[summarised]!;
    const rows = await screen.locator('table.pass-statistics').first().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => (tr.textContent ?? '')));
    assert.equal(rows.length, pass.summary!.variables.length);
    for (const variable of pass.summary!.variables) {
      assert.ok(rows.some((row) => row.includes(formatNumber(variable.gradL2!)) && row.includes(formatNumber(variable.valueL2!))), `a row has ‖∇‖ ${variable.gradL2} and ‖w‖ ${variable.valueL2}: ${rows.join(' | ')}`);
    }
    assert.ok(rows[0]!.startsWith('0.'), `network order, the first layer first: ${rows.join(' | ')}`);
    const relu = pass.summary!.activations![0]!;
    assert.match(await screen.innerText(), new RegExp(`Its 1 relu layer\\n[^]*layer 0\\t${relu.units}\\t${relu.dead} \\(`), 'its relu layer\'s dead units');
    await page.screenshot({ path: join(results, 'summarised-pass.png') });
    // No stepper beside it, nor the graph's controls; the nearest kept passes open.
    assert.equal(await page.locator('.step-controls').isVisible(), false, 'no step controls without a graph');
    assert.equal(await page.locator('vscode-button[title="Fit the graph"]').isVisible(), false);
    assert.equal(await page.locator('.banners').innerText(), '', 'the screen says it; no banner besides');
    let before = summarised - 1;
    while (trace.backwardPasses[before]!.kept === false) before--;
    await screen.locator(`vscode-button`, { hasText: `Open #${before + 1}` }).click();
    await page.locator('.summarised-pass').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(await screenOf(page), 'graph');
    assert.equal(await page.locator('.step-controls').isVisible(), true, 'the step controls are back with the graph');
    await page.close();
  });

  test('a malformed trace gets an error screen that says what is wrong', async () => {
    const page = await open(writeRawPage('malformed', { format: seed.format, version: 99, nodes: 'no' }));
    const screen = page.locator('.error-screen');
    await screen.waitFor();
    const text = await screen.innerText();
    assert.match(text, /This trace cannot be shown/);
    assert.ok(text.includes(`"version" is 99; this inspector reads versions 1, 2 and ${seed.version} (a newer GradLens wrote it?)`), text);
    assert.match(text, /"nodes" is missing or not a list/);
    await page.screenshot({ path: join(results, 'malformed.png') });
    await page.close();
  });

  test('no page errors, dialogs, console errors or CSP violations along the way', () => {
    assert.deepEqual(errors, []);
    assert.deepEqual(watch.problems, []);
  });

  test('the page\'s CSP allows no inline style: a violation is caught (the check above can fail)', async () => {
    const page = await open(writePage('csp-probe', seed));
    const before = watch.problems.length;
    await page.evaluate(() => (globalThis as any).document.body.setAttribute('style', 'color: red'));
    await page.waitForFunction(() => true);
    await page.waitForTimeout(200);
    const caught = watch.problems.splice(before);
    assert.ok(caught.some((p) => /CSP violation: style-src-attr/.test(p)), `the probe was caught: ${JSON.stringify(caught)}`);
    const csp = await page.evaluate(() => (globalThis as any).document.querySelector('meta[http-equiv="Content-Security-Policy"]').content as string);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /style-src 'nonce-[^']+'/);
    await page.close();
  });
});
