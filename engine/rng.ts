/**
 * The engine's random generator: xoshiro128** (seeded through splitmix32), Box–Muller normals.
 * Only integer arithmetic and IEEE operations, so one seed gives the same numbers on every machine.
 * `np.random` (random.ts) and dropout draw from it; sampling.ts holds the algorithms built on it.
 */

/** What the sampling algorithms draw from (the engine's generator; a test may pass its own). */
export interface RandomSource {
  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number;
}

class Xoshiro128 implements RandomSource {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(seed: number) { this.seed(seed); }

  seed(seed: number): void {
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
    this.spareNormal = null;
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  nextDouble(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const u = 1 - this.nextDouble(); // (0, 1]: log is finite
    const v = this.nextDouble();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The one generator of the engine, seeded at random until `np.random.seed`. */
export const generator = new Xoshiro128(Math.floor(Math.random() * 4294967296));
