/** The `npx` namespace: MXNet's neural-network operators beside NumPy's. */
import { npxUnary } from './ops/unary';
import * as nn from './ops/nn';
import * as conv from './ops/conv';
import * as lookup from './ops/lookup';
import { checkedNamespace, type ArgumentCounts } from './strict';

const namespace = {
  ...npxUnary, // relu, sigmoid, logSigmoid, erf, gelu
  softmax: nn.softmax,
  logSoftmax: nn.logSoftmax,
  dropout: nn.dropout,
  batchNorm: nn.batchNorm,
  convolution: conv.convolution,
  pooling: conv.pooling,
  pick: lookup.pick,
  oneHot: lookup.oneHot,
  batchDot: nn.batchDot,
  sequenceMask: lookup.sequenceMask,
  maskedSoftmax: nn.maskedSoftmax,
  layerNorm: nn.layerNorm,
  embedding: lookup.embedding,
  leakyRelu: nn.leakyRelu,
};

/** One per unary op: each takes its array. */
const unaryCounts = Object.fromEntries(Object.keys(npxUnary).map((name) => [name, 1])) as { [K in keyof typeof npxUnary]: 1 };

/** How many arguments each `npx` function takes (strict.ts: more is an error, never ignored). */
export const NPX_ARGUMENTS: ArgumentCounts<typeof namespace> = {
  ...unaryCounts,
  softmax: 2, logSoftmax: 2, dropout: 2, batchNorm: 6, convolution: 4, pooling: 2,
  pick: 3, oneHot: 3, batchDot: 3, sequenceMask: 3, maskedSoftmax: 3, layerNorm: 4, embedding: 3, leakyRelu: 2,
};

export const npx = checkedNamespace('npx', namespace, NPX_ARGUMENTS);
