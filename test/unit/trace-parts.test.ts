// A trace in parts (protocol/traceParts.ts) and the version-3 file layout (protocol/traceLayout.ts):
// split and merged back it is the same trace; a file's text reads back to it; a head validates with
// its parts unloaded, and a part is checked before it joins.
import { strict as assert } from 'node:assert';
import { streamTraceJson } from '../../capture/traceFile';
import { readTraceText } from '../../protocol/readTrace';
import type { PartData, Trace } from '../../protocol/trace';
import { decodeSegment, fileLayout, HEAD_END, INDEX_START, traceOfHead } from '../../protocol/traceLayout';
import { isWhole, missingParts, splitTrace, withParts } from '../../protocol/traceParts';
import { validateTrace } from '../../protocol/validate';
import { checkPartData } from '../../protocol/validateParts';
import { asWritten, chapterTrace, diamondTrace, inPlaceLoopTrace as trainingLoop, seedTrace } from './trace-builder';

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Trace;

/** The trace as readers give it (gradients a file leaves out given back), as a file written now reads. */
function read(t: Trace): Trace {
  const checked = validateTrace(plain(t));
  assert.ok(checked.ok, checked.ok ? '' : checked.problems.join('\n'));
  return asWritten(checked.trace);
}

function fileText(t: Trace): string {
  let text = '';
  streamTraceJson(t, (piece) => { text += piece; });
  return text;
}

suite('a trace in parts', () => {
  let seed: Trace;
  suiteSetup(async () => {
    const checked = validateTrace(plain(await seedTrace())); // the fixture leaves out gradients readers give back
    assert.ok(checked.ok);
    seed = checked.trace;
  });

  test('split and given all its parts back, a trace is the same trace (the seed example, a loop, small ones)', () => {
    for (const t of [seed, trainingLoop(5), chapterTrace(), diamondTrace()]) {
      const { head, parts } = splitTrace(t);
      assert.equal(head.nodes.length, 0);
      assert.ok(head.parts!.loaded.every((loaded) => !loaded));
      assert.equal(parts.length, head.parts!.list.length);
      assert.equal(parts.reduce((n, part) => n + part.nodes.length, 0), t.nodes.length, 'every node is in one part');
      const whole = withParts(head, parts);
      assert.ok(isWhole(whole));
      assert.equal(whole.parts, undefined, 'with every part in, the trace is whole again');
      assert.deepEqual(plain(whole), plain(t));
    }
  });

  test('the parts follow the kept passes: one part a pass; the parameter an update wrote (`previous`) is no need: no part needs the one before', () => {
    const t = trainingLoop(4);
    const { head } = splitTrace(t);
    const list = head.parts!.list;
    assert.deepEqual(list.map((part) => [part.firstNode, part.lastNode, part.nodes, part.passes]), [[0, 1, 2, [0]], [2, 3, 2, [1]], [4, 5, 2, [2]], [6, 7, 2, [3]]]);
    // Pass k's parameter is the previous one updated in place: its `previous` is in part k−1, which a graph does not read.
    assert.deepEqual(list.map((part) => part.needs), [[], [], [], []]);
    assert.ok(list.every((part) => part.bytes > 0));
  });

  test('the head validates with its parts unloaded; a pass names the parts its graph needs; loaded, it is whole', () => {
    const t = trainingLoop(4);
    const { head, parts } = splitTrace(t);
    const checked = validateTrace(plain(head));
    assert.ok(checked.ok, checked.ok ? '' : checked.problems.join('\n'));
    assert.deepEqual(missingParts(head, { kind: 'pass', id: 2 }), [2], 'its own part: the loop\'s passes are loaded one at a time');
    const some = withParts(head, [parts[0]!, parts[2]!]);
    assert.deepEqual(missingParts(some, { kind: 'pass', id: 2 }), []);
    assert.deepEqual(missingParts(some, { kind: 'pass', id: 1 }), [1]);
    assert.deepEqual(missingParts(some, { kind: 'pass', id: 3 }), [3]);
    assert.equal(some.backwardPasses[2]!.steps.length, 1);
    assert.equal(some.backwardPasses[3]!.steps.length, 0, 'a pass not loaded has no steps yet');
    assert.ok(validateTrace(plain(some)).ok);
  });

  test('a part is checked before it joins: its number, its node ids, inputs the trace holds, its passes', () => {
    const t = trainingLoop(3);
    const { head, parts } = splitTrace(t);
    const part = (i: number) => plain(parts[i]) as unknown as Record<string, unknown>;
    assert.ok(checkPartData(head, [part(0)]).ok);
    assert.ok(checkPartData(head, [part(2), part(0)]).ok, 'in any order');
    assert.ok(checkPartData(head, [part(1)]).ok, 'a `previous` may name a node of a part not loaded');
    const problems = (values: unknown[]) => { const r = checkPartData(head, values); assert.ok(!r.ok); return r.problems.join('\n'); };
    const reading = part(1);
    (reading.nodes as { inputs: number[] }[])[1]!.inputs = [0, 2];
    assert.match(problems([reading]), /inputs\[0\] is 0, which is not a node of the trace/, 'an input must be there: in the trace, or arriving with it');
    assert.ok(checkPartData(head, [reading, part(0)]).ok);
    assert.match(problems([{ ...part(1), nodes: [...(part(1).nodes as unknown[]).slice(0, 1), { ...(part(1).nodes as Record<string, unknown>[])[1]!, previous: 77 }] }]), /previous is 77, expected the id of an earlier node/, 'a `previous` is an earlier node still');
    assert.match(problems([{ ...part(0), part: 9 }]), /a part of the trace .*part one of 0–2/);
    const wrongId = part(0);
    (wrongId.nodes as { id: number }[])[1]!.id = 7;
    assert.match(problems([wrongId]), /outside its part's nodes \(0–1\)/);
    assert.match(problems([{ ...part(0), passes: [] }]), /lacks pass 0/);
    const again = checkPartData(withParts(head, [parts[0]!]), [part(0)]);
    assert.ok(!again.ok);
    assert.match(again.problems.join('\n'), /is 0, a part the trace already holds/);
  });
});

suite('the version-3 file layout', () => {
  let seed: Trace;
  suiteSetup(async () => {
    const checked = validateTrace(plain(await seedTrace())); // the fixture leaves out gradients readers give back
    assert.ok(checked.ok);
    seed = checked.trace;
  });

  test('a file\'s text reads back to the trace it was written from', () => {
    for (const t of [seed, trainingLoop(6), chapterTrace()]) {
      const back = readTraceText(fileText(t));
      assert.ok(back.ok, back.ok ? '' : back.problems.join('\n'));
      assert.deepEqual(plain(back.trace), read(t));
    }
  });

  test('its first line is the head, its last the byte offsets of the segments, one a line between', () => {
    const t = trainingLoop(3);
    const text = fileText(t);
    const lines = text.split('\n');
    assert.equal(lines.at(-1), '', 'it ends with a newline');
    assert.ok(lines[0]!.endsWith(HEAD_END));
    const head = JSON.parse(`${lines[0]!.slice(0, -HEAD_END.length)}}`) as Record<string, unknown>;
    assert.deepEqual(Object.keys(head).slice(0, 3), ['format', 'version', 'run']);
    assert.equal(head.version, 3);
    const last = lines.at(-2)!;
    assert.ok(last.startsWith(INDEX_START));
    const index = JSON.parse(last.slice(INDEX_START.length, -1)) as [number, number][];
    assert.equal(index.length, 3);
    const bytes = Buffer.from(text, 'utf8');
    const partsRead: PartData[] = index.map(([offset, length]) => {
      const decoded = decodeSegment(JSON.parse(bytes.subarray(offset, offset + length).toString('utf8')), head.structures as unknown[]);
      assert.ok(decoded.ok);
      return decoded.value;
    });
    const headTrace = validateTrace(traceOfHead(head));
    assert.ok(headTrace.ok, headTrace.ok ? '' : headTrace.problems.join('\n'));
    const checked = checkPartData(headTrace.trace, partsRead);
    assert.ok(checked.ok, checked.ok ? '' : checked.problems.join('\n'));
    assert.deepEqual(plain(withParts(headTrace.trace, checked.parts)), read(t));
  });

  test('passes that repeat one graph share one structure; values, iterations and earlier arrays stay per pass', () => {
    const { head, segments } = fileLayout(trainingLoop(6));
    assert.equal(head.structures.length, 1, 'six passes of one loop body: one structure');
    assert.deepEqual(segments.map((s) => s.structure), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(segments.map((s) => s.instances.map((i) => i.iteration)), [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
    assert.deepEqual(segments.map((s) => s.instances[0]!.previous ?? null), [null, 0, 2, 4, 6, 8]);
    // An input made in the part is written relative to its node: the same numbers in every pass.
    assert.deepEqual(head.structures[0]!.map((n) => n.inputs), [[], [-1, -1]]);
    // A gradient its own pass gives is left out (the reader gives it back).
    assert.ok(segments.every((s) => s.instances.every((i) => i.grad === undefined)));
  });

  test('a file cut inside its segments keeps the head and the whole segments; a lost pass reads as summarised', () => {
    const t = trainingLoop(4);
    const text = fileText(t);
    const lines = text.split('\n');
    const cut = lines.slice(0, 3).join('\n') + '\n' + lines[3]!.slice(0, 40);
    const read = readTraceText(cut);
    assert.ok(read.ok, read.ok ? '' : read.problems.join('\n'));
    assert.match(read.truncated!.note, /^the file ends inside the kept passes' nodes and tensors: 4 nodes were read; nothing else is missing$/);
    assert.deepEqual(read.trace.nodes.map((n) => n.id), [0, 1, 2, 3]);
    assert.deepEqual(read.trace.backwardPasses.map((p) => p.kept), [true, true, false, false]);
    assert.deepEqual(read.trace.backwardPasses[3]!.omitted, { firstNode: 6, lastNode: 7, nodes: 2, steps: 1 });
    assert.equal(read.trace.backwardPasses[3]!.summary!.head, 0.25, 'its summary is still there');
  });
});
