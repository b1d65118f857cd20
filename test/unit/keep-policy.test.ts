// The keep policy alone (capture/keepPolicy.ts): which passes are kept whole under a budget.
import { strict as assert } from 'node:assert';
import { formatPassRanges, KeepPolicy, parsePassRanges, type PassFacts } from '../../capture/keepPolicy';

const MB = 2 ** 20;

/** Runs `count` passes of `bytes` each; `anomalies`: ids with one. Returns the ids kept (the held one counted at the end). */
function run(count: number, bytes: number, maxBytes: number, { requested = [] as [number, number][], anomalies = new Set<number>() } = {}): number[] {
  const policy = new KeepPolicy({ maxBytes, requested });
  const kept: number[] = [];
  let held: number | null = null;
  for (let id = 0; id < count; id++) {
    const facts: PassFacts = { id, bytes, notable: anomalies.has(id), anomaly: anomalies.has(id) };
    const verdict = policy.decide(facts, held === null ? null : { bytes });
    if (verdict.keep) {
      if (verdict.alsoPrevious && held !== null) kept.push(held);
      kept.push(id);
      held = null;
    } else held = id;
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

  test('asked-for passes, the first three and the last are kept whatever the budget', () => {
    assert.deepEqual(run(10, 10 * MB, MB, { requested: [[5, 6]] }), [0, 1, 2, 5, 6, 9]);
  });
});
