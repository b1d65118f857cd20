// The inspector without a mouse and without sight (issue 15), in headless Chromium on the seed
// example's golden trace: Tab reaches the graph, whose role and name say what it shows; the arrows
// follow the trace's real edges (the nodes reached are checked against the trace's inputs), the
// node reached is marked and said; Enter opens its details; the chain rule of a step is said after
// stepping, only the last of a quick run of steps; the accessible view lists the pass in the order
// of its backward steps; Escape leaves the graph, and closes the view giving the focus back.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Trace } from '../../protocol/trace';
import { buildGraph, nodeNames } from '../../webview/model/graph';
import { labelText } from '../../webview/model/labels';
import { stepWords } from '../../webview/model/spoken';
import { backwardFrame } from '../../webview/model/stepper';
import { formatShape, formatTensorShort } from '../../webview/model/tensor';
import { seedFixture } from '../trace-helpers';
import { deliver, launch, openPage, results, Watch, writePage } from './page-helpers';

/** The state of the page that the keyboard path is about. */
interface Access {
  active: { id: string; tag: string; title: string | null };
  focusedElement: string | null;
  nodeLive: string;
  stepLive: string;
  label: string | null;
  step: number;
  selectedNode: number | null;
}

async function access(page: Page): Promise<Access> {
  return page.evaluate(() => {
    const w = globalThis as any;
    const doc = w.document;
    const active = doc.activeElement;
    const app = w.gradlens.app;
    return {
      active: { id: active?.id ?? '', tag: active?.tagName ?? '', title: active?.getAttribute('title') ?? null },
      focusedElement: app.view?.focused ?? null,
      nodeLive: doc.querySelector('.node-live')?.textContent ?? '',
      stepLive: doc.querySelector('.step-live')?.textContent ?? '',
      label: doc.getElementById('graph')?.getAttribute('aria-label') ?? null,
      step: app.state.step,
      selectedNode: app.state.selectedNode,
    };
  });
}

/** Presses `key` until the graph has the focus (at most `limit` times); how many presses it took. */
async function tabToGraph(page: Page, key: 'Tab' | 'Shift+Tab', limit = 80): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press(key);
    if ((await access(page)).active.id === 'graph') return presses;
  }
  throw new Error(`${key} did not reach the graph in ${limit} presses`);
}

/** Waits until the node the keyboard is on is `element` and has been said (the live region's short delay). */
async function focusedOn(page: Page, element: string, said: RegExp): Promise<Access> {
  await page.waitForFunction(([id, source]) => {
    const w = globalThis as any;
    return w.gradlens.app.view.focused === id && new RegExp(source).test(w.document.querySelector('.node-live')?.textContent ?? '');
  }, [element, said.source] as const, { timeout: 5000 }).catch(async () => {
    assert.fail(`the keyboard is on ${element}, said as ${said}: ${JSON.stringify(await access(page))}`);
  });
  return access(page);
}

suite('the inspector from the keyboard and to a screen reader', function () {
  this.timeout(120_000);
  let browser: Browser;
  const watch = new Watch();
  /** examples/seed/autograd.ts: pass 0 is y = 2·dot(x, x) — mul(dot(x, x), 2), two steps. */
  const seed: Trace = seedFixture();
  const pass = seed.backwardPasses[0]!;
  const names = nodeNames(seed);
  const node = (id: number) => seed.nodes.find((n) => n.id === id)!;
  const said = (id: number) => new RegExp(`^${escape(names.has(id) ? `${names.get(id)} = ${node(id).op}` : node(id).op)}, .*shape ${escape(formatShape(node(id).shape))}`);

  suiteSetup(async () => { browser = await launch(); });
  suiteTeardown(async () => { await browser?.close(); });

  test('Tab reaches the graph; the arrows follow its edges, Enter opens details, the step is said, Escape leaves', async () => {
    const page = await openPage(browser, watch, writePage('a11y-keys', seed));
    await deliver(page, { type: 'selection/set', selection: { kind: 'pass', id: pass.id } });
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view !== null);
    const model = buildGraph(seed, { kind: 'pass', id: pass.id });

    // The graph says what it is and what it shows; nothing is said on opening.
    const graph = page.locator('#graph');
    assert.equal(await graph.getAttribute('role'), 'application');
    assert.equal(await graph.getAttribute('aria-roledescription'), 'autograd graph');
    assert.equal(await graph.getAttribute('tabindex'), '0');
    assert.equal((await access(page)).label, `Autograd graph: ${model.nodes.length} nodes, pass 1 of ${seed.backwardPasses.length}, step 0 of ${pass.steps.length}`);
    const keys = await page.locator(`#${await graph.getAttribute('aria-describedby')}`).textContent();
    assert.match(keys ?? '', /Left arrow: to an input/);
    await page.waitForTimeout(600);
    assert.equal((await access(page)).stepLive, '', 'opening the page says no step');

    // Tab, from the top of the page: into the graph, on the head of the pass (nothing selected, step 0).
    const presses = await tabToGraph(page, 'Tab');
    assert.ok(presses > 3, `the toolbar comes first (${presses} presses)`);
    const [head] = pass.heads;
    let state = await focusedOn(page, `n${head}`, said(head!));
    assert.match(state.nodeLive, /Head of the pass\./);
    const mark = await page.evaluate(() => {
      const view = (globalThis as any).gradlens.app.view;
      return view.elements('keyboard-focus').map((n: any) => ({ id: n.id, width: view.lookOf(n.id).outline?.width, color: view.lookOf(n.id).outline?.color }));
    });
    assert.deepEqual(mark.map((m: { id: string }) => m.id), [`n${head}`], 'one node is marked: the keyboard\'s');
    assert.equal(mark[0].width, 6);
    assert.equal(mark[0].color, await page.evaluate(() => (globalThis as any).gradlens.app.view.colors.focus), 'in the theme\'s focus colour');
    await page.screenshot({ path: join(results, 'keyboard-focus.png') });

    // ← goes to the head's first input, ↓ / ↑ through its inputs (input positions as the trace has them).
    const mul = node(head!);
    assert.equal(mul.inputs.length, 2);
    await page.keyboard.press('ArrowLeft');
    state = await focusedOn(page, `n${mul.inputs[0]}`, said(mul.inputs[0]!));
    assert.match(state.nodeLive, new RegExp(`Input 1 of 2 of ${escape(names.get(head!) ?? mul.op)} = mul\\.`));
    await page.keyboard.press('ArrowDown');
    state = await focusedOn(page, `n${mul.inputs[1]}`, said(mul.inputs[1]!));
    assert.match(state.nodeLive, /Input 2 of 2 of /);
    await page.keyboard.press('ArrowDown');
    await focusedOn(page, `n${mul.inputs[0]}`, /Input 1 of 2 of /);
    // dot(x, x): both inputs are x.
    const dot = node(mul.inputs[0]!);
    assert.equal(dot.op, 'dot');
    assert.deepEqual(dot.inputs, [0, 0]);
    await page.keyboard.press('ArrowLeft');
    state = await focusedOn(page, `n${dot.inputs[0]}`, said(dot.inputs[0]!));
    assert.match(state.nodeLive, /No input, 2 consumers\. Input 1 of 2 of .*dot\./, 'x feeds dot twice');
    await page.keyboard.press('ArrowDown');
    await focusedOn(page, `n${dot.inputs[1]}`, /Input 2 of 2 of /);
    // x has no input: the keyboard stays and says so.
    await page.keyboard.press('ArrowLeft');
    await focusedOn(page, `n${dot.inputs[1]}`, /has no input in this graph\./);
    // → back along the edges, to the head, which has no consumer.
    await page.keyboard.press('ArrowRight');
    await focusedOn(page, `n${mul.inputs[0]}`, /Consumer 1 of 2 of /);
    await page.keyboard.press('ArrowRight');
    await focusedOn(page, `n${head}`, /Consumer 1 of 1 of /);
    await page.keyboard.press('ArrowRight');
    await focusedOn(page, `n${head}`, /has no consumer in this graph\./);
    assert.equal((await access(page)).step, 0, 'the arrows in the graph do not step');

    // Enter: the node's details, as a click gives them.
    await page.keyboard.press('ArrowLeft');
    await focusedOn(page, `n${mul.inputs[0]}`, /Input 1 of 2/);
    await page.keyboard.press('Enter');
    assert.equal((await access(page)).selectedNode, mul.inputs[0]);
    const details = page.locator('aside.side section.panel', { has: page.locator('table.facts') });
    assert.match(await details.locator('h2').innerText(), new RegExp(`^${escape(names.has(dot.id) ? `${names.get(dot.id)} = dot` : 'dot')}$`));
    assert.match(await details.innerText(), /shape\s+scalar/);
    assert.equal((await access(page)).active.id, 'graph', 'the focus stays in the graph');

    // Shift+→ steps from the graph; the step's chain rule is said — what the step panel explains.
    await page.keyboard.press('Shift+ArrowRight');
    assert.equal((await access(page)).step, 1);
    const first = stepWords(seed, { kind: 'backward', frame: backwardFrame(pass, 1) }, pass);
    assert.match(first, /^Step 1 of 2: .*mul\. .*Upstream ∂L\/∂out = 1\. Sends: input 0, .*dot: ∂L\/∂in = /);
    await page.waitForFunction((text) => (globalThis as any).document.querySelector('.step-live').textContent === text, first, { timeout: 5000 });
    const panel = await page.locator('.step-panel').innerText();
    for (const piece of [`Step 1 of ${pass.steps.length}`, formatTensorShort(pass.steps[0]!.upstream), formatTensorShort(pass.steps[0]!.contributions[0]!.grad)]) {
      assert.ok(panel.includes(piece) && first.includes(piece), `the panel and the words both say ${piece}`);
    }

    // Stepping quickly: only the last step is said.
    await page.evaluate(() => {
      const w = globalThis as any;
      w.__said = [];
      new w.MutationObserver(() => w.__said.push(w.document.querySelector('.step-live').textContent))
        .observe(w.document.querySelector('.step-live'), { childList: true, characterData: true, subtree: true });
    });
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForTimeout(900);
    const last = stepWords(seed, { kind: 'backward', frame: backwardFrame(pass, 2) }, pass);
    assert.deepEqual(await page.evaluate(() => (globalThis as any).__said), [last], 'three steps, one sentence: the last');
    assert.equal((await access(page)).label, `Autograd graph: ${model.nodes.length} nodes, pass 1 of ${seed.backwardPasses.length}, step 2 of 2`, 'the name follows the step');

    // Escape leaves the graph for the step buttons (where ← and → step); the mark goes with the focus.
    await page.keyboard.press('Escape');
    state = await access(page);
    assert.equal(state.active.title, 'Next step (→)');
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view.focused === null);
    await page.keyboard.press('ArrowLeft');
    assert.equal((await access(page)).step, 1, '← steps again off the graph');
    // Back with Shift+Tab: on the node it left.
    await tabToGraph(page, 'Shift+Tab');
    await focusedOn(page, `n${mul.inputs[0]}`, said(mul.inputs[0]!));

    // Another pass (PageDown, the picker, the host): its name is said; the keyboard starts on its head.
    const second = seed.backwardPasses[1]!;
    await deliver(page, { type: 'selection/set', selection: { kind: 'pass', id: second.id } });
    const name = `Autograd graph: ${buildGraph(seed, { kind: 'pass', id: second.id }).nodes.length} nodes, pass 2 of ${seed.backwardPasses.length}, step 0 of ${second.steps.length}`;
    await page.waitForFunction((text) => (globalThis as any).document.querySelector('.step-live').textContent === text, name, { timeout: 5000 });
    assert.equal((await access(page)).label, name);
    await page.keyboard.press('ArrowLeft');
    await focusedOn(page, `n${second.heads[0]}`, said(second.heads[0]!));
    await page.close();
  });

  test('the accessible view lists the pass in the order of its backward steps; Escape gives the focus back', async () => {
    const page = await openPage(browser, watch, writePage('a11y-listing', seed));
    const control = seed.backwardPasses.find((p) => p.steps.length === 10)!; // the control-flow pass
    await deliver(page, { type: 'selection/set', selection: { kind: 'pass', id: control.id } });
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view !== null);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');

    // From the graph, by its key.
    await tabToGraph(page, 'Tab');
    await page.keyboard.press('Alt+Shift+V');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('aria-modal'), 'true');
    assert.equal((await access(page)).active.id, 'listing-title', 'the view takes the focus');
    assert.match(await page.locator('#listing-title').innerText(), new RegExp(`^Accessible view: Backward pass ${seed.backwardPasses.indexOf(control) + 1} of ${seed.backwardPasses.length} at line ${control.source!.line}: 10 steps$`));
    assert.deepEqual(await dialog.locator('h3').allInnerTexts(), ['Head gradients', 'Backward steps, in order', 'Variables\' gradients after the pass']);

    const steps = dialog.getByRole('table', { name: 'Backward steps, in order' });
    assert.deepEqual(await steps.locator('thead th').allInnerTexts(), ['step', 'node', 'name', 'op', 'shape', 'gradient ∂L/∂out']);
    const rows = await steps.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(rows, control.steps.map((step, i) => {
      const n = node(step.node);
      return [String(i + 1), `#${n.id}`, names.has(n.id) ? labelText(names.get(n.id)!) : '—', n.op, formatShape(n.shape), formatTensorShort(step.upstream)];
    }));
    assert.deepEqual(await steps.locator('tr[aria-current="step"] td').first().innerText(), '3', 'the step on screen is marked');
    const leaves = await dialog.getByRole('table', { name: 'Variables\' gradients after the pass' }).locator('tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(leaves, control.leafGrads.map((leaf) => `#${leaf.node}`));
    // Modal: the page beside it is inert, the step keys do nothing.
    assert.equal(await page.locator('header.toolbar').evaluate((e: any) => e.inert), true);
    await page.keyboard.press('ArrowRight');
    assert.equal((await access(page)).step, 3);
    await page.screenshot({ path: join(results, 'accessible-view.png') });

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await access(page)).active.id, 'graph', 'Escape gives the focus back to the graph');
    assert.equal(await page.locator('header.toolbar').evaluate((e: any) => e.inert), false);

    // From the toolbar: the focus comes back to its button.
    const open = page.locator('vscode-button[title^="Accessible view"]');
    await open.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.match((await access(page)).active.title ?? '', /^Accessible view/);
    await page.close();
  });

  test('a recording: the graph is named by it, the view lists its ops in the order they ran', async () => {
    const page = await openPage(browser, watch, writePage('a11y-recording', seed));
    const recording = seed.recordings[0]!;
    await deliver(page, { type: 'selection/set', selection: { kind: 'recording', id: recording.id } });
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view !== null);
    const model = buildGraph(seed, { kind: 'recording', id: recording.id });
    const ops = model.traceNodes.filter((id) => node(id).kind === 'op');
    assert.equal((await access(page)).label, `Autograd graph: ${model.nodes.length} nodes, recording 1 of ${seed.recordings.length}, forward step 0 of ${ops.length}`);
    await page.locator('#graph').focus();
    await page.keyboard.press('Alt+Shift+V');
    const table = page.getByRole('table', { name: 'Forward steps, in order' });
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[1]!.textContent));
    assert.deepEqual(rows, ops.map((id) => `#${id}`));
    await page.close();
  });

  test('the view pans to the node the keyboard reaches when it is off screen', async () => {
    const page = await openPage(browser, watch, writePage('a11y-pan', seed));
    const control = seed.backwardPasses.find((p) => p.steps.length === 10)!; // a chain of ten muls
    await deliver(page, { type: 'selection/set', selection: { kind: 'pass', id: control.id } });
    await page.waitForFunction(() => (globalThis as any).gradlens.app.view !== null);
    await tabToGraph(page, 'Tab');
    await focusedOn(page, `n${control.heads[0]}`, said(control.heads[0]!));
    // Close in, on the head: most of the chain is off screen.
    await page.evaluate(() => { const view = (globalThis as any).gradlens.app.view; view.zoom(3); view.reveal(view.focused); });
    await page.waitForTimeout(300);
    const inView = () => page.evaluate(() => {
      const view = (globalThis as any).gradlens.app.view;
      const { width, height } = view.viewState;
      const box = view.renderedBox(view.focused);
      const offScreen = view.elements().filter((n: any) => { const b = view.renderedBox(n.id); return b.x2 < 0 || b.x1 > width; }).length;
      return { inside: box.x1 >= 0 && box.y1 >= 0 && box.x2 <= width && box.y2 <= height, offScreen, node: view.focused };
    });
    assert.ok((await inView()).offScreen >= 3, 'zoomed in, nodes are off screen');
    // Step after step down the chain (each mul's input 0 is the mul before it).
    for (const step of control.steps.slice(1, 7)) {
      await page.keyboard.press('ArrowLeft');
      await focusedOn(page, `n${step.node}`, said(step.node));
      await page.waitForTimeout(250); // the pan is a 150 ms animation
      const shown = await inView();
      assert.ok(shown.inside, `n${step.node} is panned into view: ${JSON.stringify(shown)}`);
    }
    await page.close();
  });

  test('no page errors, dialogs, console errors or CSP violations along the way', () => {
    assert.deepEqual(watch.problems, []);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
