// The README's picture of the inspector, made the way a user makes the page: trace the chapter's
// examples to a standalone HTML inspector, open it in headless Chromium, step through the first
// backward pass and click x. Usage: npm run screenshot [-- OUT.png] (default docs/images/inspector.png).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'docs', 'images', 'inspector.png'));
const work = mkdtempSync(join(tmpdir(), 'gradlens-screenshot-'));
const page = join(work, 'inspector.html');

try {
  execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'trace', join(root, 'examples', 'seed', 'autograd.ts'), '-o', join(work, 'trace.json'), '--seed', '1', '--html', page], { stdio: ['ignore', 'ignore', 'inherit'] });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
    await tab.goto(`file://${page}`);
    await tab.waitForFunction(() => globalThis.gradlens?.app?.view !== undefined);
    // The first backward pass (y = 2·xᵀx), both steps: dot sends x two contributions that add up.
    await tab.keyboard.press('End');
    const x = await tab.evaluate(() => globalThis.gradlens.app.model.nodes.find((n) => n.label.startsWith('x =')).members[0]);
    await tab.evaluate((id) => globalThis.gradlens.app.receive({ type: 'node/focus', nodeIds: [id] }), x);
    await tab.evaluate(() => globalThis.gradlens.app.view.fit());
    await tab.waitForTimeout(300);
    mkdirSync(dirname(out), { recursive: true });
    await tab.screenshot({ path: out });
    console.log(`screenshot written to ${out}`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
