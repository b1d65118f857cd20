// The step panel's local rules (webview/model/rules.ts): one specific rule per engine op, the
// texts of the key ops, attributes made concrete, leaves and unknown ops.
import { strict as assert } from 'node:assert';
import { gradRules } from '../../engine/gradRules';
import { localRule, RULE_OPS, type LocalRule } from '../../webview/model/rules';
import { UNARY_OPS } from '../../engine/ops/defs/unary';
import { NN_OPS } from '../../engine/ops/defs/nn';
import { INDEXING_OPS } from '../../engine/ops/defs/indexing';
import { ELEMENTWISE_OPS } from '../../engine/ops/defs/elementwise';
import { REDUCE_OPS } from '../../engine/ops/defs/reduce';
import { LINALG_OPS } from '../../engine/ops/defs/linalg';
import { LAYOUT_OPS } from '../../engine/ops/defs/layout';
import { CONV_OPS } from '../../engine/ops/defs/conv';
import { MATH_OPS } from '../../engine/ops/defs/math';

/** Realistic recorded attributes (as the tape records them) for the ops that have any. */
const ATTRS: Record<string, Record<string, unknown>> = {
  clip: { min: 0, max: 1 },
  sum: { axis: [1], keepdims: false }, mean: { axis: [0, 1], keepdims: false },
  max: { axis: [1], keepdims: true }, min: { axis: [0], keepdims: false },
  argmax: { axis: null }, argmin: { axis: 1 },
  transpose: { axes: [1, 2, 0] }, reshape: { shape: [2, 3] }, expandDims: { axis: 0 }, squeeze: { axis: [0] },
  broadcastTo: { shape: [3, 4] }, concatenate: { axis: 0 }, stack: { axis: 1 }, at: { index: 2 },
  take: { axis: null }, takeGrad: { axis: 0, shape: [5, 2] }, takeAlongAxis: { axis: 1 }, takeAlongAxisGrad: { axis: 1, size: 5 },
  sort: { axis: 0 }, astype: { dtype: 'float64' }, softmax: { axis: 1 }, logSoftmax: { axis: 1 },
  dropout: { p: 0.5, active: true }, batchNorm: { eps: 1e-5, momentum: 0.9, axis: 1, useBatchStats: true },
  convolution: { kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilate: [1, 1], numGroup: 1, noBias: false },
  convolutionGradData: { kernel: [3, 3], stride: [2, 2], pad: [1, 1], dilate: [1, 1], numGroup: 1, dataShape: [2, 3, 5, 5] },
  convolutionGradWeight: { kernel: [3], stride: [1], pad: [0], dilate: [2], numGroup: 1, weightShape: [4, 3, 3] },
  pooling: { kernel: [2, 2], stride: [2, 2], pad: [0, 0], poolType: 'max', globalPool: false },
  poolingGrad: { kernel: [3, 3], stride: [2, 2], pad: [1, 1], poolType: 'avg', globalPool: false, dataShape: [1, 2, 5, 5] },
  var: { axis: [1], keepdims: false, ddof: 1 }, std: { axis: [0, 1], keepdims: true, ddof: 0 }, prod: { axis: [0], keepdims: false },
  any: { axis: [0, 1], keepdims: false }, all: { axis: [1], keepdims: true }, norm: { ord: 'inf', axis: [1, 0], keepdims: false },
  pad: { padWidth: [[1, 2], [0, 0]], mode: 'reflect', constantValue: 0 }, padGrad: { padWidth: [[1, 1]], mode: 'constant', shape: [3] },
  repeat: { repeats: [1, 2], axis: 0 }, tile: { reps: [2, 3] }, split: { axis: 1, begin: 2, end: 5 }, flip: { axis: [0, 1] },
  cumsum: { axis: null, reverse: false }, einsum: { equation: 'ij,jk,k->i', shape: [2] },
  pick: { axis: 1, keepdims: false, mode: 'clip' }, oneHot: { depth: 10, onValue: 1, offValue: 0, dtype: 'float32' },
  batchDot: { transposeA: false, transposeB: true }, sequenceMask: { useSequenceLength: true, value: 0, axis: 1 },
  maskedSoftmax: { axis: -1, temperature: 1 }, layerNorm: { axis: 2, eps: 1e-5 }, embedding: { inputDim: 100, outputDim: 8 },
  leakyRelu: { actType: 'leaky', slope: 0.25 },
};

/** The definitions of every op but the unary ones (which have one input). */
const DEFINED: Record<string, { inputs: readonly string[] | 'list' }> = { ...NN_OPS, ...ELEMENTWISE_OPS, ...REDUCE_OPS, ...LINALG_OPS, ...LAYOUT_OPS, ...INDEXING_OPS, ...CONV_OPS, ...MATH_OPS };

/** How many inputs the engine records for each op, as its definition says (list ops: any number; 3 here). */
function arity(op: string): number {
  if (Object.hasOwn(UNARY_OPS, op)) return 1;
  const { inputs } = DEFINED[op]!;
  return inputs === 'list' ? 3 : inputs.length;
}

const isGeneric = (r: LocalRule) => /^a leaf|^unknown op/.test(r.summary);
const texts = (r: LocalRule) => [r.summary, r.formula, ...r.partials];

suite('local rules', () => {
  test('RULE_OPS is exactly the gradient table of the engine', () => {
    assert.deepEqual([...RULE_OPS].sort(), Object.keys(gradRules).sort());
  });

  test('every op has its own rule, with one partial per input, with recorded attrs and with none', () => {
    for (const op of RULE_OPS) {
      for (const attrs of [ATTRS[op] ?? {}, {}]) {
        const r = localRule(op, attrs, arity(op));
        assert.ok(!isGeneric(r), `${op}: generic rule '${r.summary}'`);
        assert.ok(r.summary.startsWith(`${op} `), `${op}: the summary names the op: '${r.summary}'`);
        assert.match(r.formula, /^(out|y) = /, op);
        assert.equal(r.partials.length, arity(op), op);
        for (const text of texts(r)) {
          assert.doesNotMatch(text, /undefined|NaN|\[object|\\|\^\{|\$/, `${op}: '${text}'`); // no leaks, no LaTeX
        }
      }
    }
  });

  test('the key ops, word for word', () => {
    assert.deepEqual(localRule('add', {}, 2), {
      summary: "add adds elementwise: each input's gradient is the upstream gradient",
      formula: 'out = a + b',
      partials: ['∂out/∂a = 1', '∂out/∂b = 1'],
      broadcast: true,
    });
    assert.deepEqual(localRule('mul', {}, 2), {
      summary: "mul multiplies elementwise: each input's gradient is the upstream gradient times the other input",
      formula: 'out = a · b',
      partials: ['∂out/∂a = b', '∂out/∂b = a'],
      broadcast: true,
    });
    assert.deepEqual(localRule('dot', {}, 2), {
      summary: "dot is NumPy's dot product (an inner product of two vectors, a matrix product otherwise): a's gradient is the upstream gradient times bᵀ, b's is aᵀ times the upstream gradient",
      formula: 'out = dot(a, b)',
      partials: ['∂L/∂a = g · bᵀ', '∂L/∂b = aᵀ · g'],
      broadcast: false,
    });
    assert.deepEqual(localRule('matmul', {}, 2), {
      summary: "matmul multiplies matrices, batched over the leading axes: a's gradient is the upstream gradient times bᵀ, b's is aᵀ times the upstream gradient (summed over broadcast batches)",
      formula: 'out = a @ b',
      partials: ['∂L/∂a = g @ bᵀ', '∂L/∂b = aᵀ @ g'],
      broadcast: true,
    });
    assert.deepEqual(localRule('relu', {}, 1), {
      summary: 'relu keeps the positive part elementwise: the upstream gradient passes where a > 0 and is zero elsewhere',
      formula: 'out = max(a, 0)',
      partials: ['∂out/∂a = 1 where a > 0, else 0'],
      broadcast: false,
    });
    assert.deepEqual(localRule('sum', { axis: [1], keepdims: false }, 1), {
      summary: 'sum sums over axis [1]: every summed element receives the upstream gradient unchanged (g broadcast back over axis [1])',
      formula: 'out = Σ a over axis [1]',
      partials: ['∂out/∂a = 1 (g broadcast back over axis [1])'],
      broadcast: false,
    });
    assert.deepEqual(localRule('softmax', { axis: 1 }, 1), {
      summary: 'softmax turns a into probabilities along axis 1: its gradient is y times (the upstream gradient minus its y-weighted sum)',
      formula: 'y = eᵃ / Σ eᵃ along axis 1',
      partials: ['∂yᵢ/∂aⱼ = yᵢ · (δᵢⱼ − yⱼ), so ∂L/∂a = y · (g − Σ g · y)'],
      broadcast: false,
    });
  });

  test('comparisons, argmax and argmin are not differentiable', () => {
    for (const op of ['equal', 'notEqual', 'less', 'greater', 'lessEqual', 'greaterEqual', 'argmax', 'argmin']) {
      const r = localRule(op, ATTRS[op] ?? {}, arity(op));
      assert.match(r.summary, /not differentiable: no gradient flows through it$/, op);
      for (const partial of r.partials) assert.match(partial, /: no gradient$/, op);
    }
    assert.equal(localRule('greaterEqual', {}, 2).formula, 'out = (a ≥ b)');
    assert.equal(localRule('argmax', { axis: null }, 1).formula, 'out = argmax a of the flattened array');
    assert.equal(localRule('argmin', { axis: 1 }, 1).formula, 'out = argmin a along axis 1');
  });

  test('inputs that get no gradient say so, at their index', () => {
    assert.equal(localRule('where', {}, 3).partials[0], 'condition: no gradient');
    assert.equal(localRule('take', { axis: 0 }, 2).partials[1], 'indices: no gradient');
    assert.equal(localRule('takeAlongAxis', { axis: 0 }, 2).partials[1], 'indices: no gradient');
    assert.equal(localRule('takeGrad', { axis: 0, shape: [3] }, 2).partials[1], 'indices: no gradient');
    assert.deepEqual(localRule('batchNorm', ATTRS['batchNorm']!, 5).partials.slice(3), ['running mean: no gradient', 'running variance: no gradient']);
  });

  test('broadcasting ops are flagged', () => {
    for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'where', 'matmul', 'broadcastTo', 'tanhGrad']) {
      assert.equal(localRule(op, ATTRS[op] ?? {}, arity(op)).broadcast, true, op);
    }
    for (const op of ['relu', 'exp', 'sum', 'dot', 'softmax', 'equal', 'concatenate']) {
      assert.equal(localRule(op, ATTRS[op] ?? {}, arity(op)).broadcast, false, op);
    }
  });

  test('attributes make the text concrete', () => {
    assert.equal(localRule('mean', { axis: [0, 1], keepdims: false }, 1).partials[0],
      '∂out/∂a = 1/n (g broadcast back over axes [0, 1]), n = the number of elements averaged');
    assert.equal(localRule('clip', { min: 0, max: 6 }, 1).partials[0], '∂out/∂a = 1 where 0 ≤ a ≤ 6, else 0');
    assert.equal(localRule('clip', { min: null, max: 3 }, 1).formula, 'out = clip(a, −∞, 3)');
    assert.equal(localRule('transpose', { axes: [1, 2, 0] }, 1).partials[0], '∂L/∂a = g with axes permuted by [2, 0, 1]');
    const dropout = localRule('dropout', { p: 0.2, active: true }, 1);
    assert.equal(dropout.formula, 'out = a · mask / (1 − 0.2)');
    assert.match(dropout.summary, /probability 0\.2 and scales the others by 1\.25:/);
    assert.equal(localRule('dropout', { p: 0.2, active: false }, 1).formula, 'out = a');
    assert.match(localRule('reshape', { shape: [4] }, 1).formula, /reshaped to \(4,\)$/);
    // Dimensions exactly, however large (numbers elsewhere are rounded to 4 digits).
    assert.equal(localRule('broadcastTo', { shape: [12345, 3] }, 1).formula, 'out = a broadcast to (12345, 3)');
    assert.match(localRule('reshape', { shape: [60000, 784] }, 1).formula, /reshaped to \(60000, 784\)$/);
    assert.deepEqual(localRule('concatenate', { axis: 0 }, 2).partials, ['∂L/∂a₀ = the slice of g where a₀ landed', '∂L/∂a₁ = the slice of g where a₁ landed']);
    assert.equal(localRule('stack', { axis: 0 }, 12).partials[11], '∂L/∂a₁₁ = g at index 11 of the new axis 0');
    assert.match(localRule('batchNorm', { ...ATTRS['batchNorm'], useBatchStats: false }, 5).partials[0]!, /running statistics are constants/);
  });

  test('leaves: creation functions, constants, ops run outside record', () => {
    for (const op of ['arange', 'array', 'random.normal', 'detach']) {
      assert.deepEqual(localRule(op, {}, 0), {
        summary: `a leaf made by ${op}: its gradient is the sum of what reaches it`, formula: `leaf: ${op}`, partials: [], broadcast: false,
      });
    }
    assert.match(localRule('constant', {}, 0).summary, /^a leaf \(a JavaScript number turned into an array\): its gradient is the sum of what reaches it$/);
    assert.match(localRule('mul', {}, 0).summary, /^a leaf \(mul ran outside record.*\): its gradient is the sum of what reaches it$/);
  });

  test('unknown ops get a generic rule with a partial per input', () => {
    const r = localRule('frobnicate', {}, 2);
    assert.match(r.summary, /^unknown op 'frobnicate'/);
    assert.deepEqual(r.partials, ['input 0: unknown rule', 'input 1: unknown rule']);
    assert.equal(localRule('toString', {}, 1).summary.startsWith('unknown op'), true, 'no lookup through the prototype');
  });

  test('a rule recorded with an unexpected number of inputs still gives one partial per input', () => {
    assert.deepEqual(localRule('neg', {}, 2).partials, ['∂out/∂a = −1', 'input 1: no rule for this input']);
    assert.deepEqual(localRule('add', {}, 1).partials, ['∂out/∂a = 1']);
  });
});
