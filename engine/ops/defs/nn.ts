/**
 * The neural-network ops: softmax, log-softmax, dropout, batch normalisation. One entry each:
 * where it is in the API, its inputs, its flags, its gradient (math above it), its replay and the
 * step panel's words. The public functions (ops/nn.ts) check arguments, run the kernels and record.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { OpDefinitions } from './types';

/** The attributes each op records. */
export interface NnAttrs {
  softmax: { axis: number };
  logSoftmax: { axis: number };
  /** `active`: training mode with p > 0 (otherwise the identity). */
  dropout: { p: number; active: boolean };
  /** `useBatchStats`: training mode (batch statistics) rather than the running ones. */
  batchNorm: { eps: number; momentum: number; axis: number; useBatchStats: boolean };
}

export type NnOpName = keyof NnAttrs;

const LAYER = { elementwise: false, differentiable: true };

export const NN_OPS: OpDefinitions<NnAttrs> = {
  softmax: {
    api: { npx: 'softmax' }, inputs: ['a'], flags: LAYER,
    // y = softmax(a): ∂a = y·(g − Σ g·y)
    grad: (g, { output: y, attrs }, op) => [op.mul(y, op.sub(g, op.sum(op.mul(g, y), attrs.axis, true)))],
    replay: ([a], { axis }, op) => op.softmax(a!, axis),
    words: (attrs, _n, say) => ({
      summary: `softmax turns a into probabilities along ${say.axis(attrs.axis)}: its gradient is y times (the upstream gradient minus its y-weighted sum)`,
      formula: `y = eᵃ / Σ eᵃ along ${say.axis(attrs.axis)}`,
      partials: ['∂yᵢ/∂aⱼ = yᵢ · (δᵢⱼ − yⱼ), so ∂L/∂a = y · (g − Σ g · y)'],
      broadcast: false,
    }),
  },
  logSoftmax: {
    api: { npx: 'logSoftmax' }, inputs: ['a'], flags: LAYER,
    // y = log softmax(a): ∂a = g − eʸ·Σ g
    grad: (g, { output: y, attrs }, op) => [op.sub(g, op.mul(op.exp(y), op.sum(g, attrs.axis, true)))],
    replay: ([a], { axis }, op) => op.logSoftmax(a!, axis),
    words: (attrs, _n, say) => ({
      summary: `logSoftmax takes the log of softmax along ${say.axis(attrs.axis)}: its gradient is the upstream gradient minus softmax(a) times the sum of the upstream gradient`,
      formula: `y = a − ln Σ eᵃ along ${say.axis(attrs.axis)}`,
      partials: ['∂L/∂a = g − eʸ · Σ g (eʸ = softmax(a))'],
      broadcast: false,
    }),
  },
  dropout: {
    api: { npx: 'dropout' }, inputs: ['a'], flags: { elementwise: true, differentiable: true },
    // out = a·mask/(1−p) in training: ∂a = g·mask/(1−p) (the saved mask holds the scale); identity in prediction
    grad: (g, { attrs, saved }, op) => [attrs.active ? op.mul(g, saved[0]!) : g],
    // The mask the op drew is part of what was recorded: a replay multiplies by the same one.
    replay: ([a], { active }, op, saved) => (active && saved[0] ? op.mul(a!, saved[0]) : op.copy(a!)),
    words: (attrs, _n, say) => {
      const p = typeof attrs.p === 'number' ? attrs.p : null;
      if (attrs.active === false || p === 0) {
        return { summary: 'dropout is the identity here (prediction mode, or p = 0): the upstream gradient passes unchanged', formula: 'out = a', partials: ['∂out/∂a = 1'], broadcast: false };
      }
      const pText = p === null ? 'p' : say.num(p);
      const scale = p === null ? '1/(1 − p)' : say.num(1 / (1 - p));
      return {
        summary: `dropout zeroes each element with probability ${pText} and scales the others by ${scale}: the upstream gradient flows only through the kept elements, scaled the same way`,
        formula: `out = a · mask / (1 − ${pText})`,
        partials: [`∂out/∂a = mask / (1 − ${pText}) (0 where dropped, ${scale} where kept)`],
        broadcast: false,
      };
    },
  },
  batchNorm: {
    api: { npx: 'batchNorm' }, inputs: ['x', 'gamma', 'beta', 'runningMean', 'runningVar'], flags: LAYER,
    // y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + ε)
    grad: (g, { inputs, attrs, needsGrad }, op) => {
      const [x, gamma, , runningMean, runningVar] = inputs as [typeof g, typeof g, typeof g, typeof g, typeof g];
      const { axis, eps, useBatchStats } = attrs;
      const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
      const channelShape = x.shape.map((dim, i) => (i === axis ? dim : 1));
      const perChannel = (p: typeof g) => op.reshape(p, channelShape);
      let xhat: typeof g;
      let dx: () => typeof g;
      if (useBatchStats) {
        // Statistics recomputed from x with engine ops, so that second derivatives see them depend on x.
        const centered = op.sub(x, op.mean(x, axes, true));
        const invStd = op.pow(op.add(op.mean(op.square(centered), axes, true), eps), -0.5);
        xhat = op.mul(centered, invStd);
        dx = () => {
          const dxhat = op.mul(g, perChannel(gamma));
          // ∂L/∂x = invStd · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat))
          const inner = op.sub(op.sub(dxhat, op.mean(dxhat, axes, true)), op.mul(xhat, op.mean(op.mul(dxhat, xhat), axes, true)));
          return op.mul(invStd, inner);
        };
      } else {
        const invStd = op.pow(op.add(perChannel(runningVar), eps), -0.5);
        xhat = op.mul(op.sub(x, perChannel(runningMean)), invStd);
        dx = () => op.mul(g, op.mul(perChannel(gamma), invStd)); // running statistics are constants
      }
      return [
        needsGrad[0] ? dx() : null,
        needsGrad[1] ? op.sum(op.mul(g, xhat), axes) : null, // ∂/∂γ = Σ g · x̂
        needsGrad[2] ? op.sum(g, axes) : null, // ∂/∂β = Σ g
        null,
        null,
      ];
    },
    // On copies of the running statistics: a replay must not move the program's own.
    replay: ([x, gamma, beta, mean, variance], { eps, momentum, axis }, op) =>
      op.batchNorm(x!, gamma!, beta!, op.copy(mean!), op.copy(variance!), { eps, momentum, axis }),
    words: (attrs, _n, say) => {
      const channel = typeof attrs.axis === 'number' ? ` (axis ${say.num(attrs.axis)})` : '';
      const eps = typeof attrs.eps === 'number' ? `, ε = ${say.num(attrs.eps)}` : '';
      const batch = attrs.useBatchStats !== false;
      const stats = batch ? "the batch's mean μ and variance σ²" : 'the running mean μ and variance σ²';
      const dx = batch
        ? '∂L/∂x = (ĝ − mean ĝ − x̂ · mean(ĝ · x̂)) / √(σ² + ε), ĝ = γ · g'
        : '∂L/∂x = γ · g / √(σ² + ε) (the running statistics are constants)';
      return {
        summary: `batchNorm normalises x per channel${channel} with ${stats}, then scales by γ and shifts by β: γ's gradient is Σ g · x̂, β's is Σ g, the running statistics get none`,
        formula: `y = γ · x̂ + β, x̂ = (x − μ) / √(σ² + ε)${eps}`,
        partials: [dx, '∂L/∂γ = Σ g · x̂ (over all axes but the channel)', '∂L/∂β = Σ g (over all axes but the channel)',
          'running mean: no gradient', 'running variance: no gradient'],
        broadcast: false,
      };
    },
  },
};
