/**
 * Where a program computes gradients, from its text alone: the `autograd.record(`,
 * `.backward(` and `autograd.grad(` calls of a file that imports `gradlens`, skipping comments and
 * strings. The CodeLens provider puts "Compute gradient" above each. Pure: no VS Code.
 */

export type SiteKind = 'record' | 'backward' | 'grad';

export interface Site {
  kind: SiteKind;
  /** 0-based line and column of the call's name. */
  line: number;
  column: number;
}

const IMPORTS_GRADLENS = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(['"])gradlens\1/;

/** Whether the file imports the engine (`import … from 'gradlens'`, `require('gradlens')`, `import('gradlens')`). */
export function importsGradlens(text: string): boolean {
  return IMPORTS_GRADLENS.test(text);
}

/**
 * The text with comments and string/template literals replaced by spaces (newlines kept), so that
 * positions stay where they were and nothing inside them looks like code.
 */
export function blankCommentsAndStrings(text: string): string {
  const out = text.split('');
  let i = 0;
  const blank = (from: number, to: number) => { for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' '; };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let k = i + 1;
      while (k < text.length && text[k] !== c) {
        if (text[k] === '\\') k++;
        else if (c !== '`' && text[k] === '\n') break; // an unterminated string ends at the line
        k++;
      }
      blank(i, Math.min(text.length, k + 1));
      i = k + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

const CALLS: [SiteKind, RegExp][] = [
  ['record', /\bautograd\s*\.\s*record\s*\(/g],
  ['grad', /\bautograd\s*\.\s*grad\s*\(/g],
  ['backward', /\.\s*backward\s*\(/g],
];

/** Every call site in a file that imports gradlens, in text order; none otherwise. */
export function findSites(text: string): Site[] {
  if (!importsGradlens(text)) return [];
  const code = blankCommentsAndStrings(text);
  const lineStarts = [0];
  for (let k = 0; k < code.length; k++) if (code[k] === '\n') lineStarts.push(k + 1);
  const position = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - lineStarts[lo]! };
  };
  const sites: (Site & { offset: number })[] = [];
  for (const [kind, pattern] of CALLS) {
    for (const match of code.matchAll(pattern)) {
      // Point at the name: `record`, `grad`, `backward`.
      const offset = match.index! + match[0].search(/[a-z]+\s*\($/);
      sites.push({ kind, ...position(offset), offset });
    }
  }
  return sites.sort((a, b) => a.offset - b.offset).map(({ kind, line, column }) => ({ kind, line, column }));
}
