// The WebAssembly SIMD matrix product (engine/wasm/gemm.wat through engine/kernels/wasmGemm.ts)
// against the plain-JS kernel and a float64 reference computed here: every edge of the 4 × 8
// blocking (rows and columns left over, k of 1), batches with a broadcast operand, and np.dot /
// np.matmul on both kernel paths. Tolerance: a float32 sum of k products in another order differs
// from the exact one by at most about k · 2⁻²⁴ · Σ|aᵢₚ·bₚⱼ| (Higham's bound, with a margin of 2).
import { strict as assert } from 'node:assert';
import { np } from '../../engine';
import { runGemm } from '../../engine/kernels/gemm';
import { kernelPath, useKernels } from '../../engine/kernels/kernelPath';
import { decodeBase64 } from '../../engine/kernels/wasmBytes';
import { SMALL_PRODUCT, wasmAvailable, wasmGemm } from '../../engine/kernels/wasmGemm';
import { randoms } from './seeded';

/** out (m×n) = A·B in float64, and the bound of a float32 sum in any order for each element. */
function reference(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, m: number, k: number, n: number): { exact: Float64Array; bound: Float64Array } {
  const exact = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let magnitude = 0;
      for (let p = 0; p < k; p++) {
        const product = a[aOffset + i * k + p]! * b[bOffset + p * n + j]!;
        sum += product;
        magnitude += Math.abs(product);
      }
      exact[i * n + j] = sum;
      bound[i * n + j] = 2 * (k + 1) * 2 ** -24 * magnitude + 1e-30;
    }
  }
  return { exact, bound };
}

function assertClose(got: Float32Array, offset: number, expected: { exact: Float64Array; bound: Float64Array }, what: string): void {
  for (let e = 0; e < expected.exact.length; e++) {
    const error = Math.abs(got[offset + e]! - expected.exact[e]!);
    if (!(error <= expected.bound[e]!)) assert.fail(`${what}: element ${e} is ${got[offset + e]}, exactly ${expected.exact[e]} (error ${error} > ${expected.bound[e]})`);
  }
}

suite('engine: the WebAssembly SIMD matrix product', () => {
  // The suite also runs with GRADLENS_KERNELS=js (scripts/test.mjs unit-js-kernels): each test
  // picks the path it means, and the environment's is restored after it.
  const initial = kernelPath();
  teardown(() => useKernels(initial));

  test('it loads here (Node has WebAssembly SIMD), and the engine takes it unless told otherwise', () => {
    assert.equal(wasmAvailable(), true);
    assert.equal(kernelPath(), process.env.GRADLENS_KERNELS === 'js' ? 'js' : 'wasm');
  });

  test('its bytes: base64 decoded without Buffer or atob, as Buffer decodes it, every length and padding', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 255, 661]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + length) & 0xff);
      assert.deepEqual(decodeBase64(Buffer.from(bytes).toString('base64')), bytes, `${length} bytes`);
    }
    assert.throws(() => decodeBase64('AB$C'), /not base64 at character 2/);
  });

  test('every edge of its blocks (4 × 8, 64 rows, 256 along k): rows and columns left over, k of 1, a single row or column', () => {
    const shapes: [number, number, number][] = [[4, 1, 8], [1, 7, 3], [3, 1, 1], [5, 17, 53], [37, 53, 29], [64, 64, 64], [1, 512, 9], [130, 3, 67], [8, 300, 8], [2, 2, 2], [70, 300, 20], [131, 513, 17]];
    for (const [m, k, n] of shapes) {
      const a = randoms(m * k + 5, m * 1000 + k);
      const b = randoms(k * n + 3, n * 1000 + k + 7);
      const out = new Float32Array(m * n).fill(Number.NaN);
      assert.equal(wasmGemm(a, [5], false, b, [3], false, out, 0, m, k, n), true, `${m}×${k}·${k}×${n}`);
      assertClose(out, 0, reference(a, 5, b, 3, m, k, n), `${m}×${k}·${k}×${n}`);
    }
  });

  test('A·Bᵀ with B given transposed (the convolution\'s products): the same edges, written at an offset', () => {
    for (const [m, k, n] of [[6, 25, 576], [16, 150, 64], [3, 7, 9], [8, 300, 13]] as [number, number, number][]) {
      const a = randoms(m * k + 2, m + k);
      const bt = randoms(n * k, n + 3 * k);
      const b = new Float32Array(k * n); // B itself, for the reference
      for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) b[p * n + j] = bt[j * k + p]!;
      const out = new Float32Array(7 + m * n).fill(Number.NaN);
      assert.ok(wasmGemm(a, [2], false, bt, [0], true, out, 7, m, k, n));
      assert.ok(out.subarray(0, 7).every(Number.isNaN), 'nothing written before the offset');
      assertClose(out, 7, reference(a, 2, b, 0, m, k, n), `${m}×${k}·(${n}×${k})ᵀ`);
    }
  });

  test('a batch: each product its own A, one B broadcast, then each its own B', () => {
    const [m, k, n, count] = [6, 19, 13, 3];
    const a = randoms(count * m * k, 11);
    const b = randoms(count * k * n, 12);
    const aOffsets = [0, m * k, 2 * m * k];
    for (const bOffsets of [[0, 0, 0], [0, k * n, 2 * k * n]]) {
      const out = new Float32Array(count * m * n);
      assert.ok(wasmGemm(a, aOffsets, false, b, bOffsets, false, out, 0, m, k, n));
      for (let t = 0; t < count; t++) assertClose(out, t * m * n, reference(a, aOffsets[t]!, b, bOffsets[t]!, m, k, n), `product ${t} of [${bOffsets}]`);
    }
  });

  test('every transpose combination, on both kernels: each edge of the blocks and of the transposing packs (4 steps, 8 columns), batched, at offsets', () => {
    /** `x` (rows × cols, from `offset`) stored transposed: cols × rows. */
    const stored = (x: Float32Array, offset: number, rows: number, cols: number, transposed: boolean, pad: number): Float32Array => {
      const s = new Float32Array(pad + rows * cols).fill(Number.NaN);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s[pad + (transposed ? j * rows + i : i * cols + j)] = x[offset + i * cols + j]!;
      return s;
    };
    const shapes: [number, number, number][] = [[4, 4, 8], [5, 3, 9], [1, 1, 1], [37, 53, 29], [64, 9, 16], [13, 300, 17], [130, 7, 67], [8, 257, 8], [48, 64, 40]];
    for (const [m, k, n] of shapes) {
      for (const [transposedA, transposedB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const count = 2;
        const a = randoms(count * m * k, m * 31 + k);
        const b = randoms(count * k * n, n * 17 + k);
        const what = `${m}×${k}·${k}×${n}${transposedA ? ', A transposed' : ''}${transposedB ? ', B transposed' : ''}`;
        // Stored as the kernel is told, 3 floats in; product t at 3 + t·size.
        const aStored = new Float32Array(3 + count * m * k);
        const bStored = new Float32Array(3 + count * k * n);
        for (let t = 0; t < count; t++) {
          aStored.set(stored(a, t * m * k, m, k, transposedA, 0), 3 + t * m * k);
          bStored.set(stored(b, t * k * n, k, n, transposedB, 0), 3 + t * k * n);
        }
        const aOffsets = [3, 3 + m * k];
        const bOffsets = [3, 3 + k * n];
        const viaWasm = new Float32Array(5 + count * m * n).fill(Number.NaN);
        assert.ok(wasmGemm(aStored, aOffsets, transposedA, bStored, bOffsets, transposedB, viaWasm, 5, m, k, n), what);
        const viaJs = new Float32Array(5 + count * m * n).fill(Number.NaN);
        useKernels('js');
        runGemm('float32', aStored, aOffsets, bStored, bOffsets, viaJs, m, k, n, { transposedA, transposedB, outOffset: 5 });
        useKernels(initial);
        for (const [got, kernel] of [[viaWasm, 'wasm'], [viaJs, 'js']] as const) {
          assert.ok(got.subarray(0, 5).every(Number.isNaN), `${what} (${kernel}): nothing written before the offset`);
          for (let t = 0; t < count; t++) assertClose(got, 5 + t * m * n, reference(a, t * m * k, b, t * k * n, m, k, n), `${what} (${kernel}), product ${t}`);
        }
      }
    }
  });

  test('runGemm takes it for float32 products from SMALL_PRODUCT up, and the JS kernel agrees within the bound', () => {
    const [m, k, n] = [33, 40, 45];
    assert.ok(m * k * n >= SMALL_PRODUCT);
    const a = randoms(m * k, 21);
    const b = randoms(k * n, 22);
    useKernels('wasm');
    const viaWasm = new Float32Array(m * n);
    runGemm('float32', a, [0], b, [0], viaWasm, m, k, n);
    useKernels('js');
    const viaJs = new Float32Array(m * n);
    runGemm('float32', a, [0], b, [0], viaJs, m, k, n);
    const expected = reference(a, 0, b, 0, m, k, n);
    assertClose(viaWasm, 0, expected, 'wasm');
    assertClose(viaJs, 0, expected, 'js');
    assert.notDeepEqual(viaWasm, viaJs, 'two kernels with different summation orders (else this test would not tell them apart)');
  });

  test('np.dot and np.matmul give the same numbers on both paths, within the bound; float64 stays exact to the JS kernel', () => {
    const x = np.array(Array.from(randoms(48 * 64, 31)), { dtype: 'float32' }).reshape([48, 64]);
    const w = np.array(Array.from(randoms(64 * 40, 32)), { dtype: 'float32' }).reshape([64, 40]);
    const batched = np.array(Array.from(randoms(2 * 48 * 64, 33)), { dtype: 'float32' }).reshape([2, 48, 64]);
    useKernels('wasm');
    const wasmDot = np.dot(x, w).toArray() as number[][];
    const wasmMatmul = np.matmul(batched, w).toArray() as number[][][];
    useKernels('js');
    const jsDot = np.dot(x, w).toArray() as number[][];
    const jsMatmul = np.matmul(batched, w).toArray() as number[][][];
    const bound = 2 * 65 * 2 ** -24 * 64; // |a|, |b| < 1: Σ|aᵢₚ·bₚⱼ| < k
    for (let i = 0; i < 48; i++) for (let j = 0; j < 40; j++) assert.ok(Math.abs(wasmDot[i]![j]! - jsDot[i]![j]!) <= 2 * bound, `dot[${i}][${j}]`);
    for (let t = 0; t < 2; t++) for (let i = 0; i < 48; i++) for (let j = 0; j < 40; j++) assert.ok(Math.abs(wasmMatmul[t]![i]![j]! - jsMatmul[t]![i]![j]!) <= 2 * bound);
    const x64 = x.astype('float64');
    const w64 = w.astype('float64');
    const js64 = np.dot(x64, w64).toArray();
    useKernels('wasm');
    assert.deepEqual(np.dot(x64, w64).toArray(), js64, 'float64 runs the JS kernel on both paths');
  });
});
