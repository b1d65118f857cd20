// The trace so far of a run a debugger has paused (capture/liveJournal.ts, PreparedRun.pausedTrace):
// the fixtures make, at each `hold`, the call a debugger's evaluate makes in the paused frame, and
// wait while the test reads the trace. What it shows is what the program recorded up to that line —
// the open recording's nodes and no more, a backward pass's steps once it ran, also a pass the keep
// policy summarises — and the run's trace at its end is that of a run that never paused.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { prepareRun, runProgram, type PreparedRun } from '../../capture/runner';
import type { Trace } from '../../protocol/trace';
import { distDir, fixture, normaliseTrace } from '../trace-helpers';

interface Stop {
  tag: string;
  answer: number;
  trace: Trace;
  warnings: string[];
}

/** Runs the prepared program as a debugger would, reading the trace so far at each of its stops. */
function runWithStops(run: PreparedRun): Promise<{ stops: Stop[]; code: number | null }> {
  const { launch } = run;
  const child = spawn(launch.runtimeExecutable, [...launch.runtimeArgs, launch.program, ...launch.args], {
    cwd: launch.cwd, env: { ...process.env, ...launch.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stops: Stop[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    run.stdout(chunk);
    pending += chunk;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const match = /^paused (\S+) (-?\d+)$/.exec(pending.slice(0, end));
      pending = pending.slice(end + 1);
      if (!match) continue;
      const answer = Number(match[2]);
      const read = run.pausedTrace(answer, null);
      assert.ok(read, 'a run with capture has a trace so far');
      stops.push({ tag: match[1]!, answer, ...read });
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => run.stderr(chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ stops, code })));
}

async function prepared(file: string, options: { maxTraceMb?: number } = {}): Promise<PreparedRun> {
  const result = await prepareRun({ file, capture: true, distDir, seed: 3, ...options }, 'path');
  assert.ok(result.ok, result.ok ? '' : result.result.error?.message);
  assert.equal(result.run.pausable, true);
  return result.run;
}

const ops = (trace: Trace) => trace.nodes.map((node) => node.op);

suite('the trace so far of a paused run', function () {
  this.timeout(60_000);

  test('inside the recording: its nodes so far and no more; before backward: closed, no pass; after: the steps and x.grad = 18x', async () => {
    const run = await prepared(fixture('pauses.ts'));
    const { stops, code } = await runWithStops(run);
    const result = run.finish();
    assert.equal(code, 0);
    assert.deepEqual(stops.map((s) => s.tag), ['in-record', 'before-backward', 'after-backward']);
    const [inside, before, after] = stops.map((s) => s.trace);
    for (const stop of stops) {
      assert.deepEqual(stop.warnings, []);
      assert.deepEqual(stop.trace.run.paused, { source: null });
      assert.equal(stop.trace.run.outcome, undefined, 'it has not ended');
    }
    assert.deepEqual(ops(inside!), ['arange', 'constant', 'mul'], 'the line after `x.mul(3)`: the variable, the 3 and the product, nothing later');
    assert.equal(inside!.recordings.length, 1);
    assert.equal(inside!.recordings[0]!.closed, false, 'the recording is still open');
    assert.deepEqual(inside!.recordings[0]!.nodes, inside!.nodes.filter((node) => node.op === 'mul').map((node) => node.id));
    assert.equal(inside!.backwardPasses.length, 0);
    assert.deepEqual(ops(before!), ['arange', 'constant', 'mul', 'mul', 'sum']);
    assert.equal(before!.recordings[0]!.closed, true);
    assert.equal(before!.backwardPasses.length, 0, 'backward has not run yet');
    assert.equal(after!.backwardPasses.length, 1);
    const pass = after!.backwardPasses[0]!;
    assert.equal(pass.steps.length, 3, 'sum, mul, mul');
    assert.deepEqual(after!.nodes[0]!.grad?.data, [0, 18, 36, 54]);
    // At its end, the run's trace is that of a run without stops, and of the last stop with the end added.
    const direct = await runProgram({ file: fixture('pauses.ts'), capture: true, distDir, seed: 3 });
    assert.equal(direct.stdout, '', 'without a debugger the fixture does not stop');
    const { run: _run, ...final } = normaliseTrace(result.trace!);
    const { run: _direct, ...plain } = normaliseTrace(direct.trace!);
    assert.deepEqual(final, plain);
    const { run: _after, ...last } = normaliseTrace(after!);
    assert.deepEqual(last, final, 'nothing was recorded after the last stop');
  });

  test('a training loop whose passes are summarised: at each stop the pass that just ended is whole, with its steps', async () => {
    const run = await prepared(fixture('pauses-training.ts'), { maxTraceMb: 0.05 });
    const { stops, code } = await runWithStops(run);
    const result = run.finish();
    assert.equal(code, 0);
    assert.equal(stops.length, 12);
    const summarisedInTheEnd = result.trace!.backwardPasses.filter((pass) => pass.kept === false).map((pass) => pass.id);
    assert.ok(summarisedInTheEnd.length >= 6, `the budget summarises most passes: ${summarisedInTheEnd.join(', ')}`);
    for (const [k, stop] of stops.entries()) {
      const pass = stop.trace.backwardPasses[k];
      assert.ok(pass, `stop ${k}: pass ${k} is there`);
      assert.equal(pass.kept, true, `stop ${k}: the pass that just ended is shown whole`);
      assert.equal(pass.steps.length, 3, `stop ${k}: sum, relu, dot`);
      assert.equal(stop.trace.backwardPasses.length, k + 1);
      const w = stop.trace.nodes.filter((node) => node.kind === 'variable' && node.shape.join() === '64,64').at(-1)!;
      assert.deepEqual(w.grad?.shape, [64, 64], `stop ${k}: w has its gradient`);
    }
    // Answers name the pass whose summary the peek replaced once a pass is summarised and held.
    assert.ok(stops.some((stop) => stop.answer >= 0), stops.map((s) => s.answer).join(' '));
  });
});
