// No silent misuse (engine/strict.ts): an argument a function would ignore — one too many, an
// unknown option key, an options argument that is no object — is refused, naming the function.
import { strict as assert } from 'node:assert';
import { autograd, GradLensError, NDArray, np, npx } from 'gradlens';
import { NP_ARGUMENTS } from '../../engine/np';
import { NPX_ARGUMENTS } from '../../engine/npx';
import { AUTOGRAD_ARGUMENTS } from '../../engine/autograd';
import { METHOD_ARGUMENTS } from '../../engine/ndarray';
import { expectError } from '../helpers';

/** Calls `fn` with one argument more than it takes: it must refuse before doing anything. */
function refusesOneMore(name: string, fn: (...args: unknown[]) => unknown, self: unknown, most: number | 'any' | 'own'): boolean {
  if (typeof most !== 'number') return false;
  const args = Array.from({ length: most + 1 }, (_, i) => (i === most ? { out: 1 } : undefined));
  assert.throws(() => fn.apply(self, args), (error: unknown) => {
    assert.ok(error instanceof GradLensError, `${name}: ${String(error)}`);
    assert.match(error.message, new RegExp(`^${name.replace('.', '\\.')}: takes (at most ${most} argument|no arguments)`), name);
    return true;
  });
  return true;
}

suite('no silent misuse', () => {
  test('every np, npx and autograd function and every NDArray method refuses an argument more than it takes', () => {
    let checked = 0;
    for (const [prefix, ns, counts] of [['np', np, NP_ARGUMENTS], ['npx', npx, NPX_ARGUMENTS], ['autograd', autograd, AUTOGRAD_ARGUMENTS]] as const) {
      for (const [key, most] of Object.entries(counts)) {
        if (refusesOneMore(`${prefix}.${key}`, (ns as unknown as Record<string, (...args: unknown[]) => unknown>)[key]!, ns, most as number)) checked++;
      }
    }
    const a = np.ones([2, 2]);
    for (const [key, most] of Object.entries(METHOD_ARGUMENTS)) {
      if (refusesOneMore(`NDArray.${key}`, (NDArray.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[key]!, a, most as number)) checked++;
    }
    assert.ok(checked > 140, `checked ${checked}`);
  });

  test('NumPy\'s out= says what to do instead', () => {
    const a = np.ones([2]);
    const p = np.zeros([2]);
    expectError(() => (np.subtract as (...args: unknown[]) => NDArray)(a, a, { out: p }),
      /^np\.subtract: takes at most 2 arguments, got 3: the third, \{ out \}: GradLens has no out= argument; write the result into the array instead, p\.assign\(…\)$/);
    expectError(() => (a.add as (...args: unknown[]) => NDArray)(1, 2), /^NDArray\.add: takes at most 1 argument, got 2: the second, 2 \(it would be ignored\)$/);
    expectError(() => (a.exp as (...args: unknown[]) => NDArray)(2), /^NDArray\.exp: takes no arguments, got 1: the first, 2/);
  });

  test('unknown option keys and options that are no object are refused, listing the options', () => {
    expectError(() => np.zeros(3, { dtyp: 'float64' } as never), /^zeros: unknown option 'dtyp' \(the options are 'dtype'\)$/);
    expectError(() => np.array([1], 'float64' as never), /^array: the options must be an object such as \{ dtype: … \}, got "float64"$/);
    expectError(() => np.linspace(0, 1, 5, { endpoints: false } as never), /unknown option 'endpoints'/);
    expectError(() => autograd.record(() => 1, { train_mode: true } as never), /^autograd\.record: unknown option 'train_mode' \(the options are 'trainMode'\)$/);
    const x = np.array([1, 2]);
    x.attachGrad();
    const y = autograd.record(() => x.mul(x).sum());
    expectError(() => y.backward(null, { retain_graph: true } as never), /^backward: unknown option 'retain_graph' \(the options are 'retainGraph', 'createGraph'\)$/);
    expectError(() => autograd.grad(y, x, { create_graph: true } as never), /^grad: unknown option 'create_graph'/);
    expectError(() => autograd.gradcheck((v) => v.sum(), [np.array([1], { dtype: 'float64' })], { epsilon: 1 } as never), /^gradcheck: unknown option 'epsilon'/);
    expectError(() => npx.batchNorm(np.ones([2, 2]), np.ones([2]), np.zeros([2]), np.zeros([2]), np.ones([2]), { epsilon: 1 } as never), /^batchNorm: unknown option 'epsilon'/);
  });
});
