// GradLens: New Example… (extension/examples.ts): the catalogue names real examples, each a program
// (it imports gradlens) whose local imports travel with it; placing one never overwrites a file.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeExample, STARTER_EXAMPLES, starterExample } from '../../extension/examples';
import { importsGradlens } from '../../extension/sites';
import { repoRoot } from '../trace-helpers';

// The build copies examples/<group>/*.ts into dist/starter/<group>/: the catalogue's paths are the same.
const starter = join(repoRoot, 'examples');

suite('extension: New Example…', () => {
  let folder: string;
  setup(() => { folder = mkdtempSync(join(tmpdir(), 'gradlens-examples-')); });
  teardown(() => rmSync(folder, { recursive: true, force: true }));

  test('the catalogue: the chapter first, then its exercises and d2l training loops; each file a program whose local imports come along', () => {
    assert.equal(STARTER_EXAMPLES[0]!.id, 'seed/autograd');
    assert.ok(STARTER_EXAMPLES.some((e) => e.id === 'd2l/mlp-implementation'), 'an MLP training loop');
    assert.equal(new Set(STARTER_EXAMPLES.map((e) => e.id)).size, STARTER_EXAMPLES.length);
    for (const example of STARTER_EXAMPLES) {
      assert.equal(example.files[0], `${example.id}.ts`);
      const text = readFileSync(join(starter, example.files[0]!), 'utf8');
      assert.ok(importsGradlens(text), example.id);
      const local = [...text.matchAll(/from '\.\/([^']+)'/g)].map((m) => `${example.id.split('/')[0]}/${m[1]}.ts`);
      for (const file of local) assert.ok(example.files.includes(file), `${example.id} imports ${file}`);
      if (example.id.startsWith('d2l/')) assert.ok(example.files.includes('d2l/LICENSE-SAMPLECODE'), 'the book\'s sample-code licence goes with its code');
    }
    assert.equal(starterExample('d2l/lenet')?.label, 'LeNet, a convolutional network (d2l 7.6)');
    for (const bad of ['../etc/passwd', 'seed/nope', 3, null, undefined, { id: 'seed/autograd' }]) assert.equal(starterExample(bad), null, String(bad));
  });

  test('placed in an empty folder: a chapter example beside the user\'s files, a d2l one in d2l/ with its library', () => {
    const seed = placeExample(starter, starterExample('seed/autograd')!, folder);
    assert.deepEqual(seed.map((p) => [p.target, p.present]), [[join(folder, 'autograd.ts'), false]]);
    const mlp = placeExample(starter, starterExample('d2l/mlp-implementation')!, folder);
    assert.deepEqual(mlp.map((p) => p.target), [join(folder, 'd2l', 'mlp-implementation.ts'), join(folder, 'd2l', 'd2l.ts'), join(folder, 'd2l', 'LICENSE-SAMPLECODE')]);
    assert.deepEqual(mlp.map((p) => p.source), [join(starter, 'd2l', 'mlp-implementation.ts'), join(starter, 'd2l', 'd2l.ts'), join(starter, 'd2l', 'LICENSE-SAMPLECODE')]);
  });

  test('the same example already there is left as it is; a different file of that name moves the example to name-2', () => {
    writeFileSync(join(folder, 'autograd.ts'), readFileSync(join(starter, 'seed', 'autograd.ts')));
    assert.deepEqual(placeExample(starter, starterExample('seed/autograd')!, folder).map((p) => [p.target, p.present]), [[join(folder, 'autograd.ts'), true]]);
    writeFileSync(join(folder, 'autograd.ts'), '// the user\'s own file\n');
    writeFileSync(join(folder, 'autograd-2.ts'), '// and another\n');
    assert.deepEqual(placeExample(starter, starterExample('seed/autograd')!, folder).map((p) => p.target), [join(folder, 'autograd-3.ts')]);
  });

  test('a d2l folder of the user\'s own (another d2l.ts) is not touched: the example goes to d2l-2/, whole', () => {
    mkdirSync(join(folder, 'd2l'));
    writeFileSync(join(folder, 'd2l', 'd2l.ts'), '// the user\'s helpers\n');
    const placed = placeExample(starter, starterExample('d2l/lenet')!, folder);
    assert.deepEqual(placed.map((p) => p.target), ['lenet.ts', 'd2l.ts', 'LICENSE-SAMPLECODE'].map((f) => join(folder, 'd2l-2', f)));
    // Another d2l example beside an earlier one shares its (unchanged) library.
    mkdirSync(join(folder, 'mine'));
    for (const p of placeExample(starter, starterExample('d2l/mlp-implementation')!, join(folder, 'mine'))) { mkdirSync(join(p.target, '..'), { recursive: true }); writeFileSync(p.target, readFileSync(p.source)); }
    const second = placeExample(starter, starterExample('d2l/lenet')!, join(folder, 'mine'));
    assert.deepEqual(second.map((p) => [p.target, p.present]), [[join(folder, 'mine', 'd2l', 'lenet.ts'), false], [join(folder, 'mine', 'd2l', 'd2l.ts'), true], [join(folder, 'mine', 'd2l', 'LICENSE-SAMPLECODE'), true]]);
  });

  test('the build ships every catalogue file (scripts/build.mjs copies examples/seed and examples/d2l into dist/starter)', () => {
    const build = readFileSync(join(repoRoot, 'scripts', 'build.mjs'), 'utf8');
    assert.match(build, /for \(const folder of \['seed', 'd2l'\]\)/);
    assert.match(build, /name\.endsWith\('\.ts'\) \|\| name === 'LICENSE-SAMPLECODE'/);
    assert.match(readFileSync(join(repoRoot, '.vscodeignore'), 'utf8'), /^!dist\/starter\/\*\*$/m);
  });
});
