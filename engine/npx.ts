/** The `npx` namespace: MXNet's neural-network operators beside NumPy's. */
import { npxUnary } from './ops/unary';
import * as nn from './ops/nn';

export const npx = {
  ...npxUnary, // relu, sigmoid, logSigmoid, erf, gelu
  softmax: nn.softmax,
  logSoftmax: nn.logSoftmax,
  dropout: nn.dropout,
  batchNorm: nn.batchNorm,
};
