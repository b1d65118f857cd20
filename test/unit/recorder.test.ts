// The recorder in-process: it summarises values as they appear and keeps no reference to the
// program's arrays (they are collected once the program drops them).
import { strict as assert } from 'node:assert';
import { np, autograd, setEngineObserver, NDArray } from 'gradlens';
import type { JournalRecord } from '../../extension/capture/journal';
import { Recorder } from '../../extension/capture/recorder';

function withRecorder(fn: () => void): JournalRecord[] {
  const records: JournalRecord[] = [];
  const recorder = new Recorder({
    maxElements: 16, locate: () => null, flush: () => {},
    write: (r) => records.push(r),
    writeLine: (json) => records.push(JSON.parse(json) as JournalRecord),
  });
  const previous = setEngineObserver(recorder.observer);
  try {
    fn();
  } finally {
    setEngineObserver(previous);
  }
  return records;
}

const gc = (globalThis as { gc?: () => void }).gc;

suite('recorder', () => {
  test('journals nodes, the recording and the pass of y = 2·dot(x, x)', () => {
    const records = withRecorder(() => {
      const x = np.arange(4);
      x.attachGrad();
      autograd.record(() => np.dot(x, x).mul(2)).backward();
    });
    assert.deepEqual(records.map((r) => r.t), ['recordingStart', 'node', 'node', 'node', 'node', 'recordingEnd', 'step', 'step', 'pass']);
    const nodes = records.flatMap((r) => (r.t === 'node' ? [r.node] : []));
    assert.deepEqual(nodes.map(([, kind, op, inputs]) => [kind, op, inputs]), [['variable', 'arange', []], ['op', 'dot', [0, 0]], ['constant', 'constant', []], ['op', 'mul', [1, 2]]]);
    const steps = records.flatMap((r) => (r.t === 'step' ? [r.step[0]] : []));
    assert.deepEqual(steps, [3, 1], 'mul, then dot');
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
});
