// d2l 5.2, the MLP from scratch and its concise implementation (examples/d2l/mlp-implementation.ts):
// training runs replayed in NumPy with backpropagation written by hand (softmax cross-entropy as
// d2l.Classifier's loss, relu's gradient the mask Z > 0) on the same synthetic Fashion-MNIST,
// initial parameters and batch orders: loss and accuracy curves, final W1, b1, W2, b2 — for the
// concise model, gluon's nn.Dense weights (units, in_units) named net.0.weight … net.1.bias.
import { strict as assert } from 'node:assert';
import { np, type Parameter } from 'gradlens';
import { assertAllClose, curve, numpy, recordedRun } from './d2l-reference';
import { relu, train, trainConcise } from '../../examples/d2l/mlp-implementation';

const REFERENCE = `
def log_softmax(O): return O - O.max(1, keepdims=True) - np.log(np.exp(O - O.max(1, keepdims=True)).sum(1, keepdims=True))
X_train, y_train = arr('X_train').reshape(-1, 784), np.array(inp['y_train'], dtype=int)
X_val, y_val = arr('X_val').reshape(-1, 784), np.array(inp['y_val'], dtype=int)
h, bs, lr = inp['numHiddens'], inp['batchSize'], inp['lr']
if inp.get('gluon'):  # nn.Dense holds its weight as (units, in_units): X @ W.T
    W1, W2, b1, b2 = arr('W1').reshape(h, 784).T, arr('W2').reshape(10, h).T, arr('b1'), arr('b2')
else:
    W1, W2, b1, b2 = arr('W1').reshape(784, h), arr('W2').reshape(h, 10), arr('b1'), arr('b2')
def forward(X):
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    return Z1, H, H @ W2 + b2
train_losses, val_losses, val_accs = [], [], []
for order in inp['orders']:
    for s in range(0, len(X_train), bs):
        idx = order[s:s + bs]
        X, y = X_train[idx], y_train[idx]
        Z1, H, O = forward(X)
        L = log_softmax(O)
        train_losses.append(-np.mean(L[range(len(y)), y]))
        dO = (np.exp(L) - np.eye(10)[y]) / len(y)
        dZ1 = (dO @ W2.T) * (Z1 > 0)
        W1, b1, W2, b2 = W1 - lr * X.T @ dZ1, b1 - lr * dZ1.sum(0), W2 - lr * H.T @ dO, b2 - lr * dO.sum(0)
    losses, accs = [], []
    for s in range(0, len(X_val), bs):
        L = log_softmax(forward(X_val[s:s + bs])[2])
        losses.append(-np.mean(L[range(len(L)), y_val[s:s + bs]]))
        accs.append(np.mean(L.argmax(1) == y_val[s:s + bs]))
    val_losses.append(np.mean(losses))
    val_accs.append(np.mean(accs))
n_batches = -(-len(X_train) // bs)
if inp.get('gluon'): W1, W2 = W1.T, W2.T
done(train=board(train_losses, n_batches // 2), val=val_losses, acc=val_accs, W1=W1.ravel(), b1=b1, W2=W2.ravel(), b2=b2)
`;

suite('d2l 5.2 MLP from scratch, against NumPy', () => {
  test('relu is max(X, 0)', () => {
    assert.deepEqual(relu(np.array([-2, -0.5, 0, 0.5, 2])).toFlatArray(), [0, 0, 0, 0.5, 2]);
  });

  test('training: loss and accuracy curves and the final parameters', () => {
    np.random.seed(52);
    // The book: 256 hidden units, batches of 256, 10 epochs of 60,000 images.
    const settings = { numHiddens: 64, lr: 0.1, batchSize: 64, maxEpochs: 3, numTrain: 400, numVal: 100 };
    const { run, orders, params } = recordedRun(() => train(settings));
    const { model, data } = run;
    const [W1, W2, b1, b2] = params[0]!; // getScratchParams: sorted by name
    const [XTrain, yTrain] = data.train.arrays;
    const [XVal, yVal] = data.val.arrays;
    type Result = { train: number[]; val: number[]; acc: number[]; W1: number[]; b1: number[]; W2: number[]; b2: number[] };
    const ref = numpy<Result>(REFERENCE, { X_train: XTrain, y_train: yTrain, X_val: XVal, y_val: yVal, W1, W2, b1, b2, orders: orders, ...settings });
    assertAllClose(curve(model, 'train_loss'), ref.train, { rtol: 1e-4 }, 'train_loss');
    assertAllClose(curve(model, 'val_loss'), ref.val, { rtol: 1e-4 }, 'val_loss');
    assertAllClose(curve(model, 'val_acc'), ref.acc, { atol: 1e-6 }, 'val_acc');
    for (const name of ['W1', 'b1', 'W2', 'b2'] as const) {
      assertAllClose(model[name].toFlatArray(), ref[name], { rtol: 1e-3, atol: 1e-5 }, name);
    }
  });

  test('concise: nn.Sequential of two nn.Dense, named net.0.weight … net.1.bias, trains as the scratch model does', () => {
    np.random.seed(53);
    const settings = { numHiddens: 64, lr: 0.1, batchSize: 64, maxEpochs: 3, numTrain: 400, numVal: 100 };
    const { run, orders, named } = recordedRun(() => trainConcise(settings));
    const { model, data } = run;
    const params = model.collectParams();
    assert.deepEqual([...params.keys()], ['net.0.weight', 'net.0.bias', 'net.1.weight', 'net.1.bias']);
    assert.deepEqual([...params.values()].map((p: Parameter) => p.shape), [[64, 784], [64], [10, 64], [10]], 'in_units learnt at the first call');
    assert.equal(named.length, 1, 'one fit');
    const initial = named[0]!;
    assert.ok(initial.get('net.0.weight')!.every((v) => Math.abs(v) <= 0.07), 'gluon\'s default initializer: Uniform(0.07)');
    assert.ok(initial.get('net.0.bias')!.every((v) => v === 0), 'biases start at zero');
    const [XTrain, yTrain] = data.train.arrays;
    const [XVal, yVal] = data.val.arrays;
    type Result = { train: number[]; val: number[]; acc: number[]; W1: number[]; b1: number[]; W2: number[]; b2: number[] };
    const ref = numpy<Result>(REFERENCE, {
      X_train: XTrain, y_train: yTrain, X_val: XVal, y_val: yVal, orders, gluon: true, ...settings,
      W1: initial.get('net.0.weight'), b1: initial.get('net.0.bias'), W2: initial.get('net.1.weight'), b2: initial.get('net.1.bias'),
    });
    assertAllClose(curve(model, 'train_loss'), ref.train, { rtol: 1e-4 }, 'train_loss');
    assertAllClose(curve(model, 'val_loss'), ref.val, { rtol: 1e-4 }, 'val_loss');
    assertAllClose(curve(model, 'val_acc'), ref.acc, { atol: 1e-6 }, 'val_acc');
    const final = { W1: 'net.0.weight', b1: 'net.0.bias', W2: 'net.1.weight', b2: 'net.1.bias' } as const;
    for (const [key, name] of Object.entries(final) as [keyof typeof final, string][]) {
      assertAllClose(params.get(name)!.data().toFlatArray(), ref[key], { rtol: 1e-3, atol: 1e-5 }, name);
    }
  });
});
