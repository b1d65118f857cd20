// The `gradlens` command's conventions (issue 15): help and the version for each command on stdout,
// usage errors on stderr with a pointer to --help, a FILE that cannot be the program, signals.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distDir, fixture, readWritten, repoRoot } from '../trace-helpers';
import { gradlens, markingProgram } from './cli-helpers';
import { printedPids, survivors } from './processes';

/** Every file and folder under `folder`, relative to it, sorted. */
function listing(folder: string): string[] {
  return (readdirSync(folder, { recursive: true }) as string[]).sort();
}

const SYNOPSIS = {
  run: 'gradlens run FILE [--max-memory-mb N] [-- ARGS...]',
  trace: 'gradlens trace FILE [options] [-- ARGS...]',
  general: 'gradlens run|trace FILE [options] [-- ARGS...]',
};

/** A program that runs one backward pass, says so, then is killed by `signal` (argv), by itself or by a process it starts. */
const KILLED_PROGRAM = `import { spawnSync } from 'node:child_process';
import { np, autograd } from 'gradlens';
const x = np.array([1, 2, 3]);
x.attachGrad();
autograd.record(() => x.mul(x).sum()).backward();
console.log('backward ran');
const [signal, by] = process.argv.slice(2) as [NodeJS.Signals, string];
if (by === 'itself') process.kill(process.pid, signal);
else spawnSync(process.execPath, ['-e', \`process.kill(\${process.pid}, '\${signal}')\`]);
setTimeout(() => console.log('still running'), 10_000);
`;

/** A program that prints its pid, runs one backward pass, then prints a line every few ms for 20 s, on stdout or stderr (argv). */
const CHATTY_PROGRAM = `import { np, autograd } from 'gradlens';
console.log(JSON.stringify({ pids: [process.pid] }));
const x = np.array([1, 2, 3]);
x.attachGrad();
autograd.record(() => x.mul(x).sum()).backward();
const write = process.argv[2] === 'stderr' ? console.error : console.log;
const start = Date.now();
const timer = setInterval(() => { write('line '.repeat(50)); if (Date.now() - start > 20_000) clearInterval(timer); }, 2);
`;

suite('the gradlens command: conventions', function () {
  this.timeout(60_000);
  let work: string;
  setup(() => { work = mkdtempSync(join(tmpdir(), 'gradlens-cli-conventions-')); });
  teardown(() => rmSync(work, { recursive: true, force: true }));

  test('COMMAND --help, COMMAND -h and help COMMAND print that command\'s usage on stdout, exit 0, and run or write nothing', () => {
    const { ran } = markingProgram(work);
    const before = listing(work);
    const forms: ['run' | 'trace', string[]][] = [
      ['trace', ['trace', '--help']], ['trace', ['trace', '-h']], ['trace', ['help', 'trace']], ['trace', ['trace', 'main.ts', '--help']],
      ['trace', ['trace', 'main.ts', '-o', 'out.json', '--bogus', '-h']],
      ['run', ['run', '--help']], ['run', ['run', '-h']], ['run', ['help', 'run']], ['run', ['run', 'main.ts', '--help']],
    ];
    for (const [command, args] of forms) {
      const result = gradlens(args, work);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, '', args.join(' '));
      assert.ok(result.stdout.startsWith(`usage: ${SYNOPSIS[command]}\n`), `${args.join(' ')}:\n${result.stdout}`);
      assert.match(result.stdout, /\n {6}-h, --help {15}print this help and exit\n {6}--version {16}print the version and exit\nexit status: the program's own; /);
      assert.match(result.stdout, /\n {6}--max-memory-mb N {8}budget of the program's arrays/, 'both take --max-memory-mb');
      if (command === 'trace') {
        for (const option of ['-o, --output FILE', '--html FILE', '--timeout SECONDS', '--keep PASSES', '--max-trace-mb N', '--verbose']) assert.ok(result.stdout.includes(`\n      ${option} `), option);
        assert.match(result.stdout, /124 when it timed out/);
        assert.match(result.stdout, /74 when the trace or the page could not be written\n$/);
      } else {
        assert.doesNotMatch(result.stdout, /--html|--timeout|--keep|gradlens trace|124/, 'run\'s usage only');
        assert.match(result.stdout, /2 for a usage error or a FILE that is missing or a folder\n$/);
      }
      assert.deepEqual(listing(work), before, `${args.join(' ')}: nothing ran, nothing was written`);
    }
    assert.equal(existsSync(ran), false);
  });

  test('gradlens --help, -h, help and no arguments print both commands\' usage on stdout, exit 0', () => {
    for (const args of [['--help'], ['-h'], ['help'], []]) {
      const result = gradlens(args, work);
      assert.equal(result.code, 0, args.join(' '));
      assert.equal(result.stderr, '');
      assert.ok(result.stdout.startsWith(`usage:\n  ${SYNOPSIS.run}\n`), result.stdout);
      assert.ok(result.stdout.includes(`\n  ${SYNOPSIS.trace}\n`));
      assert.ok(result.stdout.includes('\n  gradlens help COMMAND | COMMAND --help\n'));
      assert.match(result.stdout, /\n {6}--max-trace-mb N {9}size budget/);
    }
    assert.deepEqual(listing(work), []);
  });

  test('--version, also after a command: the version on stdout, exit 0, nothing run; after -- it is the program\'s', () => {
    const { ran } = markingProgram(work);
    const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    for (const args of [['--version'], ['-v'], ['trace', '--version'], ['run', '--version'], ['trace', 'main.ts', '-o', 'out.json', '--version'], ['run', 'main.ts', '--version']]) {
      const result = gradlens(args, work);
      assert.deepEqual(result, { code: 0, stdout: `gradlens ${packageVersion}\n`, stderr: '' }, args.join(' '));
    }
    assert.equal(existsSync(ran), false, 'the program did not run');
    assert.equal(existsSync(join(work, 'out.json')), false);
    const passed = gradlens(['run', fixture('exit-code.ts'), '--', '--version', '--help']);
    assert.deepEqual([passed.code, passed.stdout], [3, '1 --version,--help\n'], 'the program got them');
  });

  test('usage errors: the message, the synopsis and a pointer to --help on stderr, exit 2, nothing run or written', () => {
    const { ran } = markingProgram(work);
    const before = listing(work);
    const cases: [string[], string, 'run' | 'trace' | null][] = [
      [['frobnicate'], "unknown command 'frobnicate' (the commands are run and trace)", null],
      [['--bogus'], "unknown option '--bogus'", null],
      [['help', 'frobnicate'], "help: unknown command 'frobnicate' (the commands are run and trace)", null],
      [['help', 'trace', 'main.ts'], "help: unexpected argument 'main.ts'", 'trace'],
      [['trace'], 'trace needs a FILE', 'trace'],
      [['run', '--max-memory-mb', '100'], 'run needs a FILE', 'run'],
      [['trace', '--bogus', 'main.ts'], "unknown option '--bogus'", 'trace'],
      [['trace', 'main.ts', '--epochs', '3'], "unknown option '--epochs' (the program's own arguments go after --)", 'trace'],
      [['run', 'main.ts', '--epochs'], "unknown option '--epochs' (the program's own arguments go after --)", 'run'],
      [['run', 'main.ts', '--html', 'page.html'], '--html is an option of trace, not of run', 'run'],
      [['run', 'main.ts', '-o', 'out.json'], '-o is an option of trace, not of run', 'run'],
      [['run', 'main.ts', 'extra'], "unexpected argument 'extra' (program arguments go after --)", 'run'],
      [['trace', 'main.ts', '-o'], '-o needs a file name', 'trace'],
      [['trace', 'main.ts', '--timeout', '0'], '--timeout needs a positive number of seconds, got 0', 'trace'],
      [['trace', 'main.ts', '--seed', 'x'], '--seed needs an integer ≥ 0, got x', 'trace'],
      [['trace', 'main.ts', '--max-elements'], '--max-elements needs an integer ≥ 0, got nothing', 'trace'],
      [['trace', 'main.ts', '--gradcheck=0'], '--gradcheck needs an integer ≥ 1, got 0', 'trace'],
      [['trace', 'main.ts', '--keep', '3-1'], '--keep: ', 'trace'],
      [['trace', 'main.ts', '--verbose=yes'], '--verbose takes no value', 'trace'],
      [['run', 'main.ts', '--max-memory-mb', 'lots'], '--max-memory-mb needs an integer ≥ 1, got lots', 'run'],
    ];
    for (const [args, message, command] of cases) {
      const result = gradlens(args, work);
      const pointer = command === null ? "see 'gradlens --help'" : `see 'gradlens ${command} --help'`;
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '', args.join(' '));
      const [first, ...hint] = result.stderr.split('\n');
      assert.ok(first!.startsWith(`gradlens: ${message}`), `${args.join(' ')}: ${result.stderr}`);
      if (!message.endsWith(' ')) assert.equal(first, `gradlens: ${message}`);
      assert.deepEqual(hint, [`usage: ${SYNOPSIS[command ?? 'general']}`, pointer, ''], `${args.join(' ')}: a short hint, not the whole usage`);
      assert.deepEqual(listing(work), before, `${args.join(' ')}: nothing was written`);
    }
    assert.equal(existsSync(ran), false, 'the program never ran');
  });

  test('a FILE that is missing or a folder: named on stderr, exit 2, nothing written, an earlier trace left as it was', () => {
    mkdirSync(join(work, 'models'));
    writeFileSync(join(work, 'missing.ts.gradlens.json'), 'the earlier trace');
    writeFileSync(join(work, 'out.json'), 'the earlier -o trace');
    const before = listing(work);
    const missing = `no such file: missing.ts (${join(work, 'missing.ts')})`;
    const folder = "models is a folder; name the program's file (.ts or .js)";
    const cases: [string[], string][] = [
      [['trace', 'missing.ts'], missing],
      [['trace', 'missing.ts', '-o', 'out.json', '--html', 'page.html'], missing],
      [['trace', '--seed', '1', 'missing.ts', '--', 'an', 'argument'], missing],
      [['run', 'missing.ts'], missing],
      [['trace', join(work, 'gone', 'missing.ts')], `no such file: ${join(work, 'gone', 'missing.ts')}`],
      [['trace', 'models'], folder],
      [['trace', 'models/'], "models/ is a folder; name the program's file (.ts or .js)"],
      [['trace', 'models', '-o', 'out.json'], folder],
      [['run', 'models'], folder],
    ];
    for (const [args, message] of cases) {
      const result = gradlens(args, work);
      assert.deepEqual(result, { code: 2, stdout: '', stderr: `gradlens: ${message}\n` }, args.join(' '));
      assert.deepEqual(listing(work), before, `${args.join(' ')}: nothing was written (no models.gradlens.json, no models/.gradlens.json, no page)`);
      assert.equal(readFileSync(join(work, 'missing.ts.gradlens.json'), 'utf8'), 'the earlier trace');
      assert.equal(readFileSync(join(work, 'out.json'), 'utf8'), 'the earlier -o trace');
    }
  });

  test('a program killed by a signal, by itself or by a process it started: exit 128+N for run and trace; the trace of what ran is written and names the signal', () => {
    writeFileSync(join(work, 'killed.ts'), KILLED_PROGRAM);
    const statuses = { SIGKILL: 137, SIGTERM: 143, SIGSEGV: 139 } as const;
    for (const [signal, status] of Object.entries(statuses)) {
      const number = status - 128;
      for (const by of ['itself', 'its child']) {
        const ran = gradlens(['run', 'killed.ts', '--', signal, by], work);
        assert.equal(ran.code, status, `run, ${signal} by ${by}: ${ran.stderr}`);
        assert.equal(ran.stdout, 'backward ran\n');
        assert.ok(ran.stderr.startsWith(`gradlens: the program was killed by ${signal} (${number})`), ran.stderr);

        const output = `${signal}-${by.replace(' ', '-')}.json`;
        const traced = gradlens(['trace', 'killed.ts', '-o', output, '--', signal, by], work);
        assert.equal(traced.code, status, `trace, ${signal} by ${by}: ${traced.stderr}`);
        assert.equal(traced.stdout, 'backward ran\n');
        assert.ok(traced.stderr.startsWith(`gradlens: the program was killed by ${signal} (${number})`), traced.stderr);
        assert.match(traced.stderr, new RegExp(`gradlens: traced killed\\.ts in \\d+ ms \\(killed by ${signal}\\)\n`));
        assert.ok(traced.stderr.includes(`trace written to ${output} (`), traced.stderr);
        const trace = readWritten(join(work, output));
        assert.deepEqual([trace.run.signal, trace.run.exitCode, trace.run.outcome], [signal, null, { kind: 'killed', signal }]);
        assert.equal(trace.backwardPasses.length, 1, 'what ran before the signal is in the trace');
        assert.ok(trace.nodes.some((node) => node.source?.text === 'autograd.record(() => x.mul(x).sum()).backward();'), 'its nodes too');
      }
    }
  });

  test('the reader of stdout exits (gradlens … | head): the program is stopped, exit 141, the trace still written; a closed stderr is ignored', async () => {
    writeFileSync(join(work, 'chatty.ts'), CHATTY_PROGRAM);
    /** gradlens ARGS with `stream` closed by its reader after the first chunk of output. */
    const closing = (args: string[], stream: 'stdout' | 'stderr') => new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const cli = spawn(process.execPath, [join(distDir, 'cli.js'), ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
      const text = { stdout: '', stderr: '' };
      cli.stdout.setEncoding('utf8').on('data', (chunk: string) => { text.stdout += chunk; if (stream === 'stdout') cli.stdout.destroy(); });
      cli.stderr.setEncoding('utf8').on('data', (chunk: string) => { text.stderr += chunk; });
      if (stream === 'stderr') cli.stderr.destroy();
      cli.once('exit', (code) => done({ code, ...text }));
    });
    for (const command of ['run', 'trace']) {
      const args = command === 'run' ? ['run', 'chatty.ts'] : ['trace', 'chatty.ts', '-o', 'closed.json'];
      const started = Date.now();
      const result = await closing(args, 'stdout');
      assert.equal(result.code, 141, `${command}: ${result.stderr}`);
      assert.ok(Date.now() - started < 15_000, 'the program did not run its 20 s');
      assert.ok(result.stderr.startsWith('gradlens: stdout was closed (its reader exited): the program was stopped\n'), result.stderr);
      assert.deepEqual(await survivors(printedPids(result.stdout)), [], `${command}: the program is gone`);
    }
    const trace = readWritten(join(work, 'closed.json'));
    assert.equal(trace.run.outcome?.kind, 'cancelled');
    assert.equal(trace.backwardPasses.length, 1, 'what ran is in the trace');

    const quiet = await closing(['trace', 'chatty.ts', '-o', 'quiet.json', '--timeout', '1', '--', 'stderr'], 'stderr');
    assert.equal(quiet.code, 124, 'the timeout, not a crash of gradlens on the closed stderr');
    assert.equal(readWritten(join(work, 'quiet.json')).run.timedOut, true);
  });
});
