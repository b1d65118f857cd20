/**
 * Synthetic traces shaped like autograd graphs, of any size, for the inspector benchmark: a deep
 * chain of layers `h = tanh(h · w + b)` with residual connections every few layers (so nodes are
 * reached along several paths), each weight and bias a variable leaf, a scalar loss at the end,
 * and a complete backward pass (one step per op, contributions to every input). Values are small
 * vectors, as in a traced program with --max-elements; what is measured is the number of nodes.
 */
import { statsOf, TRACE_FORMAT, TRACE_VERSION, type BackwardStep, type Tensor, type Trace, type TraceNode } from '../protocol/trace';

function tensor(values: number[]): Tensor {
  return { shape: [values.length], dtype: 'float32', data: values, stats: statsOf(values) };
}

function scalar(value: number): Tensor {
  return { shape: [], dtype: 'float32', data: [value], stats: statsOf([value]) };
}

export function syntheticTrace(targetNodes: number, seed = 1): Trace {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296 - 0.5;
  };
  const vector = () => tensor([random(), random(), random(), random()].map((v) => Number(v.toFixed(4))));
  const nodes: TraceNode[] = [];
  const file = '/bench/model.ts';
  const add = (kind: TraceNode['kind'], op: string, inputs: number[], line: number, value: Tensor, text: string): number => {
    const id = nodes.length;
    nodes.push({
      id, kind, op, inputs, attrs: {}, shape: value.shape, dtype: 'float32', trainMode: true, recording: kind === 'op',
      inGraph: true, ...(kind === 'variable' ? { gradReq: 'write' as const } : {}),
      source: { file, line, column: 5, text, function: 'forward' }, iteration: 0, recordingId: kind === 'op' ? 0 : null, value,
    });
    return id;
  };
  let h = add('variable', 'array', [], 2, vector(), 'const x = np.array(input);');
  const residualEvery = 4;
  let skip = h;
  let layer = 0;
  // Each layer: w (leaf), mul, b (leaf), add, tanh = 5 nodes; a residual add every few layers.
  while (nodes.length + 8 < targetNodes) {
    const w = add('variable', 'random.normal', [], 10, vector(), 'const w = np.random.normal(0, 1, [4]);');
    const product = add('op', 'mul', [h, w], 20, vector(), '  let z = h.mul(w);');
    const b = add('variable', 'zeros', [], 11, vector(), 'const b = np.zeros([4]);');
    const sum = add('op', 'add', [product, b], 21, vector(), '  z = z.add(b);');
    h = add('op', 'tanh', [sum], 22, vector(), '  h = np.tanh(z);');
    layer++;
    if (layer % residualEvery === 0) {
      h = add('op', 'add', [h, skip], 23, vector(), '  h = h.add(skip);');
      skip = h;
    }
  }
  const loss = add('op', 'sum', [h], 30, scalar(random()), 'const loss = h.sum();');
  // Fix the iteration index of every repeated position, as the capture does.
  const runs = new Map<string, number>();
  for (const node of nodes) {
    const key = `${node.source!.line}:${node.kind}:${node.op}`;
    node.iteration = runs.get(key) ?? 0;
    runs.set(key, node.iteration + 1);
  }
  // Backward: every op, from the loss back, sends a vector to each input.
  const steps: BackwardStep[] = [];
  for (let id = loss; id >= 0; id--) {
    const node = nodes[id]!;
    if (node.kind !== 'op') continue;
    steps.push({ node: id, upstream: id === loss ? scalar(1) : vector(), contributions: node.inputs.map((input, index) => ({ input, index, grad: vector() })) });
  }
  const variables = nodes.filter((n) => n.kind === 'variable');
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    run: {
      file, argv: [], engineVersion: 'synthetic', seed, startedAt: new Date(0).toISOString(), durationMs: 0, exitCode: 0,
      timedOut: false, stdout: '', stderr: '', maxElements: 1024,
    },
    nodes,
    recordings: [{ id: 0, source: { file, line: 15, column: 14, text: 'const loss = autograd.record(() => forward(x));' }, trainMode: true, nodes: nodes.filter((n) => n.kind === 'op').map((n) => n.id), outputs: [loss], closed: true }],
    backwardPasses: [{
      id: 0, kind: 'backward', source: { file, line: 31, column: 6, text: 'loss.backward();' }, heads: [loss], headGrads: [scalar(1)],
      implicitHeadGrads: [true], retainGraph: false, createGraph: false, steps, kept: true,
      leafGrads: variables.map((v) => ({ node: v.id, gradReq: 'write' as const, grad: vector() })),
    }],
    graphBreaks: [],
    anomalies: [],
  };
}
