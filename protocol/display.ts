/**
 * Text from outside (a trace, a program's output, a file name) as it may be shown: characters that
 * reorder or hide text — bidirectional controls, zero-width characters, C0/C1 controls — become
 * visible escapes (`\u202E`), so `gnp.exe` (with a right-to-left override) never shows as
 * `exe.png`; text longer than a display limit is cut with its full length said. Every label,
 * tooltip, panel, notification and export that shows such text goes through here.
 */

/** Characters that change how the text around them is drawn, or are not drawn at all. */
// C0 controls but tab and line feed, DEL, C1 controls, soft hyphen, Arabic letter mark, Mongolian
// vowel separator, zero-width and bidirectional marks, line/paragraph separators, bidi embeddings
// and isolates, invisible operators, the byte-order mark, interlinear annotations, tag characters.
const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]/g;
/** The same, with tab and line feed too (for one-line labels). */
const HIDDEN_OR_BREAK = /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]/g;

const escapeOf = (c: string): string => {
  const code = c.length === 2 ? c.codePointAt(0)! : c.charCodeAt(0);
  return code > 0xffff ? `\\u{${code.toString(16).toUpperCase()}}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
};

export interface DisplayOptions {
  /** Keep line breaks and tabs (a stack trace, program output); by default they are escaped too. */
  multiline?: boolean;
  /** At most this many characters are kept (default {@link DISPLAY_LIMIT}). */
  limit?: number;
}

/** Characters of one string shown by default: a source line, an op name, a path. */
export const DISPLAY_LIMIT = 2000;

/** Whether the text has characters that {@link visible} would escape. */
export function hasHiddenCharacters(text: string, multiline = false): boolean {
  const pattern = multiline ? HIDDEN : HIDDEN_OR_BREAK;
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

/**
 * `text` safe to show: hidden characters as escapes, and cut at `limit` characters with
 * "… (N characters)" after it. Not for markdown or HTML: escape for those on top of this.
 */
export function visible(text: string, options: DisplayOptions = {}): string {
  const limit = options.limit ?? DISPLAY_LIMIT;
  const value = typeof text === 'string' ? text : String(text);
  const cut = value.length > limit ? value.slice(0, limit) : value;
  // Do not leave half a surrogate pair at the cut.
  const whole = cut.length < value.length && /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
  const escaped = whole.replace(options.multiline ? HIDDEN : HIDDEN_OR_BREAK, escapeOf);
  return value.length > limit ? `${escaped}… (${value.length.toLocaleString('en-US')} characters)` : escaped;
}
