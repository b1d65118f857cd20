/** Products: `dot` (NumPy/MXNet semantics, every rank), `matmul` (batched, broadcasting) and `outer`. */
import { allocate, arithmeticType, promoteTypes, wholeInt64, type DType } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runBinary } from '../kernels/elementwise';
import { runGemm } from '../kernels/gemm';
import { runPermute } from '../kernels/layout';
import { NDArray } from '../ndarray';
import { broadcastShapes, sizeOf, stridesOf } from '../shape';
import { emit } from '../tape';
import { checkArray, dataAs } from './operand';

const NO_ATTRS = {} as Record<string, never>;

function notAligned(op: string, a: readonly number[], b: readonly number[], axisA: number, axisB: number): Error {
  return engineError(op, `shapes ${formatShape(a)} and ${formatShape(b)} not aligned: ${a[axisA]} (dim ${axisA}) != ${b[axisB]} (dim ${axisB})`);
}

/**
 * NumPy `dot`: a 0-d operand multiplies; 1-D·1-D is the inner product (a 0-d result); N-D·1-D sums
 * over the last axis of a; N-D·M-D contracts the last axis of a with the second-to-last of b.
 */
export function dot(a: NDArray, b: NDArray): NDArray {
  const x = checkArray('dot', a, 'the first operand');
  const y = checkArray('dot', b, 'the second operand');
  const dtype = arithmeticType(promoteTypes(x.dtype, y.dtype));
  if (x.ndim === 0 || y.ndim === 0) {
    const shape = x.ndim === 0 ? y.shape : x.shape;
    const out = allocate(dtype, sizeOf(shape));
    runBinary('mul', dtype, dataAs(x, dtype), x.shape, dataAs(y, dtype), y.shape, out, shape);
    if (dtype === 'int64') wholeInt64(out); // 0 · −1 is −0 in float64 storage
    return emit('dot', [x, y], NO_ATTRS, new NDArray(out, shape, dtype));
  }
  const k = x.shape[x.ndim - 1]!;
  const contracted = y.ndim === 1 ? 0 : y.ndim - 2;
  if (y.shape[contracted] !== k) throw notAligned('dot', x.shape, y.shape, x.ndim - 1, contracted);
  const m = sizeOf(x.shape.slice(0, -1));
  let bData = dataAs(y, dtype);
  if (y.ndim > 2) {
    // Move the contracted axis first so that b reads as a k × (everything else) matrix.
    const axes = [contracted, ...y.shape.map((_, i) => i).filter((i) => i !== contracted)];
    const strides = stridesOf(y.shape);
    const moved = allocate(dtype, y.size);
    runPermute(dtype, bData, moved, axes.map((i) => y.shape[i]!), axes.map((i) => strides[i]!));
    bData = moved;
  }
  const rest = y.shape.filter((_, i) => i !== contracted);
  const n = sizeOf(rest);
  const shape = [...x.shape.slice(0, -1), ...rest];
  const out = allocate(dtype, sizeOf(shape));
  runGemm(dtype, dataAs(x, dtype), [0], bData, [0], out, m, k, n);
  return emit('dot', [x, y], NO_ATTRS, new NDArray(out, shape, dtype));
}

/**
 * NumPy `matmul`: the last two axes are matrices, earlier axes are batches that broadcast; a 1-D
 * operand is a row (first) or a column (second) vector whose axis is removed from the result.
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  const x = checkArray('matmul', a, 'the first operand');
  const y = checkArray('matmul', b, 'the second operand');
  if (x.ndim === 0 || y.ndim === 0) {
    throw engineError('matmul', `operands must have at least one dimension, got shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} (use mul for scalars)`);
  }
  const dtype: DType = arithmeticType(promoteTypes(x.dtype, y.dtype));
  const aShape = x.ndim === 1 ? [1, x.shape[0]!] : x.shape;
  const bShape = y.ndim === 1 ? [y.shape[0]!, 1] : y.shape;
  const m = aShape[aShape.length - 2]!;
  const k = aShape[aShape.length - 1]!;
  const n = bShape[bShape.length - 1]!;
  if (bShape[bShape.length - 2] !== k) throw notAligned('matmul', x.shape, y.shape, x.ndim - 1, Math.max(y.ndim - 2, 0));
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes('matmul', aBatch, bBatch);
  const aOffsets = batchOffsets(aBatch, batch, m * k);
  const bOffsets = batchOffsets(bBatch, batch, k * n);
  const shape = [...batch, ...(x.ndim === 1 ? [] : [m]), ...(y.ndim === 1 ? [] : [n])];
  const out = allocate(dtype, sizeOf(batch) * m * n);
  runGemm(dtype, dataAs(x, dtype), aOffsets, dataAs(y, dtype), bOffsets, out, m, k, n);
  return emit('matmul', [x, y], NO_ATTRS, new NDArray(out, shape, dtype));
}

/** Element offset of each batch's matrix, for an operand whose batch shape broadcasts to `batch`. */
function batchOffsets(own: readonly number[], batch: readonly number[], matrixSize: number): number[] {
  const count = sizeOf(batch);
  const strides = stridesOf(own);
  const lead = batch.length - own.length;
  const offsets = new Array<number>(count);
  for (let t = 0; t < count; t++) {
    let rest = t;
    let offset = 0;
    for (let axis = batch.length - 1; axis >= 0; axis--) {
      const index = rest % batch[axis]!;
      rest = Math.floor(rest / batch[axis]!);
      const k = axis - lead;
      if (k >= 0 && own[k] !== 1) offset += index * strides[k]!;
    }
    offsets[t] = offset * matrixSize;
  }
  return offsets;
}

/**
 * NumPy `outer`: out[i, j] = a[i]·b[j] with both operands flattened (shape (a.size, b.size)).
 *
 * ```ts
 * np.outer(np.array([1, 2]), np.array([1, 10, 100]));  // array([[  1.,  10., 100.], [  2.,  20., 200.]])
 * ```
 */
export function outer(a: NDArray, b: NDArray): NDArray {
  const x = checkArray('outer', a, 'the first operand');
  const y = checkArray('outer', b, 'the second operand');
  const dtype = arithmeticType(promoteTypes(x.dtype, y.dtype));
  const shape = [x.size, y.size];
  const out = allocate(dtype, x.size * y.size);
  runBinary('mul', dtype, dataAs(x, dtype), [x.size, 1], dataAs(y, dtype), [1, y.size], out, shape);
  if (dtype === 'int64') wholeInt64(out); // 0 · −1 is −0 in float64 storage
  return emit('outer', [x, y], NO_ATTRS, new NDArray(out, shape, dtype));
}
