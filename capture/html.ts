/**
 * The standalone inspector: one self-contained HTML file (scripts, styles and the trace inlined)
 * that opens in any browser, under a Content-Security-Policy that allows no network access and no
 * inline code but what carries this page's nonce — styles included: the page's stylesheet has the
 * nonce, and the toolkit (FAST) reads the nonce from `<meta property="csp-nonce">`
 * for the style element it probes with (as extension/panelHtml.ts). The inspector's second script
 * (what the first frame does not need, webview/lazy.ts) is text in the element right after the
 * first, `<script type="text/plain">`: not parsed as code until the first frame is drawn, when the
 * first script runs it under the nonce.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { visible } from '../protocol/display';
import type { PartInfo, Trace } from '../protocol/trace';
import { fileLayout, HEAD_FIELD_ORDER, SEGMENT_FIELD_ORDER } from '../protocol/traceLayout';
import { streamJson, type TextSink } from './jsonStream';

/** JSON inside <script>: no `<` can end the element or open a comment. */
export function scriptSafeJson(value: unknown): string {
  return scriptSafeText(JSON.stringify(value));
}

/** JSON text made safe inside <script>, as scriptSafeJson. */
export const scriptSafeText = (json: string) => json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * The standalone page's script elements of a trace: the head (`gradlens-trace`), which comes before
 * the inspector's script, and one per segment (`gradlens-part-<i>`), after it — so that the page
 * starts on the head while the browser still reads the parts of a big trace (those most likely
 * shown first come first: pageOrder). Each is JSON made safe
 * inside `<script>`; the page parses a segment when it shows that part.
 */
export function pageScripts(trace: Trace): { head(out: TextSink): void; parts(out: TextSink): void } {
  const { head, segments } = fileLayout(trace);
  return {
    head(out) {
      out('<script id="gradlens-trace" type="application/json">');
      streamJson(head, (piece) => out(scriptSafeText(piece)), HEAD_FIELD_ORDER);
      out('</script>\n');
    },
    parts(out) {
      for (const i of pageOrder(head.parts)) {
        out(`<script id="gradlens-part-${i}" type="application/json">`);
        streamJson(segments[i], (piece) => out(scriptSafeText(piece)), SEGMENT_FIELD_ORDER);
        out('</script>\n');
      }
    },
  };
}

/**
 * The order of the parts in the page: the browser reads a 1 GB page for seconds, and a part can be
 * shown once it is read. First the first kept pass's (the Training view's names), then the last
 * kept pass's (the one people step through), then the others in order.
 */
function pageOrder(parts: readonly PartInfo[]): number[] {
  const withPasses = parts.map((part, i) => (part.passes.length > 0 ? i : -1)).filter((i) => i >= 0);
  const first = withPasses[0];
  const last = withPasses[withPasses.length - 1];
  const early = [...new Set([first, last].filter((i): i is number => i !== undefined))];
  return [...early, ...parts.map((_, i) => i).filter((i) => !early.includes(i))];
}

/** A built script inside `<script>`: no `</script` ends the element early (`<\/` means `</` wherever JavaScript can hold it). */
const scriptText = (js: string) => js.replace(/<\/script/gi, '<\\/script');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageOptions {
  /** Force a theme; by default the page follows the browser's light/dark preference. */
  theme?: 'light' | 'dark';
}

export function inspectorPage(trace: Trace, distDir: string, options: PageOptions = {}): string {
  const scripts = pageScripts(trace);
  let head = '';
  let parts = '';
  scripts.head((piece) => { head += piece; });
  scripts.parts((piece) => { parts += piece; });
  return renderPage(trace, distDir, options, head, parts);
}

/**
 * The page in three pieces, around the trace's head script and its part scripts, for a writer
 * that streams those between (traceFile.ts: a trace can be longer than any one string).
 *
 * @example
 *   const { start, middle, end } = inspectorPageAround(trace, distDir);
 *   // start + head + middle + parts + end (pageScripts) is the page inspectorPage gives (with another nonce)
 */
export function inspectorPageAround(trace: Trace, distDir: string, options: PageOptions = {}): { start: string; middle: string; end: string } {
  const marker = (what: string) => `\u0000gradlens-${what}-${randomBytes(12).toString('hex')}\u0000`;
  const [headMarker, partsMarker] = [marker('head'), marker('parts')];
  const page = renderPage(trace, distDir, options, headMarker, partsMarker);
  const at = page.indexOf(headMarker);
  const then = page.indexOf(partsMarker);
  return { start: page.slice(0, at), middle: page.slice(at + headMarker.length, then), end: page.slice(then + partsMarker.length) };
}

/** `headScript`, `partScripts`: the trace's script elements (pageScripts), or markers where they go. */
function renderPage(trace: Trace, distDir: string, options: PageOptions, headScript: string, partScripts: string): string {
  const script = join(distDir, 'webview.js');
  const later = join(distDir, 'webview-later.js');
  const style = join(distDir, 'webview.css');
  for (const asset of [script, later, style]) {
    if (!existsSync(asset)) throw new Error(`the inspector is not built: ${asset} is missing (run \`npm run build\`)`);
  }
  const nonce = randomBytes(16).toString('base64');
  const js = scriptText(readFileSync(script, 'utf8'));
  const laterJs = scriptText(readFileSync(later, 'utf8'));
  const css = readFileSync(style, 'utf8').replace(/<\/style/gi, '<\\/style');
  const file = (trace as Partial<Trace>).run?.file;
  // The tab's title shows the program's name: hidden characters as escapes, like every label.
  const title = `GradLens — ${typeof file === 'string' ? visible(basename(file), { limit: 200 }) : 'trace'}`;
  const themeClass = options.theme === 'dark' ? ' dark' : options.theme === 'light' ? ' light' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: blob:; font-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta property="csp-nonce" content="${nonce}">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${css}</style>
</head>
<body class="standalone${themeClass}">
<div id="app"></div>
${headScript}<script nonce="${nonce}">${js}</script>
<script id="gradlens-later" type="text/plain">${laterJs}</script>
${partScripts}
</body>
</html>
`;
}
