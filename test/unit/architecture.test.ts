// The engine stays independent: no VS Code, no extension or webview code, no npm packages, so the
// same code runs in Node and in a browser; the package has no runtime dependencies.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

suite('architecture', () => {
  test('engine/ imports only engine/ modules', () => {
    const engine = join(root, 'engine');
    const files = sources(engine);
    assert.ok(files.length > 10, `found ${files.length} engine files under ${engine}`);
    for (const file of files) {
      // Comments hold usage examples (`import { np } from 'gradlens'`): only code counts.
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]/g)) {
        const specifier = match[1] ?? match[2]!;
        assert.ok(specifier.startsWith('.'), `${relative(root, file)} imports the package '${specifier}'`);
        const target = resolve(dirname(file), specifier);
        assert.ok(target.startsWith(engine), `${relative(root, file)} imports ${specifier}, outside engine/`);
      }
      assert.doesNotMatch(text, /\brequire\s*\(/, `${relative(root, file)} uses require`);
    }
  });

  test('runtime dependencies are only what the capture needs: esbuild (bundling) and acorn (statement markers)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}).sort(), ['acorn', 'esbuild']);
  });

  test('extension/ and webview/ share only webview/protocol; the webview never imports the extension', () => {
    for (const file of [...sources(join(root, 'webview')), ...sources(join(root, 'extension'))]) {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const match of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        const specifier = match[1]!;
        if (!specifier.startsWith('.')) continue;
        const target = resolve(dirname(file), specifier);
        const inWebview = file.startsWith(join(root, 'webview'));
        if (inWebview) {
          assert.ok(!target.startsWith(join(root, 'extension')), `${relative(root, file)} imports the extension (${specifier})`);
        } else if (target.startsWith(join(root, 'webview'))) {
          assert.ok(target.startsWith(join(root, 'webview', 'protocol')), `${relative(root, file)} imports webview code other than the protocol (${specifier})`);
        }
      }
    }
  });
});
