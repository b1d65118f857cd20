// d2l 5.6, dropout from scratch and concise (examples/d2l/dropout.ts): dropout_layer's three cases,
// and training runs of DropoutMLPScratch and DropoutMLP replayed in NumPy with backpropagation
// written by hand through the same dropout masks. For the scratch model the test records every
// np.random.uniform draw of the run (the Dense layers' Uniform(0.07) initialisation and the masks'
// uniforms); for the concise one, the initial parameters by name and the masks the nn.Dropout
// layers' dropout ops kept for their gradient (heard through the engine observer).
import { strict as assert } from 'node:assert';
import { autograd, np, NDArray, setEngineObserver } from 'gradlens';
import { assertAllClose, curve, numpy, recordedRun, recordShuffles } from './d2l-reference';
import { dropoutLayer, train, trainConcise } from '../../examples/d2l/dropout';

const REFERENCE = `
def log_softmax(O): return O - O.max(1, keepdims=True) - np.log(np.exp(O - O.max(1, keepdims=True)).sum(1, keepdims=True))
X_train, y_train = arr('X_train').reshape(-1, 784), np.array(inp['y_train'], dtype=int)
X_val, y_val = arr('X_val').reshape(-1, 784), np.array(inp['y_val'], dtype=int)
bs, lr, p1, p2 = inp['batchSize'], inp['lr'], inp['dropout1'], inp['dropout2']
W1, W2, W3 = [np.array(w) for w in inp['weights']]  # Gluon's layout: (units, in_units)
b1, b2, b3 = np.zeros(len(W1)), np.zeros(len(W2)), np.zeros(len(W3))
masks = iter(inp['masks'])
train_losses, val_losses, val_accs = [], [], []
for order in inp['orders']:
    for s in range(0, len(X_train), bs):
        idx = order[s:s + bs]
        X, y = X_train[idx], y_train[idx]
        Z1 = X @ W1.T + b1
        M1 = np.array(next(masks)) if inp.get('scaled') else (np.array(next(masks)) > p1) / (1 - p1)
        D1 = np.maximum(Z1, 0) * M1
        Z2 = D1 @ W2.T + b2
        M2 = np.array(next(masks)) if inp.get('scaled') else (np.array(next(masks)) > p2) / (1 - p2)
        D2 = np.maximum(Z2, 0) * M2
        L = log_softmax(D2 @ W3.T + b3)
        train_losses.append(-np.mean(L[range(len(y)), y]))
        dO = (np.exp(L) - np.eye(10)[y]) / len(y)
        dZ2 = (dO @ W3) * M2 * (Z2 > 0)
        dZ1 = (dZ2 @ W2) * M1 * (Z1 > 0)
        W3, b3 = W3 - lr * dO.T @ D2, b3 - lr * dO.sum(0)
        W2, b2 = W2 - lr * dZ2.T @ D1, b2 - lr * dZ2.sum(0)
        W1, b1 = W1 - lr * dZ1.T @ X, b1 - lr * dZ1.sum(0)
    losses, accs = [], []
    for s in range(0, len(X_val), bs):
        H = np.maximum(np.maximum(X_val[s:s + bs] @ W1.T + b1, 0) @ W2.T + b2, 0)
        L = log_softmax(H @ W3.T + b3)
        losses.append(-np.mean(L[range(len(L)), y_val[s:s + bs]]))
        accs.append(np.mean(L.argmax(1) == y_val[s:s + bs]))
    val_losses.append(np.mean(losses))
    val_accs.append(np.mean(accs))
n_batches = -(-len(X_train) // bs)
done(train=board(train_losses, n_batches // 2), val=val_losses, acc=val_accs, W1=W1.ravel(), b1=b1, W3=W3.ravel(), b3=b3)
`;

/** Records the values of every np.random.uniform(low, high, shape) call, by the call's arguments. */
function recordUniforms(): { draws: { low: number; high: number; value: NDArray }[]; restore(): void } {
  const original = np.random.uniform;
  const draws: { low: number; high: number; value: NDArray }[] = [];
  np.random.uniform = ((low: number, high: number, ...rest: unknown[]) => {
    const value = (original as (...args: unknown[]) => NDArray)(low, high, ...rest);
    draws.push({ low, high, value: value.copy() });
    return value;
  }) as typeof np.random.uniform;
  return { draws, restore: () => { np.random.uniform = original; } };
}

suite('d2l 5.6 dropout from scratch, against NumPy', () => {
  test('dropout_layer: p = 0 keeps X, p = 1 zeros it, p = 0.5 zeros about half and doubles the rest', () => {
    np.random.seed(56);
    const X = np.arange(16).reshape(2, 8);
    assert.deepEqual(dropoutLayer(X, 0).toFlatArray(), X.toFlatArray());
    assert.deepEqual(dropoutLayer(X, 1).toFlatArray(), new Array(16).fill(0));
    const big = np.ones([100, 100]);
    const dropped = dropoutLayer(big, 0.5).toFlatArray();
    assert.ok(dropped.every((v) => v === 0 || v === 2), 'every element is 0 or 1/(1 − p)');
    const kept = dropped.filter((v) => v === 2).length;
    assert.ok(Math.abs(kept - 5000) < 4 * 50, `about half kept: ${kept} of 10,000`);
    assert.throws(() => dropoutLayer(X, 1.5), /0 <= dropout <= 1/);
  });

  test('dropout_layer is differentiable: the gradient is the mask over 1 − p', () => {
    np.random.seed(57);
    const X = np.random.normal(0, 1, [4, 5]);
    X.attachGrad();
    const Y = autograd.record(() => dropoutLayer(X, 0.3));
    Y.backward();
    const expected = Y.toFlatArray().map((y) => (y === 0 ? 0 : 1 / 0.7));
    assertAllClose(X.grad!.toFlatArray(), expected, { rtol: 1e-6 }, 'X.grad');
  });

  test('training: loss and accuracy curves and the final parameters, through the same masks', () => {
    np.random.seed(5);
    const shuffles = recordShuffles();
    const uniforms = recordUniforms();
    // The book: 256 and 256 hidden units, batches of 256, 10 epochs of 60,000 images.
    const hparams = { numOutputs: 10, numHiddens1: 48, numHiddens2: 32, dropout1: 0.5, dropout2: 0.2, lr: 0.1 };
    const sizes = { batchSize: 64, maxEpochs: 3, numTrain: 320, numVal: 100 };
    let run: ReturnType<typeof train>;
    try {
      run = train(hparams, sizes);
    } finally {
      shuffles.restore();
      uniforms.restore();
    }
    const { model, data } = run;
    const byRange = (low: number, high: number) => uniforms.draws.filter((d) => d.low === low && d.high === high).map((d) => d.value);
    const weights = byRange(-0.07, 0.07).map((w) => w.toArray());
    assert.equal(weights.length, 3, 'three Dense weights initialised');
    const masks = byRange(0, 1).filter((d) => d.ndim === 2).map((m) => m.toArray());
    assert.equal(masks.length, 2 * 5 * 3, 'two masks a batch, five batches an epoch, three epochs: none in validation');
    const [XTrain, yTrain] = data.train.arrays;
    const [XVal, yVal] = data.val.arrays;
    type Result = { train: number[]; val: number[]; acc: number[]; W1: number[]; b1: number[]; W3: number[]; b3: number[] };
    const ref = numpy<Result>(REFERENCE, { X_train: XTrain, y_train: yTrain, X_val: XVal, y_val: yVal, weights, masks, orders: shuffles.orders, ...hparams, ...sizes });
    assertAllClose(curve(model, 'train_loss'), ref.train, { rtol: 1e-4 }, 'train_loss');
    assertAllClose(curve(model, 'val_loss'), ref.val, { rtol: 1e-4 }, 'val_loss');
    assertAllClose(curve(model, 'val_acc'), ref.acc, { atol: 1e-6 }, 'val_acc');
    assertAllClose(model.lin1.weight.data().toFlatArray(), ref.W1, { rtol: 1e-3, atol: 1e-5 }, 'lin1.weight');
    assertAllClose(model.lin1.bias!.data().toFlatArray(), ref.b1, { rtol: 1e-3, atol: 1e-5 }, 'lin1.bias');
    assertAllClose(model.lin3.weight.data().toFlatArray(), ref.W3, { rtol: 1e-3, atol: 1e-5 }, 'lin3.weight');
    assertAllClose(model.lin3.bias!.data().toFlatArray(), ref.b3, { rtol: 1e-3, atol: 1e-5 }, 'lin3.bias');
  });

  test('concise: nn.Sequential with nn.Dropout layers trains as the scratch model, through the masks its dropout ops drew', () => {
    np.random.seed(6);
    const masks: number[][][] = [];
    const previous = setEngineObserver({
      op: (event) => { if (event.op === 'dropout' && event.node !== null) masks.push(event.node.saved[0]!.toArray() as number[][]); },
    });
    const hparams = { numOutputs: 10, numHiddens1: 48, numHiddens2: 32, dropout1: 0.5, dropout2: 0.2, lr: 0.1 };
    const sizes = { batchSize: 64, maxEpochs: 3, numTrain: 320, numVal: 100 };
    let recorded: ReturnType<typeof recordedRun<ReturnType<typeof trainConcise>>>;
    try {
      recorded = recordedRun(() => trainConcise(hparams, sizes));
    } finally {
      setEngineObserver(previous);
    }
    const { run: { model, data }, orders, named } = recorded;
    const params = model.collectParams();
    assert.deepEqual([...params.keys()], ['net.0.weight', 'net.0.bias', 'net.2.weight', 'net.2.bias', 'net.4.weight', 'net.4.bias'], 'Dropout layers have no parameters');
    assert.equal(masks.length, 2 * 5 * 3, 'two masks a batch, five batches an epoch, three epochs: none in validation (prediction mode)');
    const initial = named[0]!;
    const weights = ['net.0.weight', 'net.2.weight', 'net.4.weight'].map((name) => {
      const [units, inUnits] = params.get(name)!.shape as [number, number];
      const flat = initial.get(name)!;
      return Array.from({ length: units }, (_, r) => flat.slice(r * inUnits, (r + 1) * inUnits));
    });
    const [XTrain, yTrain] = data.train.arrays;
    const [XVal, yVal] = data.val.arrays;
    type Result = { train: number[]; val: number[]; acc: number[]; W1: number[]; b1: number[]; W3: number[]; b3: number[] };
    const ref = numpy<Result>(REFERENCE, { X_train: XTrain, y_train: yTrain, X_val: XVal, y_val: yVal, weights, masks, scaled: true, orders, ...hparams, ...sizes });
    assertAllClose(curve(model, 'train_loss'), ref.train, { rtol: 1e-4 }, 'train_loss');
    assertAllClose(curve(model, 'val_loss'), ref.val, { rtol: 1e-4 }, 'val_loss');
    assertAllClose(curve(model, 'val_acc'), ref.acc, { atol: 1e-6 }, 'val_acc');
    assertAllClose(params.get('net.0.weight')!.data().toFlatArray(), ref.W1, { rtol: 1e-3, atol: 1e-5 }, 'net.0.weight');
    assertAllClose(params.get('net.0.bias')!.data().toFlatArray(), ref.b1, { rtol: 1e-3, atol: 1e-5 }, 'net.0.bias');
    assertAllClose(params.get('net.4.weight')!.data().toFlatArray(), ref.W3, { rtol: 1e-3, atol: 1e-5 }, 'net.4.weight');
    assertAllClose(params.get('net.4.bias')!.data().toFlatArray(), ref.b3, { rtol: 1e-3, atol: 1e-5 }, 'net.4.bias');
  });
});
