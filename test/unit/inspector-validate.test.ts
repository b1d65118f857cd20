// Checking what arrived before drawing it (protocol/validate.ts): a valid trace passes
// (hand-built and real); every field of every record is checked, with a message naming its path;
// every id a trace names must exist, node ids increase and inputs are earlier nodes (no cycles);
// a trace cut short keeps what it has, without the references to what it lost.
import { strict as assert } from 'node:assert';
import { syntheticTrace } from '../../bench/synthetic-trace';
import { droppedRecords } from '../../protocol/prune';
import { indexTrace } from '../../protocol/query/indexTrace';
import { validateTrace } from '../../protocol/validate';
import { backwardFrame } from '../../webview/model/stepper';
import type { Trace } from '../../protocol/trace';
import { assertValidTrace, seedFixture } from '../trace-helpers';
import { chapterTrace, diamondTrace, seedTrace } from './trace-builder';

type Json = Record<string, any>;

/** The format and version of the golden trace: what this inspector reads. */
const { format, version } = seedFixture();

/** A deep copy of the chapter trace as plain JSON, to break. */
function chapterJson(): Json {
  return JSON.parse(JSON.stringify(chapterTrace())) as Json;
}

function problemsOf(value: unknown): string[] {
  const result = validateTrace(value);
  assert.equal(result.ok, false, 'the value is refused');
  return result.ok ? [] : result.problems;
}

/** The problems of the chapter trace after `edit`. */
function problemsAfter(edit: (t: Json) => void): string[] {
  const t = chapterJson();
  edit(t);
  return problemsOf(t);
}

suite('inspector validate', () => {
  test('the hand-built traces match the JSON Schema (the builder makes real traces)', () => {
    for (const t of [chapterTrace(), diamondTrace()]) assertValidTrace(JSON.parse(JSON.stringify(t)));
  });

  test('a valid trace passes and is returned as is, its node index kept', () => {
    const t = chapterTrace();
    const result = validateTrace(t);
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.trace, t);
    assert.equal(indexTrace(t).nodes.get(3)?.op, 'mul');
    assert.equal(indexTrace(t).nodes.size, 4);
  });

  test('the seed trace, through JSON, passes', async () => {
    const t = JSON.parse(JSON.stringify(await seedTrace())) as Trace;
    const result = validateTrace(t);
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  });

  test('a synthetic trace of 20,000 nodes passes, and one with ids out of order does not', () => {
    const t = JSON.parse(JSON.stringify(syntheticTrace(20_000))) as Json;
    assert.equal(validateTrace(t).ok, true);
    [t.nodes[5], t.nodes[6]] = [t.nodes[6], t.nodes[5]];
    assert.deepEqual(problemsOf(t).slice(0, 1), ['nodes[6].id is 5, expected more than the id before it (6): node ids increase along the list, each once']);
  });

  test('text that was not JSON (the host reports { unreadable })', () => {
    assert.deepEqual(problemsOf({ unreadable: 'Unexpected token } in JSON at position 12' }), ['the trace is not valid JSON: Unexpected token } in JSON at position 12']);
    assert.deepEqual(problemsOf({ unreadable: 'Unexpected token \'x\', "[a](command:x)" is not valid JSON' }), ['the trace is not valid JSON: Unexpected token \'x\', "\\u005Ba\\u005D(command:x)" is not valid JSON']);
  });

  test('not a JSON object: null, a string, a number, a list', () => {
    for (const value of [null, undefined, 'gradlens-trace', 42, [chapterTrace()]]) {
      assert.deepEqual(problemsOf(value), ['the trace is not a JSON object'], JSON.stringify(value));
    }
  });

  test('the wrong format says what it got and what it expected', () => {
    const t = chapterJson();
    t.format = 'chrome-trace';
    assert.deepEqual(problemsOf(t), [`"format" is "chrome-trace", expected "${format}" (is this a GradLens trace?)`]);
    delete t.format;
    assert.deepEqual(problemsOf(t), [`"format" is missing, expected "${format}" (is this a GradLens trace?)`]);
  });

  test('another version says which one this inspector reads: the golden trace\'s', () => {
    const reads = `this inspector reads versions 1, 2 and ${version} (a newer GradLens wrote it?)`;
    assert.deepEqual(problemsAfter((t) => { t.version = version + 1; }), [`"version" is ${version + 1}; ${reads}`]);
    assert.deepEqual(problemsAfter((t) => { t.version = String(version); }), [`"version" is "${version}"; ${reads}`]);
  });

  test('missing lists and a missing run are each named', () => {
    assert.deepEqual(problemsAfter((t) => { delete t.nodes; t.graphBreaks = {}; delete t.run; }),
      ['"nodes" is missing or not a list', '"graphBreaks" is missing or not a list', '"run" is missing or not an object']);
  });

  test('the cases of issue #9: headGrads null, contributions [null], leafGrads [null], run {}', () => {
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].headGrads = null; }), ['backwardPasses[0].headGrads is null, expected a list of tensors']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].steps[1].contributions = [null]; }),
      ['backwardPasses[0].steps[1].contributions[0] is null, expected a contribution {input, index, grad}']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].leafGrads = [null]; }), ['backwardPasses[0].leafGrads[0] is null, expected a leaf gradient {node, gradReq, grad}']);
    const run = problemsAfter((t) => { t.run = {}; });
    assert.deepEqual(run.slice(0, 3), ['run.file is missing, expected text', 'run.engineVersion is missing, expected text', 'run.startedAt is missing, expected text']);
    assert.equal(run.length, 11, run.join('\n'));
    assert.equal(run[10], 'and 1 more problem');
  });

  test('a node: every field, named by its path', () => {
    const problems = problemsAfter((t) => {
      Object.assign(t.nodes[1], { kind: 'leaf', op: '', attrs: [], dtype: 'float16', trainMode: 1, recording: 'yes', inGraph: null, gradReq: 'sometimes', iteration: -1, recordingId: 7 });
      t.nodes[1].source.line = 0;
      t.nodes[1].source.column = 2.5;
      t.nodes[1].source.text = null;
    });
    assert.deepEqual(problems, [
      "nodes[1].kind is \"leaf\", expected 'op', 'variable' or 'constant'",
      'nodes[1].op is "", expected the name of an op (text)',
      'nodes[1].attrs is an empty list, expected an object of attributes',
      'nodes[1].dtype is "float16", expected float32, float64, int32, int64 or bool',
      'nodes[1].trainMode is 1, expected true or false',
      'nodes[1].recording is "yes", expected true or false',
      'nodes[1].inGraph is null, expected true or false',
      "nodes[1].gradReq is \"sometimes\", expected 'write', 'add' or 'null'",
      'nodes[1].source.line is 0, expected a whole number ≥ 1',
      'nodes[1].source.column is 2.5, expected a whole number ≥ 1',
      'and 3 more problems',
    ]);
  });

  test('a tensor: shape of whole numbers, a dtype, data of trace numbers matching the shape, stats of numbers or null and counts', () => {
    const at = (edit: (value: Json) => void) => problemsAfter((t) => edit(t.nodes[0].value));
    assert.deepEqual(at((v) => { v.shape = [4, -1]; }), ['nodes[0].value.shape[1] is -1, expected a whole number ≥ 0']);
    assert.deepEqual(at((v) => { v.shape = [1.5]; }), ['nodes[0].value.shape[0] is 1.5, expected a whole number ≥ 0']);
    assert.deepEqual(at((v) => { v.shape = [2 ** 40, 2 ** 40]; }), ['nodes[0].value.shape has 1.2089258196146292e+24 elements, more than any array can hold']);
    assert.deepEqual(at((v) => { v.shape = new Array(65).fill(1); }), ['nodes[0].value.shape has 65 dimensions, expected at most 64']);
    assert.deepEqual(at((v) => { v.data = [0, 1, 'nan', 3]; }), ['nodes[0].value.data[2] is "nan", expected a number, "NaN", "Infinity" or "-Infinity"']);
    assert.deepEqual(at((v) => { v.data = [0, 1, 2]; }), ['nodes[0].value.data has 3 values, expected 4 (all the elements of its shape)']);
    assert.deepEqual(at((v) => { v.sample = [0]; }), ['nodes[0].value has both data and sample, expected one of them']);
    assert.deepEqual(at((v) => { v.stats.mean = 'NaN'; v.stats.zeros = 1.5; }), [
      'nodes[0].value.stats.mean is "NaN", expected a number or null', 'nodes[0].value.stats.zeros is 1.5, expected a whole number ≥ 0']);
    assert.deepEqual(at((v) => { v.stats = null; }), ['nodes[0].value.stats is null, expected stats {min, max, mean, std, l2, nan, inf, zeros}']);
    // NaN and infinities written as strings are fine; null stats are fine.
    assert.equal(validateTrace(((t) => { Object.assign(t.nodes[0].value, { data: ['NaN', 'Infinity', '-Infinity', 0] }); t.nodes[0].value.stats.min = null; return t; })(chapterJson())).ok, true);
  });

  test('attributes are plain JSON nested at most 32 levels deep', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    assert.deepEqual(problemsAfter((t) => { t.nodes[1].attrs = { axis: deep }; }), ['nodes[1].attrs.axis is nested more than 32 levels deep']);
    const cyclic: Json = {};
    cyclic.self = cyclic; // possible in a message from a host (structured clone keeps cycles)
    assert.deepEqual(problemsAfter((t) => { t.nodes[1].attrs = { p: cyclic }; }), ['nodes[1].attrs.p is nested more than 32 levels deep']);
    assert.deepEqual(problemsAfter((t) => { t.nodes[1].attrs = { n: 10n }; }), ['nodes[1].attrs.n is a bigint, expected a JSON value']);
  });

  test('references: ids increase, inputs are earlier nodes (no cycles), every id named exists', () => {
    assert.deepEqual(problemsAfter((t) => { t.nodes[3].inputs = [1, 99]; }), ["nodes[3].inputs[1] is 99, expected an earlier node (an op's inputs are made before it)"]);
    assert.deepEqual(problemsAfter((t) => { t.nodes[1].inputs = [1]; }), ["nodes[1].inputs[0] is 1, expected an earlier node (an op's inputs are made before it)"]);
    assert.deepEqual(problemsAfter((t) => { t.nodes[3].inputs = [1, '2']; }), ['nodes[3].inputs[1] is "2", expected a node id (a whole number ≥ 0)']);
    assert.deepEqual(problemsAfter((t) => { t.nodes[2].id = 1; }).slice(0, 1), ['nodes[2].id is 1, expected more than the id before it (1): node ids increase along the list, each once']);
    // A gap in the ids: node 2 is gone, and node 3 names it.
    assert.deepEqual(problemsAfter((t) => { t.nodes.splice(2, 1); }), ['nodes[2].inputs[1] is 2, which is not a node of the trace']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].heads = [42]; }), ['backwardPasses[0].heads[0] is 42, which is not a node of the trace']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].steps[0].node = 8; }), ['backwardPasses[0].steps[0].node is 8, which is not a node of the trace']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].leafGrads[0].node = -1; }), ['backwardPasses[0].leafGrads[0].node is -1, expected a node id (a whole number ≥ 0)']);
    assert.deepEqual(problemsAfter((t) => { t.recordings[0].outputs = [5]; }), ['recordings[0].outputs[0] is 5, which is not a node of the trace']);
    assert.deepEqual(problemsAfter((t) => { t.nodes[1].recordingId = 3; }), ['nodes[1].recordingId is 3, which is not a recording of the trace']);
    assert.deepEqual(problemsAfter((t) => { t.graphBreaks = [{ kind: 'detach', node: 1, from: 12, source: null, message: 'gradient stops here' }]; }), ['graphBreaks[0].from is 12, which is not a node of the trace']);
    assert.deepEqual(problemsAfter((t) => { t.anomalies = [{ kind: 'nan', phase: 'backward', node: 1, pass: 4, source: null, message: 'NaN', inputs: [] }]; }),
      ['anomalies[0].pass is 4, which is not a backward pass of the trace']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses.push({ ...t.backwardPasses[0] }); }), ['backwardPasses[1] has id 0, the same as an earlier backward pass: each has its own']);
  });

  test('a pass: heads, one head gradient and one flag per head, steps, leaf gradients, its numeric check', () => {
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].headGrads = []; }), ['backwardPasses[0].headGrads has 0 gradients for 1 heads, expected one per head']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].implicitHeadGrads = [true, false]; }), ['backwardPasses[0].implicitHeadGrads has 2 flags for 1 heads, expected one per head']);
    assert.deepEqual(problemsAfter((t) => { delete t.backwardPasses[0].steps; t.backwardPasses[0].kind = 'forward'; }), [
      "backwardPasses[0].kind is \"forward\", expected 'backward' or 'grad'", 'backwardPasses[0].steps is missing, expected a list of steps']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].steps[0].upstream = 1; }), ['backwardPasses[0].steps[0].upstream is 1, expected a tensor {shape, dtype, stats, and data or sample}']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].steps[1].contributions[1].index = 'b'; }), ['backwardPasses[0].steps[1].contributions[1].index is "b", expected the position of the input (a whole number ≥ 0)']);
    assert.deepEqual(problemsAfter((t) => { t.backwardPasses[0].error = 7; }), ['backwardPasses[0].error is 7, expected text (or no field)']);
    assert.deepEqual(problemsAfter((t) => {
      t.backwardPasses[0].gradcheck = { eps: 1e-6, atol: 1e-5, rtol: 1e-3, elements: 0, results: [{ node: 0, ok: 'yes', maxAbsError: 'big', maxRelError: 0, worstIndex: [0], analytic: 1, numeric: 1, checked: 4, size: 4 }], durationMs: 1 };
    }), [
      'backwardPasses[0].gradcheck.elements is 0, expected a whole number ≥ 1',
      'backwardPasses[0].gradcheck.results[0].ok is "yes", expected true or false',
      'backwardPasses[0].gradcheck.results[0].maxAbsError is "big", expected a number, "NaN", "Infinity" or "-Infinity"',
    ]);
  });

  test('the run: its fields, its error and how it ended', () => {
    assert.deepEqual(problemsAfter((t) => { t.run.argv = ['a', 1]; t.run.exitCode = 'zero'; t.run.durationMs = -1; }), [
      'run.argv is a list of 2, expected a list of texts', 'run.durationMs is -1, expected a duration in milliseconds', 'run.exitCode is "zero", expected an exit code or null']);
    assert.deepEqual(problemsAfter((t) => { t.run.error = { message: 'boom', stack: null, source: null, origin: 'elsewhere' }; }), [
      'run.error.stack is null, expected text', "run.error.origin is \"elsewhere\", expected 'program', 'build' or 'process'"]);
    assert.deepEqual(problemsAfter((t) => { t.run.outcome = { kind: 'exploded' }; }), ['run.outcome.kind is "exploded", expected exited, timed-out, cancelled, killed, out-of-memory or did-not-start']);
    assert.deepEqual(problemsAfter((t) => { t.run.outcome = { kind: 'out-of-memory', what: 'arrays', limitMb: '512' }; }), ['run.outcome.limitMb is "512", expected a size in MB']);
    for (const outcome of [{ kind: 'exited', code: 3 }, { kind: 'timed-out', afterMs: 30000 }, { kind: 'cancelled', by: 'SIGINT' }, { kind: 'killed', signal: 'SIGSEGV' },
      { kind: 'out-of-memory', what: 'heap', limitMb: 4096 }, { kind: 'did-not-start', reason: 'build' }]) {
      const t = chapterJson();
      t.run.outcome = outcome;
      assert.equal(validateTrace(t).ok, true, JSON.stringify(outcome));
    }
  });

  test('quoted values are short and show hidden characters as escapes', () => {
    const [problem] = problemsAfter((t) => { t.nodes[0].kind = `gnp\u202E.exe${'x'.repeat(100_000)}`; });
    assert.equal(problem, `nodes[0].kind is "gnp\\u202E.exe${'x'.repeat(32)}…" (100,008 characters), expected 'op', 'variable' or 'constant'`);
    // Text that is markup somewhere (a command link in a VS Code notification) is not quoted at all.
    const [link] = problemsAfter((t) => { t.format = '[Trust](command:workbench.action.terminal.new)'; });
    assert.equal(link, `"format" is a text of 46 characters, expected "${format}" (is this a GradLens trace?)`);
  });

  test('at most ten problems are listed, then how many more', () => {
    const t = chapterJson();
    t.nodes = Array.from({ length: 20 }, (_, i) => ({ id: i }));
    const problems = problemsOf(t);
    assert.equal(problems.length, 11);
    assert.match(problems[10]!, /^and \d+ more problems$/);
    assert.ok(Number(/\d+/.exec(problems[10]!)![0]) > 200, 'every field of every node is counted');
  });

  test('a pass whose steps are not steps is refused rather than crashing the stepper', () => {
    const t = chapterJson();
    t.backwardPasses[0].steps = [null, 'mul'];
    const result = validateTrace(t);
    if (result.ok) assert.doesNotThrow(() => backwardFrame(result.trace.backwardPasses[0]!, 2), 'validated, so the stepper must be able to read it');
    assert.deepEqual(result.ok ? [] : result.problems, [
      'backwardPasses[0].steps[0] is null, expected a step {node, upstream, contributions}', 'backwardPasses[0].steps[1] is "mul", expected a step {node, upstream, contributions}']);
  });

  test('a trace cut short keeps what it has: references to what it lost are dropped, not refused', () => {
    const t = chapterJson();
    t.truncated = { bytes: 1234, note: 'the file ends inside the nodes: later nodes and the backward passes after them are missing' };
    t.nodes.splice(1, 1); // dot (1) is lost: mul (3) names it, the pass steps through it, x's contribution came from it
    const result = validateTrace(t);
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
    const kept = result.trace;
    assert.notEqual(kept, t, 'a pruned copy');
    assert.deepEqual(kept.nodes.map((n) => n.id), [0, 2], 'mul is cut off with its input');
    assert.deepEqual(kept.backwardPasses[0]!.heads, []);
    assert.deepEqual(kept.backwardPasses[0]!.headGrads, []);
    assert.deepEqual(kept.backwardPasses[0]!.steps, []);
    assert.deepEqual(kept.backwardPasses[0]!.leafGrads.map((l) => l.node), [0]);
    assert.deepEqual(kept.recordings[0]!.nodes, []);
    assert.ok(droppedRecords(kept) >= 5, `counted: ${droppedRecords(kept)}`);
    assert.equal(kept.truncated?.bytes, 1234);
    assert.equal(t.nodes.length, 3, 'the original is untouched');
    // A cycle is not something a cut makes: still refused.
    t.nodes[0].inputs = [0];
    assert.equal(validateTrace(t).ok, false);
  });

  test('a note of the cut must itself be a note', () => {
    assert.deepEqual(problemsAfter((t) => { t.truncated = { bytes: -5 }; }), ['truncated.bytes is -5, expected a whole number ≥ 0', 'truncated.note is missing, expected text']);
  });
});
