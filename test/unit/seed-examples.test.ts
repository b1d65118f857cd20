// Every cell and exercise of the autograd chapter, ported in examples/seed/, run as a user would
// run it; the printed results must be the chapter's (MXNet's printing of the same values).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const built = join(__dirname, '..', '..', 'examples', 'seed');

function run(name: string): string {
  const file = join(built, `${name}.js`);
  assert.ok(existsSync(file), `${file} is missing: build with \`node scripts/build.mjs examples\``);
  return execFileSync(process.execPath, ['--enable-source-maps', file], { encoding: 'utf8' });
}

const lines = (text: string) => text.replace(/\n$/, '').split('\n');

suite('the seed examples print the chapter\'s results', () => {
  test('autograd.ts: every cell of the chapter', () => {
    assert.deepEqual(lines(run('autograd')), [
      // A Simple Example: x, (x*x).sum(), y = 2·dot(x, x), x.grad − 4x
      'array([0., 1., 2., 3.])',
      'array(14.)',
      'array(28.)',
      'array([0., 0., 0., 0.])',
      // a new backward pass overwrites x.grad: gradient of x.sum()
      'array([1., 1., 1., 1.])',
      // Backward for a non-scalar variable: x.grad − u.grad
      'array([0., 0., 0., 0.])',
      // Detach: x.grad − u, then y.backward(): x.grad − 2x
      'array([0., 0., 0., 0.])',
      'array([0., 0., 0., 0.])',
      // Attach gradients to internal variables: x.grad, u.grad, y.grad (y's stays zero)
      'array([1., 1., 1., 1.]) ',
      ' array([1., 1., 1., 1.]) ',
      ' array([0., 0., 0., 0.])',
      // Head gradients: after z.backward(), then after u.backward(v.grad)
      'array([1., 1., 1., 1.]) ',
      ' array([0., 0., 0., 0.])',
      'array([2., 2., 2., 2.]) ',
      ' array([0., 1., 2., 3.])',
      // Control flow: a.grad == d / a
      'array(True)',
      // Training mode: outside and inside record
      'false',
      'true',
    ]);
  });

  test('exercise 1: a second backward fails with a message naming retainGraph', () => {
    assert.deepEqual(lines(run('exercise1-backward-twice')), [
      'array([ 0.,  4.,  8., 12.])',
      "backward: the graph that computed this array (its 'mul' op, node #2) was freed by an earlier backward pass; pass { retainGraph: true } to the first backward() to run backward through the same graph again",
      'array([ 0.,  8., 16., 24.])',
    ]);
  });

  test('exercise 2: with a vector or matrix a, a.grad = d / a everywhere', () => {
    assert.deepEqual(lines(run('exercise2-control-flow-vector')), ['[ 3 ] true true', '[ 2, 3 ] true true']);
  });

  test('exercise 3: a data-dependent loop (Taylor series of exp) has gradient exp', () => {
    assert.deepEqual(lines(run('exercise3-own-control-flow')), [
      'array([0.36787944, 1.64872127, 7.3890561 ], dtype=float64)',
      'true',
      'true',
    ]);
  });

  test('exercise 4: the second-price auction\'s price depends only on the second bid', () => {
    assert.deepEqual(lines(run('exercise4-second-price-auction')), ['array(6.25)', 'array([0., 0., 0., 1.])', 'array(0.)']);
  });

  test('exercise 5: second derivatives with createGraph, and the larger graph they need', () => {
    assert.deepEqual(lines(run('exercise5-second-derivative')), [
      'array([ 3.5403023,  1.6275826, 11.583853 ])',
      'ops recorded for y: 3, for dy/dx as well: 6',
      'array([-5.1585293,  2.5205746, 11.090703 ])',
      'true',
    ]);
  });

  test('exercise 6: backward with a head gradient is the chain rule', () => {
    assert.deepEqual(lines(run('exercise6-chain-rule')), [
      'array([ 0.9689124,  1.0806046, -2.6145744])',
      'array([ 0.9689124,  1.0806046, -2.6145744])',
      'true',
    ]);
  });

  test('exercise 7: sin and its autograd derivative (cos) on a linspace, plotted', () => {
    const output = lines(run('exercise7-sin-plot'));
    assert.equal(output[0], 'true');
    const plot = output.slice(1, -1);
    assert.equal(plot.length, 15);
    // sin(−π) = 0 sits on the middle row; cos(−π) = −1 on the bottom row; cos(0) = 1 on the top row.
    assert.equal(plot[7]![1], '*');
    assert.equal(plot[14]![1], '+');
    assert.equal(plot[0]![31], '+');
    assert.match(output.at(-1)!, /sin\(x\),  \+ d sin\(x\)\/dx/);
  });
});
