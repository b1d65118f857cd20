/**
 * The packaged extension in a real VS Code, used like a person would: package the .vsix, install
 * it into code-server (scripts/vscode/code-server.mjs), open a workspace in headless Chromium,
 * and helpers for what a person does there — open a file, click a lens, look into the inspector
 * panel, read the status bar. Shared by the end-to-end test and the extension benchmark.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { installVsix, startCodeServer } from '../../scripts/vscode/code-server.mjs';

/** The repository: the nearest folder above this bundle (dist/test/e2e, or dist/bench for the benchmark) with scripts/build.mjs. */
export const repoRoot = (() => {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts', 'build.mjs'))) return dir;
  }
  throw new Error(`no GradLens repository above ${__dirname}`);
})();

/** Builds and packages the extension (`npm run package`: scripts/package.mjs) into `dir`. */
export function packageVsix(dir: string): string {
  const out = join(dir, 'gradlens.vsix');
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), '--out', out], { cwd: repoRoot, stdio: 'pipe' });
  return out;
}

export interface Workbench {
  page: Page;
  /** The workspace folder opened. */
  folder: string;
  close(): Promise<void>;
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts code-server with the .vsix installed and opens `folder` in a fresh browser page. */
export async function openWorkbench(vsix: string, folder: string, log: (line: string) => void = () => {}): Promise<Workbench> {
  const scratch = mkdtempSync(join(tmpdir(), 'gradlens-e2e-'));
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = join(scratch, 'extensions');
  let browser: Browser | null = null;
  let server: Awaited<ReturnType<typeof startCodeServer>> | null = null;
  const close = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    await installVsix({ extensionsDir, vsixPath: vsix, userDataDir, log });
    server = await startCodeServer({
      userDataDir, extensionsDir, log,
      settings: { 'workbench.editor.enablePreview': false, 'editor.minimap.enabled': false, 'window.commandCenter': false },
    });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS,
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    return { page, folder, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs a command from the palette by its title; retries while the command is not registered yet. */
export async function runCommand(page: Page, title: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    if (await row.isVisible({ timeout: 2000 }).catch(() => false)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
  throw new Error(`the command palette never offered "${title}"`);
}

/** Opens a file by clicking through the Explorer: each folder of `path` expanded, then the file. */
export async function openFromExplorer(page: Page, path: string): Promise<void> {
  const parts = path.split('/');
  const tree = page.locator('.explorer-folders-view');
  for (const [i, name] of parts.entries()) {
    const row = tree.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
    await row.waitFor({ timeout: 30_000 });
    const folder = i < parts.length - 1;
    if (!folder || (await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }
  await page.locator('.tab.active', { hasText: parts[parts.length - 1]! }).waitFor();
}

/** Opens a file of the workspace with Quick Open and waits for its editor tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name.split('/').pop()! }).waitFor();
}

/**
 * The centre of the CodeLens link `text` just above the first editor line that reads `lineText`.
 * Lenses re-render whenever VS Code asks for them again (a TypeScript restart, a run), so the
 * position is measured in one go inside the page, and only once two measurements agree.
 */
export async function lensAbove(page: Page, text: string, lineText: string, timeoutMs = 60_000): Promise<{ x: number; y: number }> {
  const measure = () => page.evaluate(([wanted, line]) => {
    interface Box { top: number; left: number; width: number; height: number }
    interface Element { textContent: string | null; getBoundingClientRect(): Box }
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Element> } }).document;
    const clean = (t: string | null) => (t ?? '').replace(/\u00a0/g, ' ');
    const target = Array.from(doc.querySelectorAll('.monaco-editor .view-line')).find((l) => clean(l.textContent).includes(line));
    if (!target) return null;
    const lineTop = target.getBoundingClientRect().top;
    let best: Box | null = null;
    for (const lens of Array.from(doc.querySelectorAll('.monaco-editor .codelens-decoration a'))) {
      if (!clean(lens.textContent).includes(wanted)) continue;
      const box = lens.getBoundingClientRect();
      if (box.width > 0 && box.top < lineTop && (!best || box.top > best.top)) best = box;
    }
    return best ? { x: Math.round(best.left + best.width / 2), y: Math.round(best.top + best.height / 2) } : null;
  }, [text, lineText] as const);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const first = await measure();
    if (first) {
      await page.waitForTimeout(150);
      const second = await measure();
      if (second && second.x === first.x && second.y === first.y) return second;
    }
    if (Date.now() > end) throw new Error(`no "${text}" lens above "${lineText}" within ${timeoutMs / 1000} s`);
    await page.waitForTimeout(250);
  }
}

/** The inspector panel's page (inside VS Code's webview iframes). */
export function inspector(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The editor's cursor, as the status bar shows it ("Ln 8, Col 5"). */
export async function cursor(page: Page): Promise<{ line: number; column: number }> {
  const text = await page.locator('[id="status.editor.selection"]').innerText();
  const match = /Ln (\d+), Col (\d+)/.exec(text);
  if (!match) throw new Error(`no cursor position in the status bar: ${text}`);
  return { line: Number(match[1]), column: Number(match[2]) };
}

/** The inspector's own state, read inside its page. */
export async function inspectorState(page: Page): Promise<{ step: number; total: number; firstFrameAt: number; side: string }> {
  return inspector(page).locator('#app').evaluate(() => {
    const app = (globalThis as unknown as { gradlens: { app: { state: { step: number }; stepCount(): number; timings: { firstFrameAt: number } } } }).gradlens.app;
    const side = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('aside.side')?.textContent ?? '';
    return { step: app.state.step, total: app.stepCount(), firstFrameAt: app.timings.firstFrameAt > 0 ? performance.timeOrigin + app.timings.firstFrameAt : 0, side };
  });
}
