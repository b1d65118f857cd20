// The autograd chapter ("Automatic Differentiation", Dive into Deep Learning, MXNet edition),
// every code cell ported to TypeScript in order. Python's `print(...)` and a cell's displayed
// value become `console.log(...)`; `with autograd.record():` becomes `autograd.record(() => ...)`.
import { np, autograd, NDArray } from 'gradlens';

// ## A Simple Example
// We want the gradient of y = 2·xᵀx with respect to the column vector x.
let x = np.arange(4);
console.log(x);

// Allocate room for x's gradient.
x.attachGrad();

console.log(x.mul(x).sum());

// Record the computation, so that autograd can differentiate it.
let y = autograd.record(() => np.dot(x, x).mul(2));
console.log(y);

y.backward();

// The gradient of 2·xᵀx is 4x.
console.log(x.grad!.sub(x.mul(4)));

// A new backward pass overwrites x.grad.
y = autograd.record(() => x.sum());
y.backward();
console.log(x.grad);

// ## Backward for Non-scalar Variable
// A non-scalar head is summed first (its head gradient is ones).
y = autograd.record(() => x.mul(x)); // y is a vector
y.backward();

const u = x.copy();
u.attachGrad();
const v = autograd.record(() => u.mul(u).sum()); // v is a scalar
v.backward();

console.log(x.grad!.sub(u.grad!));

// ## Detach Computations
// u = y.detach() has y's values but is a constant to autograd: z = u·x has ∂z/∂x = u.
{
  let u: NDArray;
  const z = autograd.record(() => {
    y = x.mul(x);
    u = y.detach();
    return u.mul(x);
  });
  z.backward();
  console.log(x.grad!.sub(u!));

  // y's own graph is still there: ∂y/∂x = 2x.
  y.backward();
  console.log(x.grad!.sub(x.mul(2)));
}

// ## Attach Gradients to Internal Variables
// attachGrad on u implicitly detaches it: the computation of u is not used by backward.
{
  y = np.ones(4).mul(2);
  y.attachGrad();
  let u: NDArray;
  const z = autograd.record(() => {
    u = x.mul(y);
    u.attachGrad(); // implicitly runs u = u.detach()
    return u.add(x);
  });
  z.backward();
  console.log(x.grad, '\n', u!.grad, '\n', y.grad);
}

// ## Head gradients
// With u = f(x) and z = g(u): first dz/du with u detached…
{
  y = np.ones(4).mul(2);
  y.attachGrad();
  let u: NDArray;
  let v: NDArray;
  const z = autograd.record(() => {
    u = x.mul(y);
    v = u.detach(); // u still keeps the computation graph
    v.attachGrad();
    return v.add(x);
  });
  z.backward();
  console.log(x.grad, '\n', y.grad);

  // …then du/dx with dz/du as the head gradient, so that x.grad holds dz/dx.
  u!.backward(v!.grad);
  console.log(x.grad, '\n', y.grad);
}

// ## Computing the Gradient of Python Control Flow
// The loop count and the branch depend on the value of a.
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

np.random.seed(1); // a fixed seed makes every run (and its trace) the same
const a = np.random.normal();
a.attachGrad();
const d = autograd.record(() => f(a));
d.backward();

// f is piecewise linear in a, so its gradient is d / a.
console.log(a.grad!.equal(d.div(a)));

// ## Training Mode and Prediction Mode
console.log(autograd.isTraining());
autograd.record(() => {
  console.log(autograd.isTraining());
});
