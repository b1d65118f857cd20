/**
 * Capture benchmark: what tracing costs, in one run, each figure beside its reference.
 *
 *   1. overhead: the engine benchmark's MLP step and 10,000-op scalar graph as programs that time
 *      themselves, run by `gradlens run` (untraced) and `gradlens trace` (instrumented, recorder
 *      attached, journal written), alternately;
 *   2. size: the trace of the seed example and of a program with 10,000 nodes;
 *   3. end to end: `gradlens trace` on the seed example (bundle, run, assemble, write) against a bare
 *      `node -e 0`, both as child processes;
 *   4. d2l chapters: the training cells of examples/d2l's MLP (10 epochs) and RNN ports at their
 *      own settings, timed inside the program untraced and traced, and the size of the trace
 *      (what the training-runs issue bounds: ≤ 1.3× and ≤ 1.5×, within --max-trace-mb); then both
 *      again on the plain-JS kernels (GRADLENS_KERNELS=js): the WebAssembly kernels' gain;
 *   5. a long run: 10,000 SGD steps of a tiny gluon MLP, timed inside the program untraced and
 *      traced, and the size of its trace at the default budget (the training-runs issue: 10,000
 *      passes stay within the budget), with how many passes were kept and summarised.
 *
 * Run with `npm run bench:capture`. It prints a table and never fails on timings. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { runProgram } from '../capture/runner';
import { writeTraceFile } from '../capture/traceFile';
import { formatTable } from './harness';
import { SCALAR, SCALAR_OPS } from './workloads';

const root = resolve(__dirname, '..', '..');
const distDir = join(root, 'dist');
const seedExample = join(root, 'examples', 'seed', 'autograd.ts');
const work = mkdtempSync(join(os.tmpdir(), 'gradlens-capture-bench-'));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const sig = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
const rows: string[][] = [['measure', 'contender', 'median', 'min', 'ratio', 'target']];
const outcomes: { name: string; holds: boolean; value: string }[] = [];

function target(name: string, holds: boolean, value: string): string {
  outcomes.push({ name, holds, value });
  return `${name}: ${holds ? 'yes' : 'NO'}`;
}

/**
 * Times `body()` in the program itself: warm-up calls, then timed ones; prints the times (ms).
 * As in the engine benchmark's harness, garbage is collected before each timed call (the programs
 * run with --expose-gc), so that one call's garbage is not charged to the next.
 */
function timedProgram(setup: string, body: string, warmup: number, runs: number): string {
  return `import { np, npx, autograd } from 'gradlens';
${setup}
const times = [];
for (let i = 0; i < ${warmup + runs}; i++) {
  globalThis.gc?.();
  const t0 = performance.now();
  ${body}
  if (i >= ${warmup}) times.push(performance.now() - t0);
}
console.log(JSON.stringify(times));
`;
}

const MLP_PROGRAM = timedProgram(`
np.random.seed(1);
const [batch, inputs, hidden, classes] = [256, 784, 256, 10];
const x = np.random.uniform(0, 1, [batch, inputs]);
const labels = np.random.randint(0, classes, [batch]).toFlatArray();
const onehot = np.array(labels.map((c) => Array.from({ length: classes }, (_, k) => (k === c ? 1 : 0))));
const w1 = np.random.normal(0, Math.sqrt(2 / inputs), [inputs, hidden]);
const b1 = np.random.uniform(-0.1, 0.1, [hidden]);
const w2 = np.random.normal(0, Math.sqrt(2 / hidden), [hidden, classes]);
const b2 = np.random.uniform(-0.1, 0.1, [classes]);
for (const p of [w1, b1, w2, b2]) p.attachGrad();
function step() {
  const loss = autograd.record(() => {
    const h = npx.relu(np.add(np.matmul(x, w1), b1));
    const logits = np.add(np.matmul(h, w2), b2);
    return np.multiply(np.sum(np.multiply(npx.logSoftmax(logits, -1), onehot)), -1 / batch);
  });
  loss.backward();
  return loss.item();
}`, 'step();', 3, 12);

function scalarTimedProgram(): string {
  return timedProgram(`
np.random.seed(2);
const w = Array.from({ length: ${SCALAR.leaves} }, () => np.random.uniform(-1, 1));
const x = Array.from({ length: ${SCALAR.leaves} }, () => np.random.uniform(-1, 1));
for (const leaf of [...w, ...x]) leaf.attachGrad();
function graph() {
  const out = autograd.record(() => {
    let acc = x[0];
    for (let i = 0; i < ${SCALAR.steps}; i++) acc = np.tanh(acc.mul(w[i % ${SCALAR.leaves}]).add(x[(i + 1) % ${SCALAR.leaves}])).add(acc);
    return acc;
  });
  out.backward();
}`, 'graph();', 3, 6);
}

/** Runs the program untraced and traced, alternately, and collects the times it measured itself. */
async function selfTimed(source: string, name: string, rounds: number): Promise<{ untraced: number[]; traced: number[] }> {
  const file = join(work, `${name}.ts`);
  writeFileSync(file, source);
  const times = { untraced: [] as number[], traced: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    for (const capture of round % 2 === 0 ? [false, true] : [true, false]) {
      const result = await runProgram({ file, capture, distDir, seed: 1, timeoutMs: 600_000 });
      if (result.exitCode !== 0) throw new Error(`${name} failed: ${result.stderr}`);
      (capture ? times.traced : times.untraced).push(...(JSON.parse(result.stdout) as number[]));
    }
  }
  return times;
}

async function overhead(): Promise<void> {
  const mlp = await selfTimed(MLP_PROGRAM, 'mlp', 4);
  const mlpRatio = median(mlp.traced) / median(mlp.untraced);
  rows.push(['MLP step 784-256-10, batch 256', 'untraced', `${sig(median(mlp.untraced))} ms`, `${sig(Math.min(...mlp.untraced))} ms`, '', '']);
  rows.push(['', 'traced', `${sig(median(mlp.traced))} ms`, `${sig(Math.min(...mlp.traced))} ms`, `${mlpRatio.toFixed(2)}×`,
    target('MLP traced ≤ 3× untraced', mlpRatio <= 3, `${mlpRatio.toFixed(2)}×`)]);

  const scalar = await selfTimed(scalarTimedProgram(), 'scalar', 4);
  const perOp = (ms: number) => (ms * 1000) / SCALAR_OPS;
  const tracedPerOp = perOp(median(scalar.traced));
  rows.push([`scalar graph, ${SCALAR_OPS} ops`, 'untraced', `${sig(perOp(median(scalar.untraced)))} µs/op`, `${sig(perOp(Math.min(...scalar.untraced)))} µs/op`, '', '']);
  rows.push(['', 'traced', `${sig(tracedPerOp)} µs/op`, `${sig(perOp(Math.min(...scalar.traced)))} µs/op`,
    `${(median(scalar.traced) / median(scalar.untraced)).toFixed(2)}×`, target('scalar traced ≤ 5 µs/op', tracedPerOp <= 5, `${sig(tracedPerOp)} µs/op`)]);
}

/** A program of SCALAR.steps residual steps (4 ops each) on scalars: 10,000 op nodes. */
function scalarProgram(): string {
  return `import { np, autograd } from 'gradlens';
np.random.seed(2);
const w = Array.from({ length: ${SCALAR.leaves} }, () => np.random.uniform(-1, 1));
const x = Array.from({ length: ${SCALAR.leaves} }, () => np.random.uniform(-1, 1));
for (const leaf of [...w, ...x]) leaf.attachGrad();
const out = autograd.record(() => {
  let acc = x[0];
  for (let i = 0; i < ${SCALAR.steps}; i++) acc = np.tanh(acc.mul(w[i % ${SCALAR.leaves}]).add(x[(i + 1) % ${SCALAR.leaves}])).add(acc);
  return acc;
});
out.backward();
`;
}

async function sizes(): Promise<void> {
  const seed = await runProgram({ file: seedExample, capture: true, distDir, seed: 1 });
  const seedBytes = Buffer.byteLength(JSON.stringify(seed.trace));
  rows.push(['trace size', `seed example (${seed.trace!.nodes.length} nodes)`, `${(seedBytes / 1024).toFixed(1)} KB`, '', '', target('seed trace < 200 KB', seedBytes < 200 * 1024, `${(seedBytes / 1024).toFixed(1)} KB`)]);
  const program = join(work, 'scalar-graph.ts');
  writeFileSync(program, scalarProgram());
  const big = await runProgram({ file: program, capture: true, distDir, seed: 1 });
  const opNodes = big.trace!.nodes.filter((n) => n.kind === 'op').length;
  const bigBytes = Buffer.byteLength(JSON.stringify(big.trace));
  rows.push(['', `${opNodes} op nodes + ${big.trace!.nodes.length - opNodes} leaves`, `${(bigBytes / 1024 / 1024).toFixed(2)} MB`, '', `${(bigBytes / big.trace!.nodes.length).toFixed(0)} B/node`,
    target('10,000-node trace < 20 MB', bigBytes < 20 * 1024 * 1024, `${(bigBytes / 1024 / 1024).toFixed(2)} MB`)]);
}

function endToEnd(): void {
  const output = join(work, 'seed.gradlens.json');
  const cli = () => spawnSync(process.execPath, [join(distDir, 'cli.js'), 'trace', seedExample, '-o', output, '--seed', '1'], { stdio: 'ignore' });
  const bare = () => spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const time = (fn: () => unknown) => { const t0 = performance.now(); fn(); return performance.now() - t0; };
  for (let i = 0; i < 2; i++) { cli(); bare(); }
  const traced: number[] = [];
  const node: number[] = [];
  for (let round = 0; round < 9; round++) {
    if (round % 2 === 0) { traced.push(time(cli)); node.push(time(bare)); } else { node.push(time(bare)); traced.push(time(cli)); }
  }
  const ratio = median(traced) / median(node);
  rows.push(['gradlens trace seed example', 'node -e 0', `${sig(median(node))} ms`, `${sig(Math.min(...node))} ms`, '', '']);
  rows.push(['(bundle, run, assemble, write)', 'gradlens trace', `${sig(median(traced))} ms`, `${sig(Math.min(...traced))} ms`, `${ratio.toFixed(1)}×`,
    target('end to end ≤ 1 s', median(traced) <= 1000, `${sig(median(traced))} ms`)]);
}

/** A program that runs one d2l port's training cell (its book settings) and prints how long it took. */
function chapterProgram(port: string): string {
  return `import * as d2l from ${JSON.stringify(join(root, 'examples', 'd2l', 'd2l'))};
import { train } from ${JSON.stringify(join(root, 'examples', 'd2l', port))};
d2l.useAsLibrary();
const t0 = performance.now();
train();
console.log(JSON.stringify([performance.now() - t0]));
`;
}

/** Runs `fn` with GRADLENS_KERNELS set (the preload applies it to the program's engine), then restores it. */
async function withKernels<T>(kernels: 'wasm' | 'js', fn: () => Promise<T>): Promise<T> {
  const saved = process.env.GRADLENS_KERNELS;
  process.env.GRADLENS_KERNELS = kernels;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.GRADLENS_KERNELS;
    else process.env.GRADLENS_KERNELS = saved;
  }
}

/**
 * The d2l ports' training cells untraced and traced (one round each: they take seconds), and the
 * trace's size; then the same on the plain-JS kernels (GRADLENS_KERNELS=js): the WebAssembly
 * kernels' gain, before and after, in one run (issue 16).
 */
async function chapters(): Promise<void> {
  for (const [port, title, bound] of [['mlp-implementation', 'd2l MLP chapter, 10 epochs (240 passes)', 1.3], ['rnn-scratch', 'd2l RNN chapter (160 passes)', 1.5]] as const) {
    const file = join(work, `${port}.ts`);
    writeFileSync(file, chapterProgram(port));
    const times = { untraced: [] as number[], traced: [] as number[], jsUntraced: [] as number[], jsTraced: [] as number[] };
    let bytes = 0;
    for (const kernels of ['wasm', 'js'] as const) {
      for (const capture of [false, true]) {
        const result = await withKernels(kernels, () => runProgram({ file, capture, distDir, seed: 1, timeoutMs: 900_000 }));
        if (result.exitCode !== 0) throw new Error(`${port} failed: ${result.stderr}`);
        const into = kernels === 'wasm' ? (capture ? times.traced : times.untraced) : (capture ? times.jsTraced : times.jsUntraced);
        into.push(...(JSON.parse(result.stdout) as number[]));
        if (kernels === 'wasm' && capture && result.trace) bytes = writeTraceFile(result.trace, join(work, `${port}.gradlens.json`));
      }
    }
    const ratio = median(times.traced) / median(times.untraced);
    const gain = (ours: number[], js: number[]) => `${(median(ours) / median(js)).toFixed(2)}× JS`;
    rows.push([title, 'untraced', `${sig(median(times.untraced))} ms`, '', gain(times.untraced, times.jsUntraced), '']);
    rows.push(['', 'traced', `${sig(median(times.traced))} ms`, '', `${ratio.toFixed(2)}×`, target(`${port} traced ≤ ${bound}× untraced`, ratio <= bound, `${ratio.toFixed(2)}×`)]);
    rows.push(['', 'untraced, JS kernels', `${sig(median(times.jsUntraced))} ms`, '', '', '']);
    rows.push(['', 'traced, JS kernels', `${sig(median(times.jsTraced))} ms`, '', gain(times.traced, times.jsTraced), '']);
    rows.push(['', 'trace size', `${sig(bytes / 1024 / 1024)} MB`, '', '', target(`${port} trace ≤ 64 MB`, bytes <= 64 * 1024 * 1024, `${sig(bytes / 1024 / 1024)} MB`)]);
  }
}

/** SMALL_STEPS SGD steps of a tiny gluon model (4 → Dense(8) relu → Dense(2), batch 16), timed in the program. */
const SMALL_STEPS = 10_000;
const SMALL_PROGRAM = `import { autograd, gluon, init, np } from 'gradlens';
const { nn } = gluon;
const net = new nn.Sequential().add(new nn.Dense(8, { activation: 'relu' }), new nn.Dense(2));
net.initialize(new init.Normal(0.1));
const X = np.random.uniform(-1, 1, [16, 4]);
const y = np.random.randint(0, 2, [16]);
const loss = new gluon.loss.SoftmaxCrossEntropyLoss();
const trainer = new gluon.Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
const t0 = performance.now();
for (let step = 0; step < ${SMALL_STEPS}; step++) {
  const l = autograd.record(() => loss.call(net.call(X), y).mean());
  l.backward();
  trainer.step(1);
}
console.log(JSON.stringify([performance.now() - t0]));
`;

/** The long run untraced and traced, alternately (three rounds each, so that the median is one of them), and its trace's size at the default budget. */
async function longRun(): Promise<void> {
  const file = join(work, 'small-model.ts');
  writeFileSync(file, SMALL_PROGRAM);
  const times = { untraced: [] as number[], traced: [] as number[] };
  let bytes = 0;
  let keep = '';
  for (let round = 0; round < 3; round++) {
    for (const capture of round % 2 === 0 ? [false, true] : [true, false]) {
      const result = await runProgram({ file, capture, distDir, seed: 1, timeoutMs: 900_000 });
      if (result.exitCode !== 0) throw new Error(`small model failed: ${result.stderr}`);
      (capture ? times.traced : times.untraced).push(...(JSON.parse(result.stdout) as number[]));
      if (capture && result.trace) {
        if (result.trace.backwardPasses.length !== SMALL_STEPS) throw new Error(`small model: ${result.trace.backwardPasses.length} passes traced, not ${SMALL_STEPS}`);
        bytes = writeTraceFile(result.trace, join(work, 'small-model.gradlens.json'));
        const k = result.trace.run.keep!;
        keep = `${k.kept.toLocaleString('en-US')} kept, ${k.summarised.toLocaleString('en-US')} summarised`;
      }
    }
  }
  const ratio = median(times.traced) / median(times.untraced);
  rows.push([`${SMALL_STEPS.toLocaleString('en-US')} passes of a small model`, 'untraced', `${sig(median(times.untraced))} ms`, `${sig(Math.min(...times.untraced))} ms`, '', '']);
  rows.push(['(Dense(8) relu → Dense(2), batch 16, SGD)', 'traced', `${sig(median(times.traced))} ms`, `${sig(Math.min(...times.traced))} ms`, `${ratio.toFixed(2)}×`, '(information)']);
  rows.push(['', `trace size (${keep})`, `${sig(bytes / 1024 / 1024)} MB`, '', '', target('10,000-pass trace ≤ 64 MB', bytes <= 64 * 1024 * 1024, `${sig(bytes / 1024 / 1024)} MB`)]);
}

async function main(): Promise<void> {
  process.env.GRADLENS_NODE_ARGS = `${process.env.GRADLENS_NODE_ARGS ?? ''} --expose-gc`;
  const cpus = os.cpus();
  console.log('GradLens capture benchmark');
  console.log(`machine: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores; Node.js ${process.version}; ${new Date().toISOString()}`);
  try {
    const chaptersOnly = process.argv.includes('--chapters-only');
    if (!chaptersOnly) {
      process.stderr.write('overhead…\n');
      await overhead();
      rows.push([]);
      process.stderr.write('sizes…\n');
      await sizes();
      rows.push([]);
      process.stderr.write('end to end…\n');
      endToEnd();
      rows.push([]);
      process.stderr.write(`${SMALL_STEPS.toLocaleString('en-US')} passes of a small model…\n`);
      await longRun();
      rows.push([]);
    }
    if (!process.argv.includes('--no-chapters')) {
      process.stderr.write('d2l chapters, on our WebAssembly kernels and on the JS ones (a few minutes)…\n');
      await chapters();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(formatTable(rows, new Set([2, 3, 4])));
  console.log('');
  console.log('median/min over interleaved rounds; ratio: traced ÷ untraced (overhead, long run, chapters), bytes per node (size), gradlens trace ÷ node -e 0 (end to end);');
  console.log('  "× JS" (chapters): the time on our WebAssembly kernels ÷ the time on the JS kernels (GRADLENS_KERNELS=js), the same run.');
  const held = outcomes.filter((o) => o.holds).length;
  console.log(`targets: ${held} of ${outcomes.length} hold${held < outcomes.length ? `; missed: ${outcomes.filter((o) => !o.holds).map((o) => `${o.name} (${o.value})`).join(', ')}` : ''}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
