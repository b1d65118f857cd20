// Exercise 7: plot f(x) = sin(x) and df/dx, the latter computed by autograd without using
// f'(x) = cos(x). The inspector draws this plot from the trace; here it is drawn in the terminal.
import { np, autograd } from 'gradlens';

const x = np.linspace(-Math.PI, Math.PI, 61);
x.attachGrad();
const f = autograd.record(() => np.sin(x));
f.backward();

console.log(x.grad!.sub(np.cos(x)).abs().max().item() < 1e-6);

// A text plot: rows are values from 1 (top) to -1, columns are the x samples.
const rows = 15;
const xs = x.toFlatArray();
const fs = f.toFlatArray();
const gs = x.grad!.toFlatArray();
const grid = Array.from({ length: rows }, () => Array.from(xs, () => ' '));
const row = (value: number) => Math.round(((1 - value) / 2) * (rows - 1));
xs.forEach((_, i) => {
  grid[row(gs[i]!)]![i] = '+';
  grid[row(fs[i]!)]![i] = '*';
});
console.log(grid.map((line) => `|${line.join('')}`).join('\n'));
console.log(`+${'-'.repeat(xs.length)}  x from -π to π;  * sin(x),  + d sin(x)/dx`);
