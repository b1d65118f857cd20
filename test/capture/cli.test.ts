// The `gradlens` command as a user runs it: dist/cli.js in a child process.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackwardPass, Trace, TraceNode } from '../../webview/protocol/trace';
import { assertValidTrace, distDir, fixture } from '../trace-helpers';

function gradlens(args: string[], cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [join(distDir, 'cli.js'), ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
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
    const trace = JSON.parse(readFileSync(output, 'utf8'));
    assertValidTrace(trace);
    assert.equal(trace.run.seed, 3);
    assert.match(result.stderr, /gradlens: traced loop\.ts in \d+ ms \(exit code 0\)/);
    assert.match(result.stderr, /recordings {7}1\n {2}nodes {12}11 \(10 ops, 1 leaves\)\n {2}backward passes {2}1\n {2}graph breaks {5}0\n {2}anomalies {8}0/);
    assert.match(result.stderr, /final gradients:\n {2}x\.grad {2}\(loop\.ts:4\)\n {6}array\(0\.3527079\)/);
    assert.match(result.stderr, /trace written to loop\.ts\.gradlens\.json \(\d+\.\d KB\)/);
  });

  test('trace options: -o, --max-elements, --timeout; the exit code of a timeout is 124', () => {
    const output = join(work, 'out.json');
    const result = gradlens(['trace', fixture('hangs.ts'), '-o', output, '--timeout', '1', '--max-elements', '1']);
    assert.equal(result.code, 124);
    assert.match(result.stderr, /gradlens: the program ran longer than the 1 s timeout and was stopped/);
    const trace = JSON.parse(readFileSync(output, 'utf8'));
    assert.equal(trace.run.timedOut, true);
    assert.equal(trace.run.maxElements, 1);
  });

  test('an esbuild that does not start is reported as such, with what to do', () => {
    const result = gradlens(['trace', fixture('loop.ts'), '-o', join(work, 'broken.json')], process.cwd(), { ...process.env, ESBUILD_BINARY_PATH: '/bin/false' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`esbuild, which bundles your program before it runs, did not work on this machine \\(${process.platform}-${process.arch}\\): .+\\. Reinstall GradLens for this platform`));
    const trace = JSON.parse(readFileSync(join(work, 'broken.json'), 'utf8')) as Trace;
    assert.equal(trace.run.error?.origin, 'build');
  });

  test('odd names: a file in folders with spaces, accents, #, % and & is named exactly in the trace, its error too', () => {
    const folder = join(work, 'odd dir ü #%&', 'sub (1)');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'my file é #2.ts');
    copyFileSync(fixture('loop.ts'), file);
    const result = gradlens(['trace', file, '-o', join(work, 'odd.json')]);
    assert.equal(result.code, 0, result.stderr);
    const trace = JSON.parse(readFileSync(join(work, 'odd.json'), 'utf8')) as Trace;
    const x = trace.nodes.find((n) => n.kind === 'variable')!;
    assert.deepEqual([x.source?.file, x.source?.line, x.source?.text], [file, 4, 'const x = np.array(1.5);']);
    assert.match(result.stderr, /x\.grad {2}\(.*my file é #2\.ts:4\)/);
    const throwing = join(folder, 'throws ö.ts');
    writeFileSync(throwing, "import { np } from 'gradlens';\nconst x = np.array([1]);\nthrow new Error('boom');\n");
    const failed = gradlens(['trace', throwing, '-o', join(work, 'odd-error.json')]);
    assert.equal(failed.code, 1);
    const error = (JSON.parse(readFileSync(join(work, 'odd-error.json'), 'utf8')) as Trace).run.error!;
    assert.deepEqual([error.source?.file, error.source?.line], [throwing, 3]);
  });

  test('--gradcheck checks each backward pass on its recorded graph and leaves the program as it was', () => {
    const checked = join(work, 'checked.json');
    const result = gradlens(['trace', fixture('gradcheck.ts'), '-o', checked, '--seed', '5', '--gradcheck=3']);
    assert.equal(result.code, 0, result.stderr);
    const trace = JSON.parse(readFileSync(checked, 'utf8'));
    assertValidTrace(trace);
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
    const plainTrace = JSON.parse(readFileSync(join(work, 'plain.json'), 'utf8'));
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
    const embedded = /<script id="gradlens-trace" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(embedded, 'the trace is embedded');
    assertValidTrace(JSON.parse(embedded[1]!));
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
