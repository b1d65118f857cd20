// Exercise 5: "Why is the second derivative much more expensive to compute than the first?"
// The first derivative walks the recorded graph once. To differentiate it again, that walk must
// itself be recorded (createGraph), making a new graph at least as large as the first, which is
// then walked backwards too: more ops, and every intermediate kept alive.
import { np, autograd } from 'gradlens';

const x = np.array([-1, 0.5, 2]);
x.attachGrad();
let ops = 0;
const dydx = autograd.record(() => {
  const y = x.pow(3).add(x.sin());
  ops = autograd.countNodes(y);
  return autograd.grad(y, [x], { createGraph: true })[0]!;
});
console.log(dydx); // 3x² + cos x
console.log(`ops recorded for y: ${ops}, for dy/dx as well: ${autograd.countNodes(dydx)}`);
dydx.backward();
console.log(x.grad); // 6x − sin x
console.log(x.grad!.sub(x.mul(6).sub(x.sin())).abs().max().item() < 1e-5);
