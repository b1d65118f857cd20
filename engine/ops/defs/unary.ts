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
 * To add a unary op: one entry here, a test in test/unit/gradcheck.test.ts (see engine/README.md).
 */
import type { UnaryDefinition } from './types';

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
    // out = ln a: ∂a = g/a
    grad: (g, { a }, op) => op.div(g, a),
    words: {
      summary: 'log takes the natural logarithm elementwise: its gradient is the upstream gradient divided by a',
      formula: 'out = ln a', partial: '∂out/∂a = 1/a',
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
  /** tanh a, elementwise. */
  tanh: {
    api: { np: 'tanh', method: 'tanh' }, result: 'float',
    loop: (a, o, n) => { for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]); },
    // out = tanh a: ∂a = g·(1 − out²), one fused op (tanhGrad) that is itself differentiable
    grad: (g, { out }, op) => op.tanhGrad(g, out),
    words: {
      summary: 'tanh squashes elementwise into (−1, 1): its gradient is the upstream gradient times 1 − out²',
      formula: 'out = tanh a', partial: '∂out/∂a = 1 − out²',
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
    // out = σ(a): ∂a = g·out·(1 − out) (one fused op, sigmoidGrad)
    grad: (g, { out }, op) => op.sigmoidGrad(g, out),
    words: {
      summary: 'sigmoid squashes elementwise into (0, 1): its gradient is the upstream gradient times out · (1 − out)',
      formula: 'out = σ(a) = 1 / (1 + e⁻ᵃ)', partial: '∂out/∂a = out · (1 − out)',
    },
  },
} as const satisfies Record<string, UnaryDefinition>;

export type UnaryOpName = keyof typeof UNARY_OPS;
