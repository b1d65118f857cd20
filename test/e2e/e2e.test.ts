// End to end, like a person: the packaged .vsix installed in a real VS Code (code-server), the
// chapter's examples opened, the engine's types added, "Compute gradient" clicked, the inspector
// stepped to the end with the keyboard, a node clicked, a breakpoint set in the gutter and F5
// pressed — and what each shows checked on screen.
// Screenshots of each stage go to test-results/e2e/ (the README's pictures come from there).
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cursor, inspector, inspectorState, lensAbove, openFromExplorer, openWorkbench, packageVsix, repoRoot, runCommand, type Workbench } from './workbench';

const results = join(repoRoot, 'test-results', 'e2e');

async function waitFor(probe: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('end to end: the packaged extension in VS Code', function () {
  this.timeout(240_000);
  let scratch: string;
  let workbench: Workbench;
  const inspectorErrors: string[] = [];

  suiteSetup(async function () {
    this.timeout(600_000); // the first run installs code-server
    mkdirSync(results, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), 'gradlens-e2e-workspace-'));
    const folder = join(scratch, 'examples');
    cpSync(join(repoRoot, 'examples', 'seed'), join(folder, 'seed'), { recursive: true });
    const vsix = packageVsix(scratch);
    workbench = await openWorkbench(vsix, folder);
    // What the inspector page reports to its console (every frame's messages reach the page).
    workbench.page.on('console', (message) => {
      if (message.type() === 'error' && /dist\/webview/.test(message.location().url)) inspectorErrors.push(message.text());
    });
  });

  // A failing step leaves a picture of the screen beside the others.
  teardown(async function () {
    if (this.currentTest?.state !== 'failed' || !workbench) return;
    const name = (this.currentTest.title.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60));
    await workbench.page.screenshot({ path: join(results, `failed-${name}.png`) }).catch(() => {});
  });

  suiteTeardown(async () => {
    await workbench?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('the engine\'s types, offered and added: examples/seed, red before, opens without errors', async () => {
    const { page, folder } = workbench;
    const counts = async () => {
      const text = (await page.locator('[id="status.problems"]').innerText()).replace(/\s+/g, ' ').trim();
      const [errors, warnings] = text.split(' ').map(Number);
      return { errors: errors!, warnings: warnings!, text };
    };
    await openFromExplorer(page, 'seed/autograd.ts');
    // Without the types, TypeScript cannot find 'gradlens' (this also shows its server is at work).
    await page.waitForFunction(() => /^[1-9]/.test(((globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }).document.getElementById('status.problems')?.textContent ?? '').trim()), undefined, { timeout: 90_000 });
    assert.ok((await counts()).errors > 0);
    // GradLens noticed and offers the types (Add Engine Types to Workspace does the same): a toast,
    // or, once VS Code has moved it there, an entry of the notification center.
    const offerText = 'cannot find the types of \'gradlens\'';
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: offerText });
    if (!await toast.isVisible()) await runCommand(page, 'Notifications: Show Notifications');
    const offer = page.locator('.notification-list-item', { hasText: offerText }).first();
    await offer.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(results, '1-types-offered.png') });
    await offer.getByRole('button', { name: 'Add Types' }).click();
    await waitFor(() => existsSync(join(folder, 'node_modules', '@types', 'gradlens', 'index.d.ts')), 'the types on disk');
    await page.waitForFunction(() => /^0\s*0/.test(((globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }).document.getElementById('status.problems')?.textContent ?? '').trim()), undefined, { timeout: 90_000 });
    const after = await counts();
    assert.deepEqual([after.errors, after.warnings], [0, 0], after.text);
    // The editor tab no longer counts a problem either (its decoration follows the Problems panel).
    await page.locator('.tab.active', { hasText: /^autograd\.ts$/ }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(results, '1-examples.png') });
  });

  test('"Compute gradient" over y.backward() runs the file and opens the inspector on that pass', async () => {
    const { page } = workbench;
    const lens = await lensAbove(page, 'Compute gradient', 'y.backward();'); // line 20, the first backward pass
    await page.screenshot({ path: join(results, '2-lenses.png') });
    await page.mouse.click(lens.x, lens.y);
    const frame = inspector(page);
    await frame.locator('.step-label', { hasText: 'backward step 0 / 2' }).waitFor({ timeout: 60_000 });
    const state = await inspectorState(page);
    assert.equal(state.total, 2);
    assert.ok(state.firstFrameAt > 0, 'the graph is drawn');
    // Its two scripts are files of the extension's dist/ by their webview URIs (V8 caches their
    // code); the second came after the first frame, with the nonce, and drew the side bar.
    await frame.locator('aside.side .step-panel').waitFor({ timeout: 30_000 });
    const scripts = (await frame.locator('script').evaluateAll((elements) => elements.map((e) => ({ src: e.getAttribute('src'), nonce: (e as unknown as { nonce: string }).nonce !== '' }))))
      .filter((script) => script.src?.includes('/dist/')); // VS Code's own, if it adds one, aside
    assert.deepEqual(scripts.map((script) => script.src?.replace(/^.*\/dist\//, 'dist/')).sort(), ['dist/webview-later.js', 'dist/webview.js'], JSON.stringify(scripts));
    const origins = new Set(scripts.map((script) => new URL(script.src!).origin));
    assert.equal(origins.size, 1, `one origin, the webview's resources: ${[...origins].join(', ')}`);
    assert.ok(scripts.every((script) => script.nonce && /^https?:/.test(script.src!)), JSON.stringify(scripts));
    const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /script-src 'nonce-[^']+'(;|$)/);
    assert.doesNotMatch(csp ?? '', /unsafe-eval|unsafe-inline/);
    await page.screenshot({ path: join(results, '3-inspector.png') });
  });

  test('the step keys step to the end — → in the inspector, Ctrl+K ] from the editor — where the panel shows x.grad = [0, 4, 8, 12]', async () => {
    const { page } = workbench;
    const frame = inspector(page);
    await frame.locator('.step-label').click(); // the panel has the focus: its own keys apply
    await page.keyboard.press('ArrowRight');
    await frame.locator('.step-label', { hasText: 'backward step 1 / 2' }).waitFor({ timeout: 10_000 });
    // From the editor, the chord VS Code leaves free (GradLens: Next Backward Step).
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+KeyK');
    await page.keyboard.press('BracketRight');
    await frame.locator('.step-label', { hasText: 'backward step 2 / 2' }).waitFor({ timeout: 10_000 });
    // Ctrl+K A from the editor: the inspector takes the keyboard and lists the pass as tables (its accessible view).
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+KeyK');
    await page.keyboard.press('KeyA');
    const listing = frame.locator('[role="dialog"].listing');
    await listing.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await listing.innerText(), /dot/);
    await page.keyboard.press('Escape');
    await listing.waitFor({ state: 'hidden', timeout: 10_000 });
    await frame.locator('aside.side .step-panel').waitFor({ timeout: 30_000 }); // the side bar comes after the first frame
    const side = await frame.locator('aside.side').innerText();
    assert.match(side, /x \(arange\)\.grad = \[0, 4, 8, 12\]/);
    // The line of the step's node is highlighted in the editor: dot, at line 17.
    await page.screenshot({ path: join(results, '4-last-step.png') });
  });

  test('clicking a node in the graph moves the editor\'s cursor to the line that made it', async () => {
    const { page } = workbench;
    const frame = inspector(page);
    const at = await frame.locator('#graph').evaluate(() => {
      type Box = { x1: number; y1: number; x2: number; y2: number };
      const view = (globalThis as unknown as { gradlens: { app: { view: { elements(): { id: string; label: string }[]; renderedBox(id: string): Box } } } }).gradlens.app.view;
      const x = view.renderedBox(view.elements().find((n) => n.label.startsWith('x ='))!.id);
      return { x: (x.x1 + x.x2) / 2, y: (x.y1 + x.y2) / 2 };
    });
    await frame.locator('#graph').click({ position: at });
    await frame.locator('section.panel h2', { hasText: 'x = arange' }).waitFor({ timeout: 10_000 });
    // The editor shows line 8 as its cursor line while the panel keeps the focus …
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document;
      return Array.from(doc.querySelectorAll('.monaco-editor .line-numbers.active-line-number')).some((n) => n.textContent?.trim() === '8');
    }, undefined, { timeout: 10_000 });
    // … and once the user goes back to the editor, the status bar says so too.
    await page.locator('.tabs-container .tab', { hasText: 'autograd.ts' }).first().click();
    await page.waitForFunction(() => /Ln 8,/.test((globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }).document.getElementById('status.editor.selection')?.textContent ?? ''), undefined, { timeout: 10_000 });
    assert.equal((await cursor(page)).line, 8, 'let x = np.arange(4); is line 8');
    await page.screenshot({ path: join(results, '5-node-clicked.png') });
  });

  test('after a window reload the inspector comes back on the same pass, at the same step', async () => {
    const { page } = workbench;
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForLoadState('load');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = inspector(page);
    await frame.locator('.step-label', { hasText: 'backward step 2 / 2' }).waitFor({ timeout: 60_000 });
    await frame.locator('aside.side .step-panel').waitFor({ timeout: 30_000 }); // the side bar comes after the first frame
    const side = await frame.locator('aside.side').innerText();
    assert.match(side, /x \(arange\)\.grad = \[0, 4, 8, 12\]/);
    // The file did not change since the run: the lenses still show its results.
    await lensAbove(page, 'x.grad = [0, 4, 8, 12] · step through 2 steps', 'y.backward();');
    await page.screenshot({ path: join(results, '6-restored.png') });
  });

  test('"check it numerically" in the inspector: the Gradients view in Run and Debug shows each variable checked; the views follow the cursor', async () => {
    const { page } = workbench;
    // x is still selected in the inspector (since before the reload): its details offer the check.
    await inspector(page).getByRole('button', { name: 'check it numerically' }).click();
    await page.keyboard.press('Control+Shift+D');
    // Room for GradLens's views: fold VS Code's own "Run" section, open the Autograd Graph.
    const header = (title: RegExp) => page.locator('.pane-header', { has: page.locator('h3.title', { hasText: title }) });
    if (await header(/^Run$/).getAttribute('aria-expanded') === 'true') await header(/^Run$/).click();
    if (await header(/^Autograd Graph$/).getAttribute('aria-expanded') === 'false') await header(/^Autograd Graph$/).click();
    const gradients = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Gradients' }) });
    await gradients.locator('.monaco-list-row', { hasText: '✓' }).first().waitFor({ timeout: 60_000 });
    // Every variable a backward pass reached (it shows a gradient, ∇) was checked, and agrees.
    const rows = await gradients.locator('.monaco-list-row').allInnerTexts();
    const reached = rows.filter((row) => row.includes('∇'));
    assert.ok(reached.length >= 4, rows.join(' | '));
    assert.ok(reached.every((row) => row.includes('✓')), rows.join(' | '));
    assert.ok(rows.every((row) => !row.includes('✗')), rows.join(' | '));
    // The cursor put on a line in the editor selects that line's node in the inspector and in the Autograd Graph view.
    await page.locator('.monaco-editor .view-line', { hasText: 'y = autograd.record(() => x.mul(x));' }).first().click();
    const graph = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Autograd Graph' }) });
    await graph.locator('.monaco-list-row.selected', { hasText: 'y = mul' }).waitFor({ timeout: 20_000 });
    await inspector(page).locator('section.panel h2', { hasText: 'y = mul' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(results, '7-run-and-debug.png') });
  });

  test('from the debugger: a breakpoint set by clicking the gutter, F5, the inspector and the Autograd Graph view show the graph so far; F10 over y.backward() brings its steps and x.grad = 4x', async () => {
    const { page } = workbench;
    await page.locator('.tabs-container .tab', { hasText: 'autograd.ts' }).first().click();
    // The gutter (glyph margin) beside line 20, `y.backward();`: a click sets a breakpoint there.
    const line = page.locator('.monaco-editor .view-line', { hasText: /^y\.backward\(\);$/ }).first();
    await line.click(); // the editor has the focus (and the cursor is on line 20)
    const box = (await line.boundingBox())!;
    const margin = (await page.locator('.monaco-editor .glyph-margin').first().boundingBox())!;
    await page.mouse.click(margin.x + margin.width / 2, box.y + box.height / 2);
    await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('F5'); // no launch.json: GradLens's launch, without the debugger picker
    const tab = page.locator('.tabs-container .tab', { hasText: 'GradLens: autograd.ts (paused)' });
    await tab.waitFor({ timeout: 90_000 });
    // Paused at line 20: the recording of line 17 is in, no backward pass yet.
    const graph = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Autograd Graph' }) });
    await graph.locator('.monaco-list-row', { hasText: /^record · line 17/ }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await graph.locator('.monaco-list-row', { hasText: /^backward/ }).count(), 0, 'backward has not run');
    const before = await inspectorState(page);
    assert.ok(before.firstFrameAt > 0, 'the inspector drew the graph so far');
    // The recording so far at its last forward step: every op up to the paused line computed.
    await inspector(page).locator('.step-label', { hasText: 'forward step 2 / 2' }).waitFor({ timeout: 10_000 });
    // The lenses follow the trace so far: line 17's recording is in, line 20's backward is not yet.
    await lensAbove(page, 'Compute gradient (not reached yet: paused)', 'y.backward();');
    await lensAbove(page, 'recorded 2 ops → y = 28', 'let y = autograd.record(() => np.dot(x, x).mul(2));');
    await page.screenshot({ path: join(results, '8-paused.png') });
    // Step over y.backward(): its two steps arrive, the inspector opens on them.
    await page.keyboard.press('F10');
    await inspector(page).locator('.step-label', { hasText: 'backward step 0 / 2' }).waitFor({ timeout: 30_000 });
    await graph.locator('.monaco-list-row', { hasText: /^backward · line 20/ }).waitFor({ timeout: 20_000 });
    await lensAbove(page, 'x.grad = [0, 4, 8, 12] · step through 2 steps', 'y.backward();');
    await page.screenshot({ path: join(results, '9-stepped-over-backward.png') });
    await inspector(page).locator('.step-label').click();
    for (let k = 1; k <= 2; k++) {
      await page.keyboard.press('ArrowRight');
      await inspector(page).locator('.step-label', { hasText: `backward step ${k} / 2` }).waitFor({ timeout: 10_000 });
    }
    assert.match(await inspector(page).locator('aside.side').innerText(), /x \(arange\)\.grad = \[0, 4, 8, 12\]/);
    // Continue (F5 while debugging is VS Code's): the run ends, the inspector holds the whole trace.
    await page.locator('.tabs-container .tab', { hasText: 'autograd.ts' }).first().click();
    await page.keyboard.press('F5');
    await page.locator('.tabs-container .tab', { hasText: 'GradLens: autograd.ts' }).filter({ hasNotText: 'paused' }).waitFor({ timeout: 60_000 });
  });

  test('the inspector logged no error on the way, not even a Content Security Policy refusal', () => {
    assert.deepEqual(inspectorErrors, []);
  });
});
