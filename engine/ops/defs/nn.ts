/**
 * The neural-network ops: softmax, log-softmax, dropout, batch normalisation, and MXNet's npx
 * pick, oneHot, batchDot, sequenceMask, maskedSoftmax, layerNorm, embedding and leakyRelu. One entry each:
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
  batchDot: { transposeA: boolean; transposeB: boolean };
  /** With `useSequenceLength`, records (data, sequenceLength) and saves the kept positions (1, or 0 where masked). */
  sequenceMask: { useSequenceLength: boolean; value: number; axis: number };
  maskedSoftmax: { axis: number; temperature: number };
  layerNorm: { axis: number; eps: number };
  embedding: { inputDim: number; outputDim: number };
  /** actType 'gelu' is recorded as npx.gelu. */
  leakyRelu: { actType: 'leaky' | 'elu'; slope: number };
}

export type NnOpName = keyof NnAttrs;

const LAYER = { elementwise: false, differentiable: true };

/** An index-like input (pick's index, oneHot's indices, embedding's data) takes no gradient: zeros if a float one asks. */
const noIndexGrad = (input: NDArray | undefined, needsGrad: boolean | undefined, op: EngineOps): NDArray | null =>
  (needsGrad && input ? op.zerosLike(input) : null);

/** Layer normalisation's x̂ and 1/√(σ² + ε) along `axis`, recomputed with engine ops so that second derivatives see them depend on x. */
function normalised(op: EngineOps, x: NDArray, axis: number, eps: number): { xhat: NDArray; invStd: NDArray } {
  const centered = op.sub(x, op.mean(x, axis, true));
  const invStd = op.pow(op.add(op.mean(op.square(centered), axis, true), eps), -0.5);
  return { xhat: op.mul(centered, invStd), invStd };
}

/** Σ over every axis but `axis` (nothing to sum for a 1-D array). */
function sumOthers(op: EngineOps, a: NDArray, axis: number): NDArray {
  const others = a.shape.map((_, i) => i).filter((i) => i !== axis);
  return others.length === 0 ? a : op.sum(a, others);
}

/** "A" or "Aᵀ" as a batchDot operand reads, from a trace's flag (unknown: "A"). */
const operand = (name: string, transposed: unknown): string => (transposed === true ? `${name}ᵀ` : name);

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
  batchDot: {
    api: { npx: 'batchDot' }, inputs: ['a', 'b'], flags: LAYER,
    // out = A'·B' per batch (A' = Aᵀ with transposeA, B' = Bᵀ with transposeB): ∂A' = g·B'ᵀ, ∂B' = A'ᵀ·g, each a batchDot again
    grad: (g, { inputs: [a, b], attrs: { transposeA, transposeB }, needsGrad }, op) => [
      needsGrad[0] ? (transposeA
        ? op.batchDot(b!, g, { transposeA: transposeB, transposeB: true }) // (g·B')ᵀ = B'·gᵀ
        : op.batchDot(g, b!, { transposeA: false, transposeB: !transposeB })) : null,
      needsGrad[1] ? (transposeB
        ? op.batchDot(g, a!, { transposeA: true, transposeB: transposeA }) // (A'ᵀ·g)ᵀ = gᵀ·A'
        : op.batchDot(a!, g, { transposeA: !transposeA, transposeB: false })) : null,
    ],
    replay: ([a, b], attrs, op) => op.batchDot(a!, b!, attrs),
    words: (attrs) => {
      const [a, b] = [operand('a', attrs.transposeA), operand('b', attrs.transposeB)];
      return {
        summary: `batchDot multiplies the matrices of a and b batch by batch (${a} · ${b} over the last two axes): a's gradient is the upstream gradient times (${b})ᵀ, b's is (${a})ᵀ times the upstream gradient, each a batchDot again`,
        formula: `out = ${a} · ${b} for each batch`,
        partials: [`∂L/∂${a} = g · (${b})ᵀ`, `∂L/∂${b} = (${a})ᵀ · g`],
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
  maskedSoftmax: {
    api: { npx: 'maskedSoftmax' }, inputs: ['a', 'mask'], flags: LAYER,
    // y = softmax(a/T) over the unmasked positions, 0 at masked ones (and in an all-masked lane): ∂a = y·(g − Σ g·y)/T
    grad: (g, { inputs: [, mask], output: y, attrs: { axis, temperature }, needsGrad }, op) => {
      const da = op.mul(y, op.sub(g, op.sum(op.mul(g, y), axis, true)));
      return [temperature === 1 ? da : op.div(da, temperature), noIndexGrad(mask, needsGrad[1], op)];
    },
    replay: ([a, mask], attrs, op) => op.maskedSoftmax(a!, mask!, attrs),
    words: (attrs, _n, say) => {
      const axis = say.axis(attrs.axis);
      const t = typeof attrs.temperature === 'number' && attrs.temperature !== 1 ? say.num(attrs.temperature) : null;
      const scaled = t === null ? 'a' : `a/${t}`;
      return {
        summary: `maskedSoftmax turns ${scaled} into probabilities along ${axis} over the positions the mask keeps (0 where masked, a row masked entirely is all 0): its gradient is y times (the upstream gradient minus its y-weighted sum)${t === null ? '' : `, divided by ${t}`}, so masked positions get none`,
        formula: `y = e^(${scaled}) / Σ e^(${scaled}) over the kept positions along ${axis}, 0 where masked`,
        partials: [`∂L/∂a = y · (g − Σ g · y)${t === null ? '' : ` / ${t}`} (0 where masked)`, 'mask: no gradient'],
        broadcast: false,
      };
    },
  },
  layerNorm: {
    api: { npx: 'layerNorm' }, inputs: ['x', 'gamma', 'beta'], flags: LAYER,
    // y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + ε) with μ, σ² along the axis: ∂x = (ĝ − mean ĝ − x̂·mean(ĝ·x̂))/√(σ² + ε), ĝ = γ·g
    grad: (g, { inputs: [x, gamma], attrs: { axis, eps }, needsGrad }, op) => {
      const { xhat, invStd } = normalised(op, x!, axis, eps);
      const featureShape = x!.shape.map((dim, i) => (i === axis ? dim : 1));
      const dx = () => {
        const dxhat = op.mul(g, op.reshape(gamma!, featureShape));
        const inner = op.sub(op.sub(dxhat, op.mean(dxhat, axis, true)), op.mul(xhat, op.mean(op.mul(dxhat, xhat), axis, true)));
        return op.mul(invStd, inner);
      };
      return [
        needsGrad[0] ? dx() : null,
        needsGrad[1] ? sumOthers(op, op.mul(g, xhat), axis) : null, // ∂/∂γ = Σ g · x̂
        needsGrad[2] ? sumOthers(op, g, axis) : null, // ∂/∂β = Σ g
      ];
    },
    replay: ([x, gamma, beta], attrs, op) => op.layerNorm(x!, gamma!, beta!, attrs),
    words: (attrs, _n, say) => {
      const axis = say.axis(attrs.axis);
      const eps = typeof attrs.eps === 'number' ? `, ε = ${say.num(attrs.eps)}` : '';
      return {
        summary: `layerNorm normalises x along ${axis} with each position's own mean μ and variance σ² there, then scales by γ and shifts by β (one of each per element of that axis): γ's gradient is Σ g · x̂, β's is Σ g`,
        formula: `y = γ · x̂ + β, x̂ = (x − μ) / √(σ² + ε) along ${axis}${eps}`,
        partials: [`∂L/∂x = (ĝ − mean ĝ − x̂ · mean(ĝ · x̂)) / √(σ² + ε), ĝ = γ · g, means along ${axis}`,
          `∂L/∂γ = Σ g · x̂ (over all axes but ${axis})`, `∂L/∂β = Σ g (over all axes but ${axis})`],
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
  leakyRelu: {
    api: { npx: 'leakyRelu' }, inputs: ['a'], flags: { elementwise: true, differentiable: true },
    // leaky: out = a (a > 0) or slope·a, ∂a = g or slope·g; elu: out = a (a > 0) or slope·(eᵃ − 1), ∂a = g or slope·eᵃ·g
    grad: (g, { inputs: [a], attrs: { actType, slope } }, op) => {
      const below = actType === 'elu' ? op.mul(g, op.mul(op.exp(a!), slope)) : op.mul(g, slope);
      return [op.where(op.greater(a!, 0), g, below)];
    },
    replay: ([a], attrs, op) => op.leakyRelu(a!, attrs),
    words: (attrs, _n, say) => {
      const slope = say.num(attrs.slope ?? 'slope');
      if (attrs.actType === 'elu') {
        return {
          summary: `leakyRelu (elu) keeps a where a > 0 and bends it to ${slope} · (eᵃ − 1) below, elementwise: the upstream gradient passes where a > 0 and is multiplied by ${slope} · eᵃ elsewhere`,
          formula: `out = a if a > 0, else ${slope} · (eᵃ − 1)`, partials: [`∂out/∂a = 1 where a > 0, else ${slope} · eᵃ`], broadcast: false,
        };
      }
      return {
        summary: `leakyRelu keeps a where a > 0 and scales it by ${slope} elsewhere, elementwise: the upstream gradient passes where a > 0 and is multiplied by ${slope} elsewhere`,
        formula: `out = a if a > 0, else ${slope} · a`, partials: [`∂out/∂a = 1 where a > 0, else ${slope}`], broadcast: false,
      };
    },
  },
};
