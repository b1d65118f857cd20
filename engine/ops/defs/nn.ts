/**
 * The neural-network ops: softmax, log-softmax, dropout, batch normalisation, and MXNet's npx
 * pick, oneHot, sequenceMask and embedding. One entry each:
 * where it is in the API, its inputs, its flags, its gradient (math above it), its replay and the
 * step panel's words. The public functions (ops/nn.ts) check arguments, run the kernels and record.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { DType } from '../../dtype';
import type { NDArray } from '../../ndarray';
import type { EngineOps, OpDefinitions } from './types';

/** The attributes each op records. */
export interface NnAttrs {
  softmax: { axis: number };
  logSoftmax: { axis: number };
  /** `active`: training mode with p > 0 (otherwise the identity). */
  dropout: { p: number; active: boolean };
  /** `useBatchStats`: training mode (batch statistics) rather than the running ones. */
  batchNorm: { eps: number; momentum: number; axis: number; useBatchStats: boolean };
  /** Saves the picked positions (int32, data's shape with `axis` of length 1), after clipping or wrapping. */
  pick: { axis: number; keepdims: boolean; mode: 'clip' | 'wrap' };
  oneHot: { depth: number; onValue: number; offValue: number; dtype: DType };
  /** With `useSequenceLength`, records (data, sequenceLength) and saves the kept positions (1, or 0 where masked). */
  sequenceMask: { useSequenceLength: boolean; value: number; axis: number };
  embedding: { inputDim: number; outputDim: number };
}

export type NnOpName = keyof NnAttrs;

const LAYER = { elementwise: false, differentiable: true };

/** An index-like input (pick's index, oneHot's indices, embedding's data) takes no gradient: zeros if a float one asks. */
const noIndexGrad = (input: NDArray | undefined, needsGrad: boolean | undefined, op: EngineOps): NDArray | null =>
  (needsGrad && input ? op.zerosLike(input) : null);

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
  pick: {
    api: { npx: 'pick' }, inputs: ['data', 'index'], flags: LAYER,
    // out = data at the picked positions p (saved) along the axis: ∂data = g scatter-added at p (picked twice adds up)
    grad: (g, { inputs: [data, index], attrs: { axis }, saved: [positions], needsGrad }, op) => [
      needsGrad[0] ? op.takeAlongAxisGrad(op.reshape(g, positions!.shape), positions!, axis, data!.shape[axis]!) : null,
      noIndexGrad(index, needsGrad[1], op),
    ],
    replay: ([data, index], attrs, op) => op.pick(data!, index!, attrs),
    words: (attrs, _n, say) => {
      const axis = say.axis(attrs.axis);
      const range = attrs.mode === 'wrap' ? 'an index out of range wraps around' : attrs.mode === 'clip' ? 'an index out of range is clipped to the ends' : 'an index out of range is clipped or wrapped';
      return {
        summary: `pick picks one element of data along ${axis} at each index (${range}): its gradient is the upstream gradient put back where each element was picked, zeros elsewhere (an element picked twice adds up)`,
        formula: `out = data[…, index, …] along ${axis}${attrs.keepdims === true ? ' (kept as length 1)' : ''}`,
        partials: [`∂L/∂data = g at the picked positions along ${axis}, 0 elsewhere`, 'index: no gradient'],
        broadcast: false,
      };
    },
  },
  oneHot: {
    api: { npx: 'oneHot' }, inputs: ['indices'], flags: { elementwise: false, differentiable: false },
    // out = onValue at each index, offValue elsewhere: constant in the indices, no gradient
    grad: (_g, { inputs: [indices], needsGrad }, op) => [noIndexGrad(indices, needsGrad[0], op)],
    replay: ([indices], { depth, ...options }, op) => op.oneHot(indices!, depth, options),
    words: (attrs, _n, say) => {
      const depth = say.num(attrs.depth ?? 'depth');
      const on = say.num(attrs.onValue ?? 'onValue');
      const off = say.num(attrs.offValue ?? 'offValue');
      return {
        summary: `oneHot turns each index into a row of length ${depth}, ${on} at the index and ${off} elsewhere (all ${off} for an index out of range): not differentiable: no gradient flows through it`,
        formula: `out = ${on} at position indices[…] of each row of length ${depth}, ${off} elsewhere`,
        partials: ['indices: no gradient'],
        broadcast: false,
      };
    },
  },
  sequenceMask: {
    api: { npx: 'sequenceMask' }, inputs: ['data', 'sequenceLength'], flags: LAYER,
    // out = data where t < length[n], value elsewhere (keep = saved 0/1 mask): ∂data = g·keep
    grad: (g, { inputs: [, lengths], attrs: { useSequenceLength }, saved: [keep], needsGrad }, op) => [
      needsGrad[0] ? (useSequenceLength ? op.mul(g, keep!) : g) : null,
      ...(lengths ? [noIndexGrad(lengths, needsGrad[1], op)] : []),
    ],
    replay: ([data, lengths], attrs, op) => op.sequenceMask(data!, lengths ?? null, attrs),
    words: (attrs, _n, say) => {
      const value = say.num(attrs.value ?? 'value');
      const layout = attrs.axis === 1 ? 'data (N, T, …), time on axis 1' : attrs.axis === 0 ? 'data (T, N, …), time on axis 0' : 'data with a time axis';
      if (attrs.useSequenceLength === false) {
        return {
          summary: 'sequenceMask is the identity here (useSequenceLength is false): the upstream gradient passes unchanged',
          formula: 'out = data', partials: ['∂out/∂data = 1', 'sequenceLength: not used'], broadcast: false,
        };
      }
      return {
        summary: `sequenceMask sets each sequence's steps from its length on to ${value} (${layout}): the upstream gradient passes where the data is kept and is zero where it was masked`,
        formula: `out = data where t < sequenceLength[n], else ${value}`,
        partials: ['∂out/∂data = 1 where t < sequenceLength[n], else 0', 'sequenceLength: no gradient'],
        broadcast: false,
      };
    },
  },
  embedding: {
    api: { npx: 'embedding' }, inputs: ['data', 'weight'], flags: LAYER,
    // out[…] = weight[data[…]] (rows at the saved int32 positions p): ∂weight = g's rows scatter-added at p
    grad: (g, { inputs: [data, weight], saved: [positions], needsGrad }, op) => [
      noIndexGrad(data, needsGrad[0], op),
      needsGrad[1] ? op.takeGrad(g, positions!, 0, weight!.shape) : null,
    ],
    replay: ([data, weight], attrs, op) => op.embedding(data!, weight!, attrs),
    words: (attrs, _n, say) => {
      const rows = say.num(attrs.inputDim ?? 'inputDim');
      const width = say.num(attrs.outputDim ?? 'outputDim');
      return {
        summary: `embedding looks up row data[…] of the weight (${rows} rows of length ${width}) for each index: the weight's gradient adds the upstream gradient's rows into the rows they were read from (a row read twice adds up); the indices get none`,
        formula: 'out = weight[data, :] (one row per index)',
        partials: ['data: an index, no gradient', '∂L/∂weight = g scatter-added at the rows data names'],
        broadcast: false,
      };
    },
  },
};
