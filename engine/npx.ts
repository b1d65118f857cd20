/** The `npx` namespace: MXNet's neural-network operators beside NumPy's. */
import { npxUnary } from './ops/unary';
import * as nn from './ops/nn';
import * as conv from './ops/conv';

export const npx = {
  ...npxUnary, // relu, sigmoid, logSigmoid, erf, gelu
  softmax: nn.softmax,
  logSoftmax: nn.logSoftmax,
  dropout: nn.dropout,
  batchNorm: nn.batchNorm,
  convolution: conv.convolution,
  pooling: conv.pooling,
};
