#!/usr/bin/env node
// Packages the extension with @vscode/vsce. Usage:
//   node scripts/package.mjs                      gradlens-<version>.vsix for this machine's platform
//   node scripts/package.mjs --target darwin-arm64 [--out FILE]
//                                                 a .vsix for another platform (vsce's target names)
// The extension bundles the user's program with esbuild, whose native binary is per platform: npm
// installs only this machine's. For another target the package is assembled in a staging folder
// with that platform's esbuild binary (fetched from the npm registry) and marked with the target,
// so the Marketplace and VS Code install the right one.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const common = ['--allow-missing-repository', '--readme-path', 'docs/extension.md'];

/** vsce's target names → the npm package with esbuild's binary for that platform. */
export const ESBUILD_PACKAGES = {
  'win32-x64': '@esbuild/win32-x64',
  'win32-arm64': '@esbuild/win32-arm64',
  'linux-x64': '@esbuild/linux-x64',
  'linux-arm64': '@esbuild/linux-arm64',
  'linux-armhf': '@esbuild/linux-arm',
  'alpine-x64': '@esbuild/linux-x64',
  'alpine-arm64': '@esbuild/linux-arm64',
  'darwin-x64': '@esbuild/darwin-x64',
  'darwin-arm64': '@esbuild/darwin-arm64',
};

function parse(argv) {
  const options = { target: null, out: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--target' || flag === '-t') options.target = value();
    else if (flag === '--out' || flag === '-o') options.out = value();
    else throw new Error(`unknown option '${argv[i]}' (use --target TARGET and --out FILE)`);
  }
  if (options.target !== null && !(options.target in ESBUILD_PACKAGES)) {
    throw new Error(`unknown target '${options.target}': one of ${Object.keys(ESBUILD_PACKAGES).join(', ')}`);
  }
  return options;
}

function run(command, args, cwd) {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** The package for `target` assembled in a staging folder: the files .vscodeignore lets through, and that target's esbuild. */
function packageFor(target, out) {
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  const stage = mkdtempSync(join(tmpdir(), `gradlens-package-${target}-`));
  try {
    for (const path of ['LICENSE', '.vscodeignore', 'media', 'dist', join('docs', 'extension.md')]) {
      cpSync(join(root, path), join(stage, path), { recursive: true });
    }
    // The one run-time dependency left outside dist/ is esbuild (the others are bundled in).
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ ...manifest, dependencies: { esbuild: version }, devDependencies: {} }, null, 2)}\n`);
    const esbuild = join(root, 'node_modules', 'esbuild');
    for (const path of ['package.json', 'LICENSE.md', 'lib']) cpSync(join(esbuild, path), join(stage, 'node_modules', 'esbuild', path), { recursive: true });
    // The target's binary: `npm pack` fetches the package's tarball from the registry.
    const name = ESBUILD_PACKAGES[target];
    const packed = join(stage, '.packed');
    mkdirSync(packed);
    run('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', packed], stage);
    const tarball = readdirSync(packed).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${name}@${version} gave no tarball`);
    const unpacked = join(stage, 'node_modules', ...name.split('/'));
    mkdirSync(unpacked, { recursive: true });
    run('tar', ['xzf', join(packed, tarball), '-C', unpacked, '--strip-components=1'], stage);
    rmSync(packed, { recursive: true, force: true });
    run(process.execPath, [vsce, 'package', '--target', target, ...common, '-o', out], stage);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

try {
  const options = parse(process.argv.slice(2));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  run(process.execPath, [join(root, 'scripts', 'build.mjs'), 'engine', 'cli', 'extension', 'webview'], root);
  if (options.target === null) {
    run(process.execPath, [vsce, 'package', ...common, ...(options.out ? ['-o', resolve(options.out)] : [])], root);
  } else {
    const out = resolve(options.out ?? join(root, `gradlens-${options.target}-${version}.vsix`));
    packageFor(options.target, out);
    if (!existsSync(out)) throw new Error(`vsce wrote no ${out}`);
  }
} catch (error) {
  console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
