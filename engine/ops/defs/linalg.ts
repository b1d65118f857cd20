/**
 * The products: `dot` (NumPy/MXNet semantics, every rank), `matmul` (batched, broadcasting) and
 * `outer`.
 * One entry each: where it is in the API, its inputs, its flags, its gradient (math above it), its
 * replay and the step panel's words. The public functions (ops/linalg.ts) check arguments, run the
 * kernels and record.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { NDArray } from '../../ndarray';
import type { EngineOps, NoAttrs, OpDefinitions } from './types';

/** The attributes each op records. */
export interface LinalgAttrs {
  dot: NoAttrs;
  matmul: NoAttrs;
  outer: NoAttrs;
}

const PRODUCT = { elementwise: false, differentiable: true };

const sizeOf = (shape: readonly number[]): number => shape.reduce((size, dim) => size * dim, 1);

/** x with its last two axes swapped: the matrices of a batch transposed. */
function swapLastAxes(op: EngineOps, x: NDArray): NDArray {
  const axes = x.shape.map((_, i) => i);
  axes[x.ndim - 1] = x.ndim - 2;
  axes[x.ndim - 2] = x.ndim - 1;
  return op.transpose(x, axes);
}

const sameShape = (x: readonly number[], y: readonly number[]): boolean => x.length === y.length && x.every((d, i) => d === y[i]);

/**
 * x′ · y′ for matrices batched over the same leading axes (x′ = xᵀ with `transposeA`, y′ likewise):
 * npx.batchDot, whose kernel reads a transposed operand as it lies, so that backward's products
 * transpose nothing into a new array. 2-D operands go through a batch of one.
 */
function transposedProduct(op: EngineOps, x: NDArray, y: NDArray, transposeA: boolean, transposeB: boolean): NDArray {
  if (x.ndim > 2) return op.batchDot(x, y, { transposeA, transposeB });
  const product = op.batchDot(op.reshape(x, [1, ...x.shape]), op.reshape(y, [1, ...y.shape]), { transposeA, transposeB });
  return op.reshape(product, product.shape.slice(1));
}

export const LINALG_OPS: OpDefinitions<LinalgAttrs> = {
  dot: {
    api: { np: 'dot', method: 'dot' }, inputs: ['a', 'b'], flags: PRODUCT,
    // out = a·b (NumPy dot): ∂a = g·bᵀ, ∂b = aᵀ·g, through reshapes to one matrix product (a 0-d operand multiplies)
    grad: (g, { inputs: [a, b], needsGrad }, op) => {
      if (a!.ndim === 0 || b!.ndim === 0) {
        return [needsGrad[0] ? op.sumToShape(op.mul(g, b!), a!.shape) : null, needsGrad[1] ? op.sumToShape(op.mul(g, a!), b!.shape) : null];
      }
      const k = a!.shape[a!.ndim - 1]!;
      const m = sizeOf(a!.shape.slice(0, -1));
      // b's contracted axis first, so that b reads as a k × n matrix.
      const contracted = b!.ndim === 1 ? 0 : b!.ndim - 2;
      const order = [contracted, ...b!.shape.map((_, i) => i).filter((i) => i !== contracted)];
      const bContractedFirst = b!.ndim > 2 ? op.transpose(b!, order) : b!;
      const n = b!.size / Math.max(k, 1);
      const aMatrix = op.reshape(a!, [m, k]);
      const bMatrix = op.reshape(bContractedFirst, [k, n]);
      const upstream = op.reshape(g, [m, n]);
      const da = needsGrad[0] ? op.reshape(transposedProduct(op, upstream, bMatrix, false, true), a!.shape) : null; // g·bᵀ
      if (!needsGrad[1]) return [da, null];
      const db = op.reshape(transposedProduct(op, aMatrix, upstream, true, false), bContractedFirst.shape); // aᵀ·g
      return [da, b!.ndim <= 2 ? op.reshape(db, b!.shape) : op.transpose(db, order.map((_, i) => order.indexOf(i)))];
    },
    replay: ([a, b], _attrs, op) => op.dot(a!, b!),
    words: () => ({
      summary: "dot is NumPy's dot product (an inner product of two vectors, a matrix product otherwise): a's gradient is the upstream gradient times bᵀ, b's is aᵀ times the upstream gradient",
      formula: 'out = dot(a, b)', partials: ['∂L/∂a = g · bᵀ', '∂L/∂b = aᵀ · g'], broadcast: false,
    }),
  },
  matmul: {
    api: { np: 'matmul', method: 'matmul' }, inputs: ['a', 'b'], flags: PRODUCT,
    // out = a @ b: ∂a = g @ bᵀ, ∂b = aᵀ @ g (summed over broadcast batches; 1-D operands promoted as in the forward pass)
    grad: (g, { inputs: [a, b], needsGrad }, op) => {
      const aMatrix = a!.ndim === 1 ? op.reshape(a!, [1, a!.shape[0]!]) : a!;
      const bMatrix = b!.ndim === 1 ? op.reshape(b!, [b!.shape[0]!, 1]) : b!;
      const m = aMatrix.shape[aMatrix.ndim - 2]!;
      const n = bMatrix.shape[bMatrix.ndim - 1]!;
      const batch = g.shape.slice(0, g.ndim - (a!.ndim === 1 ? 0 : 1) - (b!.ndim === 1 ? 0 : 1));
      const upstream = op.reshape(g, [...batch, m, n]);
      // An operand with the result's batch axes: a transposed product (batchDot); one broadcast over them: matmul.
      const da = (): NDArray => sameShape(bMatrix.shape.slice(0, -2), batch)
        ? transposedProduct(op, upstream, bMatrix, false, true)
        : op.matmul(upstream, swapLastAxes(op, bMatrix));
      const db = (): NDArray => sameShape(aMatrix.shape.slice(0, -2), batch)
        ? transposedProduct(op, aMatrix, upstream, true, false)
        : op.matmul(swapLastAxes(op, aMatrix), upstream);
      return [
        needsGrad[0] ? op.reshape(op.sumToShape(da(), aMatrix.shape), a!.shape) : null,
        needsGrad[1] ? op.reshape(op.sumToShape(db(), bMatrix.shape), b!.shape) : null,
      ];
    },
    replay: ([a, b], _attrs, op) => op.matmul(a!, b!),
    words: () => ({
      summary: "matmul multiplies matrices, batched over the leading axes: a's gradient is the upstream gradient times bᵀ, b's is aᵀ times the upstream gradient (summed over broadcast batches)",
      formula: 'out = a @ b', partials: ['∂L/∂a = g @ bᵀ', '∂L/∂b = aᵀ @ g'], broadcast: true,
    }),
  },
  outer: {
    api: { np: 'outer' }, inputs: ['a', 'b'], flags: PRODUCT,
    // out[i, j] = a[i]·b[j] (both flattened): ∂a = g·b, ∂b = gᵀ·a (in their shapes)
    grad: (g, { inputs: [a, b], needsGrad }, op) => [
      needsGrad[0] ? op.reshape(op.dot(g, op.reshape(b!, [-1])), a!.shape) : null,
      needsGrad[1] ? op.reshape(op.dot(op.transpose(g), op.reshape(a!, [-1])), b!.shape) : null,
    ],
    replay: ([a, b], _attrs, op) => op.outer(a!, b!),
    words: () => ({
      summary: "outer multiplies every element of a (flattened) by every element of b: a's gradient is the upstream gradient times b, summed over b's elements, and b's likewise with a",
      formula: 'out = a ⊗ b, out[i, j] = a[i] · b[j]', partials: ['∂L/∂a[i] = Σⱼ g[i, j] · b[j]', '∂L/∂b[j] = Σᵢ g[i, j] · a[i]'], broadcast: false,
    }),
  },
};
