/**
 * The unary elementwise ops, one entry each: where it is in the API, its result dtype, its loop,
 * its gradient (one line of math above it), and what the inspector's step panel says of it. The
 * engine builds the op, its `NDArray` method, its `np`/`npx` function, its gradient and replay
 * rules from this table (ops/unary.ts); the inspector reads the words (webview/model/rules.ts).
 * A missing piece of an entry is a compile error.
 *
 * This file imports engine types only (erased from the build), so the inspector can read it
 * without bundling the engine. Loops refer to nothing outside themselves: each dtype gets its own
 * compiled copy (kernels/specialize.ts).
 *
 * To add a unary op: one entry here, its cases in test/unit/gradients.test.ts (see engine/README.md).
 */
import type { UnaryDefinition } from './types';

// Constants of the gradient rules (a loop writes its own inline: it is copied as source text).
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const UNARY_OPS = {
  /** −a, elementwise. */
  neg: {
    api: { np: 'negative', method: 'neg' }, result: 'arithmetic',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = -a[i]; },
    // out = −a: ∂a = −g
    grad: (g, _c, op) => op.neg(g),
    words: { summary: 'neg negates elementwise: its gradient is the negated upstream gradient', formula: 'out = −a', partial: '∂out/∂a = −1' },
  },
  /** |a|, elementwise. */
  abs: {
    api: { np: 'abs', method: 'abs' }, result: 'arithmetic',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]); },
    // out = |a|: ∂a = g·sign(a)
    grad: (g, { a }, op) => op.mul(g, op.sign(a)),
    words: {
      summary: 'abs takes the absolute value elementwise: its gradient is the upstream gradient times the sign of a (0 at 0)',
      formula: 'out = |a|', partial: '∂out/∂a = sign(a)',
    },
  },
  /** eᵃ, elementwise. */
  exp: {
    api: { np: 'exp', method: 'exp' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]); },
    wasm: 'exp',
    // out = eᵃ: ∂a = g·out
    grad: (g, { out }, op) => op.mul(g, out),
    words: {
      summary: 'exp exponentiates elementwise: its gradient is the upstream gradient times the output itself',
      formula: 'out = eᵃ', partial: '∂out/∂a = eᵃ = out',
    },
  },
  /** ln(1 + a), elementwise: exact for small a, where 1 + a would round. */
  log1p: {
    api: { np: 'log1p', method: 'log1p' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.log1p(a[i]); },
    // out = ln(1 + a): ∂a = g/(1 + a)
    grad: (g, { a }, op) => op.div(g, op.add(a, 1)),
    words: {
      summary: 'log1p takes ln(1 + a) elementwise (exact for small a): its gradient is the upstream gradient divided by 1 + a',
      formula: 'out = ln(1 + a)', partial: '∂out/∂a = 1/(1 + a)',
    },
  },
  /** eᵃ − 1, elementwise: exact for small a, where eᵃ would round to 1. */
  expm1: {
    api: { np: 'expm1', method: 'expm1' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.expm1(a[i]); },
    // out = eᵃ − 1: ∂a = g·(out + 1)
    grad: (g, { out }, op) => op.mul(g, op.add(out, 1)),
    words: {
      summary: 'expm1 takes eᵃ − 1 elementwise (exact for small a): its gradient is the upstream gradient times eᵃ = out + 1',
      formula: 'out = eᵃ − 1', partial: '∂out/∂a = eᵃ = out + 1',
    },
  },
  /** The natural logarithm, elementwise. */
  log: {
    api: { np: 'log', method: 'log' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.log(a[i]); },
    wasm: 'log',
    // out = ln a: ∂a = g/a
    grad: (g, { a }, op) => op.div(g, a),
    words: {
      summary: 'log takes the natural logarithm elementwise: its gradient is the upstream gradient divided by a',
      formula: 'out = ln a', partial: '∂out/∂a = 1/a',
    },
  },
  /** log₂ a, elementwise. */
  log2: {
    api: { np: 'log2', method: 'log2' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.log2(a[i]); },
    // out = log₂ a: ∂a = g/(a·ln 2)
    grad: (g, { a }, op) => op.div(g, op.mul(a, Math.LN2)),
    words: {
      summary: 'log2 takes the base-2 logarithm elementwise: its gradient is the upstream gradient divided by a · ln 2',
      formula: 'out = log₂ a', partial: '∂out/∂a = 1/(a · ln 2)',
    },
  },
  /** log₁₀ a, elementwise. */
  log10: {
    api: { np: 'log10', method: 'log10' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.log10(a[i]); },
    // out = log₁₀ a: ∂a = g/(a·ln 10)
    grad: (g, { a }, op) => op.div(g, op.mul(a, Math.LN10)),
    words: {
      summary: 'log10 takes the base-10 logarithm elementwise: its gradient is the upstream gradient divided by a · ln 10',
      formula: 'out = log₁₀ a', partial: '∂out/∂a = 1/(a · ln 10)',
    },
  },
  /** √a, elementwise. */
  sqrt: {
    api: { np: 'sqrt', method: 'sqrt' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]); },
    // out = √a: ∂a = g/(2·out)
    grad: (g, { out }, op) => op.div(g, op.mul(out, 2)),
    words: {
      summary: 'sqrt takes the square root elementwise: its gradient is the upstream gradient divided by twice the output (infinite at 0)',
      formula: 'out = √a', partial: '∂out/∂a = 1/(2√a) = 1/(2 · out)',
    },
  },
  /** a², elementwise. */
  square: {
    api: { np: 'square', method: 'square' }, result: 'arithmetic',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x * x; } },
    // out = a²: ∂a = g·2a
    grad: (g, { a }, op) => op.mul(g, op.mul(a, 2)),
    words: { summary: 'square squares elementwise: its gradient is the upstream gradient times 2a', formula: 'out = a²', partial: '∂out/∂a = 2a' },
  },
  /** sin a, elementwise. */
  sin: {
    api: { np: 'sin', method: 'sin' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]); },
    // out = sin a: ∂a = g·cos a
    grad: (g, { a }, op) => op.mul(g, op.cos(a)),
    words: { summary: 'sin takes the sine elementwise: its gradient is the upstream gradient times cos a', formula: 'out = sin a', partial: '∂out/∂a = cos a' },
  },
  /** cos a, elementwise. */
  cos: {
    api: { np: 'cos', method: 'cos' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]); },
    // out = cos a: ∂a = −g·sin a
    grad: (g, { a }, op) => op.neg(op.mul(g, op.sin(a))),
    words: {
      summary: 'cos takes the cosine elementwise: its gradient is the upstream gradient times −sin a',
      formula: 'out = cos a', partial: '∂out/∂a = −sin a',
    },
  },
  /** tan a, elementwise. */
  tan: {
    api: { np: 'tan', method: 'tan' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.tan(a[i]); },
    // out = tan a: ∂a = g/cos²a = g·(1 + out²)
    grad: (g, { out }, op) => op.mul(g, op.add(op.square(out), 1)),
    words: {
      summary: 'tan takes the tangent elementwise: its gradient is the upstream gradient times 1 + out² = 1/cos² a (infinite where cos a = 0)',
      formula: 'out = tan a', partial: '∂out/∂a = 1/cos² a = 1 + out²',
    },
  },
  /** arcsin a, elementwise: the angle in [−π/2, π/2] whose sine is a (NaN outside [−1, 1]). */
  arcsin: {
    api: { np: 'arcsin', method: 'arcsin' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.asin(a[i]); },
    // out = arcsin a: ∂a = g/√(1 − a²)
    grad: (g, { a }, op) => op.div(g, op.sqrt(op.sub(1, op.square(a)))),
    words: {
      summary: 'arcsin takes the inverse sine elementwise: its gradient is the upstream gradient divided by √(1 − a²) (infinite at a = ±1)',
      formula: 'out = arcsin a', partial: '∂out/∂a = 1/√(1 − a²)',
    },
  },
  /** arccos a, elementwise: the angle in [0, π] whose cosine is a (NaN outside [−1, 1]). */
  arccos: {
    api: { np: 'arccos', method: 'arccos' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.acos(a[i]); },
    // out = arccos a: ∂a = −g/√(1 − a²)
    grad: (g, { a }, op) => op.neg(op.div(g, op.sqrt(op.sub(1, op.square(a))))),
    words: {
      summary: 'arccos takes the inverse cosine elementwise: its gradient is the upstream gradient divided by −√(1 − a²) (infinite at a = ±1)',
      formula: 'out = arccos a', partial: '∂out/∂a = −1/√(1 − a²)',
    },
  },
  /** arctan a, elementwise: the angle in (−π/2, π/2) whose tangent is a. */
  arctan: {
    api: { np: 'arctan', method: 'arctan' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.atan(a[i]); },
    // out = arctan a: ∂a = g/(1 + a²)
    grad: (g, { a }, op) => op.div(g, op.add(op.square(a), 1)),
    words: {
      summary: 'arctan takes the inverse tangent elementwise: its gradient is the upstream gradient divided by 1 + a²',
      formula: 'out = arctan a', partial: '∂out/∂a = 1/(1 + a²)',
    },
  },
  /** sinh a = (eᵃ − e⁻ᵃ)/2, elementwise. */
  sinh: {
    api: { np: 'sinh', method: 'sinh' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.sinh(a[i]); },
    // out = sinh a: ∂a = g·cosh a
    grad: (g, { a }, op) => op.mul(g, op.cosh(a)),
    words: {
      summary: 'sinh takes the hyperbolic sine elementwise: its gradient is the upstream gradient times cosh a',
      formula: 'out = sinh a = (eᵃ − e⁻ᵃ)/2', partial: '∂out/∂a = cosh a',
    },
  },
  /** cosh a = (eᵃ + e⁻ᵃ)/2, elementwise. */
  cosh: {
    api: { np: 'cosh', method: 'cosh' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.cosh(a[i]); },
    // out = cosh a: ∂a = g·sinh a
    grad: (g, { a }, op) => op.mul(g, op.sinh(a)),
    words: {
      summary: 'cosh takes the hyperbolic cosine elementwise: its gradient is the upstream gradient times sinh a',
      formula: 'out = cosh a = (eᵃ + e⁻ᵃ)/2', partial: '∂out/∂a = sinh a',
    },
  },
  /** tanh a, elementwise. */
  tanh: {
    api: { np: 'tanh', method: 'tanh' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]); },
    wasm: 'tanh',
    // out = tanh a: ∂a = g·(1 − out²), one fused op (tanhGrad) that is itself differentiable
    grad: (g, { out }, op) => op.tanhGrad(g, out),
    words: {
      summary: 'tanh squashes elementwise into (−1, 1): its gradient is the upstream gradient times 1 − out²',
      formula: 'out = tanh a', partial: '∂out/∂a = 1 − out²',
    },
  },
  /**
   * 1/a, elementwise, in a's type as NumPy's reciprocal: integers give integers (1/2 is 0, as in
   * NumPy), 1/0 of a float is ±Infinity.
   */
  reciprocal: {
    api: { np: 'reciprocal', method: 'reciprocal' }, result: 'arithmetic',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = 1 / a[i]; },
    // out = 1/a: ∂a = −g/a² = −g·out²
    grad: (g, { out }, op) => op.neg(op.mul(g, op.square(out))),
    words: {
      summary: 'reciprocal takes 1/a elementwise: its gradient is the upstream gradient times −1/a² = −out²',
      formula: 'out = 1/a', partial: '∂out/∂a = −1/a² = −out²',
    },
  },
  /** −1, 0 or 1 (its gradient is zero everywhere it exists). */
  sign: {
    api: { np: 'sign', method: 'sign' }, result: 'arithmetic',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x > 0 ? 1 : x < 0 ? -1 : x; } },
    // out = sign a: ∂a = 0 (wherever it exists)
    grad: (_g, { a }, op) => op.zerosLike(a),
    words: {
      summary: 'sign is piecewise constant: its gradient is zero wherever it exists, so nothing flows back',
      formula: 'out = sign a', partial: '∂out/∂a = 0 (wherever it exists)',
    },
  },
  /** max(a, 0), elementwise. */
  relu: {
    api: { npx: 'relu' }, result: 'arithmetic',
    // NaN stays NaN (rather than becoming 0) so that anomaly detection sees where it came from.
    loop: (a, o, n) => { for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x > 0 || x !== x ? x : 0; } },
    wasm: 'relu',
    // out = max(a, 0): ∂a = g where a > 0, else 0 (one fused op, reluGrad)
    grad: (g, { a }, op) => op.reluGrad(g, a),
    words: {
      summary: 'relu keeps the positive part elementwise: the upstream gradient passes where a > 0 and is zero elsewhere',
      formula: 'out = max(a, 0)', partial: '∂out/∂a = 1 where a > 0, else 0',
    },
  },
  /** 1 / (1 + e⁻ᵃ), elementwise. */
  sigmoid: {
    api: { npx: 'sigmoid' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = 1 / (1 + Math.exp(-a[i])); },
    wasm: 'sigmoid',
    // out = σ(a): ∂a = g·out·(1 − out) (one fused op, sigmoidGrad)
    grad: (g, { out }, op) => op.sigmoidGrad(g, out),
    words: {
      summary: 'sigmoid squashes elementwise into (0, 1): its gradient is the upstream gradient times out · (1 − out)',
      formula: 'out = σ(a) = 1 / (1 + e⁻ᵃ)', partial: '∂out/∂a = out · (1 − out)',
    },
  },
  /** ln σ(a) = −ln(1 + e⁻ᵃ), elementwise, computed without overflow or rounding to 0 for large |a|. */
  logSigmoid: {
    api: { npx: 'logSigmoid' }, result: 'float',
    // min(a, 0) − ln(1 + e^(−|a|)): e^(−|a|) never overflows, and log1p keeps it when it is tiny.
    loop: (a, o, n) => { for (let i = 0; i < n; i++) { const x = a[i]; o[i] = Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))); } },
    // out = ln σ(a): ∂a = g·(1 − σ(a)) = g·σ(−a), which does not round to 0 for large a
    grad: (g, { a }, op) => op.mul(g, op.sigmoid(op.neg(a))),
    words: {
      summary: 'logSigmoid takes ln σ(a) elementwise (stable for large |a|): its gradient is the upstream gradient times σ(−a) = 1 − σ(a)',
      formula: 'out = ln σ(a) = −ln(1 + e⁻ᵃ)', partial: '∂out/∂a = σ(−a) = 1 − σ(a)',
    },
  },
  /**
   * The error function erf a = 2/√π · ∫₀ᵃ e^(−t²) dt, elementwise, within 7e-16 relative (measured
   * against a 400-digit erf).
   */
  erf: {
    api: { npx: 'erf', method: 'erf' }, result: 'float',
    loop: (a, o, n) => {
      for (let i = 0; i < n; i++) {
        const x = a[i];
        const z = Math.abs(x);
        // erfc(6) < 2.2e-17, so 1 − erfc rounds to 1 from there on; NaN stays NaN.
        if (!(z < 6)) { o[i] = x > 0 ? 1 : x < 0 ? -1 : x; continue; }
        // e^(−z²), with z = hi + (z − hi) and hi² exact: z²'s rounding would cost z² ulps.
        const hi = Math.floor(z * 4096) / 4096;
        const gauss = Math.exp(-hi * hi) * Math.exp(-(z - hi) * (z + hi));
        let erf;
        if (z < 1) {
          // erf z = 2/√π · e^(−z²) · Σₖ z·(2z²)ᵏ/(1·3·…·(2k+1)): positive terms, no cancellation.
          let term = z;
          let sum = z;
          for (let k = 1; term > sum * 1e-17; k++) { term *= (2 * z * z) / (2 * k + 1); sum += term; }
          erf = 1.1283791670955126 * gauss * sum; // 2/√π
        } else {
          // erfc z = 2z·e^(−z²)/√π / (2z² + 1 − 1·2/(2z² + 5 − 3·4/(2z² + 9 − …))), a continued
          // fraction evaluated from a depth at which it has converged (8 + 120/z² levels).
          const s = 2 * z * z;
          const depth = 8 + Math.ceil(240 / s);
          let d = s + 1 + 4 * depth;
          for (let k = depth; k >= 1; k--) d = s + 4 * k - 3 - ((2 * k - 1) * 2 * k) / d;
          erf = 1 - (1.1283791670955126 * z * gauss) / d;
        }
        o[i] = x < 0 ? -erf : x > 0 ? erf : x;
      }
    },
    // out = erf a: ∂a = g·2/√π·e^(−a²)
    grad: (g, { a }, op) => op.mul(g, op.mul(op.exp(op.neg(op.square(a))), TWO_OVER_SQRT_PI)),
    words: {
      summary: 'erf is the error function, elementwise: its gradient is the upstream gradient times 2/√π · e⁻ᵃ²',
      formula: 'out = erf a = 2/√π · ∫₀ᵃ e⁻ᵗ² dt', partial: '∂out/∂a = 2/√π · e⁻ᵃ²',
    },
  },
  /**
   * The Gaussian error linear unit a·Φ(a), Φ the standard normal distribution function: MXNet's
   * default (erf) GELU, elementwise, within 4e-15 relative (measured against a 400-digit erf), also
   * where a·Φ(a) is tiny (a ≪ 0).
   */
  gelu: {
    api: { npx: 'gelu' }, result: 'float',
    loop: (a, o, n) => {
      for (let i = 0; i < n; i++) {
        const x = a[i];
        const t = Math.abs(x);
        const z = t * 0.7071067811865476; // |x|/√2: Φ(x) = (1 + erf(x/√2))/2
        // From z = 27 on, erfc z underflows: Φ is 1 (x > 0) or x·Φ(x) is −0 (x < 0); NaN stays NaN.
        if (!(z < 27)) { o[i] = x > 0 ? x : x < 0 ? -0 : x; continue; }
        // e^(−z²) = e^(−t²/2), with t = hi + (t − hi) and hi² exact: t²'s rounding would cost t² ulps.
        const hi = Math.floor(t * 4096) / 4096;
        const gauss = Math.exp(-0.5 * hi * hi) * Math.exp(-0.5 * (t - hi) * (t + hi));
        // erf's algorithm (see erf above), repeated here because a loop refers to nothing outside itself.
        let cdf;
        if (z < 1) {
          // erf z = 2/√π · e^(−z²) · Σₖ z·(2z²)ᵏ/(1·3·…·(2k+1)): positive terms, no cancellation.
          let term = z;
          let sum = z;
          for (let k = 1; term > sum * 1e-17; k++) { term *= (2 * z * z) / (2 * k + 1); sum += term; }
          const erf = 1.1283791670955126 * gauss * sum; // 2/√π
          cdf = x < 0 ? 0.5 - 0.5 * erf : 0.5 + 0.5 * erf;
        } else {
          // erfc z = 2z·e^(−z²)/√π / (2z² + 1 − 1·2/(2z² + 5 − 3·4/(2z² + 9 − …))), a continued
          // fraction evaluated from a depth at which it has converged; for x < 0, Φ(x) = erfc(z)/2
          // keeps its relative accuracy where 1 + erf(x/√2) would cancel.
          const s = 2 * z * z;
          const depth = 8 + Math.ceil(240 / s);
          let d = s + 1 + 4 * depth;
          for (let k = depth; k >= 1; k--) d = s + 4 * k - 3 - ((2 * k - 1) * 2 * k) / d;
          const erfc = (1.1283791670955126 * z * gauss) / d;
          cdf = x < 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
        }
        o[i] = x * cdf;
      }
    },
    // out = a·Φ(a): ∂a = g·(Φ(a) + a·φ(a)), Φ(a) = (1 + erf(a/√2))/2, φ(a) = e^(−a²/2)/√(2π)
    // (1 + erf cancels for a ≪ 0: there Φ is off by less than 1e-16 absolute, 1% of ∂a at a = −10)
    grad: (g, { a }, op) => {
      const cdf = op.mul(op.add(op.erf(op.mul(a, Math.SQRT1_2)), 1), 0.5);
      const density = op.mul(op.exp(op.mul(op.square(a), -0.5)), ONE_OVER_SQRT_2PI);
      return op.mul(g, op.add(cdf, op.mul(a, density)));
    },
    words: {
      summary: 'gelu weighs a by Φ(a), the probability that a standard normal value is below a, elementwise: its gradient is the upstream gradient times Φ(a) + a · φ(a)',
      formula: 'out = a · Φ(a) = a · (1 + erf(a/√2))/2', partial: '∂out/∂a = Φ(a) + a · φ(a), φ(a) = exp(−a²/2)/√(2π)',
    },
  },
} as const satisfies Record<string, UnaryDefinition>;

export type UnaryOpName = keyof typeof UNARY_OPS;
