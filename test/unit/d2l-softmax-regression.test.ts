// d2l 4.4, softmax regression from scratch (examples/d2l/softmax-regression-scratch.ts): softmax
// and cross_entropy against NumPy, and a training run replayed in NumPy with the hand-written
// gradient of softmax cross-entropy, ∂l/∂Z = (softmax(Z) − onehot(y))/n, on the same synthetic
// Fashion-MNIST, initial parameters and batch orders: loss and accuracy curves, final W and b.
import { strict as assert } from 'node:assert';
import { np } from 'gradlens';
import { assertAllClose, curve, numpy, recordedRun } from './d2l-reference';
import { crossEntropy, softmax, train } from '../../examples/d2l/softmax-regression-scratch';

const SOFTMAX_REFERENCE = `
def softmax(X): return np.exp(X) / np.exp(X).sum(1, keepdims=True)
y_hat = arr('y_hat')
done(softmax=softmax(arr('X')).ravel(), cross_entropy=-np.mean(np.log(y_hat[range(len(y_hat)), inp['y']])))
`;

const TRAINING_REFERENCE = `
def softmax(Z): return np.exp(Z) / np.exp(Z).sum(1, keepdims=True)
X_train, y_train = arr('X_train').reshape(-1, 784), np.array(inp['y_train'], dtype=int)
X_val, y_val = arr('X_val').reshape(-1, 784), np.array(inp['y_val'], dtype=int)
W, b, bs, lr = arr('W').reshape(784, 10), arr('b'), inp['batchSize'], inp['lr']
train_losses, val_losses, val_accs = [], [], []
for order in inp['orders']:
    for s in range(0, len(X_train), bs):
        idx = order[s:s + bs]
        X, y = X_train[idx], y_train[idx]
        P = softmax(X @ W + b)
        train_losses.append(-np.mean(np.log(P[range(len(y)), y])))
        dZ = (P - np.eye(10)[y]) / len(y)
        W, b = W - lr * X.T @ dZ, b - lr * dZ.sum(0)
    losses, accs = [], []
    for s in range(0, len(X_val), bs):
        P = softmax(X_val[s:s + bs] @ W + b)
        losses.append(-np.mean(np.log(P[range(len(P)), y_val[s:s + bs]])))
        accs.append(np.mean(P.argmax(1) == y_val[s:s + bs]))
    val_losses.append(np.mean(losses))
    val_accs.append(np.mean(accs))
n_batches = -(-len(X_train) // bs)
done(train=board(train_losses, n_batches // 2), val=val_losses, acc=val_accs, W=W.ravel(), b=b)
`;

suite('d2l 4.4 softmax regression from scratch, against NumPy', () => {
  test('softmax and cross_entropy of the section\'s examples', () => {
    np.random.seed(44);
    const X = np.random.uniform(0, 1, [2, 5]);
    const yHat = np.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]);
    const ref = numpy<{ softmax: number[]; cross_entropy: number }>(SOFTMAX_REFERENCE, { X, y_hat: yHat, y: [0, 2] });
    assertAllClose(softmax(X).toFlatArray(), ref.softmax, { rtol: 1e-6 }, 'softmax');
    assertAllClose(softmax(X).sum(1).toFlatArray(), [1, 1], { rtol: 1e-6 }, 'rows of softmax');
    assertAllClose([crossEntropy(yHat, np.array([0, 2])).item()], [ref.cross_entropy], { rtol: 1e-6 }, 'cross_entropy');
  });

  test('training: loss and accuracy curves and the final W and b', () => {
    np.random.seed(4);
    const settings = { batchSize: 64, maxEpochs: 3, lr: 0.1, numTrain: 600, numVal: 200 }; // the book: 256, 10 epochs, 60,000 + 10,000
    const { run, orders, params } = recordedRun(() => train(settings));
    const { model, data } = run;
    const [W, b] = params[0]!; // getScratchParams: W, b (sorted by name)
    const [XTrain, yTrain] = data.train.arrays;
    const [XVal, yVal] = data.val.arrays;
    const ref = numpy<{ train: number[]; val: number[]; acc: number[]; W: number[]; b: number[] }>(TRAINING_REFERENCE, {
      X_train: XTrain, y_train: yTrain, X_val: XVal, y_val: yVal, W, b, orders: orders, ...settings,
    });
    assertAllClose(curve(model, 'train_loss'), ref.train, { rtol: 1e-4 }, 'train_loss');
    assertAllClose(curve(model, 'val_loss'), ref.val, { rtol: 1e-4 }, 'val_loss');
    assertAllClose(curve(model, 'val_acc'), ref.acc, { atol: 1e-6 }, 'val_acc');
    assertAllClose(model.W.toFlatArray(), ref.W, { rtol: 1e-3, atol: 1e-5 }, 'W');
    assertAllClose(model.b.toFlatArray(), ref.b, { rtol: 1e-3, atol: 1e-5 }, 'b');
    assert.ok(ref.acc.at(-1)! > 0.5, `the model learnt something: validation accuracy ${ref.acc.at(-1)}`);
  });
});
