// dist/engine.js is the engine as a library: CommonJS, no require() of anything (so it also runs
// in a browser through any bundler), with .d.ts types beside it.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';

const dist = resolve(__dirname, '..', '..');

suite('the engine library build', () => {
  test('dist/engine.js runs without Node: a fresh context with no require, no process', () => {
    const file = join(dist, 'engine.js');
    assert.ok(existsSync(file), `${file} is missing: build with \`node scripts/build.mjs engine\``);
    const source = readFileSync(file, 'utf8');
    assert.doesNotMatch(source, /\brequire\(/, 'the library requires nothing');
    const module = { exports: {} as Record<string, any> };
    runInNewContext(source, { module, exports: module.exports });
    const { np, autograd } = module.exports;
    const x = np.arange(4);
    x.attachGrad();
    const y = autograd.record(() => np.dot(x, x).mul(2));
    y.backward();
    assert.equal(String(x.grad), 'array([ 0.,  4.,  8., 12.])');
  });

  test('types are published beside it and hide the internals', () => {
    const types = join(dist, 'types', 'engine', 'index.d.ts');
    assert.ok(existsSync(types), `${types} is missing`);
    assert.match(readFileSync(types, 'utf8'), /export \{ np \} from '\.\/np'/);
    const ndarray = readFileSync(join(dist, 'types', 'engine', 'ndarray.d.ts'), 'utf8');
    assert.match(ndarray, /attachGrad\(gradReq\?: GradReq\): void;/);
    assert.doesNotMatch(ndarray, /_data/);
    // `main` will be the VS Code extension's entry; Node and bundlers resolve 'gradlens' through `exports`.
    const pkg = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as { exports: { '.': { types: string; default: string } } };
    assert.equal(resolve(dist, '..', pkg.exports['.'].default), join(dist, 'engine.js'));
    assert.equal(resolve(dist, '..', pkg.exports['.'].types), types);
  });
});
