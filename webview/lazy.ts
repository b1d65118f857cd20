/**
 * The inspector's second script (later.ts, dist/webview-later.js): what the first frame does not
 * need — the side bar's panels, the Training view and its charts, exports, the minimap, the
 * toolkit's components — run once the first frame is drawn, or at once for a screen that is its.
 *
 * Standalone, the page holds its code as text, in the `<script type="text/plain">` element right
 * after the inspector's own script (capture/html.ts); in VS Code, the inspector's script element
 * names its file by its webview URI (`data-later`, extension/panelHtml.ts), so that it is loaded
 * from the extension's folder and V8's code cache applies. Either way it runs as a script element
 * carrying the page's nonce: no eval, and nothing a trace holds becomes script (a trace is JSON
 * text in elements of its own, which no lookup here reaches).
 */
import type { Later } from './later';

/** The inspector's own script element, read while it runs (afterwards document.currentScript is another or none). */
const own = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

/** Where the first script puts its modules for the second (scripts/build-webview.mjs). */
const MODULES = Symbol.for('gradlens.modules');

let arrive: ((later: Later) => void) | null = null;
let loading: Promise<Later> | null = null;

/** Runs the second script (once): what it hands over. */
export function loadLater(): Promise<Later> {
  loading ??= new Promise<Later>((resolve, reject) => {
    arrive = resolve;
    codeOfLater().then((code) => {
      const script = document.createElement('script');
      const nonce = own?.nonce ?? '';
      if (nonce) script.setAttribute('nonce', nonce);
      if ('src' in code) {
        script.addEventListener('error', () => reject(new Error(`the inspector's script ${code.src} could not be loaded`)));
        script.src = code.src;
        document.head.append(script);
        return;
      }
      script.textContent = code.text;
      document.head.append(script); // an inline script runs as it goes in
      if (arrive) reject(new Error('the inspector\'s second script did not run'));
    }, reject);
  });
  return loading;
}

/** The second script, when it has run (later.ts calls this). */
export function laterArrived(later: Later): void {
  const resolve = arrive;
  arrive = null;
  // Its modules have read the first script's by now: the table is not left about.
  delete (globalThis as Record<symbol, unknown>)[MODULES];
  resolve?.(later);
}

/** The second script's file (VS Code) or its text (the standalone page), once the browser has read it. */
async function codeOfLater(): Promise<{ src: string } | { text: string }> {
  const src = own?.dataset.later;
  if (src) return { src };
  const element = await nextElementRead(own);
  if (!(element instanceof HTMLScriptElement) || element.type !== 'text/plain' || element.id !== 'gradlens-later') {
    throw new Error('this page does not hold the inspector\'s second script after its first');
  }
  return { text: element.textContent ?? '' };
}

/** The element after `script` once the parser has gone past it (it comes right after the inspector's script, before the trace's parts). */
function nextElementRead(script: HTMLScriptElement | null): Promise<Element | null> {
  return new Promise((resolve) => {
    const poll = () => {
      const next = script?.nextElementSibling ?? null;
      if ((next !== null && next.nextSibling !== null) || document.readyState !== 'loading') resolve(next);
      else setTimeout(poll, 10);
    };
    poll();
  });
}
