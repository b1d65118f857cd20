/** The `npx` namespace: MXNet's neural-network operators beside NumPy's. */
import { npxUnary } from './ops/unary';
import * as nn from './ops/nn';
import * as conv from './ops/conv';
import * as lookup from './ops/lookup';

export const npx = {
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
