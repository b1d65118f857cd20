/** Sorted, disjoint ranges of node ids [first, last] (left out of a trace): whether one holds an id. */
export type IdRange = readonly [first: number, last: number];

/** Binary search: whether `id` is in one of `ranges` (sorted by first, disjoint). */
export function inRanges(ranges: readonly IdRange[], id: number): boolean {
  let [lo, hi] = [0, ranges.length - 1];
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = ranges[mid]!;
    if (id < first) hi = mid - 1;
    else if (id > last) lo = mid + 1;
    else return true;
  }
  return false;
}
