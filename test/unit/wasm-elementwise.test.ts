// The WebAssembly SIMD maps and reductions (engine/wasm/elementwise.wat through
// engine/kernels/wasmElementwise.ts) against float64 references computed here: exp, log, tanh and
// sigmoid within MAP_ULPS units in the last place of the correctly rounded float32 result over a
// sweep and every special value (±0, ±∞, NaN, subnormals, overflow and underflow edges, the
// polynomial's switch points); sums in float64 in another order, so within one float32 unit of
// the exact sum rounded once, and of the JS kernel's; max and min the same elements as the JS
// kernels, NaN propagating from any position; sizes that are not multiples of the four lanes.
import { strict as assert } from 'node:assert';
import { autograd, np, npx, type NDArray } from '../../engine';
import { kernelPath, useKernels } from '../../engine/kernels/kernelPath';
import { MAP_ULPS, WASM_ELEMENTS, wasmBinary, wasmMap, wasmReduce, wasmTranspose, type WasmMap } from '../../engine/kernels/wasmElementwise';

const f32 = Math.fround;

/** The float32 unit in the last place at `value` (the subnormal step below 2⁻¹²⁶). */
function ulpAt(value: number): number {
  const a = Math.abs(f32(value));
  if (a < 2 ** -126) return 2 ** -149;
  if (!Number.isFinite(a)) return Infinity;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** How many float32 units `got` is from the exact `want` (0 when it is want rounded). */
function ulps(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  if (Object.is(got, f32(want))) return 0;
  if (!Number.isFinite(got) || !Number.isFinite(f32(want))) return Infinity;
  return Math.abs(got - want) / ulpAt(want);
}

const EXACT: Record<Exclude<WasmMap, 'relu'>, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
};

const SPECIAL = [
  0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, 2, 1e-8, -1e-8, 1e-30, 1e-40, -1e-40, 1.1754942e-38, 1.1754945e-38, 3.4e38, -3.4e38,
  88.72, 88.7228, 88.73, 89, -87.33, -87.34, -103, -103.97, -104, -110, 0.625, -0.625, 0.62499, 0.62501, 0.7071067, 0.7071068, 1.4142135, 9, -9, 20, -20,
];

/** A sweep over several scales (seeded), then the special values: 20,000 + elements. */
function inputs(): Float32Array {
  const out: number[] = [...SPECIAL];
  let s = 7;
  for (const scale of [1e-6, 0.01, 1, 4, 30, 200]) {
    for (let i = 0; i < 3400; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      out.push((s / 2 ** 32 - 0.5) * 2 * scale);
    }
  }
  return Float32Array.from(out);
}

const apply = (map: Exclude<WasmMap, 'relu'>, x: NDArray): NDArray => (map === 'sigmoid' ? npx.sigmoid(x) : np[map](x));

suite('engine: the WebAssembly SIMD maps and reductions', () => {
  const initial = kernelPath();
  teardown(() => useKernels(initial));

  for (const map of ['exp', 'log', 'tanh', 'sigmoid'] as const) {
    test(`${map}: within ${MAP_ULPS} units in the last place of the exact value, special values exact, on both paths`, () => {
      const x = inputs();
      const source = map === 'log' ? x.map(Math.abs) : x;
      const direct = new Float32Array(source.length);
      assert.equal(wasmMap(map, source, direct), kernelPath() === 'wasm', 'the kernel runs on the wasm path only');
      for (const path of ['wasm', 'js'] as const) {
        useKernels(path);
        const out = apply(map, np.array(source, { dtype: 'float32' }))._data as Float32Array;
        for (let i = 0; i < source.length; i++) {
          const error = ulps(out[i]!, EXACT[map](source[i]!));
          if (!(error <= MAP_ULPS)) assert.fail(`${path} ${map}(${source[i]}) = ${out[i]}, exactly ${EXACT[map](source[i]!)}: ${error} units`);
        }
        for (let i = 0; i < SPECIAL.length; i++) {
          const want = f32(EXACT[map](source[i]!));
          if (!Number.isFinite(want) || want === 0) assert.ok(Object.is(out[i], want), `${path} ${map}(${source[i]}) = ${out[i]}, not ${want}`);
        }
      }
      useKernels(initial);
      if (initial === 'wasm') {
        const js = new Float32Array(source.length);
        for (let i = 0; i < source.length; i++) js[i] = EXACT[map](source[i]!);
        assert.ok(direct.some((v, i) => !Object.is(v, js[i])) || map === 'log', 'the kernel is not the JS loop (it rounds differently somewhere)');
      }
    });
  }

  test('relu and its gradient: bit for bit the JS loops (NaN kept by relu, −0 and NaN give +0), through the op and autograd', () => {
    const x = inputs();
    for (let i = 0; i < x.length; i += 5) x[i] = -x[i]!; // both signs throughout
    const g = inputs().reverse();
    const reluJs = (v: number) => (v > 0 || v !== v ? v : 0);
    const gradJs = (gi: number, xi: number) => (xi > 0 ? gi : 0);
    const direct = new Float32Array(x.length);
    assert.equal(wasmMap('relu', x, direct), initial === 'wasm');
    const directGrad = new Float32Array(x.length);
    assert.equal(wasmBinary('reluGrad', g, x, directGrad), initial === 'wasm');
    for (const path of ['wasm', 'js'] as const) {
      useKernels(path);
      const input = np.array(x, { dtype: 'float32' });
      input.attachGrad();
      const upstream = np.array(g, { dtype: 'float32' });
      const y = autograd.record(() => npx.relu(input));
      y.backward(upstream);
      const out = y._data as Float32Array;
      const grad = input.grad!._data as Float32Array;
      for (let i = 0; i < x.length; i++) {
        assert.ok(Object.is(out[i], f32(reluJs(x[i]!))), `${path} relu(${x[i]}) = ${out[i]}`);
        assert.ok(Object.is(grad[i], f32(gradJs(g[i]!, x[i]!))), `${path} reluGrad(${g[i]}, ${x[i]}) = ${grad[i]}`);
        if (initial === 'wasm') {
          assert.ok(Object.is(direct[i], out[i]));
          assert.ok(Object.is(directGrad[i], grad[i]));
        }
      }
    }
    useKernels(initial);
    assert.equal(wasmBinary('reluGrad', g, x.subarray(1), new Float32Array(g.length)), false, 'operands of different sizes: the JS loop broadcasts');
  });

  test('transposes: the same elements as the JS tiles, every size left over by the 4 × 4 blocks and 32 × 32 tiles, batched', () => {
    const cases: [number[], number[]][] = [[[32, 32], [1, 0]], [[33, 35], [1, 0]], [[70, 129], [1, 0]], [[1024, 40], [1, 0]], [[3, 37, 50], [0, 2, 1]], [[2, 3, 40, 33], [1, 0, 3, 2]]];
    for (const [shape, axes] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: size }, (_, i) => (i % 7 === 0 ? -0 : i % 11 === 0 ? NaN : i * 0.5 - 3));
      const x = np.array(data, { dtype: 'float32' }).reshape(shape);
      useKernels('wasm');
      const viaWasm = np.transpose(x, axes)._data as Float32Array;
      useKernels('js');
      const viaJs = np.transpose(x, axes)._data as Float32Array;
      useKernels(initial);
      assert.equal(viaWasm.length, size);
      for (let i = 0; i < size; i++) if (!Object.is(viaWasm[i], viaJs[i])) assert.fail(`${shape} → ${axes}: element ${i} is ${viaWasm[i]}, not ${viaJs[i]}`);
      // and against the definition: out[..., r, c] = x[..., c, r] on the last two axes swapped
      if (axes.length === 2) {
        const [m, n] = shape as [number, number];
        for (let r = 0; r < n; r += 3) for (let c = 0; c < m; c += 5) assert.ok(Object.is(viaWasm[r * m + c], data[c * n + r]));
      }
    }
    const direct = new Float32Array(64 * 64);
    assert.equal(wasmTranspose(new Float32Array(64 * 64), direct, 64, 64, 64, [0]), initial === 'wasm');
  });

  test('sizes that are not a multiple of four, and small arrays left to the JS loop', () => {
    for (const n of [WASM_ELEMENTS, WASM_ELEMENTS + 1, WASM_ELEMENTS + 3, 1023]) {
      const x = Float32Array.from({ length: n }, (_, i) => (i - n / 2) / 37);
      const out = np.exp(np.array(x, { dtype: 'float32' }))._data as Float32Array;
      for (let i = 0; i < n; i++) assert.ok(ulps(out[i]!, Math.exp(x[i]!)) <= MAP_ULPS, `n ${n}, element ${i}`);
    }
    const small = Float32Array.from({ length: WASM_ELEMENTS - 1 }, (_, i) => i / 10 - 12);
    assert.equal(wasmMap('exp', small, new Float32Array(small.length)), false, 'too small to pay');
    const out = np.exp(np.array(small, { dtype: 'float32' }))._data as Float32Array;
    small.forEach((v, i) => assert.equal(out[i], f32(Math.exp(v)), 'the JS loop: Math.exp rounded once'));
  });

  test('sums: within one float32 unit of the exact sum, and of the JS kernel, every axis and odd sizes', () => {
    const shapes: [number[], number | null][] = [[[1000, 1000], null], [[1000, 1000], 0], [[1000, 1000], 1], [[37, 301], 0], [[37, 301], 1], [[5, 7, 9], 1], [[3, 300, 6], 1], [[4097], null]];
    let s = 3;
    for (const [shape, axis] of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: size }, () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32 - 0.3; });
      const x = np.array(data, { dtype: 'float32' }).reshape(shape);
      useKernels('wasm');
      const viaWasm = (axis === null ? np.sum(x) : np.sum(x, axis))._data as Float32Array;
      useKernels('js');
      const viaJs = (axis === null ? np.sum(x) : np.sum(x, axis))._data as Float32Array;
      useKernels(initial);
      // the exact sums (float64 is exact enough here: 10⁶ terms below 1 lose < 2⁻³³ relative)
      const outer = axis === null ? 1 : shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const reduced = axis === null ? size : shape[axis]!;
      const inner = axis === null ? 1 : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      for (let p = 0; p < outer; p++) {
        for (let q = 0; q < inner; q++) {
          let exact = 0;
          for (let r = 0; r < reduced; r++) exact += data[(p * reduced + r) * inner + q]!;
          const at = p * inner + q;
          assert.ok(ulps(viaWasm[at]!, exact) <= 1, `${shape} axis ${axis}: ${viaWasm[at]} against ${exact}`);
          assert.ok(Math.abs(viaWasm[at]! - viaJs[at]!) <= ulpAt(exact), `${shape} axis ${axis}: wasm ${viaWasm[at]}, js ${viaJs[at]}`);
        }
      }
      const direct = new Float32Array(outer * inner);
      assert.equal(wasmReduce('sum', data, direct, outer, reduced, inner), initial === 'wasm' && size >= WASM_ELEMENTS);
    }
  });

  test('max and min: the JS kernels\' elements, NaN from any position wins, infinities, lanes of 4 to 1000', () => {
    for (const length of [4, 5, 7, 8, 9, 1000]) {
      for (const nanAt of [-1, 0, 1, 2, 3, length - 1, Math.floor(length / 2)]) {
        const rows = 300; // 300 lanes of `length`: enough elements for the kernel
        const data = new Float32Array(rows * length);
        let s = length * 31 + nanAt;
        for (let i = 0; i < data.length; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; data[i] = (s / 2 ** 32 - 0.5) * 100; }
        data[3 * length + 1] = Infinity;
        data[4 * length + (length - 1)] = -Infinity;
        if (nanAt >= 0) for (let r = 0; r < rows; r += 3) data[r * length + nanAt] = NaN;
        const x = np.array(data, { dtype: 'float32' }).reshape([rows, length]);
        for (const op of ['max', 'min'] as const) {
          useKernels('wasm');
          const viaWasm = np[op](x, 1)._data as Float32Array;
          useKernels('js');
          const viaJs = np[op](x, 1)._data as Float32Array;
          useKernels(initial);
          for (let r = 0; r < rows; r++) {
            let want = data[r * length]!;
            for (let c = 1; c < length && want === want; c++) { const v = data[r * length + c]!; if (v !== v || (op === 'max' ? v > want : v < want)) want = v; }
            assert.ok(Object.is(viaWasm[r], f32(want)), `${op}, lane ${r} of ${length}, NaN at ${nanAt}: ${viaWasm[r]}, not ${want}`);
            assert.ok(Object.is(viaWasm[r], viaJs[r]));
          }
          const direct = new Float32Array(rows);
          assert.equal(wasmReduce(op, data, direct, rows, length, 1), initial === 'wasm');
        }
      }
    }
    assert.equal(wasmReduce('max', new Float32Array(3000), new Float32Array(1000), 1000, 3, 1), false, 'lanes shorter than four: the JS loop');
    assert.equal(wasmReduce('max', new Float32Array(3000), new Float32Array(30), 10, 100, 3), false, 'max across columns: the JS loop');
  });
});
