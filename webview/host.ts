/**
 * The inspector's host: VS Code (messages through acquireVsCodeApi, UI state through setState) or
 * the standalone page (the trace embedded in the page answers the ready handshake and the asks for
 * its parts; exports are downloads; revealing a source line is not possible and says so).
 */
import { checkHostMessage } from '../protocol/checkMessages';
import { visible } from '../protocol/display';
import type { HostToWebview, SourceRef, UiState, WebviewToHost } from '../protocol/messages';
import { sourceOf } from '../protocol/query/refs';
import type { PartData, Trace } from '../protocol/trace';
import { decodeSegment, expandDocument, isLayout, traceOfHead } from '../protocol/traceLayout';
import { SEND_WHOLE_BELOW_BYTES } from '../protocol/traceParts';

export interface Host {
  readonly kind: 'vscode' | 'standalone';
  post(message: WebviewToHost): void;
  onMessage(handler: (message: HostToWebview) => void): void;
  getState(): Partial<UiState> | undefined;
  setState(state: UiState): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

function vscodeHost(api: VsCodeApi): Host {
  return {
    kind: 'vscode',
    post: (message) => api.postMessage(message),
    onMessage: (handler) => window.addEventListener('message', (event: MessageEvent) => {
      const checked = checkHostMessage(event.data);
      if (checked.ok) handler(checked.message);
      else console.warn(`GradLens inspector: ignored a message from the host (${checked.problem})`);
    }),
    getState: () => (api.getState() as Partial<UiState> | undefined) ?? undefined,
    setState: (state) => api.setState(state),
  };
}

function download(fileName: string, data: string, encoding: 'base64' | 'utf8', type: string): void {
  const bytes = encoding === 'base64' ? Uint8Array.from(atob(data), (c) => c.charCodeAt(0)) : new TextEncoder().encode(data);
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The page's own host: its embedded trace (read lazily, so a malformed one is reported by the app).
 * A big trace in parts goes to the app as its head; each part is parsed from its script element
 * when the app asks for it (`?parts=on-demand` does so for any trace: for tests and benchmarks).
 */
function standaloneHost(notify: (text: string) => void): Host {
  const handlers: ((message: HostToWebview) => void)[] = [];
  let delivered: unknown = null;
  let structures: readonly unknown[] = [];
  /** Where a source link points, from the trace the page holds (the app has validated it before any link is shown). */
  const describeSource = (ref: SourceRef): string | null => {
    try {
      const source = sourceOf(delivered as Trace, ref);
      return source ? `${visible(source.file)}:${source.line} — open it in your editor (in VS Code, GradLens jumps there).` : null;
    } catch {
      return null;
    }
  };
  const deliver = (message: HostToWebview) => { for (const handler of handlers) handler(message); };
  const readParts = (parts: readonly number[]) => {
    try {
      const out: PartData[] = [];
      for (const part of parts) {
        const element = document.getElementById(`gradlens-part-${part}`);
        if (!element) throw new Error(`this page has no part ${part} of its trace`);
        const decoded = decodeSegment(JSON.parse(element.textContent ?? ''), structures);
        if (!decoded.ok) throw new Error(decoded.problem);
        out.push(decoded.value);
      }
      deliver({ type: 'parts/data', parts: out });
    } catch (error) {
      deliver({ type: 'parts/failed', parts: [...parts], problem: error instanceof Error ? error.message : String(error) });
    }
  };
  return {
    kind: 'standalone',
    post: (message) => {
      if (message.type === 'webview/ready') {
        void (async () => {
          let trace: unknown;
          try {
            const embedded = await readEmbedded(new URLSearchParams(location.search).get('parts') === 'on-demand');
            trace = embedded.trace;
            structures = embedded.structures;
          } catch (error) {
            trace = { unreadable: error instanceof Error ? error.message : String(error) }; // validateTrace explains
          }
          delivered = trace;
          deliver({ type: 'trace/snapshot', trace: trace as Trace });
        })();
      } else if (message.type === 'parts/load') {
        // After a frame (the page says "Loading…" while a big part is parsed), and once the
        // browser has read the parts' elements: they come after the inspector's script.
        setTimeout(() => { void Promise.all(message.parts.map(partRead)).then(() => readParts(message.parts)); }, 0);
      } else if (message.type === 'export/save') {
        download(message.fileName, message.data, message.encoding, message.format === 'png' ? 'image/png' : message.format === 'svg' ? 'image/svg+xml' : 'text/vnd.graphviz');
      } else if (message.type === 'source/reveal') {
        notify(describeSource(message.ref) ?? 'Open the file in your editor (in VS Code, GradLens jumps there).');
      }
    },
    onMessage: (handler) => { handlers.push(handler); },
    getState: () => stateFromAddress(location.search),
    setState: () => {},
  };
}

/**
 * The embedded trace: whole, or (a trace in parts bigger than SEND_WHOLE_BELOW_BYTES, or `onDemand`)
 * its head, with the structures its parts are decoded with.
 */
async function readEmbedded(onDemand: boolean): Promise<{ trace: unknown; structures: readonly unknown[] }> {
  const { head, layout } = embeddedHead();
  if (!layout) return { trace: head, structures: [] };
  const list = Array.isArray(layout.parts) ? layout.parts as { bytes?: unknown }[] : [];
  const bytes = list.reduce((sum, part) => sum + (typeof part?.bytes === 'number' ? part.bytes : 0), 0);
  if (!onDemand && bytes <= SEND_WHOLE_BELOW_BYTES) {
    await partsParsed();
    return { trace: wholeOf(layout), structures: [] };
  }
  return { trace: traceOfHead(layout), structures: Array.isArray(layout.structures) ? layout.structures : [] };
}

/** The page's `gradlens-trace` element, parsed; `layout` when it is the head of a trace in parts. */
function embeddedHead(): { head: unknown; layout: Record<string, unknown> | null } {
  const element = document.getElementById('gradlens-trace');
  if (!element) throw new Error('this page has no embedded trace');
  const head = JSON.parse(element.textContent ?? '') as unknown;
  const layout = typeof head === 'object' && head !== null && !Array.isArray(head) && isLayout(head as Record<string, unknown>) ? head as Record<string, unknown> : null;
  return { head, layout };
}

/** A head with every part's script element put in: the trace whole. */
function wholeOf(layout: Record<string, unknown>): unknown {
  const segments: unknown[] = [];
  for (let i = 0; ; i++) {
    const part = document.getElementById(`gradlens-part-${i}`);
    if (!part) break;
    segments.push(JSON.parse(part.textContent ?? ''));
  }
  const expanded = expandDocument({ ...layout, segments });
  if (!expanded.ok) throw new Error(expanded.problem);
  return expanded.value;
}

/**
 * A standalone page opened as `inspector.html?selection=pass:2&step=3&fold=0` starts there: links
 * to a particular moment of a trace can be shared (`?selection=training`: the Training view).
 */
export function stateFromAddress(search: string): Partial<UiState> | undefined {
  const params = new URLSearchParams(search);
  const state: Partial<UiState> = {};
  const selection = /^(pass|recording):(\d+)$/.exec(params.get('selection') ?? '');
  if (selection) state.selection = { kind: selection[1] as 'pass' | 'recording', id: Number(selection[2]) };
  else if (params.get('selection') === 'training') state.selection = { kind: 'training' };
  const step = Number(params.get('step'));
  if (params.has('step') && Number.isInteger(step) && step >= 0) state.step = step;
  if (params.get('fold') === '0' || params.get('fold') === '1') state.folded = params.get('fold') === '1';
  const view = params.get('view');
  if (view === 'forward' || view === 'backward') state.view = view;
  return Object.keys(state).length > 0 ? state : undefined;
}

/**
 * Once the browser has read the whole page: the trace's parts come after the inspector's script
 * (capture/html.ts), so that a big trace's page starts on its head while they are still read.
 */
function partsParsed(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((done) => document.addEventListener('DOMContentLoaded', () => done(), { once: true }));
}

/**
 * Once the browser has read part `index`'s element (it is closed when the parser has gone past it),
 * or the whole page: a big page shows a part read early without waiting for the rest.
 */
function partRead(index: number): Promise<void> {
  const done = () => {
    const element = document.getElementById(`gradlens-part-${index}`);
    return document.readyState !== 'loading' || (element !== null && element.nextSibling !== null);
  };
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setInterval(() => { if (done()) { clearInterval(timer); resolve(); } }, 50);
  });
}

/** The trace the standalone page embeds, whole (capture/html.ts: its head, then a script element per part). */
export function readEmbeddedTrace(): unknown {
  const { head, layout } = embeddedHead();
  return layout ? wholeOf(layout) : head;
}

export function connectHost(notify: (text: string) => void): Host {
  if (typeof acquireVsCodeApi === 'function') return vscodeHost(acquireVsCodeApi());
  return standaloneHost(notify);
}
