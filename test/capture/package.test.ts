// `npm run package` (scripts/package.mjs): the .vsix for this machine, and one for another platform
// with that platform's esbuild binary — read back as a zip and checked file by file.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { repoRoot } from '../trace-helpers';

/** The entries of a zip file (name → uncompressed bytes), from its central directory. */
function readZip(file: string): Map<string, Buffer> {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, `${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function packageVsix(args: string[]): void {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
}

suite('packaging the extension', function () {
  this.timeout(180_000);
  let work: string;
  suiteSetup(() => { work = mkdtempSync(join(tmpdir(), 'gradlens-package-test-')); });
  suiteTeardown(() => rmSync(work, { recursive: true, force: true }));

  const common = (files: string[]) => {
    for (const file of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/capture-runner.js', 'extension/dist/capture-child.js',
      'extension/dist/engine.js', 'extension/dist/webview.js', 'extension/dist/webview.css', 'extension/dist/types/engine/index.d.ts',
      'extension/node_modules/esbuild/lib/main.js', 'extension/media/gradlens.png', 'extension/LICENSE.txt']) {
      assert.ok(files.includes(file), `${file} is in the package`);
    }
    for (const file of files) {
      assert.doesNotMatch(file, /\.map$|\.html$|\.ts$(?<!\.d\.ts)|^extension\/(engine|webview|test|bench|scripts|examples)\//, `${file} stays out of the package`);
    }
  };

  test('for this machine: the extension, its esbuild binary, no sources, tests or maps', () => {
    const out = join(work, 'here.vsix');
    packageVsix(['--out', out]);
    const files = [...readZip(out).keys()];
    common(files);
    const binaries = files.filter((f) => f.startsWith('extension/node_modules/@esbuild/'));
    assert.ok(binaries.some((f) => f.startsWith(`extension/node_modules/@esbuild/${process.platform}-${process.arch}/`)), binaries.join(', '));
  });

  test('for another platform (--target win32-x64): that platform\'s esbuild only, and the target in the manifest', () => {
    const out = join(work, 'windows.vsix');
    packageVsix(['--target', 'win32-x64', '--out', out]);
    const zip = readZip(out);
    const files = [...zip.keys()];
    common(files);
    assert.deepEqual(files.filter((f) => f.startsWith('extension/node_modules/@esbuild/') && !f.endsWith('.json') && !f.endsWith('.md')), ['extension/node_modules/@esbuild/win32-x64/esbuild.exe']);
    assert.match(zip.get('extension.vsixmanifest')!.toString('utf8'), /TargetPlatform="win32-x64"/);
    const manifest = JSON.parse(zip.get('extension/package.json')!.toString('utf8')) as { dependencies: Record<string, string>; main: string };
    assert.deepEqual(Object.keys(manifest.dependencies), ['esbuild']);
    assert.equal(manifest.main, './dist/extension.js');
  });

  test('an unknown target is refused with the list of targets', () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), '--target', 'plan9-x64'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /unknown target 'plan9-x64': one of win32-x64, win32-arm64, linux-x64/);
  });
});
