/** Reading esbuild's source maps (v3): generated line/column → original file/line/column. */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

export interface RawSourceMap {
  version: number;
  sources: string[];
  sourceRoot?: string;
  mappings: string;
}

export interface OriginalPosition {
  /** Index into the map's `sources`. */
  source: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Segments of one generated line: [generatedColumn, source, line, column] (0-based), sorted. */
type LineSegments = number[][];

export class SourceMap {
  private readonly lines: LineSegments[] = [];

  constructor(readonly map: RawSourceMap) {
    if (map.version !== 3) throw new Error(`unsupported source map version ${map.version}`);
    let source = 0;
    let line = 0;
    let column = 0;
    for (const text of map.mappings.split(';')) {
      const segments: LineSegments = [];
      let generatedColumn = 0;
      for (const segment of text.split(',')) {
        if (segment.length === 0) continue;
        const fields = decodeVlq(segment);
        generatedColumn += fields[0]!;
        if (fields.length >= 4) {
          source += fields[1]!;
          line += fields[2]!;
          column += fields[3]!;
          segments.push([generatedColumn, source, line, column]);
        }
      }
      segments.sort((a, b) => a[0]! - b[0]!);
      this.lines.push(segments);
    }
  }

  /** The original position of a generated 1-based line and column, or null when unmapped. */
  originalPosition(line: number, column: number): OriginalPosition | null {
    const segments = this.lines[line - 1];
    if (!segments || segments.length === 0) return null;
    let lo = 0;
    let hi = segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segments[mid]![0]! <= column - 1) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const segment = segments[found === -1 ? 0 : found]!;
    return { source: segment[1]!, line: segment[2]! + 1, column: segment[3]! + 1 };
  }
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = DIGIT[text.charCodeAt(i)] ?? -1;
    if (digit < 0) throw new Error(`invalid base64 VLQ character '${text[i]}'`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

function encodeVlq(value: number): string {
  let vlq = value < 0 ? ((-value) << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = vlq & 31;
    vlq >>>= 5;
    if (vlq > 0) digit |= 32;
    out += BASE64[digit];
  } while (vlq > 0);
  return out;
}

/**
 * One inserted text on a generated line: its column (before insertions), its length, whether its
 * columns map nowhere, and whether only blanks come before it on its line.
 */
export type LineInsertion = readonly [column: number, length: number, unmapped?: boolean, leading?: boolean];

/**
 * The same source map for code into which text was inserted within lines (no line breaks): each
 * generated column moves right by the length inserted at or before it on its line. `shifts` gives,
 * per 0-based generated line, the insertions sorted by column (and, at one column, in the order
 * inserted). An `unmapped` insertion's own columns map to no original position: a debugger steps
 * through them (js-debug's smart stepping) rather than stopping twice on one line, and the code
 * after it maps as before. Before a `leading` one, the line's segments map only its indentation:
 * they are dropped, so that a breakpoint on the line binds to the code after the insertion.
 */
export function shiftSourceMap<M extends RawSourceMap>(map: M, shifts: ReadonlyMap<number, readonly LineInsertion[]>): M {
  // Absolute segments: [generatedColumn] (unmapped) or [generatedColumn, source, line, column, name?].
  const lines: number[][][] = [];
  const state = [0, 0, 0, 0];
  for (const text of map.mappings.split(';')) {
    const segments: number[][] = [];
    let column = 0;
    for (const segment of text.split(',')) {
      if (segment.length === 0) continue;
      const fields = decodeVlq(segment);
      column += fields[0]!;
      if (fields.length < 4) { segments.push([column]); continue; }
      for (let k = 1; k < fields.length; k++) state[k - 1]! += fields[k]!;
      segments.push([column, state[0]!, state[1]!, state[2]!, ...(fields.length >= 5 ? [state[3]!] : [])]);
    }
    lines.push(segments);
  }
  for (const [line, inserted] of shifts) {
    const segments = lines[line];
    if (!segments || inserted.length === 0) continue;
    const leadingAt = inserted.find(([, , unmapped, leading]) => unmapped && leading)?.[0] ?? -1;
    const moved = segments.filter((segment) => segment[0]! >= leadingAt).map((segment) => {
      let column = segment[0]!;
      for (const [at, length] of inserted) if (at <= segment[0]!) column += length;
      return [column, ...segment.slice(1)];
    });
    let before = 0;
    for (const [at, length, unmapped] of inserted) {
      const start = at + before;
      before += length;
      if (!unmapped) continue;
      moved.push([start]);
      // The code after it keeps the mapping it had: the segment it was in, when none begins right there.
      if (segments.some((segment) => segment[0] === at)) continue;
      const covering = segments.filter((segment) => segment[0]! < at).at(-1);
      if (covering && covering.length >= 4) moved.push([start + length, ...covering.slice(1)]);
    }
    lines[line] = moved.sort((a, b) => a[0]! - b[0]!);
  }
  const previous = [0, 0, 0, 0];
  const mappings = lines.map((segments) => {
    let column = 0;
    return segments.map((segment) => {
      let text = encodeVlq(segment[0]! - column);
      column = segment[0]!;
      for (let k = 1; k < segment.length; k++) {
        text += encodeVlq(segment[k]! - previous[k - 1]!);
        previous[k - 1] = segment[k]!;
      }
      return text;
    }).join(',');
  }).join(';');
  return { ...map, mappings };
}
