// Errors name the op and the shapes, dtypes or values involved, and their stack starts at the
// user's call (this file), not inside the engine. This file imports only 'gradlens', as users do.
import { strict as assert } from 'node:assert';
import { np, npx, autograd, GradLensError, NDArray } from 'gradlens';

/** The error `fn` throws; asserts its message and that its first stack frame is in this file. */
function userError(fn: () => unknown, pattern: RegExp): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Error, `expected an error matching ${pattern}`);
  assert.match(caught.message, pattern);
  const firstFrame = String(caught.stack).split('\n').find((line) => line.trimStart().startsWith('at '));
  assert.match(firstFrame ?? '', /errors\.test\.ts:\d+:\d+/, `the stack should start at the user's call:\n${caught.stack}`);
  return caught;
}

suite('errors name the op and what is wrong', () => {
  test('broadcasting mismatch names both shapes', () => {
    const error = userError(() => np.add(np.ones([2, 3]), np.ones([4])), /^add: operands could not be broadcast together with shapes \(2, 3\) \(4,\)$/);
    assert.ok(error instanceof GradLensError);
    assert.equal((error as GradLensError).op, 'add');
    userError(() => np.ones([3]).mul(np.ones([2])), /^mul: .* \(3,\) \(2,\)/);
  });

  test('matrix products that do not align name the dimensions', () => {
    userError(() => np.dot(np.ones([2, 3]), np.ones([4])), /^dot: shapes \(2, 3\) and \(4,\) not aligned: 3 \(dim 1\) != 4 \(dim 0\)$/);
    userError(() => np.matmul(np.ones([2, 3]), np.ones([2, 3])), /^matmul: shapes \(2, 3\) and \(2, 3\) not aligned: 3 \(dim 1\) != 2 \(dim 0\)$/);
    userError(() => np.matmul(np.array(1), np.ones([2])), /^matmul: operands must have at least one dimension/);
  });

  test('shape changes that cannot work say why', () => {
    userError(() => np.arange(6).reshape([4, -1]), /^reshape: cannot reshape array of size 6 with shape \(6,\) into shape \[4, -1\]$/);
    userError(() => np.arange(6).reshape([4, 2]), /^reshape: cannot reshape array of size 6 with shape \(6,\) into shape \(4, 2\)$/);
    userError(() => np.broadcastTo(np.ones([3]), [2, 4]), /^broadcastTo: operands could not be broadcast together with shapes \(3,\) \(2, 4\)$/);
    userError(() => np.concatenate([np.ones([2, 3]), np.ones([3, 2])], 0), /^concatenate: .*array 0 has shape \(2, 3\), array 1 has shape \(3, 2\)$/);
    userError(() => np.stack([np.ones([2]), np.ones([3])]), /^stack: all input arrays must have the same shape/);
    userError(() => np.squeeze(np.ones([2, 3]), 0), /^squeeze: .*axis 0 of shape \(2, 3\)/);
    userError(() => np.transpose(np.ones([2, 3]), [0, 0]), /^transpose: repeated axis 0/);
  });

  test('axes and indices out of range name the bound', () => {
    userError(() => np.ones([2, 3]).sum(2), /^sum: axis 2 is out of bounds for array of dimension 2$/);
    userError(() => np.arange(4).at(4), /^at: index 4 is out of bounds for axis 0 with size 4$/);
    userError(() => np.take(np.arange(4), [1, 7]), /^take: index 7 is out of bounds for the flattened array with size 4$/);
    userError(() => np.take(np.ones([2, 3]), [3], 1), /^take: index 3 is out of bounds for axis 1 with size 3$/);
    userError(() => npx.softmax(np.ones([2]), 1), /^softmax: axis 1 is out of bounds for array of dimension 1$/);
  });

  test('wrong dtypes and gradients of non-float arrays are refused', () => {
    userError(() => np.arange(3, { dtype: 'int32' }).attachGrad(), /^attachGrad: gradients exist for float arrays only; this array has dtype int32/);
    userError(() => np.ones([2]).astype('float16' as 'float32'), /^astype: unknown dtype "float16"/);
    userError(() => np.zeros([2], { dtype: 'complex' as 'float32' }), /^zeros: unknown dtype "complex"/);
    userError(() => autograd.grad(np.ones([1]), [np.ones([1])]), /^grad: this array was not computed inside autograd\.record\(\)/);
    userError(() => autograd.backward(np.array([1, 2], { dtype: 'int32' })), /^backward: the head has dtype int32; gradients exist for float arrays only$/);
  });

  test('bad arguments say what was expected', () => {
    userError(() => np.add(np.ones([2]), 'three' as unknown as number), /^add: the second operand must be an NDArray or a number, got string three$/);
    userError(() => np.add([1, 2] as unknown as NDArray, 1), /^add: the first operand must be an NDArray or a number, got a JavaScript array \(wrap it with np\.array\(\.\.\.\)\)$/);
    userError(() => np.array([[1, 2], [3]]), /^array: ragged nested arrays: element \[1\] has length 1, expected length 2$/);
    userError(() => np.array([1, 'x' as unknown as number]), /^array: element \[1\] is string, expected a number or a boolean$/);
    userError(() => np.arange(0, 3, 0), /^arange: step must not be zero$/);
    userError(() => np.clip(np.ones([2]), 2, 1), /^clip: min 2 is larger than max 1$/);
    userError(() => np.ones([-1]), /^ones: shape \[-1\] must contain non-negative integers$/);
    userError(() => np.random.normal(0, -1), /^np\.random\.normal: scale must be non-negative, got -1$/);
  });

  test('coercions of arrays that are not single numbers explain item() and toArray()', () => {
    const error = userError(() => Number(np.ones([2, 2])), /valueOf: an array of shape \(2, 2\) cannot be used as a number; use \.item\(\) for a size-1 array, or \.toArray\(\) for the values/);
    assert.ok(error instanceof TypeError);
    userError(() => np.ones([3]).item(), /^item: can only convert an array of size 1 to a number; this one has shape \(3,\) \(use \.toArray\(\)\)$/);
  });

  test('backward misuse starts its stack at the call too', () => {
    const x = np.ones([2]);
    x.attachGrad();
    const y = autograd.record(() => x.mul(2).sum());
    y.backward();
    userError(() => y.backward(), /freed by an earlier backward pass/);
    userError(() => x.mul(3).backward(), /not computed inside autograd\.record\(\)/);
  });

  test('an error in the user\'s own function inside record is passed through unchanged', () => {
    const own = new RangeError('mine');
    assert.throws(() => autograd.record(() => { throw own; }), (error) => error === own);
  });
});
