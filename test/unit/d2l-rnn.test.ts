// d2l 9.5, the RNN from scratch (examples/d2l/rnn-scratch.ts): the section's shape checks, one-hot
// encoding, and a training run replayed in NumPy with backpropagation through time written by
// hand, gradient clipping included, on the same synthetic corpus, initial parameters and batch
// orders: the perplexity curves and the final parameters. Then decoding, against the reference's
// greedy decoding with the trained parameters.
import { strict as assert } from 'node:assert';
import { np } from 'gradlens';
import { assertAllClose, curve, numpy, recordedRun } from './d2l-reference';
import { RNNLMScratch, RNNScratch, train } from '../../examples/d2l/rnn-scratch';
import * as d2l from '../../examples/d2l/d2l';

const REFERENCE = `
def log_softmax(O): return O - O.max(-1, keepdims=True) - np.log(np.exp(O - O.max(-1, keepdims=True)).sum(-1, keepdims=True))
V, h = inp['vocabSize'], inp['numHiddens']
X_all, Y_all = np.array(inp['X'], dtype=int), np.array(inp['Y'], dtype=int)
n_train, n_val, bs, lr, clip = inp['numTrain'], inp['numVal'], inp['batchSize'], inp['lr'], inp['gradientClipVal']
W_hq, b_q, W_hh, W_xh, b_h = arr('W_hq').reshape(h, V), arr('b_q'), arr('W_hh').reshape(h, h), arr('W_xh').reshape(V, h), arr('b_h')
def forward(X):
    """X: (batch, steps) token indices. The states H (steps + 1, batch, h) and log-probabilities (batch, steps, V)."""
    E = np.eye(V)[X.T]
    H = [np.zeros((X.shape[0], h))]
    for t in range(X.shape[1]):
        H.append(np.tanh(E[t] @ W_xh + H[-1] @ W_hh + b_h))
    O = np.stack([Ht @ W_hq + b_q for Ht in H[1:]], 1)
    return E, H, log_softmax(O)
def loss(L, Y): return -np.mean(np.take_along_axis(L, Y[..., None], -1))
train_ppl, val_ppl, clipped = [], [], 0
for order in inp['orders']:
    for s in range(0, n_train, bs):
        idx = order[s:s + bs]
        X, Y = X_all[idx], Y_all[idx]
        E, H, L = forward(X)
        train_ppl.append(np.exp(loss(L, Y)))
        dO = (np.exp(L) - np.eye(V)[Y]) / Y.size            # (batch, steps, V)
        g = dict(W_hq=0, b_q=dO.sum((0, 1)), W_hh=0, W_xh=0, b_h=0)
        dH_next = np.zeros_like(H[0])
        for t in reversed(range(X.shape[1])):
            g['W_hq'] = g['W_hq'] + H[t + 1].T @ dO[:, t]
            dZ = (dO[:, t] @ W_hq.T + dH_next) * (1 - H[t + 1] ** 2)
            g['W_xh'] = g['W_xh'] + E[t].T @ dZ
            g['W_hh'] = g['W_hh'] + H[t].T @ dZ
            g['b_h'] = g['b_h'] + dZ.sum(0)
            dH_next = dZ @ W_hh.T
        norm = np.sqrt(sum(np.sum(v ** 2) for v in g.values()))
        scale = clip / norm if norm > clip else 1
        clipped += norm > clip
        W_hq, b_q = W_hq - lr * scale * g['W_hq'], b_q - lr * scale * g['b_q']
        W_hh, W_xh, b_h = W_hh - lr * scale * g['W_hh'], W_xh - lr * scale * g['W_xh'], b_h - lr * scale * g['b_h']
    val_ppl.append(np.mean([np.exp(loss(forward(X_all[s:s + bs])[2], Y_all[s:s + bs])) for s in range(n_train, n_train + n_val, bs)]))
# Greedy decoding from the prefix, one step at a time from the state.
tokens = inp['prefixTokens']
Ht, out = np.zeros((1, h)), [tokens[0]]
for i in range(len(tokens) + inp['numPreds'] - 1):
    Ht = np.tanh(np.eye(V)[[out[-1]]] @ W_xh + Ht @ W_hh + b_h)
    out.append(tokens[i + 1] if i < len(tokens) - 1 else int(np.argmax(Ht @ W_hq + b_q)))
n_batches = -(-n_train // bs)
done(train=board(train_ppl, n_batches // 2), val=val_ppl, W_hq=W_hq.ravel(), b_q=b_q, W_hh=W_hh.ravel(), W_xh=W_xh.ravel(), b_h=b_h, decoded=out, clipped=int(clipped))
`;

suite('d2l 9.5 RNN from scratch, against NumPy', () => {
  test('the section\'s shape checks and one-hot encoding', () => {
    const [batchSize, numInputs, numHiddens, numSteps] = [2, 16, 32, 100];
    const rnn = new RNNScratch(numInputs, numHiddens);
    const [outputs, state] = rnn.run(d2l.ones([numSteps, batchSize, numInputs]));
    d2l.checkLen(outputs, numSteps);
    d2l.checkShape(outputs[0]!, [batchSize, numHiddens]);
    d2l.checkShape(state, [batchSize, numHiddens]);
    assert.throws(() => d2l.checkShape(state, [batchSize, 3]), /tensor's shape \(2, 32\) != expected shape \(2, 3\)/);
    const model = new RNNLMScratch(rnn, numInputs);
    d2l.checkShape(model.call(d2l.ones([batchSize, numSteps], { dtype: d2l.int64 })), [batchSize, numSteps, numInputs]);
    // npx.one_hot(np.array([0, 2]), 5), and one_hot(X.T) of a (batch, steps) batch: (steps, batch, vocab).
    assert.deepEqual(model.oneHot(np.array([[0, 2]])).toArray(), [[[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], [[0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]]);
    assert.deepEqual(model.oneHot(np.array([[3, 1, 4]])).shape, [3, 1, 16]);
  });

  test('training with gradient clipping: the perplexity curves, the final parameters and a decoding', () => {
    np.random.seed(95);
    // The book: batches of 1,024 sequences of 32 steps, 32 hidden units, 100 epochs of 10,000 sequences,
    // clipping at 1; at 0.18 this short run clips some of its steps (the norms start near 0.2).
    const settings = { batchSize: 16, numSteps: 6, numTrain: 64, numVal: 32, numHiddens: 8, lr: 1, maxEpochs: 3, gradientClipVal: 0.18 };
    const { run, orders, params } = recordedRun(() => train(settings));
    const { data, rnn, model } = run;
    assert.deepEqual(model.getScratchParams(), [model.Whq, model.bq, rnn.Whh, rnn.Wxh, rnn.bh], 'the order of getScratchParams (sorted names, the RNN\'s after)');
    const [Whq, bq, Whh, Wxh, bh] = params[0]!;
    const prefix = 'the tr';
    type Result = { train: number[]; val: number[]; W_hq: number[]; b_q: number[]; W_hh: number[]; W_xh: number[]; b_h: number[]; decoded: number[]; clipped: number };
    const ref = numpy<Result>(REFERENCE, {
      X: data.X, Y: data.Y, vocabSize: data.vocab.length, W_hq: Whq, b_q: bq, W_hh: Whh, W_xh: Wxh, b_h: bh,
      orders: orders, prefixTokens: data.vocab.get([...prefix]), numPreds: 10, ...settings,
    });
    assert.ok(ref.clipped > 0 && ref.clipped < 12, `some steps clipped, not all: ${ref.clipped} of 12`);
    assertAllClose(curve(model, 'train_ppl'), ref.train, { rtol: 1e-4 }, 'train_ppl');
    assertAllClose(curve(model, 'val_ppl'), ref.val, { rtol: 1e-4 }, 'val_ppl');
    assertAllClose(model.Whq.toFlatArray(), ref.W_hq, { rtol: 1e-3, atol: 1e-5 }, 'W_hq');
    assertAllClose(model.bq.toFlatArray(), ref.b_q, { rtol: 1e-3, atol: 1e-5 }, 'b_q');
    assertAllClose(rnn.Whh.toFlatArray(), ref.W_hh, { rtol: 1e-3, atol: 1e-5 }, 'W_hh');
    assertAllClose(rnn.Wxh.toFlatArray(), ref.W_xh, { rtol: 1e-3, atol: 1e-5 }, 'W_xh');
    assertAllClose(rnn.bh.toFlatArray(), ref.b_h, { rtol: 1e-3, atol: 1e-5 }, 'b_h');
    assert.equal(model.predict(prefix, 10, data.vocab), ref.decoded.map((i) => data.vocab.idxToToken[i]).join(''));
  });

  test('clip_gradients scales every gradient by clip / norm when the norm exceeds it', () => {
    const rnn = new RNNScratch(3, 2);
    const model = new RNNLMScratch(rnn, 3);
    const params = model.getScratchParams();
    params.forEach((p, i) => p.grad!.assign(i + 1)); // norm² = Σ (i + 1)²·size
    const norm = Math.sqrt(params.reduce((s, p, i) => s + (i + 1) ** 2 * p.size, 0));
    new d2l.Trainer(1, 0, 1).clipGradients(1, model);
    params.forEach((p, i) => assertAllClose(p.grad!.toFlatArray(), new Array(p.size).fill((i + 1) / norm), { rtol: 1e-6 }, `grad ${i}`));
  });
});
