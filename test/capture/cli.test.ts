// The `gradlens` command as a user runs it: dist/cli.js in a child process.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../../capture/readTraceFile';
import type { BackwardPass, TraceNode } from '../../protocol/trace';
import { distDir, fixture, pageTrace, readWritten } from '../trace-helpers';
import { gradlens, markingProgram } from './cli-helpers';

/** Resolves once `check` holds (polled every few ms), or with false after `ms`. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return check();
}

suite('the gradlens command', function () {
  this.timeout(30_000);
  let work: string;
  setup(() => { work = mkdtempSync(join(tmpdir(), 'gradlens-cli-test-')); });
  teardown(() => rmSync(work, { recursive: true, force: true }));

  test('trace writes FILE.gradlens.json beside the file and prints a summary', () => {
    copyFileSync(fixture('loop.ts'), join(work, 'loop.ts'));
    const result = gradlens(['trace', 'loop.ts', '--seed', '3'], work);
    assert.equal(result.code, 0, result.stderr);
    const output = join(work, 'loop.ts.gradlens.json');
    assert.ok(existsSync(output));
    const trace = readWritten(output);
    assert.equal(trace.run.seed, 3);
    assert.match(result.stderr, /gradlens: traced loop\.ts in \d+ ms \(exited normally\)/);
    assert.match(result.stderr, /recordings {7}1\n {2}nodes {12}11 \(10 ops, 1 leaves\)\n {2}backward passes {2}1\n {2}graph breaks {5}0\n {2}anomalies {8}0/);
    assert.match(result.stderr, /final gradients:\n {2}x\.grad {2}\(loop\.ts:4\)\n {6}array\(0\.3527079\)/);
    assert.match(result.stderr, /trace written to loop\.ts\.gradlens\.json \(\d+\.\d KB\)/);
  });

  test('the summary is bounded however long the run: one entry per line that made variables, passes by line; --verbose prints them all', () => {
    const output = join(work, 'recreated.json');
    const result = gradlens(['trace', fixture('recreated.ts'), '-o', output, '--seed', '2']);
    assert.equal(result.code, 0, result.stderr);
    const summary = result.stderr;
    assert.match(summary, /backward passes by line:\n {2}\S*recreated\.ts:12 {2}×40 {2}loss [\d.e+-]+ → [\d.e+-]+\n/, summary);
    const finals = summary.slice(summary.indexOf('final gradients:'));
    // The first w (np.zeros, line 8) and the 39 made by the update (line 13): one entry each.
    assert.equal(finals.match(/\.grad {2}\(/g)?.length, 2, `one entry per line that made the arrays:\n${finals}`);
    assert.match(finals, /w\.grad {2}\(\S*recreated\.ts:8\)\n {6}shape \(300,\) float32: min/, 'a big gradient in one line of statistics');
    assert.match(finals, /w\.grad {2}\(\S*recreated\.ts:13\)\n {6}shape \(300,\) float32: min[^\n]*\n {6}‖∇‖ [\d.e+-]+ → [\d.e+-]+ over 39 passes \(39 arrays made at this line\)/, finals);
    assert.ok(summary.split('\n').length < 30, `bounded: ${summary.split('\n').length} lines`);
    const verbose = gradlens(['trace', fixture('recreated.ts'), '-o', output, '--seed', '2', '--verbose']);
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.equal(verbose.stderr.slice(verbose.stderr.indexOf('final gradients:')).match(/\.grad {2}\(/g)?.length, 40, 'every array');
    assert.ok(verbose.stderr.includes('array(['), 'gradients printed whole');
    assert.equal(gradlens(['trace', fixture('recreated.ts'), '--verbose=yes']).code, 2, '--verbose takes no value');
  });

  test('--keep numbers passes as the inspector does (#1 the first): --keep 12 keeps the twelfth; --keep 0 is refused', () => {
    const output = join(work, 'long.json');
    const result = gradlens(['trace', fixture('long-run.ts'), '-o', output, '--seed', '5', '--max-trace-mb', '1', '--keep', '12,30-31', '--', '40']);
    assert.equal(result.code, 0, result.stderr);
    const read = readTraceFile(output);
    assert.ok(read.ok, read.ok ? '' : read.problems.join('; '));
    const trace = read.trace;
    const kept = trace.backwardPasses.map((p, index) => (p.kept ? index + 1 : 0)).filter((n) => n > 0);
    for (const number of [12, 30, 31]) assert.ok(kept.includes(number), `#${number} kept (kept: ${kept.join(' ')})`);
    assert.ok(!kept.includes(13) && !kept.includes(29), `its neighbours were summarised (kept: ${kept.join(' ')})`);
    assert.deepEqual(trace.run.keep?.requested, [[11, 11], [29, 30]], 'the trace records ids (from 0)');
    assert.match(result.stderr, /\n {2}recordings {7}40 \(\d+ kept whole\)\n {2}nodes {12}\d+ \(\d+ ops, \d+ leaves\); [\d,]+ more of summarised passes left out\n/, 'what the summarised passes left out is counted');
    assert.match(result.stderr, /backward passes {2}40, \d+ kept whole \(the others summarised: statistics only; the 1 MB budget was reached at pass #\d+; --keep N keeps pass #N\)/, result.stderr);
    const spaced = gradlens(['trace', fixture('long-run.ts'), '-o', output, '--seed', '1', '--max-trace-mb', '8', '--', '60']);
    assert.match(spaced.stderr, /backward passes {2}60, \d+ kept whole \(every (4th|8th) pass, the first three and the last; the others summarised/, spaced.stderr);
    const huge = gradlens(['trace', fixture('long-run.ts'), '-o', output, '--max-trace-mb', '5000']);
    assert.equal(huge.code, 2);
    assert.match(huge.stderr, /--max-trace-mb: at most 4096 \(the run holds the kept passes' tensors in memory until it writes them\)/);
    const zero = gradlens(['trace', fixture('long-run.ts'), '-o', output, '--keep', '0']);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /--keep: passes are numbered from 1 \(#1 is the first\)/);
  });

  test('trace options: -o, --max-elements, --timeout; the exit code of a timeout is 124', () => {
    const output = join(work, 'out.json');
    const result = gradlens(['trace', fixture('hangs.ts'), '-o', output, '--timeout', '1', '--max-elements', '1']);
    assert.equal(result.code, 124);
    assert.match(result.stderr, /gradlens: the program ran longer than the 1 s timeout and was stopped/);
    const trace = readWritten(output);
    assert.equal(trace.run.timedOut, true);
    assert.equal(trace.run.maxElements, 1);
  });

  test('an esbuild that does not start is reported as such, with what to do', () => {
    const result = gradlens(['trace', fixture('loop.ts'), '-o', join(work, 'broken.json')], process.cwd(), { ...process.env, ESBUILD_BINARY_PATH: '/bin/false' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`esbuild, which bundles your program before it runs, did not work on this machine \\(${process.platform}-${process.arch}\\): .+\\. Reinstall GradLens for this platform`));
    const trace = readWritten(join(work, 'broken.json'));
    assert.equal(trace.run.error?.origin, 'build');
  });

  test('odd names: a file in folders with spaces, accents, #, % and & is named exactly in the trace, its error too', () => {
    const folder = join(work, 'odd dir ü #%&', 'sub (1)');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'my file é #2.ts');
    copyFileSync(fixture('loop.ts'), file);
    const result = gradlens(['trace', file, '-o', join(work, 'odd.json')]);
    assert.equal(result.code, 0, result.stderr);
    const trace = readWritten(join(work, 'odd.json'));
    const x = trace.nodes.find((n) => n.kind === 'variable')!;
    assert.deepEqual([x.source?.file, x.source?.line, x.source?.text], [file, 4, 'const x = np.array(1.5);']);
    assert.match(result.stderr, /x\.grad {2}\(.*my file é #2\.ts:4\)/);
    const throwing = join(folder, 'throws ö.ts');
    writeFileSync(throwing, "import { np } from 'gradlens';\nconst x = np.array([1]);\nthrow new Error('boom');\n");
    const failed = gradlens(['trace', throwing, '-o', join(work, 'odd-error.json')]);
    assert.equal(failed.code, 1);
    const error = readWritten(join(work, 'odd-error.json')).run.error!;
    assert.deepEqual([error.source?.file, error.source?.line], [throwing, 3]);
  });

  test('--gradcheck checks each backward pass on its recorded graph and leaves the program as it was', () => {
    const checked = join(work, 'checked.json');
    const result = gradlens(['trace', fixture('gradcheck.ts'), '-o', checked, '--seed', '5', '--gradcheck=3']);
    assert.equal(result.code, 0, result.stderr);
    const trace = readWritten(checked);
    const [first, second] = trace.backwardPasses as [BackwardPass, BackwardPass];
    assert.equal(first.gradcheck?.elements, 3);
    const byNode = new Map((first.gradcheck?.results ?? []).map((r) => [r.node, r]));
    const variable = (text: string) => trace.nodes.find((n: TraceNode) => n.source?.text.startsWith(text))!.id;
    assert.deepEqual(
      [variable('const w ='), variable('const b =')].map((id) => byNode.get(id)).map((r) => r && { ok: r.ok, checked: r.checked, size: r.size }),
      [{ ok: true, checked: 3, size: 12 }, { ok: true, checked: 3, size: 3 }],
    );
    // The second pass fails before it starts (the graph was freed): there is nothing to check.
    assert.match(second.error ?? '', /freed by an earlier backward pass/);
    assert.equal(second.gradcheck, undefined);
    assert.match(result.stderr, /gradient checks \(float64 central differences\):\n(?: {2}pass 1 .*\n)* {2}pass 1 \(.*gradcheck\.ts:14\) w: ✓ gradcheck: max \|Δ\| \S+ over 3 of 12 elements/);
    // The check draws no random numbers and touches no array of the program.
    const plain = gradlens(['trace', fixture('gradcheck.ts'), '-o', join(work, 'plain.json'), '--seed', '5']);
    assert.equal(plain.stdout, result.stdout);
    assert.match(plain.stdout, /after: -?\d/);
    const plainTrace = readWritten(join(work, 'plain.json'));
    assert.equal(plainTrace.backwardPasses[0].gradcheck, undefined);
    assert.deepEqual(plainTrace.backwardPasses[0].leafGrads, first.leafGrads);
  });

  test('--html writes the inspector as one self-contained page with the trace inside', () => {
    const page = join(work, 'page.html');
    const result = gradlens(['trace', fixture('loop.ts'), '-o', join(work, 'loop.json'), '--html', page]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /inspector written to .*page\.html \(\d+\.\d (KB|MB)\): open it in a browser/);
    const html = readFileSync(page, 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/i, 'nothing is loaded from elsewhere');
    assert.deepEqual(pageTrace(html).trace, readWritten(join(work, 'loop.json')), 'the page holds the trace the file does');
  });

  test('-o naming the program, a link to it or a file it imports is refused (exit 2) before it runs; the file is unchanged', () => {
    const { main, model, ran } = markingProgram(work);
    symlinkSync(main, join(work, 'link.ts'));
    linkSync(main, join(work, 'hard.ts'));
    const before = [readFileSync(main, 'utf8'), readFileSync(model, 'utf8')];
    const cases: [string[], RegExp][] = [
      [['-o', 'main.ts'], /^gradlens: -o .*main\.ts: is the program itself; writing there would overwrite it\n$/],
      [['-o', './link.ts'], /^gradlens: -o .*link\.ts: is the program itself/],
      [['-o', 'hard.ts'], /^gradlens: -o .*hard\.ts: is the program itself/],
      [['-o', join(work, 'model.ts')], /^gradlens: -o .*model\.ts: is one of the program's own files \(it imports it\); writing there would overwrite it\n/],
      [['-o', 'trace.json', '--html', 'model.ts'], /^gradlens: --html .*model\.ts: is one of the program's own files/],
      [['--html', 'main.ts'], /^gradlens: --html .*main\.ts: is the program itself/],
    ];
    for (const [options, message] of cases) {
      const result = gradlens(['trace', 'main.ts', ...options], work);
      assert.equal(result.code, 2, `${options.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, options.join(' '));
      assert.deepEqual([readFileSync(main, 'utf8'), readFileSync(model, 'utf8')], before, options.join(' '));
      assert.equal(existsSync(ran), false, `${options.join(' ')}: the program did not run`);
      assert.equal(result.stdout, '');
    }
    assert.equal(existsSync(join(work, 'trace.json')), false, 'no trace was written for a refused run');
  });

  test('-o into a missing folder, onto a folder, or --html and -o naming one file: refused (exit 2) before the program runs', () => {
    const { ran } = markingProgram(work);
    mkdirSync(join(work, 'traces'));
    const cases: [string[], RegExp][] = [
      [['-o', 'missing/trace.json'], /^gradlens: -o .*missing[\\/]trace\.json: no such folder; create it first\n$/],
      [['-o', 'traces'], /^gradlens: -o .*traces: is a folder; name a file to write\n$/],
      [['-o', 'main.ts/trace.json'], /^gradlens: -o .*trace\.json: .*main\.ts is not a folder\n$/],
      [['-o', 'same.json', '--html', './traces/../same.json'], /^gradlens: -o and --html name the same file, .*same\.json; give them different names\n$/],
      [['--html', 'nowhere/page.html'], /^gradlens: --html .*page\.html: no such folder; create it first\n$/],
    ];
    for (const [options, message] of cases) {
      const result = gradlens(['trace', 'main.ts', ...options], work);
      assert.equal(result.code, 2, `${options.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, options.join(' '));
      assert.equal(existsSync(ran), false, `${options.join(' ')}: the program did not run`);
    }
    assert.equal(existsSync(join(work, 'same.json')), false);
  });

  test('a trace that cannot be written: exit 74, the file and the cause named, the previous trace left as it was', () => {
    const target = join(work, 'trace.json');
    writeFileSync(target, 'the previous trace');
    // The program puts a folder where the CLI's partial file goes: the write fails after the run.
    writeFileSync(join(work, 'blocks.ts'), `import { mkdirSync } from 'node:fs';\nmkdirSync(${JSON.stringify(`${target}.partial`)});\n`);
    const result = gradlens(['trace', 'blocks.ts', '-o', target], work);
    assert.equal(result.code, 74, result.stderr);
    assert.match(result.stderr, /gradlens: traced blocks\.ts in \d+ ms \(exited normally\)/);
    assert.ok(result.stderr.includes(`gradlens: the trace was not written: cannot write ${target}: a folder is in the way (EISDIR, at ${target}.partial)`), result.stderr);
    assert.equal(readFileSync(target, 'utf8'), 'the previous trace');
  });

  test('killed while writing the trace: the previous trace is byte for byte intact, the .partial reads back as a truncated trace', async function () {
    this.timeout(60_000);
    const target = join(work, 'trace.json');
    assert.equal(gradlens(['trace', fixture('loop.ts'), '-o', target]).code, 0);
    const previous = readFileSync(target);
    // About 40 MB of trace: ten ops on 100,000 elements, each value, gradient and step kept whole.
    writeFileSync(join(work, 'big.ts'), [
      "import { np, autograd } from 'gradlens';",
      'const x = np.random.normal(0, 1, [100000]);',
      'x.attachGrad();',
      'const y = autograd.record(() => { let h = x; for (let i = 0; i < 10; i++) h = h.mul(1.0001); return h.sum(); });',
      'y.backward();',
    ].join('\n'));
    const child = spawn(process.execPath, [join(distDir, 'cli.js'), 'trace', 'big.ts', '-o', target, '--max-elements', '100000'], { cwd: work, stdio: 'ignore' });
    // On a busy machine the polling below must not lose the race to the writer.
    try { setPriority(child.pid!, 19); } catch { /* not permitted here: the margin is still ~38 MB of writing */ }
    let exit: { code: number | null; signal: string | null } | null = null;
    const exited = new Promise<void>((resolve) => child.on('exit', (code, signal) => { exit = { code, signal }; resolve(); }));
    const partial = `${target}.partial`;
    const size = () => { try { return statSync(partial).size; } catch { return -1; } };
    // Past the run and into the nodes: a couple of chunks are on disk.
    const caught = await until(() => exit !== null || size() >= 2 * 2 ** 20, 40_000);
    child.kill('SIGKILL');
    await exited;
    assert.ok(caught, 'the CLI wrote a .partial file');
    assert.deepEqual(exit, { code: null, signal: 'SIGKILL' }, `the CLI was killed while writing (${size()} bytes of .partial)`);
    assert.ok(readFileSync(target).equals(previous), 'the previous trace is unchanged');
    const read = readTraceFile(partial);
    assert.ok(read.ok, read.ok ? '' : read.problems.join('; '));
    assert.ok(read.truncated, 'the partial trace says it was cut');
    assert.match(read.truncated.note, /^this is the partial trace of an interrupted write; the file ends inside the kept passes' nodes and tensors: [\d,]+ nodes? (was|were) read; nothing else is missing$/);
    assert.ok(read.trace.nodes.length >= 1, `${read.trace.nodes.length} nodes`);
    assert.match(read.trace.run.file, /big\.ts$/);
  });

  test('run streams the output and passes on the exit code and the arguments', () => {
    const result = gradlens(['run', fixture('exit-code.ts'), '--', 'x', '--flag']);
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '1 x,--flag\n');
  });

  test('a syntax error is printed with file:line:column, exit code 1', () => {
    const result = gradlens(['run', fixture('syntax-error.ts')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /syntax-error\.ts:4:17: error: Unexpected ";"\n {4}const y = x\.mul\(;\n {20}\^/);
  });

  test('usage errors exit 2 with the usage; --help and --version exit 0', () => {
    for (const args of [['frobnicate'], ['trace'], ['trace', 'a.ts', '--timeout', '-1'], ['trace', 'a.ts', '--bogus'], ['run', 'a.ts', 'extra'],
      ['trace', 'a.ts', '--max-memory-mb', '0'], ['run', 'a.ts', '--max-memory-mb', 'lots']]) {
      const result = gradlens(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /^gradlens: .+\nusage:/);
    }
    assert.match(gradlens(['--help']).stdout, /gradlens trace FILE \[options\]/);
    assert.match(gradlens(['--help']).stdout, /exit status: the program's own; 124 when it timed out; 128\+N/);
    assert.equal(gradlens(['--version']).stdout, 'gradlens 0.1.0\n');
  });
});
