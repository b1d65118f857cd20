// Each kernel runs as a per-dtype compiled copy of its source; the copy must compute exactly what
// the original function computes (the original is what runs where compiling code is forbidden).
import { strict as assert } from 'node:assert';
import { binaryLoops, runBinary } from '../../engine/kernels/elementwise';
import { UNARY_OPS } from '../../engine/ops/defs/unary';
import { reduceLoops } from '../../engine/kernels/reduce';
import { specialize } from '../../engine/kernels/specialize';

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 4294967296) * 8 - 4;
  }
  out[3] = 0;
  out[5] = NaN;
  return out;
}

suite('kernels', () => {
  test('compiled copies of the binary loops equal the originals, contiguous and strided', () => {
    const a = values(12, 1);
    const b = values(12, 2);
    for (const [name, loop] of Object.entries(binaryLoops)) {
      const copy = specialize(loop, 'float32');
      assert.notEqual(copy, loop, `${name} was compiled`);
      for (const [sa, sb, n] of [[1, 1, 12], [2, 0, 6], [0, 3, 4]] as const) {
        const expected = new Float32Array(n);
        const actual = new Float32Array(n);
        loop(a, 0, sa, b, 1, sb, expected, 0, n);
        copy(a, 0, sa, b, 1, sb, actual, 0, n);
        assert.deepEqual(actual, expected, `${name} strides ${sa}/${sb}`);
      }
    }
  });

  test('compiled copies of the unary and reduction loops equal the originals', () => {
    const a = values(24, 3);
    const unary = Object.entries(UNARY_OPS).map(([name, op]) => [name, op.loop] as const);
    assert.ok(unary.length >= 14, 'every unary definition\'s loop');
    for (const [name, loop] of unary) {
      const expected = new Float32Array(24);
      const actual = new Float32Array(24);
      loop(a, expected, 24);
      specialize(loop, 'float32')(a, actual, 24);
      assert.deepEqual(actual, expected, name);
    }
    for (const [name, loop] of Object.entries(reduceLoops)) {
      for (const [outer, reduced, inner] of [[1, 24, 1], [2, 3, 4], [4, 6, 1]] as const) {
        const expected = new Float32Array(outer * inner);
        const actual = new Float32Array(outer * inner);
        loop(a, expected, outer, reduced, inner);
        specialize(loop, 'float32')(a, actual, outer, reduced, inner);
        assert.deepEqual(actual, expected, `${name} [${outer}, ${reduced}, ${inner}]`);
      }
    }
  });

  test('the broadcasting driver walks every operand layout', () => {
    // out[i][j][k] = a[i][0][k] + b[j][0]: shapes [2,1,3] and [4,1] broadcast to [2,4,3]
    const a = Float32Array.from({ length: 6 }, (_, i) => i * 10);
    const b = Float32Array.from({ length: 4 }, (_, i) => i);
    const out = new Float32Array(24);
    runBinary('add', 'float32', a, [2, 1, 3], b, [4, 1], out, [2, 4, 3]);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) expected.push((i * 3 + k) * 10 + j);
    assert.deepEqual(Array.from(out), expected);
  });
});
