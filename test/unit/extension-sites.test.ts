// Where the "Compute gradient" lenses go (extension/sites.ts): calls of autograd.record, backward
// and autograd.grad in files that import gradlens, never inside comments or strings.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blankCommentsAndStrings, findSites, importsGradlens } from '../../extension/sites';
import { repoRoot } from '../trace-helpers';

suite('extension: call sites', () => {
  test('a file imports gradlens through import … from, a bare import, or require', () => {
    assert.ok(importsGradlens(`import { np, autograd } from 'gradlens';`));
    assert.ok(importsGradlens(`import * as gl from "gradlens"`));
    assert.ok(importsGradlens(`import 'gradlens';`));
    assert.ok(importsGradlens(`const { np } = require('gradlens');`));
    assert.ok(!importsGradlens(`import { np } from 'gradlens-extra';`));
    assert.ok(!importsGradlens(`import { autograd } from './autograd';`));
  });

  test('a file imports gradlens however it imports it (lenses, F5, the context keys); lookalikes do not', () => {
    for (const text of ["import { np } from 'gradlens';", 'import {np} from"gradlens"', "import 'gradlens';", "const { np } = require('gradlens');", "const g = await import('gradlens');", "export { np } from 'gradlens';"]) assert.equal(importsGradlens(text), true, text);
    for (const text of ["import { np } from 'gradlens-extra';", "import x from './gradlens';", "// gradlens", "const s = 'from gradlens';", "import { np } from '@gradlens/engine';"]) assert.equal(importsGradlens(text), false, text);
  });

  test('sites in order with 0-based lines and the column of the call\'s name', () => {
    const text = [
      "import { np, autograd } from 'gradlens';",
      'const x = np.arange(4);',
      'x.attachGrad();',
      'const y = autograd.record(() => np.dot(x, x).mul(2));',
      'y.backward();',
      'const [g] = autograd . grad([y], [x]);',
      'z.backward (np.ones(4));',
    ].join('\n');
    assert.deepEqual(findSites(text), [
      { kind: 'record', line: 3, column: 19 },
      { kind: 'backward', line: 4, column: 2 },
      { kind: 'grad', line: 5, column: 23 },
      { kind: 'backward', line: 6, column: 2 },
    ]);
  });

  test('nothing in comments, strings and templates; nothing without the import', () => {
    const text = [
      "import { autograd } from 'gradlens';",
      '// y.backward() in a comment',
      '/* autograd.record( in a block',
      '   comment */ const s = "y.backward()";',
      "const t = `autograd.grad(${'a'})`;",
      "const u = 'it\\'s y.backward()';",
      'y.backward();',
    ].join('\n');
    assert.deepEqual(findSites(text), [{ kind: 'backward', line: 6, column: 2 }]);
    assert.deepEqual(findSites('y.backward();\nautograd.record(() => 1);'), []);
  });

  test('blanking keeps every position and newline', () => {
    const text = 'a // c\n`x\ny` /* z\n*/ b "s"';
    const blank = blankCommentsAndStrings(text);
    assert.equal(blank.length, text.length);
    assert.deepEqual([...blank].map((c, i) => (c === '\n') === (text[i] === '\n')).every(Boolean), true);
    assert.equal(blank.replace(/\s+/g, ' ').trim(), 'a b', 'a template spans lines');
    assert.equal(blankCommentsAndStrings("f('x\ny.backward()").split('\n')[1], 'y.backward()', 'an unterminated string ends at its line');
  });

  test('the seed examples: a lens at every record and backward call, and at autograd.grad', () => {
    const seed = (name: string) => findSites(readFileSync(join(repoRoot, 'examples', 'seed', name), 'utf8'));
    const chapter = seed('autograd.ts');
    // Nine calls of autograd.record; line 3 names it in a comment.
    assert.deepEqual(chapter.filter((s) => s.kind === 'record').map((s) => s.line + 1), [17, 26, 32, 37, 46, 65, 81, 114, 122]);
    assert.equal(chapter.filter((s) => s.kind === 'backward').length, 10);
    assert.ok(seed('exercise5-second-derivative.ts').some((s) => s.kind === 'grad'));
  });
});
