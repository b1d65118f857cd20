// Uncaught errors quote the program's own identifiers, not the bundler's renamed ones, in the
// trace, in `gradlens trace` and in `gradlens run` (stderr) alike.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { runProgram } from '../../capture/runner';
import { distDir, repoRoot, trace } from '../trace-helpers';

const PROGRAM = join(repoRoot, 'test', 'fixtures', 'capture', 'renamed.ts');

suite('the program\'s own names in errors', () => {
  test('traced: the trace\'s error and stderr say X.slice, at the line', async function () {
    this.timeout(30_000);
    const result = await trace(PROGRAM);
    assert.equal(result.exitCode, 1);
    assert.equal(result.trace.run.error?.message, 'X.slice is not a function');
    assert.equal(result.trace.run.error?.source?.line, 5);
    assert.match(result.stderr, /TypeError: X\.slice is not a function/);
    assert.doesNotMatch(result.stderr, /X2/);
  });

  test('run: stderr says X.slice, with the line and a caret as Node prints them', async function () {
    this.timeout(30_000);
    const result = await runProgram({ file: PROGRAM, capture: false, distDir, seed: 1, timeoutMs: 20_000 });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /renamed\.ts:5\n {2}return X\.slice\(i, i \+ 2\);\n {11}\^\n\nTypeError: X\.slice is not a function\n {4}at batch \(.*renamed\.ts:5:12\)/);
    assert.doesNotMatch(result.stderr, /X2/);
  });
});
