/** The `npx` namespace: MXNet's neural-network operators beside NumPy's. */
import * as ew from './ops/elementwise';
import * as nn from './ops/nn';

export const npx = {
  relu: ew.relu,
  sigmoid: ew.sigmoid,
  softmax: nn.softmax,
  logSoftmax: nn.logSoftmax,
  dropout: nn.dropout,
  batchNorm: nn.batchNorm,
};
