/**
 * Convolution and pooling (NCW / NCHW, MXNet's layout), with their gradients as ops of their own so
 * that createGraph differentiates them again. One entry each: where it is in the API, its inputs,
 * its flags, its gradient (math above it), its replay and the step panel's words. The public
 * functions (ops/conv.ts) check arguments, run the kernels (kernels/conv.ts, pool.ts) and record.
 *
 * Writing B(x, w, dy) = ⟨dy, conv(x, w)⟩, the data gradient is ∂B/∂x = convT(dy, w) (the transposed
 * convolution) and the weight gradient ∂B/∂w = corr(x, dy); B is linear in each argument, so the
 * gradients of both are convolutions and correlations again.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { OpDefinitions, OpWords, Say, TraceAttrs } from './types';

/** A convolution's window, one entry per spatial axis (1 for NCW data, 2 for NCHW). */
export interface ConvolutionParams {
  kernel: number[];
  stride: number[];
  pad: number[];
  dilate: number[];
  numGroup: number;
}

/** A pooling's windows, one entry per spatial axis; with globalPool, one window of the whole extent. */
export interface PoolingParams {
  kernel: number[];
  stride: number[];
  pad: number[];
  poolType: 'max' | 'avg';
  globalPool: boolean;
}

/** The attributes each op records. */
export interface ConvAttrs {
  /** `noBias`: recorded with two inputs (data, weight) instead of three. */
  convolution: ConvolutionParams & { noBias: boolean };
  /** ∂L/∂data of a convolution: dy transposed-convolved with the weight, into `dataShape`. */
  convolutionGradData: ConvolutionParams & { dataShape: number[] };
  /** ∂L/∂weight of a convolution: the data correlated with dy, into `weightShape`. */
  convolutionGradWeight: ConvolutionParams & { weightShape: number[] };
  /** Max pooling saves each window's argmax (flat int32 indices into the data) for its gradient. */
  pooling: PoolingParams;
  /** ∂L/∂data of a pooling, into `dataShape`; max pooling's takes the argmax indices as a second input. */
  poolingGrad: PoolingParams & { dataShape: number[] };
}

export type ConvOpName = keyof ConvAttrs;

const LAYER = { elementwise: false, differentiable: true };

/** The window of a recorded convolution or of one of its gradients. */
function windowOf(attrs: ConvolutionParams): ConvolutionParams {
  const { kernel, stride, pad, dilate, numGroup } = attrs;
  return { kernel, stride, pad, dilate, numGroup };
}

function poolingOf(attrs: PoolingParams): PoolingParams {
  const { kernel, stride, pad, poolType, globalPool } = attrs;
  return { kernel, stride, pad, poolType, globalPool };
}

/** "kernel [3, 3], stride [2, 2], …" of whichever settings a trace holds (none when it holds none). */
function settings(attrs: Record<string, unknown>, names: readonly string[], say: Say): string {
  const known = names.filter((name) => attrs[name] !== undefined).map((name) => `${name} ${say.list(attrs[name])}`);
  return known.length > 0 ? ` (${known.join(', ')})` : '';
}

const CONV_SETTINGS = ['kernel', 'stride', 'pad', 'dilate', 'numGroup'] as const;

/** What the step panel says of each kind of pooling and of its gradient ('either' for a trace without poolType). */
const POOLING_WORDS = {
  max: {
    kind: 'max', route: "the upstream gradient goes to each window's maximum (the first one on ties)",
    formula: 'y = max of each window of x', partial: "∂L/∂x = g at each window's argmax, summed where windows overlap",
    again: 'its own gradient reads the upstream gradient at the argmaxes',
    gradFormula: 'out = dy scattered to the argmax of each window', gradPartial: "∂L/∂dy = g at each window's argmax",
  },
  avg: {
    kind: 'average', route: "the upstream gradient is shared equally among each window's cells, padding included",
    formula: 'y = mean of each window of x (padding counts as 0)', partial: '∂L/∂x = g / window area, spread over each window, summed where windows overlap',
    again: 'its own gradient is the average pooling of the upstream gradient',
    gradFormula: 'out = dy / window area spread over each window', gradPartial: '∂L/∂dy = average pooling of g',
  },
  either: {
    kind: 'max or average', route: "the upstream gradient goes back to each window's maximum (max) or is shared among its cells (average)",
    formula: 'y = max or mean of each window of x', partial: '∂L/∂x = g sent back to the cells of each window',
    again: 'its own gradient reads the upstream gradient at the argmaxes (max) or pools it (average)',
    gradFormula: 'out = dy sent back to the cells of each window', gradPartial: '∂L/∂dy = g read at the argmaxes (max) or average-pooled',
  },
};

function poolingWords(attrs: TraceAttrs<PoolingParams>, say: Say, gradient: boolean): OpWords {
  const windows = attrs.globalPool === true ? ' over the whole spatial extent' : settings(attrs, ['kernel', 'stride', 'pad'], say);
  const w = POOLING_WORDS[attrs.poolType === 'max' || attrs.poolType === 'avg' ? attrs.poolType : 'either'];
  if (!gradient) {
    return { summary: `pooling takes the ${w.kind} of each window${windows}: ${w.route}`, formula: w.formula, partials: [w.partial], broadcast: false };
  }
  return {
    summary: `poolingGrad is the gradient of ${w.kind} pooling${windows}, recorded so it can be differentiated again: ${w.again}`,
    formula: w.gradFormula, partials: [w.gradPartial, 'argmax: no gradient'], broadcast: false,
  };
}

export const CONV_OPS: OpDefinitions<ConvAttrs> = {
  convolution: {
    api: { npx: 'convolution' }, inputs: ['data', 'weight', 'bias'], flags: LAYER,
    // y = conv(x, w) + b: ∂x = convT(g, w), ∂w = corr(x, g), ∂b = Σ g over the batch and positions
    grad: (g, { inputs, attrs, needsGrad }, op) => {
      const [data, weight, bias] = inputs as [typeof g, typeof g, typeof g | undefined];
      const window = windowOf(attrs);
      const grads = [
        needsGrad[0] ? op.convolutionGradData(g, weight, { ...window, dataShape: [...data.shape] }) : null,
        needsGrad[1] ? op.convolutionGradWeight(data, g, { ...window, weightShape: [...weight.shape] }) : null,
      ];
      if (bias === undefined) return grads;
      return [...grads, needsGrad[2] ? op.sum(g, g.shape.map((_, axis) => axis).filter((axis) => axis !== 1)) : null];
    },
    replay: ([data, weight, bias], attrs, op) => op.convolution(data!, weight!, bias ?? null, windowOf(attrs)),
    words: (attrs, _n, say) => ({
      summary: `convolution slides the weight's filters over the data${settings(attrs, CONV_SETTINGS, say)}: the data's gradient is the upstream gradient convolved back with the weight (a transposed convolution), the weight's is the data correlated with the upstream gradient${attrs.noBias === true ? '' : ", the bias's is the upstream gradient summed per channel"}`,
      formula: attrs.noBias === true ? 'y = conv(x, w)' : 'y = conv(x, w) + b',
      partials: ['∂L/∂x = convT(g, w) (the transposed convolution)', '∂L/∂w = corr(x, g) (x correlated with g)', '∂L/∂b = Σ g over the batch and the positions'],
      broadcast: false,
    }),
  },
  convolutionGradData: {
    api: { gradientOf: 'convolution' }, inputs: ['dy', 'weight'], flags: LAYER,
    // dx = convT(dy, w): ∂dy = conv(g, w), ∂w = corr(g, dy)
    grad: (g, { inputs, attrs, needsGrad }, op) => {
      const [dy, weight] = inputs as [typeof g, typeof g];
      const window = windowOf(attrs);
      return [
        needsGrad[0] ? op.convolution(g, weight, null, window) : null,
        needsGrad[1] ? op.convolutionGradWeight(g, dy, { ...window, weightShape: [...weight.shape] }) : null,
      ];
    },
    replay: ([dy, weight], attrs, op) => op.convolutionGradData(dy!, weight!, attrs),
    words: (attrs, _n, say) => ({
      summary: `convolutionGradData is a convolution's data gradient${settings(attrs, CONV_SETTINGS, say)}, the transposed convolution of dy with the weight, recorded so it can be differentiated again: dy's gradient is the convolution of the upstream gradient with the weight, the weight's is the upstream gradient correlated with dy`,
      formula: 'out = convT(dy, w)',
      partials: ['∂L/∂dy = conv(g, w)', '∂L/∂w = corr(g, dy)'],
      broadcast: false,
    }),
  },
  convolutionGradWeight: {
    api: { gradientOf: 'convolution' }, inputs: ['data', 'dy'], flags: LAYER,
    // dw = corr(x, dy): ∂x = convT(dy, g), ∂dy = conv(x, g)
    grad: (g, { inputs, attrs, needsGrad }, op) => {
      const [data, dy] = inputs as [typeof g, typeof g];
      const window = windowOf(attrs);
      return [
        needsGrad[0] ? op.convolutionGradData(dy, g, { ...window, dataShape: [...data.shape] }) : null,
        needsGrad[1] ? op.convolution(data, g, null, window) : null,
      ];
    },
    replay: ([data, dy], attrs, op) => op.convolutionGradWeight(data!, dy!, attrs),
    words: (attrs, _n, say) => ({
      summary: `convolutionGradWeight is a convolution's weight gradient${settings(attrs, CONV_SETTINGS, say)}, the data correlated with dy, recorded so it can be differentiated again: the data's gradient is dy convolved back with the upstream gradient, dy's is the data convolved with the upstream gradient`,
      formula: 'out = corr(x, dy)',
      partials: ['∂L/∂x = convT(dy, g)', '∂L/∂dy = conv(x, g)'],
      broadcast: false,
    }),
  },
  pooling: {
    api: { npx: 'pooling' }, inputs: ['x'], flags: LAYER,
    // max: y = x at each window's argmax, ∂x = g scattered there; avg: y = A·x, ∂x = Aᵀ·g
    grad: (g, { inputs, attrs, saved }, op) => {
      const argmax = attrs.poolType === 'max' ? saved[0]! : null;
      return [op.poolingGrad(g, argmax, { ...poolingOf(attrs), dataShape: [...inputs[0]!.shape] })];
    },
    replay: ([x], attrs, op) => op.pooling(x!, poolingOf(attrs)),
    words: (attrs, _n, say) => poolingWords(attrs, say, false),
  },
  poolingGrad: {
    api: { gradientOf: 'pooling' }, inputs: ['dy', 'argmax'], flags: LAYER,
    // max: out = scatter of dy at the argmaxes, ∂dy = g read at the argmaxes; avg: out = Aᵀ·dy, ∂dy = A·g
    grad: (g, { inputs, attrs }, op) => (attrs.poolType === 'max'
      ? [op.take(g, inputs[1]!, null), null]
      : [op.pooling(g, poolingOf(attrs))]),
    replay: ([dy, argmax], attrs, op) => op.poolingGrad(dy!, argmax ?? null, attrs),
    words: (attrs, _n, say) => poolingWords(attrs, say, true),
  },
};
