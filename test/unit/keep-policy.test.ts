// The keep policy alone (capture/keepPolicy.ts): which passes are kept whole under a budget.
import { strict as assert } from 'node:assert';
import { formatPassRanges, KeepPolicy, parsePassRanges, type PassFacts } from '../../capture/keepPolicy';

const MB = 2 ** 20;
/** The spacing of the last run's policy. */
let spacing = () => 1;

/** Runs `count` passes of `bytes` each; `anomalies`: ids with one. Returns the ids kept (the held one counted at the end). */
function run(count: number, bytes: number, maxBytes: number, { requested = [] as [number, number][], anomalies = new Set<number>(), pinned = new Set<number>() } = {}): number[] {
  const policy = new KeepPolicy({ maxBytes, requested });
  spacing = () => policy.spacing;
  const kept: number[] = [];
  let held: number | null = null;
  for (let id = 0; id < count; id++) {
    const facts: PassFacts = { id, bytes, notable: anomalies.has(id), anomaly: anomalies.has(id) };
    const verdict = policy.decide(facts, held === null ? null : { bytes });
    for (const demoted of verdict.demote) {
      assert.ok(kept.includes(demoted), `${demoted} was kept before it is demoted`);
      kept.splice(kept.indexOf(demoted), 1);
    }
    if (verdict.keep) {
      if (verdict.alsoPrevious && held !== null) kept.push(held);
      kept.push(id);
      held = null;
    } else held = id;
    // A later pass uses the arrays of these (they are its inputs): the journal pins them.
    if (verdict.keep && pinned.has(id)) policy.pin(id);
  }
  if (held !== null) { policy.keptLater(bytes); kept.push(held); }
  assert.equal(policy.kept, kept.length);
  assert.equal(policy.kept + policy.summarised, count);
  return kept;
}

suite('keep policy', () => {
  test('--keep ranges: parsed, printed back, and wrong ones named', () => {
    assert.deepEqual(parsePassRanges('17, 40-42,3'), [[17, 17], [40, 42], [3, 3]]);
    assert.equal(formatPassRanges([[17, 17], [40, 42]]), '17,40-42');
    assert.throws(() => parsePassRanges('4-2'), /'4-2' is a range that ends before it starts/);
    assert.throws(() => parsePassRanges('x'), /'x' is not a pass number/);
  });

  test('a run that fits keeps every pass', () => {
    assert.deepEqual(run(20, 1000, 64 * MB), Array.from({ length: 20 }, (_, i) => i));
  });

  test('past the budget: the first three, the asked-for ones, an anomaly and the pass before it, and the last', () => {
    const kept = run(1000, MB, 4 * MB, { requested: [[500, 501]], anomalies: new Set([700]) });
    for (const id of [0, 1, 2, 500, 501, 699, 700, 999]) assert.ok(kept.includes(id), `${id} in ${kept.join(' ')}`);
    assert.ok(kept.length <= 12, kept.join(' '));
  });

  test('evenly spaced passes stay within their share however long the run, and reach its end', () => {
    for (const count of [100, 10_000]) {
      const kept = run(count, 100_000, 64 * MB);
      const spent = kept.length * 100_000;
      assert.ok(spent <= 64 * MB, `${count} passes: ${spent} bytes kept`);
      assert.ok(kept.some((id) => id > count / 2 && id < count - 1), `${count} passes: some kept in the second half (${kept.slice(-5).join(' ')})`);
    }
  });

  test('the spaced passes are evenly spaced from the first to the last: every spacing-th, within half the budget', () => {
    for (const count of [100, 1000, 10_000]) {
      const kept = run(count, 100_000, 8 * MB);
      const spaced = kept.filter((id) => id >= 3 && id < count - 1);
      const step = spacing();
      assert.ok(spaced.every((id) => id % step === 0), `${count} passes: multiples of ${step}: ${spaced.join(' ')}`);
      // Every multiple of the spacing, from the first to the last: none missing.
      const expected = Array.from({ length: Math.floor((count - 2) / step) + 1 }, (_, i) => i * step).filter((id) => id >= 3 && id < count - 1);
      assert.deepEqual(spaced, expected, `${count} passes at spacing ${step}`);
      const bytes = spaced.length * 100_000;
      assert.ok(bytes <= 4 * MB && bytes > MB, `${count} passes: ${bytes} bytes of spaced passes against a 4 MB share`);
    }
  });

  test('a spaced pass a later pass used is pinned: never demoted though the spacing doubles past it', () => {
    const kept = run(1000, 100_000, 8 * MB, { pinned: new Set([5]) });
    assert.ok(kept.includes(5), kept.join(' '));
    assert.ok(spacing() > 5);
  });

  test('asked-for passes, the first three and the last are kept whatever the budget', () => {
    assert.deepEqual(run(10, 10 * MB, MB, { requested: [[5, 6]] }), [0, 1, 2, 5, 6, 9]);
  });
});
