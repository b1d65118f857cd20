// The engine's kernel settings reach a program GradLens runs: GRADLENS_KERNELS and GRADLENS_THREADS
// are read by the preload before it removes the GRADLENS_ variables, and applied to the engine the
// program imports, traced or not; the program itself sees none of them.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { runProgram } from '../../capture/runner';

const distDir = resolve(__dirname, '..', '..');

const PROGRAM = `import { kernelInfo, np } from 'gradlens';
np.dot(np.ones([64, 64]), np.ones([64, 64]));
const info = kernelInfo();
console.log(JSON.stringify({ path: info.path, threads: info.threads, seen: Object.keys(process.env).filter((name) => name.startsWith('GRADLENS_')) }));
`;

suite('kernel settings in a run', function () {
  this.timeout(60_000);
  let dir = '';
  suiteSetup(() => { dir = mkdtempSync(join(os.tmpdir(), 'gradlens-kernels-')); });
  suiteTeardown(() => rmSync(dir, { recursive: true, force: true }));

  async function run(capture: boolean, env: Record<string, string | undefined>) {
    const file = join(dir, 'kernels.ts');
    writeFileSync(file, PROGRAM);
    const saved = { kernels: process.env.GRADLENS_KERNELS, threads: process.env.GRADLENS_THREADS };
    const set = (name: string, value: string | undefined) => { if (value === undefined) delete process.env[name]; else process.env[name] = value; };
    set('GRADLENS_KERNELS', env.GRADLENS_KERNELS);
    set('GRADLENS_THREADS', env.GRADLENS_THREADS);
    try {
      const result = await runProgram({ file, capture, distDir, seed: 1 });
      assert.equal(result.exitCode, 0, result.stderr);
      return JSON.parse(result.stdout) as { path: string; threads: number; seen: string[] };
    } finally {
      set('GRADLENS_KERNELS', saved.kernels);
      set('GRADLENS_THREADS', saved.threads);
    }
  }

  for (const capture of [false, true]) {
    test(`${capture ? 'traced' : 'untraced'}: GRADLENS_KERNELS=js and GRADLENS_THREADS=1 apply, and the program does not see them`, async () => {
      const told = await run(capture, { GRADLENS_KERNELS: 'js', GRADLENS_THREADS: '1' });
      assert.deepEqual(told, { path: 'js', threads: 1, seen: [] });
      const byDefault = await run(capture, { GRADLENS_KERNELS: undefined, GRADLENS_THREADS: undefined });
      assert.deepEqual(byDefault, { path: 'wasm', threads: Math.min(4, os.availableParallelism()), seen: [] });
    });
  }
});
