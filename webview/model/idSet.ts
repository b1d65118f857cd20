/**
 * A set of node ids built once: one byte per id when the ids are dense (what the capture writes,
 * 0…n−1), a Set otherwise. A pass of 10⁶ nodes then costs a 1 MB array instead of a Set of 10⁶
 * entries (a second of hashing in a browser). Iterates in increasing id order when dense.
 */
/** A read-only set of ids whose other iterators and forEach follow from `values()` (ReadonlySet's surface). */
export abstract class IdSetView implements ReadonlySet<number> {
  abstract readonly size: number;
  abstract has(id: number): boolean;
  abstract values(): IterableIterator<number>;

  keys(): IterableIterator<number> {
    return this.values();
  }

  *entries(): IterableIterator<[number, number]> {
    for (const id of this.values()) yield [id, id];
  }

  forEach(callback: (value: number, key: number, set: ReadonlySet<number>) => void, thisArg?: unknown): void {
    for (const id of this.values()) callback.call(thisArg, id, id, this);
  }

  [Symbol.iterator](): IterableIterator<number> {
    return this.values();
  }
}

export class IdSet extends IdSetView {
  private readonly marks: Uint8Array | null;
  private readonly set: Set<number> | null;
  readonly size: number;

  constructor(ids: Iterable<number>) {
    super();
    const list = Array.isArray(ids) ? (ids as number[]) : [...ids];
    let max = -1;
    let dense = true;
    for (const id of list) {
      if (!Number.isInteger(id) || id < 0) { dense = false; break; }
      if (id > max) max = id;
    }
    if (dense && max < 8 * list.length + 1024) {
      const marks = new Uint8Array(max + 1);
      let size = 0;
      for (const id of list) if (marks[id] === 0) { marks[id] = 1; size++; }
      [this.marks, this.set, this.size] = [marks, null, size];
    } else {
      const set = new Set(list);
      [this.marks, this.set, this.size] = [null, set, set.size];
    }
  }

  has(id: number): boolean {
    return this.marks ? this.marks[id] === 1 : this.set!.has(id);
  }

  *values(): IterableIterator<number> {
    if (this.set) { yield* this.set; return; }
    const marks = this.marks!;
    for (let id = 0; id < marks.length; id++) if (marks[id] === 1) yield id;
  }
}
