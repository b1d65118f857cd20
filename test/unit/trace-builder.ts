/**
 * Small hand-built traces for the inspector's unit tests (webview/model), and the seed trace
 * (examples/seed/autograd.ts) read from its golden fixture once per process. Not a test file itself.
 *
 *   buildTrace({
 *     nodes: [
 *       variable(0, 'arange', [0, 1, 2, 3], at(1, 'const x = np.arange(4);')),
 *       op(1, 'dot', [0, 0], scalar(14), at(2, 'const y = np.dot(x, x);')),
 *     ],
 *     passes: [{ heads: [1], steps: [step(1, 1, [[0, 0, [0, 1, 2, 3]], [0, 1, [0, 1, 2, 3]]])], leafGrads: [[0, [0, 2, 4, 6]]] }],
 *   })
 */
import {
  statsOf, type BackwardPass, type BackwardStep, type GraphBreak, type Recording, type Source, type Tensor,
  type TensorStats, type Trace, type TraceDType, type TraceNode, type TraceNumber,
} from '../../protocol/trace';
import { validateTrace } from '../../protocol/validate';
import { seedFixture } from '../trace-helpers';

export const FILE = '/home/ana/demo/model.ts';

const encode = (v: number): TraceNumber => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);

/** A tensor with all its data (shape [n] unless given), stats computed by the protocol's statsOf. */
export function tensor(values: readonly number[], shape: readonly number[] = [values.length], dtype: TraceDType = 'float32'): Tensor {
  return { shape: [...shape], dtype, data: values.map(encode), stats: statsOf(values) };
}

/** A 0-d tensor. */
export const scalar = (value: number, dtype: TraceDType = 'float32'): Tensor => tensor([value], [], dtype);

/** A tensor larger than maxElements: only a leading `sample`, stats given (or of the sample). */
export function truncated(sample: readonly number[], shape: readonly number[], stats: TensorStats = statsOf(sample)): Tensor {
  return { shape: [...shape], dtype: 'float32', sample: sample.map(encode), stats };
}

export type TensorLike = Tensor | number | readonly number[];

/** A number is a 0-d tensor, a list a 1-D one. */
export function asTensor(value: TensorLike): Tensor {
  if (typeof value === 'number') return scalar(value);
  if (Array.isArray(value)) return tensor(value as number[]);
  return value as Tensor;
}

/** Decoded data of a tensor (NaN and ±Infinity as numbers); null when it has only a sample. */
export function dataOf(value: Tensor | null | undefined): number[] | null {
  if (!value?.data) return null;
  return value.data.map((v) => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity));
}

export interface At {
  line: number;
  text: string;
  column?: number;
  fn?: string;
  file?: string;
}

/** A source position: line, text, then column (default 1) and function. */
export function at(line: number, text: string, column = 1, fn?: string): At {
  return fn === undefined ? { line, text, column } : { line, text, column, fn };
}

function sourceOf(where: At | null): Source | null {
  if (!where) return null;
  return { file: where.file ?? FILE, line: where.line, column: where.column ?? 1, text: where.text, ...(where.fn !== undefined ? { function: where.fn } : {}) };
}

export interface NodeExtra {
  iteration?: number;
  gradReq?: 'write' | 'add' | 'null';
  recordingId?: number | null;
  grad?: TensorLike;
  attrs?: Record<string, unknown>;
  inGraph?: boolean;
}

function node(id: number, kind: TraceNode['kind'], opName: string, inputs: number[], value: TensorLike, where: At | null, extra: NodeExtra): TraceNode {
  const v = asTensor(value);
  return {
    id, kind, op: opName, inputs, attrs: extra.attrs ?? {}, shape: [...v.shape], dtype: v.dtype,
    trainMode: true, recording: kind === 'op', inGraph: extra.inGraph ?? kind !== 'constant',
    ...(kind === 'variable' ? { gradReq: extra.gradReq ?? 'write' } : {}),
    source: sourceOf(where), iteration: extra.iteration ?? 0,
    recordingId: extra.recordingId !== undefined ? extra.recordingId : kind === 'op' ? 0 : null,
    value: v,
    ...(extra.grad !== undefined ? { grad: asTensor(extra.grad) } : {}),
  };
}

/** A variable (an array with attachGrad), made by `madeBy` (arange, array, …). */
export const variable = (id: number, madeBy: string, value: TensorLike, where: At | null = null, extra: NodeExtra = {}) =>
  node(id, 'variable', madeBy, [], value, where, extra);

/** A constant leaf: a JavaScript number an op turned into an array (op 'constant') unless `madeBy` says otherwise. */
export const constant = (id: number, value: TensorLike, where: At | null = null, extra: NodeExtra & { madeBy?: string } = {}) =>
  node(id, 'constant', extra.madeBy ?? 'constant', [], value, where, extra);

/** The result of a recorded op. */
export const op = (id: number, name: string, inputs: number[], value: TensorLike, where: At | null = null, extra: NodeExtra = {}) =>
  node(id, 'op', name, inputs, value, where, extra);

/** A backward step: the node, its upstream gradient, contributions as [input, index, grad]. */
export function step(nodeId: number, upstream: TensorLike, contributions: [number, number, TensorLike][]): BackwardStep {
  return { node: nodeId, upstream: asTensor(upstream), contributions: contributions.map(([input, index, grad]) => ({ input, index, grad: asTensor(grad) })) };
}

export interface PassSpec {
  id?: number;
  kind?: 'backward' | 'grad';
  line?: number;
  heads: number[];
  /** Default: ones of each head's shape (implicit). */
  headGrads?: TensorLike[];
  steps?: BackwardStep[];
  /** [node, grad, after?, gradReq?] */
  leafGrads?: [number, TensorLike, TensorLike?, ('write' | 'add' | 'null')?][];
  error?: string;
}

export interface TraceSpec {
  nodes: TraceNode[];
  passes?: PassSpec[];
  /** Default: one recording (id 0) of every op node, its outputs the ops no other op consumes. */
  recordings?: Recording[];
  breaks?: GraphBreak[];
}

/** A complete, valid trace from compact parts. */
export function buildTrace(spec: TraceSpec): Trace {
  const byId = new Map(spec.nodes.map((n) => [n.id, n]));
  const ops = spec.nodes.filter((n) => n.kind === 'op');
  const consumed = new Set(spec.nodes.flatMap((n) => n.inputs));
  const recordings = spec.recordings ?? (ops.length > 0
    ? [{ id: 0, source: null, trainMode: true, nodes: ops.map((n) => n.id), outputs: ops.filter((n) => !consumed.has(n.id)).map((n) => n.id), closed: true }]
    : []);
  const backwardPasses: BackwardPass[] = (spec.passes ?? []).map((p, i) => {
    const explicit = p.headGrads !== undefined;
    const headGrads = explicit
      ? p.headGrads!.map(asTensor)
      : p.error !== undefined && p.heads.length === 0 ? [] : p.heads.map((h) => {
        const shape = byId.get(h)?.shape ?? [];
        const size = shape.reduce((a, d) => a * d, 1);
        return tensor(new Array<number>(size).fill(1), shape);
      });
    return {
      id: p.id ?? i,
      kind: p.kind ?? 'backward',
      source: p.line !== undefined ? sourceOf({ line: p.line, text: 'y.backward();', column: 1 }) : null,
      heads: p.heads,
      headGrads,
      implicitHeadGrads: p.heads.map(() => !explicit),
      retainGraph: false,
      createGraph: false,
      steps: p.steps ?? [],
      leafGrads: (p.leafGrads ?? []).map(([nodeId, grad, after, gradReq]) => ({
        node: nodeId,
        gradReq: gradReq ?? byId.get(nodeId)?.gradReq ?? 'write',
        grad: asTensor(grad),
        ...(after !== undefined ? { after: asTensor(after) } : p.kind === 'grad' ? {} : { after: asTensor(grad) }),
      })),
      ...(p.error !== undefined ? { error: p.error } : {}),
    };
  });
  return {
    format: 'gradlens-trace',
    version: 1,
    run: {
      file: FILE, argv: [], engineVersion: '0.1.0', seed: 1, startedAt: '2025-01-01T00:00:00.000Z', durationMs: 1,
      exitCode: 0, timedOut: false, stdout: '', stderr: '', maxElements: 1024,
    },
    nodes: spec.nodes,
    recordings,
    backwardPasses,
    graphBreaks: spec.breaks ?? [],
    anomalies: [],
  };
}

/** A graph break with the capture's message prefix. */
export function graphBreak(kind: GraphBreak['kind'], nodeId: number | undefined, from: number | undefined, where: At | null, what: string): GraphBreak {
  return {
    kind,
    ...(nodeId !== undefined ? { node: nodeId } : {}),
    ...(from !== undefined ? { from } : {}),
    source: sourceOf(where),
    message: `gradient stops here: ${what}`,
  };
}

// ---- Traces used by several suites ------------------------------------------------------------

/**
 * The chapter's first example: x = arange(4); y = 2·dot(x, x); y.backward().
 * Ids: 0 x, 1 dot, 2 the constant 2, 3 mul (y).
 */
export function chapterTrace(): Trace {
  const line = 'const y = autograd.record(() => np.dot(x, x).mul(2));';
  return buildTrace({
    nodes: [
      variable(0, 'arange', [0, 1, 2, 3], at(1, 'const x = np.arange(4);', 11)),
      op(1, 'dot', [0, 0], 14, at(3, line, 33)),
      constant(2, 2, at(3, line, 45)),
      op(3, 'mul', [1, 2], 28, at(3, line, 45)),
    ],
    passes: [{
      line: 4,
      heads: [3],
      steps: [step(3, 1, [[1, 0, 2]]), step(1, 2, [[0, 0, [0, 2, 4, 6]], [0, 1, [0, 2, 4, 6]]])],
      leafGrads: [[0, [0, 4, 8, 12]]],
    }],
  });
}

/**
 * A diamond: s = sin(x) feeds a = s·2 and b = s·3, c = a + b. s is reached along two paths, so
 * its gradient has two terms (2 and 3, summed 5) before its own step runs.
 * Ids: 0 x, 1 s, 2 const 2, 3 a, 4 const 3, 5 b, 6 c.
 */
export function diamondTrace(): Trace {
  return buildTrace({
    nodes: [
      variable(0, 'array', [0, 1], at(1, 'const x = np.array([0, 1]);')),
      op(1, 'sin', [0], [0, 0.841471], at(2, 'const s = np.sin(x);', 11)),
      constant(2, 2, at(3, 'const a = s.mul(2);', 13)),
      op(3, 'mul', [1, 2], [0, 1.682942], at(3, 'const a = s.mul(2);', 13)),
      constant(4, 3, at(4, 'const b = s.mul(3);', 13)),
      op(5, 'mul', [1, 4], [0, 2.524413], at(4, 'const b = s.mul(3);', 13)),
      op(6, 'add', [3, 5], [0, 4.207355], at(5, 'const c = a.add(b);', 13)),
    ],
    passes: [{
      line: 6,
      heads: [6],
      steps: [
        step(6, [1, 1], [[3, 0, [1, 1]], [5, 1, [1, 1]]]),
        step(3, [1, 1], [[1, 0, [2, 2]]]),
        step(5, [1, 1], [[1, 0, [3, 3]]]),
        step(1, [5, 5], [[0, 0, [5, 2.701512]]]),
      ],
      leafGrads: [[0, [5, 2.701512]]],
    }],
  });
}

// ---- The seed trace ---------------------------------------------------------------------------

const SEED_KEY = Symbol.for('gradlens.test.seedTrace');

/** y = relu(x) with x = [-1, -2]: relu sends zero. Plus a NaN value and an exploding/vanishing gradient. */
export function badgeTrace(): Trace {
  return buildTrace({
    nodes: [
      variable(0, 'array', [-1, -2], at(1, 'const x = np.array([-1, -2]);', 11)),
      op(1, 'relu', [0], [0, 0], at(2, 'const r = npx.relu(x);', 15)),
      variable(2, 'array', [0, 1], at(3, 'const v = np.array([0, 1]);', 11)),
      op(3, 'log', [2], [-Infinity, 0], at(4, 'const l = np.log(v);', 11)),
      op(4, 'add', [1, 3], [-Infinity, 0], at(5, 'const s = r.add(l);', 13)),
      variable(5, 'array', [1], at(6, 'const big = np.array([1]);', 13)),
      variable(6, 'array', [1], at(7, 'const tiny = np.array([1]);', 14)),
      op(7, 'mul', [5, 6], [1], at(8, 'const m = big.mul(tiny);', 17)),
    ],
    passes: [{
      heads: [4, 7],
      headGrads: [[1, 1], [1]],
      steps: [
        step(7, [1], [[5, 0, [1e-9]], [6, 1, [5000]]]),
        step(4, [1, 1], [[1, 0, [1, 1]], [3, 1, [1, 1]]]),
        step(3, [1, 1], [[2, 0, [Infinity, 1]]]),
        step(1, [1, 1], [[0, 0, [0, 0]]]),
      ],
      leafGrads: [[0, [0, 0]], [2, [Infinity, 1]], [5, [1e-9]], [6, [5000]]],
    }],
  });
}

/** `b = b.mul(b)` three times in a loop from b = [2]: three muls of one line (a group when folded), and their pass. */
export function squaringLoopTrace(): Trace {
  const line = '  b = b.mul(b);';
  return buildTrace({
    nodes: [
      variable(0, 'array', [2], at(1, 'let b = np.array([2]);', 9)),
      op(1, 'mul', [0, 0], [4], at(2, line, 9), { iteration: 0 }),
      op(2, 'mul', [1, 1], [16], at(2, line, 9), { iteration: 1 }),
      op(3, 'mul', [2, 2], [256], at(2, line, 9), { iteration: 2 }),
    ],
    passes: [{
      heads: [3],
      steps: [step(3, [1], [[2, 0, [16]], [2, 1, [16]]]), step(2, [32], [[1, 0, [128]], [1, 1, [128]]]), step(1, [256], [[0, 0, [512]], [0, 1, [512]]])],
      leafGrads: [[0, [1024]]],
    }],
  });
}

/**
 * A training loop's passes over one graph (x = [1, 2], y = sum(x·x)): one pass per entry of
 * `lines`, at that line, each with a summary whose head is its entry of `losses` (null: no loss).
 */
export function loopPassesTrace(lines: readonly number[], losses: readonly (number | null)[] = lines.map(() => null)): Trace {
  const t = buildTrace({
    nodes: [variable(0, 'array', [1, 2], at(1, 'const x = np.array([1, 2]);')), op(1, 'mul', [0, 0], [1, 4], at(2, 'const y = x.mul(x);'))],
    passes: lines.map((line) => ({ line, heads: [1], steps: [step(1, [1, 1], [[0, 0, [1, 2]], [0, 1, [1, 2]]])], leafGrads: [[0, [2, 4]]] })),
  });
  t.backwardPasses.forEach((pass, i) => {
    const loss = losses[i] ?? null;
    pass.summary = { head: loss === null ? null : encode(loss), variables: [], nodeGradL2: [[1, Math.SQRT2]], anomalies: 0 };
  });
  return t;
}

/**
 * The trace of examples/seed/autograd.ts: the golden fixture (test/fixtures/traces/seed.gradlens.json,
 * kept current by test/capture/golden.test.ts), read once per process: the unit test files are
 * separate bundles, so the promise is kept on globalThis.
 */
export function seedTrace(): Promise<Trace> {
  const store = globalThis as unknown as Record<symbol, Promise<Trace> | undefined>;
  store[SEED_KEY] ??= Promise.resolve(seedFixture());
  return store[SEED_KEY]!;
}

export type SeedIndex = ReturnType<typeof seedIndex>;

/** In a suite: trace the seed example once before its tests and hand over the trace and its index. */
export function beforeSeed(use: (trace: Trace, index: SeedIndex) => void): void {
  suiteSetup(async () => {
    const trace = await seedTrace();
    use(trace, seedIndex(trace));
  });
}

/** Helpers over a trace: a node by id, the pass called at a line, nodes of an op at a line. */
export function seedIndex(t: Trace) {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  return {
    node: (id: number) => {
      const found = byId.get(id);
      if (!found) throw new Error(`no node ${id}`);
      return found;
    },
    passAt: (line: number) => {
      const found = t.backwardPasses.find((p) => p.source?.line === line);
      if (!found) throw new Error(`no backward pass at line ${line}`);
      return found;
    },
    nodesAt: (line: number, opName?: string, kind?: TraceNode['kind']) =>
      t.nodes.filter((n) => n.source?.line === line && (opName === undefined || n.op === opName) && (kind === undefined || n.kind === kind)),
  };
}

/** A trace as a file written now reads back: JSON-plain, version 3, every pass saying whether it was kept. */
export function asWritten(t: Trace): Trace {
  const out = JSON.parse(JSON.stringify(t)) as Trace;
  out.version = 3;
  for (const pass of out.backwardPasses) pass.kept ??= true;
  return out;
}

/**
 * A training loop of `passes` passes at line 9: pass i reads its w and makes y = w·w; w's value is
 * [i + 1, i + 2], so the last pass's values are told apart from the others'. One part a pass;
 * `shared`: y also reads the first pass's w (as a batch reads data made before the loop), so
 * every part needs part 0 — else each pass reads only its own w and the parts need none other.
 * Each w is the one before updated in place (its `previous`), which is no need.
 */
export function inPlaceLoopTrace(passes: number, shared = false): Trace {
  const t = loopPassesTrace(Array.from({ length: passes }, () => 9), Array.from({ length: passes }, (_, i) => 1 / (i + 1)));
  const [w0, y0] = t.nodes as [Trace['nodes'][number], Trace['nodes'][number]];
  t.nodes = [];
  t.backwardPasses.forEach((pass, i) => {
    const values = [i + 1, i + 2];
    const w = { ...w0, id: 2 * i, iteration: i, value: { ...w0.value, data: values }, ...(i > 0 ? { previous: 2 * (i - 1) } : {}) };
    const y = { ...y0, id: 2 * i + 1, inputs: [2 * i, shared ? 0 : 2 * i], iteration: i, value: { ...y0.value, data: values.map((v) => v * v) } };
    delete w.grad;
    delete y.grad;
    t.nodes.push(w, y);
    pass.heads = [y.id];
    pass.lastNode = y.id;
    pass.steps = pass.steps.map((s) => ({ ...s, node: y.id, contributions: s.contributions.map((c) => ({ ...c, input: c.index === 1 && shared ? 0 : w.id })) }));
    pass.leafGrads = pass.leafGrads.map((leaf) => ({ ...leaf, node: w.id }));
    pass.summary = { ...pass.summary!, nodeGradL2: [[y.id, Math.SQRT2]] };
  });
  t.recordings = [];
  for (const n of t.nodes) n.recordingId = null;
  const checked = validateTrace(JSON.parse(JSON.stringify(t)));
  if (!checked.ok) throw new Error(checked.problems.join('\n'));
  return checked.trace;
}

