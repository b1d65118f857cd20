/**
 * The standalone inspector page in headless Chromium for the browser suites, watched for what must
 * never happen: an uncaught exception (`pageerror`), a dialog (script from a trace would open
 * one), a Content-Security-Policy violation (the event, and Chromium's console error), an error
 * logged to the console by the page. Pages can pose as a VS Code webview (acquireVsCodeApi),
 * recording what the inspector posts to its host. Not a test file.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inspectorPage, scriptSafeJson } from '../../capture/html';
import type { Trace } from '../../protocol/trace';
import { distDir, repoRoot } from '../trace-helpers';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const results = join(repoRoot, 'test-results', 'inspector');
const pages = join(results, 'pages');

export async function launch(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`);
  mkdirSync(pages, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
}

export function writePage(name: string, trace: Trace, theme: 'light' | 'dark' = 'light'): string {
  const file = join(pages, `${name}.html`);
  writeFileSync(file, inspectorPage(trace, distDir, { theme }));
  return file;
}

/** A page whose embedded trace is `value` as it is (a malformed trace), in place of a trace's head and parts. */
export function writeRawPage(name: string, value: unknown): string {
  const file = join(pages, `${name}.html`);
  const empty = { format: 'gradlens-trace', version: 3, run: { file: 'raw.ts' }, nodes: [], recordings: [], backwardPasses: [], graphBreaks: [], anomalies: [] } as unknown as Trace;
  const page = inspectorPage(empty, distDir)
    .replace(/<script id="gradlens-trace" type="application\/json">[\s\S]*?<\/script>\n/, () => `<script id="gradlens-trace" type="application/json">${scriptSafeJson(value)}</script>\n`)
    .replace(/<script id="gradlens-part-\d+" type="application\/json">[\s\S]*?<\/script>\n/g, '');
  writeFileSync(file, page);
  return file;
}

/** What went wrong on the pages opened so far (a test asserts it stays empty). */
export class Watch {
  readonly problems: string[] = [];

  /** Listens on `page` for exceptions, dialogs, CSP violations and console errors. */
  attach(page: Page, name: string): void {
    page.on('pageerror', (error) => this.problems.push(`${name}: uncaught ${error.message}`));
    page.on('dialog', (dialog) => {
      this.problems.push(`${name}: a ${dialog.type()} dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`${name}: console error: ${message.text()}`);
    });
    page.on('crash', () => this.problems.push(`${name}: the page crashed`));
  }
}

/** Before any script: CSP violations become console errors, and (optionally) the page is a VS Code webview. */
export async function instrument(page: Page, options: { vscode?: boolean } = {}): Promise<void> {
  await page.addInitScript((vscode) => {
    const w = globalThis as any;
    w.document.addEventListener('securitypolicyviolation', (event: any) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ${event.sample ?? ''}`);
    });
    if (vscode) {
      w.__posted = [];
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__posted.push(m), getState: () => undefined, setState: () => {} });
    }
  }, options.vscode ?? false);
}

/**
 * Opens `file` and waits until the inspector has drawn what it shows, with its second script in
 * (complete): a standalone page shows its embedded trace. A page posing as VS Code waits for its
 * host: only the inspector's start is waited for.
 */
export async function openPage(browser: Browser, watch: Watch, file: string, options: { vscode?: boolean; name?: string } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  const name = options.name ?? file.split('/').pop()!;
  watch.attach(page, name);
  await instrument(page, options);
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => (globalThis as any).gradlens?.app !== undefined);
  if (!options.vscode) await complete(page);
  return page;
}

/**
 * Once the inspector's second script (webview/lazy.ts: the side bar's panels, the Training view,
 * exports, the minimap, the toolkit's components) has come in after the first frame and drawn what
 * waited for it.
 */
export async function complete(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => ((globalThis as any).gradlens?.app?.timings?.completeAt ?? 0) > 0, undefined, { timeout });
}

/** `work` done in the page within `ms`, or a failure naming `what` (a hung page answers nothing). */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Which screen the inspector shows now. */
export async function screenOf(page: Page): Promise<'graph' | 'error' | 'summary' | 'summarised pass' | 'too large' | 'words'> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    if (doc.querySelector('.summary-screen:not([hidden]) .summarised-pass')) return 'summarised pass';
    if (doc.querySelector('.summary-screen:not([hidden]) .summary')) return 'summary';
    const empty = doc.querySelector('.empty:not([hidden])');
    if (empty?.querySelector('.error-screen')) return 'error';
    if (empty?.querySelector('.too-large')) return 'too large';
    if (empty) return 'words';
    return 'graph';
  });
}

/** Hands the page a host message through the path the host's messages take (main.ts). */
export async function deliver(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => (globalThis as any).gradlens.deliver(m), message);
}

/** In a page posing as VS Code: a message from the host, as a window message (checked by checkHostMessage on arrival). */
export async function postFromHost(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => new Promise<void>((done) => {
    const w = globalThis as any;
    w.addEventListener('message', () => setTimeout(done, 0), { once: true });
    w.postMessage(m, '*');
  }), message);
}

/** What the inspector posted to its host (a page posing as VS Code). */
export async function posted(page: Page): Promise<any[]> {
  return page.evaluate(() => (globalThis as any).__posted);
}
