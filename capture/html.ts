/**
 * The standalone inspector: one self-contained HTML file (scripts, styles, fonts and the trace
 * inlined) that opens in any browser, under a Content-Security-Policy that allows no network
 * access and no inline code but what carries this page's nonce — styles included: the page's
 * stylesheet has the nonce, Cytoscape's one injected rule is carried by a placeholder element of
 * its id (Cytoscape then injects nothing), and the toolkit (FAST) reads the nonce from
 * `<meta property="csp-nonce">` for the style element it probes with (as extension/panelHtml.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { visible } from '../protocol/display';
import type { Trace } from '../protocol/trace';
import { fileLayout, HEAD_FIELD_ORDER, SEGMENT_FIELD_ORDER } from '../protocol/traceLayout';
import { streamJson, type TextSink } from './jsonStream';

/** JSON inside <script>: no `<` can end the element or open a comment. */
export function scriptSafeJson(value: unknown): string {
  return scriptSafeText(JSON.stringify(value));
}

/** JSON text made safe inside <script>, as scriptSafeJson. */
export const scriptSafeText = (json: string) => json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * The standalone page's script elements of a trace: the head (`gradlens-trace`) and one per segment
 * (`gradlens-part-<i>`), each JSON made safe inside `<script>`; the page parses a segment when it
 * shows that part.
 */
export function streamPageScripts(trace: Trace, out: TextSink): void {
  const { head, segments } = fileLayout(trace);
  out('<script id="gradlens-trace" type="application/json">');
  streamJson(head, (piece) => out(scriptSafeText(piece)), HEAD_FIELD_ORDER);
  out('</script>\n');
  segments.forEach((segment, i) => {
    out(`<script id="gradlens-part-${i}" type="application/json">`);
    streamJson(segment, (piece) => out(scriptSafeText(piece)), SEGMENT_FIELD_ORDER);
    out('</script>\n');
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageOptions {
  /** Force a theme; by default the page follows the browser's light/dark preference. */
  theme?: 'light' | 'dark';
}

export function inspectorPage(trace: Trace, distDir: string, options: PageOptions = {}): string {
  let scripts = '';
  streamPageScripts(trace, (piece) => { scripts += piece; });
  return renderPage(trace, distDir, options, scripts);
}

/**
 * The page in two pieces, before and after the trace's script elements, for a writer that streams
 * them between (traceFile.ts: a trace can be longer than any one string).
 *
 * @example
 *   const { head, tail } = inspectorPageAround(trace, distDir);
 *   // head + streamPageScripts(trace) + tail is the page inspectorPage gives (with another nonce)
 */
export function inspectorPageAround(trace: Trace, distDir: string, options: PageOptions = {}): { head: string; tail: string } {
  const marker = `\u0000gradlens-trace-${randomBytes(12).toString('hex')}\u0000`;
  const page = renderPage(trace, distDir, options, marker);
  const at = page.indexOf(marker);
  return { head: page.slice(0, at), tail: page.slice(at + marker.length) };
}

/** `traceScripts`: the trace's script elements (streamPageScripts), or a marker where they go. */
function renderPage(trace: Trace, distDir: string, options: PageOptions, traceScripts: string): string {
  const script = join(distDir, 'webview.js');
  const style = join(distDir, 'webview.css');
  for (const asset of [script, style]) {
    if (!existsSync(asset)) throw new Error(`the inspector is not built: ${asset} is missing (run \`npm run build\`)`);
  }
  const nonce = randomBytes(16).toString('base64');
  const js = readFileSync(script, 'utf8').replace(/<\/script/gi, '<\\/script');
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
<style id="__________cytoscape_stylesheet" nonce="${nonce}">.__________cytoscape_container { position: relative; }</style>
<style nonce="${nonce}">${css}</style>
</head>
<body class="standalone${themeClass}">
<div id="app"></div>
${traceScripts}
<script nonce="${nonce}">${js}</script>
</body>
</html>
`;
}
