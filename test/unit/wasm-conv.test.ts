// The float32 convolution on WebAssembly SIMD (engine/wasm/conv.wat unfolding into the gemm.wat
// kernel, through engine/kernels/wasmConv.ts) against a float64 reference computed here from the
// definition, and against the plain-JS kernels (conv.ts on the 'js' path): forward, data gradient,
// weight gradient, on every edge — padding, stride, dilation, groups, batch 1, channel counts that
// are not multiples of 4, odd sizes, 1-D, positions and entries left over by the 8-wide panels, a
// batch split into chunks.
//
// Tolerance: each result is a float32 sum of t terms (products, and the bias) in an order of the
// kernel's, which differs from the exact sum by at most about t · 2⁻²⁴ · Σ|terms| (Higham's bound);
// we allow 2 · (t + 1) · 2⁻²⁴ · Σ|terms|, as test/unit/wasm-gemm.test.ts does, per element. The JS
// kernel is within the same bound, so the two differ by at most twice it.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { autograd, np, npx } from '../../engine';
import {
  convBackwardData, convBackwardWeight, convForward, convOutputShape, convShapeOf, type ConvGeometry,
} from '../../engine/kernels/conv';
import { kernelPath, useKernels } from '../../engine/kernels/kernelPath';
import { CHUNK_FLOATS, wasmConvBackwardData, wasmConvBackwardWeight, wasmConvForward } from '../../engine/kernels/wasmConv';
import { geometryOf, type ConvCase } from './conv-cases';
import { randoms } from './seeded';

const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/** Exact sums (float64) with, per element, the bound of a float32 sum of its terms in any order. */
class Sums {
  readonly exact: Float64Array;
  private readonly magnitude: Float64Array;
  private readonly terms: Float64Array;
  constructor(size: number) {
    this.exact = new Float64Array(size);
    this.magnitude = new Float64Array(size);
    this.terms = new Float64Array(size);
  }
  add(at: number, term: number): void {
    this.exact[at] += term;
    this.magnitude[at] += Math.abs(term);
    this.terms[at]! += 1;
  }
  bound(at: number): number {
    return 2 * (this.terms[at]! + 1) * 2 ** -24 * this.magnitude[at]! + 1e-30;
  }
}

/**
 * The three results from the definition, in float64:
 *   y[n,o,i,j]  = bias[o] + Σ_{c,a,b} w[o,c,a,b] · x[n, γ·C/G + c, i·s − p + a·d, j·s − p + b·d]
 *   dx[n,γ·C/G + c, …] = Σ dy[n,o,i,j] · w[o,c,a,b]      dw[o,c,a,b] = Σ dy[n,o,i,j] · x[n, …]
 * over the windows' cells inside x.
 */
function reference(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, dy: Float32Array) {
  const { h, w: wd, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = convShapeOf(g); // a 1-D convolution as 2-D of height 1
  const channelsPerGroup = g.channels / g.groups;
  const filtersPerGroup = g.filters / g.groups;
  const y = new Sums(sizeOf(convOutputShape(g)));
  const dx = new Sums(x.length);
  const dwSums = new Sums(w.length);
  for (let n = 0; n < g.batch; n++) for (let o = 0; o < g.filters; o++) for (let i = 0; i < oh!; i++) for (let j = 0; j < ow!; j++) {
    const yAt = ((n * g.filters + o) * oh! + i) * ow! + j;
    if (bias) y.add(yAt, bias[o]!);
    const firstChannel = Math.floor(o / filtersPerGroup) * channelsPerGroup;
    for (let c = 0; c < channelsPerGroup; c++) for (let a = 0; a < kh!; a++) for (let b = 0; b < kw!; b++) {
      const row = i * sh! - ph! + a * dh!;
      const col = j * sw! - pw! + b * dw!;
      if (row < 0 || row >= h! || col < 0 || col >= wd!) continue;
      const xAt = ((n * g.channels + firstChannel + c) * h! + row) * wd! + col;
      const wAt = ((o * channelsPerGroup + c) * kh! + a) * kw! + b;
      y.add(yAt, w[wAt]! * x[xAt]!);
      dx.add(xAt, dy[yAt]! * w[wAt]!);
      dwSums.add(wAt, dy[yAt]! * x[xAt]!);
    }
  }
  return { y, dx, dw: dwSums };
}

function assertWithin(got: ArrayLike<number>, sums: Sums, what: string): void {
  assert.equal(got.length, sums.exact.length, `${what}: size`);
  for (let e = 0; e < got.length; e++) {
    const error = Math.abs(got[e]! - sums.exact[e]!);
    if (!(error <= sums.bound(e))) assert.fail(`${what}: element ${e} is ${got[e]}, exactly ${sums.exact[e]} (error ${error} > ${sums.bound(e)})`);
  }
}

const cases: ConvCase[] = [
  { name: "LeNet's first layer, batch 3: 6@5×5 pad 2 on 1×28×28", data: [3, 1, 28, 28], weight: [6, 1, 5, 5], pad: [2, 2], bias: true },
  { name: "LeNet's second layer: 16@5×5 on 6×14×14", data: [2, 6, 14, 14], weight: [16, 6, 5, 5], bias: true },
  { name: 'batch 1, 1 → 1 channel, 1×2 kernel (one position short of a panel)', data: [1, 1, 6, 8], weight: [1, 1, 1, 2] },
  { name: '3 → 5 channels, 3×3, pad 1, odd sizes', data: [2, 3, 7, 9], weight: [5, 3, 3, 3], pad: [1, 1], bias: true },
  { name: 'stride 2, pad 1', data: [2, 2, 7, 7], weight: [3, 2, 3, 3], stride: [2, 2], pad: [1, 1], bias: true },
  { name: 'stride [2, 1], pad 2: windows reaching past the data', data: [1, 2, 5, 4], weight: [2, 2, 2, 3], stride: [2, 1], pad: [2, 2] },
  { name: 'dilation 2, pad 2', data: [2, 2, 7, 8], weight: [2, 2, 3, 3], dilate: [2, 2], pad: [2, 2], bias: true },
  { name: 'dilation [2, 1], stride 2, pad [1, 0]', data: [1, 3, 9, 7], weight: [2, 3, 3, 2], dilate: [2, 1], stride: [2, 2], pad: [1, 0] },
  { name: '1×1 kernel, 4 → 3 channels, batch 3', data: [3, 4, 3, 5], weight: [3, 4, 1, 1], bias: true },
  { name: 'groups 2: 4 → 6 channels, 3×3, stride 2, pad 1', data: [2, 4, 6, 5], weight: [6, 2, 3, 3], stride: [2, 2], pad: [1, 1], groups: 2, bias: true },
  { name: 'groups 3, dilation 2, stride [1, 2]', data: [2, 6, 8, 8], weight: [3, 2, 2, 2], dilate: [2, 2], stride: [1, 2], groups: 3 },
  { name: 'depthwise: groups = channels = 5, filters 10', data: [2, 5, 6, 7], weight: [10, 1, 3, 3], pad: [1, 1], groups: 5, bias: true },
  { name: '21 filters (rows left over by 4 and 8), 3×3 on 3 channels', data: [1, 3, 6, 6], weight: [21, 3, 3, 3], bias: true },
  { name: 'one output position per image', data: [5, 2, 3, 3], weight: [3, 2, 3, 3], bias: true },
  { name: 'rows longer than a panel: 1×30 output rows', data: [2, 1, 3, 32], weight: [4, 1, 3, 3] },
  { name: '1-D: kernel 3, stride 2, pad 1, batch 2', data: [2, 3, 10], weight: [4, 3, 3], stride: [2], pad: [1], bias: true },
  { name: '1-D: dilation 2, pad 2, groups 3', data: [2, 3, 9], weight: [6, 1, 3], dilate: [2], pad: [2], groups: 3, bias: true },
  { name: '1-D: kernel 1, stride 3', data: [1, 2, 8], weight: [3, 2, 1], stride: [3] },
];

/** Inputs of a case, seeded by its name's length and sizes. */
function inputsOf(c: ConvCase, g: ConvGeometry) {
  const seed = c.name.length * 7919 + sizeOf(c.data);
  return {
    x: randoms(sizeOf(c.data), seed),
    w: randoms(sizeOf(c.weight), seed + 1),
    bias: c.bias ? randoms(g.filters, seed + 2) : null,
    dy: randoms(sizeOf(convOutputShape(g)), seed + 3),
  };
}

suite('engine: the WebAssembly SIMD convolution', () => {
  // The suite also runs with GRADLENS_KERNELS=js (scripts/test.mjs unit-js-kernels): each test
  // picks the path it means, and the environment's is restored after it.
  const initial = kernelPath();
  teardown(() => useKernels(initial));

  for (const c of cases) {
    test(`${c.name}: forward, data and weight gradients within float32 rounding of the exact sums, and of the JS kernels`, () => {
      const g = geometryOf(c);
      const { x, w, bias, dy } = inputsOf(c, g);
      const exact = reference(g, x, w, bias, dy);
      const shape = convShapeOf(g);
      const y = wasmConvForward(x, w, bias, shape);
      const dx = wasmConvBackwardData(dy, w, shape);
      const dw = wasmConvBackwardWeight(x, dy, shape);
      assert.ok(y && dx && dw, 'the WebAssembly kernels ran');
      assertWithin(y, exact.y, 'forward');
      assertWithin(dx, exact.dx, 'data gradient');
      assertWithin(dw, exact.dw, 'weight gradient');
      useKernels('js');
      const jsY = convForward('float32', x, w, bias, g) as Float32Array;
      const jsDx = convBackwardData('float32', dy, w, g) as Float32Array;
      const jsDw = convBackwardWeight('float32', x, dy, g) as Float32Array;
      for (const [got, viaJs, sums, what] of [[y, jsY, exact.y, 'forward'], [dx, jsDx, exact.dx, 'data gradient'], [dw, jsDw, exact.dw, 'weight gradient']] as const) {
        for (let e = 0; e < got.length; e++) {
          assert.ok(Math.abs(got[e]! - viaJs[e]!) <= 2 * sums.bound(e), `${what} ${e}: WebAssembly ${got[e]}, JS ${viaJs[e]}`);
        }
      }
    });
  }

  test('a batch larger than a chunk of unfolded patches: several products, the weight gradient summed over them', () => {
    const c: ConvCase = { name: 'chunks', data: [5, 2, 70, 70], weight: [3, 2, 3, 3], pad: [1, 1], bias: true };
    const g = geometryOf(c);
    const imagesPerChunk = Math.max(1, Math.floor(CHUNK_FLOATS / (Math.ceil((2 * 3 * 3) / 4) * 4 * 70 * 70)));
    assert.ok(imagesPerChunk >= 1 && 5 > 2 * imagesPerChunk, `three chunks or more (${imagesPerChunk} images each)`);
    const { x, w, bias, dy } = inputsOf(c, g);
    const exact = reference(g, x, w, bias, dy);
    const shape = convShapeOf(g);
    assertWithin(wasmConvForward(x, w, bias, shape)!, exact.y, 'forward');
    assertWithin(wasmConvBackwardData(dy, w, shape)!, exact.dx, 'data gradient');
    // Partial sums per chunk, then added: another order of the same terms, within the same bound.
    assertWithin(wasmConvBackwardWeight(x, dy, shape)!, exact.dw, 'weight gradient');
  });

  test('non-finite values go through as the sums make them: NaN and ±∞ in x reach the outputs that read them', () => {
    const g = geometryOf({ name: '', data: [1, 1, 4, 4], weight: [1, 1, 2, 2] });
    const x = new Float32Array(16).fill(1);
    x[0] = Number.NaN;
    x[15] = Number.POSITIVE_INFINITY;
    const y = wasmConvForward(x, new Float32Array([1, 1, 1, 1]), null, convShapeOf(g))!;
    assert.deepEqual(Array.from(y), [Number.NaN, 4, 4, 4, 4, 4, 4, 4, Number.POSITIVE_INFINITY]);
  });

  test('npx.convolution and its gradients on both paths agree with the exact sums; float64 runs the JS kernels on both, exactly', () => {
    const c: ConvCase = { name: 'op', data: [2, 3, 9, 8], weight: [5, 3, 3, 3], pad: [1, 1], stride: [2, 1], bias: true };
    const g = geometryOf(c);
    const { x, w, bias, dy } = inputsOf(c, g);
    const exact = reference(g, x, w, bias, dy);
    // L = Σ y · dy, so that ∂L/∂x and ∂L/∂w are the data and weight gradients for this dy.
    const run = (dtype: 'float32' | 'float64') => {
      const [xs, ws, bs] = [np.array(Array.from(x), { dtype }).reshape(c.data), np.array(Array.from(w), { dtype }).reshape(c.weight), np.array(Array.from(bias!), { dtype })];
      for (const leaf of [xs, ws]) leaf.attachGrad();
      const head = np.array(Array.from(dy), { dtype }).reshape(convOutputShape(g));
      let y!: ReturnType<typeof npx.convolution>;
      autograd.record(() => {
        y = npx.convolution(xs, ws, bs, { kernel: [3, 3], pad: 1, stride: [2, 1] });
        return np.sum(np.multiply(y, head));
      }).backward();
      return [y, xs.grad!, ws.grad!].map((a) => a.toFlatArray() as number[]);
    };
    for (const path of ['wasm', 'js'] as const) {
      useKernels(path);
      const [y, dx, dw] = run('float32');
      assertWithin(y!, exact.y, `${path}: forward`);
      assertWithin(dx!, exact.dx, `${path}: data gradient`);
      assertWithin(dw!, exact.dw, `${path}: weight gradient`);
    }
    useKernels('wasm');
    const wasm64 = run('float64');
    useKernels('js');
    assert.deepEqual(run('float64'), wasm64, 'float64: the JS kernels on both paths');
  });

  test('where WebAssembly is missing (node --noexpose-wasm), the JS kernels run: the same bits as the js path here', () => {
    const engine = join(__dirname, '..', '..', 'engine.js');
    assert.ok(existsSync(engine), `${engine} is missing: build with \`node scripts/build.mjs engine\``);
    // A LeNet-like layer, forward and backward, in float32; the program prints its results.
    const program = `
      const { autograd, kernelInfo, np, npx } = require(${JSON.stringify(engine)});
      const values = (n, seed) => Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i));
      const x = np.array(values(2 * 3 * 9 * 9, 1), { dtype: 'float32' }).reshape([2, 3, 9, 9]);
      const w = np.array(values(4 * 3 * 3 * 3, 2), { dtype: 'float32' }).reshape([4, 3, 3, 3]);
      const b = np.array(values(4, 3), { dtype: 'float32' });
      for (const leaf of [x, w, b]) leaf.attachGrad();
      const loss = autograd.record(() => {
        const y = npx.pooling(npx.convolution(x, w, b, { kernel: [3, 3], pad: 1 }), { kernel: 2, poolType: 'max' });
        return np.sum(npx.pooling(y, { kernel: 2, stride: 1, poolType: 'avg' }));
      });
      loss.backward();
      console.log(JSON.stringify({ webAssembly: kernelInfo().webAssembly, loss: loss.item(), grads: [x, w, b].map((a) => a.grad.toFlatArray()) }));`;
    const child = JSON.parse(execFileSync(process.execPath, ['--noexpose-wasm', '-e', program], { encoding: 'utf8' }));
    assert.equal(child.webAssembly, false, 'no WebAssembly in the child');
    const here = JSON.parse(execFileSync(process.execPath, ['-e', `process.env.GRADLENS_KERNELS = 'js'; ${program}`], { encoding: 'utf8' }));
    assert.equal(here.webAssembly, true);
    assert.deepEqual({ loss: child.loss, grads: child.grads }, { loss: here.loss, grads: here.grads });
  });
});
