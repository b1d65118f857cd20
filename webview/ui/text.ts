/**
 * Text from a trace in a panel: hidden characters as visible escapes, cut at the display limit
 * with its length said (display.ts), and — in VS Code — a "show all" link that asks the host to
 * open the whole of it (text/open with the field's reference; the host resolves it, refs.ts).
 * The whole text never reaches the DOM.
 */
import { DISPLAY_LIMIT, visible } from '../../protocol/display';
import type { TextRef } from '../../protocol/messages';
import { el, link } from './dom';
import { formatCount } from '../../protocol/query/format';

/** Opens the whole of a text the inspector cut short; absent where no host can (the standalone page). */
export type OpenText = ((ref: TextRef) => void) | undefined;

export interface TextOptions {
  /** The field the text is, for "show all". */
  ref?: TextRef;
  open?: OpenText;
  /** Keep line breaks (a stack, program output). */
  multiline?: boolean;
  limit?: number;
}

function showAll(text: string, ref: TextRef, open: (ref: TextRef) => void): HTMLElement {
  const element = link('show all', `open all ${formatCount(text.length)} characters in an editor`, () => open(ref));
  element.classList.add('show-all');
  return element;
}

/** `text` as a node to put in a panel. */
export function shownText(text: string, options: TextOptions = {}): Node {
  const limit = options.limit ?? DISPLAY_LIMIT;
  const shown = visible(text, { multiline: options.multiline ?? false, limit });
  if (text.length <= limit || !options.ref || !options.open) return document.createTextNode(shown);
  return el('span', { class: 'cut-text' }, shown, ' ', showAll(text, options.ref, options.open));
}

/** A link whose words are a text from the trace (cut, escaped), with "show all" beside it when cut. */
export function textLink(text: string, title: string, onClick: () => void, options: TextOptions = {}): Node {
  const limit = options.limit ?? DISPLAY_LIMIT;
  const anchor = link(visible(text, { limit }), title, onClick);
  if (text.length <= limit || !options.ref || !options.open) return anchor;
  return el('span', { class: 'cut-text' }, anchor, ' ', showAll(text, options.ref, options.open));
}

/** A one-line text for an attribute (a title, an aria-label): escaped and cut, no link. */
export function attributeText(text: string, limit = 300): string {
  return visible(text, { limit });
}

/** The last part of a path (`/a/b/model.ts` → `model.ts`) without splitting a 100 MB string. */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}
