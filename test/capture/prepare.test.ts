// A run a debugger starts (capture/prepare.ts): prepared, its process started by someone else from
// the Node launch it gives — no fd 3, the journal found by its path — and finished afterwards.
// Its trace is the one runProgram makes of the same program with the same seed; how the process
// ended comes from the journal; nothing of the run is left behind.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { prepareRun, runProgram, type PreparedRun, type RunResult } from '../../capture/runner';
import type { Trace } from '../../protocol/trace';
import { distDir, fixture, normaliseTrace, SEED_EXAMPLE } from '../trace-helpers';

/** Prepares `file` for a debugger: the prepared run, or a failure with the result that says why. */
async function prepared(file: string, seed = 1): Promise<PreparedRun> {
  const prepared = await prepareRun({ file, capture: true, distDir, seed }, 'path');
  assert.ok(prepared.ok, prepared.ok ? '' : prepared.result.error?.message);
  return prepared.run;
}

/** Starts the launch as a debugger would (stdio only, the environment given), optionally killing it; resolves at its exit. */
function startAsDebugger(run: PreparedRun, kill = false): Promise<{ stdout: string; code: number | null }> {
  const { launch } = run;
  const child = spawn(launch.runtimeExecutable, [...launch.runtimeArgs, launch.program, ...launch.args], {
    cwd: launch.cwd, env: { ...process.env, ...launch.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; run.stdout(chunk); });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => run.stderr(chunk));
  if (kill) child.stdout.once('data', () => child.kill('SIGKILL'));
  return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, code })));
}

/** The trace without what differs from run to run by its nature (times, the run's own fields). */
function recorded(trace: Trace): Omit<Trace, 'run'> & { seed: number } {
  const { run, ...rest } = normaliseTrace(trace);
  return { ...rest, seed: run.seed };
}

suite('a run a debugger starts', function () {
  this.timeout(60_000);

  test('its launch: the bundle with the preload and source maps, the configuration in a private file, the map naming the user\'s file', async () => {
    const run = await prepared(SEED_EXAMPLE);
    try {
      const { launch } = run;
      assert.equal(launch.journalFd, null, 'no fd to hand on: the preload opens the journal by its path');
      assert.ok(launch.runtimeArgs.includes('--enable-source-maps'));
      assert.equal(launch.runtimeArgs[launch.runtimeArgs.indexOf('--require') + 1], join(distDir, 'capture-child.js'));
      assert.equal(dirname(launch.program), launch.workDir);
      assert.equal(statSync(launch.workDir).mode & 0o777, 0o700);
      const configPath = launch.env.GRADLENS_CONFIG!;
      assert.equal(statSync(configPath).mode & 0o777, 0o600);
      const config = JSON.parse(readFileSync(configPath, 'utf8')) as { seed: number; capture: { journal: { path?: string; fd?: number } } };
      assert.equal(config.seed, 1);
      assert.equal(config.capture.journal.path, join(launch.workDir, 'journal'));
      const map = JSON.parse(readFileSync(launch.sourceMap, 'utf8')) as { sources: string[] };
      assert.ok(map.sources.map((source) => resolve(dirname(launch.sourceMap), source)).includes(SEED_EXAMPLE), map.sources.join(', '));
    } finally {
      run.discard();
      assert.equal(existsSync(run.launch.workDir), false, 'discarded: the folder is gone');
    }
  });

  test('its trace is runProgram\'s of the same program and seed; its exit code is the journal\'s; the folder is removed', async () => {
    const run = await prepared(SEED_EXAMPLE);
    const { stdout, code } = await startAsDebugger(run);
    assert.equal(code, 0);
    const result = run.finish();
    assert.equal(existsSync(run.launch.workDir), false);
    const direct = await runProgram({ file: SEED_EXAMPLE, capture: true, distDir, seed: 1 });
    assert.deepEqual(result.outcome, { kind: 'exited', code: 0 });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, stdout);
    assert.equal(result.stdout, direct.stdout);
    assert.ok(result.trace!.backwardPasses.length > 3, 'the seed example runs backward many times');
    assert.deepEqual(recorded(result.trace!), recorded(direct.trace!));
  });

  test('a program that throws: exit code 1 and its error at its line, as runProgram reports it', async () => {
    const run = await prepared(fixture('throws.ts'));
    await startAsDebugger(run);
    const result: RunResult = run.finish();
    const direct = await runProgram({ file: fixture('throws.ts'), capture: true, distDir, seed: 1 });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(result.outcome, direct.outcome);
    assert.deepEqual(result.error, direct.error);
    assert.ok(result.error?.source, 'the error has the user\'s line');
  });

  test('a process ended from outside before its end (the debugger\'s Stop) is a cancelled run, its trace up to there', async () => {
    const run = await prepared(fixture('hangs.ts'));
    const { code } = await startAsDebugger(run, true);
    assert.equal(code, null, 'killed');
    const result = run.finish();
    assert.deepEqual(result.outcome, { kind: 'cancelled', by: 'user' });
    assert.equal(result.cancelled, true);
    assert.equal(result.trace?.backwardPasses.length, 1, 'the trace up to where it was stopped');
    assert.equal(existsSync(run.launch.workDir), false);
  });
});
