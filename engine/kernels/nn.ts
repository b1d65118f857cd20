/** Loops of the neural-network ops: softmax family per lane, batch-norm statistics and affine map. */
import type { DType, TypedArray } from '../dtype';
import { specialize } from './specialize';

/** Softmax of every lane `[p, :, q]`, shifted by the lane's max so large inputs do not overflow. */
const softmaxLoop = (a: TypedArray, out: TypedArray, outer: number, size: number, inner: number): void => {
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * size * inner + q;
      let m = -Infinity;
      for (let r = 0; r < size; r++) { const v = a[base + r * inner]; if (v > m || v !== v) m = v; }
      let total = 0;
      for (let r = 0; r < size; r++) { const e = Math.exp(a[base + r * inner] - m); out[base + r * inner] = e; total += e; }
      for (let r = 0; r < size; r++) out[base + r * inner] /= total;
    }
  }
};

/** log-softmax of every lane: x − max − log Σ exp(x − max), exact for inputs in the thousands. */
const logSoftmaxLoop = (a: TypedArray, out: TypedArray, outer: number, size: number, inner: number): void => {
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * size * inner + q;
      let m = -Infinity;
      for (let r = 0; r < size; r++) { const v = a[base + r * inner]; if (v > m || v !== v) m = v; }
      let total = 0;
      for (let r = 0; r < size; r++) total += Math.exp(a[base + r * inner] - m);
      const shift = m + Math.log(total);
      for (let r = 0; r < size; r++) out[base + r * inner] = a[base + r * inner] - shift;
    }
  }
};

export function runSoftmax(log: boolean, dtype: DType, a: TypedArray, out: TypedArray, outer: number, size: number, inner: number): void {
  specialize(log ? logSoftmaxLoop : softmaxLoop, dtype)(a, out, outer, size, inner);
}

/** Per-channel mean and biased variance of x seen as [outer, channels, inner] (two passes). */
export function channelMoments(x: TypedArray, outer: number, channels: number, inner: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  const count = outer * inner;
  for (let p = 0; p < outer; p++) {
    for (let c = 0; c < channels; c++) {
      const base = (p * channels + c) * inner;
      let s = 0;
      for (let q = 0; q < inner; q++) s += x[base + q]!;
      mean[c] += s;
    }
  }
  for (let c = 0; c < channels; c++) mean[c] = count > 0 ? mean[c]! / count : NaN;
  for (let p = 0; p < outer; p++) {
    for (let c = 0; c < channels; c++) {
      const base = (p * channels + c) * inner;
      const mu = mean[c]!;
      let s = 0;
      for (let q = 0; q < inner; q++) { const d = x[base + q]! - mu; s += d * d; }
      variance[c] += s;
    }
  }
  for (let c = 0; c < channels; c++) variance[c] = count > 0 ? variance[c]! / count : NaN;
  return { mean, variance };
}

/** out = x · scale[c] + shift[c] per channel. */
export function channelAffine(
  x: TypedArray, out: TypedArray, scale: Float64Array, shift: Float64Array,
  outer: number, channels: number, inner: number,
): void {
  for (let p = 0; p < outer; p++) {
    for (let c = 0; c < channels; c++) {
      const base = (p * channels + c) * inner;
      const k = scale[c]!;
      const b = shift[c]!;
      for (let q = 0; q < inner; q++) out[base + q] = x[base + q]! * k + b;
    }
  }
}

/**
 * Softmax of `a / temperature` over the lane positions the mask keeps (mask[i] ≠ 0), 0 at the others; a
 * lane the mask drops entirely is all 0 (never 0/0).
 */
const maskedSoftmaxLoop = (a: TypedArray, mask: Uint8Array, out: TypedArray, outer: number, size: number, inner: number, temperature: number): void => {
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * size * inner + q;
      let m = -Infinity;
      let kept = 0;
      for (let r = 0; r < size; r++) {
        const i = base + r * inner;
        if (mask[i] === 0) continue;
        kept++;
        const v = a[i] / temperature;
        if (v > m || v !== v) m = v;
      }
      let total = 0;
      for (let r = 0; r < size; r++) {
        const i = base + r * inner;
        const e = mask[i] === 0 ? 0 : Math.exp(a[i] / temperature - m);
        out[i] = e;
        total += e;
      }
      if (kept > 0) for (let r = 0; r < size; r++) out[base + r * inner] /= total;
    }
  }
};

export function runMaskedSoftmax(
  dtype: DType, a: TypedArray, mask: Uint8Array, out: TypedArray, outer: number, size: number, inner: number, temperature: number,
): void {
  specialize(maskedSoftmaxLoop, dtype)(a, mask, out, outer, size, inner, temperature);
}

/** Each lane `[p, :, q]` normalised by its own mean and (biased) variance, then out = x̂ · gamma[r] + beta[r]. */
const layerNormLoop = (
  x: TypedArray, gamma: TypedArray, beta: TypedArray, out: TypedArray, outer: number, size: number, inner: number, eps: number,
): void => {
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * size * inner + q;
      let s = 0;
      for (let r = 0; r < size; r++) s += x[base + r * inner];
      const mean = s / size;
      let v = 0;
      for (let r = 0; r < size; r++) { const d = x[base + r * inner] - mean; v += d * d; }
      const invStd = 1 / Math.sqrt(v / size + eps);
      for (let r = 0; r < size; r++) {
        const i = base + r * inner;
        out[i] = (x[i] - mean) * invStd * gamma[r] + beta[r];
      }
    }
  }
};

export function runLayerNorm(
  dtype: DType, x: TypedArray, gamma: TypedArray, beta: TypedArray, out: TypedArray, outer: number, size: number, inner: number, eps: number,
): void {
  specialize(layerNormLoop, dtype)(x, gamma, beta, out, outer, size, inner, eps);
}

/** leaky: a where a > 0, slope · a elsewhere. */
const leakyLoop = (a: TypedArray, out: TypedArray, n: number, slope: number): void => {
  for (let i = 0; i < n; i++) { const v = a[i]; out[i] = v > 0 ? v : slope * v; }
};

/** elu: a where a > 0, slope · (eᵃ − 1) elsewhere. */
const eluLoop = (a: TypedArray, out: TypedArray, n: number, slope: number): void => {
  for (let i = 0; i < n; i++) { const v = a[i]; out[i] = v > 0 ? v : slope * Math.expm1(v); }
};

export function runLeakyRelu(actType: 'leaky' | 'elu', dtype: DType, a: TypedArray, out: TypedArray, slope: number): void {
  specialize(actType === 'elu' ? eluLoop : leakyLoop, dtype)(a, out, out.length, slope);
}
