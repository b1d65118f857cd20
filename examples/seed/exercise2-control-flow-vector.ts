// Exercise 2: the control-flow function f with a random vector or matrix instead of a scalar.
// d = f(a) is no longer a scalar, so backward uses the implicit head gradient ones: a.grad is the
// gradient of d.sum(). Every element of a goes through the same number of doublings and the same
// branch (both depend on sums over all of b), so d = k·a for one scalar k and a.grad = k = d / a
// in every position (up to float32 rounding of d when k includes the factor 100).
import { np, autograd, NDArray } from 'gradlens';

function f(a: NDArray): NDArray {
  let b = a.mul(2);
  while (np.abs(b).sum().item() < 1000) {
    b = b.mul(2);
  }
  let c: NDArray;
  if (b.sum().item() > 0) {
    c = b;
  } else {
    c = b.mul(100);
  }
  return c;
}

np.random.seed(7);
for (const shape of [[3], [2, 3]]) {
  const a = np.random.normal(0, 1, shape);
  a.attachGrad();
  const d = autograd.record(() => f(a));
  d.backward();
  const k = a.grad!.toFlatArray()[0]!;
  const sameFactor = a.grad!.equal(k).toFlatArray().every(Boolean);
  const relativeError = a.grad!.sub(d.div(a)).abs().max().item() / Math.abs(k);
  console.log(d.shape, sameFactor, relativeError < 1e-6);
}
