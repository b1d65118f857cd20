// Programs that go wrong still give a trace with everything recorded up to the failure, and a clear
// message that points at the cause.
import { strict as assert } from 'node:assert';
import { basename } from 'node:path';
import { decodeNumber, type Tensor } from '../../protocol/trace';
import { fixture, indexNodes, trace } from '../trace-helpers';

const values = (tensor: Tensor | undefined) => (tensor?.data ?? []).map(decodeNumber);

suite('capture when programs fail', function () {
  this.timeout(30_000);

  test('a program that throws: the graph so far, the error at its line, the output kept', async () => {
    const result = await trace(fixture('throws.ts'));
    assert.equal(result.exitCode, 1);
    const t = result.trace;
    assert.equal(t.recordings.length, 1);
    assert.equal(t.backwardPasses.length, 1);
    assert.deepEqual(values(t.backwardPasses[0]!.leafGrads[0]!.grad), [2, 4, 6]);
    assert.equal(t.run.error?.origin, 'program');
    assert.equal(t.run.error?.message, 'the model diverged');
    assert.equal(basename(t.run.error!.source!.file), 'throws.ts');
    assert.equal(t.run.error!.source!.line, 9);
    assert.equal(t.run.error!.source!.text, "throw new Error('the model diverged');");
    assert.equal(t.run.stdout, 'before the error\n');
    assert.match(t.run.stderr, /Error: the model diverged\n\s+at .*throws\.ts:9:7/);
  });

  test('an engine error inside record is mapped to the user\'s line, not the engine\'s', async () => {
    const t = (await trace(fixture('engine-error.ts'))).trace;
    assert.match(t.run.error!.message, /^dot: shapes \(4,\) and \(3,\) not aligned/);
    assert.equal(basename(t.run.error!.source!.file), 'engine-error.ts');
    assert.equal(t.run.error!.source!.line, 8);
    assert.equal(t.recordings[0]!.closed, true, 'the scope was left by the exception');
    assert.deepEqual(t.recordings[0]!.outputs, [], 'and returned nothing');
    assert.deepEqual(t.nodes.map((n) => n.op), ['ones', 'sum']);
  });

  test('a program that hangs is stopped at the timeout; the trace says so and keeps the graph', async () => {
    const started = Date.now();
    const result = await trace(fixture('hangs.ts'), { timeoutMs: 1500 });
    assert.ok(Date.now() - started < 10_000);
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, 124);
    const t = result.trace;
    assert.equal(t.run.timedOut, true);
    assert.equal(t.run.signal, 'SIGKILL');
    assert.match(t.run.error!.message, /ran longer than the 1\.5 s timeout and was stopped/);
    assert.deepEqual(t.run.outcome, { kind: 'timed-out', afterMs: 1500 });
    assert.equal(t.backwardPasses.length, 1, 'what was recorded before the hang is kept');
    assert.equal(t.run.stdout, 'spinning\n', 'and what it printed');
  });

  test('a syntax error reports esbuild\'s message with file:line:column and writes a trace', async () => {
    const result = await trace(fixture('syntax-error.ts'));
    assert.equal(result.exitCode, 1);
    assert.equal(result.buildProblems?.length, 1);
    const error = result.trace.run.error!;
    assert.equal(error.origin, 'build');
    assert.equal(error.message, 'Unexpected ";"');
    assert.equal(basename(error.source!.file), 'syntax-error.ts');
    assert.deepEqual([error.source!.line, error.source!.column], [4, 17]);
    assert.match(result.stderr, /syntax-error\.ts:4:17: error: Unexpected ";"/);
    assert.equal(result.trace.nodes.length, 0);
    assert.deepEqual(result.trace.run.outcome, { kind: 'did-not-start', reason: 'build' });
  });

  test('an import that cannot be resolved is a build error at the import', async () => {
    const result = await trace(fixture('missing-import.ts'));
    assert.match(result.trace.run.error!.message, /Could not resolve "\.\/no-such-module"/);
    assert.equal(result.trace.run.error!.source!.line, 2);
  });

  test('NaN/Inf in the forward pass: the op that produced it, not the ones passing it on', async () => {
    const t = (await trace(fixture('nan-forward.ts'))).trace;
    const nodes = indexNodes(t);
    const forward = t.anomalies.filter((a) => a.phase === 'forward');
    assert.equal(forward.length, 1);
    assert.equal(forward[0]!.kind, 'inf');
    assert.equal(nodes.get(forward[0]!.node)!.op, 'log');
    assert.equal(forward[0]!.source!.line, 7);
    assert.equal(forward[0]!.inputs[0]!.zeros, 1, 'the input stats show the zero that log met');
    assert.equal(forward[0]!.message, "'log' produced 1 −Infinity from finite inputs");
    const log = nodes.get(forward[0]!.node)!;
    assert.deepEqual(values(log.value).map(Math.fround), [0, -Infinity, Math.fround(Math.log(2))]);
  });

  test('NaN/Inf only in the backward pass: sqrt at 0', async () => {
    const t = (await trace(fixture('nan-backward.ts'))).trace;
    assert.equal(t.anomalies.filter((a) => a.phase === 'forward').length, 0);
    const [backward] = t.anomalies;
    assert.equal(backward!.phase, 'backward');
    assert.equal(backward!.kind, 'inf');
    assert.equal(backward!.pass, 0);
    assert.equal(indexNodes(t).get(backward!.node)!.op, 'sqrt');
    assert.equal(backward!.source!.line, 6);
    assert.deepEqual(values(t.backwardPasses[0]!.leafGrads[0]!.grad), [0.25, Infinity, 0.16666667], 'float32 values in their shortest digits');
  });

  test('a huge tensor keeps stats and a leading sample, not its data', async () => {
    const t = (await trace(fixture('huge.ts'), { maxElements: 100 })).trace;
    const x = t.nodes.find((n) => n.kind === 'variable')!;
    assert.deepEqual(x.shape, [100000]);
    assert.equal(x.value.data, undefined);
    assert.equal(x.value.sample!.length, 100);
    assert.deepEqual(x.value.sample!.slice(0, 3), [0, 0.001, 0.002]);
    assert.ok(Math.abs(x.value.stats.max! - 99.999) < 1e-3);
    assert.ok(Math.abs(x.value.stats.mean! - 49.9995) < 1e-3);
    assert.equal(x.value.stats.zeros, 1);
    assert.equal(t.run.maxElements, 100);
  });

  test('output flooding is kept up to the cap, and the trace says it was cut', async () => {
    const result = await trace(fixture('flood.ts'), { maxOutputBytes: 10_000 });
    assert.equal(result.exitCode, 0);
    assert.equal(result.trace.run.stdout.length, 10_000);
    assert.equal(result.trace.run.stdoutTruncated, true);
  });

  test('a crash (signal) and running out of memory get clear messages, never a hang', async () => {
    const crash = await trace(fixture('crash.ts'));
    assert.equal(crash.signal, 'SIGSEGV');
    assert.equal(crash.trace.run.error!.message, 'the program was killed by SIGSEGV (11): it crashed (segmentation fault)');
    assert.deepEqual(crash.trace.run.outcome, { kind: 'killed', signal: 'SIGSEGV' });
    assert.equal(crash.trace.run.stdout, 'about to crash\n');
    const oom = await trace(fixture('oom.ts'), { memoryMb: 64 });
    assert.notEqual(oom.exitCode, 0);
    assert.equal(oom.trace.run.error!.message, 'the program ran out of memory (its heap is limited to 64 MB) and was stopped');
    assert.deepEqual(oom.outcome, { kind: 'out-of-memory', what: 'heap', limitMb: 64 });
  });

  test('cancellation stops the program', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const result = await trace(fixture('hangs.ts'), { signal: controller.signal, timeoutMs: 20_000 });
    assert.equal(result.cancelled, true);
    assert.equal(result.trace.run.error!.message, 'the run was cancelled and the program was stopped');
    assert.deepEqual(result.trace.run.outcome, { kind: 'cancelled', by: 'user' });
  });

  test('a Node that cannot be started is reported as a run that did not start', async () => {
    const result = await trace(fixture('loop.ts'), { nodePath: '/no/such/node' });
    assert.deepEqual(result.trace.run.outcome, { kind: 'did-not-start', reason: 'spawn' });
    assert.equal(result.trace.run.error?.message, 'the program could not be started: spawn /no/such/node ENOENT');
  });

  test('a file that does not exist is reported, not thrown', async () => {
    const result = await trace(fixture('no-such-file.ts'));
    assert.equal(result.exitCode, 2);
    assert.match(result.trace.run.error!.message, /^no such file: .*no-such-file\.ts$/);
    assert.deepEqual(result.trace.run.outcome, { kind: 'did-not-start', reason: 'not-found' });
  });
});

suite('capture of ordinary programs', function () {
  this.timeout(30_000);

  test('CommonJS JavaScript with require of gradlens, a relative module and a built-in', async () => {
    const result = await trace(fixture('commonjs.js'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'commonjs.js 2 2 2\n');
    assert.deepEqual(values(result.trace.backwardPasses[0]!.leafGrads[0]!.grad), [2, 2, 2]);
  });

  test('an ES module with top-level await and import.meta.url of its own', async () => {
    const result = await trace(fixture('module.mjs'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'true 2 4\n');
  });

  test('exit codes and arguments are passed through', async () => {
    const result = await trace(fixture('exit-code.ts'), { args: ['a', 'b c'] });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, '1 a,b c\n');
    assert.deepEqual(result.trace.run.argv, ['a', 'b c']);
    assert.deepEqual(result.trace.run.outcome, { kind: 'exited', code: 3 });
  });

  test('arrays computed outside record or under pause are graph breaks at their lines', async () => {
    const t = (await trace(fixture('outside-record.ts'))).trace;
    const kinds = t.graphBreaks.map((b) => [b.kind, b.source?.line]);
    assert.deepEqual(kinds, [['outsideRecord', 6], ['paused', 8]]);
    assert.match(t.graphBreaks[0]!.message, /gradient stops here: this array was computed by 'mul' outside autograd\.record\(\)/);
    assert.match(t.graphBreaks[1]!.message, /inside autograd\.pause\(\)/);
    assert.deepEqual(values(t.backwardPasses[0]!.leafGrads[0]!.grad), [5, 10], 'only the recorded use of w counts');
  });

  test('a loop line gives one node per run with its iteration index', async () => {
    const t = (await trace(fixture('loop.ts'))).trace;
    const mul = t.nodes.filter((n) => n.op === 'mul');
    const tanh = t.nodes.filter((n) => n.op === 'tanh');
    assert.deepEqual(mul.map((n) => [n.source?.line, n.iteration]), [[9, 0], [9, 1], [9, 2], [9, 3], [9, 4]]);
    assert.deepEqual(tanh.map((n) => n.iteration), [0, 1, 2, 3, 4]);
    const pass = t.backwardPasses[0]!;
    assert.equal(pass.steps.length, 10);
    // x feeds every mul: its gradient is the sum of five contributions.
    const x = t.nodes.find((n) => n.kind === 'variable')!;
    const terms = pass.steps.flatMap((s) => s.contributions.filter((c) => c.input === x.id)).map((c) => values(c.grad)[0]!);
    assert.equal(terms.length, 6);
    const total = terms.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(total - values(pass.leafGrads[0]!.grad)[0]!) < 1e-6);
  });

  test('the same seed gives the same trace values', async () => {
    const a = (await trace(fixture('../../../examples/seed/exercise2-control-flow-vector.ts'), { seed: 5 })).trace;
    const b = (await trace(fixture('../../../examples/seed/exercise2-control-flow-vector.ts'), { seed: 5 })).trace;
    assert.deepEqual(a.nodes.map((n) => n.value), b.nodes.map((n) => n.value));
  });
});
