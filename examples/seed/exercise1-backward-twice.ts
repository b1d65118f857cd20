// Exercise 1: "Try to run y.backward() twice."
// The first backward pass frees the graph it walked, so the second one fails with an error that
// says why and what to do. Keeping the graph with { retainGraph: true } allows a second pass.
import { np, autograd } from 'gradlens';

const x = np.arange(4);
x.attachGrad();

const y = autograd.record(() => np.dot(x, x).mul(2));
y.backward();
console.log(x.grad);
try {
  y.backward();
} catch (error) {
  console.log((error as Error).message);
}

// With retainGraph the graph survives the first pass; gradReq 'add' accumulates both passes.
x.attachGrad('add');
const z = autograd.record(() => np.dot(x, x).mul(2));
z.backward(null, { retainGraph: true });
z.backward();
console.log(x.grad);
