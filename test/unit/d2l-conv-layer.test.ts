// d2l 7.2, convolutions for images (examples/d2l/conv-layer.ts): corr2d and its gradients (through
// the recorded Y.set writes) against NumPy's definition, and the section's kernel-learning loop —
// with nn.Conv2D (npx.convolution) as the book, and with the section's own Conv2D — replayed in
// NumPy with its hand-written gradient ∂l/∂K[a, b] = Σ 2(Ŷ − Y)[i, j]·X[i + a, j + b].
import { strict as assert } from 'node:assert';
import { autograd, gluon, np } from 'gradlens';
import { assertAllClose, numpy } from './d2l-reference';
import { Conv2D, corr2d, learnKernel } from '../../examples/d2l/conv-layer';

const { nn } = gluon;

const CORR2D = `
def corr2d(X, K):
    h, w = K.shape
    return np.array([[np.sum(X[i:i + h, j:j + w] * K) for j in range(X.shape[1] - w + 1)] for i in range(X.shape[0] - h + 1)])
`;

const GRADIENTS_REFERENCE = CORR2D + `
X, K, G = arr('X'), arr('K'), arr('G')
h, w = K.shape
dK = corr2d(X, G)                      # ∂Σ G·corr2d(X, K)/∂K[a, b] = Σ_ij G[i, j] X[i + a, j + b]
dX = np.zeros_like(X)
for i in range(G.shape[0]):
    for j in range(G.shape[1]):
        dX[i:i + h, j:j + w] += G[i, j] * K
done(Y=corr2d(X, K).ravel(), dK=dK.ravel(), dX=dX.ravel())
`;

const LEARNING_REFERENCE = CORR2D + `
X, Y, K, b, lr = arr('X'), arr('Y'), arr('K'), inp['b'], inp['lr']
losses = []
for i in range(inp['iterations']):
    r = corr2d(X, K) + b - Y
    losses.append(np.sum(r ** 2))
    K = K - lr * corr2d(X, 2 * r)
done(losses=losses, K=K.ravel())
`;

/** The section's edge-detection image and its edges. */
function edges() {
  const X = np.ones([6, 8]);
  X.set(':, 2:6', 0);
  return { X, Y: corr2d(X, np.array([[1.0, -1.0]])) };
}

suite('d2l 7.2 convolutions for images, against NumPy', () => {
  test('corr2d: the section\'s example, and a random image and kernel with the gradients of both', () => {
    assert.deepEqual(corr2d(np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), np.array([[0, 1], [2, 3]])).toArray(), [[19, 25], [37, 43]]);
    np.random.seed(72);
    const X = np.random.normal(0, 1, [5, 6]);
    const K = np.random.normal(0, 1, [2, 3]);
    const G = np.random.normal(0, 1, [4, 4]);
    X.attachGrad();
    K.attachGrad();
    const Y = autograd.record(() => corr2d(X, K));
    Y.backward(G);
    const ref = numpy<{ Y: number[]; dK: number[]; dX: number[] }>(GRADIENTS_REFERENCE, { X, K, G });
    assertAllClose(Y.toFlatArray(), ref.Y, { rtol: 1e-5, atol: 1e-6 }, 'corr2d(X, K)');
    assertAllClose(K.grad!.toFlatArray(), ref.dK, { rtol: 1e-5, atol: 1e-6 }, 'K.grad');
    assertAllClose(X.grad!.toFlatArray(), ref.dX, { rtol: 1e-5, atol: 1e-6 }, 'X.grad');
  });

  test('edge detection: vertical edges found, none in the transposed image', () => {
    const { X, Y } = edges();
    assert.deepEqual(Y.toArray(), new Array(6).fill([0, 1, 0, 0, 0, -1, 0]));
    assert.ok(corr2d(X.T, np.array([[1.0, -1.0]])).toFlatArray().every((v) => v === 0));
  });

  test('learning the kernel with nn.Conv2D, as the book: losses and the kernel', () => {
    np.random.seed(7);
    const { X, Y } = edges();
    const conv2d = new nn.Conv2D(1, [1, 2], { useBias: false });
    conv2d.initialize();
    conv2d.call(X.reshape(1, 1, 6, 8)); // the first call gives the deferred weight its shape and value
    const K = conv2d.weight.data().reshape(1, 2).copy(); // a reshape shares the weight's elements: copy before training
    const losses = learnKernel(conv2d, X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7), 3e-2, 10);
    const ref = numpy<{ losses: number[]; K: number[] }>(LEARNING_REFERENCE, { X, Y, K, b: 0, lr: 3e-2, iterations: 10 });
    assertAllClose(losses, ref.losses, { rtol: 1e-4, atol: 1e-6 }, 'loss');
    assertAllClose(conv2d.weight.data().toFlatArray(), ref.K, { rtol: 1e-4, atol: 1e-6 }, 'kernel');
    assertAllClose(ref.K, [1, -1], { atol: 0.05 }, 'the learnt kernel against [1, −1]');
  });

  test('learning the kernel with the section\'s Conv2D (corr2d\'s recorded writes): losses and the kernel', () => {
    np.random.seed(8);
    const { X, Y } = edges();
    const conv2d = new Conv2D([1, 2]);
    conv2d.initialize();
    const K = conv2d.weight.data().copy();
    const b = conv2d.bias.data().item();
    const losses = learnKernel(conv2d, X, Y, 3e-2, 10);
    const ref = numpy<{ losses: number[]; K: number[] }>(LEARNING_REFERENCE, { X, Y, K, b, lr: 3e-2, iterations: 10 });
    assertAllClose(losses, ref.losses, { rtol: 1e-4, atol: 1e-6 }, 'loss');
    assertAllClose(conv2d.weight.data().toFlatArray(), ref.K, { rtol: 1e-4, atol: 1e-6 }, 'kernel');
    assert.equal(conv2d.bias.data().item(), b, 'the loop updates the weight only, as the book\'s');
  });
});
