/**
 * Statement markers for traced programs. Finding the user's line of an op means capturing a stack,
 * which costs 3-12 µs per op on the machines measured (bench/README.md) — more than the op. So the
 * bundled program is instrumented: before every statement (and in every expression-bodied arrow)
 * it stores the statement's number in a shared Int32Array, and bumps a counter. The recorder keys
 * a cache on (statement, how many engine events since it began, event): a stack is captured only
 * the first time a key is seen, and a loop that runs a line a thousand times captures it once.
 *
 * The markers change no line breaks, only columns; the source map is shifted to match.
 */
import { parse } from 'acorn';
import type { LineInsertion } from './sourcemap';

/** Text inserted at a byte offset of the original code (never containing a line break). */
export interface Insertion {
  offset: number;
  text: string;
  /** Closers go before openers at the same offset. */
  order: 0 | 1;
  /** The number of the statement a marker announces (openers only): the code it marks begins right after. */
  statement?: number;
}

interface AnyNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const SKIPPED = new Set(['ImportDeclaration', 'ExportAllDeclaration', 'FunctionDeclaration', 'ClassDeclaration', 'EmptyStatement']);

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as AnyNode).type === 'string';
}

/** The insertions that mark every statement of `code` (an ES module) with `array[0] = n, array[1]++`. */
export function siteMarkers(code: string, array: string): Insertion[] {
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true }) as unknown as AnyNode;
  const insertions: Insertion[] = [];
  let next = 0;
  const marker = () => `${array}[0]=${next},${array}[1]++`;
  const opener = (offset: number, text: string): Insertion => ({ offset, text, order: 1, statement: next++ });

  const markList = (statements: unknown): void => {
    if (!Array.isArray(statements)) return;
    for (const statement of statements as AnyNode[]) {
      if (SKIPPED.has(statement.type)) continue;
      if (statement.type === 'ExportNamedDeclaration' && !statement.declaration) continue;
      if (statement.type === 'ExpressionStatement' && typeof statement.directive === 'string') continue;
      insertions.push(opener(statement.start, `${marker()};`));
    }
  };
  /** A statement in a position that is not a list (`if (c) stmt`): wrapped in braces with its marker. */
  const wrap = (statement: unknown): void => {
    if (!isNode(statement) || statement.type === 'BlockStatement' || SKIPPED.has(statement.type)) return;
    insertions.push(opener(statement.start, `{${marker()};`));
    insertions.push({ offset: statement.end, text: '}', order: 0 });
  };

  const visit = (node: AnyNode): void => {
    switch (node.type) {
      case 'Program':
      case 'BlockStatement':
      case 'StaticBlock':
        markList(node.body);
        break;
      case 'SwitchCase':
        markList(node.consequent);
        break;
      case 'IfStatement':
        wrap(node.consequent);
        wrap(node.alternate);
        break;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        wrap(node.body);
        break;
      case 'ArrowFunctionExpression': {
        const body = node.body;
        if (node.expression && isNode(body)) {
          insertions.push(opener(body.start, `(${marker()},`));
          insertions.push({ offset: body.end, text: ')', order: 0 });
        }
        break;
      }
      default:
        break;
    }
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) visit(item);
      } else if (isNode(value)) {
        visit(value);
      }
    }
  };
  visit(program);
  return insertions.sort((a, b) => a.offset - b.offset || a.order - b.order);
}

/** `code` with the insertions applied. */
export function applyInsertions(code: string, insertions: readonly Insertion[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const insertion of insertions) {
    parts.push(code.slice(at, insertion.offset), insertion.text);
    at = insertion.offset;
  }
  parts.push(code.slice(at));
  return parts.join('');
}

/**
 * Per generated line (0-based), the insertions: [column, length, unmapped, leading] sorted by column. A
 * marker (an opener) maps nowhere, so that a debugger does not stop on it as a statement of its
 * own; the closers (`)`, `}`) belong to the code they close.
 */
export function lineShifts(code: string, insertions: readonly Insertion[]): Map<number, LineInsertion[]> {
  const shifts = new Map<number, LineInsertion[]>();
  let line = 0;
  let lineStart = 0;
  let scanned = 0;
  for (const insertion of insertions) {
    for (; scanned < insertion.offset; scanned++) {
      if (code.charCodeAt(scanned) === 10) { line++; lineStart = scanned + 1; }
    }
    const list = shifts.get(line) ?? [];
    const marker = insertion.statement !== undefined;
    list.push([insertion.offset - lineStart, insertion.text.length, marker, marker && code.slice(lineStart, insertion.offset).trim() === '']);
    shifts.set(line, list);
  }
  return shifts;
}

/**
 * Where each marked statement begins in the instrumented code: `[line, column]` (1-based) of
 * statement n at `2n` and `2n + 1`. When an error leaves no frame of the user's on its stack (a
 * stack overflow deep in the engine), the statement being run is the best place to report it.
 */
export function statementTable(code: string, insertions: readonly Insertion[]): Int32Array {
  const count = insertions.reduce((n, insertion) => (insertion.statement === undefined ? n : Math.max(n, insertion.statement + 1)), 0);
  const table = new Int32Array(count * 2);
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  let shift = 0; // characters inserted on this line so far
  for (const insertion of insertions) {
    for (; scanned < insertion.offset; scanned++) {
      if (code.charCodeAt(scanned) === 10) { line++; lineStart = scanned + 1; shift = 0; }
    }
    shift += insertion.text.length;
    if (insertion.statement === undefined) continue;
    table[insertion.statement * 2] = line;
    table[insertion.statement * 2 + 1] = insertion.offset - lineStart + shift + 1;
  }
  return table;
}
