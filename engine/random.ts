/**
 * Seeded random numbers: xoshiro128** (seeded through splitmix32), Box–Muller normals. Only
 * integer arithmetic and IEEE operations, so one seed gives the same numbers on every machine.
 */
import { allocate, castNumber, DEFAULT_DTYPE, type DType } from './dtype';
import { engineError } from './errors';
import { NDArray } from './ndarray';
import { checkShape, sizeOf } from './shape';
import { observer } from './observer';

class Xoshiro128 {
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

  /** Uniform in [0, 1) with 53 random bits. */
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

const generator = new Xoshiro128(Math.floor(Math.random() * 4294967296));

/** The engine's generator (dropout draws from it too, so a seed fixes dropout masks). */
export function uniformDouble(): number { return generator.nextDouble(); }

function filled(op: string, shape: number | readonly number[] | null | undefined, dtype: DType, draw: () => number): NDArray {
  const dims = shape === undefined || shape === null ? [] : checkShape(op, shape);
  const data = allocate(dtype, sizeOf(dims));
  for (let i = 0; i < data.length; i++) data[i] = castNumber(draw(), dtype);
  const array = new NDArray(data, dims, dtype);
  observer.current?.created?.(array, op);
  return array;
}

function checkFinite(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw engineError(op, `${name} must be a finite number, got ${String(value)}`);
}

/** Random arrays, as `np.random` in MXNet. Without a shape each returns a 0-d array. */
export const random = {
  /** Reseeds the generator: the same seed gives the same numbers everywhere. */
  seed(seed: number): void {
    if (!Number.isInteger(seed)) throw engineError('random.seed', `seed must be an integer, got ${String(seed)}`);
    generator.seed(seed);
  },
  /** Normal (Gaussian) samples with mean `loc` and standard deviation `scale`. */
  normal(loc = 0, scale = 1, shape?: number | readonly number[] | null, dtype: DType = DEFAULT_DTYPE): NDArray {
    checkFinite('random.normal', 'loc', loc);
    checkFinite('random.normal', 'scale', scale);
    if (scale < 0) throw engineError('random.normal', `scale must be non-negative, got ${scale}`);
    return filled('random.normal', shape, dtype, () => loc + scale * generator.nextNormal());
  },
  /** Uniform samples in [low, high). */
  uniform(low = 0, high = 1, shape?: number | readonly number[] | null, dtype: DType = DEFAULT_DTYPE): NDArray {
    checkFinite('random.uniform', 'low', low);
    checkFinite('random.uniform', 'high', high);
    return filled('random.uniform', shape, dtype, () => low + (high - low) * generator.nextDouble());
  },
  /** Integers in [low, high), int32. */
  randint(low: number, high: number, shape?: number | readonly number[] | null): NDArray {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw engineError('random.randint', `needs integers low < high, got ${low} and ${high}`);
    }
    return filled('random.randint', shape, 'int32', () => low + Math.floor((high - low) * generator.nextDouble()));
  },
};
