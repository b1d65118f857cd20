/**
 * Seeded mutations of a trace, for the fuzzers (test/unit/trace-fuzz.test.ts in Node, and
 * test/browser/trace-fuzz.test.ts in the page): wrong types, nulls, missing fields, odd and huge
 * strings (bidi, zero-width, NUL, lone surrogates, markup), odd numbers, bad shapes, cycles,
 * dangling and duplicated ids, deep nesting — and mutations that keep the trace valid (hostile
 * text where text goes, other values, truncation), which reach the drawing. Not a test file.
 *
 *   const mutate = mutations(seededUniform(1));
 *   const { trace, what } = mutate(base);   // a new object; `base` is untouched
 */
import { seededUniform } from '../../bench/plain';

type Json = any;

export const ODD_STRINGS: readonly string[] = [
  '', ' ', 'x', '\u202Egnp.exe', 'a\u200Bb\u200Dc', 'nul\u0000byte', 'lone \uD800 surrogate', 'lone \uDC00 low', 'bell\u0007\u001B[31mred',
  '</script><script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned = 2">', '"><svg onload=alert(1)>', '${constructor}', '%s%n',
  'line\nbreak\r\nand\ttab', '\u2066isolate\u2069', '\uFEFFbom', '👩‍👩‍👧‍👦 emoji', 'ا\u061Cلعربية', 'toString', '__proto__', 'constructor',
  '[text](command:workbench.action.terminal.new)', 'NaN', 'Infinity', '-Infinity',
];

export const ODD_NUMBERS: readonly number[] = [0, -0, -1, 1.5, -2.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE, 1e-320];

/** Values of every JSON kind (and the odd ones), to put where something else was. */
function oddValue(random: () => number, hugeStrings: boolean): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const r = random();
  if (r < 0.15) return null;
  if (r < 0.3) return pick(ODD_NUMBERS);
  if (r < 0.45) return pick(ODD_STRINGS);
  if (r < 0.5) return hugeStrings ? `${pick(ODD_STRINGS)}${'\u202E'.repeat(3)}${'x'.repeat(200_000)}` : 'x'.repeat(5_000);
  if (r < 0.6) return random() < 0.5;
  if (r < 0.7) return [];
  if (r < 0.8) return {};
  if (r < 0.85) return [null];
  if (r < 0.9) return { toString: 1, valueOf: null, length: -1 };
  return [pick(ODD_NUMBERS), pick(ODD_STRINGS)];
}

/** Every place in the value: [container, key] pairs, to pick one from. */
function places(root: Json): [Json, string | number][] {
  const out: [Json, string | number][] = [];
  const visit = (value: Json) => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) value.forEach((item, i) => { out.push([value, i]); visit(item); });
    else for (const key of Object.keys(value)) { out.push([value, key]); visit(value[key]); }
  };
  visit(root);
  return out;
}

/**
 * A random field: a walk down from the root that stops at each level with some chance (or at a
 * leaf), so that top-level fields, records and the leaves of tensors are all reached — cheaply.
 */
function randomPlace(random: () => number, trace: Json): [Json, string | number] {
  let container: Json = trace;
  let key: string | number = Object.keys(trace)[Math.floor(random() * Object.keys(trace).length)]!;
  for (let depth = 0; depth < 12; depth++) {
    const value = container[key];
    if (value === null || typeof value !== 'object' || random() < 0.18) break;
    const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    if (keys.length === 0) break;
    container = value;
    key = keys[Math.floor(random() * keys.length)]!;
  }
  return [container, key];
}

/** Places holding text a person reads (kept valid when replaced by other text). */
function textPlaces(trace: Json): [Json, string][] {
  const out: [Json, string][] = [];
  const source = (s: Json) => { if (s) out.push([s, 'file'], [s, 'text'], ...(s.function !== undefined ? [[s, 'function'] as [Json, string]] : [])); };
  for (const node of trace.nodes) { out.push([node, 'op']); source(node.source); }
  for (const r of trace.recordings) source(r.source);
  for (const p of trace.backwardPasses) { source(p.source); if (p.error !== undefined) out.push([p, 'error']); }
  for (const b of trace.graphBreaks) { out.push([b, 'message']); source(b.source); }
  for (const a of trace.anomalies) { out.push([a, 'message']); source(a.source); }
  out.push([trace.run, 'file'], [trace.run, 'stdout'], [trace.run, 'stderr'], [trace.run, 'engineVersion']);
  if (trace.run.error) out.push([trace.run.error, 'message'], [trace.run.error, 'stack']);
  return out;
}

export interface Mutant {
  trace: Json;
  /** What was done, for a failure message. */
  what: string;
}

export interface MutationOptions {
  /** Strings of 200,000 characters (false in the browser, where every case crosses the wire). */
  hugeStrings?: boolean;
  /** How deep a nesting to make (the browser's message serialiser has a limit of its own). */
  maxDepth?: number;
}

/** A mutator drawing from `random`: each call mutates a fresh copy of `base` one to three times. */
export function mutations(random: () => number, options: MutationOptions = {}): (base: Json) => Mutant {
  const huge = options.hugeStrings ?? true;
  const maxDepth = options.maxDepth ?? 5_000;
  // Json in, Json out: the fuzzer reaches into anything.
  const pick = (list: readonly Json[]): Json => list[Math.floor(random() * list.length)];
  const int = (n: number) => Math.floor(random() * n);

  // Each operator, and whether what it makes can still be a valid trace (those reach the drawing).
  const operators: [string, (t: Json) => string | null, boolean][] = [
    ['replace any field', (t) => {
      const [container, key] = randomPlace(random, t);
      const value = oddValue(random, huge);
      container[key] = value;
      return `${String(key)} = ${JSON.stringify(value)?.slice(0, 60)}`;
    }, false],
    ['delete any field', (t) => {
      const [container, key] = randomPlace(random, t);
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key];
      return `delete ${String(key)}`;
    }, false],
    ['null in a list', (t) => {
      const lists = places(t).filter(([c, k]) => Array.isArray(c[k]) && c[k].length > 0);
      if (lists.length === 0) return null;
      const [c, k] = pick(lists);
      c[k][int(c[k].length)] = null;
      return `${String(k)}[i] = null`;
    }, false],
    ['hostile text where text goes', (t) => {
      const spots = textPlaces(t);
      const [c, k] = pick(spots);
      c[k] = random() < 0.2 && huge ? `${pick(ODD_STRINGS)}${'y'.repeat(100_000)}` : `${pick(ODD_STRINGS)}${c[k] ?? ''}${pick(ODD_STRINGS)}`;
      return `${k} = hostile text`;
    }, true],
    ['an input that comes later (a cycle) or from nowhere', (t) => {
      const ops = t.nodes.filter((n: Json) => n?.inputs?.length > 0);
      if (ops.length === 0) return null;
      const node = pick(ops);
      const choice = pick([node.id, node.id + 1, 10 ** 7, -3, 0.5, t.nodes[t.nodes.length - 1]?.id]);
      node.inputs[int(node.inputs.length)] = choice;
      return `node ${node.id} input → ${choice}`;
    }, false],
    ['a duplicated or reordered node', (t) => {
      if (t.nodes.length < 2) return null;
      const i = int(t.nodes.length);
      if (random() < 0.5) { t.nodes.splice(int(t.nodes.length), 0, JSON.parse(JSON.stringify(t.nodes[i]))); return `node ${i} duplicated`; }
      const j = int(t.nodes.length);
      [t.nodes[i], t.nodes[j]] = [t.nodes[j], t.nodes[i]];
      return `nodes ${i} and ${j} swapped`;
    }, false],
    ['a dangling reference', (t) => {
      const pass = t.backwardPasses.length > 0 ? pick(t.backwardPasses) : null;
      const id = pick([9_999_999, -1, 1.5, '3', null]);
      if (pass && random() < 0.5 && pass.steps?.length > 0) { pick(pass.steps).node = id; return `a step's node → ${id}`; }
      if (pass && pass.heads?.length > 0) { pass.heads[0] = id; return `a head → ${id}`; }
      if (t.recordings.length > 0) { pick(t.recordings).outputs.push(id); return `an output → ${id}`; }
      return null;
    }, false],
    ['a bad shape', (t) => {
      const tensors = places(t).filter(([c, k]) => k === 'shape' && Array.isArray(c[k])).map(([c]) => c);
      if (tensors.length === 0) return null;
      const tensor = pick(tensors);
      tensor.shape = pick([[-1], [1.5], [2 ** 40, 2 ** 40], new Array(80).fill(1), ['2'], [null], [1e9], [0]]);
      return `shape → ${JSON.stringify(tensor.shape).slice(0, 40)}`;
    }, false],
    ['odd numbers in data', (t) => {
      const tensors = places(t).filter(([c, k]) => k === 'data' && Array.isArray(c[k]) && c[k].length > 0).map(([c]) => c);
      if (tensors.length === 0) return null;
      const tensor = pick(tensors);
      const valid = random() < 0.6;
      tensor.data[int(tensor.data.length)] = valid ? pick(['NaN', 'Infinity', '-Infinity', 1e308, -1e-308, 0, -0]) : pick(['nan', null, true, '1', {}]);
      return valid ? 'a special number in data' : 'a non-number in data';
    }, true],
    ['deep nesting', (t) => {
      const nodes = t.nodes.filter((n: Json) => n && typeof n === 'object');
      if (nodes.length === 0) return null;
      let deep: Json = 1;
      const depth = pick([10, 31, 40, maxDepth]);
      for (let i = 0; i < depth; i++) deep = random() < 0.5 ? [deep] : { a: deep };
      pick(nodes).attrs = { axis: deep };
      return `attrs nested ${depth} deep`;
    }, true],
    ['other attributes', (t) => {
      const nodes = t.nodes.filter((n: Json) => n && typeof n === 'object');
      if (nodes.length === 0) return null;
      pick(nodes).attrs = pick([
        { axis: [0, 1], keepdims: true }, { axis: 'x\u202E', shape: { toString: 1 } }, { axes: Array.from({ length: 2_000 }, (_, i) => i) },
        { p: 1 }, { p: 2 ** 53 }, { min: -1e308, max: 'top' }, { index: [[[]]] }, { dtype: '<b>bool</b>' }, {},
      ]);
      return 'other attributes';
    }, true],
    ['many breaks and anomalies', (t) => {
      const node = t.nodes.length > 0 ? t.nodes[int(t.nodes.length)]?.id : undefined;
      if (typeof node !== 'number') return null;
      const count = pick([50, 500, 3_000]);
      for (let i = 0; i < count; i++) {
        t.graphBreaks.push({ kind: pick(['detach', 'attachGrad', 'coerce', 'outsideRecord', 'paused']), node, source: { file: '/x.ts', line: 1 + (i % 97), column: 1, text: 'x' }, message: `gradient stops here: ${pick(ODD_STRINGS)}` });
      }
      if (random() < 0.5) for (let i = 0; i < count; i++) t.anomalies.push({ kind: 'nan', phase: 'forward', node, source: null, message: `${pick(ODD_STRINGS)} NaN`, inputs: [] });
      return `${count} graph breaks`;
    }, true],
    ['how the run ended', (t) => {
      t.run.outcome = pick([
        { kind: 'exited', code: 3 }, { kind: 'timed-out', afterMs: 30_000 }, { kind: 'cancelled', by: 'SIGTERM' }, { kind: 'killed', signal: 'SIGSEGV\u202E' },
        { kind: 'out-of-memory', what: 'arrays', limitMb: 512 }, { kind: 'did-not-start', reason: 'build' }, { kind: 'exploded' }, { kind: 'killed' }, null,
      ]);
      if (random() < 0.5) t.run.error = pick([{ message: pick(ODD_STRINGS), stack: `Error\n    at ${pick(ODD_STRINGS)}`, source: null, origin: 'program' }, { message: 1 }]);
      return `outcome ${JSON.stringify(t.run.outcome)}`;
    }, true],
    ['cut short', (t) => {
      t.truncated = random() < 0.8 ? { bytes: int(1e6), note: `the file ends inside ${pick(ODD_STRINGS)}` } : pick([{}, null, { bytes: -1, note: 1 }]);
      const drop = 1 + int(Math.max(1, t.nodes.length / 3));
      t.nodes.splice(int(t.nodes.length), drop);
      return `truncated, ${drop} nodes lost`;
    }, true],
    ['a sample instead of data', (t) => {
      const tensors = places(t).filter(([c, k]) => k === 'data' && Array.isArray(c[k])).map(([c]) => c);
      if (tensors.length === 0) return null;
      const tensor = pick(tensors);
      tensor.sample = tensor.data.slice(0, 1);
      if (random() < 0.8) delete tensor.data;
      return 'a sample';
    }, true],
  ];

  return (base: Json): Mutant => {
    const trace = JSON.parse(JSON.stringify(base));
    const done: string[] = [];
    const rounds = 1 + int(3);
    // Half the cases only make what can still be valid: they go past the validator into the drawing.
    const usable = random() < 0.5 ? operators.filter(([, , keepsValid]) => keepsValid) : operators;
    for (let round = 0; round < rounds; round++) {
      const [name, operator] = pick(usable);
      try {
        const what = operator(trace);
        if (what !== null) done.push(`${name}: ${what}`);
      } catch (error) {
        // A mutation that cannot apply to what earlier ones left (a list became a number) is skipped.
        done.push(`${name}: skipped (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    return { trace, what: done.join('; ') };
  };
}

export { seededUniform };
