/**
 * `gluon.data`: datasets and the loader that batches them, as gluon's `ArrayDataset` and
 * `DataLoader`. Shuffling draws `np.random.permutation` each pass, so `np.random.seed` fixes the
 * order; batches keep each array's dtype (int labels stay int).
 *
 * ```ts
 * const loader = new gluon.data.DataLoader(new gluon.data.ArrayDataset(X, y), { batchSize: 256, shuffle: true });
 * for (const [Xb, yb] of loader) { ... }
 * ```
 */
import { engineError, formatShape } from '../errors';
import { NDArray } from '../ndarray';
import { at, stack, take } from '../ops/layout';
import { random } from '../random';
import { checkOptions, describeValue } from '../strict';

/** One example (or batch) of a dataset of `T`: the array itself for a one-array dataset, as gluon. */
export type Sample<T extends NDArray[]> = T extends [NDArray] ? NDArray : T;

/** What a DataLoader reads: a length and the i-th example. */
export abstract class Dataset<T extends NDArray[] = NDArray[]> {
  /** @internal Carries `T` for type inference only (`new DataLoader(ds)` learns its batch type from it). */
  declare readonly _arrays?: T;
  abstract get length(): number;
  abstract at(i: number): Sample<T>;
  /** The examples at `indices`, stacked along a new axis 0 (datasets of arrays do it faster). */
  batch(indices: readonly number[]): Sample<T> {
    const items = indices.map((i) => this.at(i) as NDArray | NDArray[]);
    if (items.length === 0) throw engineError('Dataset.batch', 'needs at least one index');
    if (items[0] instanceof NDArray) return stack(items as NDArray[]) as Sample<T>;
    const width = (items[0] as NDArray[]).length;
    return Array.from({ length: width }, (_, k) => stack(items.map((item) => (item as NDArray[])[k]!))) as Sample<T>;
  }
}

/** Arrays of the same length along axis 0; example i is the tuple of their rows i. */
export class ArrayDataset<T extends NDArray[] = NDArray[]> extends Dataset<T> {
  readonly arrays: T;
  private readonly size: number;

  constructor(...arrays: T) {
    super();
    if (arrays.length === 0) throw engineError('gluon.data.ArrayDataset', 'needs at least one array');
    arrays.forEach((a, i) => {
      if (!(a instanceof NDArray)) throw engineError('gluon.data.ArrayDataset', `argument ${i} must be an NDArray, got ${describeValue(a)}`);
      if (a.ndim === 0) throw engineError('gluon.data.ArrayDataset', `argument ${i} is a 0-d array: datasets index their arrays along axis 0`);
    });
    const size = arrays[0]!.shape[0]!;
    arrays.forEach((a, i) => {
      if (a.shape[0] !== size) {
        throw engineError('gluon.data.ArrayDataset', `all arrays need the same length along axis 0: argument 0 has ${size} ${formatShape(arrays[0]!.shape)}, argument ${i} has ${a.shape[0]} ${formatShape(a.shape)}`);
      }
    });
    this.arrays = arrays;
    this.size = size;
  }

  get length(): number { return this.size; }

  at(i: number): Sample<T> {
    if (!Number.isInteger(i) || i < -this.size || i >= this.size) throw engineError('ArrayDataset.at', `index ${describeValue(i)} is out of range for ${this.size} examples`);
    return this.shaped(this.arrays.map((a) => at(a, i)));
  }

  override batch(indices: readonly number[]): Sample<T> {
    return this.shaped(this.arrays.map((a) => take(a, indices, 0)));
  }

  private shaped(parts: NDArray[]): Sample<T> {
    return (parts.length === 1 ? parts[0]! : parts) as Sample<T>;
  }
}

export type LastBatch = 'keep' | 'discard' | 'rollover';

export interface DataLoaderOptions {
  batchSize: number;
  /** A new order each pass, from np.random.permutation (default false). */
  shuffle?: boolean;
  /**
   * The last, short batch: 'keep' it (default), 'discard' it, or 'rollover' its examples into
   * the first batch of the next pass.
   */
  lastBatch?: LastBatch;
}

/** Batches of a dataset, one pass per `for … of`. */
export class DataLoader<T extends NDArray[] = NDArray[]> implements Iterable<Sample<T>> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly lastBatch: LastBatch;
  /** Examples left over by the previous pass ('rollover'), to start the next. */
  private carried: number[] = [];

  constructor(dataset: Dataset<T>, options: DataLoaderOptions) {
    checkOptions('gluon.data.DataLoader', options, ['batchSize', 'shuffle', 'lastBatch']);
    if (!(dataset instanceof Dataset)) throw engineError('gluon.data.DataLoader', `needs a dataset (new gluon.data.ArrayDataset(X, y)), got ${describeValue(dataset)}`);
    const batchSize = options?.batchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw engineError('gluon.data.DataLoader', `batchSize must be a positive integer, got ${describeValue(batchSize)}`);
    const lastBatch = options.lastBatch ?? 'keep';
    if (!['keep', 'discard', 'rollover'].includes(lastBatch)) throw engineError('gluon.data.DataLoader', `lastBatch must be 'keep', 'discard' or 'rollover', got ${describeValue(lastBatch)}`);
    if (options.shuffle !== undefined && typeof options.shuffle !== 'boolean') throw engineError('gluon.data.DataLoader', `shuffle must be true or false, got ${describeValue(options.shuffle)}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.lastBatch = lastBatch;
  }

  /** The number of batches the next pass gives. */
  get length(): number {
    const n = this.dataset.length + this.carried.length;
    return this.lastBatch === 'keep' ? Math.ceil(n / this.batchSize) : Math.floor(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Sample<T>> {
    const order = this.shuffle ? random.permutation(this.dataset.length).toFlatArray() : Array.from({ length: this.dataset.length }, (_, i) => i);
    const indices = [...this.carried, ...order];
    this.carried = [];
    for (let start = 0; start < indices.length; start += this.batchSize) {
      const batch = indices.slice(start, start + this.batchSize);
      if (batch.length < this.batchSize && this.lastBatch !== 'keep') {
        if (this.lastBatch === 'rollover') this.carried = batch;
        return;
      }
      yield this.dataset.batch(batch);
    }
  }
}

export const data = { Dataset, ArrayDataset, DataLoader };
