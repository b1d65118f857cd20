// MXNet's npx layers and lookups (engine/ops/nn.ts, engine/ops/lookup.ts): forward values as MXNet
// gives them, the gradients' routing, what the tape records, a replayed check of a small attention
// step made of them, and every argument refused with a message naming the function and the option.
import { strict as assert } from 'node:assert';
import { np, npx, autograd, GradLensError, NDArray } from 'gradlens';
import { assertClose, expectError, flat } from '../helpers';
import { localRule } from '../../webview/model/rules';

const ints = (values: number[]) => np.array(values, { dtype: 'int32' });
/** MXNet's pick example: three rows of two. */
const X = () => np.array([[1, 2], [3, 4], [5, 6]]);

/** The refusal of `fn`: a GradLensError of `op` whose message matches `pattern`. */
function refused(op: string, fn: () => unknown, pattern: RegExp): void {
  const error = expectError(fn, pattern);
  assert.ok(error instanceof GradLensError, `${error.name}: ${error.message}`);
  assert.equal(error.op, op);
}

/** x's gradient of Σ head·fn(x) (head: ones by default). */
function gradOf(x: NDArray, fn: (x: NDArray) => NDArray, head?: NDArray): NDArray {
  x.attachGrad();
  const y = autograd.record(() => fn(x));
  y.backward(head);
  return x.grad!;
}

suite('npx.pick', () => {
  test("MXNet's examples: along axis 1 and 0, keepdims, an index clipped", () => {
    assert.deepEqual(flat(npx.pick(X(), ints([0, 1, 0]))), [1, 4, 5]);
    assert.deepEqual(flat(npx.pick(X(), ints([0, 1]), { axis: 0 })), [1, 4]);
    const kept = npx.pick(X(), np.array([[1], [0], [2]]), { axis: 1, keepdims: true });
    assert.deepEqual(kept.shape, [3, 1]);
    assert.deepEqual(flat(kept), [2, 3, 6]); // 2 clipped to 1
    assert.deepEqual(npx.pick(X(), ints([1, 0, 1]), { keepdims: true }).shape, [3, 1]);
    assert.deepEqual(npx.pick(X(), np.array([[1, 0]]), { axis: 0 }).shape, [2], 'the index may keep the axis as length 1');
  });

  test("mode 'wrap' takes indices modulo the length; float indices are truncated toward zero", () => {
    assert.deepEqual(flat(npx.pick(X(), ints([-1, 2, 3]), { mode: 'wrap' })), [2, 3, 6]);
    assert.deepEqual(flat(npx.pick(X(), ints([-1, 2, 3]))), [1, 4, 6]);
    assert.deepEqual(flat(npx.pick(X(), np.array([1.9, -0.5, 0.2]))), [2, 3, 5]);
  });

  test('3-D data along the middle axis; the dtype is kept', () => {
    const x = np.arange(24, { dtype: 'int32' }).reshape([2, 3, 4]);
    const picked = npx.pick(x, ints([0, 1, 2, 0, 2, 2, 1, 0]).reshape([2, 4]), { axis: 1 });
    assert.equal(picked.dtype, 'int32');
    assert.deepEqual(picked.shape, [2, 4]);
    assert.deepEqual(flat(picked), [0, 5, 10, 3, 20, 21, 18, 15]);
  });

  test('the gradient goes back where each element was picked; repeated picks add up', () => {
    const x = np.zeros([2, 3], { dtype: 'float64' });
    const grad = gradOf(x, (a) => npx.pick(a, ints([2, 0])).add(npx.pick(a, ints([2, 1]))).mul(np.array([1, 10], { dtype: 'float64' })));
    assert.deepEqual(flat(grad), [0, 0, 2, 10, 10, 0]);
  });
});

suite('npx.oneHot', () => {
  test('rows of depth with onValue at the index; an index out of range gives a row of offValue', () => {
    const y = npx.oneHot(ints([1, 0, 3, -1]), 3);
    assert.equal(y.dtype, 'float32');
    assert.deepEqual(y.shape, [4, 3]);
    assert.deepEqual(flat(y), [0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('on and off values, dtypes, float indices of whole numbers, 2-D indices', () => {
    assert.deepEqual(flat(npx.oneHot(np.array([2]), 4, { onValue: 5, offValue: -1, dtype: 'int32' })), [-1, -1, 5, -1]);
    const y = npx.oneHot(np.array([[0, 1], [1, 1]], { dtype: 'float64' }), 2, { dtype: 'float64' });
    assert.equal(y.dtype, 'float64');
    assert.deepEqual(y.shape, [2, 2, 2]);
    assert.deepEqual(flat(y), [1, 0, 0, 1, 0, 1, 0, 1]);
    assert.equal(npx.oneHot(ints([0]), 2, { dtype: 'bool' }).dtype, 'bool');
    assert.deepEqual(npx.oneHot(ints([]), 3).shape, [0, 3]);
  });

  test('is not differentiable: float indices that ask for a gradient get zeros', () => {
    const labels = np.array([0, 2], { dtype: 'float64' });
    const grad = gradOf(labels, (a) => npx.oneHot(a, 3, { dtype: 'float64' }).mul(2));
    assert.deepEqual(flat(grad), [0, 0]);
  });
});

suite('npx.batchDot', () => {
  const a = () => np.arange(24).reshape([2, 3, 4]);
  const b = () => np.arange(16).reshape([2, 4, 2]);

  test('equals np.matmul batch by batch, with every transpose', () => {
    assertClose(npx.batchDot(a(), b()), np.matmul(a(), b()));
    assertClose(npx.batchDot(np.transpose(a(), [0, 2, 1]), b(), { transposeA: true }), np.matmul(a(), b()));
    assertClose(npx.batchDot(a(), np.transpose(b(), [0, 2, 1]), { transposeB: true }), np.matmul(a(), b()));
    assertClose(npx.batchDot(np.transpose(a(), [0, 2, 1]), np.transpose(b(), [0, 2, 1]), { transposeA: true, transposeB: true }), np.matmul(a(), b()));
  });

  test('more than one batch axis; integers stay integers', () => {
    const x = np.arange(24, { dtype: 'int32' }).reshape([2, 2, 2, 3]);
    const y = np.ones([2, 2, 3, 1], { dtype: 'int32' });
    const z = npx.batchDot(x, y);
    assert.equal(z.dtype, 'int32');
    assert.deepEqual(z.shape, [2, 2, 2, 1]);
    assert.deepEqual(flat(z), [3, 12, 21, 30, 39, 48, 57, 66]);
  });
});

suite('npx.sequenceMask', () => {
  test('axis 0: data (T, N, C), steps t ≥ length[n] set to value', () => {
    const x = np.arange(12).reshape([3, 2, 2]).add(1);
    const y = npx.sequenceMask(x, ints([1, 3]), { value: -1 });
    assert.deepEqual(flat(y), [1, 2, 3, 4, -1, -1, 7, 8, -1, -1, 11, 12]);
  });

  test('axis 1: data (N, T); float lengths truncated; a length past T masks nothing', () => {
    const y = npx.sequenceMask(np.ones([3, 4]), np.array([1, 2.9, 6]), { axis: 1 });
    assert.deepEqual(flat(y), [1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1]);
    assert.deepEqual(flat(npx.sequenceMask(np.ones([2, 2], { dtype: 'int32' }), ints([0, 1]), { axis: 1, value: 7 })), [7, 7, 1, 7]);
  });

  test('useSequenceLength false: the data unchanged (lengths may be left out)', () => {
    const x = np.array([[1, 2], [3, 4]]);
    assert.deepEqual(flat(npx.sequenceMask(x, null, { useSequenceLength: false })), [1, 2, 3, 4]);
    assert.deepEqual(flat(npx.sequenceMask(x, undefined, { useSequenceLength: false, axis: 1 })), [1, 2, 3, 4]);
  });

  test('the gradient passes where the data is kept and is 0 where it was masked', () => {
    const grad = gradOf(np.ones([2, 3], { dtype: 'float64' }), (x) => npx.sequenceMask(x, ints([2, 1]), { axis: 1, value: 5 }).mul(3));
    assert.deepEqual(flat(grad), [3, 3, 0, 3, 0, 0]);
  });
});

suite('npx.maskedSoftmax', () => {
  test('masked positions get probability 0; a row masked entirely gives zeros, not NaN', () => {
    const mask = np.array([[true, true, false], [false, false, false], [true, true, true]]);
    const y = npx.maskedSoftmax(np.array([[1, 1, 50], [1, 2, 3], [0, 0, Math.log(2)]]), mask);
    assertClose(y, [0.5, 0.5, 0, 0, 0, 0, 0.25, 0.25, 0.5]);
  });

  test('a mask broadcast along the softmax axis; temperature divides the data', () => {
    const x = np.array([[0, Math.log(4)], [0, Math.log(9)]]).reshape([2, 2, 1]);
    const y = npx.maskedSoftmax(x, np.array([true, true]).reshape([2, 1]), { axis: 1, temperature: 2 });
    assertClose(y, [1 / 3, 2 / 3, 1 / 4, 3 / 4]);
    const dropped = npx.maskedSoftmax(np.zeros([2, 3]), np.array([true, false, true]));
    assertClose(dropped, [0.5, 0, 0.5, 0.5, 0, 0.5]);
  });

  test('masked positions and an all-masked row get gradient 0', () => {
    const mask = np.array([[true, false, true], [false, false, false]]);
    const head = np.array([[1, 5, -2], [3, 1, 4]], { dtype: 'float64' });
    const grad = flat(gradOf(np.array([[0.3, 1, -0.2], [1, 2, 3]], { dtype: 'float64' }), (x) => npx.maskedSoftmax(x, mask), head));
    assert.equal(grad[1], 0);
    assert.deepEqual(grad.slice(3), [0, 0, 0]);
    assert.ok(Math.abs(grad[0]! + grad[2]!) < 1e-12, 'the kept gradients sum to 0');
  });
});

suite('npx.layerNorm', () => {
  test('each lane has mean 0 and variance 1 (up to eps), then gamma scales and beta shifts', () => {
    const x = np.array([[1, 2, 3, 6], [-2, 0, 0, 10]], { dtype: 'float64' });
    const y = npx.layerNorm(x, np.ones([4], { dtype: 'float64' }), np.zeros([4], { dtype: 'float64' }), { eps: 0 });
    for (const row of [y.get(0), y.get(1)]) {
      assert.ok(Math.abs(row.mean().item()) < 1e-12);
      assert.ok(Math.abs(row.square().mean().item() - 1) < 1e-12);
    }
    const scaled = npx.layerNorm(x, np.array([1, 2, 3, 4], { dtype: 'float64' }), np.full([4], 0.5, { dtype: 'float64' }), { eps: 0 });
    assertClose(scaled, flat(y).map((v, i) => v * [1, 2, 3, 4][i % 4]! + 0.5), { atol: 1e-12 });
  });

  test('axis 0: gamma and beta have the length of that axis', () => {
    // Column 1 is constant: x − μ = 0 there, and eps > 0 keeps 0 / √(0 + eps) a 0.
    const y = npx.layerNorm(np.array([[1, 5], [3, 5]], { dtype: 'float64' }), np.array([1, 2]), np.array([0, 10]), { axis: 0, eps: 1e-12 });
    assertClose(y, [-1, 0, 12, 10]);
  });
});

suite('npx.embedding', () => {
  test('rows of the weight at the indices: data.shape + [outputDim]', () => {
    const weight = np.arange(6).reshape([3, 2]);
    const y = npx.embedding(ints([2, 0, 2, 1]).reshape([2, 2]), weight, { inputDim: 3, outputDim: 2 });
    assert.deepEqual(y.shape, [2, 2, 2]);
    assert.deepEqual(flat(y), [4, 5, 0, 1, 4, 5, 2, 3]);
    assert.deepEqual(flat(npx.embedding(np.array([1]), weight)), [2, 3], 'float indices of whole numbers');
  });

  test("the weight's gradient adds each row's upstream gradient into the row it was read from; data gets none", () => {
    const weight = np.zeros([3, 2], { dtype: 'float64' });
    const data = ints([2, 0, 2]);
    const grad = gradOf(weight, (w) => npx.embedding(data, w), np.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' }));
    assert.deepEqual(flat(grad), [3, 4, 0, 0, 6, 8]);
  });
});

suite('npx.leakyRelu', () => {
  test('leaky: a above 0, slope · a below (default slope 0.25)', () => {
    assert.deepEqual(flat(npx.leakyRelu(np.array([-2, 0, 3]))), [-0.5, 0, 3]);
    assertClose(npx.leakyRelu(np.array([-2, 1]), { slope: 0.1 }), [-0.2, 1]);
    assert.equal(npx.leakyRelu(ints([-4, 2])).dtype, 'float32');
  });

  test('elu: slope · (eᵃ − 1) below 0; gelu is npx.gelu', () => {
    assertClose(npx.leakyRelu(np.array([-1, 2]), { actType: 'elu', slope: 1 }), [Math.expm1(-1), 2]);
    const x = np.array([-1.5, 0.2, 2]);
    assert.deepEqual(flat(npx.leakyRelu(x, { actType: 'gelu' })), flat(npx.gelu(x)));
    x.attachGrad();
    assert.equal(autograd.record(() => npx.leakyRelu(x, { actType: 'gelu' }))._node!.op, 'gelu');
  });

  test('the gradient is 1 above 0 and slope (leaky) or slope · eᵃ (elu) below', () => {
    assert.deepEqual(flat(gradOf(np.array([-1, 2], { dtype: 'float64' }), (x) => npx.leakyRelu(x, { slope: 0.5 }))), [0.5, 1]);
    assertClose(gradOf(np.array([-1, 2], { dtype: 'float64' }), (x) => npx.leakyRelu(x, { actType: 'elu', slope: 0.5 })), [0.5 * Math.exp(-1), 1]);
  });
});

suite('npx lookups with int64 (MXNet\'s index type)', () => {
  test('indices and lengths of dtype int64: argmax into oneHot, pick, embedding, sequenceMask', () => {
    const scores = np.array([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]]);
    const best = np.argmax(scores, 1);
    assert.equal(best.dtype, 'int64');
    assert.deepEqual(flat(npx.oneHot(best, 3, { dtype: 'int64' })), [0, 1, 0, 1, 0, 0]);
    assert.equal(npx.oneHot(best, 3, { dtype: 'int64' }).dtype, 'int64');
    assert.deepEqual(flat(npx.pick(scores, best)).map((v) => Math.round(v * 100)), [70, 90]);
    assert.deepEqual(flat(npx.embedding(best, np.arange(6).reshape([3, 2]))), [2, 3, 0, 1]);
    assert.deepEqual(flat(npx.sequenceMask(np.ones([2, 3]), np.array([1, 2], { dtype: 'int64' }), { axis: 1 })), [1, 0, 0, 1, 1, 0]);
    assert.deepEqual(flat(npx.batchDot(np.ones([1, 2, 2], { dtype: 'int64' }), np.ones([1, 2, 1], { dtype: 'int64' }))), [2, 2]);
  });
});

suite('npx layers on the tape', () => {
  test('each records one op with its attributes', () => {
    const x = np.random.normal(0, 1, [2, 3, 4], 'float64');
    x.attachGrad();
    const record = <T>(fn: () => T) => autograd.record(fn);
    const picked = record(() => npx.pick(x, ints([0, 5, 1, 2, 2, 0]).reshape([2, 3])));
    assert.equal(picked._node!.op, 'pick');
    assert.deepEqual(picked._node!.attrs, { axis: 2, keepdims: false, mode: 'clip' });
    assert.deepEqual(flat(picked._node!.saved[0]), [0, 3, 1, 2, 2, 0], 'the positions after clipping');
    assert.deepEqual(record(() => npx.batchDot(x, x, { transposeB: true }))._node!.attrs, { transposeA: false, transposeB: true });
    assert.deepEqual(record(() => npx.sequenceMask(x, ints([1, 2]), { axis: 1 }))._node!.attrs, { useSequenceLength: true, value: 0, axis: 1 });
    assert.deepEqual(record(() => npx.maskedSoftmax(x, np.array([true, false, true, true])))._node!.attrs, { axis: 2, temperature: 1 });
    assert.deepEqual(record(() => npx.layerNorm(x, np.ones([3]), np.zeros([3]), { axis: -2 }))._node!.attrs, { axis: 1, eps: 1e-5 });
    assert.deepEqual(record(() => npx.embedding(ints([1]), x.reshape([6, 4])))._node!.attrs, { inputDim: 6, outputDim: 4 });
    assert.deepEqual(record(() => npx.leakyRelu(x, { actType: 'elu' }))._node!.attrs, { actType: 'elu', slope: 0.25 });
  });

  test('lookups in a small network check out numerically, replayed as recorded', () => {
    np.random.seed(7);
    const weight = np.random.normal(0, 1, [5, 3], 'float64');
    weight.attachGrad();
    const tokens = np.array([[0, 4, 4], [2, 1, 0]], { dtype: 'int32' });
    const loss = autograd.record(() => {
      const steps = npx.sequenceMask(npx.embedding(tokens, weight), ints([3, 2]), { axis: 1, value: 0.5 }).sin();
      return np.square(npx.pick(steps, ints([0, 2, 1, 1, 0, 7]).reshape([2, 3]))).sum();
    });
    const report = autograd.gradcheckRecorded(loss);
    assert.ok(report.ok, report.inputs.map((r) => r.maxAbsError).join(', '));
  });

  test('an attention step made of them checks out numerically, replayed as recorded', () => {
    np.random.seed(11);
    const weight = np.random.normal(0, 1, [5, 4], 'float64');
    const gamma = np.random.uniform(0.5, 1.5, [4], 'float64');
    const beta = np.random.normal(0, 1, [4], 'float64');
    for (const a of [weight, gamma, beta]) a.attachGrad();
    const tokens = ints([0, 3, 3, 1, 4, 2]).reshape([2, 3]);
    const valid = np.array([[true, true, false], [true, true, true]]).reshape([2, 1, 3]);
    const loss = autograd.record(() => {
      const h = npx.layerNorm(npx.leakyRelu(npx.embedding(tokens, weight), { actType: 'elu', slope: 0.5 }), gamma, beta);
      const scores = npx.maskedSoftmax(npx.batchDot(h, h, { transposeB: true }), valid, { temperature: 2 });
      const context = npx.sequenceMask(npx.batchDot(scores, h), ints([2, 3]), { axis: 1 });
      return np.square(npx.pick(context, ints([0, 1, 3, 2, 2, 0]).reshape([2, 3]))).sum();
    });
    const report = autograd.gradcheckRecorded(loss);
    assert.ok(report.ok, report.inputs.map((r) => r.maxAbsError).join(', '));
  });
});

suite('npx layers: every argument is checked, with the function and the shapes named', () => {
  test('pick', () => {
    const pick = (index: NDArray, options?: unknown, data = X()) => npx.pick(data, index, options as never);
    refused('pick', () => pick(ints([0, 1, 0]), { axis: 1, keepDims: true }), /^pick: unknown option 'keepDims' \(the options are 'axis', 'keepdims', 'mode'\)$/);
    refused('pick', () => pick(ints([0, 1, 0]), { mode: 'raise' }), /mode must be 'clip' or 'wrap', got 'raise'/);
    refused('pick', () => pick(ints([0, 1, 0]), { keepdims: 1 }), /keepdims must be true or false, got 1/);
    refused('pick', () => pick(ints([0, 1]), { axis: 2 }), /axis must be an integer in \[-2, 2\) for data of shape \(3, 2\), got 2/);
    refused('pick', () => pick(ints([0, 1])), /index must have the shape of data \(3, 2\) without axis 1, \(3,\) \(or \(3, 1\)\), got \(2,\)/);
    refused('pick', () => pick(np.array([0, NaN, 1])), /index holds NaN at \[1\]: indices must be finite numbers/);
    refused('pick', () => pick(ints([0]), {}, np.array(3)), /data needs at least one dimension/);
    refused('pick', () => pick(ints([0, 1, 0]), [1]), /options must be an object/);
    refused('pick', () => npx.pick(X(), [0, 1, 0] as never), /index must be an NDArray/);
  });

  test('oneHot', () => {
    refused('oneHot', () => npx.oneHot(ints([1]), 0), /depth must be a positive integer, got 0/);
    refused('oneHot', () => npx.oneHot(ints([1]), 2.5), /depth must be a positive integer, got 2.5/);
    refused('oneHot', () => npx.oneHot(np.array([[0, 1.5]]), 3), /indices must hold whole numbers, got 1.5 at \[0, 1\]/);
    refused('oneHot', () => npx.oneHot(ints([1]), 3, { on_value: 2 } as never), /^oneHot: unknown option 'on_value' \(the options are 'onValue', 'offValue', 'dtype'\)$/);
    refused('oneHot', () => npx.oneHot(ints([1]), 3, { onValue: '1' } as never), /onValue must be a number, got '1'/);
    refused('oneHot', () => npx.oneHot(ints([1]), 3, { offValue: NaN }), /offValue must be a number, got NaN/);
    refused('oneHot', () => npx.oneHot(ints([1]), 3, { dtype: 'float16' } as never), /dtype must be 'float32', 'float64', 'int32', 'int64' or 'bool', got 'float16'/);
  });

  test('batchDot', () => {
    const a = np.zeros([2, 3, 4]);
    refused('batchDot', () => npx.batchDot(a, np.zeros([2, 5, 6])), /shapes \(2, 3, 4\) and \(2, 5, 6\) not aligned: 4 \(axis 2 of a\) != 5 \(axis 1 of b\)/);
    refused('batchDot', () => npx.batchDot(a, np.zeros([2, 3, 6]), { transposeA: true, transposeB: true }), /not aligned \(transposeA true, transposeB true\): 3 \(axis 1 of a\) != 6 \(axis 2 of b\)/);
    refused('batchDot', () => npx.batchDot(a, np.zeros([3, 4, 5])), /a and b must have the same batch axes \(all but the last two\), got shapes \(2, 3, 4\) and \(3, 4, 5\)/);
    refused('batchDot', () => npx.batchDot(np.zeros([3, 4]), np.zeros([4, 5])), /at least 3 \(batch…, rows, columns\), got shapes \(3, 4\) and \(4, 5\)/);
    refused('batchDot', () => npx.batchDot(a, np.zeros([1, 2, 4, 5])), /the same number of dimensions/);
    refused('batchDot', () => npx.batchDot(a, a, { transpose_b: true } as never), /^batchDot: unknown option 'transpose_b' \(the options are 'transposeA', 'transposeB'\)$/);
    refused('batchDot', () => npx.batchDot(a, a, { transposeB: 'yes' } as never), /transposeB must be true or false, got 'yes'/);
  });

  test('sequenceMask', () => {
    const x = np.zeros([4, 3, 2]);
    refused('sequenceMask', () => npx.sequenceMask(x, ints([1, 2])), /sequenceLength must have shape \(3,\), one length per sequence of data \(4, 3, 2\) \(sequences on axis 1\), got \(2,\)/);
    refused('sequenceMask', () => npx.sequenceMask(x, ints([1, 2, 3]), { axis: 1 }), /must have shape \(4,\), .* \(sequences on axis 0\), got \(3,\)/);
    refused('sequenceMask', () => npx.sequenceMask(x, ints([1, 2, 3]), { axis: 2 }), /axis must be 0 \(data \(T, N, …\)\) or 1 \(data \(N, T, …\)\), got 2/);
    refused('sequenceMask', () => npx.sequenceMask(x, ints([1, -2, 3])), /sequenceLength\[1\] is -2: lengths must be finite numbers ≥ 0/);
    refused('sequenceMask', () => npx.sequenceMask(x, null), /sequenceLength is required with useSequenceLength/);
    refused('sequenceMask', () => npx.sequenceMask(np.zeros([4]), ints([1])), /data must have a time axis and a batch axis, .* got shape \(4,\)/);
    refused('sequenceMask', () => npx.sequenceMask(x, ints([1, 2, 3]), { use_sequence_length: true } as never), /^sequenceMask: unknown option 'use_sequence_length' \(the options are 'useSequenceLength', 'value', 'axis'\)$/);
    refused('sequenceMask', () => npx.sequenceMask(x, ints([1, 2, 3]), { value: null } as never), /value must be a number, got null/);
    refused('sequenceMask', () => npx.sequenceMask(x, ints([1, 2, 3]), { useSequenceLength: 1 } as never), /useSequenceLength must be true or false, got 1/);
    refused('sequenceMask', () => npx.sequenceMask(x, [1, 2, 3] as never), /sequenceLength must be an NDArray/);
    refused('sequenceMask', () => npx.sequenceMask(x, ints([1, 2, 3]), np.zeros([2]) as never), /the options must be an object such as \{ useSequenceLength: … \}, got an NDArray of shape \(2,\)/);
  });

  test('maskedSoftmax', () => {
    const x = np.zeros([2, 3]);
    refused('maskedSoftmax', () => npx.maskedSoftmax(x, np.ones([2, 3])), /mask must be a bool array \(true where kept\), got dtype float32/);
    refused('maskedSoftmax', () => npx.maskedSoftmax(x, np.array([true, false])), /mask of shape \(2,\) does not broadcast to data of shape \(2, 3\)/);
    refused('maskedSoftmax', () => npx.maskedSoftmax(x, np.array([[[true, false, true]]])), /mask of shape \(1, 1, 3\) does not broadcast to data of shape \(2, 3\)/);
    refused('maskedSoftmax', () => npx.maskedSoftmax(x, np.array([true, true, true]), { temperature: 0 }), /temperature must be a positive number, got 0/);
    refused('maskedSoftmax', () => npx.maskedSoftmax(x, np.array([true, true, true]), { axis: -3 }), /axis must be an integer in \[-2, 2\) for data of shape \(2, 3\), got -3/);
    refused('maskedSoftmax', () => npx.maskedSoftmax(x, np.array([true, true, true]), { normalize: false } as never), /^maskedSoftmax: unknown option 'normalize' \(the options are 'axis', 'temperature'\)$/);
  });

  test('layerNorm', () => {
    const x = np.zeros([2, 4]);
    refused('layerNorm', () => npx.layerNorm(x, np.ones([2]), np.zeros([4])), /gamma must have shape \(4,\), one per element of axis 1 of data \(2, 4\), got \(2,\)/);
    refused('layerNorm', () => npx.layerNorm(x, np.ones([2]), np.zeros([4]), { axis: 0 }), /beta must have shape \(2,\), one per element of axis 0 of data \(2, 4\), got \(4,\)/);
    refused('layerNorm', () => npx.layerNorm(x, np.ones([4]), np.zeros([4]), { eps: -1 }), /eps must be a number ≥ 0, got -1/);
    refused('layerNorm', () => npx.layerNorm(x, np.ones([4]), np.zeros([4]), { epsilon: 1e-3 } as never), /^layerNorm: unknown option 'epsilon' \(the options are 'axis', 'eps'\)$/);
    refused('layerNorm', () => npx.layerNorm(x, np.ones([4]), np.zeros([4]), { axis: 1.5 }), /axis must be an integer in \[-2, 2\)/);
    refused('layerNorm', () => npx.layerNorm(np.array(1), np.ones([1]), np.zeros([1])), /data needs at least one dimension/);
  });

  test('embedding', () => {
    const w = np.zeros([5, 3]);
    refused('embedding', () => npx.embedding(ints([0, 5]), w), /data holds 5 at \[1\], which is no row of weight \(5, 3\): indices must be whole numbers in \[0, 5\)/);
    refused('embedding', () => npx.embedding(ints([-1]), w), /data holds -1 at \[0\]/);
    refused('embedding', () => npx.embedding(np.array([[0.5]]), w), /data holds 0.5 at \[0, 0\]/);
    refused('embedding', () => npx.embedding(ints([0]), w, { inputDim: 4 }), /inputDim 4 does not match weight \(5, 3\), which has 5 rows/);
    refused('embedding', () => npx.embedding(ints([0]), w, { outputDim: 2 }), /outputDim 2 does not match weight \(5, 3\), whose rows have length 3/);
    refused('embedding', () => npx.embedding(ints([0]), w, { outputDim: 0 }), /outputDim must be a positive integer, got 0/);
    refused('embedding', () => npx.embedding(ints([0]), np.zeros([5])), /weight must be \(inputDim, outputDim\), one row per index, got shape \(5,\)/);
    refused('embedding', () => npx.embedding(ints([0]), w, { sparseGrad: true } as never), /^embedding: unknown option 'sparseGrad' \(the options are 'inputDim', 'outputDim'\)$/);
  });

  test('leakyRelu', () => {
    const x = np.zeros([3]);
    refused('leakyRelu', () => npx.leakyRelu(x, { actType: 'swish' } as never), /actType must be 'leaky', 'elu' or 'gelu', got 'swish'/);
    refused('leakyRelu', () => npx.leakyRelu(x, { actType: 'prelu' } as never), /actType 'prelu' needs a learned slope array \(gamma\)/);
    refused('leakyRelu', () => npx.leakyRelu(x, { slope: Infinity }), /slope must be a finite number, got Infinity/);
    refused('leakyRelu', () => npx.leakyRelu(x, { act_type: 'elu' } as never), /^leakyRelu: unknown option 'act_type' \(the options are 'actType', 'slope'\)$/);
    refused('leakyRelu', () => npx.leakyRelu([1, 2] as never), /data must be an NDArray/);
  });
});

suite("npx layers in the inspector's step panel", () => {
  test('the words follow the recorded attributes', () => {
    assert.equal(localRule('pick', { axis: 0, keepdims: true, mode: 'wrap' }, 2).formula, 'out = data[…, index, …] along axis 0 (kept as length 1)');
    assert.match(localRule('pick', { axis: 1, mode: 'wrap' }, 2).summary, /an index out of range wraps around/);
    assert.match(localRule('oneHot', { depth: 3, onValue: 1, offValue: 0 }, 1).summary, /row of length 3, 1 at the index and 0 elsewhere .*not differentiable: no gradient flows through it$/);
    assert.deepEqual(localRule('batchDot', { transposeA: true, transposeB: false }, 2).partials, ['∂L/∂aᵀ = g · (b)ᵀ', '∂L/∂b = (aᵀ)ᵀ · g']);
    assert.equal(localRule('sequenceMask', { useSequenceLength: false, value: 0, axis: 0 }, 1).formula, 'out = data');
    assert.match(localRule('sequenceMask', { useSequenceLength: true, value: -1, axis: 1 }, 2).summary, /to -1 \(data \(N, T, …\), time on axis 1\)/);
    assert.equal(localRule('maskedSoftmax', { axis: 1, temperature: 2 }, 2).partials[0], '∂L/∂a = y · (g − Σ g · y) / 2 (0 where masked)');
    assert.match(localRule('layerNorm', { axis: 1, eps: 0.001 }, 3).formula, /along axis 1, ε = 0\.001$/);
    assert.match(localRule('embedding', { inputDim: 100, outputDim: 8 }, 2).summary, /\(100 rows of length 8\)/);
    assert.equal(localRule('leakyRelu', { actType: 'elu', slope: 0.5 }, 1).partials[0], '∂out/∂a = 1 where a > 0, else 0.5 · eᵃ');
    assert.equal(localRule('leakyRelu', { actType: 'leaky', slope: 0.1 }, 1).formula, 'out = a if a > 0, else 0.1 · a');
  });
});
