/**
 * Seeded test data for the kernel tests: the same stream every run, so that a failure repeats.
 */

/** A uniform stream in [−1, 1) (xorshift32); `step` > 0 rounds it to a grid of that step (for ties). */
export function randoms(count: number, seed: number, step = 0): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const v = (s / 2 ** 31) - 1;
    out[i] = step > 0 ? Math.round(v / step) * step : v;
  }
  return out;
}
