// Which processes belong to a run (processTree.ts), read from a process table; and how a run's end
// is told (outcome.ts). The real processes are the hostile-program suite's (test/capture/hostile).
import { strict as assert } from 'node:assert';
import { parseProcStat, parsePs, runMembers, type ProcessEntry, type ProcessProbe, type RunMarks } from '../../capture/processTree';
import { endAllRuns, untilDone } from '../../capture/cleanup';
import { exitStatus, outcomeOf, signalName } from '../../capture/outcome';
import type { Supervision } from '../../capture/supervise';

const entry = (pid: number, ppid: number, pgid: number, sid: number, startTime = 200, state = 'S'): ProcessEntry => ({ pid, ppid, pgid, sid, state, startTime });
const marks: RunMarks = { pid: 100, tag: '__GRADLENS_RUN_TAG=abc', handles: new Set(['socket:[7]']), startTime: 200 };
const probe = (tagged: number[], holders: number[]): ProcessProbe => ({
  hasTag: (pid) => tagged.includes(pid),
  holdsHandle: (pid) => holders.includes(pid),
});

suite('the processes of a run', () => {
  test('/proc/<pid>/stat: a command name with spaces and parentheses does not shift the fields', () => {
    const line = '4242 (node (worker) x) S 4200 4242 4242 0 -1 4194304 554 0 0 0 0 0 0 0 20 0 1 0 104820 92758016 4795';
    assert.deepEqual(parseProcStat(line), { pid: 4242, state: 'S', ppid: 4200, pgid: 4242, sid: 4242, startTime: 104820 });
    assert.deepEqual(parsePs('  41     1    41 Ss\n  42    41    41 R+\n'), [entry(41, 1, 41, -1, -1, 'Ss'), entry(42, 41, 41, -1, -1, 'R+')]);
  });

  test('the program, its group, its session and their descendants, however deep', () => {
    const table = [entry(100, 1, 100, 100), entry(101, 100, 100, 100), entry(102, 1, 102, 100), entry(103, 102, 103, 103), entry(104, 103, 104, 104), entry(7, 1, 7, 7, 50)];
    assert.deepEqual(runMembers(table, marks, null, 1).sort(), [100, 101, 102, 103, 104]);
  });

  test('a process that left the group with its parent gone: found by the run tag or by a pipe it holds', () => {
    const table = [entry(110, 1, 110, 110), entry(111, 1, 111, 111), entry(112, 111, 111, 111), entry(113, 1, 113, 113)];
    assert.deepEqual(runMembers(table, marks, probe([110], [111]), 1).sort(), [110, 111, 112]);
  });

  test('never: zombies, GradLens itself, processes older than the program, or a stranger who got the program\'s pid', () => {
    const table = [entry(100, 1, 100, 100, 200, 'Z'), entry(101, 100, 100, 100), entry(5, 1, 100, 100, 100), entry(9, 1, 9, 9)];
    assert.deepEqual(runMembers(table, marks, probe([9], []), 9), [101]);
    const reused = [entry(100, 1, 100, 100, 900), entry(120, 100, 100, 100, 901)];
    assert.deepEqual(runMembers(reused, marks, probe([], []), 1), [], 'pid 100 started after the program: it is not the program');
  });
});

const supervision = (over: Partial<Supervision>): Supervision => ({ code: null, signal: null, timedOut: false, cancelledBy: null, leftovers: [], ...over });
const ending = (over: Partial<Supervision>, extra: { stderr?: string; outOfArrayMemory?: boolean } = {}) => outcomeOf({
  supervision: supervision(over), timeoutMs: 2000, heapMb: 4096, arraysMb: 64, stderr: extra.stderr ?? '', outOfArrayMemory: extra.outOfArrayMemory ?? false,
});

suite('how a run ended', () => {
  test('each outcome, with its words where the program\'s own error does not say it', () => {
    assert.deepEqual(ending({ code: 3 }), { outcome: { kind: 'exited', code: 3 } });
    assert.deepEqual(ending({ code: null, signal: 'SIGKILL', timedOut: true }).outcome, { kind: 'timed-out', afterMs: 2000 });
    assert.equal(ending({ signal: 'SIGKILL', cancelledBy: 'SIGTERM' }).error?.message, 'the run was cancelled (gradlens received SIGTERM (15)) and the program was stopped');
    assert.deepEqual(ending({ code: 1 }, { outOfArrayMemory: true }), { outcome: { kind: 'out-of-memory', what: 'arrays', limitMb: 64 } });
    assert.deepEqual(ending({ signal: 'SIGABRT' }, { stderr: 'FATAL ERROR: Reached heap limit Allocation failed' }).outcome, { kind: 'out-of-memory', what: 'heap', limitMb: 4096 });
    assert.deepEqual(ending({ code: 0 }, { stderr: 'JavaScript heap out of memory' }).outcome, { kind: 'exited', code: 0 }, 'the words alone are only output');
    assert.deepEqual(ending({ signal: 'SIGSEGV' }), { outcome: { kind: 'killed', signal: 'SIGSEGV' }, error: { message: 'the program was killed by SIGSEGV (11): it crashed (segmentation fault)', stack: '', source: null, origin: 'process' } });
    assert.equal(ending({ spawnError: new Error('spawn /no/node ENOENT') }).error?.message, 'the program could not be started: spawn /no/node ENOENT');
    assert.equal(signalName('SIGUSR9'), 'SIGUSR9');
  });

  test('the exit status of gradlens: the program\'s code, 124, 128 + N', () => {
    assert.equal(exitStatus({ kind: 'exited', code: 3 }, 3), 3);
    assert.equal(exitStatus({ kind: 'timed-out', afterMs: 1 }, 124), 124);
    assert.equal(exitStatus({ kind: 'cancelled', by: 'SIGINT' }, null), 130);
    assert.equal(exitStatus({ kind: 'cancelled', by: 'SIGTERM' }, null), 143);
    assert.equal(exitStatus({ kind: 'killed', signal: 'SIGSEGV' }, null), 139);
    assert.equal(exitStatus({ kind: 'out-of-memory', what: 'arrays', limitMb: 64 }, 1), 1);
    assert.equal(exitStatus({ kind: 'did-not-start', reason: 'build' }, 1), 1);
  });
});

suite('runs end with their host', () => {
  test('endAllRuns runs each registered cleanup once; a run that finished is not cleaned again', () => {
    const ended: string[] = [];
    const finished = untilDone(() => ended.push('finished'));
    untilDone(() => ended.push('running'));
    untilDone(() => { throw new Error('a cleanup that fails'); });
    untilDone(() => ended.push('after the failure'));
    finished();
    endAllRuns();
    endAllRuns();
    assert.deepEqual(ended, ['running', 'after the failure']);
  });
});
