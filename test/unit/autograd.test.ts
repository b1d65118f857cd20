// The autograd semantics of the chapter and of MXNet, one test each.
import { strict as assert } from 'node:assert';
import { np, npx, autograd, NDArray } from 'gradlens';
import { assertClose, expectError, flat } from '../helpers';

suite('autograd: recording and backward', () => {
  test('y = 2·xᵀx gives x.grad = 4x (the chapter\'s first example)', () => {
    const x = np.arange(4);
    x.attachGrad();
    const y = autograd.record(() => np.dot(x, x).mul(2));
    assert.deepEqual(y.shape, []);
    assert.equal(y.item(), 28);
    y.backward();
    assertClose(x.grad, [0, 4, 8, 12]);
  });

  test('record returns the function\'s value and switches recording and training on only inside', () => {
    assert.equal(autograd.isRecording(), false);
    assert.equal(autograd.isTraining(), false);
    const seen = autograd.record(() => [autograd.isRecording(), autograd.isTraining()]);
    assert.deepEqual(seen, [true, true]);
    assert.deepEqual(autograd.record(() => autograd.isTraining(), { trainMode: false }), false);
    assert.equal(autograd.isRecording(), false);
  });

  test('pause, trainMode and predictMode nest and restore the mode, even when fn throws', () => {
    autograd.record(() => {
      assert.deepEqual(autograd.pause(() => [autograd.isRecording(), autograd.isTraining()]), [false, false]);
      assert.deepEqual(autograd.pause(() => autograd.isTraining(), { trainMode: true }), true);
      assert.deepEqual(autograd.predictMode(() => [autograd.isRecording(), autograd.isTraining()]), [true, false]);
      assert.equal(autograd.isTraining(), true);
    });
    assert.equal(autograd.trainMode(() => autograd.isTraining()), true);
    assert.throws(() => autograd.record(() => { throw new Error('user error'); }), /user error/);
    assert.equal(autograd.isRecording(), false);
    assert.equal(autograd.isTraining(), false);
  });

  test('a record scope that returns a Promise is refused', () => {
    expectError(() => autograd.record(async () => 1), /Promise/);
  });

  test('gradReq write overwrites, add accumulates, null gets no gradient', () => {
    const x = np.array([1, 2, 3]);
    x.attachGrad();
    autograd.record(() => x.mul(3).sum()).backward();
    autograd.record(() => x.mul(2).sum()).backward();
    assertClose(x.grad, [2, 2, 2]);

    x.attachGrad('add');
    autograd.record(() => x.mul(3).sum()).backward();
    autograd.record(() => x.mul(2).sum()).backward();
    assertClose(x.grad, [5, 5, 5]);
    assert.equal(x.gradReq, 'add');

    const w = np.array([1, 2]);
    w.attachGrad('null');
    assert.equal(w.grad, null);
    const y = np.array([1, 1]);
    y.attachGrad();
    autograd.record(() => w.mul(y).sum()).backward();
    assert.equal(w.grad, null);
    assertClose(y.grad, [1, 2]);
  });

  test('attachGrad resets the gradient to zeros and keeps the buffer across backward passes', () => {
    const x = np.array([1, 2]);
    x.attachGrad();
    const buffer = x.grad;
    autograd.record(() => x.square().sum()).backward();
    assert.equal(x.grad, buffer, 'the same .grad array, written in place');
    assertClose(x.grad, [2, 4]);
    x.attachGrad();
    assertClose(x.grad, [0, 0]);
  });

  test('a non-scalar head has the implicit head gradient ones (the gradient of its sum)', () => {
    const x = np.arange(4);
    x.attachGrad();
    autograd.record(() => x.mul(x)).backward();
    const u = x.copy();
    u.attachGrad();
    autograd.record(() => u.mul(u).sum()).backward();
    assertClose(x.grad, flat(u.grad));
  });

  test('an explicit head gradient multiplies the chain rule, and a number is accepted', () => {
    const x = np.array([1, 2, 3]);
    x.attachGrad();
    autograd.record(() => x.mul(x)).backward(np.array([1, 0, -1]));
    assertClose(x.grad, [2, 0, -6]);
    autograd.record(() => x.mul(2).sum()).backward(np.array(0.5));
    assertClose(x.grad, [1, 1, 1]);
    autograd.backward(autograd.record(() => x.mul(2)), 3);
    assertClose(x.grad, [6, 6, 6]);
  });

  test('a head gradient of the wrong shape is refused with both shapes', () => {
    const x = np.array([1, 2, 3]);
    x.attachGrad();
    const y = autograd.record(() => x.mul(2));
    expectError(() => y.backward(np.ones([2])), /head gradient has shape \(2,\) but the head has shape \(3,\)/);
  });

  test('gradients flow through JavaScript control flow exactly as recorded', () => {
    const f = (a: NDArray): NDArray => {
      let b = a.mul(2);
      let steps = 0;
      // JavaScript compares size-1 arrays through valueOf(); TypeScript needs the cast.
      while ((np.abs(b).sum() as unknown as number) < 1000) { b = b.mul(2); steps++; }
      return (b.sum() as unknown as number) > 0 ? b : b.mul(100);
    };
    for (const value of [0.3, -0.7]) {
      const a = np.array(value);
      a.attachGrad();
      const d = autograd.record(() => f(a));
      d.backward();
      assertClose(a.grad, d.item() / value, { rtol: 1e-6 });
    }
  });

  test('several heads add their gradients (autograd.backward with a list)', () => {
    const x = np.array([1, 2]);
    x.attachGrad();
    const [p, q] = autograd.record(() => [x.mul(3).sum(), x.square().sum()]);
    autograd.backward([p!, q!]);
    assertClose(x.grad, [5, 7]);
  });

  test('an array reached along several paths sums its contributions', () => {
    const x = np.array([2]);
    x.attachGrad();
    const y = autograd.record(() => {
      const t = x.mul(x);
      return t.add(t).add(x);
    });
    y.backward();
    assertClose(x.grad, [9]);
  });
});

suite('autograd: detach and graph breaks', () => {
  test('detach makes a constant: z = detach(x·x)·x has ∂z/∂x = x·x, and y keeps its own graph', () => {
    const x = np.arange(4);
    x.attachGrad();
    let y!: NDArray;
    let u!: NDArray;
    const z = autograd.record(() => {
      y = x.mul(x);
      u = y.detach();
      return u.mul(x);
    });
    z.backward();
    assertClose(x.grad, flat(u));
    y.backward();
    assertClose(x.grad, [0, 2, 4, 6]);
  });

  test('attachGrad on an intermediate detaches it; variables the pass does not reach keep their gradient', () => {
    const x = np.arange(4);
    x.attachGrad();
    const y = np.ones(4).mul(2);
    y.attachGrad();
    let u!: NDArray;
    const z = autograd.record(() => {
      u = x.mul(y);
      u.attachGrad();
      return u.add(x);
    });
    z.backward();
    assertClose(x.grad, [1, 1, 1, 1]);
    assertClose(u.grad, [1, 1, 1, 1]);
    assertClose(y.grad, [0, 0, 0, 0]);
  });

  test('a consumer recorded before attachGrad still reaches the original graph (MXNet entries)', () => {
    const x = np.array([1, 2]);
    x.attachGrad();
    let w!: NDArray;
    let u!: NDArray;
    autograd.record(() => {
      u = x.mul(3);
      w = u.mul(2).sum();
      u.attachGrad();
    });
    w.backward();
    assertClose(x.grad, [6, 6]);
    assertClose(u.grad, [0, 0]);
  });

  test('head gradients join two detached halves of the chain rule', () => {
    const x = np.arange(4);
    x.attachGrad();
    const y = np.ones(4).mul(2);
    y.attachGrad();
    let u!: NDArray;
    let v!: NDArray;
    const z = autograd.record(() => {
      u = x.mul(y);
      v = u.detach();
      v.attachGrad();
      return v.add(x);
    });
    z.backward();
    assertClose(x.grad, [1, 1, 1, 1]);
    assertClose(y.grad, [0, 0, 0, 0]);
    u.backward(v.grad);
    assertClose(x.grad, [2, 2, 2, 2]);
    assertClose(y.grad, [0, 1, 2, 3]);
  });

  test('ops outside record are constants to autograd', () => {
    const x = np.array([1, 2]);
    x.attachGrad();
    const outside = x.mul(3);
    const y = autograd.record(() => outside.mul(x).sum());
    y.backward();
    assertClose(x.grad, [3, 6]);
    const paused = autograd.record(() => autograd.pause(() => x.mul(5)).mul(x).sum());
    paused.backward();
    assertClose(x.grad, [5, 10]);
  });
});

suite('autograd: freed graphs and misuse', () => {
  test('a second backward through a freed graph fails, naming the op and retainGraph', () => {
    const x = np.arange(4);
    x.attachGrad();
    const y = autograd.record(() => np.dot(x, x).mul(2));
    y.backward();
    const error = expectError(() => y.backward(), /graph that computed this array \(its 'mul' op.*freed by an earlier backward pass.*retainGraph: true/);
    assert.equal(error.name, 'GradLensError');
    assertClose(x.grad, [0, 4, 8, 12], {}, 'the failed pass wrote nothing');
  });

  test('retainGraph keeps the graph for another pass', () => {
    const x = np.array([1, 2]);
    x.attachGrad('add');
    const y = autograd.record(() => x.square().sum());
    y.backward(null, { retainGraph: true });
    y.backward();
    assertClose(x.grad, [4, 8]);
  });

  test('a pass frees only what it walked', () => {
    const x = np.array([3]);
    x.attachGrad();
    let a!: NDArray;
    const b = autograd.record(() => {
      a = x.mul(2);
      return a.detach().mul(x);
    });
    b.backward();
    a.backward();
    assertClose(x.grad, [2]);
  });

  test('backward on an array not computed inside record names autograd.record', () => {
    const x = np.array([1, 2]);
    x.attachGrad();
    const y = x.mul(2);
    expectError(() => y.backward(), /not computed inside autograd\.record\(\).*autograd\.record\(\(\) => \.\.\.\)/);
  });

  test('backward on a recorded array whose inputs need no gradient says to call attachGrad', () => {
    const y = autograd.record(() => np.array([1, 2]).mul(2));
    expectError(() => y.backward(), /computed inside autograd\.record\(\), but from arrays that need no gradient: call attachGrad\(\)/);
  });

  test('gradients exist for float arrays only', () => {
    expectError(() => np.array([1, 2], { dtype: 'int32' }).attachGrad(), /attachGrad: gradients exist for float arrays only; this array has dtype int32/);
    expectError(() => np.array([1]).attachGrad('sometimes' as 'write'), /gradReq must be 'write', 'add' or 'null'/);
  });
});

suite('autograd.grad and higher derivatives', () => {
  test('grad returns gradients and leaves .grad alone', () => {
    const x = np.array([1, 2, 3]);
    x.attachGrad();
    const y = autograd.record(() => x.pow(3).sum());
    const [dx] = autograd.grad(y, [x]);
    assertClose(dx, [3, 12, 27]);
    assertClose(x.grad, [0, 0, 0]);
  });

  test('grad with respect to an intermediate array', () => {
    const x = np.array([1, 2]);
    x.attachGrad();
    let h!: NDArray;
    const y = autograd.record(() => {
      h = x.mul(3);
      return h.square().sum();
    });
    const [dh, dx] = autograd.grad(y, [h, x]);
    assertClose(dh, [6, 12]);
    assertClose(dx, [18, 36]);
  });

  test('createGraph records the gradient: d²/dx² x³ = 6x', () => {
    const x = np.array([-1, 0.5, 2]);
    x.attachGrad();
    const dydx = autograd.record(() => autograd.grad(x.pow(3), [x], { createGraph: true })[0]!);
    assertClose(dydx, [3, 0.75, 12]);
    dydx.backward();
    assertClose(x.grad, [-6, 3, 12]);
  });

  test('third derivative of sin through repeated createGraph', () => {
    const x = np.array([0.3, 1.2]);
    x.attachGrad();
    const third = autograd.record(() => {
      const [d1] = autograd.grad(x.sin(), [x], { createGraph: true });
      const [d2] = autograd.grad(d1!, [x], { createGraph: true });
      return d2!;
    });
    third.backward();
    assertClose(x.grad, [-Math.cos(0.3), -Math.cos(1.2)], { atol: 1e-6 });
  });

  test('backward with createGraph leaves a differentiable .grad', () => {
    const x = np.array([2]);
    x.attachGrad();
    const y = autograd.record(() => x.pow(4));
    autograd.record(() => y.backward(null, { createGraph: true }));
    assertClose(x.grad, [32]);
    const g = x.grad!;
    x.attachGrad();
    g.backward();
    assertClose(x.grad, [48]);
  });

  test('grad refuses variables without a gradient', () => {
    const x = np.array([1]);
    x.attachGrad();
    const c = np.array([2]);
    const y = autograd.record(() => x.mul(c).sum());
    expectError(() => autograd.grad(y, [c]), /variable 0 needs no gradient: call attachGrad\(\)/);
  });

  test('countNodes measures the graph backward would walk', () => {
    const x = np.array([1]);
    x.attachGrad();
    const y = autograd.record(() => x.mul(2).add(1).sin());
    assert.equal(autograd.countNodes(y), 3);
    assert.equal(autograd.countNodes(x), 0);
  });
});

suite('training and prediction mode', () => {
  test('dropout is active only in training mode and scales kept values by 1/(1−p)', () => {
    np.random.seed(0);
    const x = np.ones([1000]);
    const trained = autograd.record(() => npx.dropout(x, 0.25));
    const values = flat(trained);
    const kept = values.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6), 'kept values scaled by 1/(1-p)');
    assert.ok(Math.abs(kept.length / 1000 - 0.75) < 0.05, `about 75% kept, got ${kept.length}`);
    assertClose(npx.dropout(x, 0.25), flat(x), {}, 'prediction mode (outside record) is the identity');
    assertClose(autograd.record(() => npx.dropout(x, 0.25), { trainMode: false }), flat(x));
    expectError(() => npx.dropout(x, 1), /p must be in \[0, 1\)/);
  });

  test('dropout\'s gradient follows its mask', () => {
    np.random.seed(1);
    const x = np.ones([200]);
    x.attachGrad();
    const y = autograd.record(() => npx.dropout(x, 0.5));
    y.backward();
    assertClose(x.grad, flat(y));
  });

  test('batchNorm uses batch statistics and updates running ones in training, running ones in prediction', () => {
    const x = np.array([[1, 2], [3, 6], [5, 10]]);
    const gamma = np.ones([2]);
    const beta = np.zeros([2]);
    const runningMean = np.zeros([2]);
    const runningVar = np.ones([2]);
    const y = autograd.record(() => npx.batchNorm(x, gamma, beta, runningMean, runningVar, { eps: 0 }));
    const s = Math.sqrt(8 / 3);
    assertClose(y, [-2 / s, -4 / (2 * s), 0, 0, 2 / s, 4 / (2 * s)], { atol: 1e-5 });
    assertClose(runningMean, [0.1 * 3, 0.1 * 6], { atol: 1e-6 });
    assertClose(runningVar, [0.9 + 0.1 * 8 / 3, 0.9 + 0.1 * 32 / 3], { atol: 1e-5 });
    const predicted = npx.batchNorm(x, gamma, beta, runningMean, runningVar, { eps: 0 });
    const mean = flat(runningMean);
    const variance = flat(runningVar);
    assertClose(predicted, [1, 2, 3, 6, 5, 10].map((v, i) => (v - mean[i % 2]!) / Math.sqrt(variance[i % 2]!)), { atol: 1e-5 });
    assertClose(runningMean, mean, {}, 'prediction leaves the running mean alone');
    expectError(() => npx.batchNorm(x, np.ones([3]), beta, runningMean, runningVar), /gamma must have shape \(2,\) to match axis 1 of x \(3, 2\), got \(3,\)/);
  });
});
