// Reading a trace file's text back (protocol/readTrace.ts): a whole file as is, a file cut
// at any byte repaired to a valid trace that says what is missing, anything else refused in words.
import { strict as assert } from 'node:assert';
import { streamTraceJson } from '../../capture/traceFile';
import { fillGradients } from '../../protocol/query/lastGradients';
import { expandDocument } from '../../protocol/traceLayout';
import { readTraceText, TRACE_FIELD_ORDER, type TraceRead } from '../../protocol/readTrace';
import { statsOf, type Trace } from '../../protocol/trace';
import { validateTrace } from '../../protocol/validate';
import { asWritten, chapterTrace, diamondTrace, graphBreak, at, tensor, variable } from './trace-builder';

const LISTS = ['nodes', 'recordings', 'backwardPasses', 'graphBreaks', 'anomalies'] as const;

/** The chapter trace with every list filled and strings that look like JSON's own punctuation. */
function fullTrace(): Trace {
  const t = chapterTrace();
  const odd = 'a "quoted" {brace} [bracket], colon: \\ back\\\\slash \\" \u2028 é 😀';
  t.run.stdout = odd;
  t.nodes[1]!.source!.text = odd;
  t.nodes[1]!.attrs = { axes: [[0], [1, { deep: [] }]], keepdims: false };
  t.graphBreaks.push(graphBreak('detach', 2, 1, at(3, odd), 'a detached copy'));
  t.anomalies.push({ kind: 'inf', phase: 'forward', node: 3, source: null, message: 'mul produced ±Infinity', inputs: [statsOf([1, Infinity])] });
  fillGradients(t); // as the runner gives them: each node its last pass's gradient
  return t;
}

/** Every element of every list, in file order: a repaired trace must hold a prefix of this. */
const elements = (t: Trace) => LISTS.flatMap((list) => (t[list] as unknown[]).map((item) => JSON.stringify([list, item])));

function cutEverywhere(original: Trace, text: string): { repaired: number; refused: number } {
  const runEnds = text.indexOf('"nodes"');
  let repaired = 0;
  let refused = 0;
  let previous = -1;
  for (let at = 0; at < text.length; at++) {
    let read: TraceRead;
    assert.doesNotThrow(() => { read = readTraceText(text.slice(0, at)); }, `cut at ${at}`);
    read = read!;
    if (!read.ok) {
      assert.ok(read.problems.length > 0, `cut at ${at}: problems are given`);
      assert.ok(at < runEnds, `cut at ${at}, after the run: it is repaired (${read.problems.join('; ')})`);
      refused++;
      continue;
    }
    repaired++;
    assert.ok(read.truncated && read.trace.truncated === read.truncated, `cut at ${at}: truncated is set`);
    assert.equal(read.truncated.bytes, Buffer.byteLength(text.slice(0, at)));
    assert.ok(validateTrace(read.trace).ok, `cut at ${at}: the repaired trace is valid`);
    assert.deepEqual(read.trace.run, original.run);
    const got = elements(read.trace);
    // Nodes come before the recordings: a node of a recording that was cut off keeps no recordingId.
    const kept = new Set(read.trace.recordings.map((r) => r.id));
    const expected = elements({ ...original, nodes: original.nodes.map((n) => (n.recordingId !== null && !kept.has(n.recordingId) ? { ...n, recordingId: null } : n)) });
    assert.deepEqual(got, expected.slice(0, got.length), `cut at ${at}: what was read is a prefix of the trace, no half-written element`);
    assert.ok(got.length >= previous, `cut at ${at}: a longer prefix never reads less`);
    previous = got.length;
  }
  return { repaired, refused };
}

suite('reading a trace file back', () => {
  test('a file leaves out the nodes\' gradients that are their last step\'s; reading gives them back, the same', () => {
    const t = fullTrace();
    t.nodes[2]!.grad = tensor([5], []); // not what any pass gives it: written
    let text = '';
    streamTraceJson(t, (piece) => { text += piece; });
    const expanded = expandDocument(JSON.parse(text) as Record<string, unknown>);
    assert.ok(expanded.ok);
    const written = expanded.value as unknown as Trace;
    assert.deepEqual(written.nodes.map((n) => n.grad !== undefined), t.nodes.map((n) => n.id === 2), 'only the gradient no step gives is in the file');
    assert.ok(text.length < JSON.stringify(t).length);
    const read = readTraceText(text);
    assert.ok(read.ok);
    assert.deepEqual(read.trace, asWritten(t));
  });

  test('a whole file is returned as is, without truncated', () => {
    const t = fullTrace();
    const read = readTraceText(JSON.stringify(t));
    assert.ok(read.ok);
    assert.deepEqual(read.trace, JSON.parse(JSON.stringify(t)));
    assert.equal(read.truncated, undefined);
    assert.equal('truncated' in read.trace, false);
    // With the byte-order mark some editors add, and pretty-printed.
    assert.ok(readTraceText(`\ufeff${JSON.stringify(t, null, 2)}\n`).ok);
  });

  test('cut at every byte: a valid trace holding a prefix of the lists, with truncated set, or problems; never an exception', () => {
    const t = fullTrace();
    const compact = cutEverywhere(t, JSON.stringify(t));
    const diamond = diamondTrace();
    fillGradients(diamond);
    const pretty = cutEverywhere(diamond, JSON.stringify(diamond, null, 2));
    for (const { repaired, refused } of [compact, pretty]) {
      assert.ok(repaired > 1000 && refused > 100, `repaired ${repaired}, refused ${refused}`);
    }
  });

  test('the note says where the file ends, how much of that list was read and which lists are missing', () => {
    const t = chapterTrace();
    t.nodes = Array.from({ length: 1300 }, (_, id) => variable(id, 'array', [id], at(1, 'const x = np.array([1]);')));
    t.recordings = [];
    t.backwardPasses = [];
    const text = JSON.stringify(t);
    const insideNode1204 = text.indexOf('{"id":1204,') + 20;
    const read = readTraceText(text.slice(0, insideNode1204));
    assert.ok(read.ok);
    assert.equal(read.trace.nodes.length, 1204);
    assert.equal(read.truncated?.note, 'the file ends inside the nodes: 1,204 nodes were read; no recordings, backward passes, graph breaks or anomalies were written');
    const notes = (cut: number) => { const r = readTraceText(text.slice(0, cut)); return r.ok ? r.truncated?.note : r.problems.join('; '); };
    assert.equal(notes(text.indexOf('{"id":1,') + 3), 'the file ends inside the nodes: 1 node was read; no recordings, backward passes, graph breaks or anomalies were written');
    assert.equal(notes(text.indexOf('"nodes":[') + 9), 'the file ends inside the nodes: 0 nodes were read; no recordings, backward passes, graph breaks or anomalies were written');
    assert.equal(notes(text.indexOf(',"recordings"')), 'the file ends after the nodes; no recordings, backward passes, graph breaks or anomalies were written');
    assert.equal(notes(text.indexOf(',"graphBreaks"') + 5), 'the file ends after the backward passes; no graph breaks or anomalies were written');
    assert.equal(notes(text.indexOf('"anomalies":[') + 13), 'the file ends inside the anomalies: 0 anomalies were read; nothing else is missing');
    assert.equal(notes(text.length - 1), 'the file ends after the anomalies; nothing else is missing');
    assert.equal(notes(text.indexOf('"nodes"') - 1), 'the file ends after the run; no nodes, recordings, backward passes, graph breaks or anomalies were written');
    assert.equal(notes(text.indexOf('"nodes"') - 10), 'the file is cut short before the end of its "run": there is nothing to show');
  });

  test('the fields a writer puts first are the ones a cut file needs', () => {
    assert.deepEqual(TRACE_FIELD_ORDER, ['format', 'version', 'run', ...LISTS]);
  });

  test('a half-written field this reader does not know is left out; bytes is the size given or the text in UTF-8', () => {
    const text = `${JSON.stringify(chapterTrace()).slice(0, -1)},"later":{"x":[1,2`;
    const read = readTraceText(text, { bytes: 123_456 });
    assert.ok(read.ok);
    assert.equal('later' in read.trace, false);
    assert.deepEqual(read.truncated, { bytes: 123_456, note: 'the file ends inside a field this reader does not know, which was left out; nothing else is missing' });
    const accented = JSON.stringify(fullTrace());
    const cut = accented.slice(0, accented.indexOf('"recordings"'));
    const again = readTraceText(cut);
    assert.equal(again.ok && again.truncated?.bytes, Buffer.byteLength(cut));
  });

  test('what is not a trace cut short is refused in words that never quote the file', () => {
    const trace = JSON.stringify(chapterTrace());
    const cases: [string, RegExp][] = [
      ['', /^the file is empty$/],
      [' \n\t', /^the file is empty$/],
      ['<!doctype html><html>SECRET</html>', /^the file is not JSON \(a trace begins with "\{"\)$/],
      ['SECRET garbage', /^the file is not JSON/],
      ['{"name": "SECRET", "version": "1.0.0", "dependencies": {"a": "1"}}', /^"format" is missing, expected "gradlens-trace"/],
      ['{"name": "SECRET", "version": "1.0.0", "dependencies": {"a": "1"', /^the file is cut short, and what it holds is not a GradLens trace$/],
      ['[1, 2, "SECRET"', /^the file is cut short, and what it holds is not a GradLens trace$/],
      ['"SECRET', /^the file is cut short before anything of a trace$/],
      [`${trace.slice(0, trace.indexOf('"nodes":[') + 9)}1 2 SECRET`, /^the file is not valid JSON \(at line 1, column \d+\)$/],
      [`${trace} SECRET`, /^the file is not valid JSON \(at line 1, column \d+\)$/],
      [`${trace.slice(0, trace.indexOf('"nodes":[') + 9)}\n\n  }SECRET`, /^the file is not valid JSON \(at line 3, column 3\)$/],
      [trace.replace('"dot"', '"d\\qSECRET"'), /^the file is not valid JSON/],
      [trace.replace('"dot"', '"d\\qSECRET"').slice(0, -300), /^the file is not valid JSON/],
      ['{"format": "gradlens-trace", "version": 1, "run": {"file": "SECRET"}, "nodes": [{"id": 0}', /^nodes\[0\]\.kind is missing/],
    ];
    for (const [text, expected] of cases) {
      const read = readTraceText(text);
      assert.equal(read.ok, false, JSON.stringify(text.slice(0, 60)));
      if (read.ok) continue;
      assert.match(read.problems[0]!, expected, JSON.stringify(text.slice(0, 60)));
      assert.doesNotMatch(read.problems.join(' '), /SECRET/);
    }
  });
});
