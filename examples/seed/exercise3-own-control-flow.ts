// Exercise 3: our own example of a gradient through control flow.
// exp(a) by its Taylor series, adding terms until they are negligible: the number of loop
// iterations depends on the value of a. Autograd differentiates the loop that actually ran, and
// the derivative of the series is the series itself, so a.grad ≈ exp(a) = the result.
import { np, autograd, NDArray } from 'gradlens';

function taylorExp(a: NDArray): NDArray {
  let term = np.onesLike(a);
  let total = np.onesLike(a);
  let n = 1;
  while (np.abs(term).max().item() > 1e-7) {
    term = term.mul(a).div(n);
    total = total.add(term);
    n += 1;
  }
  return total;
}

const a = np.array([-1, 0.5, 2], { dtype: 'float64' });
a.attachGrad();
const e = autograd.record(() => taylorExp(a));
e.backward();
console.log(e);
console.log(a.grad!.sub(e).abs().max().item() < 1e-6);
console.log(a.grad!.sub(np.exp(a)).abs().max().item() < 1e-6);
