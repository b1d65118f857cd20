// The convolution and pooling kernels (engine/kernels/conv.ts, pool.ts) against independent
// references: TensorFlow.js (tfjs-core, CPU backend) in float32 for forward values and gradients,
// and loops written here straight from the definitions in float64 (to 1e-12), which also cover
// what tfjs lacks (average pooling that counts the padding in its divisor).
//
// tfjs is NHWC: the references transpose in and out. Its conv2d has neither groups nor gradients
// for dilation, so the reference splits the channels into groups and convolves with the filter
// dilated explicitly (zeros inserted between its taps) — a separate test checks that construction
// against tfjs's own dilated conv2d, and groups = C against tf.depthwiseConv2d.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import './tfjs-quiet'; // before the registrations below
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import type { TypedArray } from '../../engine/dtype';
import {
  convBackwardBias, convBackwardData, convBackwardWeight, convDataShape, convForward, convGeometry,
  convOutputShape, convTranspose, convWeightShape, type ConvGeometry,
} from '../../engine/kernels/conv';
import {
  avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward, poolGeometry,
  poolOutputShape, type PoolGeometry,
} from '../../engine/kernels/pool';
import { seededUniform } from '../../bench/plain';
import { geometryOf, type ConvCase } from './conv-cases';

// ---------------------------------------------------------------------------------------------
// Inputs and comparisons

const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/** Uniform values in [-1, 1) from a per-name seed; `step` rounds them to a grid (to force ties). */
function values(name: string, shape: readonly number[], step = 0): Float64Array {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  const rng = seededUniform(h);
  return Float64Array.from({ length: sizeOf(shape) }, () => {
    const v = rng() * 2 - 1;
    return step > 0 ? Math.round(v / step) * step : v;
  });
}

interface Tolerance { atol: number; rtol: number }
const FLOAT32: Tolerance = { atol: 1e-5, rtol: 1e-4 };
const FLOAT64: Tolerance = { atol: 1e-12, rtol: 1e-12 };

function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: size`);
  for (let i = 0; i < expected.length; i++) {
    const got = actual[i]!;
    const want = expected[i]!;
    if (Object.is(got, want)) continue;
    assert.ok(Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want), `${what} element ${i}: got ${got}, expected ${want}`);
  }
}

/** Runs `fn` in a tf.tidy and reads every tensor it returns. */
function fromTf(fn: () => tf.Tensor[]): { shape: number[]; values: Float32Array }[] {
  let out!: { shape: number[]; values: Float32Array }[];
  tf.tidy(() => { out = fn().map((t) => ({ shape: [...t.shape], values: t.dataSync() as Float32Array })); });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Convolution references

/** Straight from the definition, float64: y[n,o,i,j] = bias[o] + Σ w[o,c,a,b]·x[n, γC/G + c, i·s − p + a·d, …]. */
function loopConv(g: ConvGeometry, visit: (xIndex: number, wIndex: number, yIndex: number) => void): void {
  const [h, w] = g.input.length === 2 ? g.input : [1, g.input[0]!];
  const [kh, kw] = g.kernel.length === 2 ? g.kernel : [1, g.kernel[0]!];
  const [sh, sw] = g.stride.length === 2 ? g.stride : [1, g.stride[0]!];
  const [ph, pw] = g.pad.length === 2 ? g.pad : [0, g.pad[0]!];
  const [dh, dw] = g.dilate.length === 2 ? g.dilate : [1, g.dilate[0]!];
  const [oh, ow] = g.output.length === 2 ? g.output : [1, g.output[0]!];
  const cg = g.channels / g.groups;
  const og = g.filters / g.groups;
  for (let n = 0; n < g.batch; n++) for (let o = 0; o < g.filters; o++) for (let i = 0; i < oh!; i++) for (let j = 0; j < ow!; j++) {
    const yIndex = ((n * g.filters + o) * oh! + i) * ow! + j;
    const group = Math.floor(o / og);
    for (let c = 0; c < cg; c++) for (let a = 0; a < kh!; a++) for (let b = 0; b < kw!; b++) {
      const row = i * sh! - ph! + a * dh!;
      const col = j * sw! - pw! + b * dw!;
      if (row < 0 || row >= h! || col < 0 || col >= w!) continue;
      visit(((n * g.channels + group * cg + c) * h! + row) * w! + col, ((o * cg + c) * kh! + a) * kw! + b, yIndex);
    }
  }
}

function referenceConv(g: ConvGeometry, x: Float64Array, w: Float64Array, bias: Float64Array | null) {
  const positions = sizeOf(g.output);
  const y = Float64Array.from({ length: sizeOf(convOutputShape(g)) }, (_, t) => (bias ? bias[Math.floor(t / positions) % g.filters]! : 0));
  loopConv(g, (xi, wi, yi) => { y[yi] += w[wi]! * x[xi]!; });
  return y;
}

function referenceConvGrads(g: ConvGeometry, x: Float64Array, w: Float64Array, dy: Float64Array) {
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  loopConv(g, (xi, wi, yi) => { dx[xi] += w[wi]! * dy[yi]!; dw[wi] += x[xi]! * dy[yi]!; });
  const positions = sizeOf(g.output);
  const db = new Float64Array(g.filters);
  dy.forEach((v, t) => { db[Math.floor(t / positions) % g.filters] += v; });
  return { dx, dw, db };
}

/** The filter with d − 1 zeros between its taps along each spatial axis (tfjs layout: spatial axes first). */
function dilateFilter(f: tf.Tensor, dilate: readonly number[]): tf.Tensor {
  if (dilate.every((d) => d === 1)) return f;
  const spatial = dilate.length;
  const kernel = f.shape.slice(0, spatial);
  const rest = f.shape.slice(spatial);
  const spread = tf.reshape(f, [...kernel.flatMap((k) => [k, 1]), ...rest]);
  const padded = tf.pad(spread, [...dilate.flatMap((d) => [[0, 0], [0, d - 1]] as [number, number][]), ...rest.map(() => [0, 0] as [number, number])]);
  const merged = tf.reshape(padded, [...kernel.map((k, axis) => k * dilate[axis]!), ...rest]);
  return tf.slice(merged, 0, [...kernel.map((k, axis) => (k - 1) * dilate[axis]! + 1), ...rest]);
}

/** tfjs's convolution in NCHW / NCW, groups as separate convolutions of the channel slices. */
function tfConv(g: ConvGeometry, x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const twoD = g.input.length === 2;
  const channelsLast = tf.transpose(x, twoD ? [0, 2, 3, 1] : [0, 2, 1]);
  const filter = dilateFilter(tf.transpose(w, twoD ? [2, 3, 1, 0] : [2, 1, 0]), g.dilate);
  const xs = g.groups === 1 ? [channelsLast] : tf.split(channelsLast, g.groups, -1);
  const fs = g.groups === 1 ? [filter] : tf.split(filter, g.groups, -1);
  const ys = xs.map((xg, i) => (twoD
    ? tf.conv2d(xg as tf.Tensor4D, fs[i] as tf.Tensor4D, [g.stride[0]!, g.stride[1]!], [[0, 0], [g.pad[0]!, g.pad[0]!], [g.pad[1]!, g.pad[1]!], [0, 0]])
    // conv1d's numeric padding pads its hidden height axis too: pad the width with tf.pad instead.
    : tf.conv1d(tf.pad(xg, [[0, 0], [g.pad[0]!, g.pad[0]!], [0, 0]]) as tf.Tensor3D, fs[i] as tf.Tensor3D, g.stride[0]!, 'valid')));
  const y = tf.transpose(ys.length === 1 ? ys[0]! : tf.concat(ys, -1), twoD ? [0, 3, 1, 2] : [0, 2, 1]);
  return bias === null ? y : tf.add(y, tf.reshape(bias, [1, g.filters, ...g.output.map(() => 1)]));
}

const convCases: ConvCase[] = [
  { name: "d2l's learning a kernel: 1×2 on (1, 1, 6, 8)", data: [1, 1, 6, 8], weight: [1, 1, 1, 2] },
  { name: '3×3, pad 1, batch 2, 3 → 4 channels, bias', data: [2, 3, 5, 6], weight: [4, 3, 3, 3], pad: [1, 1], bias: true },
  { name: '3×3, stride 2, pad 1', data: [2, 2, 7, 7], weight: [3, 2, 3, 3], stride: [2, 2], pad: [1, 1], bias: true },
  { name: '2×3 kernel, stride [2, 1], pad 2 (windows beyond the data)', data: [1, 2, 5, 4], weight: [2, 2, 2, 3], stride: [2, 1], pad: [2, 2] },
  { name: '3×3, dilation 2, pad 2', data: [2, 2, 7, 8], weight: [2, 2, 3, 3], dilate: [2, 2], pad: [2, 2], bias: true },
  { name: 'dilation [2, 1] with stride 2, pad [1, 0]', data: [1, 3, 9, 7], weight: [2, 3, 3, 2], dilate: [2, 1], stride: [2, 2], pad: [1, 0] },
  { name: '1×1 kernel, 4 → 3 channels, batch 3', data: [3, 4, 3, 5], weight: [3, 4, 1, 1], bias: true },
  { name: 'groups 2: 4 → 6 channels, 3×3, stride 2, pad 1', data: [2, 4, 6, 5], weight: [6, 2, 3, 3], stride: [2, 2], pad: [1, 1], groups: 2, bias: true },
  { name: 'groups 3 with dilation 2 and stride [1, 2]', data: [2, 6, 8, 8], weight: [3, 2, 2, 2], dilate: [2, 2], stride: [1, 2], groups: 3 },
  { name: '20 filters of 3×3 on 3 channels (several of the multiply\'s 4×4 tiles)', data: [1, 3, 6, 6], weight: [20, 3, 3, 3], pad: [0, 0], bias: true },
  { name: '1-D: kernel 3, stride 2, pad 1, batch 2', data: [2, 3, 10], weight: [4, 3, 3], stride: [2], pad: [1], bias: true },
  { name: '1-D: dilation 2, pad 2, groups 3', data: [2, 3, 9], weight: [6, 1, 3], dilate: [2], pad: [2], groups: 3, bias: true },
  { name: '1-D: kernel 1, stride 3', data: [1, 2, 8], weight: [3, 2, 1], stride: [3] },
];

// ---------------------------------------------------------------------------------------------
// Pooling references

interface PoolCase {
  name: string;
  type: 'max' | 'avg';
  data: number[];
  kernel?: number[];
  stride?: number[];
  pad?: number[];
  global?: boolean;
  /** Round the inputs to this grid, for ties. */
  step?: number;
}

function poolGeometryOf(c: PoolCase): PoolGeometry {
  const spatial = c.data.length - 2;
  const kernel = c.kernel ?? Array.from({ length: spatial }, () => 1);
  return poolGeometry(c.data, { kernel, stride: c.stride ?? kernel, pad: c.pad ?? kernel.map(() => 0), globalPool: c.global ?? false });
}

/** Every window's cells of x (flat indices, row-major), straight from the definition. */
function windows(g: PoolGeometry): number[][] {
  const [h, w] = g.input.length === 2 ? g.input : [1, g.input[0]!];
  const [kh, kw] = g.kernel.length === 2 ? g.kernel : [1, g.kernel[0]!];
  const [sh, sw] = g.stride.length === 2 ? g.stride : [1, g.stride[0]!];
  const [ph, pw] = g.pad.length === 2 ? g.pad : [0, g.pad[0]!];
  const [oh, ow] = g.output.length === 2 ? g.output : [1, g.output[0]!];
  const all: number[][] = [];
  for (let plane = 0; plane < g.batch * g.channels; plane++) for (let i = 0; i < oh!; i++) for (let j = 0; j < ow!; j++) {
    const cells: number[] = [];
    for (let a = 0; a < kh!; a++) for (let b = 0; b < kw!; b++) {
      const row = i * sh! - ph! + a;
      const col = j * sw! - pw! + b;
      if (row >= 0 && row < h! && col >= 0 && col < w!) cells.push((plane * h! + row) * w! + col);
    }
    all.push(cells);
  }
  return all;
}

function referencePool(c: PoolCase, g: PoolGeometry, x: Float64Array, dy: Float64Array) {
  const area = sizeOf(g.kernel);
  const dx = new Float64Array(x.length);
  const y = windows(g).map((cells, t) => {
    if (c.type === 'avg') {
      cells.forEach((cell) => { dx[cell] += dy[t]! / area; });
      return cells.reduce((s, cell) => s + x[cell]!, 0) / area;
    }
    const best = cells.reduce((at, cell) => (x[cell]! > x[at]! ? cell : at), cells[0]!);
    dx[best] += dy[t]!;
    return x[best]!;
  });
  return { y: Float64Array.from(y), dx };
}

/** tfjs's pooling in NCHW / NCW (1-D as 2-D of height 1). */
function tfPool(c: PoolCase, g: PoolGeometry, x: tf.Tensor): tf.Tensor {
  const twoD = g.input.length === 2;
  const as2D = twoD ? x : tf.reshape(x, [g.batch, g.channels, 1, g.input[0]!]);
  const k = twoD ? g.kernel : [1, g.kernel[0]!];
  const s = twoD ? g.stride : [1, g.stride[0]!];
  const p = twoD ? g.pad : [0, g.pad[0]!];
  const channelsLast = tf.transpose(as2D, [0, 2, 3, 1]) as tf.Tensor4D;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p[0]!, p[0]!], [p[1]!, p[1]!], [0, 0]];
  const pool = c.type === 'max' ? tf.maxPool : tf.avgPool;
  const y = tf.transpose(pool(channelsLast, [k[0]!, k[1]!], [s[0]!, s[1]!], pad), [0, 3, 1, 2]);
  return tf.reshape(y, poolOutputShape(g));
}

const poolCases: PoolCase[] = [
  { name: 'max 2×2, stride 2', type: 'max', data: [1, 1, 4, 4], kernel: [2, 2] },
  { name: 'max 3×3, stride 2 (overlapping windows), batch 2, 3 channels', type: 'max', data: [2, 3, 7, 7], kernel: [3, 3], stride: [2, 2] },
  { name: 'max 3×3, stride 2, pad 1', type: 'max', data: [2, 2, 6, 5], kernel: [3, 3], stride: [2, 2], pad: [1, 1] },
  { name: 'max 2×3, stride [1, 2], pad [1, 0]', type: 'max', data: [1, 2, 5, 7], kernel: [2, 3], stride: [1, 2], pad: [1, 0] },
  { name: 'max with ties (inputs on a grid of 0.5), overlapping', type: 'max', data: [2, 2, 6, 6], kernel: [3, 3], stride: [2, 2], pad: [1, 1], step: 0.5 },
  { name: 'max, global', type: 'max', data: [2, 3, 5, 4], global: true },
  { name: 'max 1-D, kernel 3, stride 2', type: 'max', data: [2, 3, 9], kernel: [3], stride: [2] },
  { name: 'max 1-D, kernel 2, stride 1, pad 1, ties', type: 'max', data: [1, 2, 7], kernel: [2], stride: [1], pad: [1], step: 1 },
  { name: 'avg 2×2, stride 2', type: 'avg', data: [1, 1, 4, 4], kernel: [2, 2] },
  { name: 'avg 3×3, stride 2 (overlapping windows), batch 2', type: 'avg', data: [2, 3, 7, 7], kernel: [3, 3], stride: [2, 2] },
  { name: 'avg 1-D, kernel 3, stride 2', type: 'avg', data: [2, 2, 9], kernel: [3], stride: [2] },
  { name: 'avg, global', type: 'avg', data: [2, 3, 5, 4], global: true },
];
/** Average pooling over padding: tfjs leaves padded cells out of the divisor, MXNet counts them (loops only). */
const paddedAvgCases: PoolCase[] = [
  { name: 'avg 3×3, stride 1, pad 1', type: 'avg', data: [2, 2, 4, 5], kernel: [3, 3], stride: [1, 1], pad: [1, 1] },
  { name: 'avg 3×3, stride 2, pad [1, 0]', type: 'avg', data: [1, 3, 7, 6], kernel: [3, 3], stride: [2, 2], pad: [1, 0] },
  { name: 'avg 1-D, kernel 3, stride 2, pad 1', type: 'avg', data: [2, 2, 8], kernel: [3], stride: [2], pad: [1] },
];

// ---------------------------------------------------------------------------------------------

const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };

suite('convolution kernels', () => {
  suiteSetup(async () => {
    assert.ok(await tf.setBackend('cpu'));
    await tf.ready();
  });

  test('the 2-D cross-correlation of d2l (2.6.1): a 3×3 input and a 2×2 kernel', () => {
    const g = convGeometry([1, 1, 3, 3], [1, 1, 2, 2], { stride: [1, 1], pad: [0, 0], dilate: [1, 1], groups: 1 });
    const x = Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8);
    const k = Float32Array.of(0, 1, 2, 3);
    assert.deepEqual(convOutputShape(g), [1, 1, 2, 2]);
    assert.deepEqual(Array.from(convForward('float32', x, k, null, g)), [19, 25, 37, 43]);
  });

  test("d2l's edge detector: kernel [1, −1] marks where the ones end and begin", () => {
    const g = convGeometry([1, 1, 6, 8], [1, 1, 1, 2], { stride: [1, 1], pad: [0, 0], dilate: [1, 1], groups: 1 });
    const x = Float64Array.from({ length: 48 }, (_, i) => (i % 8 >= 2 && i % 8 < 6 ? 0 : 1));
    const y = convForward('float64', x, Float64Array.of(1, -1), null, g);
    for (let row = 0; row < 6; row++) assert.deepEqual(Array.from(y.subarray(row * 7, row * 7 + 7)), [0, 1, 0, 0, 0, -1, 0]);
  });

  for (const c of convCases) {
    test(`${c.name}: forward and gradients equal tfjs (float32)`, () => {
      const g = geometryOf(c);
      const x = values(`${c.name}/x`, c.data);
      const w = values(`${c.name}/w`, c.weight);
      const b = c.bias ? values(`${c.name}/b`, [c.weight[0]!]) : null;
      const dy = values(`${c.name}/dy`, convOutputShape(g));
      const [y, dx, dw, db] = fromTf(() => {
        const inputs = [tf.tensor(f32(x), c.data), tf.tensor(f32(w), c.weight), ...(b ? [tf.tensor(f32(b), [b.length])] : [])];
        const forward = (xt: tf.Tensor, wt: tf.Tensor, bt?: tf.Tensor) => tfConv(g, xt, wt, bt ?? null);
        return [forward(inputs[0]!, inputs[1]!, inputs[2]), ...tf.grads(forward)(inputs, tf.tensor(f32(dy), convOutputShape(g)))];
      });
      assert.deepEqual(y!.shape, convOutputShape(g), 'output shape');
      assertAllClose(convForward('float32', f32(x), f32(w), b && f32(b), g), y!.values, FLOAT32, 'forward');
      assertAllClose(convBackwardData('float32', f32(dy), f32(w), g), dx!.values, FLOAT32, '∂x');
      assertAllClose(convBackwardWeight('float32', f32(x), f32(dy), g), dw!.values, FLOAT32, '∂w');
      if (b) assertAllClose(convBackwardBias('float32', f32(dy), g), db!.values, FLOAT32, '∂bias');
    });

    test(`${c.name}: float64 equals the definition's loops to 1e-12`, () => {
      const g = geometryOf(c);
      const x = values(`${c.name}/x`, c.data);
      const w = values(`${c.name}/w`, c.weight);
      const b = c.bias ? values(`${c.name}/b`, [c.weight[0]!]) : null;
      const dy = values(`${c.name}/dy`, convOutputShape(g));
      const expected = referenceConvGrads(g, x, w, dy);
      const y = convForward('float64', x, w, b, g);
      assert.ok(y instanceof Float64Array, 'computed in float64');
      assertAllClose(y, referenceConv(g, x, w, b), FLOAT64, 'forward');
      assertAllClose(convBackwardData('float64', dy, w, g), expected.dx, FLOAT64, '∂x');
      assertAllClose(convBackwardWeight('float64', x, dy, g), expected.dw, FLOAT64, '∂w');
      assertAllClose(convBackwardBias('float64', dy, g), expected.db, FLOAT64, '∂bias');
    });
  }

  test('the adjoint identities the second-order rules rest on (float64, every case)', () => {
    for (const c of convCases) {
      const g = geometryOf(c);
      const x = values(`${c.name}/x`, c.data);
      const w = values(`${c.name}/w`, c.weight);
      const dy = values(`${c.name}/dy`, convOutputShape(g));
      const gw = values(`${c.name}/gw`, c.weight);
      const forward = dot(dy, convForward('float64', x, w, null, g));
      // ⟨dy, conv(x, w)⟩ = ⟨convTranspose(dy, w), x⟩ = ⟨convBackwardWeight(x, dy), w⟩
      assert.ok(Math.abs(dot(convTranspose('float64', dy, w, null, g), x) - forward) < 1e-10, `${c.name}: transpose`);
      assert.ok(Math.abs(dot(convBackwardWeight('float64', x, dy, g), w) - forward) < 1e-10, `${c.name}: weight`);
      // ⟨gw, convBackwardWeight(x, dy)⟩ = ⟨conv(x, gw), dy⟩: the weight gradient's gradient w.r.t. dy
      assert.ok(Math.abs(dot(gw, convBackwardWeight('float64', x, dy, g)) - dot(convForward('float64', x, gw, null, g), dy)) < 1e-10, `${c.name}: dW w.r.t. dy`);
    }
  });

  test('the reference\'s dilated filter gives what tfjs\'s own dilated conv2d gives (forward)', () => {
    const c = convCases.find((k) => k.name.startsWith('3×3, dilation 2'))!;
    const g = geometryOf(c);
    const x = values(`${c.name}/x`, c.data);
    const w = values(`${c.name}/w`, c.weight);
    const [viaZeros, native] = fromTf(() => {
      const xt = tf.tensor(f32(x), c.data);
      const wt = tf.tensor(f32(w), c.weight);
      const nhwc = tf.transpose(xt, [0, 2, 3, 1]) as tf.Tensor4D;
      const filter = tf.transpose(wt, [2, 3, 1, 0]) as tf.Tensor4D;
      const direct = tf.conv2d(nhwc, filter, 1, [[0, 0], [2, 2], [2, 2], [0, 0]], 'NHWC', [2, 2]);
      return [tfConv(g, xt, wt, null), tf.transpose(direct, [0, 3, 1, 2])];
    });
    assertAllClose(viaZeros!.values, native!.values, FLOAT32, 'dilated');
  });

  test('groups = channels (depthwise) equal tf.depthwiseConv2d, with gradients', () => {
    // channel multiplier 2: output channel o reads input channel ⌊o/2⌋ (tfjs orders them the same way).
    const g = convGeometry([2, 3, 6, 5], [6, 1, 3, 3], { stride: [2, 2], pad: [1, 1], dilate: [1, 1], groups: 3 });
    const x = values('depthwise/x', [2, 3, 6, 5]);
    const w = values('depthwise/w', [6, 1, 3, 3]);
    const dy = values('depthwise/dy', convOutputShape(g));
    const [y, dx, dw] = fromTf(() => {
      const forward = (xt: tf.Tensor, wt: tf.Tensor) => {
        // (O, 1, kh, kw) → (kh, kw, C, multiplier)
        const filter = tf.transpose(tf.reshape(wt, [3, 2, 3, 3]), [2, 3, 0, 1]) as tf.Tensor4D;
        const out = tf.depthwiseConv2d(tf.transpose(xt, [0, 2, 3, 1]) as tf.Tensor4D, filter, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]);
        return tf.transpose(out, [0, 3, 1, 2]);
      };
      const inputs = [tf.tensor(f32(x), [2, 3, 6, 5]), tf.tensor(f32(w), [6, 1, 3, 3])];
      return [forward(inputs[0]!, inputs[1]!), ...tf.grads(forward)(inputs, tf.tensor(f32(dy), convOutputShape(g)))];
    });
    assertAllClose(convForward('float32', f32(x), f32(w), null, g), y!.values, FLOAT32, 'forward');
    assertAllClose(convBackwardData('float32', f32(dy), f32(w), g), dx!.values, FLOAT32, '∂x');
    assertAllClose(convBackwardWeight('float32', f32(x), f32(dy), g), dw!.values, FLOAT32, '∂w');
  });

  test('convTranspose equals tf.conv2dTranspose plus the bias (stride 2, pad 1)', () => {
    // The convolution it transposes maps (2, 3, 7, 7) to (2, 4, 4, 4).
    const g = convGeometry([2, 3, 7, 7], [4, 3, 3, 3], { stride: [2, 2], pad: [1, 1], dilate: [1, 1], groups: 1 });
    const u = values('transpose/u', convOutputShape(g));
    const w = values('transpose/w', convWeightShape(g));
    const bias = values('transpose/bias', [3]);
    const [expected] = fromTf(() => {
      const weight: tf.Tensor = tf.tensor(f32(w), convWeightShape(g));
      const input: tf.Tensor = tf.tensor(f32(u), convOutputShape(g));
      const filter = tf.transpose(weight, [2, 3, 1, 0]) as tf.Tensor4D; // (kh, kw, C, O)
      const uT = tf.transpose(input, [0, 2, 3, 1]) as tf.Tensor4D;
      const out = tf.conv2dTranspose(uT, filter, [2, 7, 7, 3], 2, 1);
      return [tf.add(tf.transpose(out, [0, 3, 1, 2]), tf.reshape(tf.tensor(f32(bias)), [1, 3, 1, 1]))];
    });
    assert.deepEqual(expected!.shape, convDataShape(g));
    assertAllClose(convTranspose('float32', f32(u), f32(w), f32(bias), g), expected!.values, FLOAT32, 'transposed convolution');
  });
});

suite('pooling kernels', () => {
  suiteSetup(async () => {
    assert.ok(await tf.setBackend('cpu'));
    await tf.ready();
  });

  test("d2l's pooling (2.7.1): max and average of a 3×3 input with 2×2 windows", () => {
    const g = poolGeometry([1, 1, 3, 3], { kernel: [2, 2], stride: [1, 1], pad: [0, 0] });
    const x = Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8);
    const { out, argmax } = maxPoolForward('float32', x, g);
    assert.deepEqual(Array.from(out), [4, 5, 7, 8]);
    assert.deepEqual(Array.from(argmax), [4, 5, 7, 8]);
    assert.deepEqual(Array.from(avgPoolForward('float32', x, g)), [2, 3, 5, 6]);
  });

  test('max ties go to the first maximum in window order, in the forward and the backward pass', () => {
    // Windows of 2×2, stride 1 on a constant plane: each gradient lands on its window's top-left cell.
    const g = poolGeometry([1, 1, 3, 3], { kernel: [2, 2], stride: [1, 1], pad: [0, 0] });
    const { argmax } = maxPoolForward('float64', new Float64Array(9).fill(2), g);
    assert.deepEqual(Array.from(argmax), [0, 1, 3, 4]);
    assert.deepEqual(Array.from(maxPoolBackward('float64', Float64Array.of(1, 10, 100, 1000), argmax, g)), [1, 10, 0, 100, 1000, 0, 0, 0, 0]);
  });

  test('padding never wins a max (all-negative inputs) and counts in an average', () => {
    const g = poolGeometry([1, 1, 2, 2], { kernel: [2, 2], stride: [1, 1], pad: [1, 1] });
    assert.deepEqual(g.output, [3, 3]);
    const x = Float64Array.of(-1, -2, -3, -4);
    assert.deepEqual(Array.from(maxPoolForward('float64', x, g).out), [-1, -1, -2, -1, -1, -2, -3, -3, -4]);
    assert.deepEqual(Array.from(avgPoolForward('float64', x, g)), [-0.25, -0.75, -0.5, -1, -2.5, -1.5, -0.75, -1.75, -1]);
  });

  test('a NaN wins its window (the first one), as in the reductions', () => {
    const g = poolGeometry([1, 1, 1, 4], { kernel: [1, 4], stride: [1, 1], pad: [0, 0] });
    const { out, argmax } = maxPoolForward('float64', Float64Array.of(1, NaN, 3, NaN), g);
    assert.ok(Number.isNaN(out[0]));
    assert.deepEqual(Array.from(argmax), [1]);
  });

  test('globalPool ignores kernel, stride and pad: one window per channel', () => {
    const g = poolGeometry([2, 3, 5, 4], { kernel: [2, 2], stride: [2, 2], pad: [1, 1], globalPool: true });
    assert.deepEqual({ kernel: g.kernel, stride: g.stride, pad: g.pad, output: g.output }, { kernel: [5, 4], stride: [1, 1], pad: [0, 0], output: [1, 1] });
  });

  test("the output size is MXNet's 'valid' convention: ⌊(size + 2p − k)/s⌋ + 1", () => {
    assert.deepEqual(poolGeometry([1, 1, 7, 8], { kernel: [3, 3], stride: [2, 2], pad: [0, 1] }).output, [3, 4]);
    assert.deepEqual(poolGeometry([1, 1, 10], { kernel: [4], stride: [3], pad: [1] }).output, [3]);
  });

  for (const c of poolCases) {
    test(`${c.name}: forward and gradient equal tfjs (float32)`, () => {
      const g = poolGeometryOf(c);
      const x = values(`${c.name}/x`, c.data, c.step);
      const dy = values(`${c.name}/dy`, poolOutputShape(g));
      const [y, dx] = fromTf(() => {
        const xt = tf.tensor(f32(x), c.data);
        const forward = (t: tf.Tensor) => tfPool(c, g, t);
        return [forward(xt), tf.grad(forward)(xt, tf.tensor(f32(dy), poolOutputShape(g)))];
      });
      assert.deepEqual(y!.shape, poolOutputShape(g), 'output shape');
      if (c.type === 'max') {
        const { out, argmax } = maxPoolForward('float32', f32(x), g);
        assertAllClose(out, y!.values, FLOAT32, 'forward');
        assertAllClose(maxPoolBackward('float32', f32(dy), argmax, g), dx!.values, FLOAT32, '∂x');
      } else {
        assertAllClose(avgPoolForward('float32', f32(x), g), y!.values, FLOAT32, 'forward');
        assertAllClose(avgPoolBackward('float32', f32(dy), g), dx!.values, FLOAT32, '∂x');
      }
    });
  }

  for (const c of [...poolCases, ...paddedAvgCases]) {
    test(`${c.name}: float64 equals the definition's loops to 1e-12`, () => {
      const g = poolGeometryOf(c);
      const x = values(`${c.name}/x`, c.data, c.step);
      const dy = values(`${c.name}/dy`, poolOutputShape(g));
      const expected = referencePool(c, g, x, dy);
      let y: TypedArray;
      let dx: TypedArray;
      if (c.type === 'max') {
        const { out, argmax } = maxPoolForward('float64', x, g);
        [y, dx] = [out, maxPoolBackward('float64', dy, argmax, g)];
      } else {
        [y, dx] = [avgPoolForward('float64', x, g), avgPoolBackward('float64', dy, g)];
      }
      assert.ok(y instanceof Float64Array && dx instanceof Float64Array, 'computed in float64');
      assertAllClose(y, expected.y, FLOAT64, 'forward');
      assertAllClose(dx, expected.dx, FLOAT64, '∂x');
    });
  }
});
