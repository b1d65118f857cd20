// float32 max and average pooling on WebAssembly (engine/wasm/pool.wat through
// engine/kernels/wasmPool.ts), forward and backward, against the plain-JS kernels (pool.ts on the
// 'js' path) — bit for bit: the same comparisons, the same float64 sums rounded once — and against
// a reference computed here from the definitions (max: exactly; average: within the rounding of a
// float32 result, 2⁻²⁴ relative, and for its gradient within a float32 sum of the shares in any
// order, 2·(t + 1)·2⁻²⁴·Σ|terms|). Edges: padding, overlapping and gapped windows, strides, odd
// sizes, batch 1, channels not multiples of 4, 1-D, global pooling, ties, NaN and −∞, and the
// four-window vector path (pool.wat) on each stride it reads differently (1, 2, other).
import { strict as assert } from 'node:assert';
import { autograd, np, npx } from '../../engine';
import { kernelPath, useKernels } from '../../engine/kernels/kernelPath';
import {
  avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward, poolGeometry, poolShapeOf, type PoolGeometry,
} from '../../engine/kernels/pool';
import { wasmAvgPool, wasmMaxPool, wasmMaxPoolBackward, type PoolShape } from '../../engine/kernels/wasmPool';
import { randoms } from './seeded';

const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

interface Case {
  name: string; data: number[]; kernel?: number[]; stride?: number[]; pad?: number[]; global?: boolean; step?: number;
  /** Every 7th input NaN and every 11th −∞. */
  specials?: boolean;
}

function geometryOf(c: Case): PoolGeometry {
  const kernel = c.kernel ?? c.data.slice(2).map(() => 1);
  return poolGeometry(c.data, { kernel, stride: c.stride ?? kernel, pad: c.pad ?? kernel.map(() => 0), globalPool: c.global ?? false });
}


/** Every window's cells of x (flat, row-major), straight from the definition; its area kh·kw. */
function windowsOf(s: PoolShape): { cells: number[][]; area: number } {
  const cells: number[][] = [];
  for (let plane = 0; plane < s.planes; plane++) for (let i = 0; i < s.oh; i++) for (let j = 0; j < s.ow; j++) {
    const window: number[] = [];
    for (let a = 0; a < s.kh; a++) for (let b = 0; b < s.kw; b++) {
      const row = i * s.sh - s.ph + a;
      const col = j * s.sw - s.pw + b;
      if (row >= 0 && row < s.h && col >= 0 && col < s.w) window.push((plane * s.h + row) * s.w + col);
    }
    cells.push(window);
  }
  return { cells, area: s.kh * s.kw };
}

function assertSameBits(got: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(got.length, expected.length, `${what}: size`);
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], expected[i])) assert.fail(`${what}: element ${i} is ${got[i]}, the JS kernel's ${expected[i]}`);
}

const cases: Case[] = [
  { name: "LeNet's 2×2, stride 2, on 6×28×28, batch 3", data: [3, 6, 28, 28], kernel: [2, 2] },
  { name: '3×3, stride 1, pad 1 (overlapping windows), ties', data: [2, 3, 5, 6], kernel: [3, 3], stride: [1, 1], pad: [1, 1], step: 0.25 },
  { name: '3×3, stride 2, pad 1, odd sizes', data: [1, 5, 7, 9], kernel: [3, 3], stride: [2, 2], pad: [1, 1] },
  { name: '2×3 windows, stride [1, 3] (gaps between windows)', data: [2, 2, 5, 11], kernel: [2, 3], stride: [1, 4] },
  { name: 'stride [2, 3], pad 1, 43 wide (vector lanes from every third cell; a last group that overlaps the one before)', data: [2, 3, 4, 43], kernel: [2, 3], stride: [2, 3], pad: [1, 1] },
  { name: 'stride 1, 23 wide, ties (vector lanes side by side)', data: [1, 2, 3, 23], kernel: [2, 2], stride: [1, 1], step: 0.5 },
  { name: 'NaN and −∞ among the inputs, 2×2 stride 2', data: [2, 3, 12, 17], kernel: [2, 2], specials: true },
  { name: 'NaN and −∞, 3×3 stride 1 pad 1', data: [1, 2, 9, 13], kernel: [3, 3], stride: [1, 1], pad: [1, 1], specials: true },
  { name: 'batch 1, one channel, one window', data: [1, 1, 3, 3], kernel: [3, 3] },
  { name: 'global pooling of 7 channels', data: [2, 7, 5, 4], global: true, step: 0.5 },
  { name: '1-D: kernel 3, stride 2, pad 1', data: [2, 3, 10], kernel: [3], stride: [2], pad: [1] },
  { name: '1-D: kernel 2, stride 1, ties', data: [1, 2, 9], kernel: [2], stride: [1], step: 0.5 },
];

suite('engine: WebAssembly pooling', () => {
  // The suite also runs with GRADLENS_KERNELS=js (scripts/test.mjs unit-js-kernels): each test
  // picks the path it means, and the environment's is restored after it.
  const initial = kernelPath();
  teardown(() => useKernels(initial));

  for (const c of cases) {
    test(`${c.name}: max and average, forward and backward, bit for bit the JS kernels', and the definitions'`, () => {
      const g = geometryOf(c);
      const s = poolShapeOf(g);
      const x = randoms(sizeOf(c.data), sizeOf(c.data) + c.name.length, c.step);
      if (c.specials) x.forEach((_, i) => { if (i % 7 === 3) x[i] = Number.NaN; else if (i % 11 === 5) x[i] = Number.NEGATIVE_INFINITY; });
      const { cells, area } = windowsOf(s);
      const dy = randoms(cells.length, cells.length + 5);
      const max = wasmMaxPool(x, s);
      const avg = wasmAvgPool(x, s, false);
      const maxDx = max && wasmMaxPoolBackward(dy, max.argmax, x.length);
      const avgDx = wasmAvgPool(dy, s, true);
      assert.ok(max && avg && maxDx && avgDx, 'the WebAssembly kernels ran');
      useKernels('js');
      const jsMax = maxPoolForward('float32', x, g);
      assertSameBits(max.out, jsMax.out, 'max');
      assert.deepEqual(max.argmax, jsMax.argmax, 'argmax');
      assertSameBits(maxDx, maxPoolBackward('float32', dy, jsMax.argmax, g), 'max, backward');
      assertSameBits(avg, avgPoolForward('float32', x, g), 'average');
      assertSameBits(avgDx, avgPoolBackward('float32', dy, g), 'average, backward');
      // The definitions: the first maximum, the mean over the full area, the shares summed back.
      const dxSum = new Float64Array(x.length);
      const dxMagnitude = new Float64Array(x.length);
      const dxTerms = new Float64Array(x.length);
      cells.forEach((window, t) => {
        const wins = (v: number, best: number) => v > best || (Number.isNaN(v) && !Number.isNaN(best));
        const first = window.reduce((best, at) => (wins(x[at]!, x[best]!) ? at : best), window[0]!);
        assert.equal(max.argmax[t], first, `window ${t}: argmax`);
        assert.ok(Object.is(max.out[t], x[first]), `window ${t}: max`);
        const mean = window.reduce((sum, at) => sum + x[at]!, 0) / area;
        if (!Number.isFinite(mean)) assert.ok(Object.is(avg[t], mean), `window ${t}: average ${avg[t]}, exactly ${mean}`);
        else assert.ok(Math.abs(avg[t]! - mean) <= 2 ** -24 * Math.abs(mean) + 1e-45, `window ${t}: average ${avg[t]}, exactly ${mean}`);
        for (const at of window) { dxSum[at] += dy[t]! / area; dxMagnitude[at] += Math.abs(dy[t]! / area); dxTerms[at]! += 1; }
      });
      for (let i = 0; i < x.length; i++) {
        const bound = 2 * (dxTerms[i]! + 1) * 2 ** -24 * dxMagnitude[i]!;
        assert.ok(Math.abs(avgDx[i]! - dxSum[i]!) <= bound, `average, backward, cell ${i}: ${avgDx[i]}, exactly ${dxSum[i]}`);
      }
    });
  }

  test('NaN wins a max window (the first NaN), a window of −∞ has its first cell as argmax, and overlapping windows add their gradients', () => {
    const g = geometryOf({ name: '', data: [1, 1, 3, 4], kernel: [2, 2], stride: [1, 1] });
    const x = new Float32Array([
      1, Number.NaN, 2, Number.NEGATIVE_INFINITY,
      Number.NaN, 0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY,
      5, 5, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY,
    ]);
    const s = poolShapeOf(g);
    const max = wasmMaxPool(x, s)!;
    assert.deepEqual(Array.from(max.out), [Number.NaN, Number.NaN, 2, Number.NaN, 5, Number.NEGATIVE_INFINITY]);
    assert.deepEqual(Array.from(max.argmax), [1, 1, 2, 4, 9, 6]);
    const dx = wasmMaxPoolBackward(new Float32Array([1, 2, 4, 8, 16, 32]), max.argmax, x.length)!;
    assert.deepEqual(Array.from(dx), [0, 3, 4, 0, 8, 0, 32, 0, 0, 16, 0, 0]);
  });

  test('npx.pooling and its gradient give the same bits on both paths; float64 runs the JS kernels on both', () => {
    const x = randoms(2 * 3 * 9 * 8, 77);
    const results: Record<string, number[][]> = {};
    for (const path of ['wasm', 'js'] as const) {
      useKernels(path);
      results[path] = (['max', 'avg'] as const).flatMap((poolType) => (['float32', 'float64'] as const).flatMap((dtype) => {
        const data = np.array(Array.from(x), { dtype }).reshape([2, 3, 9, 8]);
        data.attachGrad();
        let y!: ReturnType<typeof npx.pooling>;
        autograd.record(() => {
          y = npx.pooling(data, { kernel: 3, stride: 2, pad: 1, poolType });
          return np.sum(np.multiply(y, y));
        }).backward();
        return [y.toFlatArray() as number[], data.grad!.toFlatArray() as number[]];
      }));
    }
    results['wasm']!.forEach((values, i) => assertSameBits(values, results['js']![i]!, `result ${i}`));
  });
});
