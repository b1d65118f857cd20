/**
 * Reading a trace file's text back into a trace. A complete file is parsed and validated; a file cut
 * short (its writer was killed, the disk filled) is repaired: cut back to its last complete value,
 * closed, parsed, the half-written element left out, and `truncated` says what is missing.
 * Pure (no Node, no DOM): the extension host and the webview both use it.
 */
import { TRACE_FORMAT, type Trace, type TraceTruncation } from './trace';
import { expandDocument, isLayout, SEGMENTS_KEY } from './traceLayout';
import { validateTrace } from './validate';

/** The top-level fields, in the order writers put them: a file cut short keeps the run and the first lists. */
export const TRACE_FIELD_ORDER = ['format', 'version', 'run', 'nodes', 'recordings', 'backwardPasses', 'graphBreaks', 'anomalies'] as const;

const LISTS = ['nodes', 'recordings', 'backwardPasses', 'graphBreaks', 'anomalies'] as const;
/** A version-3 file's lists: its nodes are in the segments (traceLayout.ts). */
const LAYOUT_LISTS = ['recordings', 'backwardPasses', 'graphBreaks', 'anomalies', SEGMENTS_KEY] as const;
type List = (typeof LISTS)[number] | (typeof LAYOUT_LISTS)[number];
const NOUNS: Record<List, [one: string, many: string]> = {
  nodes: ['node', 'nodes'],
  segments: ['kept pass with its nodes', 'kept passes with their nodes'],
  recordings: ['recording', 'recordings'],
  backwardPasses: ['backward pass', 'backward passes'],
  graphBreaks: ['graph break', 'graph breaks'],
  anomalies: ['anomaly', 'anomalies'],
};

export type TraceRead = { ok: true; trace: Trace; truncated?: TraceTruncation } | { ok: false; problems: string[] };

/**
 * Reads a trace from the text of a file. Never throws; problems never quote the text.
 * `bytes`: the file's size, when known (else the text's UTF-8 length).
 *
 * @example
 *   const full = JSON.stringify(trace);
 *   const read = readTraceText(full.slice(0, full.length - 100));
 *   if (read.ok) read.truncated?.note // 'the file ends inside the anomalies: 2 anomalies were read'
 */
export function readTraceText(text: string, options: { bytes?: number } = {}): TraceRead {
  // A byte-order mark, as some editors add: JSON.parse refuses it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!/\S/.test(body)) return { ok: false, problems: ['the file is empty'] };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return repair(body, options.bytes ?? utf8Length(text), error);
  }
  return validateWhole(value);
}

/** A parsed document as one trace: a version-3 file's segments put in place, then checked. */
function validateWhole(value: unknown, cut = false): TraceRead {
  if (isObject(value) && isLayout(value)) {
    const expanded = expandDocument(value, cut);
    if (!expanded.ok) return { ok: false, problems: [expanded.problem] };
    return validateTrace(expanded.value);
  }
  return validateTrace(value);
}

/** Where a text could be cut and closed into valid JSON: after `[`/`{`, before `,`, after `]`/`}`. */
interface Cut {
  at: number;
  /** What closes the containers open there, innermost first. */
  closing: string;
  /** How many containers are open: 1 between the trace's fields, 2 between a list's elements, 3+ inside one. */
  depth: number;
  /** The top-level field begun last before the cut. */
  field: string | null;
}

type Scan = { kind: 'complete' } | { kind: 'cut'; cut: Cut | null } | { kind: 'invalid'; at: number };

// What the scanner expects next (numbers: the loop runs once per character of files of hundreds of MB).
const VALUE = 0;
const FIRST_VALUE = 1; // just after [: a value or ]
const AFTER = 2; // after a value: , or the closing bracket
const KEY = 3;
const FIRST_KEY = 4; // just after {: a key or }
const COLON = 5;
const OBJECT_END = 0x7d;
const ARRAY_END = 0x5d;

/** Follows the JSON grammar over the text (strings skipped whole) to find its last cut point. */
function scan(text: string): Scan {
  return new Scanner(text).run();
}

class Scanner {
  private readonly open: number[] = [];
  private closing = '';
  private field: string | null = null;
  private expect = VALUE;
  private cutAt = -1;
  private cutClosing = '';
  private cutDepth = 0;
  private cutField: string | null = null;

  constructor(private readonly text: string) {}

  /** Scans to the end of the text, or to where it breaks the grammar. */
  run(): Scan {
    const { text, open } = this;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) { i++; continue; }
      const expect = this.expect;
      if (expect === AFTER) {
        const top = open.length > 0 ? open[open.length - 1]! : -1;
        if (c === 0x2c && top >= 0) { // , : the value before it is complete
          this.mark(i);
          i++;
          this.expect = top === OBJECT_END ? KEY : VALUE;
          continue;
        }
        if (c !== top) return { kind: 'invalid', at: i };
        open.pop();
        this.closing = this.closing.slice(1);
        this.mark(++i);
        continue;
      }
      if (expect === VALUE || expect === FIRST_VALUE) {
        if ((c >= 0x30 && c <= 0x39) || c === 0x2d) { // a number: complete only once something follows it (12 may be 123)
          let end = i + 1;
          while (end < n && isNumberChar(text.charCodeAt(end))) end++;
          if (end === n) return this.end();
          i = end;
          this.expect = AFTER;
          continue;
        }
        if (c === 0x22) { // "
          i = stringEnd(text, i);
          if (i < 0) return this.end();
          this.expect = AFTER;
          continue;
        }
        if (c === 0x7b || c === 0x5b) { // { [
          const close = c === 0x7b ? OBJECT_END : ARRAY_END;
          open.push(close);
          this.closing = String.fromCharCode(close) + this.closing;
          this.mark(++i);
          this.expect = c === 0x7b ? FIRST_KEY : FIRST_VALUE;
          continue;
        }
        if (c === ARRAY_END && expect === FIRST_VALUE) { this.expect = AFTER; continue; } // [] : AFTER closes it
        const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : '';
        if (word && wordAt(text, i, word)) { i += word.length; this.expect = AFTER; continue; }
        if (word && n - i < word.length && word.startsWith(text.slice(i))) return this.end(); // "tr" at the very end
        return { kind: 'invalid', at: i };
      }
      if (expect === KEY || expect === FIRST_KEY) {
        if (c === OBJECT_END && expect === FIRST_KEY) { this.expect = AFTER; continue; } // {} : AFTER closes it
        if (c !== 0x22) return { kind: 'invalid', at: i };
        const end = stringEnd(text, i);
        if (end < 0) return this.end();
        if (open.length === 1) this.field = parseKey(text.slice(i, end));
        i = end;
        this.expect = COLON;
        continue;
      }
      if (c !== 0x3a) return { kind: 'invalid', at: i }; // :
      i++;
      this.expect = VALUE;
    }
    return this.end();
  }

  private mark(at: number): void {
    this.cutAt = at;
    this.cutClosing = this.closing;
    this.cutDepth = this.open.length;
    this.cutField = this.field;
  }

  private end(): Scan {
    if (this.open.length === 0 && this.expect === AFTER) return { kind: 'complete' };
    return { kind: 'cut', cut: this.cutAt < 0 ? null : { at: this.cutAt, closing: this.cutClosing, depth: this.cutDepth, field: this.cutField } };
  }
}

const isNumberChar = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/**
 * The index after the string that opens at `start`, or -1 when the text ends inside it. A loop over
 * char codes, not indexOf: on a sliced text (a BOM stripped, a caller's slice) indexOf made reading a
 * 37 MB trace cut short take 22 s instead of 0.3 s (test: trace-file.test.ts, "linear time").
 */
function stringEnd(text: string, start: number): number {
  const n = text.length;
  for (let i = start + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) i++; // a backslash: the next character is escaped
  }
  return -1;
}

/** Whether `word` is at `at` (char codes, as stringEnd). */
function wordAt(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) if (text.charCodeAt(at + k) !== word.charCodeAt(k)) return false;
  return true;
}

function parseKey(quoted: string): string | null {
  try { return JSON.parse(quoted) as string; } catch { return null; }
}

function repair(text: string, bytes: number, parseError: unknown): TraceRead {
  const scanned = scan(text);
  if (scanned.kind === 'invalid') return notJson(text, scanned.at);
  if (scanned.kind === 'complete') return notJson(text, positionOf(parseError));
  const cut = scanned.cut;
  if (cut === null || cut.depth === 0) return { ok: false, problems: ['the file is cut short before anything of a trace'] };
  let value: unknown;
  try {
    value = JSON.parse(text.slice(0, cut.at) + cut.closing);
  } catch (error) {
    return notJson(text, positionOf(error));
  }
  if (!isObject(value) || value.format !== TRACE_FORMAT) return { ok: false, problems: ['the file is cut short, and what it holds is not a GradLens trace'] };
  const inside = cut.depth >= 2 ? cut.field : null;
  if (!has(value, 'run') || inside === 'run') return { ok: false, problems: ['the file is cut short before the end of its "run": there is nothing to show'] };
  const layout = isLayout(value);
  const lists: readonly List[] = layout ? LAYOUT_LISTS : LISTS;
  const isList = (field: string): field is List => (lists as readonly string[]).includes(field);
  if (layout && inside === SEGMENTS_KEY && cut.depth >= 3 && Array.isArray(value[inside])) {
    // Inside a segment: its whole nodes are kept (cutSegment), its passes are lost.
    cutSegment(value[inside] as unknown[], cut.depth);
  } else if (inside !== null && isList(inside)) {
    // The cut fell inside an element (a node, a pass): it is half-written.
    if (cut.depth >= 3 && Array.isArray(value[inside])) value[inside].pop();
  } else if (inside !== null) {
    delete value[inside];
  }
  const missing = lists.filter((list) => !has(value, list));
  for (const list of missing) value[list] = [];
  // Marked before it is validated: references into the part that was cut off are then dropped, not refused.
  const truncated: TraceTruncation = { bytes, note: describeCut(value, cut, inside, missing, isList) };
  value.truncated = truncated;
  const validation = validateWhole(value, true);
  if (!validation.ok) return validation;
  return { ok: true, trace: validation.trace, truncated };
}

/**
 * The last segment of a file cut inside it (traceLayout.ts's field order: the instances, then the
 * passes): without its instances it goes; cut inside an instance (depth 5 or more: file, segments,
 * segment, instances, instance), that instance goes; its passes, half-written or not, go. What is
 * left is marked `cut`: decodeSegment then takes the first nodes of its structure.
 */
function cutSegment(segments: unknown[], depth: number): void {
  const last = segments[segments.length - 1];
  if (!isObject(last) || !Array.isArray(last.instances)) { segments.pop(); return; }
  if (last.passes === undefined && depth >= 5) last.instances.pop();
  delete last.passes;
  last.cut = true;
}

/** "the file ends inside the nodes: 1,204 nodes were read; no recordings, … or anomalies were written" */
function describeCut(value: Record<string, unknown>, cut: Cut, inside: string | null, missing: readonly List[], isList: (field: string) => field is List): string {
  let where: string;
  if (inside !== null) {
    if (inside === SEGMENTS_KEY) {
      let nodes = 0;
      for (const segment of value[inside] as unknown[]) if (isObject(segment) && Array.isArray(segment.instances)) nodes += segment.instances.length;
      where = `the file ends inside the kept passes' nodes and tensors: ${thousands(nodes)} ${nodes === 1 ? 'node was' : 'nodes were'} read`;
    } else if (isList(inside)) {
      const count = (value[inside] as unknown[]).length;
      const [one, many] = NOUNS[inside];
      where = `the file ends inside the ${many}: ${thousands(count)} ${count === 1 ? `${one} was` : `${many} were`} read`;
    } else {
      where = 'the file ends inside a field this reader does not know, which was left out';
    }
  } else {
    const after = cut.field;
    where = `the file ends after ${after === 'run' ? 'the run' : after !== null && isList(after) ? `the ${NOUNS[after][1]}` : 'a field this reader does not know'}`;
  }
  if (missing.length === 0) return `${where}; nothing else is missing`;
  const words = missing.map((list) => NOUNS[list][1]);
  const listed = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
  return `${where}; no ${listed} were written`;
}

function notJson(text: string, at: number | null): TraceRead {
  if (at === null) return { ok: false, problems: ['the file is not valid JSON'] };
  if (at === text.search(/\S/) && text[at] !== '{') return { ok: false, problems: ['the file is not JSON (a trace begins with "{")'] };
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < at; nl = text.indexOf('\n', nl + 1)) { line++; lineStart = nl + 1; }
  const column = at - lineStart + 1;
  return { ok: false, problems: [`the file is not valid JSON (at line ${line}, column ${column})`] };
}

/** The position in JSON.parse's message (V8: "… at position 12"), without quoting the message's excerpt of the text. */
function positionOf(error: unknown): number | null {
  const match = error instanceof Error ? /at position (\d+)/.exec(error.message) : null;
  return match ? Number(match[1]) : null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
const thousands = (count: number) => String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Bytes of the text in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) { bytes += 1; continue; }
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    bytes += 2;
  }
  return bytes;
}
