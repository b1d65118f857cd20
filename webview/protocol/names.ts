/** Reading a variable name from the source line that made a node: `const y = …` → `y`. */
import type { Trace, TraceNode } from './trace';

// JavaScript identifiers, Unicode ones included (`const Δw = …`, `let 损失 = …`).
const ID = String.raw`[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*`;
const DECLARATION = new RegExp(String.raw`^\s*(?:export\s+)?(?:const|let|var)\s+(${ID})\s*(?::[^=]+)?=(?!=)`, 'u');
const ASSIGNMENT = new RegExp(String.raw`^\s*(${ID}(?:\.${ID})*)\s*(?:[-+*/]?=)(?!=)`, 'u');
const ATTACH = new RegExp(String.raw`^\s*(${ID})\.attachGrad\(`, 'u');

/**
 * The name a source line gives its value: a declaration (`const y = …`), an assignment
 * (`y = …`, `this.w = …`) or `x.attachGrad()`; null for anything else.
 */
export function nameFromSource(text: string | undefined | null): string | null {
  if (!text) return null;
  const match = DECLARATION.exec(text) ?? ASSIGNMENT.exec(text) ?? ATTACH.exec(text);
  return match ? match[1]! : null;
}

const namesCache = new WeakMap<Trace, Map<number, string>>();

/**
 * The variable name of each node whose value a source line assigns (`const y = …` → y): the last
 * node made on that line (in that run of it) that no other node of the same run consumes. The
 * JavaScript numbers an op turned into constants have none.
 */
export function nodeNames(trace: Trace): Map<number, string> {
  let cached = namesCache.get(trace);
  if (!cached) {
    cached = names(trace.nodes);
    namesCache.set(trace, cached);
  }
  return cached;
}

function names(nodes: readonly TraceNode[]): Map<number, string> {
  const out = new Map<number, string>();
  const runs = new Map<string, TraceNode[]>();
  for (const node of nodes) {
    if (!node.source || (node.kind === 'constant' && node.op === 'constant')) continue;
    const key = `${node.source.file}:${node.source.line}:${node.iteration}`;
    const list = runs.get(key) ?? [];
    list.push(node);
    runs.set(key, list);
  }
  for (const run of runs.values()) {
    const name = nameFromSource(run[0]!.source!.text);
    if (!name) continue;
    const consumed = new Set(run.flatMap((node) => node.inputs));
    const result = [...run].reverse().find((node) => !consumed.has(node.id));
    if (result) out.set(result.id, name);
  }
  return out;
}
