// bench:extension, the debugger's stop: a recording of 1,000 nodes and its backward pass (1,000
// steps), paused on the line after backward().
import { np, autograd } from 'gradlens';

const x = np.random.normal(0, 1, [16]);
x.attachGrad();
const y = autograd.record(() => {
  let h = x;
  for (let i = 0; i < 998; i++) h = np.tanh(h);
  return h.sum();
});
y.backward();
console.log(x.grad); // the breakpoint: the whole recording and its pass are in the trace so far
