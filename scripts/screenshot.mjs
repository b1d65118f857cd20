// The README's pictures of the inspector, made the way a user makes the page: trace a program to a
// standalone HTML inspector and open it in headless Chromium.
//   1. The chapter's examples: step through the first backward pass and click x.
//   2. The Training view of the d2l MLP from scratch at the book's settings (10 epochs, 240 passes,
//      at the default 64 MB budget most of them summarised), through the Training view's fixture
//      test/fixtures/capture/d2l-train.ts; the whole view, no scrolling (≈ 20 s to trace).
// Usage: npm run screenshot [-- INSPECTOR.png [TRAINING.png]]
// (default docs/images/inspector.png and docs/images/training-view.png).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'docs', 'images', 'inspector.png'));
const trainingOut = resolve(process.argv[3] ?? join(root, 'docs', 'images', 'training-view.png'));
const work = mkdtempSync(join(tmpdir(), 'gradlens-screenshot-'));
const page = join(work, 'inspector.html');
const trainingPage = join(work, 'training.html');

try {
  execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'trace', join(root, 'examples', 'seed', 'autograd.ts'), '-o', join(work, 'trace.json'), '--seed', '1', '--html', page], { stdio: ['ignore', 'ignore', 'inherit'] });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
    await tab.goto(`file://${page}`);
    await tab.waitForFunction(() => (globalThis.gradlens?.app?.timings?.completeAt ?? 0) > 0); // the side bar and the controls are in
    // The first backward pass (y = 2·xᵀx), both steps: dot sends x two contributions that add up.
    await tab.keyboard.press('End');
    const x = await tab.evaluate(() => globalThis.gradlens.app.model.nodes.find((n) => n.label.startsWith('x =')).members[0]);
    await tab.evaluate((id) => globalThis.gradlens.app.receive({ type: 'node/focus', nodeIds: [id] }), x);
    await tab.evaluate(() => globalThis.gradlens.app.view.fit());
    await tab.waitForTimeout(300);
    mkdirSync(dirname(out), { recursive: true });
    await tab.screenshot({ path: out });
    console.log(`screenshot written to ${out}`);

    execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'trace', join(root, 'test', 'fixtures', 'capture', 'd2l-train.ts'),
      '-o', join(work, 'training.json'), '--seed', '1', '--timeout', '600', '--html', trainingPage, '--', 'mlp-implementation', '10'], { stdio: ['ignore', 'ignore', 'inherit'] });
    mkdirSync(dirname(trainingOut), { recursive: true });
    const training = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    await training.goto(`file://${trainingPage}`);
    // 240 passes open on the Training view; once its heatmap is drawn, the page is made as tall as the view.
    await training.locator('.training canvas.heatmap-canvas').waitFor({ timeout: 60_000 });
    const hidden = await training.locator('.summary-screen').evaluate((e) => e.scrollHeight - e.clientHeight);
    await training.setViewportSize({ width: 1400, height: 900 + Math.max(0, hidden) });
    await training.locator('.training canvas.heatmap-canvas').waitFor();
    await training.waitForTimeout(500);
    await training.screenshot({ path: trainingOut });
    console.log(`screenshot written to ${trainingOut}`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
