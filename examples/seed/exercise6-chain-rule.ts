// Exercise 6: the head-gradient relationship of the chain rule. For u = f(x) and z = g(u),
// dz/dx = dz/du · du/dx. Backward from u with head gradient dz/du computes exactly that product,
// so it agrees with differentiating z directly.
import { np, autograd } from 'gradlens';

const x = np.array([0.5, 1, 2]);
x.attachGrad();

// Directly: z = sin(x²), dz/dx = cos(x²)·2x.
const z = autograd.record(() => x.square().sin());
z.backward();
const direct = x.grad!.copy();

// In two parts: dz/du with u detached, then u.backward(dz/du).
const u = autograd.record(() => x.square());
const v = u.detach();
v.attachGrad();
const zz = autograd.record(() => v.sin());
zz.backward();
u.backward(v.grad);
console.log(direct);
console.log(x.grad);
console.log(x.grad!.sub(direct).abs().max().item() < 1e-6);
