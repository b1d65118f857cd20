/** The `npx` namespace: MXNet's neural-network operators beside NumPy's. */
import { npxUnary } from './ops/unary';
import * as nn from './ops/nn';
import * as conv from './ops/conv';
import { checkedNamespace, type ArgumentCounts } from './strict';

const namespace = {
  ...npxUnary, // relu, sigmoid, logSigmoid, erf, gelu
  softmax: nn.softmax,
  logSoftmax: nn.logSoftmax,
  dropout: nn.dropout,
  batchNorm: nn.batchNorm,
  convolution: conv.convolution,
  pooling: conv.pooling,
};

/** One per unary op: each takes its array. */
const unaryCounts = Object.fromEntries(Object.keys(npxUnary).map((name) => [name, 1])) as { [K in keyof typeof npxUnary]: 1 };

/** How many arguments each `npx` function takes (strict.ts: more is an error, never ignored). */
export const NPX_ARGUMENTS: ArgumentCounts<typeof namespace> = {
  ...unaryCounts,
  softmax: 2, logSoftmax: 2, dropout: 2, batchNorm: 6, convolution: 4, pooling: 2,
};

export const npx = checkedNamespace('npx', namespace, NPX_ARGUMENTS);
