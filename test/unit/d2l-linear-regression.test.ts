// d2l 3.4, linear regression from scratch (examples/d2l/linear-regression-scratch.ts): the port's
// training run replayed in NumPy with hand-written gradients on the same data, initial parameters
// and batch orders; the board's loss curves and the final w and b must agree to float32 precision.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { np } from 'gradlens';
import { assertAllClose, curve, numpy, recordedRun } from './d2l-reference';
import { train } from '../../examples/d2l/linear-regression-scratch';

/** The training loop of the section, in NumPy: ∂l/∂w = Xᵀr/n, ∂l/∂b = mean(r) for l = mean(r²/2). */
const REFERENCE = `
X, y, w, b = arr('X'), arr('y'), arr('w').reshape(-1, 1), arr('b')
n_train, bs, lr = inp['numTrain'], inp['batchSize'], inp['lr']
X_train, y_train, X_val, y_val = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
train_losses, val_losses, xs = [], [], []
n_batches = -(-n_train // bs)
for epoch, order in enumerate(inp['orders']):
    for k, s in enumerate(range(0, n_train, bs)):
        idx = order[s:s + bs]
        r = X_train[idx] @ w + b - y_train[idx]
        train_losses.append(np.mean(r ** 2 / 2))
        xs.append((epoch * n_batches + k) / n_batches)
        w, b = w - lr * X_train[idx].T @ r / len(idx), b - lr * np.mean(r)
    val_losses.append(np.mean([np.mean((X_val[s:s + bs] @ w + b - y_val[s:s + bs]) ** 2 / 2) for s in range(0, len(X_val), bs)]))
done(train=board(train_losses, n_batches // 2), x=board(xs, n_batches // 2), val=val_losses, w=w.ravel(), b=b)
`;

suite('d2l 3.4 linear regression from scratch, against NumPy', () => {
  test('the loss curves per half epoch and per epoch, and the final w and b', () => {
    np.random.seed(34);
    const settings = { maxEpochs: 3, numTrain: 1000, numVal: 1000, batchSize: 32, lr: 0.03 }; // the book's
    const { run, orders, params } = recordedRun(() => train(settings));
    const { model, data } = run;
    assert.equal(orders.length, 3, 'one shuffled order per epoch');
    const [b, w] = params[0]!; // getScratchParams: b, w (sorted by name, as Python's dir)
    const ref = numpy<{ train: number[]; x: number[]; val: number[]; w: number[]; b: number[] }>(REFERENCE, {
      X: data.X, y: data.y, w, b, orders: orders, ...settings,
    });
    assertAllClose(curve(model, 'train_loss'), ref.train, { rtol: 1e-4 }, 'train_loss');
    assertAllClose(model.board.data.get('train_loss')!.map((p) => p.x), ref.x, {}, 'train_loss x');
    assertAllClose(curve(model, 'val_loss'), ref.val, { rtol: 1e-4 }, 'val_loss');
    assertAllClose(model.w.toFlatArray(), ref.w, { rtol: 1e-4, atol: 1e-5 }, 'w');
    assertAllClose(model.b.toFlatArray(), ref.b, { rtol: 1e-4, atol: 1e-5 }, 'b');
    // The run learnt: w near (2, −3.4), b near 4.2, as the section's last cell prints.
    assertAllClose(model.w.toFlatArray(), [2, -3.4], { atol: 0.3 }, 'w against the true w');
  });

  test('the example runs as a program and prints the errors in estimating w and b', () => {
    const file = join(__dirname, '..', '..', 'examples', 'd2l', 'linear-regression-scratch.js');
    assert.ok(existsSync(file), `${file} is missing: build with \`node scripts/build.mjs examples\``);
    const lines = execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim().split('\n');
    // 3 epochs of 32 batches: two train points and one validation point an epoch, then the two errors.
    assert.equal(lines.length, 3 * 3 + 2);
    assert.match(lines[0]!, /^epoch 0\.\d\d {2}train_loss \d+\.\d{4}$/);
    assert.match(lines[2]!, /^epoch 1\.00 {2}val_loss \d+\.\d{4}$/);
    assert.match(lines[9]!, /^error in estimating w: array\(\[.+\]\)$/);
    assert.match(lines[10]!, /^error in estimating b: array\(\[.+\]\)$/);
  });
});
