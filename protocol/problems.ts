/**
 * What is wrong with a trace, in sentences that name the place (`backwardPasses[2].steps[7]`):
 * the validator walks the trace with a path of keys, and only a problem turns that path into text,
 * so a valid trace of a million nodes costs no strings. At most {@link MAX_LISTED} are listed, then
 * "and N more". Values are quoted short and with hidden characters made visible (display.ts): a
 * problem is shown on the error screen and in VS Code notifications.
 */
import { visible } from './display';

/** Problems listed by name; the rest are counted. */
export const MAX_LISTED = 10;
/** Characters of a text value quoted in a problem. */
const QUOTED = 40;

/** Characters that make text markup somewhere (a markdown link in a notification, HTML): such text is not quoted. */
export const MARKUP = /[[\]<>`]/;

/** `text` with the characters of {@link MARKUP} written as escapes (`\u005B`): for a message that must quote it. */
export function withoutMarkup(text: string): string {
  return text.replace(/[[\]<>`]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** A value in a few words: `"mul"`, `-1`, `null`, `a list`, `missing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const excerpt = value.slice(0, QUOTED);
    // Problems reach VS Code notifications, which render [text](command:…) as a link that runs.
    if (MARKUP.test(excerpt)) return `a text of ${value.length.toLocaleString('en-US')} characters`;
    return value.length <= QUOTED ? `"${visible(value)}"` : `"${visible(excerpt)}…" (${value.length.toLocaleString('en-US')} characters)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length.toLocaleString('en-US')}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export class Problems {
  private readonly path: (string | number)[] = [];
  private readonly listed: string[] = [];
  private total = 0;

  /** Walks into `key` (a field name or a list index); `leave` walks back out. */
  enter(key: string | number): void {
    this.path.push(key);
  }

  leave(): void {
    this.path.pop();
  }

  get count(): number {
    return this.total;
  }

  /** `<path>.<key> is <value>, expected <expected>`; false, to return from a check. */
  wrong(key: string | number | null, value: unknown, expected: string): false {
    if (this.room()) this.listed.push(`${this.where(key)} is ${describeValue(value)}, expected ${expected}`);
    return false;
  }

  /** `<path>.<key> <text>`. */
  say(key: string | number | null, text: string): void {
    if (this.room()) this.listed.push(`${this.where(key)} ${text}`);
  }

  /** A sentence of its own (no path). */
  add(text: string): void {
    if (this.room()) this.listed.push(text);
  }

  /** The listed problems, with "and N more problems" when some were only counted. */
  list(): string[] {
    const more = this.total - this.listed.length;
    return more > 0 ? [...this.listed, `and ${more.toLocaleString('en-US')} more problem${more === 1 ? '' : 's'}`] : [...this.listed];
  }

  /** Counts a problem; whether it is still listed by name. */
  private room(): boolean {
    this.total++;
    return this.listed.length < MAX_LISTED;
  }

  /** The path as written in JavaScript: `nodes[3].value.shape[1]`. */
  private where(key: string | number | null): string {
    let out = '';
    const parts = key === null ? this.path : [...this.path, key];
    for (const part of parts) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
    return out === '' ? 'the trace' : out;
  }
}
