/**
 * Engine benchmark: GradLens against TensorFlow.js (pure-JS `cpu` backend and `wasm` backend) and
 * against hand-written plain JavaScript, all in one process, on four workloads:
 *
 *   1. MLP training step (784-256-10, batch 256, ReLU, softmax cross-entropy), forward + backward;
 *   2. a graph of 10,000 scalar ops (micrograd style), forward + backward, in µs per op;
 *   3. a 512×512 matrix product, in GFLOP/s, and every transpose combination at 512 and 1024;
 *   4. elementwise ops and reductions over 1M float32 elements.
 *
 * plus a small measurement behind engine/kernels/specialize.ts (per-dtype kernel copies).
 *
 * Run with `npm run bench:engine` (builds, then runs under `node --expose-gc`); arguments after
 * `npm run bench:engine --` pass through: `--only mlp,lenet,scalar,matmul,transposes,elementwise,specialize` runs
 * some workloads, `--rounds N` changes the number of timed rounds, `--samples` prints every sample.
 * It prints a table and never fails on timings: it is a measurement, not a test. See bench/README.md.
 */
import * as os from 'node:os';
import { autograd, kernelInfo, np, npx, type NDArray } from 'gradlens';
import { formatTable, gcExposed, measure, type Contender, type Measurement, type MeasureOptions } from './harness';
import {
  normalArray, plainAdd, plainAddRow, plainExp, plainMatmulIKJ, plainMax, plainMul, plainSum, plainSumAxis0,
  plainSumAxis1, plainTanh, plainLog, seededUniform, uniformArray, Value,
} from './plain';
import { kernelThreads, useKernels, useThreads } from '../engine/kernels/kernelPath';
import { PEAK_PROBE_FLOPS, simdPeakProbe } from '../engine/kernels/wasmGemm';
import { initTfjs, tf, useBackend, type TfBackend } from './tfjs';
import {
  flat, LENET, lenetData, MLP, mlpData, ndarray, oursLenet, oursLenetGluon, oursMlp, oursScalar, SCALAR, SCALAR_OPS, scalarLeaves,
  type LenetData, type MlpData, type MlpStep, type ScalarRun,
} from './workloads';

// ---------------------------------------------------------------------------------------------
// Command line.

const WORKLOADS = ['mlp', 'lenet', 'scalar', 'matmul', 'transposes', 'elementwise', 'specialize'] as const;
type WorkloadName = (typeof WORKLOADS)[number];

function parseArgs(argv: readonly string[]): { only: Set<WorkloadName>; rounds: number | null; samples: boolean } {
  let only = new Set<WorkloadName>(WORKLOADS);
  let rounds: number | null = null;
  let samples = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg.startsWith('--only')) {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean);
      for (const name of names) {
        if (!(WORKLOADS as readonly string[]).includes(name)) throw new Error(`unknown workload '${name}' (known: ${WORKLOADS.join(', ')})`);
      }
      only = new Set(names as WorkloadName[]);
    } else if (arg.startsWith('--rounds')) {
      rounds = Number(value());
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds needs a positive integer');
    } else if (arg === '--samples') {
      samples = true;
    } else {
      throw new Error(`unknown argument '${arg}' (use --only LIST, --rounds N, --samples)`);
    }
  }
  return { only, rounds, samples };
}

// ---------------------------------------------------------------------------------------------
// Reporting.

type Unit = { kind: 'ms' } | { kind: 'perOp'; ops: number } | { kind: 'gflops'; flops: number };

interface Target {
  /** e.g. "faster than tfjs-cpu". */
  text: string;
  holds: (ours: Measurement, byName: ReadonlyMap<string, Measurement>) => boolean;
}

interface WorkloadResult {
  /** Lines after a '\n' go in the title column of the workload's next rows. */
  title: string;
  unit: Unit;
  results: Measurement[];
  /** Figures measured earlier on this machine, by contender, in the workload's unit. */
  earlier?: Readonly<Record<string, string>>;
  target?: Target;
  /** The contender the ratios are taken against references for (default: ours). */
  primary?: string;
  /** Workloads of one group are printed without a blank line between them. */
  group: WorkloadName;
}

/** About three significant digits. */
function sig(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

function inUnit(ms: number, unit: Unit): string {
  switch (unit.kind) {
    case 'ms': return `${sig(ms)} ms`;
    case 'perOp': return `${sig((ms * 1000) / unit.ops)} µs/op`;
    case 'gflops': return `${sig(unit.flops / (ms * 1e6))} GFLOP/s`;
  }
}

function ratio(x: number): string {
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}

const OURS = 'ours';
/** Ours on the plain-JS kernels (GRADLENS_KERNELS=js): the reference the WebAssembly kernels replace. */
const OURS_JS = 'ours (JS kernels)';
/** Ours with every product on the calling thread (useThreads(1)): the one-core figure. */
const OURS_ONE = 'ours, one thread';
/** The threads a big product takes by default here (GRADLENS_THREADS, else the cores, at most 4). */
const THREADS = kernelThreads();

interface TargetOutcome { workload: string; text: string; holds: boolean; detail: string }

function report(workloads: readonly WorkloadResult[]): { table: string; outcomes: TargetOutcome[] } {
  const rows: string[][] = [['workload', 'contender', 'median', 'min', 'ours/ref', 'earlier', 'target']];
  let lastGroup = '';
  const outcomes: TargetOutcome[] = [];
  for (const w of workloads) {
    if (lastGroup !== '' && w.group !== lastGroup) rows.push([]);
    lastGroup = w.group;
    const byName = new Map(w.results.map((m) => [m.name, m]));
    const ours = byName.get(w.primary ?? OURS)!;
    const titleLines = w.title.split('\n');
    w.results.forEach((m, i) => {
      let target = '';
      if (m === ours && w.target !== undefined) {
        const holds = w.target.holds(ours, byName);
        target = `${w.target.text}: ${holds ? 'yes' : 'NO'}`;
        outcomes.push({ workload: titleLines.join(' '), text: w.target.text, holds, detail: inUnit(ours.medianMs, w.unit) });
      }
      rows.push([
        titleLines[i] ?? '',
        m.name,
        inUnit(m.medianMs, w.unit),
        inUnit(m.minMs, w.unit),
        m === ours ? '' : ratio(ours.medianMs / m.medianMs),
        w.earlier?.[m.name] ?? '',
        target,
      ]);
    });
  }
  return { table: formatTable(rows, new Set([2, 3, 4, 5])), outcomes };
}

// ---------------------------------------------------------------------------------------------
// Checks: every contender of a workload must compute the same thing (reported, not asserted).

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** max |a − b| relative to max |b|, over several arrays. */
function relDiff(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  let d = 0;
  let scale = 0;
  a.forEach((x, i) => { d = Math.max(d, maxAbsDiff(x, b[i]!)); scale = Math.max(scale, maxAbs(b[i]!)); });
  return scale === 0 ? d : d / scale;
}

const checks: string[] = [];
function check(what: string, rel: number, tolerance: number): void {
  checks.push(`${rel <= tolerance ? 'ok      ' : 'MISMATCH'} ${what}: max relative difference ${rel.toExponential(1)} (tolerance ${tolerance.toExponential(0)})`);
}

// ---------------------------------------------------------------------------------------------
// 1. MLP training step.

/** Set while the checks run: the tfjs steps then also read their gradients back (untimed). */
let collectGrads = false;

/** tfjs: the same loss through tf.variableGrads, every tensor disposed by tf.tidy. */
async function tfjsMlp(d: MlpData, backend: TfBackend): Promise<MlpStep> {
  await useBackend(backend);
  const { batch, inputs, hidden, classes } = MLP;
  const x = tf.tensor2d(d.x, [batch, inputs]);
  const onehot = tf.tensor2d(d.onehot, [batch, classes]);
  const w1 = tf.variable(tf.tensor2d(d.w1, [inputs, hidden]));
  const b1 = tf.variable(tf.tensor1d(d.b1));
  const w2 = tf.variable(tf.tensor2d(d.w2, [hidden, classes]));
  const b2 = tf.variable(tf.tensor1d(d.b2));
  const vars = [w1, b1, w2, b2];
  return () => {
    let grads: Float32Array[] = [];
    const loss = tf.tidy(() => {
      const result = tf.variableGrads(() => {
        const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const logits = tf.add(tf.matMul(h, w2), b2);
        const logp = tf.logSoftmax(logits);
        return tf.mul(tf.sum(tf.mul(logp, onehot)), -1 / batch) as tf.Scalar;
      }, vars);
      if (collectGrads) grads = vars.map((v) => result.grads[v.name]!.dataSync() as Float32Array);
      return result.value.dataSync()[0]!;
    });
    return { loss, grads: () => grads };
  };
}

async function benchMlp(options: MeasureOptions): Promise<WorkloadResult> {
  const d = mlpData();
  const ours = oursMlp(d);
  const cpu = await tfjsMlp(d, 'cpu');
  const wasm = await tfjsMlp(d, 'wasm');

  const reference = ours();
  const expected = reference.grads();
  for (const [name, step, backend] of [['tfjs-cpu', cpu, 'cpu'], ['tfjs-wasm', wasm, 'wasm']] as const) {
    await useBackend(backend);
    collectGrads = true;
    const got = step();
    collectGrads = false;
    check(`MLP step, ours vs ${name} (loss ${reference.loss.toFixed(4)} vs ${got.loss.toFixed(4)}; dW1, db1, dW2, db2)`,
      Math.max(relDiff(got.grads(), expected), Math.abs(got.loss - reference.loss) / Math.abs(reference.loss)), 1e-4);
  }

  const contenders: Contender[] = [
    { name: OURS, setup: () => { useKernels('wasm'); useThreads(THREADS); }, run: () => ours().loss },
    { name: OURS_ONE, setup: () => { useKernels('wasm'); useThreads(1); }, run: () => ours().loss },
    { name: OURS_JS, setup: () => useKernels('js'), run: () => ours().loss },
    { name: 'tfjs-cpu', setup: () => useBackend('cpu'), run: () => cpu().loss },
    { name: 'tfjs-wasm', setup: () => useBackend('wasm'), run: () => wasm().loss },
  ];
  return {
    group: 'mlp',
    title: 'MLP step 784-256-10, batch 256 (fwd+bwd)',
    unit: { kind: 'ms' },
    results: await measureThenWasm(contenders, options),
    earlier: { 'tfjs-cpu': '266 ms', 'tfjs-wasm': '55 ms' },
    target: { text: 'faster than tfjs-cpu', holds: (ours, by) => ours.medianMs < by.get('tfjs-cpu')!.medianMs },
  };
}

// ---------------------------------------------------------------------------------------------
// 1b. LeNet-size convolutional step (bench/workloads.ts): tfjs in NHWC, its native layout, with the
// same weights transposed from our NCHW / OIHW.

/** OIHW (ours, MXNet's) → HWIO (tfjs's conv2d filter layout). */
function toHwio(w: Float32Array, o: number, i: number, h: number, k: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < h; y++) for (let z = 0; z < k; z++) {
    out[((y * k + z) * i + b) * o + a] = w[((a * i + b) * h + y) * k + z]!;
  }
  return out;
}

/**
 * A stride-1, unpadded convolution (NHWC, HWIO filter) whose gradients avoid the
 * Conv2DBackpropFilter kernel that @tensorflow/tfjs-backend-wasm lacks. The input gradient is
 * tf.conv2dTranspose (the Conv2DBackpropInput kernel, which wasm has: tfjs's own conv2d gradient
 * uses it); the filter gradient is a *forward* conv2d on transposed tensors:
 * dW[kh,kw,ci,co] = Σ_{n,h,w} x[n,h+kh,w+kw,ci]·dy[n,h,w,co] is conv2d of x as [ci,H,W,n]
 * (batch ci, channels n) with dy as the filter [oh,ow,n,co], giving [ci,kh,kw,co] → HWIO.
 */
function filterGradByForwardConv(w: tf.Tensor4D, dy: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor4D {
  const xT = tf.transpose(x, [3, 1, 2, 0]);
  const dyT = tf.transpose(dy, [1, 2, 0, 3]);
  const dwT = tf.conv2d(xT, dyT, 1, 'valid'); // [ci, kh, kw, co]
  const dw = tf.transpose(dwT, [1, 2, 0, 3]);
  if (dw.shape.some((n, i) => n !== w.shape[i])) throw new Error(`filter gradient shape ${dw.shape} ≠ ${w.shape}`);
  return dw;
}

/** conv(x, w) with both gradients, [dx, dW]. */
function wasmConvWithInputGrad(): (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D {
  return tf.customGrad((...args: unknown[]) => {
    const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.conv2d(x, w, 1, 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        return [tf.conv2dTranspose(dy4, ws, xs.shape, 1, 'valid'), filterGradByForwardConv(ws, dy4, xs)];
      },
    };
  }) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
}

/** conv(w) of a constant x: dW only, as tfjs's own gradient computes none for an input that needs none. */
function wasmConvOfConstant(x: tf.Tensor4D): (w: tf.Tensor4D) => tf.Tensor4D {
  return tf.customGrad((...args: unknown[]) => {
    const [w, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    // x too: variableGrads disposes the forward pass's tensors (x is one) before backward.
    save([w, x]);
    return {
      value: tf.conv2d(x, w, 1, 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        [filterGradByForwardConv(saved[0] as tf.Tensor4D, dy as tf.Tensor4D, saved[1] as tf.Tensor4D)],
    };
  }) as (w: tf.Tensor4D) => tf.Tensor4D;
}

async function tfjsLenet(d: LenetData, backend: TfBackend, forwardOnly = false): Promise<MlpStep> {
  await useBackend(backend);
  const { batch, classes } = LENET;
  const x = tf.tensor4d(d.x, [batch, 28, 28, 1]); // one channel: NCHW and NHWC hold the same order
  const onehot = tf.tensor2d(d.onehot, [batch, classes]);
  const w1 = tf.variable(tf.tensor4d(toHwio(d.w1, 6, 1, 5, 5), [5, 5, 1, 6]));
  const b1 = tf.variable(tf.tensor1d(d.b1));
  const w2 = tf.variable(tf.tensor4d(toHwio(d.w2, 16, 6, 5, 5), [5, 5, 6, 16]));
  const b2 = tf.variable(tf.tensor1d(d.b2));
  const w3 = tf.variable(tf.tensor2d(d.w3, [400, classes]));
  const b3 = tf.variable(tf.tensor1d(d.b3));
  const vars = [w1, b1, w2, b2, w3, b3];
  // cpu (the reference path, unchanged): tfjs's own conv2d and its gradients. wasm has no
  // Conv2DBackpropFilter kernel: the custom convolutions above, x padded explicitly (tf.pad, inside
  // the step, as conv2d pads inside its kernel). The forward-only run keeps plain tf.conv2d on both.
  const custom = backend === 'wasm' && !forwardOnly;
  const conv2 = custom ? wasmConvWithInputGrad() : undefined;
  const conv1 = (): tf.Tensor4D => {
    if (!custom) return tf.conv2d(x, w1, 1, [[0, 0], [2, 2], [2, 2], [0, 0]]);
    const xpad = tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]]);
    return wasmConvOfConstant(xpad)(w1);
  };
  const lossOf = (): tf.Scalar => {
    const c1 = tf.relu(tf.add(conv1(), b1));
    const p1 = tf.maxPool(c1 as tf.Tensor4D, 2, 2, 'valid');
    const c2 = tf.relu(tf.add(conv2 ? conv2(p1, w2) : tf.conv2d(p1, w2, 1, 'valid'), b2));
    const p2 = tf.maxPool(c2 as tf.Tensor4D, 2, 2, 'valid');
    // Flatten in our (C, H, W) order so that w3 means the same in both.
    const flatNchw = tf.reshape(tf.transpose(p2, [0, 3, 1, 2]), [batch, 400]);
    const logits = tf.add(tf.matMul(flatNchw, w3), b3);
    return tf.mul(tf.sum(tf.mul(tf.logSoftmax(logits), onehot)), -1 / batch) as tf.Scalar;
  };
  return () => {
    if (forwardOnly) return { loss: tf.tidy(() => lossOf().dataSync()[0]!), grads: () => [] };
    let grads: Float32Array[] = [];
    const loss = tf.tidy(() => {
      const result = tf.variableGrads(lossOf, vars);
      if (collectGrads) {
        grads = vars.map((v, i) => {
          const g = result.grads[v.name]!.dataSync() as Float32Array;
          if (i === 0) return toOihw(g, 6, 1, 5, 5);
          if (i === 2) return toOihw(g, 16, 6, 5, 5);
          return g;
        });
      }
      return result.value.dataSync()[0]!;
    });
    return { loss, grads: () => grads };
  };
}

/** HWIO → OIHW, for comparing tfjs's filter gradients with ours. */
function toOihw(w: Float32Array, o: number, i: number, h: number, k: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < h; y++) for (let z = 0; z < k; z++) {
    out[((a * i + b) * h + y) * k + z] = w[((y * k + z) * i + b) * o + a]!;
  }
  return out;
}

async function benchLenet(options: MeasureOptions): Promise<WorkloadResult[]> {
  const d = lenetData();
  const ours = oursLenet(d);
  const cpu = await tfjsLenet(d, 'cpu');
  const wasm = await tfjsLenet(d, 'wasm');
  const reference = ours();
  const expected = reference.grads();
  for (const [name, step, backend] of [['tfjs-cpu', cpu, 'cpu'], ['tfjs-wasm', wasm, 'wasm']] as const) {
    await useBackend(backend);
    collectGrads = true;
    const got = step();
    collectGrads = false;
    const via = backend === 'wasm' ? '; filter gradients by forward conv2d' : '';
    check(`LeNet step, ours vs ${name} (loss ${reference.loss.toFixed(4)} vs ${got.loss.toFixed(4)}; six gradients${via})`,
      Math.max(relDiff(got.grads(), expected), Math.abs(got.loss - reference.loss) / Math.abs(reference.loss)), 1e-3);
  }
  const viaGluon = oursLenetGluon(d);
  const layered = viaGluon();
  check(`LeNet step, gluon layers vs npx ops (loss ${layered.loss.toFixed(4)} vs ${reference.loss.toFixed(4)}; six gradients)`,
    Math.max(relDiff(layered.grads(), expected), Math.abs(layered.loss - reference.loss) / Math.abs(reference.loss)), 1e-5);
  // The forward pass alone (its own row), plain tf.conv2d on both tfjs backends.
  const oursForward = oursLenet(d, true);
  const cpuForward = await tfjsLenet(d, 'cpu', true);
  const wasmForward = await tfjsLenet(d, 'wasm', true);
  await useBackend('wasm');
  const wasmLoss = wasmForward().loss;
  check(`LeNet forward, ours vs tfjs-wasm (loss ${reference.loss.toFixed(4)} vs ${wasmLoss.toFixed(4)})`, Math.abs(wasmLoss - reference.loss) / Math.abs(reference.loss), 1e-4);
  const step: Contender[] = [
    { name: OURS, run: () => ours().loss },
    { name: 'ours, gluon', run: () => viaGluon().loss },
    { name: 'tfjs-cpu', setup: () => useBackend('cpu'), run: () => cpu().loss },
    { name: 'tfjs-wasm', setup: () => useBackend('wasm'), run: () => wasm().loss },
  ];
  const forward: Contender[] = [
    { name: OURS, run: () => oursForward().loss },
    { name: 'tfjs-cpu', setup: () => useBackend('cpu'), run: () => cpuForward().loss },
    { name: 'tfjs-wasm', setup: () => useBackend('wasm'), run: () => wasmForward().loss },
  ];
  return [
    {
      group: 'lenet',
      title: 'LeNet step, batch 64, 1×28×28 → 6@5×5 → pool → 16@5×5 → pool → 10 (fwd+bwd)\n'
        + '(tfjs-wasm: filter gradients by a forward conv2d,\n'
        + 'the backend has no Conv2DBackpropFilter kernel)',
      unit: { kind: 'ms' },
      results: await measure(step, options),
      target: { text: 'faster than tfjs-cpu', holds: (o, by) => o.medianMs < by.get('tfjs-cpu')!.medianMs },
    },
    {
      group: 'lenet',
      title: 'LeNet forward, batch 64 (the same network, no gradients)',
      unit: { kind: 'ms' },
      results: await measure(forward, options),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 2. A graph of 10,000 scalar ops: 2,500 residual steps acc = tanh(acc·w + x) + acc, with 50
// weights w and 50 inputs x (all with gradients) reused in turn.

function plainScalar(leaves: { w: number[]; x: number[] }): ScalarRun {
  const w = leaves.w.map((v) => new Value(v));
  const x = leaves.x.map((v) => new Value(v));
  const all = [...w, ...x];
  const { steps, leaves: n } = SCALAR;
  return () => {
    for (const leaf of all) leaf.grad = 0;
    let acc = x[0]!;
    for (let i = 0; i < steps; i++) acc = acc.mul(w[i % n]!).add(x[(i + 1) % n]!).tanh().add(acc);
    acc.backward();
    return { value: acc.data, grads: () => all.map((leaf) => leaf.grad) };
  };
}

async function tfjsScalar(leaves: { w: number[]; x: number[] }, backend: TfBackend): Promise<ScalarRun> {
  await useBackend(backend);
  const w = leaves.w.map((v) => tf.variable(tf.scalar(v)));
  const x = leaves.x.map((v) => tf.variable(tf.scalar(v)));
  const all = [...w, ...x];
  const { steps, leaves: n } = SCALAR;
  return () => {
    let grads: number[] = [];
    const value = tf.tidy(() => {
      const result = tf.variableGrads(() => {
        let acc: tf.Tensor = x[0]!;
        for (let i = 0; i < steps; i++) acc = tf.add(tf.tanh(tf.add(tf.mul(acc, w[i % n]!), x[(i + 1) % n]!)), acc);
        return acc as tf.Scalar;
      }, all);
      if (collectGrads) grads = all.map((v) => result.grads[v.name]!.dataSync()[0]!);
      return result.value.dataSync()[0]!;
    });
    return { value, grads: () => grads };
  };
}

async function benchScalar(options: MeasureOptions): Promise<WorkloadResult> {
  const leaves = scalarLeaves();
  const ours = oursScalar(leaves);
  const plain = plainScalar(leaves);
  const cpu = await tfjsScalar(leaves, 'cpu');

  // The graph really has 10,000 recorded ops.
  const probe = autograd.record(() => {
    const w = leaves.w.map((v) => np.array(v));
    const x = leaves.x.map((v) => np.array(v));
    for (const leaf of [...w, ...x]) leaf.attachGrad();
    let acc = x[0]!;
    for (let i = 0; i < SCALAR.steps; i++) acc = np.tanh(acc.mul(w[i % SCALAR.leaves]!).add(x[(i + 1) % SCALAR.leaves]!)).add(acc);
    return acc;
  });
  const nodes = autograd.countNodes(probe);
  if (nodes !== SCALAR_OPS) checks.push(`MISMATCH scalar graph: ${nodes} recorded ops, expected ${SCALAR_OPS}`);

  const expected = plain();
  const got = ours();
  check(`scalar graph, ours (float32) vs plain JS (float64) (output ${got.value.toFixed(4)} vs ${expected.value.toFixed(4)}; 100 leaf gradients)`,
    relDiff([[got.value, ...got.grads()]], [[expected.value, ...expected.grads()]]), 1e-3);
  await useBackend('cpu');
  collectGrads = true;
  const tfGot = cpu();
  collectGrads = false;
  check(`scalar graph, tfjs-cpu vs plain JS (output ${tfGot.value.toFixed(4)})`,
    relDiff([[tfGot.value, ...tfGot.grads()]], [[expected.value, ...expected.grads()]]), 1e-3);

  const contenders: Contender[] = [
    { name: OURS, run: () => ours().value },
    { name: 'tfjs-cpu', setup: () => useBackend('cpu'), run: () => cpu().value },
    { name: 'plain JS', run: () => plain().value },
  ];
  return {
    group: 'scalar',
    title: 'scalar graph, 10,000 ops (fwd+bwd)',
    unit: { kind: 'perOp', ops: SCALAR_OPS },
    results: await measure(contenders, options),
    earlier: { 'tfjs-cpu': '15.7 µs/op', 'plain JS': '1.04 µs/op' },
    target: { text: '≤ 2 µs/op', holds: (ours) => (ours.medianMs * 1000) / SCALAR_OPS <= 2 },
  };
}

// ---------------------------------------------------------------------------------------------
// 3. matmul 512×512.

const MATMUL_N = 512;

/** Measures, then leaves the engine on its WebAssembly kernels for the workloads after. */
async function measureThenWasm(contenders: Contender[], options: MeasureOptions): Promise<Measurement[]> {
  try {
    return await measure(contenders, options);
  } finally {
    useKernels('wasm');
    useThreads(THREADS);
  }
}

/** tfjs ops compute eagerly: the product exists when matMul returns; then its memory is freed. */
function disposeAfter(result: tf.Tensor): number {
  result.dispose();
  return result.size;
}

async function benchMatmul(options: MeasureOptions): Promise<WorkloadResult> {
  const n = MATMUL_N;
  const random = seededUniform(3);
  const a = normalArray(n * n, 1, random);
  const b = normalArray(n * n, 1, random);
  const A = ndarray(a, [n, n]);
  const B = ndarray(b, [n, n]);
  const tensors = async (backend: TfBackend) => {
    await useBackend(backend);
    return [tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])] as const;
  };
  const [cpuA, cpuB] = await tensors('cpu');
  const [wasmA, wasmB] = await tensors('wasm');
  const tfMatmul = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.tidy(() => tf.matMul(x, y).dataSync());

  const expected = plainMatmulIKJ(a, b, n);
  check('matmul, ours vs plain i-k-j loop', relDiff([flat(np.matmul(A, B))], [expected]), 1e-5);
  await useBackend('cpu');
  check('matmul, tfjs-cpu vs plain i-k-j loop', relDiff([tfMatmul(cpuA, cpuB)], [expected]), 1e-5);
  await useBackend('wasm');
  check('matmul, tfjs-wasm vs plain i-k-j loop', relDiff([tfMatmul(wasmA, wasmB)], [expected]), 1e-5);

  useKernels('js');
  check('matmul, ours (JS kernels) vs plain i-k-j loop', relDiff([flat(np.matmul(A, B))], [expected]), 1e-5);
  useKernels('wasm');
  const contenders: Contender[] = [
    { name: OURS, setup: () => { useKernels('wasm'); useThreads(THREADS); }, run: () => np.matmul(A, B) },
    { name: OURS_ONE, setup: () => { useKernels('wasm'); useThreads(1); }, run: () => np.matmul(A, B) },
    { name: OURS_JS, setup: () => useKernels('js'), run: () => np.matmul(A, B) },
    // The same number of floating-point operations as the product, as the kernel's SIMD multiplies
    // and adds in registers only: this machine's one-core WebAssembly SIMD peak (ours/ref: the
    // fraction of it the product reaches is 1 ÷ that ratio).
    { name: 'WebAssembly SIMD peak', run: () => simdPeakProbe((2 * n * n * n) / PEAK_PROBE_FLOPS) },
    { name: 'tfjs-cpu', setup: () => useBackend('cpu'), run: () => disposeAfter(tf.matMul(cpuA, cpuB)) },
    { name: 'tfjs-wasm', setup: () => useBackend('wasm'), run: () => disposeAfter(tf.matMul(wasmA, wasmB)) },
    { name: 'plain i-k-j', run: () => plainMatmulIKJ(a, b, n) },
  ];
  return {
    group: 'matmul',
    title: 'matmul 512×512 · 512×512',
    unit: { kind: 'gflops', flops: 2 * n * n * n },
    results: await measureThenWasm(contenders, options),
    earlier: { 'tfjs-cpu': '0.93 GFLOP/s', 'tfjs-wasm': '28 GFLOP/s' },
  };
}

// ---------------------------------------------------------------------------------------------
// 3b. Every transpose combination at 512 and 1024 (issue 16's target rows): ours with the transpose
// flags, npx.batchDot(a, b, { transposeA, transposeB }) on a batch of one (what backward's products
// run), against tfjs-wasm's matMul with its flags; and, informative, np.dot of a.T and b.T as a
// program may write it (each .T a new array: MXNet's transpose copies). The target: at least
// tfjs-wasm's A·B rate at that size, in the same run.

async function benchTransposes(options: MeasureOptions): Promise<WorkloadResult[]> {
  const out: WorkloadResult[] = [];
  for (const n of [512, 1024]) {
    const random = seededUniform(5 + n);
    const a = normalArray(n * n, 1, random);
    const b = normalArray(n * n, 1, random);
    const A = ndarray(a, [n, n]);
    const B = ndarray(b, [n, n]);
    const [A3, B3] = [A.reshape([1, n, n]), B.reshape([1, n, n])];
    await useBackend('wasm');
    const [tA, tB] = [tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])];
    let tfjsPlainMs = Number.NaN; // tfjs-wasm's A·B at this size: the target's reference
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const name = `${transposeA ? 'Aᵀ' : 'A'}·${transposeB ? 'Bᵀ' : 'B'}`;
      const ours = () => npx.batchDot(A3, B3, { transposeA, transposeB });
      const copied = () => np.dot(transposeA ? A.T : A, transposeB ? B.T : B);
      const theirs = () => tf.tidy(() => tf.matMul(tA, tB, transposeA, transposeB).dataSync());
      check(`matmul ${n} ${name}, ours vs tfjs-wasm`, relDiff([flat(ours())], [theirs()]), 1e-4);
      check(`matmul ${n} ${name}, np.dot of .T vs tfjs-wasm`, relDiff([flat(copied())], [theirs()]), 1e-4);
      const withThreads = () => { useKernels('wasm'); useThreads(THREADS); };
      const results = await measureThenWasm([
        { name: OURS, setup: withThreads, run: ours },
        { name: OURS_ONE, setup: () => { useKernels('wasm'); useThreads(1); }, run: ours },
        ...(transposeA || transposeB ? [{ name: 'ours, np.dot of .T (copies)', setup: withThreads, run: copied }] : []),
        { name: 'tfjs-wasm', setup: () => useBackend('wasm'), run: () => disposeAfter(tf.matMul(tA, tB, transposeA, transposeB)) },
      ], options);
      if (!transposeA && !transposeB) tfjsPlainMs = results.find((r) => r.name === 'tfjs-wasm')!.medianMs;
      const reference = tfjsPlainMs;
      out.push({
        group: 'transposes',
        title: `matmul ${n}×${n}, ${name}`,
        unit: { kind: 'gflops', flops: 2 * n * n * n },
        results,
        // Issue 16: one thread at least tfjs-wasm's A·B rate (itself on one thread), two ≥ 1.7× it.
        target: {
          text: `1 thread ≥ tfjs-wasm A·B, ${THREADS} ≥ 1.7×`,
          holds: (o, by) => by.get(OURS_ONE)!.medianMs <= reference && (THREADS < 2 || o.medianMs * 1.7 <= reference),
        },
      });
    }
    tA.dispose();
    tB.dispose();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 4. Elementwise ops and reductions, 1M float32 elements, against plain typed-array loops.

const ROWS = 1000;
const COLS = 1000;

async function benchElementwise(options: MeasureOptions): Promise<WorkloadResult[]> {
  const random = seededUniform(4);
  const a = uniformArray(ROWS * COLS, -2, 2, random);
  const b = uniformArray(ROWS * COLS, -2, 2, random);
  const row = uniformArray(COLS, -2, 2, random);
  const A = ndarray(a, [ROWS, COLS]);
  const B = ndarray(b, [ROWS, COLS]);
  const R = ndarray(row, [COLS]);
  const absA = a.map(Math.abs);
  const AbsA = ndarray(absA, [ROWS, COLS]);
  const cases: { title: string; ours: () => NDArray; plain: () => Float32Array }[] = [
    { title: 'add [1000,1000] + [1000,1000]', ours: () => np.add(A, B), plain: () => plainAdd(a, b) },
    { title: 'mul [1000,1000] · [1000,1000]', ours: () => np.multiply(A, B), plain: () => plainMul(a, b) },
    { title: 'exp [1000,1000]', ours: () => np.exp(A), plain: () => plainExp(a) },
    { title: 'tanh [1000,1000]', ours: () => np.tanh(A), plain: () => plainTanh(a) },
    { title: 'log [1000,1000] (of |a|)', ours: () => np.log(AbsA), plain: () => plainLog(absA) },
    { title: 'add [1000,1000] + [1000] (broadcast)', ours: () => np.add(A, R), plain: () => plainAddRow(a, row, ROWS, COLS) },
    { title: 'sum [1000,1000], all', ours: () => np.sum(A), plain: () => plainSum(a) },
    { title: 'sum [1000,1000], axis 0', ours: () => np.sum(A, 0), plain: () => plainSumAxis0(a, ROWS, COLS) },
    { title: 'sum [1000,1000], axis 1', ours: () => np.sum(A, 1), plain: () => plainSumAxis1(a, ROWS, COLS) },
    { title: 'max [1000,1000], all', ours: () => np.max(A), plain: () => plainMax(a) },
  ];
  let worst = 0;
  for (const c of cases) worst = Math.max(worst, relDiff([flat(c.ours())], [c.plain()]));
  check(`elementwise and reductions, ours vs plain loops (${cases.length} cases)`, worst, 1e-5);

  const out: WorkloadResult[] = [];
  for (const c of cases) {
    progress(`  ${c.title}`);
    out.push({
      group: 'elementwise',
      title: c.title,
      unit: { kind: 'ms' },
      results: await measureThenWasm([
        { name: OURS, setup: () => useKernels('wasm'), run: c.ours },
        { name: OURS_JS, setup: () => useKernels('js'), run: c.ours },
        { name: 'plain loop', run: c.plain },
      ], options),
      // Issue 16: half the time of the JS kernels (today's). The earlier target, ≤ 1.5× the plain
      // loop, is what the JS kernels row shows against the plain one.
      target: { text: '≤ 0.5× JS kernels', holds: (ours, by) => ours.medianMs <= 0.5 * by.get(OURS_JS)!.medianMs },
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 5. Why kernels are specialised per dtype (engine/kernels/specialize.ts): one copy of a loop that
// only ever sees Float32Array against another copy of the same source that has also been fed
// Float64Array, as a single shared kernel would be. Kernels only (outputs preallocated), float32
// data, 1M elements. Informational, no target.

const KERNELS = {
  'add, out[i] = a[i] + b[i]': `(a, b, out) => { for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i]; return out; }`,
  'dot, four partial sums': `(a, b, out) => {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < a.length; i += 4) { s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]; }
    out[0] = s0 + s1 + s2 + s3;
    return out;
  }`,
} as const;

type Kernel = (a: Float32Array | Float64Array, b: Float32Array | Float64Array, out: Float32Array | Float64Array) => unknown;

/** A fresh compiled copy of `source` (what specialize.ts makes per dtype). */
function compileKernel(source: string): Kernel {
  return new Function(`"use strict"; return (${source});`)() as Kernel;
}

async function benchSpecialize(options: MeasureOptions): Promise<WorkloadResult[]> {
  const random = seededUniform(5);
  const a = uniformArray(ROWS * COLS, -2, 2, random);
  const b = uniformArray(ROWS * COLS, -2, 2, random);
  const out = new Float32Array(ROWS * COLS);
  const a64 = Float64Array.from(a);
  const b64 = Float64Array.from(b);
  const out64 = new Float64Array(ROWS * COLS);
  const results: WorkloadResult[] = [];
  for (const [title, source] of Object.entries(KERNELS)) {
    progress(`  ${title}`);
    const own = compileKernel(source);
    const shared = compileKernel(source);
    // Both element types reach the shared copy while it warms up.
    for (let i = 0; i < 20; i++) { own(a, b, out); shared(a, b, out); shared(a64, b64, out64); }
    results.push({
      group: 'specialize',
      title: `kernel: ${title}`,
      unit: { kind: 'ms' },
      primary: 'float32 copy',
      results: await measure([
        { name: 'float32 copy', run: () => own(a, b, out) },
        { name: 'shared copy', run: () => shared(a, b, out) },
      ], options),
    });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<void> {
  const { only, rounds, samples: showSamples } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const cpus = os.cpus();
  console.log('GradLens engine benchmark');
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${os.type()} ${os.release()} ${os.arch()}`);
  console.log(`runtime: Node.js ${process.version} (V8 ${process.versions.v8}); ${new Date().toISOString()}`);
  const tfjsInfo = await initTfjs();
  console.log(`references: ${tfjsInfo}; plain JavaScript written in bench/plain.ts`);
  const kernels = kernelInfo();
  console.log(`our kernels: WebAssembly SIMD ${kernels.webAssembly ? 'loaded' : 'missing (JS kernels)'}, memory ${kernels.sharedMemory ? 'shared' : 'not shared'}, `
    + `${THREADS} thread${THREADS === 1 ? '' : 's'} for big products ("${OURS}"; "${OURS_ONE}" rows: useThreads(1))`);
  if (!gcExposed) console.log('note: run with node --expose-gc so that garbage is collected between samples');

  const r = (n: number) => rounds ?? n;
  const workloads: WorkloadResult[] = [];
  if (only.has('mlp')) {
    progress('MLP step…');
    workloads.push(await benchMlp({ rounds: r(9), sampleMs: 150, warmupMs: 600, minWarmupCalls: 3 }));
  }
  if (only.has('lenet')) {
    progress('LeNet step…');
    workloads.push(...await benchLenet({ rounds: r(7), sampleMs: 300, warmupMs: 600, minWarmupCalls: 2 }));
  }
  if (only.has('scalar')) {
    progress('scalar graph…');
    workloads.push(await benchScalar({ rounds: r(9), sampleMs: 300, warmupMs: 600, minWarmupCalls: 3 }));
  }
  if (only.has('matmul')) {
    progress('matmul…');
    workloads.push(await benchMatmul({ rounds: r(7), sampleMs: 100, warmupMs: 400, minWarmupCalls: 2 }));
  }
  if (only.has('transposes')) {
    progress('matmul, every transpose, 512 and 1024…');
    workloads.push(...await benchTransposes({ rounds: r(5), sampleMs: 100, warmupMs: 300, minWarmupCalls: 2 }));
  }
  if (only.has('elementwise')) {
    progress('elementwise and reductions…');
    workloads.push(...await benchElementwise({ rounds: r(11), sampleMs: 50, warmupMs: 150, minWarmupCalls: 5 }));
  }
  if (only.has('specialize')) {
    progress('kernel specialisation…');
    workloads.push(...await benchSpecialize({ rounds: r(11), sampleMs: 50, warmupMs: 150, minWarmupCalls: 5 }));
  }

  console.log('');
  console.log('checks (every contender computes the same values; not timings):');
  for (const line of checks) console.log(`  ${line}`);
  console.log('');
  if (showSamples) {
    console.log('samples (one per round, in round order; calls per sample in brackets):');
    for (const w of workloads) {
      for (const m of w.results) console.log(`  ${w.title} | ${m.name} [${m.calls}]: ${m.samples.map((x) => inUnit(x, w.unit)).join(', ')}`);
    }
    console.log('');
  }
  const { table, outcomes } = report(workloads);
  console.log(table);
  console.log('');
  console.log('median/min: over the timed rounds, each round running every contender once (interleaved, rotating order),');
  console.log('  each sample the mean of a batch of calls. For GFLOP/s, "min" is the rate of the fastest sample.');
  console.log('ours/ref: our median time ÷ the reference\'s median time (< 1: ours is faster); in the kernel rows,');
  console.log('  the float32-only copy ÷ the copy shared with float64.');
  console.log('earlier: the reference figures measured on this machine before, from the issue.');
  const missed = outcomes.filter((o) => !o.holds);
  console.log('');
  if (outcomes.length === 0) console.log('targets: none among the selected workloads');
  else console.log(`targets: ${outcomes.length - missed.length} of ${outcomes.length} hold${missed.length > 0 ? `; missed: ${missed.map((o) => `${o.workload} (${o.text}, ${o.detail})`).join('; ')}` : ''}`);
  console.log(`total time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
