// In-place writes and autograd: identity across steps, recorded writes against PyTorch's gradients
// for the same programs (test/fixtures/torch/inplace.json, made by inplace.py beside it), and the
// version check that refuses a gradient which would read an overwritten value.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { autograd, np, GradLensError } from 'gradlens';
import { assertClose, expectError, flat } from '../helpers';
import { repoRoot } from '../trace-helpers';

type Fixture = Record<string, Record<string, number[] | boolean | string>>;
const torch = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'torch', 'inplace.json'), 'utf8')) as Fixture;
const DT = { dtype: 'float64' as const };
const expected = (name: string, key: string) => torch[name]![key] as number[];

suite('in-place writes', () => {
  test('the SGD step keeps the parameter: same array, same grad buffer, new values', () => {
    const w = np.array([1, -2], DT);
    w.attachGrad();
    const grad = w.grad;
    for (let step = 0; step < 3; step++) {
      const loss = autograd.record(() => w.mul(w).sum());
      loss.backward();
      w.assign(w.sub(w.grad!.mul(0.25)));
    }
    assert.equal(w.grad, grad);
    assert.equal(w.gradReq, 'write');
    assertClose(w, [0.125, -0.25]); // w ← w − 0.25·2w = w/2, three times
    assertClose(w.grad, [0.5, -1]);
  });

  test('writes into .grad: gradient clipping', () => {
    const w = np.array([3, 4], DT);
    w.attachGrad();
    autograd.record(() => w.mul(w).sum()).backward();
    const norm = Math.sqrt(w.grad!.mul(w.grad!).sum().item());
    w.grad!.assign(w.grad!.mul(1 / norm));
    assertClose(w.grad, [0.6, 0.8]);
  });

  test('corr2d into fresh zeros, recorded by set: PyTorch\'s values and gradient', () => {
    const X = np.arange(12, DT).reshape(3, 4).div(10);
    const K = np.array([[0.5, -1], [0.25, 2]], DT);
    K.attachGrad();
    const Y = np.zeros([2, 3], DT);
    autograd.record(() => {
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) Y.set([i, j], X.get(`${i}:${i + 2}, ${j}:${j + 2}`).mul(K).sum());
      return Y.mul(Y).sum();
    }).backward();
    assertClose(Y, expected('corr2d', 'Y'), { atol: 1e-12 });
    assertClose(K.grad, expected('corr2d', 'K.grad'), { atol: 1e-12 });
  });

  test('a slice of a computed array: PyTorch\'s gradients for the array and the value', () => {
    const a = np.arange(12, DT).reshape(3, 4).div(7).sub(0.5);
    const v = np.array([0.3, -0.8], DT);
    a.attachGrad();
    v.attachGrad();
    autograd.record(() => {
      const y = a.mul(1);
      y.set([1, '1:3'], v);
      return y.mul(y).sum();
    }).backward();
    assertClose(a.grad, expected('slice', 'a.grad'), { atol: 1e-12 });
    assertClose(v.grad, expected('slice', 'v.grad'), { atol: 1e-12 });
  });

  test('an op that read only shapes (add) before the write differentiates, as in PyTorch', () => {
    const a = np.array([1, 2, 3], DT);
    a.attachGrad();
    const z = autograd.record(() => {
      const y = a.mul(2);
      const sum = y.add(1);
      y.set(0, 5);
      return sum;
    });
    z.backward();
    assertClose(a.grad, expected('add before write', 'a.grad'));
  });

  test('an op that saved its input (mul) before the write: refused, naming the op, the write and the fix', () => {
    assert.equal(torch['mul before write']!['error'], true);
    const a = np.array([1, 2, 3], DT);
    a.attachGrad();
    const z = autograd.record(() => {
      const y = a.mul(2);
      const square = y.mul(y);
      y.set(0, 5);
      return square.sum();
    });
    const error = expectError(() => z.backward(), /backward: the gradient of 'mul' \(node #\d+\) needs the value its input [01] \(shape \(3,\)\) had when the op ran, but the array was written afterwards by set at .*inplace\.test\.(ts|js):\d+:\d+.*\.copy\(\)/);
    assert.ok(error instanceof GradLensError);
  });

  test('an op that saved its output (exp), the output written: refused; copy() first works', () => {
    assert.equal(torch['exp output written']!['error'], true);
    const a = np.array([0.1, 0.2], DT);
    a.attachGrad();
    const s = autograd.record(() => {
      const y = a.exp();
      const total = y.sum();
      y.set(0, 0);
      return total;
    });
    expectError(() => s.backward(), /the gradient of 'exp' \(node #\d+\) needs the value its output/);
    const t = autograd.record(() => {
      const y = a.exp();
      const total = y.sum();
      y.copy().set(0, 0);
      return total;
    });
    t.backward();
    assertClose(a.grad, [Math.exp(0.1), Math.exp(0.2)]);
  });

  test('writes that autograd could not follow are refused inside record', () => {
    const w = np.ones([2], DT);
    w.attachGrad();
    expectError(() => autograd.record(() => w.set(0, 2)), /set: cannot write into a variable \(an array with attachGrad\(\)\) inside autograd\.record\(\).*p\.assign\(p\.sub\(p\.grad\.mul\(lr\)\)\)/);
    const view = np.zeros([2], DT);
    view.reshape(2, 1);
    expectError(() => autograd.record(() => view.set(0, w.sum())), /cannot record a write into an array that shares its elements/);
    // Outside record the same writes are data only.
    w.set(0, 2);
    view.set(0, 1);
    assert.deepEqual(flat(w), [2, 1]);
  });

  test('the observer hears every write, recorded or not', async () => {
    const { setEngineObserver } = await import('gradlens');
    const heard: string[] = [];
    const previous = setEngineObserver({ write: (event) => heard.push(`${event.op} ${event.index} ${event.recorded}`) });
    try {
      const a = np.zeros([2, 2], DT);
      a.set('0, :', 1);
      a.assign(2);
      const v = np.ones([2], DT);
      v.attachGrad();
      autograd.record(() => a.set([1], v));
    } finally {
      setEngineObserver(previous);
    }
    assert.deepEqual(heard, ['set 0, : false', 'assign ... false', 'set 1 true']);
  });
});

suite('in-place writes by the engine', () => {
  test('backward filling .grad counts as a write: a graph that read the old gradient refuses to use the new one', () => {
    const w = np.array([1, 2], DT);
    w.attachGrad();
    autograd.record(() => w.mul(w).sum()).backward();
    const v = np.array([3, 4], DT);
    v.attachGrad();
    const penalty = autograd.record(() => v.mul(w.grad!).sum());
    autograd.record(() => w.mul(3).sum()).backward();
    expectError(() => penalty.backward(), /the gradient of 'mul' \(node #\d+\) needs the value its input 1 \(shape \(2,\)\) had when the op ran, but the array was written afterwards by backward:/);
  });
});

suite('index arrays that ask for a gradient', () => {
  test('a float index array with attachGrad gets zeros, also at second order', () => {
    const a = np.array([1, 2, 3], DT);
    const idx = np.array([2, 0], DT);
    a.attachGrad();
    idx.attachGrad();
    const y = autograd.record(() => np.take(a, idx).mul(a.get([[0, 1]])).sum());
    const [ga, gi] = autograd.grad(y, [a, idx], { createGraph: true });
    assertClose(ga, [5, 1, 1]); // y = a₂·a₀ + a₀·a₁
    assertClose(gi, [0, 0]);
    autograd.record(() => ga!.sum()).backward();
  });
});
