// The journal's node and step records (capture/records.ts) with every field set, and unusual
// values, read back equal from the binary journal, and from JSON lines as the journal carries
// tensors there (compact): the same trace node either way.
import { strict as assert } from 'node:assert';
import { np, type NDArray } from 'gradlens';
import { readJournal } from '../../capture/assemble';
import { NODE_LAYOUT, STEP_LAYOUT } from '../../capture/journal-binary';
import { JournalWriter } from '../../capture/journal-writer';
import type { JournalNode, NodeRecord, StepRecord } from '../../capture/records';
import { compact, expand } from '../../capture/tensor';
import type { TensorStats } from '../../protocol/trace';

const MAX_ELEMENTS = 4;

/** Writes `write`'s records through the journal writer into memory and reads them back as the runner does. */
function throughJournal(write: (journal: JournalWriter) => void) {
  let text = '';
  const ints: number[] = [];
  const floats: number[] = [];
  const journal = new JournalWriter({ text: (chunk) => { text += chunk; }, binary: (i, f) => { ints.push(...i); floats.push(...f); } }, MAX_ELEMENTS);
  write(journal);
  journal.close(); // writes the open segment (journal-segments.ts)
  return readJournal({ text, ints: Int32Array.from(ints), floats: Float64Array.from(floats) });
}

/** A node record as one JSON line, its value as the JSON journal carries tensors, and back. */
function throughJsonLine(node: NodeRecord<NDArray>): JournalNode {
  const line = `${JSON.stringify({ ...node, value: compact(node.value, MAX_ELEMENTS) })}\n`;
  return JSON.parse(line) as JournalNode;
}

/** Every field set, none to its default. */
const everyField = (): NodeRecord<NDArray> => ({
  id: 41,
  kind: 'op',
  op: 'random.normal',
  inputs: [3, 0, 3],
  attrs: { axis: [0, -1], keepdims: true, label: 'é "quoted"\n', nested: { none: null } },
  trainMode: true,
  recording: true,
  inGraph: true,
  gradReq: 'add',
  site: 12,
  recordingId: 7,
  previous: 40,
  layer: 'net.0',
  param: 'net.0.weight',
  value: np.array([0.1, NaN, -Infinity, Infinity]),
});

/** The nulls, no attrs, and a value larger than the limit (a sample and the stats of all of it). */
const nullsAndSample = (): NodeRecord<NDArray> => ({
  id: 0,
  kind: 'constant',
  op: 'constant',
  inputs: [],
  attrs: {},
  trainMode: false,
  recording: false,
  inGraph: false,
  gradReq: null,
  site: null,
  recordingId: null,
  previous: null,
  layer: null,
  param: null,
  value: np.array([[1, NaN, 3], [Infinity, 5, 6]], { dtype: 'float64' }),
});

suite('journal records', () => {
  test('a new op name declared while a node is encoded, when a timed flush is due, leaves the record whole', () => {
    const nodes = ['add', 'mul', 'tanh'].map((op, i) => ({ ...everyField(), id: i, op, inputs: [] }));
    const journal = throughJournal((j) => {
      for (const node of nodes) {
        (j as unknown as { lastFlush: number }).lastFlush = 0; // the 100 ms of a timed flush have passed
        j.node(node);
      }
    });
    assert.deepEqual(journal.nodes.map(({ id, op, kind, attrs }) => [id, op, kind, attrs]), nodes.map(({ id, op, kind, attrs }) => [id, op, kind, attrs]));
    assert.deepEqual(journal.nodes.map((n) => n.value), nodes.map(() => journal.nodes[0]!.value));
  });

  test('a node with every field set reads back equal from the binary journal', () => {
    const { nodes } = throughJournal((journal) => journal.node(everyField()));
    assert.deepEqual(nodes, [{
      ...everyField(),
      value: [[4], 'float32', [Math.fround(0.1), 'NaN', '-Infinity', 'Infinity']],
    }]);
    assert.deepEqual(Object.keys(nodes[0]!).sort(), [...NODE_LAYOUT].sort(), 'the layout lists every field the reader gives');
  });

  test('nulls, no attrs and a sampled float64 value read back equal from the binary journal', () => {
    const { nodes } = throughJournal((journal) => journal.node(nullsAndSample()));
    const { value, ...fields } = nodes[0]!;
    const { value: _written, ...writtenFields } = nullsAndSample();
    assert.deepEqual(fields, writtenFields);
    assert.equal(value.length, 4, 'six elements over a limit of four: a sample with stats');
    const [shape, dtype, sample, stats] = value as [number[], string, unknown[], TensorStats];
    assert.deepEqual([shape, dtype, sample], [[2, 3], 'float64', [1, 'NaN', 3, 'Infinity']]);
    // Over the finite elements 1, 3, 5, 6 of all six.
    const { std, l2, ...exact } = stats;
    assert.deepEqual(exact, { min: 1, max: 6, mean: 3.75, nan: 1, inf: 1, zeros: 0 });
    assert.ok(Math.abs(std! - Math.sqrt(14.75 / 4)) < 1e-12 && Math.abs(l2! - Math.sqrt(71)) < 1e-12, `std ${std}, l2 ${l2}`);
  });

  test('a sampled value\'s stats are of its values when it was recorded, though computed later and the array written since', () => {
    const node = nullsAndSample();
    const { nodes } = throughJournal((journal) => {
      journal.node(node);
      node.value._data.fill(-2); // an in-place write before the segment is written (and its stats computed)
    });
    const stats = (nodes[0]!.value as [number[], string, unknown[], TensorStats])[3];
    assert.deepEqual([stats.min, stats.max, stats.mean, stats.nan, stats.inf], [1, 6, 3.75, 1, 1]);
  });

  for (const [name, make] of [['every field set', everyField], ['nulls and a sample', nullsAndSample]] as const) {
    test(`${name}: a JSON line and the binary journal give the same record and the same trace tensor`, () => {
      const fromBinary = throughJournal((journal) => journal.node(make())).nodes[0]!;
      const fromJson = throughJsonLine(make());
      const { value: binaryValue, ...binaryFields } = fromBinary;
      const { value: jsonValue, ...jsonFields } = fromJson;
      assert.deepEqual(jsonFields, binaryFields);
      // float32 values differ in digits only (9 digits in JSON, the exact float64 image in binary).
      assert.deepEqual(expand(jsonValue), expand(binaryValue));
      assert.deepEqual(JSON.parse(JSON.stringify(fromBinary)), fromBinary, 'what the reader gives is plain JSON data');
    });
  }

  test('one record object refilled for each node (as the recorder does) gives each node its own fields', () => {
    const record = everyField();
    const { nodes } = throughJournal((journal) => {
      journal.node(record);
      record.id = 42;
      record.inputs = [41];
      record.attrs = {};
      record.gradReq = null;
      record.recordingId = null;
      record.value = np.array(2);
      journal.node(record);
    });
    assert.deepEqual(nodes.map(({ id, inputs, attrs, gradReq, recordingId, value }) => [id, inputs, attrs, gradReq, recordingId, value]), [
      [41, [3, 0, 3], everyField().attrs, 'add', 7, [[4], 'float32', [Math.fround(0.1), 'NaN', '-Infinity', 'Infinity']]],
      [42, [41], {}, null, null, [[], 'float32', [2]]],
    ]);
  });

  test('a step with every field set reads back equal, NaN and infinities included', () => {
    const step: StepRecord<NDArray> = {
      pass: 3,
      node: 41,
      upstream: np.array([1, NaN]),
      contributions: [{ index: 2, grad: np.array([Infinity, -0.5]) }, { index: 0, grad: np.array(7, { dtype: 'int32' }) }],
    };
    let produced: NDArray | null = null;
    const { steps } = throughJournal((journal) => { produced = journal.step(step); });
    assert.equal(produced, null, 'the upstream gradient already had a NaN: the rule produced nothing new');
    assert.deepEqual(steps, [{
      pass: 3,
      node: 41,
      upstream: [[2], 'float32', [1, 'NaN']],
      contributions: [{ index: 2, grad: [[2], 'float32', ['Infinity', -0.5]] }, { index: 0, grad: [[], 'int32', [7]] }],
    }]);
    assert.deepEqual(Object.keys(steps[0]!).sort(), [...STEP_LAYOUT].sort());
  });
});
