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
 * The same source map for code into which text was inserted within lines (no line breaks): each
 * generated column moves right by the length inserted at or before it on its line. `shifts` gives,
 * per 0-based generated line, [column, length] pairs sorted by column.
 */
export function shiftSourceMap<M extends RawSourceMap>(map: M, shifts: ReadonlyMap<number, readonly (readonly [number, number])[]>): M {
  const lines = map.mappings.split(';').map((text, line) => {
    const lineShifts = shifts.get(line);
    if (!lineShifts || text.length === 0) return text;
    let previousOld = 0;
    let previousNew = 0;
    return text.split(',').map((segment) => {
      if (segment.length === 0) return segment;
      const fields = decodeVlq(segment);
      const column = previousOld + fields[0]!;
      let shifted = column;
      for (const [at, length] of lineShifts) if (at <= column) shifted += length;
      const encoded = encodeVlq(shifted - previousNew) + fields.slice(1).map(encodeVlq).join('');
      previousOld = column;
      previousNew = shifted;
      return encoded;
    }).join(',');
  });
  return { ...map, mappings: lines.join(';') };
}
