/**
 * Text from a trace in the small places of a drawing — a node's label, a parent box, a key — cut
 * to a few characters before anything measures or lays it out (a 25 MB op name would otherwise
 * reach the node layer's text measurement), with hidden characters as visible escapes (display.ts).
 * The details panel shows the rest, with its length.
 */
import { visible } from '../../protocol/display';

/** Characters of an op or variable name in a graph label. */
export const LABEL_LIMIT = 32;

/** `text` for a label: its first `limit` characters, escaped, and "…" when there was more. */
export function labelText(text: string, limit = LABEL_LIMIT): string {
  if (text.length <= limit) return visible(text);
  // Do not cut a surrogate pair in two.
  const end = /[\uD800-\uDBFF]/.test(text[limit - 1]!) ? limit - 1 : limit;
  return `${visible(text.slice(0, end))}…`;
}

/**
 * A long text as part of a key (which nodes fold together): a short stand-in that two different
 * texts share only by a rare accident, instead of hashing megabytes per node.
 */
export function keyText(text: string): string {
  if (text.length <= 256) return text;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${text.slice(0, 64)}…${text.length}#${(hash >>> 0).toString(36)}`;
}
