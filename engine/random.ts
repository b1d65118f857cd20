/**
 * `np.random`, as in MXNet: seeded samples from the engine's generator (rng.ts), so one seed gives
 * the same numbers on every machine. Every array made here is a new leaf (not recorded); a missing
 * size gives a 0-d array, as MXNet does. Every argument is checked: a wrong one throws a
 * GradLensError naming the function and the argument (`np.random.choice: p must sum to 1, got 0.9`).
 */
import { allocate, castNumber, DEFAULT_DTYPE, isDType, type DType, type TypedArray } from './dtype';
import { engineError, formatShape, type GradLensError } from './errors';
import { NDArray } from './ndarray';
import { observer } from './observer';
import { autogradState } from './state';
import { noteWrite } from './storage';
import { materialize } from './ops/operand';
import { generator } from './rng';
import { chooseIndices, shuffleItems, shuffleRows } from './sampling';
import { broadcastShapes, sizeOf } from './shape';

/** The engine's generator (dropout draws from it too, so a seed fixes dropout masks). */
export function uniformDouble(): number { return generator.nextDouble(); }

/** A shape: one dimension as a number, or a list of them. */
export type Size = number | readonly number[];
/** The dtype of the samples: its name, or `{ dtype }`. */
export type RandomDType = DType | { dtype?: DType };

// ---- Argument checks: each names the function and the argument ----

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof NDArray) return `an NDArray of shape ${formatShape(value.shape)}`;
  if (Array.isArray(value)) return `a list [${value.map((v) => (typeof v === 'number' ? String(v) : typeof v)).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? `an object (${Object.prototype.toString.call(value)})` : `${typeof value} ${String(value)}`;
}

function refuse(fn: string, message: string): GradLensError {
  return engineError(`np.random.${fn}`, message);
}

function checkArgumentCount(fn: string, count: number, most: number): void {
  if (count > most) throw refuse(fn, `takes at most ${most} argument${most === 1 ? '' : 's'}, got ${count}`);
}

/** `size` as dimensions; null when not given. */
function checkSize(fn: string, size: unknown, name = 'size'): number[] | null {
  if (size === undefined || size === null) return null;
  const dims = typeof size === 'number' ? [size] : Array.isArray(size) ? [...(size as unknown[])] : null;
  if (dims === null) throw refuse(fn, `${name} must be a number or a list of numbers, got ${describe(size)}`);
  for (const dim of dims) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw refuse(fn, `${name} must hold non-negative integers, got ${describe(typeof size === 'number' ? size : dims)}`);
    }
  }
  return dims as number[];
}

function checkDType(fn: string, value: unknown, allowed: readonly DType[], fallback: DType): DType {
  if (value === undefined || value === null) return fallback;
  let dtype: unknown = value;
  if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof NDArray)) {
    for (const key of Object.keys(value)) {
      if (key !== 'dtype') throw refuse(fn, `unknown option ${JSON.stringify(key)} (the options are: dtype)`);
    }
    dtype = (value as { dtype?: unknown }).dtype;
    if (dtype === undefined) return fallback;
  }
  if (typeof dtype !== 'string') throw refuse(fn, `dtype must be a dtype name or { dtype }, got ${describe(value)}`);
  if (!isDType(dtype) || !allowed.includes(dtype)) {
    throw refuse(fn, `dtype must be ${allowed.map((d) => `'${d}'`).join(' or ')}, got ${JSON.stringify(dtype)}`);
  }
  return dtype;
}

const FLOATS: readonly DType[] = ['float32', 'float64'];
const INTEGERS: readonly DType[] = ['int64', 'int32'];

function checkFinite(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse(fn, `${name} must be a finite number or an NDArray, got ${describe(value)}`);
  return value;
}

function checkInteger(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw refuse(fn, `${name} must be an integer, got ${describe(value)}`);
  return value;
}

/** A new leaf array; tools watching the engine hear how it was made (`random.normal`, …). */
function leaf(data: TypedArray, shape: readonly number[], dtype: DType, how: string): NDArray {
  const array = new NDArray(data, [...shape], dtype);
  observer.current?.created?.(array, how);
  return array;
}

// ---- Distributions with parameters (numbers, or NDArrays broadcast against the size) ----

type Parameter = number | NDArray;

/** A parameter's value at each output element: the number itself, or the array broadcast to the output. */
type Values = number | TypedArray;

/** Whether an array of shape `from` broadcasts to `to` (NumPy's rules, `to` unchanged). */
function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((dim, axis) => dim === 1 || dim === to[axis + offset]);
}

/**
 * The output shape and each parameter's values: the shape is `size` if given (each parameter must
 * broadcast to it), else the parameters' broadcast shape. `valid` says which values are allowed.
 */
function parameters(
  fn: string, size: unknown, named: readonly [name: string, value: unknown, valid?: [test: (v: number) => boolean, words: string]][],
): { shape: number[]; values: Values[] } {
  const dims = checkSize(fn, size);
  let shape = dims ?? [];
  for (const [name, value] of named) {
    if (!(value instanceof NDArray)) checkFinite(fn, name, value);
    else if (dims === null) shape = broadcastShapes(`np.random.${fn}`, shape, value.shape);
    else if (!broadcastsTo(value.shape, dims)) throw refuse(fn, `${name} of shape ${formatShape(value.shape)} does not broadcast to size ${formatShape(dims)}`);
  }
  const values = named.map(([name, value, valid]): Values => {
    const data = value instanceof NDArray ? materialize(value, 'float64', shape) : null;
    const list = data ?? [value as number];
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      if (!Number.isFinite(v)) throw refuse(fn, `${name} must be finite, got ${v} in it`);
      if (valid && !valid[0](v)) throw refuse(fn, `${name} must be ${valid[1]}, got ${v}`);
    }
    return data ?? (value as number);
  });
  return { shape, values };
}

function drawn(fn: string, shape: readonly number[], dtype: DType, draw: (i: number) => number): NDArray {
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = castNumber(draw(i), dtype);
  return leaf(data, shape, dtype, `random.${fn}`);
}

const at = (value: Values, i: number): number => (typeof value === 'number' ? value : value[i]!);

/** The dimensions of `rand(2, 3)`, `rand([2, 3])` or `rand()`, and a trailing `{ dtype }`. */
function shapeAndOptions(fn: string, args: readonly unknown[]): { shape: number[]; options: unknown } {
  const last = args[args.length - 1];
  const hasOptions = typeof last === 'object' && last !== null && !Array.isArray(last) && !(last instanceof NDArray);
  const dims = hasOptions ? args.slice(0, -1) : args;
  if (dims.length === 1 && Array.isArray(dims[0])) return { shape: checkSize(fn, dims[0], 'the shape')!, options: hasOptions ? last : undefined };
  if (dims.some((d) => typeof d !== 'number')) {
    throw refuse(fn, `takes the shape as numbers, np.random.${fn}(2, 3), or as one list, np.random.${fn}([2, 3]); got ${dims.map(describe).join(', ')}`);
  }
  for (const dim of dims as number[]) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw refuse(fn, `dimensions must be non-negative integers, got ${dims.join(', ')}`);
  }
  return { shape: dims as number[], options: hasOptions ? last : undefined };
}

// ---- Permutations and choices ----

function checkShufflable(fn: string, a: NDArray): void {
  if (a.ndim === 0) throw refuse(fn, `x is a 0-d array: it has no axis 0 to ${fn === 'shuffle' ? 'shuffle' : 'permute'}`);
}

/** p as probabilities for a population of `n`: non-negative, finite, summing to 1 (within 1e-6). */
function checkProbabilities(p: unknown, n: number): Float64Array {
  let values: ArrayLike<unknown>;
  if (p instanceof NDArray) {
    if (p.ndim !== 1) throw refuse('choice', `p must be 1-dimensional, got shape ${formatShape(p.shape)}`);
    values = p._data;
  } else if (Array.isArray(p)) {
    values = p;
  } else {
    throw refuse('choice', `p must be a list of numbers or an NDArray, got ${describe(p)}`);
  }
  if (values.length !== n) throw refuse('choice', `p must have one probability per element of a (${n}), got ${values.length}`);
  const out = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw refuse('choice', `p must hold finite numbers, got ${describe(v)} at ${i}`);
    if (v < 0) throw refuse('choice', `p must be non-negative, got ${v} at ${i}`);
    out[i] = v;
    total += v;
  }
  if (!(Math.abs(total - 1) <= 1e-6)) throw refuse('choice', `p must sum to 1, got ${total}`);
  return out;
}

export const random = {
  /**
   * Reseeds the generator: the same seed gives the same numbers on every machine.
   *
   * ```ts
   * np.random.seed(42);
   * np.random.randint(0, 10, 3);   // array([4, 5, 1], dtype=int64)
   * ```
   */
  seed(seed: number): void {
    checkArgumentCount('seed', arguments.length, 1);
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw refuse('seed', `seed must be an integer, got ${describe(seed)}`);
    generator.seed(seed);
  },

  /**
   * Normal (Gaussian) samples with mean `loc` and standard deviation `scale` (numbers, or arrays
   * that broadcast to `size`; without `size`, to their common shape). float32 unless `dtype` says.
   *
   * ```ts
   * np.random.normal(0, 1, [2, 3]);                        // 2×3 standard normal samples
   * np.random.normal(np.array([0, 10]), 0.1);              // one sample around each mean
   * ```
   */
  normal(loc: Parameter = 0, scale: Parameter = 1, size?: Size | null, dtype?: RandomDType): NDArray {
    checkArgumentCount('normal', arguments.length, 4);
    const type = checkDType('normal', dtype, FLOATS, DEFAULT_DTYPE);
    const nonNegative: [(v: number) => boolean, string] = [(v) => v >= 0, 'non-negative'];
    const { shape, values: [mean, spread] } = parameters('normal', size, [['loc', loc], ['scale', scale, nonNegative]]);
    return drawn('normal', shape, type, (i) => at(mean!, i) + at(spread!, i) * generator.nextNormal());
  },

  /**
   * Uniform samples in [low, high) (numbers, or arrays that broadcast to `size`). float32 unless
   * `dtype` says.
   *
   * ```ts
   * np.random.uniform(-1, 1, 5);
   * ```
   */
  uniform(low: Parameter = 0, high: Parameter = 1, size?: Size | null, dtype?: RandomDType): NDArray {
    checkArgumentCount('uniform', arguments.length, 4);
    const type = checkDType('uniform', dtype, FLOATS, DEFAULT_DTYPE);
    const { shape, values: [from, to] } = parameters('uniform', size, [['low', low], ['high', high]]);
    return drawn('uniform', shape, type, (i) => {
      const a = at(from!, i);
      return a + (at(to!, i) - a) * generator.nextDouble();
    });
  },

  /**
   * Integers in [low, high), or in [0, low) without `high`; int64 unless `dtype` is 'int32'.
   *
   * ```ts
   * np.random.randint(6, null, 10);        // ten dice rolls, 0…5
   * np.random.randint(1, 7, [2, 5]);
   * ```
   */
  randint(low: number, high?: number | null, size?: Size | null, dtype?: RandomDType): NDArray {
    checkArgumentCount('randint', arguments.length, 4);
    const type = checkDType('randint', dtype, INTEGERS, 'int64');
    let from = checkInteger('randint', 'low', low);
    let to = high === undefined || high === null ? from : checkInteger('randint', 'high', high);
    if (high === undefined || high === null) from = 0;
    if (to <= from) throw refuse('randint', `low must be less than high, got low ${from} and high ${to}`);
    if (to - from > 2 ** 53) throw refuse('randint', `high − low must be at most 2^53, got ${to - from}`);
    if (type === 'int32' && (from < -(2 ** 31) || to > 2 ** 31)) throw refuse('randint', `[${from}, ${to}) does not fit dtype 'int32'`);
    const shape = checkSize('randint', size) ?? [];
    const span = to - from;
    return drawn('randint', shape, type, () => from + Math.floor(span * generator.nextDouble()));
  },

  /**
   * Uniform samples in [0, 1) of the shape given as numbers: `rand(2, 3)` (or `rand([2, 3])`);
   * `rand()` is a 0-d array. A last argument `{ dtype: 'float64' }` changes the dtype.
   */
  rand(...shape: (number | readonly number[] | { dtype?: DType })[]): NDArray {
    const { shape: dims, options } = shapeAndOptions('rand', shape);
    const type = checkDType('rand', options, FLOATS, DEFAULT_DTYPE);
    return drawn('rand', dims, type, () => generator.nextDouble());
  },

  /**
   * Standard normal samples of the shape given as numbers: `randn(2, 3)` (or `randn([2, 3])`);
   * `randn()` is a 0-d array. A last argument `{ dtype: 'float64' }` changes the dtype.
   */
  randn(...shape: (number | readonly number[] | { dtype?: DType })[]): NDArray {
    const { shape: dims, options } = shapeAndOptions('randn', shape);
    const type = checkDType('randn', options, FLOATS, DEFAULT_DTYPE);
    return drawn('randn', dims, type, () => generator.nextNormal());
  },

  /**
   * Shuffles in place along axis 0 and returns nothing, as NumPy does: an NDArray's rows are
   * permuted in its own storage (arrays sharing it, such as a reshaped view, see the change), a
   * JavaScript array's (or typed array's) elements are. For an NDArray it is a write, as
   * `assign` is: a backward pass that needs the values from before refuses (storage.ts), and
   * inside `autograd.record` an array autograd follows is refused (`np.random.permutation(a)`
   * shuffles a copy).
   *
   * ```ts
   * const rows = np.arange(6).reshape(3, 2);
   * np.random.shuffle(rows);               // e.g. [[4, 5], [0, 1], [2, 3]]
   * ```
   */
  shuffle(x: NDArray | unknown[] | TypedArray): void {
    checkArgumentCount('shuffle', arguments.length, 1);
    if (x instanceof NDArray) {
      checkShufflable('shuffle', x);
      if (autogradState.recording && x._requiresGrad) {
        throw refuse('shuffle', 'cannot shuffle an array autograd follows (a variable or a recorded result) inside autograd.record(): a shuffle is not recorded. '
          + 'Shuffle a copy, np.random.permutation(x), or shuffle outside record');
      }
      const rows = x.shape[0]!;
      shuffleRows(generator, x._data, rows, rows === 0 ? 0 : x.size / rows);
      // A write like assign: a recorded op that read x refuses a gradient from its old values (storage.ts).
      noteWrite(x, 'np.random.shuffle');
      observer.current?.write?.({ op: 'shuffle', array: x, index: '...', recorded: false });
      return;
    }
    if (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) {
      shuffleItems(generator, x as unknown[]);
      return;
    }
    throw refuse('shuffle', `x must be an NDArray, a JavaScript array or a typed array, got ${describe(x)}`);
  },

  /**
   * A random permutation: of 0…n−1 for a number n (int64), or a shuffled copy of an NDArray along
   * axis 0 (a new array, not recorded).
   *
   * ```ts
   * np.random.permutation(5);              // e.g. array([3, 0, 4, 1, 2], dtype=int64)
   * ```
   */
  permutation(x: number | NDArray): NDArray {
    checkArgumentCount('permutation', arguments.length, 1);
    if (x instanceof NDArray) {
      checkShufflable('permutation', x);
      const data = allocate(x.dtype, x.size);
      data.set(x._data);
      const rows = x.shape[0]!;
      shuffleRows(generator, data, rows, rows === 0 ? 0 : x.size / rows);
      return leaf(data, x.shape, x.dtype, 'random.permutation');
    }
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) {
      throw refuse('permutation', `x must be a non-negative integer or an NDArray, got ${describe(x)}`);
    }
    const data = allocate('int64', x);
    for (let i = 0; i < x; i++) data[i] = i;
    shuffleItems(generator, data);
    return leaf(data, [x], 'int64', 'random.permutation');
  },

  /**
   * Samples from `a` — 0…a−1 for a number (int64 results), or the elements of a 1-D NDArray (its
   * dtype) — of shape `size` (a 0-d array without it), with or without replacement, uniformly or
   * with probabilities `p` (non-negative, summing to 1).
   *
   * ```ts
   * np.random.choice(5, 3);                          // e.g. array([0, 3, 3], dtype=int64)
   * np.random.choice(5, 3, false);                   // three different ones
   * np.random.choice(np.array([10, 20]), [2, 2], true, [0.9, 0.1]);
   * ```
   */
  choice(a: number | NDArray, size?: Size | null, replace = true, p?: readonly number[] | NDArray | null): NDArray {
    checkArgumentCount('choice', arguments.length, 4);
    let n: number;
    if (a instanceof NDArray) {
      if (a.ndim !== 1) throw refuse('choice', `a must be 1-dimensional, got shape ${formatShape(a.shape)}`);
      n = a.size;
    } else if (typeof a === 'number' && Number.isSafeInteger(a) && a >= 0) {
      n = a;
    } else {
      throw refuse('choice', `a must be a non-negative integer or a 1-D NDArray, got ${describe(a)}`);
    }
    const shape = checkSize('choice', size) ?? [];
    const count = sizeOf(shape);
    if (typeof replace !== 'boolean') throw refuse('choice', `replace must be true or false, got ${describe(replace)}`);
    const probabilities = p === undefined || p === null ? null : checkProbabilities(p, n);
    if (n === 0 && count > 0) throw refuse('choice', 'a must not be empty unless no samples are taken');
    if (!replace && count > n) {
      throw refuse('choice', `cannot take ${count} samples from a population of ${n} without replacement (replace is false)`);
    }
    if (!replace && probabilities !== null) {
      const nonZero = probabilities.reduce((k, v) => (v > 0 ? k + 1 : k), 0);
      if (nonZero < count) throw refuse('choice', `fewer non-zero entries in p (${nonZero}) than samples (${count}) when replace is false`);
    }
    const indices = allocate('int64', count);
    chooseIndices(generator, n, count, replace, probabilities, indices);
    if (!(a instanceof NDArray)) return leaf(indices, shape, 'int64', 'random.choice');
    const data = allocate(a.dtype, count);
    for (let i = 0; i < count; i++) data[i] = a._data[indices[i]!]!;
    return leaf(data, shape, a.dtype, 'random.choice');
  },
};
