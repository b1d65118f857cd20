// `npm run package` (scripts/package.mjs): the .vsix for this machine, and with --all one per
// platform VS Code publishes for, each with that platform's esbuild binary — read back as a zip and
// checked file by file, the binary by its executable header.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../trace-helpers';
import { executableHeader, readZip, type ZipEntry } from './vsix';

const script = join(repoRoot, 'scripts', 'package.mjs');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

/** Per target: where its esbuild binary is in the package, and what the binary's header must say. */
const TARGETS = {
  'win32-x64': { binary: '@esbuild/win32-x64/esbuild.exe', header: 'PE32+ x86-64' },
  'win32-arm64': { binary: '@esbuild/win32-arm64/esbuild.exe', header: 'PE32+ arm64' },
  'linux-x64': { binary: '@esbuild/linux-x64/bin/esbuild', header: 'ELF64 x86-64' },
  'linux-arm64': { binary: '@esbuild/linux-arm64/bin/esbuild', header: 'ELF64 aarch64' },
  'linux-armhf': { binary: '@esbuild/linux-arm/bin/esbuild', header: 'ELF32 ARM' },
  'alpine-x64': { binary: '@esbuild/linux-x64/bin/esbuild', header: 'ELF64 x86-64' },
  'alpine-arm64': { binary: '@esbuild/linux-arm64/bin/esbuild', header: 'ELF64 aarch64' },
  'darwin-x64': { binary: '@esbuild/darwin-x64/bin/esbuild', header: 'Mach-O 64 x86-64' },
  'darwin-arm64': { binary: '@esbuild/darwin-arm64/bin/esbuild', header: 'Mach-O 64 arm64' },
} as const;
type Target = keyof typeof TARGETS;

/** This machine's target as VS Code names it (musl: a Linux whose Node runs on no glibc). */
const musl = process.platform === 'linux' && !(process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
const hostTarget = `${musl ? 'alpine' : process.platform}-${process.platform === 'linux' && process.arch === 'arm' ? 'armhf' : process.arch}` as Target;

function packageVsix(args: string[]): string {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** What every package holds, and what none does. */
function assertExtensionFiles(files: string[]): void {
  for (const file of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/capture-runner.js', 'extension/dist/capture-child.js',
    'extension/dist/engine.js', 'extension/dist/webview.js', 'extension/dist/webview-later.js', 'extension/dist/webview.css', 'extension/dist/types/engine/index.d.ts',
    'extension/node_modules/esbuild/lib/main.js', 'extension/media/gradlens.png', 'extension/LICENSE.txt',
    // The trace's schema (jsonValidation), New Example…'s sources, the walkthrough's pictures, the tab icons, the changelog.
    'extension/dist/trace.schema.json', 'extension/dist/starter/seed/autograd.ts', 'extension/dist/starter/d2l/mlp-implementation.ts',
    'extension/dist/starter/d2l/d2l.ts', 'extension/dist/starter/d2l/LICENSE-SAMPLECODE', 'extension/media/walkthrough/example.png',
    'extension/media/gradlens-light.svg', 'extension/media/gradlens-dark.svg', 'extension/changelog.md', 'extension/readme.md']) {
    assert.ok(files.includes(file), `${file} is in the package`);
  }
  for (const file of files) {
    assert.doesNotMatch(file, /\.map$|\.html$|\.ts$(?<!\.d\.ts)(?<!^extension\/dist\/starter\/.*)|^extension\/(engine|webview|test|bench|scripts|examples)\/|^extension\/dist\/(test|bench|examples)\//, `${file} stays out of the package`);
  }
}

/** The Marketplace README's pictures are relative paths to files the package holds (VS Code shows them from there). */
function assertReadmePictures(zip: Map<string, ZipEntry>): void {
  const readme = zip.get('extension/readme.md')!.data.toString('utf8');
  const pictures = [...readme.matchAll(/\]\(([^)\s]+\.(?:png|jpe?g|gif|svg))\)/g)].map((m) => m[1]!);
  assert.ok(pictures.length >= 3, readme.slice(0, 200));
  for (const picture of pictures) {
    assert.match(picture, /^images\/[\w.-]+\.png$/, 'relative, not rewritten to a URL');
    assert.ok(zip.has(`extension/${picture}`), `${picture} ships`);
    assert.ok(zip.get(`extension/${picture}`)!.data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${picture} is a PNG`);
  }
}

/** The package is `target`'s: the manifest says so, and its one esbuild binary is that platform's. */
function assertPackageFor(zip: Map<string, ZipEntry>, target: Target): void {
  const files = [...zip.keys()];
  assertExtensionFiles(files);
  assertReadmePictures(zip);
  assert.match(zip.get('extension.vsixmanifest')!.data.toString('utf8'), new RegExp(`<Identity [^>]*TargetPlatform="${target}"`));
  const manifest = JSON.parse(zip.get('extension/package.json')!.data.toString('utf8')) as { dependencies: Record<string, string>; main: string };
  assert.deepEqual(Object.keys(manifest.dependencies), ['esbuild']);
  assert.equal(manifest.main, './dist/extension.js');
  // One binary, in the one @esbuild package there is: no stray copy of this machine's.
  const expected = `extension/node_modules/${TARGETS[target].binary}`;
  assert.deepEqual(files.filter((file) => /(^|\/)esbuild(\.exe)?$/.test(file)), [expected]);
  const esbuildPackage = expected.split('/').slice(0, 4).join('/');
  assert.deepEqual(files.filter((file) => file.startsWith('extension/node_modules/@esbuild/')).sort(), [expected, `${esbuildPackage}/package.json`].sort());
  const binary = zip.get(expected)!;
  assert.equal(executableHeader(binary.data), TARGETS[target].header, `${target}: ${expected}`);
  // VS Code gives an installed file the mode recorded in the zip: Unix binaries must stay executable.
  if (!target.startsWith('win32')) assert.equal(binary.mode & 0o111, 0o111, `${expected} is executable (mode ${binary.mode.toString(8)})`);
}

suite('packaging the extension', function () {
  this.timeout(600_000);
  let work: string;
  suiteSetup(() => { work = mkdtempSync(join(tmpdir(), 'gradlens-package-test-')); });
  suiteTeardown(() => rmSync(work, { recursive: true, force: true }));

  test('for this machine: its target in the manifest, its esbuild binary, which runs once installed', () => {
    const out = join(work, 'here.vsix');
    packageVsix(['--out', out]);
    const zip = readZip(out);
    assertPackageFor(zip, hostTarget);
    const binary = `extension/node_modules/${TARGETS[hostTarget].binary}`;
    assert.ok(zip.get(binary)!.data.equals(readFileSync(join(repoRoot, 'node_modules', TARGETS[hostTarget].binary))), `${binary} is node_modules' own`);
    // Unpacked as VS Code installs it, esbuild's API finds the binary beside it and bundles TypeScript.
    const installed = join(work, 'installed');
    for (const [name, entry] of zip) {
      if (!name.startsWith('extension/node_modules/')) continue;
      mkdirSync(dirname(join(installed, name)), { recursive: true });
      writeFileSync(join(installed, name), entry.data);
      if (entry.mode) chmodSync(join(installed, name), entry.mode & 0o777);
    }
    const esbuild = join(installed, 'extension', 'node_modules', 'esbuild');
    const env = { ...process.env };
    delete env.ESBUILD_BINARY_PATH;
    const result = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(esbuild)}).transformSync('let x: number = 1', { loader: 'ts' }).code)`],
      { encoding: 'utf8', env });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'let x = 1;\n');
  });

  suite('--all: every target VS Code publishes for', () => {
    let outDir: string;
    let output: string;
    suiteSetup(function () {
      this.timeout(600_000);
      outDir = join(work, 'all');
      output = packageVsix(['--all', '--out-dir', outDir]);
    });

    test('one gradlens-<target>-<version>.vsix per target, and the dist built once', () => {
      assert.deepEqual(readdirSync(outDir).sort(), Object.keys(TARGETS).map((target) => `gradlens-${target}-${version}.vsix`).sort());
      assert.equal(output.match(/^build extension:/gm)?.length, 1, output);
    });

    for (const target of Object.keys(TARGETS) as Target[]) {
      test(`${target}: ${TARGETS[target].header} esbuild, the target in the manifest`, () => {
        assertPackageFor(readZip(join(outDir, `gradlens-${target}-${version}.vsix`)), target);
      });
    }

    test('Alpine carries the very Linux binary of its architecture (esbuild\'s are static)', () => {
      for (const arch of ['x64', 'arm64']) {
        const binary = (os: string) => readZip(join(outDir, `gradlens-${os}-${arch}-${version}.vsix`)).get(`extension/node_modules/@esbuild/linux-${arch}/bin/esbuild`)!.data;
        assert.ok(binary('alpine').equals(binary('linux')), arch);
      }
    });
  });

  test('Node\'s platform and architecture map to VS Code\'s target names', () => {
    const cases = [['win32', 'x64', false], ['win32', 'arm64', false], ['linux', 'x64', false], ['linux', 'arm64', false], ['linux', 'arm', false],
      ['linux', 'x64', true], ['linux', 'arm64', true], ['darwin', 'x64', false], ['darwin', 'arm64', false], ['linux', 'ia32', false], ['freebsd', 'x64', false]];
    const program = `import(${JSON.stringify(pathToFileURL(script).href)}).then(({ vsceTarget }) => console.log(JSON.stringify(${JSON.stringify(cases)}.map((c) => vsceTarget(...c)))))`;
    const result = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), ['win32-x64', 'win32-arm64', 'linux-x64', 'linux-arm64', 'linux-armhf', 'alpine-x64', 'alpine-arm64', 'darwin-x64', 'darwin-arm64', null, null]);
  });

  test('an unknown target, or --all with one file, is refused before anything is built', () => {
    const unknown = spawnSync(process.execPath, [script, '--target', 'plan9-x64'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown target 'plan9-x64': one of win32-x64, win32-arm64, linux-x64, linux-arm64, linux-armhf, alpine-x64, alpine-arm64, darwin-x64, darwin-arm64/);
    const all = spawnSync(process.execPath, [script, '--all', '--out', 'one.vsix'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(all.status, 1);
    assert.match(all.stderr, /--all makes one file per target/);
    assert.equal(all.stdout, '', 'nothing built');
  });
});
