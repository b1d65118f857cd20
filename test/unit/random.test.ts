// Seeded random numbers are the same on every machine: the expected values are fixed here.
import { strict as assert } from 'node:assert';
import { np } from 'gradlens';

suite('np.random', () => {
  test('a seed fixes the sequence (these numbers must never change)', () => {
    np.random.seed(42);
    assert.deepEqual(np.random.normal(0, 1, [4]).toFlatArray(), [1.1226592063903809, 0.9491474628448486, 0.4041278660297394, 0.03873744234442711]);
    assert.deepEqual(np.random.uniform(0, 1, [4]).toFlatArray(), [0.8806870579719543, 0.18337301909923553, 0.968879222869873, 0.7725575566291809]);
    assert.deepEqual(np.random.randint(0, 10, [6]).toFlatArray(), [4, 5, 1, 2, 1, 5]);
    np.random.seed(42);
    assert.deepEqual(np.random.normal(0, 1, [4], 'float64').toFlatArray(), [1.1226591822802086, 0.9491474351894811, 0.40412785633822706, 0.0387374413085134]);
  });

  test('without a shape the result is a 0-d array, as in MXNet', () => {
    assert.deepEqual(np.random.normal().shape, []);
    assert.deepEqual(np.random.uniform(2, 3).shape, []);
    const v = np.random.uniform(2, 3).item();
    assert.ok(v >= 2 && v < 3);
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

  test('a different seed gives different numbers; the same seed the same', () => {
    np.random.seed(5);
    const a = np.random.normal(0, 1, [3]).toFlatArray();
    np.random.seed(6);
    const b = np.random.normal(0, 1, [3]).toFlatArray();
    np.random.seed(5);
    const c = np.random.normal(0, 1, [3]).toFlatArray();
    assert.notDeepEqual(a, b);
    assert.deepEqual(a, c);
  });
});
