// A new user, end to end: a fresh profile with the .vsix installed and an empty folder; the Getting
// Started walkthrough opened from the palette; New Example… from its first step; "Compute gradient"
// clicked; a step taken in the inspector; Run and Debug and the gradient check from its buttons —
// each step ticked off on screen as it is done. Screenshots go to test-results/e2e/ (the README's
// picture of the walkthrough comes from there).
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { inspector, lensAbove, openFile, openWorkbench, packageVsix, repoRoot, runCommand, type Workbench } from './workbench';

const results = join(repoRoot, 'test-results', 'e2e');

/** The ▶ button GradLens puts in the editor's title bar of a file that imports gradlens. */
const COMPUTE_BUTTON = '.editor-actions .action-label[aria-label^="Compute Gradients for Current File"]';

const STEPS = ['Open an example', 'Compute a gradient', 'Step through backward', 'Open Run and Debug', 'Check gradients numerically'] as const;

/** The walkthrough's step titled `title` (a button in VS Code's Getting Started page). */
const step = (page: Page, title: string): Locator => page.locator('.getting-started-step', { has: page.locator('.step-title', { hasText: title }) }).filter({ visible: true }).first();

/** The steps ticked off, as the page tells assistive technology (each step's checkbox, aria-checked). */
async function completed(page: Page): Promise<string[]> {
  const done: string[] = [];
  for (const title of STEPS) if ((await step(page, title).locator('[role="checkbox"]').first().getAttribute('aria-checked')) === 'true') done.push(title);
  return done;
}

/** Opens the step `title` (VS Code opens the next step to do by itself: then it is already open). */
async function expand(page: Page, title: string): Promise<Locator> {
  const found = step(page, title);
  if ((await found.getAttribute('aria-expanded')) !== 'true') await found.click();
  await page.waitForFunction((id) => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector(`[data-step-id="${id}"]`)?.getAttribute('aria-expanded') === 'true', await found.getAttribute('data-step-id'));
  return found;
}

/** The walkthrough from the palette (Welcome: Open Walkthrough…, then its title). */
async function openWalkthrough(page: Page): Promise<void> {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with GradLens' }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await step(page, STEPS[0]).waitFor({ state: 'visible', timeout: 20_000 });
  await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): { disabled: boolean } | null } }).document.querySelector('.gettingStartedSlideDetails button.getting-started-step')?.disabled);
}

/** Back to the walkthrough's tab; if the Welcome page went back to its start, the walkthrough again. */
async function showWalkthrough(page: Page): Promise<void> {
  await page.locator('.tabs-container .tab', { hasText: /Welcome|Walkthrough/ }).first().click();
  // The steps' buttons are disabled while the page shows its start (the walkthrough slid away).
  const shown = await step(page, STEPS[0]).waitFor({ state: 'visible', timeout: 3000 }).then(() => step(page, STEPS[0]).isEnabled(), () => false);
  if (!shown) await openWalkthrough(page);
}

async function waitForCompleted(page: Page, wanted: readonly string[], timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const done = await completed(page);
    if (wanted.every((title) => done.includes(title))) return;
    if (Date.now() > end) assert.deepEqual(done, wanted, 'the walkthrough\'s ticks');
    await page.waitForTimeout(250);
  }
}

suite('end to end: a new user follows the walkthrough to the first graph', function () {
  this.timeout(240_000);
  let scratch: string;
  let workbench: Workbench;

  suiteSetup(async function () {
    this.timeout(600_000);
    mkdirSync(results, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), 'gradlens-e2e-walkthrough-'));
    const folder = join(scratch, 'my-project');
    mkdirSync(folder);
    // The user's own TypeScript, which has nothing to do with gradlens.
    writeFileSync(join(folder, 'plain.ts'), 'export const answer: number = 42;\n');
    workbench = await openWorkbench(packageVsix(scratch), folder);
  });

  teardown(async function () {
    if (this.currentTest?.state !== 'failed' || !workbench) return;
    const name = this.currentTest.title.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60);
    await workbench.page.screenshot({ path: join(results, `failed-walkthrough-${name}.png`) }).catch(() => {});
  });

  suiteTeardown(async () => {
    await workbench?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('before any program: no ▶ button on a plain TypeScript file, no GradLens views in Run and Debug', async () => {
    const { page } = workbench;
    await openFile(page, 'plain.ts');
    await page.locator('.editor-actions').first().waitFor();
    await page.waitForTimeout(1500); // the extension activates on TypeScript: its keys are set by then
    assert.equal(await page.locator(COMPUTE_BUTTON).count(), 0, 'no Compute Gradients button on plain.ts');
    await runCommand(page, 'View: Show Run and Debug');
    await page.locator('.monaco-button', { hasText: 'Run and Debug' }).first().waitFor({ timeout: 20_000 }); // the Run view's welcome
    assert.equal(await page.locator('.pane-header', { hasText: 'Autograd Graph' }).count(), 0, 'no Autograd Graph view yet');
    await runCommand(page, 'View: Show Explorer');
  });

  test('the walkthrough opens from the palette with its five steps, none done', async () => {
    const { page } = workbench;
    await openWalkthrough(page);
    for (const title of STEPS) await step(page, title).waitFor({ timeout: 20_000 });
    assert.deepEqual(await completed(page), []);
    await page.screenshot({ path: join(results, 'w1-walkthrough.png') });
  });

  test('"New Example…" writes the chapter\'s example into the empty folder, with the engine\'s types, and opens it: the first step is ticked', async () => {
    const { page, folder } = workbench;
    await (await expand(page, STEPS[0])).locator('a, button', { hasText: 'New Example…' }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'autograd.ts' }).waitFor({ timeout: 20_000 });
    await page.locator(COMPUTE_BUTTON).first().waitFor({ timeout: 20_000 }); // a program: its ▶ button is there
    assert.equal(readFileSync(join(folder, 'autograd.ts'), 'utf8'), readFileSync(join(repoRoot, 'examples', 'seed', 'autograd.ts'), 'utf8'));
    assert.ok(existsSync(join(folder, 'node_modules', '@types', 'gradlens', 'index.d.ts')));
    await showWalkthrough(page);
    await waitForCompleted(page, [STEPS[0]]);
  });

  test('"Compute gradient" over y.backward() opens the first graph; → in the inspector takes a step; both steps ticked', async () => {
    const { page } = workbench;
    await page.locator('.tabs-container .tab', { hasText: 'autograd.ts' }).first().click();
    const lens = await lensAbove(page, 'Compute gradient', 'y.backward();');
    await page.mouse.click(lens.x, lens.y);
    const frame = inspector(page);
    await frame.locator('.step-label', { hasText: 'backward step 0 / 2' }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(results, 'w2-first-graph.png') });
    await frame.locator('.step-label').click();
    await page.keyboard.press('ArrowRight');
    await frame.locator('.step-label', { hasText: 'backward step 1 / 2' }).waitFor({ timeout: 10_000 });
    await showWalkthrough(page);
    await waitForCompleted(page, STEPS.slice(0, 3));
  });

  test('"Open Run and Debug" and "Check Gradients Numerically" from their buttons: every step ticked', async () => {
    const { page } = workbench;
    await (await expand(page, STEPS[3])).locator('a, button', { hasText: 'Open Run and Debug' }).first().click();
    await page.locator('.pane-header', { hasText: 'Autograd Graph' }).waitFor({ timeout: 20_000 });
    await showWalkthrough(page);
    await waitForCompleted(page, STEPS.slice(0, 4));
    await (await expand(page, STEPS[4])).locator('a, button', { hasText: 'Check Gradients Numerically' }).first().click();
    // The gradient check runs the example again; the Gradients view gets a ✓ per variable.
    await page.locator('.pane-body .monaco-list-row', { hasText: '✓' }).first().waitFor({ timeout: 60_000 });
    await showWalkthrough(page);
    await waitForCompleted(page, STEPS);
    await page.waitForTimeout(600); // the palette's fade-out, out of the picture
    await page.screenshot({ path: join(results, 'w3-walkthrough-done.png') });
  });
});
