/**
 * A large trace of tiny tensors, built where it is used: in Node, or inside a browser page through
 * `page.evaluate(tinyTrace, n)` — a trace of a million nodes is hundreds of MB of JSON, too much to
 * hand to a page as text, but cheap to make in it. The graph is the synthetic one of
 * synthetic-trace.ts (layers `h = tanh(h · w + b)`, a residual add every 4 layers, a scalar loss)
 * with scalar values, one recording of every op and one backward pass of one step per op. The
 * function is self-contained (no imports, no outer names), as page.evaluate requires.
 */
import type { Trace } from '../protocol/trace';

export function tinyTrace(targetNodes: number): Trace {
  let state = 1;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.round((state / 4294967296 - 0.5) * 1e4) / 1e4;
  };
  const scalar = () => {
    const v = random();
    return { shape: [] as number[], dtype: 'float32' as const, data: [v], stats: { min: v, max: v, mean: v, std: 0, l2: Math.abs(v), nan: 0, inf: 0, zeros: v === 0 ? 1 : 0 } };
  };
  const file = '/bench/model.ts';
  const lines: Record<number, string> = { 2: 'const x = np.array(input);', 10: 'const w = np.random.normal(0, 1, []);', 11: 'const b = np.zeros([]);', 20: '  let z = h.mul(w);', 21: '  z = z.add(b);', 22: '  h = np.tanh(z);', 23: '  h = h.add(skip);', 30: 'const loss = h.sum();' };
  // One op per line here, so a line's count is its iteration. Little garbage: a million nodes
  // already take most of a page's heap.
  const iterations: number[] = [];
  const nodes: Trace['nodes'] = [];
  const add = (kind: 'op' | 'variable', op: string, inputs: number[], line: number): number => {
    const id = nodes.length;
    const iteration = iterations[line] ?? 0;
    iterations[line] = iteration + 1;
    const node: Trace['nodes'][number] = {
      id, kind, op, inputs, attrs: {}, shape: [], dtype: 'float32', trainMode: true, recording: kind === 'op', inGraph: true,
      source: { file, line, column: 5, text: lines[line]!, function: 'forward' }, iteration, recordingId: kind === 'op' ? 0 : null, value: scalar(),
    };
    if (kind === 'variable') node.gradReq = 'write';
    nodes.push(node);
    return id;
  };
  let h = add('variable', 'array', [], 2);
  let skip = h;
  let layer = 0;
  while (nodes.length + 8 < targetNodes) {
    const w = add('variable', 'random.normal', [], 10);
    const product = add('op', 'mul', [h, w], 20);
    const b = add('variable', 'zeros', [], 11);
    const sum = add('op', 'add', [product, b], 21);
    h = add('op', 'tanh', [sum], 22);
    layer++;
    if (layer % 4 === 0) {
      h = add('op', 'add', [h, skip], 23);
      skip = h;
    }
  }
  const loss = add('op', 'sum', [h], 30);
  const steps: Trace['backwardPasses'][number]['steps'] = [];
  const ops: number[] = [];
  const leafGrads: Trace['backwardPasses'][number]['leafGrads'] = [];
  for (let id = loss; id >= 0; id--) {
    const node = nodes[id]!;
    if (node.kind === 'variable') { leafGrads.push({ node: id, gradReq: 'write', grad: scalar() }); continue; }
    steps.push({ node: id, upstream: scalar(), contributions: node.inputs.map((input, index) => ({ input, index, grad: scalar() })) });
  }
  for (const node of nodes) if (node.kind === 'op') ops.push(node.id);
  return {
    format: 'gradlens-trace',
    version: 1,
    run: {
      file, argv: [], engineVersion: 'synthetic', seed: 1, startedAt: '1970-01-01T00:00:00.000Z', durationMs: 31_000, exitCode: null, signal: 'SIGKILL',
      timedOut: true, stdout: '', stderr: '', maxElements: 1024, outcome: { kind: 'timed-out', afterMs: 30_000 },
    },
    nodes,
    recordings: [{ id: 0, source: { file, line: 15, column: 14, text: 'const loss = autograd.record(() => forward(x));' }, trainMode: true, nodes: ops, outputs: [loss], closed: true }],
    backwardPasses: [{
      id: 0, kind: 'backward', source: { file, line: 31, column: 6, text: 'loss.backward();' }, heads: [loss], headGrads: [scalar()],
      implicitHeadGrads: [true], retainGraph: false, createGraph: false, steps, leafGrads, lastNode: loss,
    }],
    graphBreaks: [],
    anomalies: [],
  };
}
