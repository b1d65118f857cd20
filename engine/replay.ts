/**
 * Replaying a recorded graph: the ops the tape holds between some variables and some heads,
 * evaluated again (forwardRules.ts) as a function of new values for those variables. This is what
 * lets a gradient check run on what a program actually recorded — inside a loop, a closure or a
 * model — without the program's code: `gradcheckRecorded` checks every variable a head depends on.
 */
import { isFloat } from './dtype';
import { engineError } from './errors';
import { forwardRules, type ForwardRule } from './forwardRules';
import { gradcheck, type GradcheckOptions, type GradcheckReport } from './gradcheck';
import { NDArray } from './ndarray';
import type { OpName } from './ops/attrs';
import { concatenate, reshape } from './ops/layout';
import { withMode } from './state';
import { checkOptions } from './strict';
import type { TapeNode } from './tape';

export interface RecordedGraph {
  /** The recorded ops between the variables and the heads, each after its inputs' ops. */
  nodes: TapeNode[];
  /** The arrays gradient flows to: the given ones, or every variable leaf the heads depend on. */
  variables: NDArray[];
}

/** The recorded graph behind `heads`, down to `variables` (default: their variable leaves). */
export function recordedGraph(op: string, heads: readonly NDArray[], variables?: readonly NDArray[]): RecordedGraph {
  const stop = new Set(variables ?? []);
  const found: NDArray[] = [];
  const seen = new Set<TapeNode>();
  const pending: TapeNode[] = [];
  heads.forEach((head, i) => {
    if (!(head instanceof NDArray)) throw engineError(op, `head ${i} must be an NDArray`);
    if (head._node === null) throw engineError(op, `head ${i} has no recorded graph: compute it inside autograd.record() from arrays with attachGrad()`);
    pending.push(head._node);
  });
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (seen.has(node)) continue;
    if (node.freed) throw engineError(op, `the graph (its '${node.op}' op, node #${node.id}) was freed by a backward pass: replay it before backward, or backward with { retainGraph: true }`);
    seen.add(node);
    node.inputs.forEach((input, i) => {
      if (!node.needsGrad[i] || stop.has(input)) return;
      const parent = node.parents[i]!;
      if (parent !== null) pending.push(parent);
      else if (variables === undefined && !found.includes(input)) found.push(input);
    });
  }
  // Node ids grow as ops run: ascending ids put every op after the ops it read.
  const nodes = [...seen].sort((a, b) => a.id - b.id);
  return { nodes, variables: variables ? [...variables] : found };
}

/**
 * `graph` as a function: new values for its variables in, the heads computed again out. Arrays
 * outside the graph (constants, dropout masks) keep the values they had when recorded; each op runs
 * in the mode (training or prediction) it was recorded in, with recording on.
 */
export function replayFunction(graph: RecordedGraph, heads: readonly NDArray[]): (...values: NDArray[]) => NDArray[] {
  return (...values) => {
    const substitute = new Map<NDArray, NDArray>();
    graph.variables.forEach((variable, i) => substitute.set(variable, values[i]!));
    const outputs = new Map<TapeNode, NDArray>();
    const valueOf = (node: TapeNode, i: number): NDArray => {
      const input = node.inputs[i]!;
      const replaced = substitute.get(input);
      if (replaced) return replaced;
      const parent = node.parents[i];
      return (node.needsGrad[i] && parent ? outputs.get(parent) : undefined) ?? input;
    };
    for (const node of graph.nodes) {
      const inputs = node.inputs.map((_, i) => valueOf(node, i));
      // A cast to a narrower float would throw the check's float64 precision away: it is kept wide.
      const keepWide = node.op === 'astype' && isFloat((node.attrs as { dtype: NDArray['dtype'] }).dtype) && inputs[0]!.dtype === 'float64';
      const rule = (keepWide ? forwardRules.copy : forwardRules[node.op]) as ForwardRule<OpName>;
      outputs.set(node, withMode(true, node.trainMode, () => rule(inputs, node.attrs, node)));
    }
    return heads.map((head) => substitute.get(head) ?? outputs.get(head._node!)!);
  };
}

export interface RecordedGradcheckReport extends GradcheckReport {
  /** The arrays checked, in the order of `inputs`. */
  variables: NDArray[];
}

/**
 * A numeric gradient check of the graph recorded behind `heads`: the graph is replayed in float64
 * with each variable moved by ±eps (`gradcheck`) and the scalar checked is Σ headGrad · head, as in
 * backward (`headGrads` default to ones). Call it before `backward` frees the graph.
 *
 * ```ts
 * const y = autograd.record(() => np.dot(x, x).mul(2));
 * autograd.gradcheckRecorded(y).ok; // true
 * ```
 */
export function gradcheckRecorded(
  heads: NDArray | readonly NDArray[],
  options: Omit<GradcheckOptions, 'weights'> & { variables?: readonly NDArray[]; headGrads?: readonly NDArray[] } = {},
): RecordedGradcheckReport {
  checkOptions('autograd.gradcheckRecorded', options, ['eps', 'atol', 'rtol', 'trainMode', 'elements', 'variables', 'headGrads']);
  const list = heads instanceof NDArray ? [heads] : [...heads];
  if (list.length === 0) throw engineError('autograd.gradcheckRecorded', 'needs at least one head array');
  const graph = recordedGraph('autograd.gradcheckRecorded', list, options.variables);
  const variables = graph.variables.filter((v) => isFloat(v.dtype));
  if (variables.length === 0) throw engineError('autograd.gradcheckRecorded', 'the heads depend on no float variable');
  const replay = replayFunction({ ...graph, variables }, list);
  const flat = (...values: NDArray[]): NDArray => {
    const outs = replay(...values).map((out) => reshape(out, [out.size]));
    return outs.length === 1 ? outs[0]! : concatenate(outs, 0);
  };
  // The scalar checked is the one backward differentiates: Σ headGrad · head (ones by default),
  // so the analytic side is exactly the gradient backward would give.
  if (options.headGrads && options.headGrads.length !== list.length) {
    throw engineError('autograd.gradcheckRecorded', `got ${options.headGrads.length} head gradients for ${list.length} heads`);
  }
  const weights = new Float64Array(list.reduce((n, head) => n + head.size, 0)).fill(1);
  let offset = 0;
  list.forEach((head, i) => {
    const given = options.headGrads?.[i];
    if (given && given.size !== head.size) throw engineError('autograd.gradcheckRecorded', `head gradient ${i} has ${given.size} elements but head ${i} has ${head.size}`);
    if (given) for (let j = 0; j < given.size; j++) weights[offset + j] = given._data[j]!;
    offset += head.size;
  });
  const { variables: _variables, headGrads: _headGrads, ...tolerances } = options;
  const report = gradcheck(flat, variables, { ...tolerances, weights: new NDArray(weights, [weights.length], 'float64') });
  return { ...report, variables };
}
