/**
 * Sampling algorithms on plain storage, drawing from a `RandomSource` (rng.ts): uniform integers,
 * Fisher–Yates shuffles, and the index draws of `np.random.choice`. Arguments are checked by
 * random.ts; here they are known to be valid. Like the generator, only IEEE arithmetic: the same
 * seed picks the same elements everywhere.
 */
import type { TypedArray } from './dtype';
import type { RandomSource } from './rng';

/** A uniform integer in [0, n) for a whole n ≥ 1 (at most 2^53): ⌊n·u⌋, as `randint` draws. */
export function below(source: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(source.nextDouble() * n));
}

/** Shuffles `items` in place (Fisher–Yates from the end, as NumPy's shuffle walks). */
export function shuffleItems<T>(source: RandomSource, items: { length: number; [index: number]: T }): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = below(source, i + 1);
    const held = items[i]!;
    items[i] = items[j]!;
    items[j] = held;
  }
}

/** Shuffles the `rows` rows of `rowSize` elements each of `data` in place (rows stay whole). */
export function shuffleRows(source: RandomSource, data: TypedArray, rows: number, rowSize: number): void {
  if (rowSize === 1) { shuffleItems(source, data); return; }
  const held = data.slice(0, rowSize);
  for (let i = rows - 1; i > 0; i--) {
    const j = below(source, i + 1);
    if (j === i) continue;
    held.set(data.subarray(i * rowSize, (i + 1) * rowSize));
    data.copyWithin(i * rowSize, j * rowSize, (j + 1) * rowSize);
    data.set(held, j * rowSize);
  }
}

/** Cumulative sums of `p`, divided by the total so that the last is exactly 1 (as NumPy does). */
function normalizedCdf(p: Float64Array): Float64Array {
  const cdf = new Float64Array(p.length);
  let total = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = total += p[i]!;
  for (let i = 0; i < p.length; i++) cdf[i] = cdf[i]! / total;
  return cdf;
}

/** The first index whose cumulative probability is above `u` (NumPy's searchsorted, side 'right'). */
function searchRight(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * `count` indices into a population of `n`, written to `out`: with replacement, uniformly or by the
 * probabilities `p` (inverse CDF); without, a partial Fisher–Yates or, with `p`, NumPy's sequential
 * method (draw the missing number, keep the first draw of each new index, zero the found ones, repeat).
 * Without replacement, `count` ≤ n (and ≤ the non-zero entries of `p`).
 */
export function chooseIndices(source: RandomSource, n: number, count: number, replace: boolean, p: Float64Array | null, out: TypedArray): void {
  if (replace && p === null) {
    for (let i = 0; i < count; i++) out[i] = below(source, n);
  } else if (replace) {
    const cdf = normalizedCdf(p!);
    for (let i = 0; i < count; i++) out[i] = searchRight(cdf, source.nextDouble());
  } else if (p === null) {
    partialFisherYates(source, n, count, out);
  } else {
    sequentialWithoutReplacement(source, p, count, out);
  }
}

/** The first `count` places of a Fisher–Yates shuffle of 0…n−1; memory for the swapped places only. */
function partialFisherYates(source: RandomSource, n: number, count: number, out: TypedArray): void {
  const moved = new Map<number, number>(); // place → the index now there (absent: its own)
  for (let i = 0; i < count; i++) {
    const j = i + below(source, n - i);
    out[i] = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
  }
}

function sequentialWithoutReplacement(source: RandomSource, probabilities: Float64Array, count: number, out: TypedArray): void {
  const p = probabilities.slice();
  const found = new Set<number>();
  let filled = 0;
  while (filled < count) {
    for (let i = 0; i < filled; i++) p[out[i]!] = 0;
    const cdf = normalizedCdf(p);
    const draws = count - filled;
    const drawn = new Array<number>(draws);
    for (let k = 0; k < draws; k++) drawn[k] = searchRight(cdf, source.nextDouble());
    for (const index of drawn) {
      if (found.has(index)) continue;
      found.add(index);
      out[filled++] = index;
    }
  }
}
