// d2l 7.5, pooling (examples/d2l/pooling.ts): pool2d from scratch (max and avg, values and their
// gradients through the recorded Y.set writes) and the section's nn.MaxPool2D cells (npx.pooling,
// padding and strides, two channels) against pooling written in NumPy from its definition.
import { strict as assert } from 'node:assert';
import { autograd, gluon, np } from 'gradlens';
import { assertAllClose, numpy } from './d2l-reference';
import { pool2d } from '../../examples/d2l/pooling';

const { nn } = gluon;

const REFERENCE = `
def pool2d(X, ph, pw, mode):
    f = np.max if mode == 'max' else np.mean
    return np.array([[f(X[i:i + ph, j:j + pw]) for j in range(X.shape[1] - pw + 1)] for i in range(X.shape[0] - ph + 1)])
def pool2d_grad(X, G, ph, pw, mode):
    dX = np.zeros_like(X)
    for i in range(G.shape[0]):
        for j in range(G.shape[1]):
            window = X[i:i + ph, j:j + pw]
            if mode == 'max':
                a, b = np.unravel_index(np.argmax(window), window.shape)
                dX[i + a, j + b] += G[i, j]
            else:
                dX[i:i + ph, j:j + pw] += G[i, j] / (ph * pw)
    return dX
def max_pool(X, k, s, p):
    """Max pooling of (N, C, H, W) with -inf padding, MXNet's valid output size."""
    Xp = np.pad(X, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=-np.inf)
    oh, ow = (Xp.shape[2] - k[0]) // s[0] + 1, (Xp.shape[3] - k[1]) // s[1] + 1
    return np.array([[[[Xp[n, c, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]].max() for j in range(ow)] for i in range(oh)]
                      for c in range(X.shape[1])] for n in range(X.shape[0])])
X, G = arr('X'), arr('G')
out = {}
for mode in ('max', 'avg'):
    out[mode] = pool2d(X, 2, 3, mode).ravel()
    out[mode + '_grad'] = pool2d_grad(X, G, 2, 3, mode).ravel()
X4 = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
X8 = np.concatenate((X4, X4 + 1), 1)
out['layers'] = [max_pool(X4, (3, 3), (3, 3), (0, 0)).ravel(), max_pool(X4, (3, 3), (2, 2), (1, 1)).ravel(),
                 max_pool(X4, (2, 3), (2, 3), (0, 1)).ravel(), max_pool(X8, (3, 3), (2, 2), (1, 1)).ravel()]
done(**out)
`;

suite('d2l 7.5 pooling, against NumPy', () => {
  test('pool2d from scratch: the section\'s examples', () => {
    const X = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]);
    assert.deepEqual(pool2d(X, [2, 2]).toArray(), [[4, 5], [7, 8]]);
    assert.deepEqual(pool2d(X, [2, 2], 'avg').toArray(), [[2, 3], [5, 6]]);
  });

  type Result = { max: number[]; avg: number[]; max_grad: number[]; avg_grad: number[]; layers: number[][] };
  let ref: Result;
  const X = (() => { np.random.seed(75); return np.random.normal(0, 1, [5, 6]); })();
  const G = np.random.normal(0, 1, [4, 4]);
  suiteSetup(() => { ref = numpy<Result>(REFERENCE, { X, G }); });

  for (const mode of ['max', 'avg'] as const) {
    test(`pool2d from scratch, ${mode} of 2×3 windows: values, and gradients through the writes`, () => {
      const x = X.copy();
      x.attachGrad();
      const Y = autograd.record(() => pool2d(x, [2, 3], mode));
      Y.backward(G);
      assertAllClose(Y.toFlatArray(), ref[mode], { rtol: 1e-6, atol: 1e-6 }, `pool2d ${mode}`);
      assertAllClose(x.grad!.toFlatArray(), ref[`${mode}_grad`], { rtol: 1e-6, atol: 1e-6 }, `pool2d ${mode} gradient`);
    });
  }

  test('nn.MaxPool2D: the section\'s four layers (default strides, padding 1 stride 2, rectangular, two channels)', () => {
    let X4 = np.arange(16, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
    const outputs = [
      new nn.MaxPool2D(3).call(X4),
      new nn.MaxPool2D(3, { padding: 1, strides: 2 }).call(X4),
      new nn.MaxPool2D([2, 3], { padding: [0, 1], strides: [2, 3] }).call(X4),
    ];
    X4 = np.concatenate([X4, X4.add(1)], 1);
    outputs.push(new nn.MaxPool2D(3, { padding: 1, strides: 2 }).call(X4));
    assert.deepEqual(outputs.map((o) => o.shape), [[1, 1, 1, 1], [1, 1, 2, 2], [1, 1, 2, 2], [1, 2, 2, 2]]);
    outputs.forEach((o, i) => assertAllClose(o.toFlatArray(), ref.layers[i]!, { atol: 0 }, `layer ${i + 1}`));
  });
});
