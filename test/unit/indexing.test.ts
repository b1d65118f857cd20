// Indexing (`get`) and writes (`set`) against NumPy: the same index on the same array, computed by
// python3's NumPy in this test, gives the same shape and values (numpy is installed by .ci/run).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { np, NDArray, type Index } from 'gradlens';
import { expectError, flat } from '../helpers';

interface Case {
  shape: number[];
  /** Our index. */
  index: Index;
  /** The same index in Python. */
  python: string;
}

const CASES: Case[] = [
  { shape: [4, 6], index: ':, 2:6', python: '[:, 2:6]' },
  { shape: [4, 6], index: '1:3, ::2', python: '[1:3, ::2]' },
  { shape: [4, 6], index: '-1', python: '[-1]' },
  { shape: [4, 6], index: '::-1', python: '[::-1]' },
  { shape: [4, 6], index: '..., -2', python: '[..., -2]' },
  { shape: [4, 6], index: '3:0:-2, 5:-7:-3', python: '[3:0:-2, 5:-7:-3]' },
  { shape: [4, 6], index: '10:, :', python: '[10:, :]' },
  { shape: [4, 6], index: [3, 5], python: '[3, 5]' },
  { shape: [4, 6], index: [[3, 1]], python: '[[3, 1]]' },
  { shape: [4, 6], index: [null, np.newaxis, '1:3'], python: '[:, None, 1:3]' },
  { shape: [4, 6], index: [[0, 1, 2, 3], [5, 0, 0, 1]], python: '[[0, 1, 2, 3], [5, 0, 0, 1]]' },
  { shape: [4, 6], index: [[[0], [2]], [1, 3]], python: '[[[0], [2]], [1, 3]]' },
  { shape: [2, 3, 4], index: [[0, 1], null, [3, 0]], python: '[[0, 1], :, [3, 0]]' },
  { shape: [2, 3, 4], index: [0, null, [1, 2]], python: '[0, :, [1, 2]]' },
  { shape: [2, 3, 4], index: [null, [2, 0], [1, 1]], python: '[:, [2, 0], [1, 1]]' },
  { shape: [2, 3, 4], index: ['...', [0, 3]], python: '[..., [0, 3]]' },
  { shape: [2, 3, 4], index: [1, '1:', [[0, 3]]], python: '[1, 1:, [[0, 3]]]' },
  { shape: [3, 4], index: [[true, false, true]], python: '[[True, False, True]]' },
  { shape: [3, 4], index: 'None, 1, None', python: '[None, 1, None]' },
  { shape: [5], index: [[]], python: '[[]]' },
];

/** NumPy's answers for every case: the shape and values of a[index] with a = arange(size).reshape(shape). */
function numpyAnswers(): { shape: number[]; values: number[] }[] {
  const script = [
    'import json, sys, numpy as np',
    'cases = json.loads(sys.stdin.read())',
    'out = []',
    'for shape, index in cases:',
    '    a = np.arange(int(np.prod(shape))).reshape(shape)',
    '    r = eval("a" + index)',
    '    out.append({"shape": list(np.shape(r)), "values": np.asarray(r).reshape(-1).tolist()})',
    'print(json.dumps(out))',
  ].join('\n');
  const input = JSON.stringify(CASES.map((c) => [c.shape, c.python]));
  return JSON.parse(execFileSync('python3', ['-c', script], { input, encoding: 'utf8' })) as { shape: number[]; values: number[] }[];
}

const arange = (shape: number[]) => np.arange(shape.reduce((n, d) => n * d, 1)).reshape(shape);

suite('indexing: get and set as NumPy', () => {
  let answers: { shape: number[]; values: number[] }[] = [];
  suiteSetup(() => { answers = numpyAnswers(); });

  CASES.forEach((c, i) => {
    test(`a${c.python} of shape (${c.shape.join(', ')})`, () => {
      const got = arange(c.shape).get(c.index);
      assert.deepEqual(got.shape, answers[i]!.shape);
      assert.deepEqual(flat(got), answers[i]!.values);
      // set writes exactly where get reads: 1000 + the NumPy positions.
      const written = arange(c.shape).set(c.index, got.add(1000));
      const expected = flat(arange(c.shape));
      const positions = flat(arange(c.shape).get(c.index));
      for (const p of positions) expected[p] = p + 1000;
      assert.deepEqual(flat(written), expected);
    });
  });

  test('get copies; set and assign write in place, broadcast and cast, and return the array', () => {
    const a = np.zeros([2, 3]);
    const row = a.get(0);
    row.assign(7);
    assert.deepEqual(flat(a), [0, 0, 0, 0, 0, 0]);
    assert.equal(a.set(':, 1', 5), a);
    assert.deepEqual(a.toArray(), [[0, 5, 0], [0, 5, 0]]);
    a.set('1', [1, 2, 3]);
    assert.deepEqual(a.toArray(), [[0, 5, 0], [1, 2, 3]]);
    const ints = np.zeros([3], { dtype: 'int32' });
    ints.assign(np.array([1.7, -2.7, 3]));
    assert.deepEqual(flat(ints), [1, -2, 3]);
    a.assign(np.array([9, 8, 7]));
    assert.deepEqual(a.toArray(), [[9, 8, 7], [9, 8, 7]]);
    a.set(a.greater(7.5), 0);
    assert.deepEqual(a.toArray(), [[0, 0, 7], [0, 0, 7]]);
  });

  test('for-of iterates along axis 0', () => {
    const rows = [...arange([3, 2])].map((row) => flat(row));
    assert.deepEqual(rows, [[0, 1], [2, 3], [4, 5]]);
    expectError(() => [...np.array(3)], /0-d array cannot be iterated/);
  });

  test('reshape, expandDims, squeeze and detach share storage: a write shows through both', () => {
    const a = np.zeros([2, 3]);
    const flatView = a.reshape(-1);
    flatView.set(4, 1);
    assert.equal(a.get([1, 1]).item(), 1);
    a.expandDims(0).set([0, 0, 2], 2);
    assert.equal(flatView.get(2).item(), 2);
    a.detach().assign(3);
    assert.deepEqual(flat(flatView), [3, 3, 3, 3, 3, 3]);
  });

  test('bad indices say what is wrong, quoting the index and the shape', () => {
    const a = np.zeros([3, 4]);
    expectError(() => a.get([3, 0]), /get: index 3 is out of bounds for axis 0 with size 3 \(index \[3, 0\], shape \(3, 4\)\)/);
    expectError(() => a.get(':, 4'), /index 4 is out of bounds for axis 1 with size 4 \(index ':, 4', shape \(3, 4\)\)/);
    expectError(() => a.get([[0, -4]]), /index -4 is out of bounds for axis 0 with size 3/);
    expectError(() => a.get('0, 1, 2'), /too many indices: the array is 2-dimensional, but 3 were indexed \(index '0, 1, 2', shape \(3, 4\)\)/);
    expectError(() => a.get('1:2:3:4'), /'1:2:3:4' in the index '1:2:3:4' has more than two colons/);
    expectError(() => a.get('a:b'), /'a' in the index 'a:b' is not an integer, a slice/);
    expectError(() => a.get('::0'), /has step 0/);
    expectError(() => a.get('..., ...'), /a single ellipsis/);
    expectError(() => a.get(','), /has an empty entry/);
    expectError(() => a.get([1.5]), /1.5 in the index \[1.5\] is not an integer/);
    expectError(() => a.get([[0, 1], [0, 1, 2]]), /cannot be broadcast together/);
    expectError(() => a.get(np.array([true, false])), /the bool mask of shape \(2,\) does not match the indexed axes \(3,\)/);
    expectError(() => a.get([[[0, 1], [2]]]), /ragged/);
    expectError(() => a.get({} as never), /not an index item|the index must be/);
    expectError(() => (a.get as (...args: unknown[]) => NDArray)(0, 1), /get: takes one index/);
    expectError(() => a.set(':, 0', [1, 2]), /set: cannot broadcast a value of shape \(2,\) to the selection of shape \(3,\) at \[:, 0\]/);
    expectError(() => (a.set as (...args: unknown[]) => NDArray)(0), /set: takes an index and a value/);
    expectError(() => a.assign('x' as never), /assign: the value must be an NDArray, a number/);
  });
});
