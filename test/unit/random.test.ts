// Seeded random numbers are the same on every machine: the expected values are fixed here. The
// distributions are checked with generous tolerances (four to six standard errors, at fixed seeds).
import { strict as assert } from 'node:assert';
import { autograd, GradLensError, np, setEngineObserver, type NDArray } from 'gradlens';
import { expectError, flat } from '../helpers';

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Counts of each value 0…n−1 in `values`. */
function counts(values: number[], n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (const v of values) out[v]!++;
  return out;
}

/** Each count within `sigmas` standard deviations of a binomial(total, p[i]). */
function assertFrequencies(found: number[], p: number[], sigmas: number, what: string): void {
  const total = found.reduce((a, b) => a + b, 0);
  found.forEach((count, i) => {
    const expected = total * p[i]!;
    const sd = Math.sqrt(total * p[i]! * (1 - p[i]!));
    assert.ok(Math.abs(count - expected) <= sigmas * sd + 1e-9, `${what}: value ${i} drawn ${count} times, expected ${expected.toFixed(0)} ± ${(sigmas * sd).toFixed(0)}`);
  });
}

suite('np.random', () => {
  test('a seed fixes the sequence (these numbers must never change)', () => {
    np.random.seed(42);
    assert.deepEqual(np.random.normal(0, 1, [4]).toFlatArray(), [1.1226592063903809, 0.9491474628448486, 0.4041278660297394, 0.03873744234442711]);
    assert.deepEqual(np.random.uniform(0, 1, [4]).toFlatArray(), [0.8806870579719543, 0.18337301909923553, 0.968879222869873, 0.7725575566291809]);
    assert.deepEqual(np.random.randint(0, 10, [6]).toFlatArray(), [4, 5, 1, 2, 1, 5]);
    np.random.seed(42);
    assert.deepEqual(np.random.normal(0, 1, [4], 'float64').toFlatArray(), [1.1226591822802086, 0.9491474351894811, 0.40412785633822706, 0.0387374413085134]);
    np.random.seed(7);
    assert.deepEqual(np.random.randn(3).toFlatArray(), [-0.6925843954086304, 0.2302679866552353, -1.287024974822998]);
    assert.deepEqual(np.random.rand(3).toFlatArray(), [0.8445334434509277, 0.5650971531867981, 0.3347863256931305]);
    assert.deepEqual(np.random.permutation(8).toFlatArray(), [7, 5, 6, 3, 0, 1, 4, 2]);
    assert.deepEqual(np.random.choice(10, 5).toFlatArray(), [7, 2, 3, 4, 4]);
    assert.deepEqual(np.random.choice(10, 5, false).toFlatArray(), [0, 6, 2, 8, 3]);
    assert.deepEqual(np.random.choice(4, 6, true, [0.1, 0.2, 0.3, 0.4]).toFlatArray(), [3, 0, 3, 3, 2, 1]);
    assert.deepEqual(np.random.choice(4, 3, false, [0.1, 0.2, 0.3, 0.4]).toFlatArray(), [3, 1, 2]);
    const items = range(8);
    np.random.shuffle(items);
    assert.deepEqual(items, [2, 0, 1, 4, 6, 7, 3, 5]);
  });

  test('the same seed twice gives the same numbers from every function; another seed others', () => {
    const draw = (seed: number) => {
      np.random.seed(seed);
      const items = range(20);
      np.random.shuffle(items);
      const rows = np.arange(20).reshape(10, 2);
      np.random.shuffle(rows);
      return [
        flat(np.random.normal(0, 1, [5])), flat(np.random.uniform(-1, 1, 5)), flat(np.random.randint(0, 100, 5)),
        flat(np.random.randn(5)), flat(np.random.rand(5)), flat(np.random.permutation(20)), flat(np.random.permutation(np.arange(20))),
        flat(np.random.choice(20, 5)), flat(np.random.choice(20, 5, false)), flat(np.random.choice(3, 5, true, [0.2, 0.3, 0.5])),
        flat(np.random.choice(np.arange(5), 3, false, [0.1, 0.1, 0.2, 0.3, 0.3])), items, flat(rows),
      ];
    };
    const first = draw(11);
    assert.deepEqual(draw(11), first);
    const other = draw(12);
    first.forEach((values, i) => assert.notDeepEqual(other[i], values, `draw ${i}`));
  });

  test('without a size the result is a 0-d array, as in MXNet', () => {
    for (const a of [np.random.normal(), np.random.uniform(2, 3), np.random.randint(5), np.random.randn(), np.random.rand(), np.random.choice(5), np.random.choice(np.array([1, 2]))]) {
      assert.deepEqual(a.shape, []);
    }
    const v = np.random.uniform(2, 3).item();
    assert.ok(v >= 2 && v < 3);
    assert.deepEqual(np.random.rand(0).shape, [0]);
    assert.deepEqual(np.random.randn([2, 3]).shape, [2, 3]);
    assert.deepEqual(np.random.randn(2, 3, 1).shape, [2, 3, 1]);
  });

  test('dtypes: float32 by default, float64 on request; randint, permutation and choice of a number give int64', () => {
    assert.equal(np.random.randn(2).dtype, 'float32');
    assert.equal(np.random.randn(2, { dtype: 'float64' }).dtype, 'float64');
    assert.equal(np.random.rand({ dtype: 'float64' }).dtype, 'float64');
    assert.equal(np.random.uniform(0, 1, 2, { dtype: 'float64' }).dtype, 'float64');
    assert.equal(np.random.randint(0, 3, 2).dtype, 'int64');
    assert.equal(np.random.randint(0, 3, 2, 'int32').dtype, 'int32');
    assert.equal(np.random.permutation(3).dtype, 'int64');
    assert.equal(np.random.choice(3, 2).dtype, 'int64');
    assert.equal(np.random.choice(np.array([1, 2], { dtype: 'float64' }), 2).dtype, 'float64');
    assert.equal(np.random.permutation(np.array([true, false])).dtype, 'bool');
  });

  test('normal and uniform have the requested moments and range', () => {
    np.random.seed(1);
    const n = np.random.normal(3, 2, [20000], 'float64');
    assert.ok(Math.abs(n.mean().item() - 3) < 0.05, `mean ${n.mean().item()}`);
    assert.ok(Math.abs(n.sub(3).square().mean().sqrt().item() - 2) < 0.05);
    const u = np.random.uniform(-1, 1, [20000]);
    assert.ok(u.min().item() >= -1 && u.max().item() < 1);
    assert.ok(Math.abs(u.mean().item()) < 0.02);
  });

  test('randn: mean 0 and standard deviation 1 over 100,000 samples', () => {
    np.random.seed(3);
    const x = np.random.randn(100_000, { dtype: 'float64' });
    const mean = x.mean().item();
    const std = x.sub(mean).square().mean().sqrt().item();
    assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`); // standard error 0.003
    assert.ok(Math.abs(std - 1) < 0.02, `std ${std}`);
    const beyond2 = flat(x).filter((v) => Math.abs(v) > 2).length / 100_000;
    assert.ok(Math.abs(beyond2 - 0.0455) < 0.004, `P(|x| > 2) = ${beyond2}`);
  });

  test('rand: 100,000 samples in [0, 1), evenly over ten bins', () => {
    np.random.seed(4);
    const values = flat(np.random.rand(100_000));
    assert.ok(values.every((v) => v >= 0 && v < 1));
    assertFrequencies(counts(values.map((v) => Math.floor(v * 10)), 10), new Array(10).fill(0.1), 5, 'rand histogram');
  });

  test('randint: [low, high), or [0, low) without high; every value drawn about equally', () => {
    np.random.seed(5);
    const dice = flat(np.random.randint(1, 7, 60_000));
    assert.deepEqual(sorted([...new Set(dice)]), [1, 2, 3, 4, 5, 6]);
    assertFrequencies(counts(dice.map((v) => v - 1), 6), new Array(6).fill(1 / 6), 5, 'randint');
    assert.ok(flat(np.random.randint(3, null, 100)).every((v) => v >= 0 && v < 3));
    assert.ok(flat(np.random.randint(-(2 ** 40), -(2 ** 40) + 2, 50)).every((v) => v === -(2 ** 40) || v === -(2 ** 40) + 1), 'int64 bounds past int32');
  });

  test('normal and uniform take NDArray parameters, broadcast against the size', () => {
    np.random.seed(6);
    const around = np.random.normal(np.array([0, 100, -100]), np.array([[1], [0]]));
    assert.deepEqual(around.shape, [2, 3]);
    assert.deepEqual(flat(around).slice(3), [0, 100, -100], 'scale 0 gives the mean itself');
    const sized = np.random.normal(np.array([0, 1000]), 1, [500, 2], 'float64');
    const columns = [0, 1].map((c) => np.take(sized, [c], 1).mean().item());
    assert.ok(Math.abs(columns[0]!) < 0.3 && Math.abs(columns[1]! - 1000) < 0.3, `column means ${columns}`);
    const u = np.random.uniform(np.array([0, 10]), np.array([1, 11]), [1000, 2]);
    const [left, right] = [0, 1].map((c) => flat(np.take(u, [c], 1)));
    assert.ok(left!.every((v) => v >= 0 && v < 1) && right!.every((v) => v >= 10 && v < 11));
  });

  test('permutation(n) is a permutation of 0…n−1, each of the 3! orders about equally often', () => {
    np.random.seed(8);
    assert.deepEqual(sorted(flat(np.random.permutation(1000))), range(1000));
    assert.deepEqual(flat(np.random.permutation(0)), []);
    const orders = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = flat(np.random.permutation(3)).join('');
      orders.set(key, (orders.get(key) ?? 0) + 1);
    }
    assert.equal(orders.size, 6);
    assertFrequencies([...orders.values()], new Array(6).fill(1 / 6), 4, 'orders of 3');
  });

  test('permutation(a) is a shuffled copy along axis 0: rows together, a unchanged', () => {
    np.random.seed(9);
    const a = np.arange(30).reshape(10, 3);
    const p = np.random.permutation(a);
    assert.deepEqual(flat(a), range(30), 'a is unchanged');
    assert.deepEqual(p.shape, [10, 3]);
    const rows = p.toArray() as number[][];
    assert.ok(rows.every((row) => row[1] === row[0]! + 1 && row[2] === row[0]! + 2 && row[0]! % 3 === 0), 'rows kept whole');
    assert.deepEqual(sorted(flat(p)), range(30));
    assert.notDeepEqual(flat(p), range(30));
  });

  test('shuffle permutes an NDArray\'s rows in its own storage and returns nothing', () => {
    np.random.seed(10);
    const a = np.arange(40).reshape(20, 2);
    const storage = a._data;
    assert.equal(np.random.shuffle(a), undefined);
    assert.equal(a._data, storage, 'in place');
    const rows = a.toArray() as number[][];
    assert.ok(rows.every((row) => row[1] === row[0]! + 1 && row[0]! % 2 === 0), 'rows kept whole');
    assert.deepEqual(sorted(flat(a)), range(40));
    assert.notDeepEqual(flat(a), range(40));
    const base = np.arange(6);
    const view = base.reshape(3, 2);
    np.random.seed(2);
    np.random.shuffle(view);
    assert.deepEqual(flat(base), flat(view), 'a view shares the storage, and so the shuffle');
    const vector = np.arange(10, { dtype: 'int64' });
    np.random.shuffle(vector);
    assert.deepEqual(sorted(flat(vector)), range(10));
  });

  test('shuffle permutes a JavaScript array or a typed array in place', () => {
    np.random.seed(11);
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    assert.equal(np.random.shuffle(items), undefined);
    assert.deepEqual([...items].sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    assert.notDeepEqual(items, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const typed = Float32Array.from(range(10));
    np.random.shuffle(typed);
    assert.deepEqual(sorted(Array.from(typed)), range(10));
    const empty: number[] = [];
    np.random.shuffle(empty);
    assert.deepEqual(empty, []);
  });

  test('choice with replacement: uniform, or with the frequencies p asks for (within 4σ)', () => {
    np.random.seed(12);
    assertFrequencies(counts(flat(np.random.choice(5, 50_000)), 5), new Array(5).fill(0.2), 4, 'uniform choice');
    const p = [0.1, 0.2, 0, 0.3, 0.4];
    const drawn = flat(np.random.choice(5, [200, 200], true, p));
    assert.equal(counts(drawn, 5)[2], 0, 'probability 0 is never drawn');
    assertFrequencies(counts(drawn, 5), p, 4, 'choice with p');
    const fromArray = np.random.choice(np.array([10, 20, 30]), 30_000, true, np.array([0.5, 0.25, 0.25]));
    assertFrequencies(counts(flat(fromArray).map((v) => v / 10 - 1), 3), [0.5, 0.25, 0.25], 4, 'choice from an array with p as an NDArray');
  });

  test('choice without replacement gives distinct values; with p, the first pick follows p', () => {
    np.random.seed(13);
    for (let i = 0; i < 50; i++) {
      const picked = flat(np.random.choice(100, 30, false));
      assert.equal(new Set(picked).size, 30);
      assert.ok(picked.every((v) => Number.isInteger(v) && v >= 0 && v < 100));
    }
    assert.deepEqual(sorted(flat(np.random.choice(10, 10, false))), range(10), 'all of them: a permutation');
    assert.equal(new Set(flat(np.random.choice(2 ** 40, 1000, false))).size, 1000, 'a huge population needs no list of it');
    const p = [0.5, 0.3, 0.2, 0, 0];
    for (let i = 0; i < 50; i++) assert.deepEqual(sorted(flat(np.random.choice(5, 3, false, p))), [0, 1, 2]);
    const firsts: number[] = [];
    for (let i = 0; i < 10_000; i++) firsts.push(np.random.choice(4, [1], false, [0.1, 0.2, 0.3, 0.4]).item());
    assertFrequencies(counts(firsts, 4), [0.1, 0.2, 0.3, 0.4], 4, 'first pick without replacement');
    const fromArray = np.random.choice(np.array([[1, 2, 3]]).reshape(-1), [3], false);
    assert.deepEqual(sorted(flat(fromArray)), [1, 2, 3]);
  });

  test('arrays made here are leaves that tools watching the engine hear about', () => {
    const seen: string[] = [];
    const previous = setEngineObserver({ created: (_array, how) => { seen.push(how); } });
    try {
      np.random.randn(2);
      np.random.rand();
      np.random.permutation(3);
      np.random.choice(3, 2);
      np.random.shuffle(np.arange(3));
    } finally {
      setEngineObserver(previous);
    }
    assert.deepEqual(seen, ['random.randn', 'random.rand', 'random.permutation', 'random.choice', 'arange']);
  });

  test('shuffle is a write: refused inside record for an array autograd follows; a gradient that needs the old values refuses', () => {
    const w = np.random.randn(3, 2);
    w.attachGrad();
    autograd.record(() => {
      expectError(() => np.random.shuffle(w), /^np\.random\.shuffle: cannot shuffle an array autograd follows .* inside autograd\.record\(\): a shuffle is not recorded\. Shuffle a copy, np\.random\.permutation\(x\), or shuffle outside record$/);
      const h = w.mul(2);
      expectError(() => np.random.shuffle(h), /^np\.random\.shuffle: cannot shuffle an array autograd follows/);
    });
    const x = np.arange(6).reshape(3, 2);
    const y = autograd.record(() => w.mul(x).sum());
    np.random.shuffle(x);
    expectError(() => y.backward(), /^backward: the gradient of 'mul' .* the array was written afterwards by np\.random\.shuffle at .*random\.test\.(ts|js):\d+:\d+/);
    np.random.shuffle(w); // outside record, as p.assign(...) after backward
    const writes: string[] = [];
    const previous = setEngineObserver({ write: (event) => { writes.push(`${event.op} ${event.index} ${event.recorded}`); } });
    try {
      np.random.shuffle(w);
      np.random.shuffle([1, 2, 3]);
    } finally {
      setEngineObserver(previous);
    }
    assert.deepEqual(writes, ['shuffle ... false'], 'tools watching the engine hear the write to an NDArray');
  });

  const errors: [string, () => unknown, RegExp][] = [
    ['seed: not an integer', () => np.random.seed(1.5), /^np\.random\.seed: seed must be an integer, got number 1\.5$/],
    ['seed: an extra argument', () => (np.random.seed as (...a: unknown[]) => void)(1, 2), /^np\.random\.seed: takes at most 1 argument, got 2$/],
    ['normal: negative scale', () => np.random.normal(0, -1), /^np\.random\.normal: scale must be non-negative, got -1$/],
    ['normal: negative scale in an array', () => np.random.normal(0, np.array([1, -2])), /^np\.random\.normal: scale must be non-negative, got -2$/],
    ['normal: loc not a number', () => np.random.normal('0' as unknown as number), /^np\.random\.normal: loc must be a finite number or an NDArray, got "0"$/],
    ['normal: NaN in loc', () => np.random.normal(np.array([NaN])), /^np\.random\.normal: loc must be finite, got NaN in it$/],
    ['normal: an unknown option', () => np.random.normal(0, 1, 2, { dtpe: 'float64' } as never), /^np\.random\.normal: unknown option "dtpe" \(the options are: dtype\)$/],
    ['normal: an int dtype', () => np.random.normal(0, 1, 2, 'int32'), /^np\.random\.normal: dtype must be 'float32' or 'float64', got "int32"$/],
    ['normal: an extra argument', () => (np.random.normal as (...a: unknown[]) => NDArray)(0, 1, 2, 'float32', 5), /^np\.random\.normal: takes at most 4 arguments, got 5$/],
    ['normal: a bad size', () => np.random.normal(0, 1, [2, -1]), /^np\.random\.normal: size must hold non-negative integers, got a list \[2, -1\]$/],
    ['normal: size not a shape', () => np.random.normal(0, 1, '3' as never), /^np\.random\.normal: size must be a number or a list of numbers, got "3"$/],
    ['uniform: low not broadcasting to size', () => np.random.uniform(np.array([1, 2, 3]), 4, [2, 2]), /^np\.random\.uniform: low of shape \(3,\) does not broadcast to size \(2, 2\)$/],
    ['uniform: infinite high', () => np.random.uniform(0, Infinity), /^np\.random\.uniform: high must be a finite number or an NDArray, got number Infinity$/],
    ['randint: low ≥ high', () => np.random.randint(3, 1), /^np\.random\.randint: low must be less than high, got low 3 and high 1$/],
    ['randint: randint(0)', () => np.random.randint(0), /^np\.random\.randint: low must be less than high, got low 0 and high 0$/],
    ['randint: a fractional bound', () => np.random.randint(0, 2.5), /^np\.random\.randint: high must be an integer, got number 2\.5$/],
    ['randint: a float dtype', () => np.random.randint(0, 5, 2, 'float32'), /^np\.random\.randint: dtype must be 'int64' or 'int32', got "float32"$/],
    ['randint: out of int32', () => np.random.randint(0, 2 ** 32, 2, 'int32'), /^np\.random\.randint: \[0, 4294967296\) does not fit dtype 'int32'$/],
    ['rand: a list among numbers', () => np.random.rand([2], 3), /^np\.random\.rand: takes the shape as numbers, np\.random\.rand\(2, 3\), or as one list, np\.random\.rand\(\[2, 3\]\); got a list \[2\], number 3$/],
    ['rand: a fractional dimension', () => np.random.rand(2.5), /^np\.random\.rand: dimensions must be non-negative integers, got 2\.5$/],
    ['randn: a negative dimension', () => np.random.randn(2, -1), /^np\.random\.randn: dimensions must be non-negative integers, got 2, -1$/],
    ['randn: an NDArray as the shape', () => np.random.randn(np.array([2]) as never), /^np\.random\.randn: takes the shape as numbers.*got an NDArray of shape \(1,\)$/],
    ['randn: a bad list', () => np.random.randn([2, 0.5]), /^np\.random\.randn: the shape must hold non-negative integers, got a list \[2, 0\.5\]$/],
    ['randn: an unknown option', () => np.random.randn(2, { type: 'float64' } as never), /^np\.random\.randn: unknown option "type"/],
    ['shuffle: a 0-d array', () => np.random.shuffle(np.array(3)), /^np\.random\.shuffle: x is a 0-d array: it has no axis 0 to shuffle$/],
    ['shuffle: a number', () => np.random.shuffle(3 as never), /^np\.random\.shuffle: x must be an NDArray, a JavaScript array or a typed array, got number 3$/],
    ['shuffle: an extra argument', () => (np.random.shuffle as (...a: unknown[]) => void)([1, 2], 0), /^np\.random\.shuffle: takes at most 1 argument, got 2$/],
    ['permutation: a 0-d array', () => np.random.permutation(np.array(2)), /^np\.random\.permutation: x is a 0-d array: it has no axis 0 to permute$/],
    ['permutation: a negative number', () => np.random.permutation(-1), /^np\.random\.permutation: x must be a non-negative integer or an NDArray, got number -1$/],
    ['choice: p not summing to 1', () => np.random.choice(2, 3, true, [0.5, 0.4]), /^np\.random\.choice: p must sum to 1, got 0\.9$/],
    ['choice: negative p', () => np.random.choice(2, 3, true, [1.5, -0.5]), /^np\.random\.choice: p must be non-negative, got -0\.5 at 1$/],
    ['choice: p of another length', () => np.random.choice(3, 1, true, [0.5, 0.5]), /^np\.random\.choice: p must have one probability per element of a \(3\), got 2$/],
    ['choice: p not numbers', () => np.random.choice(2, 1, true, 'p' as never), /^np\.random\.choice: p must be a list of numbers or an NDArray, got "p"$/],
    ['choice: a 2-D p', () => np.random.choice(2, 1, true, np.array([[0.5, 0.5]])), /^np\.random\.choice: p must be 1-dimensional, got shape \(1, 2\)$/],
    ['choice: more than the population', () => np.random.choice(3, 4, false), /^np\.random\.choice: cannot take 4 samples from a population of 3 without replacement \(replace is false\)$/],
    ['choice: fewer non-zero p than samples', () => np.random.choice(3, 3, false, [0.5, 0.5, 0]), /^np\.random\.choice: fewer non-zero entries in p \(2\) than samples \(3\) when replace is false$/],
    ['choice: a 2-D a', () => np.random.choice(np.zeros([2, 2])), /^np\.random\.choice: a must be 1-dimensional, got shape \(2, 2\)$/],
    ['choice: a fractional a', () => np.random.choice(2.5), /^np\.random\.choice: a must be a non-negative integer or a 1-D NDArray, got number 2\.5$/],
    ['choice: an empty population', () => np.random.choice(0, 1), /^np\.random\.choice: a must not be empty unless no samples are taken$/],
    ['choice: replace not a boolean', () => np.random.choice(3, 1, 'no' as never), /^np\.random\.choice: replace must be true or false, got "no"$/],
    ['choice: an extra argument', () => (np.random.choice as (...a: unknown[]) => NDArray)(3, 1, true, null, 'x'), /^np\.random\.choice: takes at most 4 arguments, got 5$/],
  ];
  for (const [name, fn, pattern] of errors) {
    test(`refused in words: ${name}`, () => {
      const error = expectError(fn, pattern);
      assert.ok(error instanceof GradLensError);
      assert.match(String(error.stack).split('\n')[1]!, /random\.test\.(ts|js)/, 'the stack starts at the call');
    });
  }

  test('an empty sample needs no population', () => {
    assert.deepEqual(np.random.choice(0, 0).shape, [0]);
    assert.deepEqual(np.random.choice(3, [0, 2], false).shape, [0, 2]);
  });
});
