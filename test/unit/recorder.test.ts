// The recorder in-process: it summarises values as they appear and keeps no reference to the
// program's arrays (they are collected once the program drops them).
import { strict as assert } from 'node:assert';
import { np, autograd, setEngineObserver, NDArray } from 'gradlens';
import type { Journal } from '../../capture/assemble';
import { parseJournal } from '../../capture/journal';
import { readBinaryJournal } from '../../capture/journal-binary';
import { JournalWriter } from '../../capture/journal-writer';
import { describeNonFinite, Recorder } from '../../capture/recorder';

/** Runs `fn` watched by a recorder whose journal stays in memory; returns what it journaled. */
function withRecorder(fn: () => void): Journal {
  let text = '';
  const ints: number[] = [];
  const floats: number[] = [];
  const journal = new JournalWriter({ text: (chunk) => { text += chunk; }, binary: (i, f) => { ints.push(...i); floats.push(...f); } }, 16);
  const recorder = new Recorder({ maxElements: 16, locate: () => null, flush: () => journal.flush(), journal });
  const previous = setEngineObserver(recorder.observer);
  try {
    fn();
  } finally {
    setEngineObserver(previous);
    journal.close(); // the held pass and the open segment are written at the end (journal-segments.ts)
  }
  const records = parseJournal(text);
  const names = new Map(records.flatMap((r) => (r.t === 'name' ? [[r.id, r.text] as const] : [])));
  return { records, ...readBinaryJournal(Int32Array.from(ints), Float64Array.from(floats), names) };
}

const gc = (globalThis as { gc?: () => void }).gc;

suite('recorder', () => {
  test('journals nodes, the recording and the pass of y = 2·dot(x, x)', () => {
    const journal = withRecorder(() => {
      const x = np.arange(4);
      x.attachGrad();
      autograd.record(() => np.dot(x, x).mul(2)).backward();
    });
    // Names go out at once; the recording's records are its pass's segment, written when the pass was kept (journal-segments.ts).
    assert.deepEqual(journal.records.map((r) => r.t), ['name', 'name', 'name', 'name', 'recordingStart', 'recordingEnd', 'pass', 'kept']);
    const pass = journal.records.find((r) => r.t === 'pass');
    assert.equal(pass?.t === 'pass' && pass.pass.kept, true);
    assert.deepEqual(journal.nodes.map(({ kind, op, inputs }) => [kind, op, inputs]), [['variable', 'arange', []], ['op', 'dot', [0, 0]], ['constant', 'constant', []], ['op', 'mul', [1, 2]]]);
    assert.deepEqual(journal.nodes[0]!.value, [[4], 'float32', [0, 1, 2, 3]], 'values travel as numbers');
    assert.deepEqual(journal.steps.map(({ pass, node }) => [pass, node]), [[0, 3], [0, 1]], 'mul, then dot');
    const { upstream, contributions } = journal.steps[1]!;
    assert.deepEqual(upstream[2], [2]);
    assert.deepEqual(contributions.map(({ index, grad }) => [index, grad[2]]), [[0, [0, 2, 4, 6]], [1, [0, 2, 4, 6]]]);
  });

  test('int64 values travel through the binary journal as int64, exactly (past 2^31 too)', () => {
    const journal = withRecorder(() => {
      const x = np.array([[1, 2], [3, 4]]);
      x.attachGrad();
      const rows = np.array([1, 2 ** 40], { dtype: 'int64' }).minimum(1);
      autograd.record(() => np.take(x, rows, 0).mul(np.array(2 ** 40 + 1, { dtype: 'int64' })).sum()).backward();
    });
    const int64Values = journal.nodes.filter((node) => node.value[1] === 'int64').map((node) => node.value);
    assert.deepEqual(int64Values, [[[2], 'int64', [1, 1]], [[], 'int64', [2 ** 40 + 1]]]);
  });

  test('holds no reference to the program\'s arrays', async () => {
    assert.ok(gc, 'this suite runs with --expose-gc (scripts/test.mjs passes it)');
    const refs: WeakRef<NDArray>[] = [];
    withRecorder(() => {
      (() => {
        const x = np.random.normal(0, 1, [64, 64]);
        x.attachGrad();
        const y = autograd.record(() => {
          const h = x.matmul(x).tanh();
          refs.push(new WeakRef(h));
          return h.sum();
        });
        y.backward();
        refs.push(new WeakRef(x), new WeakRef(y), new WeakRef(x.grad!));
      })();
    });
    for (let i = 0; i < 3; i++) {
      gc!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(refs.map((ref) => ref.deref() === undefined), [true, true, true, true]);
  });

  test('a NaN/Inf anomaly names every kind the op produced, with counts and the sign of infinities', () => {
    const journal = withRecorder(() => {
      const x = np.array([-1, 0, 1]);
      x.attachGrad();
      autograd.record(() => np.log(x).sum());
    });
    const anomalies = journal.records.flatMap((r) => (r.t === 'anomaly' ? [r.anomaly] : []));
    assert.deepEqual(anomalies.map((a) => [a.kind, a.phase, a.message]), [['nan', 'forward', "'log' produced 1 NaN and 1 −Infinity from finite inputs"]]);
  });

  test('non-finite values in words: one kind, two, all three', () => {
    assert.equal(describeNonFinite({ nan: 0, positive: 0, negative: 1 }), '1 −Infinity');
    assert.equal(describeNonFinite({ nan: 2, positive: 1, negative: 0 }), '2 NaN and 1 +Infinity');
    assert.equal(describeNonFinite({ nan: 2, positive: 3, negative: 1 }), '2 NaN, 3 +Infinity and 1 −Infinity');
  });
});
