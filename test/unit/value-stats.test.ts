// The capture's loops over every large array (capture/valueStats.ts) on the engine's kernels
// (engine/kernels/summaries.ts, engine/wasm/stats.wat) against the same loops in JavaScript and a
// float64 reference computed here: stats with NaN, ±Infinity, ±0 and values far from 0, every
// length left over by the four-float steps, the NaN/Inf check, norms and update ratios. The sums
// are float64 in another order: equal to float64 rounding (relative 1e-12 here), counts and
// extremes exact.
import { strict as assert } from 'node:assert';
import { anyNonFinite, updateSums, valueSums } from '../../engine';
import { kernelPath, useKernels } from '../../engine/kernels/kernelPath';
import { SUMMARY_ELEMENTS } from '../../engine/kernels/summaries';
import { statsOf, type TensorStats } from '../../protocol/trace';
import { arrayL2, arrayStats, hasNonFinite, updateRatio, useSummaryKernels } from '../../capture/valueStats';
import { randoms } from './seeded';

const f32 = (data: Float32Array) => ({ dtype: 'float32' as const, _data: data });

function assertStatsClose(got: TensorStats, expected: TensorStats, what: string): void {
  for (const key of ['nan', 'inf', 'zeros', 'min', 'max'] as const) assert.equal(got[key], expected[key], `${what}: ${key}`);
  for (const key of ['mean', 'std', 'l2'] as const) {
    const [g, e] = [got[key], expected[key]];
    if (e === null) { assert.equal(g, null, `${what}: ${key}`); continue; }
    assert.ok(g !== null && Math.abs(g - e) <= 1e-12 * Math.max(Math.abs(e), 1e-300) + 1e-300, `${what}: ${key} ${g} against ${e}`);
  }
}

/** Values with every kind the stats count, spread over the array. */
function mixed(n: number, seed: number, offset = 0): Float32Array {
  const data = randoms(n, seed).map((v) => v + offset);
  if (n > 10) {
    data[3] = Number.NaN; data[n - 1] = Number.NaN; data[7] = Infinity; data[n - 2] = -Infinity;
    data[5] = 0; data[9] = -0;
  }
  return data;
}

suite('capture: value statistics on the engine\'s kernels', () => {
  const initial = kernelPath();
  setup(() => useSummaryKernels({ valueSums, anyNonFinite, updateSums }));
  teardown(() => { useSummaryKernels(null); useKernels(initial); });

  test('the kernels run for float32 from SUMMARY_ELEMENTS on the wasm path, and nowhere else', () => {
    useKernels('wasm');
    assert.notEqual(valueSums(new Float32Array(SUMMARY_ELEMENTS)), null);
    assert.equal(valueSums(new Float32Array(SUMMARY_ELEMENTS - 1)), null, 'too short');
    assert.equal(valueSums(new Float64Array(SUMMARY_ELEMENTS)), null, 'float64');
    assert.equal(updateSums(new Float32Array(SUMMARY_ELEMENTS), new Float32Array(SUMMARY_ELEMENTS + 1)), null, 'lengths differ');
    useKernels('js');
    assert.equal(valueSums(new Float32Array(SUMMARY_ELEMENTS)), null, 'the JS path');
    assert.equal(anyNonFinite(new Float32Array(SUMMARY_ELEMENTS)), null, 'the JS path');
  });

  test('stats equal statsOf\'s for every length left over, NaN, ±Infinity, ±0, and values far from 0', () => {
    useKernels('wasm');
    for (const n of [1024, 1025, 1026, 1027, 4096 + 3, 100_003]) {
      for (const offset of [0, 1e4]) {
        const data = mixed(n, n + offset, offset);
        assertStatsClose(arrayStats(f32(data)), statsOf(data), `${n} values around ${offset}`);
        assert.equal(hasNonFinite(f32(data)), true, `${n}: NaN/Inf`);
      }
    }
    // All finite (the kernel without masks): zeros, −0, values far from 0, every length left over.
    for (const n of [1024, 1025, 1026, 1027, 65_539]) {
      for (const offset of [0, -3e3]) {
        const data = randoms(n, 7 * n, offset === 0 ? 0 : 0.125).map((v) => v + offset);
        data[2] = 0; data[n - 1] = -0;
        assertStatsClose(arrayStats(f32(data)), statsOf(data), `${n} finite values around ${offset}`);
        assert.equal(hasNonFinite(f32(data)), false, `${n}: finite`);
      }
      // One bad value in the values left over, or in the last step of four: the masked kernel takes over.
      for (const at of [n - 1, (n & ~3) - 1]) {
        const one = randoms(n, n);
        one[at] = Infinity;
        assertStatsClose(arrayStats(f32(one)), statsOf(one), `${n} values, Infinity at ${at}`);
      }
    }
    // Extremes at the very ends, where the steps of four and the values left over meet.
    const data = randoms(1027, 5);
    data[0] = -7; data[1026] = 9;
    assert.deepEqual([arrayStats(f32(data)).min, arrayStats(f32(data)).max], [-7, 9]);
  });

  test('only NaN and Infinity: no finite stats; all finite: no NaN/Inf found, wherever the one bad value sits', () => {
    useKernels('wasm');
    const bad = new Float32Array(1030).fill(Number.NaN);
    bad[4] = Infinity;
    assert.deepEqual(arrayStats(f32(bad)), statsOf(bad));
    assert.equal(arrayL2(f32(bad)), null);
    const clean = randoms(1030, 9);
    assert.equal(hasNonFinite(f32(clean)), false);
    for (const at of [0, 515, 1027, 1029]) {
      const one = clean.slice();
      one[at] = at % 2 === 0 ? Number.NaN : -Infinity;
      assert.equal(hasNonFinite(f32(one)), true, `at ${at}`);
    }
  });

  test('the norm and the update ratio equal the loops\' (a float64 reference here), NaN and Infinity left out', () => {
    for (const n of [1024, 1031, 65_537]) {
      const before = mixed(n, n);
      const now = before.map((v, i) => v + 1e-3 * Math.sin(i));
      now[11] = Number.NaN; // finite in before only: left out
      let delta = 0;
      let base = 0;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        if (Number.isFinite(before[i]!)) squares += before[i]! * before[i]!;
        if (!Number.isFinite(now[i]!) || !Number.isFinite(before[i]!)) continue;
        delta += (now[i]! - before[i]!) ** 2;
        base += before[i]! ** 2;
      }
      for (const path of ['wasm', 'js'] as const) {
        useKernels(path);
        const ratio = updateRatio(f32(now), f32(before))!;
        assert.ok(Math.abs(ratio - Math.sqrt(delta / base)) <= 1e-12 * ratio, `${n} (${path}): ratio ${ratio}`);
        const l2 = arrayL2(f32(before))!;
        assert.ok(Math.abs(l2 - Math.sqrt(squares)) <= 1e-12 * l2, `${n} (${path}): l2 ${l2}`);
      }
    }
    useKernels('wasm');
    assert.equal(updateRatio(f32(randoms(2048, 1)), f32(new Float32Array(2048))), null, '‖before‖ = 0');
  });
});
