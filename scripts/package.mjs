#!/usr/bin/env node
// Packages the extension with @vscode/vsce, one .vsix per platform. Usage:
//   node scripts/package.mjs                      this machine's: gradlens-<target>-<version>.vsix (e.g. linux-x64)
//   node scripts/package.mjs --target darwin-arm64 another platform's (vsce's target names)
//   node scripts/package.mjs --all                every platform VS Code publishes for
// Options: --out FILE (one target), --out-dir DIR (where gradlens-<target>-<version>.vsix go; the
// repository by default).
// The extension bundles the user's program with esbuild, whose native binary is per platform: npm
// installs only this machine's. Each package is assembled in a staging folder with its platform's
// esbuild binary (this machine's from node_modules, the others fetched from the npm registry) and
// marked with its target, so the Marketplace and VS Code install the right one.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// The Marketplace README is docs/extension.md; its pictures are relative paths (images/…) that ship
// in the package beside it (README_IMAGES), so vsce must leave them relative.
const common = ['--readme-path', 'docs/extension.md', '--changelog-path', 'CHANGELOG.md', '--no-rewrite-relative-links'];

/** The pictures docs/extension.md shows (`![…](images/name.png)`; alt texts may hold brackets), from docs/images. */
export function readmeImages(markdown) {
  return [...new Set([...markdown.matchAll(/\]\((images\/[A-Za-z0-9._-]+\.png)\)/g)].map((match) => match[1]))];
}

/** vsce's target names (every platform VS Code publishes for) → the npm package with esbuild's binary for it. */
export const ESBUILD_PACKAGES = {
  'win32-x64': '@esbuild/win32-x64',
  'win32-arm64': '@esbuild/win32-arm64',
  'linux-x64': '@esbuild/linux-x64',
  'linux-arm64': '@esbuild/linux-arm64',
  'linux-armhf': '@esbuild/linux-arm',
  // esbuild's Linux binaries are static: the same ones run on musl.
  'alpine-x64': '@esbuild/linux-x64',
  'alpine-arm64': '@esbuild/linux-arm64',
  'darwin-x64': '@esbuild/darwin-x64',
  'darwin-arm64': '@esbuild/darwin-arm64',
};

/**
 * vsce's target for a Node `process.platform` and `process.arch` (`musl`: a Linux without glibc),
 * or null when VS Code publishes none for it.
 * @example vsceTarget('linux', 'arm', false) // 'linux-armhf'
 */
export function vsceTarget(platform, arch, musl) {
  const os = platform === 'linux' && musl ? 'alpine' : platform;
  const target = `${os}-${platform === 'linux' && arch === 'arm' ? 'armhf' : arch}`;
  return target in ESBUILD_PACKAGES ? target : null;
}

/** Linux with musl (Alpine): Node's report names the glibc it runs on, if any. */
function isMusl() {
  if (process.platform !== 'linux') return false;
  process.report.excludeNetwork = true;
  return !process.report.getReport().header.glibcVersionRuntime;
}

function hostTarget() {
  const target = vsceTarget(process.platform, process.arch, isMusl());
  if (target === null) throw new Error(`VS Code publishes no target for ${process.platform}-${process.arch}: use --target`);
  return target;
}

function parse(argv) {
  const options = { target: null, all: false, out: null, outDir: root };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--target' || flag === '-t') options.target = value();
    else if (flag === '--all') options.all = true;
    else if (flag === '--out' || flag === '-o') options.out = value();
    else if (flag === '--out-dir') options.outDir = value();
    else throw new Error(`unknown option '${argv[i]}' (use --target TARGET or --all, --out FILE, --out-dir DIR)`);
  }
  if (options.target !== null && !(options.target in ESBUILD_PACKAGES)) {
    throw new Error(`unknown target '${options.target}': one of ${Object.keys(ESBUILD_PACKAGES).join(', ')}`);
  }
  if (options.all && (options.target !== null || options.out !== null)) throw new Error('--all makes one file per target: use --out-dir, not --target or --out');
  return options;
}

/** A path as short as it can be told: relative inside the working directory, absolute outside. */
function shown(path) {
  const inside = relative(process.cwd(), path);
  return inside === '' ? '.' : inside.startsWith('..') ? path : inside;
}

function run(command, args, cwd) {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Runs a command to its end; its output is kept, and shown only if it fails. */
function runQuietly(command, args, cwd) {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${[command, ...args].join(' ')} failed:\n${stdout}${stderr}`));
      else done(`${stdout}${stderr}`);
    });
  });
}

/**
 * The folder of each esbuild binary package that `targets` need, at esbuild's `version`: this
 * machine's from node_modules, the others unpacked from tarballs that one `npm pack` fetches.
 */
function binaryPackages(targets, version, work) {
  const folders = new Map();
  const missing = [];
  for (const name of new Set(targets.map((target) => ESBUILD_PACKAGES[target]))) {
    const installed = join(root, 'node_modules', ...name.split('/'));
    const manifest = join(installed, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version) folders.set(name, installed);
    else missing.push(name);
  }
  if (missing.length === 0) return folders;
  const packed = join(work, 'packed');
  mkdirSync(packed);
  const started = Date.now();
  // On Windows npm is npm.cmd, which Node runs only through a shell.
  execFileSync('npm', ['pack', ...missing.map((name) => `${name}@${version}`), '--silent', '--pack-destination', packed],
    { cwd: work, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  for (const name of missing) {
    // npm pack names @scope/name's tarball scope-name-version.tgz.
    const tarball = join(packed, `${name.slice(1).replace('/', '-')}-${version}.tgz`);
    if (!existsSync(tarball)) throw new Error(`npm pack ${name}@${version} gave no ${relative(work, tarball)}`);
    const unpacked = join(work, 'binaries', ...name.split('/'));
    mkdirSync(unpacked, { recursive: true });
    run('tar', ['xzf', tarball, '-C', unpacked, '--strip-components=1'], work);
    folders.set(name, unpacked);
  }
  console.log(`package: fetched ${missing.join(', ')} (esbuild ${version}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return folders;
}

// What .vscodeignore leaves out of dist/ anyway, not copied into each stage (dist/test is ~150 MB).
const unpackaged = /^dist[\\/](test|bench|examples)([\\/]|$)|\.map$/;

/** The package of `target` assembled in `stage`: the files .vscodeignore lets through, and the target's esbuild binary. */
function stageFor(stage, target, binaryFolder, esbuildVersion) {
  for (const path of ['LICENSE', 'CHANGELOG.md', '.vscodeignore', 'media', 'dist', join('docs', 'extension.md')]) {
    cpSync(join(root, path), join(stage, path), { recursive: true, filter: (source) => !unpackaged.test(relative(root, source)) });
  }
  // The README's pictures, where its relative links find them once it is the package's readme.md.
  for (const image of readmeImages(readFileSync(join(root, 'docs', 'extension.md'), 'utf8'))) {
    const source = join(root, 'docs', image);
    if (!existsSync(source)) throw new Error(`docs/extension.md shows ${image}, which is not in docs/images`);
    cpSync(source, join(stage, image));
  }
  // The one run-time dependency left outside dist/ is esbuild (the others are bundled in).
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ ...manifest, dependencies: { esbuild: esbuildVersion }, devDependencies: {} }, null, 2)}\n`);
  const esbuild = join(root, 'node_modules', 'esbuild');
  for (const path of ['package.json', 'LICENSE.md', 'lib']) cpSync(join(esbuild, path), join(stage, 'node_modules', 'esbuild', path), { recursive: true });
  cpSync(binaryFolder, join(stage, 'node_modules', ...ESBUILD_PACKAGES[target].split('/')), { recursive: true });
}

/** Packages every target into its file, a few at a time (vsce is mostly one busy core). */
async function packageAll(jobs, esbuildVersion, work) {
  const folders = binaryPackages(jobs.map((job) => job.target), esbuildVersion, work);
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const started = Date.now();
      const stage = join(work, 'stage', job.target);
      mkdirSync(stage, { recursive: true });
      stageFor(stage, job.target, folders.get(ESBUILD_PACKAGES[job.target]), esbuildVersion);
      const output = await runQuietly(process.execPath, [vsce, 'package', '--target', job.target, ...common, '-o', job.out], stage)
        .catch((error) => { queue.length = 0; throw error; }); // the targets not started are not started
      rmSync(stage, { recursive: true, force: true });
      if (!existsSync(job.out)) throw new Error(`vsce wrote no ${job.out}:\n${output}`);
      for (const line of output.split('\n').filter((text) => /WARNING/.test(text))) console.log(`${job.target}: ${line.trim()}`);
      const megabytes = (statSync(job.out).size / 1e6).toFixed(1);
      console.log(`package ${job.target}: ${shown(job.out)} (${megabytes} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  };
  // Every worker runs to its end before the staging folder is removed, even when one has failed.
  const results = await Promise.allSettled(Array.from({ length: Math.min(jobs.length, availableParallelism(), 4) }, worker));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

async function main() {
  const options = parse(process.argv.slice(2));
  const started = Date.now();
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const esbuildVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  const targets = options.all ? Object.keys(ESBUILD_PACKAGES) : [options.target ?? hostTarget()];
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const jobs = targets.map((target) => ({ target, out: options.out ? resolve(options.out) : join(outDir, `gradlens-${target}-${version}.vsix`) }));
  run(process.execPath, [join(root, 'scripts', 'build.mjs'), 'engine', 'cli', 'extension', 'webview'], root);
  const work = mkdtempSync(join(tmpdir(), 'gradlens-package-'));
  try {
    await packageAll(jobs, esbuildVersion, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (jobs.length > 1) console.log(`package: ${jobs.length} targets in ${((Date.now() - started) / 1000).toFixed(1)} s → ${shown(outDir)}${sep}`);
}

// Run as a script; imported (the tests read vsceTarget), it does nothing.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
