/** Reading a variable name from the source line that made a node: `const y = …` → `y`. */
import { perTrace } from './perTrace';
import type { TraceNode } from '../trace';

// JavaScript identifiers, Unicode ones included (`const Δw = …`, `let 损失 = …`).
const ID = String.raw`[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*`;
const DECLARATION = new RegExp(String.raw`^\s*(?:export\s+)?(?:const|let|var)\s+(${ID})\s*(?::[^=]+)?=(?!=)`, 'u');
const ASSIGNMENT = new RegExp(String.raw`^\s*(${ID}(?:\.${ID})*)\s*(?:[-+*/]?=)(?!=)`, 'u');
/** Characters of a source line read for a name. */
const NAME_WINDOW = 1000;
const ATTACH = new RegExp(String.raw`^\s*(${ID})\.attachGrad\(`, 'u');
/** An in-place write names what it wrote into: `Y.set([i, j], …)`, `p.grad!.assign(…)`. */
const WRITE = new RegExp(String.raw`^\s*(${ID}(?:\.${ID})*)!?\.(?:set|assign)\(`, 'u');

/**
 * The name a source line gives its value: a declaration (`const y = …`), an assignment
 * (`y = …`, `this.w = …`), `x.attachGrad()` or an in-place write (`Y.set([i, j], …)`, `w.assign(…)`);
 * null for anything else.
 */
export function nameFromSource(text: string | undefined | null): string | null {
  if (!text) return null;
  // A name is declared at the start of its line: a 100 MB line is not read to the end for it.
  const start = text.length > NAME_WINDOW ? text.slice(0, NAME_WINDOW) : text;
  const match = DECLARATION.exec(start) ?? ASSIGNMENT.exec(start) ?? ATTACH.exec(start) ?? WRITE.exec(start);
  return match ? match[1]! : null;
}

/**
 * The variable name of each node whose value a source line assigns (`const y = …` → y): the last
 * node made on that line (in that run of it) that no other node of the same run consumes. The
 * JavaScript numbers an op turned into constants have none; a gluon parameter has its structured
 * name (`net.0.weight`).
 */
export const nodeNames = perTrace<Map<number, string>>((trace) => names(trace.nodes));

function names(nodes: readonly TraceNode[]): Map<number, string> {
  const out = new Map<number, string>();
  // Runs of a line, by file, line and iteration: nested maps of numbers, not a key string per node
  // (10⁶ nodes: 2.4 s → a few hundred ms). Most runs are one node: kept without a list.
  const files = new Map<string, Map<number, Map<number, TraceNode | TraceNode[]>>>();
  for (const node of nodes) {
    const source = node.source;
    if (!source || (node.kind === 'constant' && node.op === 'constant')) continue;
    let lines = files.get(source.file);
    if (!lines) files.set(source.file, lines = new Map());
    let runs = lines.get(source.line);
    if (!runs) lines.set(source.line, runs = new Map());
    const run = runs.get(node.iteration);
    if (run === undefined) runs.set(node.iteration, node);
    else if (Array.isArray(run)) run.push(node);
    else runs.set(node.iteration, [run, node]);
  }
  const nameOf = new Map<string, string | null>();
  for (const lines of files.values()) for (const runs of lines.values()) for (const run of runs.values()) {
    const first = Array.isArray(run) ? run[0]! : run;
    const text = first.source!.text;
    let name = nameOf.get(text);
    if (name === undefined) {
      name = nameFromSource(text);
      if (nameOf.size < 100_000) nameOf.set(text, name); // a line's runs share its text
    }
    if (!name) continue;
    if (!Array.isArray(run)) { out.set(run.id, name); continue; } // inputs are earlier nodes: one node consumes nothing of its run
    const consumed = new Set<number>();
    for (const node of run) for (const input of node.inputs) consumed.add(input);
    for (let i = run.length - 1; i >= 0; i--) if (!consumed.has(run[i]!.id)) { out.set(run[i]!.id, name); break; }
  }
  // A gluon parameter is named by the model (`net.0.weight`), not by the line that made it.
  for (const node of nodes) if (node.param !== undefined) out.set(node.id, node.param);
  return out;
}
