/**
 * Numeric gradient check: the analytic gradient from backward against central differences, both in
 * float64. The scalar checked is Σ w·fn(inputs) with fixed pseudo-random weights w, so that errors
 * in any output element show (a plain sum would hide, e.g., a wrong softmax gradient).
 */
import { checkOptions } from './strict';
import { computeGrads } from './backward';
import { convertData, isFloat } from './dtype';
import { engineError } from './errors';
import { NDArray } from './ndarray';
import { setEngineObserver } from './observer';
import { withMode } from './state';

export interface GradcheckOptions {
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Mode `fn` runs in (default true, as in autograd.record). */
  trainMode?: boolean;
  /**
   * Check at most this many elements of each input (a fixed pseudo-random choice; default: all).
   * Each checked element costs two evaluations of `fn`: a cap keeps big inputs affordable.
   */
  elements?: number;
  /**
   * Weights of `fn`'s output elements in the scalar checked (its shape or size); default: fixed
   * pseudo-random weights, which catch more errors than a plain sum.
   */
  weights?: NDArray;
}

export interface GradcheckInputReport {
  /** Every element within atol + rtol·|numeric|. */
  ok: boolean;
  maxAbsError: number;
  maxRelError: number;
  /** Index of the element furthest outside (or closest to) its tolerance. */
  worstIndex: number[];
  /** The analytic and numeric derivative at `worstIndex`. */
  worstAnalytic: number;
  worstNumeric: number;
  /** How many elements were checked (the input's size unless `elements` capped it). */
  checked: number;
  analytic: NDArray;
  /** Central differences; NaN at the elements that were not checked. */
  numeric: NDArray;
}

export interface GradcheckReport {
  ok: boolean;
  inputs: GradcheckInputReport[];
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis]!;
    flat = Math.floor(flat / shape[axis]!);
  }
  return index;
}

/** Deterministic weights in [0.5, 1.5) with random signs (a small LCG; np.random is left alone). */
function weightsFor(size: number): Float64Array {
  const w = new Float64Array(size);
  let state = 12345;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const u = state / 4294967296;
    w[i] = (u < 0.5 ? -1 : 1) * (0.5 + (u * 2) % 1);
  }
  return w;
}

/** The flat indices to check: all of them, or `count` distinct ones picked by a small LCG, sorted. */
function pickElements(size: number, count: number): number[] {
  if (count >= size) return Array.from({ length: size }, (_, i) => i);
  const picked = new Set<number>();
  let state = 2463534242;
  while (picked.size < count) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    picked.add(Math.floor((state / 4294967296) * size));
  }
  return [...picked].sort((a, b) => a - b);
}

/**
 * Checks `fn`'s gradient with respect to each of `inputs` (copied to float64; the originals are
 * not touched). `fn` must be deterministic: dropout, for instance, needs `trainMode: false`.
 *
 * ```ts
 * const report = autograd.gradcheck((x) => x.tanh().sum(), [np.random.normal(0, 1, [3])]);
 * report.ok; // true
 * ```
 */
export function gradcheck(fn: (...inputs: NDArray[]) => NDArray, inputs: readonly NDArray[], options: GradcheckOptions = {}): GradcheckReport {
  checkOptions('gradcheck', options, ['eps', 'atol', 'rtol', 'trainMode', 'elements', 'weights']);
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const trainMode = options.trainMode ?? true;
  const elements = options.elements ?? Infinity;
  if (!(elements >= 1)) throw engineError('gradcheck', `elements must be at least 1, got ${String(options.elements)}`);
  if (typeof fn !== 'function') throw engineError('gradcheck', 'needs a function of the inputs');
  if (!Array.isArray(inputs) || inputs.length === 0) throw engineError('gradcheck', 'needs a non-empty list of input arrays');
  inputs.forEach((input, i) => {
    if (!(input instanceof NDArray)) throw engineError('gradcheck', `input ${i} must be an NDArray`);
    if (!isFloat(input.dtype)) throw engineError('gradcheck', `input ${i} has dtype ${input.dtype}; gradients exist for float arrays only`);
  });
  // Capture tools would otherwise see every evaluation below as user ops.
  const observer = setEngineObserver(null);
  try {
    const xs = inputs.map((input) => new NDArray(convertData(input._data, 'float64'), input.shape, 'float64'));
    xs.forEach((x) => x.attachGrad());
    const run = (): NDArray => {
      const out = withMode(true, trainMode, () => fn(...xs));
      if (!(out instanceof NDArray)) throw engineError('gradcheck', 'fn must return an NDArray');
      return out;
    };
    const first = run();
    const weights = options.weights ? convertData(options.weights._data, 'float64') as Float64Array : weightsFor(first.size);
    if (weights.length !== first.size) throw engineError('gradcheck', `weights has ${weights.length} elements but fn returned ${first.size}`);
    const weighted = (out: NDArray): number => {
      let total = 0;
      for (let i = 0; i < out.size; i++) total += weights[i]! * out._data[i]!;
      return total;
    };
    const headGrad = new NDArray(weights.slice(), first.shape, 'float64');
    const analytic = first._requiresGrad
      ? computeGrads([first], xs, { headGrads: [headGrad.astype(first.dtype)] })
      : xs.map((x) => new NDArray(new Float64Array(x.size), x.shape, 'float64'));
    const reports = xs.map((x, k): GradcheckInputReport => {
      const numeric = new Float64Array(x.size).fill(NaN);
      const indices = pickElements(x.size, elements);
      for (const j of indices) {
        const original = x._data[j]!;
        x._data[j] = original + eps;
        const plus = weighted(run());
        x._data[j] = original - eps;
        const minus = weighted(run());
        x._data[j] = original;
        numeric[j] = (plus - minus) / (2 * eps);
      }
      const exact = analytic[k]!._data;
      let maxAbsError = 0;
      let maxRelError = 0;
      let worst = 0;
      let worstRatio = -1;
      for (const j of indices) {
        const absError = Math.abs(exact[j]! - numeric[j]!);
        const scale = Math.max(Math.abs(exact[j]!), Math.abs(numeric[j]!));
        const relError = scale > 0 ? absError / scale : 0;
        const ratio = absError / (atol + rtol * Math.abs(numeric[j]!));
        maxAbsError = Math.max(maxAbsError, absError);
        maxRelError = Math.max(maxRelError, relError);
        if (ratio > worstRatio || Number.isNaN(ratio)) { worstRatio = Number.isNaN(ratio) ? Infinity : ratio; worst = j; }
      }
      return {
        ok: worstRatio <= 1,
        maxAbsError,
        maxRelError,
        worstIndex: unravel(worst, x.shape),
        worstAnalytic: x.size > 0 ? exact[worst]! : 0,
        worstNumeric: x.size > 0 ? numeric[worst]! : 0,
        checked: indices.length,
        analytic: new NDArray(convertData(exact, 'float64'), x.shape, 'float64'),
        numeric: new NDArray(numeric, x.shape, 'float64'),
      };
    });
    return { ok: reports.every((r) => r.ok), inputs: reports };
  } finally {
    setEngineObserver(observer);
  }
}
