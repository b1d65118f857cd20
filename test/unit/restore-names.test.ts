// The program's own identifiers in uncaught errors, not the bundler's renamed ones (capture/restoreNames.ts).
import { strict as assert } from 'node:assert';
import { restoreNames } from '../../capture/restoreNames';

suite('restoreNames', () => {
  test('a renamed identifier goes back to the one on the line', () => {
    assert.equal(restoreNames('X2.slice is not a function', '  return X.slice(i, i + 2);'), 'X.slice is not a function');
    assert.equal(restoreNames('net3(...).forward is not a function', 'const y = net(x).forward(1);'), 'net(...).forward is not a function');
    assert.equal(restoreNames('Δw12 is not iterable', 'for (const v of Δw) {}'), 'Δw is not iterable');
  });

  test('names the line writes, numbers, and names without a stem on the line stay', () => {
    assert.equal(restoreNames('x2.foo is not a function', 'const a = x2.foo(x);'), 'x2.foo is not a function');
    assert.equal(restoreNames('W1.grad is null', 'W1.grad.mul(2)'), 'W1.grad is null');
    assert.equal(restoreNames('Y2 is not defined', 'const z = q + 1;'), 'Y2 is not defined');
    assert.equal(restoreNames('index 12 is out of bounds', 'a.get(12)'), 'index 12 is out of bounds');
    assert.equal(restoreNames('X2.slice is not a function', null), 'X2.slice is not a function');
  });
});
