/**
 * Two kinds of op a gradient's path is read by (gradientDrop.ts), by name: products, whose
 * gradient to one operand is the upstream gradient times the other operand, and ops that shrink a
 * gradient by what they are — reductions (a mean divides by n), indexing and picking (one of k
 * gets it), moving elements about. The engine's op definitions are the truth; a test checks these
 * lists against them (every reduction, indexing and layout op is structural; every name exists).
 */
export const PRODUCT_OPS: ReadonlySet<string> = new Set(['dot', 'matmul', 'outer', 'batchDot', 'mul', 'convolution', 'einsum']);

export const STRUCTURAL_OPS: ReadonlySet<string> = new Set([
  // reductions
  'sum', 'mean', 'max', 'min', 'argmax', 'argmin', 'var', 'std', 'prod', 'any', 'all', 'norm',
  // indexing
  'get', 'set',
  // layout
  'transpose', 'reshape', 'expandDims', 'squeeze', 'broadcastTo', 'concatenate', 'stack', 'at', 'take', 'takeGrad',
  'takeAlongAxis', 'takeAlongAxisGrad', 'sort', 'copy', 'astype', 'pad', 'padGrad', 'repeat', 'tile', 'split', 'flip',
  // picking
  'pick', 'sequenceMask', 'embedding',
]);
