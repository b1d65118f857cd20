// npx.convolution and npx.pooling (engine/ops/conv.ts): d2l's examples through the public API,
// learning a kernel by gradient descent, what the tape records (the gradients are ops of their own),
// a replayed check of a small network, and every argument refused with a message naming it.
import { strict as assert } from 'node:assert';
import { np, npx, autograd, GradLensError, NDArray } from 'gradlens';
import { expectError, flat } from '../helpers';

const X3 = () => np.arange(9, { dtype: 'float32' }).reshape([1, 1, 3, 3]);

/** The refusal of `fn`: a GradLensError of `op` whose message matches `pattern`. */
function refused(op: string, fn: () => unknown, pattern: RegExp): void {
  const error = expectError(fn, pattern);
  assert.ok(error instanceof GradLensError, `${error.name}: ${error.message}`);
  assert.equal(error.op, op);
}

suite('npx.convolution and npx.pooling', () => {
  test("d2l's corr2d and pooling examples (6.2, 6.5)", () => {
    const k = np.array([[0, 1], [2, 3]], { dtype: 'float32' }).reshape([1, 1, 2, 2]);
    assert.deepEqual(flat(npx.convolution(X3(), k, { kernel: [2, 2] })), [19, 25, 37, 43]);
    assert.deepEqual(flat(npx.pooling(X3(), { kernel: [2, 2], stride: 1 })), [4, 5, 7, 8]);
    assert.deepEqual(flat(npx.pooling(X3(), { kernel: [2, 2], stride: 1, poolType: 'avg' })), [2, 3, 5, 6]);
  });

  test("d2l's padding and stride shapes (6.3)", () => {
    const x = np.random.uniform(0, 1, [1, 1, 8, 8]);
    const shape = (kernel: [number, number], options: { pad?: number[]; stride?: number[] }) =>
      npx.convolution(x, np.ones([1, 1, ...kernel]), { kernel, ...options }).shape;
    assert.deepEqual(shape([3, 3], { pad: [1, 1] }), [1, 1, 8, 8]);
    assert.deepEqual(shape([5, 3], { pad: [2, 1] }), [1, 1, 8, 8]);
    assert.deepEqual(shape([3, 3], { pad: [1, 1], stride: [2, 2] }), [1, 1, 4, 4]);
    assert.deepEqual(shape([3, 5], { pad: [0, 1], stride: [3, 4] }), [1, 1, 2, 2]);
  });

  test("d2l's learning a kernel (6.2.4): gradient descent finds the edge detector [1, −1]", () => {
    const x = np.array(Array.from({ length: 48 }, (_, i) => (i % 8 >= 2 && i % 8 < 6 ? 0 : 1))).reshape([1, 1, 6, 8]);
    const y = npx.convolution(x, np.array([1, -1]).reshape([1, 1, 1, 2]), { kernel: [1, 2] });
    np.random.seed(1);
    const k = np.random.normal(0, 1, [1, 1, 1, 2]);
    k.attachGrad();
    let loss = Infinity;
    for (let epoch = 0; epoch < 20; epoch++) {
      const l = autograd.record(() => np.square(npx.convolution(x, k, { kernel: [1, 2] }).sub(y)).sum());
      l.backward();
      k.assign(k.sub(k.grad!.mul(3e-2)));
      loss = l.item();
    }
    assert.ok(loss < 1e-3, `loss ${loss}`);
    flat(k).forEach((v, i) => assert.ok(Math.abs(v - [1, -1][i]!) < 0.02, `k[${i}] = ${v}`));
  });

  test('the bias is optional: (data, weight, options) and (data, weight, null, options) agree', () => {
    const x = np.random.normal(0, 1, [2, 3, 5, 5]);
    const w = np.random.normal(0, 1, [4, 3, 3, 3]);
    const plain = flat(npx.convolution(x, w, { kernel: 3 }));
    assert.deepEqual(flat(npx.convolution(x, w, null, { kernel: 3 })), plain);
    assert.deepEqual(flat(npx.convolution(x, w, undefined, { kernel: 3 })), plain);
    const shifted = flat(npx.convolution(x, w, np.full([4], 0.5), { kernel: 3 }));
    shifted.forEach((v, i) => assert.ok(Math.abs(v - plain[i]! - 0.5) < 1e-5));
  });

  test('dtypes: float64 stays float64, int32 data gives float32', () => {
    const x64 = np.random.normal(0, 1, [1, 2, 4, 4], 'float64');
    assert.equal(npx.convolution(x64, np.ones([3, 2, 2, 2], { dtype: 'float64' }), { kernel: 2 }).dtype, 'float64');
    assert.equal(npx.pooling(x64, { kernel: 2 }).dtype, 'float64');
    const ints = np.arange(16, { dtype: 'int32' }).reshape([1, 1, 4, 4]);
    assert.equal(npx.pooling(ints, { kernel: 2 }).dtype, 'float32');
    assert.equal(npx.convolution(ints, np.ones([1, 1, 2, 2]), { kernel: 2 }).dtype, 'float32');
  });

  test('the tape records the gradients as ops of their own (createGraph)', () => {
    const x = np.random.normal(0, 1, [1, 2, 5, 5], 'float64');
    const w = np.random.normal(0, 1, [3, 2, 3, 3], 'float64');
    const b = np.zeros([3], { dtype: 'float64' });
    for (const a of [x, w, b]) a.attachGrad();
    const y = autograd.record(() => npx.pooling(npx.convolution(x, w, b, { kernel: 3, pad: 1 }), { kernel: 2, poolType: 'avg' }));
    assert.equal(y._node!.op, 'pooling');
    assert.deepEqual(y._node!.attrs, { kernel: [2, 2], stride: [2, 2], pad: [0, 0], poolType: 'avg', globalPool: false });
    assert.deepEqual(y._node!.parents[0]!.attrs, { kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilate: [1, 1], numGroup: 1, noBias: false });
    // A head that is a variable itself: every step of the backward computation depends on it.
    const head = np.ones([...y.shape], { dtype: 'float64' });
    head.attachGrad();
    const [dx, dw] = autograd.record(() => autograd.grad(y, [x, w], { headGrads: [head], createGraph: true }));
    assert.equal(dx!._node!.op, 'convolutionGradData');
    assert.equal(dw!._node!.op, 'convolutionGradWeight');
    assert.equal(dx!._node!.parents[0]!.op, 'poolingGrad');
  });

  test('a small network checks out numerically, replayed as recorded (max pooling keeps its argmax)', () => {
    np.random.seed(5);
    const x = np.random.normal(0, 1, [2, 2, 6, 6], 'float64');
    const w = np.random.normal(0, 1, [3, 2, 3, 3], 'float64');
    const b = np.random.normal(0, 1, [3], 'float64');
    for (const a of [x, w, b]) a.attachGrad();
    const loss = autograd.record(() => {
      const h = npx.pooling(npx.relu(npx.convolution(x, w, b, { kernel: 3, pad: 1 })), { kernel: 3, stride: 2, pad: 1 });
      return np.square(npx.pooling(h, { globalPool: true, poolType: 'avg' })).sum();
    });
    const report = autograd.gradcheckRecorded(loss, { elements: 12 });
    assert.ok(report.ok, report.inputs.map((r) => r.maxAbsError).join(', '));
  });

  test('every argument is checked, with the function and the shapes named', () => {
    const x = np.zeros([2, 3, 5, 5]);
    const w = np.zeros([4, 3, 3, 3]);
    const conv = (options: unknown, weight: NDArray = w, bias: unknown = null, data: NDArray = x) =>
      npx.convolution(data, weight, bias as NDArray | null, options as { kernel: number });
    refused('convolution', () => conv({ kernel: 3, padding: 1 }), /^convolution: unknown option 'padding' \(the options are 'kernel', 'stride', 'pad', 'dilate', 'numGroup'\)$/);
    assert.deepEqual(conv({ stride: 2 }).shape, [2, 4, 2, 2], 'the kernel is the weight\'s spatial shape when omitted');
    assert.deepEqual(npx.convolution(x, w).shape, [2, 4, 3, 3], 'no options: the defaults');
    refused('convolution', () => conv({ stride: 2 }, np.zeros([4, 27])), /the weight must be \(O, C\/groups, kH, kW\) for NCHW data, got shape \(4, 27\)/);
    refused('convolution', () => conv([3, 3]), /the options must be an object such as \{ kernel: … \}, got a list of 2/);
    refused('convolution', () => conv({ kernel: [3, 2] }), /kernel \[3, 2\] does not match the spatial shape of weight \(4, 3, 3, 3\)/);
    refused('convolution', () => conv({ kernel: [3, 3, 3] }), /kernel must be a positive integer or a list of 2 of them/);
    refused('convolution', () => conv({ kernel: 3, stride: 0 }), /stride must be a positive integer .* got 0/);
    refused('convolution', () => conv({ kernel: 3, pad: -1 }), /pad must be an integer ≥ 0 .* got -1/);
    refused('convolution', () => conv({ kernel: 3, dilate: [1, 1.5] }), /dilate must be a positive integer .* got \[1,1.5\]/);
    refused('convolution', () => conv({ kernel: 3, numGroup: 2 }), /numGroup 2 must divide the data's channels \(3, data \(2, 3, 5, 5\)\)/);
    refused('convolution', () => conv({ kernel: 3 }, np.zeros([4, 1, 3, 3])), /weight \(4, 1, 3, 3\) must have C\/numGroup = 3\/1 = 3 channels on axis 1 for data \(2, 3, 5, 5\)/);
    refused('convolution', () => conv({ kernel: 3 }, np.zeros([4, 3, 3])), /weight must be \(O, C\/numGroup, kH, kW\) for data \(2, 3, 5, 5\), got shape \(4, 3, 3\)/);
    refused('convolution', () => conv({ kernel: 3 }, w, np.zeros([3])), /bias must have shape \(4,\), one per filter of weight \(4, 3, 3, 3\), got \(3,\)/);
    refused('convolution', () => conv({ kernel: 3 }, w, [1, 2, 3, 4]), /bias must be an NDArray/);
    refused('convolution', () => conv({ kernel: 3 }, w, null, np.zeros([1, 2, 3, 5, 5])), /data must be \(N, C, W\) or \(N, C, H, W\), got shape \(1, 2, 3, 5, 5\)/);
    refused('convolution', () => conv({ kernel: 3, dilate: 3 }), /the kernel does not fit: axis 2 of data \(2, 3, 5, 5\) padded by 0 on each side is 5, the kernel spans 7 \(kernel 3, dilate 3\)/);

    const pool = (options: unknown, data: NDArray = x) => npx.pooling(data, options as { kernel: number });
    refused('pooling', () => pool({ kernel: 2, poolingConvention: 'full' }), /^pooling: unknown option 'poolingConvention' \(the options are 'kernel', 'stride', 'pad', 'poolType', 'globalPool'\)$/);
    refused('pooling', () => pool({ stride: 2 }), /the kernel option is required \(unless globalPool\)/);
    refused('pooling', () => pool({ kernel: 2, poolType: 'min' }), /poolType must be 'max' or 'avg', got 'min'/);
    refused('pooling', () => pool({ globalPool: 'yes' }), /globalPool must be true or false, got 'yes'/);
    refused('pooling', () => pool({ globalPool: true, stride: -1 }), /stride must be a positive integer/);
    refused('pooling', () => pool({ kernel: [2, 2], stride: [1] }), /stride must be a positive integer or a list of 2 of them/);
    refused('pooling', () => pool({ kernel: 2, pad: 2 }), /pad 2 on axis 2 must be smaller than the kernel 2/);
    refused('pooling', () => pool({ kernel: [6, 2] }), /the kernel does not fit: axis 2 of data \(2, 3, 5, 5\) padded by 0 on each side is 5, smaller than the kernel 6/);
    refused('pooling', () => pool({ kernel: 2 }, np.zeros([5, 5])), /data must be \(N, C, W\) or \(N, C, H, W\), got shape \(5, 5\)/);
    refused('pooling', () => pool(null), /the options must be an object/);
  });
});
