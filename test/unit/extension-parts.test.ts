// A big trace in the extension (extension/partServer.ts, extension/openTrace.ts, extension/heldParts.ts):
// the snapshot the inspector gets (whole when small, the head and the first graph's parts when big,
// a file opened in parts as it is held), the answers to its `parts/load` from memory and from a file
// (and when the file changed or went away), and the lenses, inline values and Problems of a trace
// that holds only its last pass.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTraceFile } from '../../capture/traceFile';
import { NOT_LOADED, nodeCount, stepCount } from '../../extension/heldParts';
import { lastGraph, openTrace } from '../../extension/openTrace';
import { PartServer, partSizes, type PartSource } from '../../extension/partServer';
import { inlineValues, lensResults, problemsOf } from '../../extension/results';
import type { PartData, Trace } from '../../protocol/trace';
import { missingParts, splitTrace } from '../../protocol/traceParts';
import { FILE, inPlaceLoopTrace as trainingLoop } from './trace-builder';

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Trace;
const BACKWARD_LINE = 9;

/** Runs `body` with the part sizes lowered to 0 bytes: every trace goes in parts. */
function inParts<T>(body: () => T): T {
  const saved = { ...partSizes };
  Object.assign(partSizes, { readWholeBelow: 0, sendWholeBelow: 0 });
  try {
    return body();
  } finally {
    Object.assign(partSizes, saved);
  }
}

const partsOf = (answer: ReturnType<PartServer['load']>): PartData[] => {
  assert.equal(answer.kind, 'reply');
  assert.ok(answer.kind === 'reply' && answer.message.type === 'parts/data', JSON.stringify(answer));
  return answer.message.parts;
};

suite('extension: a big trace served to the inspector in parts', () => {
  test('a small trace goes whole, as before there were parts: nothing to load', () => {
    const trace = trainingLoop(3);
    const server = PartServer.forSnapshot({ trace, tracePath: null }, { selection: { kind: 'pass', id: 1 } });
    assert.equal(server.held, trace);
    assert.equal(server.partCount, 0);
    assert.deepEqual(server.load([0]), { kind: 'ignored', why: 'the trace shown is whole: it has no parts' });
  });

  test('a big run\'s trace goes as its head with the parts the selected pass needs; the others are served when asked', () => {
    const trace = trainingLoop(4, true);
    const server = inParts(() => PartServer.forSnapshot({ trace, tracePath: null }, { selection: { kind: 'pass', id: 2 } }));
    const held = server.held;
    assert.notEqual(held, trace);
    assert.equal(server.partCount, 4);
    assert.deepEqual(held.parts!.loaded, [true, false, true, false], 'pass 2\'s part and the part of the array it reads');
    assert.deepEqual(missingParts(held, { kind: 'pass', id: 2 }), [], 'the first graph needs no round trip');
    assert.equal(held.backwardPasses[2]!.steps.length, 1);
    assert.equal(held.backwardPasses[3]!.steps.length, 0);
    // The inspector opens pass 3: its part, from the run's trace in memory.
    const served = partsOf(server.load([3]));
    assert.deepEqual(served.map((part) => part.part), [3]);
    assert.equal(served[0], splitTrace(trace).parts[3], 'the part itself, not a copy');
    assert.deepEqual(server.held.parts!.loaded, [true, false, true, true]);
    assert.deepEqual(partsOf(server.load([1])).map((part) => part.part), [1]);
    assert.equal(server.held.parts, undefined, 'with every part in, the inspector holds the trace whole');
    assert.equal(server.held.nodes.length, trace.nodes.length);
    // A part asked for again is sent again (the inspector knows what it lacks); one the trace has not is refused.
    assert.deepEqual(partsOf(server.load([0])).map((part) => part.part), [0]);
    assert.deepEqual(server.load([1, 9]), { kind: 'ignored', why: 'the trace shown has 4 parts: there is no part 9' });
  });

  test('without a selection, the head alone; a focused node brings its part and what it needs', () => {
    const trace = trainingLoop(4, true);
    const bare = inParts(() => PartServer.forSnapshot({ trace, tracePath: null }));
    assert.deepEqual(bare.held.parts!.loaded, [false, false, false, false]);
    assert.equal(bare.held.nodes.length, 0);
    const focused = inParts(() => PartServer.forSnapshot({ trace, tracePath: null }, { focusNode: 3 }));
    assert.deepEqual(focused.held.parts!.loaded, [true, true, false, false]);
    const training = inParts(() => PartServer.forSnapshot({ trace, tracePath: null }, { selection: { kind: 'training' } }));
    assert.equal(training.held.nodes.length, 0, 'the Training view reads the summaries in the head');
  });

  test('parts that come malformed from a file are not served: the inspector is told why', () => {
    const trace = trainingLoop(3);
    const { head, parts } = splitTrace(trace);
    const bad = { ...parts[0]!, nodes: parts[0]!.nodes.map((n) => ({ ...n, id: n.id + 50 })) };
    const source: PartSource = { trace: head, tracePath: '/traces/train.ts.gradlens.json', fileParts: { read: () => ({ ok: true, parts: [bad] }) } };
    const answer = PartServer.forSnapshot(source).load([0]);
    assert.equal(answer.kind, 'reply');
    assert.ok(answer.kind === 'reply' && answer.message.type === 'parts/failed');
    assert.deepEqual(answer.message.parts, [0]);
    assert.match(answer.message.problem, /^train\.ts\.gradlens\.json has malformed parts: .*outside its part's nodes/);
  });
});

suite('extension: a trace file opened in parts', () => {
  let folder: string;
  let path: string;
  let trace: Trace;

  setup(() => {
    folder = mkdtempSync(join(tmpdir(), 'gradlens-parts-'));
    path = join(folder, 'train.ts.gradlens.json');
    trace = trainingLoop(5);
    writeTraceFile(trace, path);
  });

  teardown(() => rmSync(folder, { recursive: true, force: true }));

  function open(): PartSource & { trace: Trace } {
    const opened = inParts(() => openTrace(path));
    assert.ok(opened.ok, opened.ok ? '' : opened.problems.join('\n'));
    assert.ok(opened.fileParts, 'read in parts');
    assert.equal(opened.notice, undefined);
    return { trace: opened.trace, fileParts: opened.fileParts, tracePath: path };
  }

  test('the record holds the head and the last pass with what it needs: the editor shows the last iteration', () => {
    const { trace: held } = open();
    assert.deepEqual(lastGraph(held), { kind: 'pass', id: 4 });
    assert.deepEqual(held.parts!.loaded, [false, false, false, false, true]);
    assert.equal(nodeCount(held), 10, 'every node the run made, loaded or not');
    assert.equal(held.nodes.length, 2);
    // Inline values: the last pass's w = [5, 6] at its line, not an earlier one's.
    const values = inlineValues(held, FILE);
    assert.match(values.get(1)!.text, /^x = \[5, 6\]/);
    // The lens over the loop's backward: the Training view and the last pass, its steps counted.
    const lenses = lensResults(held, FILE, BACKWARD_LINE);
    assert.deepEqual(lenses.map((l) => l.title), ['5 passes · loss 1 → 0.2 · Training view', 'step through the last (1 step)']);
    assert.deepEqual(problemsOf(held), [], 'nothing to report, and nothing thrown by nodes not loaded');
  });

  test('a pass not loaded is counted from its summary and said to be not loaded, never "no variable reached"', () => {
    const { trace: held } = open();
    const first = held.backwardPasses[0]!;
    assert.equal(first.steps.length, 0);
    assert.equal(stepCount(held, first), 1, 'from its summary');
    const alone = { ...held, backwardPasses: [first] };
    assert.deepEqual(lensResults(alone, FILE, BACKWARD_LINE).map((l) => l.title), [`gradients ${NOT_LOADED} · step through 1 step`]);
  });

  test('the inspector gets the record\'s trace as it is, then each part it asks for from the file', () => {
    const source = open();
    const server = PartServer.forSnapshot(source);
    assert.equal(server.held, source.trace, 'sent as it is held');
    assert.equal(server.partCount, 5);
    const served = partsOf(server.load([0, 1, 2, 3]));
    assert.deepEqual(served.map((part) => part.part), [0, 1, 2, 3]);
    assert.deepEqual(served[0]!.nodes.map((n) => n.value.data), [[1, 2], [1, 4]], 'part 0 as the file holds it');
    assert.equal(server.held.parts, undefined, 'now the inspector holds it whole');
    assert.deepEqual(plain(server.held.nodes), plain(trace.nodes));
  });

  test('a selection of a pass not loaded brings its parts up front, read from the file', () => {
    const source = open();
    const server = PartServer.forSnapshot(source, { selection: { kind: 'pass', id: 1 } });
    assert.deepEqual(server.held.parts!.loaded, [false, true, false, false, true]);
    assert.deepEqual(source.trace.parts!.loaded, [false, false, false, false, true], 'the record\'s own trace is left as it was');
  });

  test('a file changed or removed since it was opened: parts/failed, saying so in words', () => {
    const source = open();
    const server = PartServer.forSnapshot(source);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path, later, later);
    assert.deepEqual(server.load([0]), { kind: 'reply', message: { type: 'parts/failed', parts: [0], problem: 'train.ts.gradlens.json changed since it was opened: open it again' } });
    rmSync(path);
    assert.deepEqual(server.load([1, 0]), { kind: 'reply', message: { type: 'parts/failed', parts: [1, 0], problem: 'train.ts.gradlens.json was removed since it was opened: open it again' } });
    assert.deepEqual(server.held.parts!.loaded, [false, false, false, false, true], 'nothing was added');
  });

  test('a small file is read whole, as before', () => {
    const opened = openTrace(path);
    assert.ok(opened.ok);
    assert.equal(opened.fileParts, undefined);
    assert.equal(opened.trace.parts, undefined);
    assert.equal(opened.trace.nodes.length, 10);
  });
});
