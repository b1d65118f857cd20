/**
 * JSON text of plain data, produced piece by piece: the same text as `JSON.stringify`, without ever
 * holding all of it in one string (V8 caps a string at ≈ 512 MB; a busy run's trace passes that).
 * Small parts (a tensor's `data`, `stats`, a `source`) go through `JSON.stringify` itself, so the
 * output matches it exactly and costs about the same.
 */

/** Receives the text in pieces, in order. */
export type TextSink = (piece: string) => void;

/** Elements of an all-primitive array serialised in one `JSON.stringify` call (≈ 1 MB of numbers). */
const ARRAY_WINDOW = 1 << 16;
/** Characters of strings a part may hold and still be serialised in one call. */
const STRING_BUDGET = 1 << 20;

/**
 * Streams the JSON text of `value` into `out`. Plain data only: `undefined`, functions and symbols
 * are left out of objects and written as `null` in arrays (as `JSON.stringify` does); `toJSON` is not
 * called. `keyOrder` puts those keys of the top-level object first, in that order.
 *
 * @example
 *   const pieces: string[] = [];
 *   streamJson({ b: [1, NaN], a: 'x' }, (piece) => pieces.push(piece), ['a']);
 *   pieces.join('') // '{"a":"x","b":[1,null]}'
 */
export function streamJson(value: unknown, out: TextSink, keyOrder: readonly string[] = []): void {
  const writer = new JsonWriter(out);
  if (isObject(value) && keyOrder.length > 0) {
    const own = Object.keys(value);
    const first = keyOrder.filter((key) => Object.prototype.hasOwnProperty.call(value, key));
    writer.object(value, [...first, ...own.filter((key) => !first.includes(key))], false);
  } else if (!writer.value(value)) {
    throw new TypeError(`JSON has no text for a ${typeof value}`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Left out of objects, `null` in arrays. */
const isSkipped = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** Whether these values hold no objects and few characters: one `JSON.stringify` call is bounded. */
function isFlat(values: ArrayLike<unknown>, from: number, to: number): boolean {
  let chars = 0;
  for (let i = from; i < to; i++) {
    const item = values[i];
    if (typeof item === 'object' && item !== null) return false;
    if (typeof item === 'string' && (chars += item.length) > STRING_BUDGET) return false;
  }
  return true;
}

class JsonWriter {
  /** The objects being written, to refuse a cycle as `JSON.stringify` does instead of recursing forever. */
  private readonly open = new Set<object>();

  constructor(private readonly out: TextSink) {}

  /** Writes `value`; false when JSON has no text for it (undefined, a function, a symbol). */
  value(value: unknown): boolean {
    if (typeof value !== 'object' || value === null) {
      if (typeof value === 'string' && value.length > STRING_BUDGET) { this.longString(value); return true; }
      const text = JSON.stringify(value);
      if (text === undefined) return false;
      this.out(text);
      return true;
    }
    if (Array.isArray(value)) this.array(value);
    else this.object(value as Record<string, unknown>, Object.keys(value));
    return true;
  }

  /** `native`: the keys are the object's own order, so a flat object may go to JSON.stringify whole. */
  object(object: Record<string, unknown>, keys: readonly string[], native = true): void {
    const values = keys.map((key) => object[key]);
    if (native && isFlat(values, 0, values.length)) { this.out(JSON.stringify(object)); return; }
    this.enter(object);
    this.out('{');
    let first = true;
    keys.forEach((key, i) => {
      if (isSkipped(values[i])) return;
      this.out(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
      first = false;
      this.value(values[i]);
    });
    this.out('}');
    this.open.delete(object);
  }

  private array(items: readonly unknown[]): void {
    if (items.length <= ARRAY_WINDOW && isFlat(items, 0, items.length)) { this.out(JSON.stringify(items)); return; }
    this.enter(items);
    this.out('[');
    for (let from = 0; from < items.length; from += ARRAY_WINDOW) {
      const to = Math.min(items.length, from + ARRAY_WINDOW);
      if (from > 0) this.out(',');
      if (isFlat(items, from, to)) {
        // A window of numbers or short strings: JSON.stringify's own text, without its brackets.
        this.out(JSON.stringify(items.slice(from, to)).slice(1, -1));
        continue;
      }
      for (let i = from; i < to; i++) {
        if (i > from) this.out(',');
        if (!this.value(items[i])) this.out('null');
      }
    }
    this.out(']');
    this.open.delete(items);
  }

  /** A string too long to escape in one piece, in windows that never split a surrogate pair. */
  private longString(text: string): void {
    this.out('"');
    for (let from = 0; from < text.length;) {
      let to = Math.min(text.length, from + STRING_BUDGET);
      const last = text.charCodeAt(to - 1);
      if (to < text.length && last >= 0xd800 && last <= 0xdbff) to--;
      this.out(JSON.stringify(text.slice(from, to)).slice(1, -1));
      from = to;
    }
    this.out('"');
  }

  private enter(value: object): void {
    if (this.open.has(value)) throw new TypeError('Converting circular structure to JSON');
    this.open.add(value);
  }
}
