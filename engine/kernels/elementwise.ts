/**
 * Elementwise loops and the broadcasting driver that runs them. Each loop is a self-contained
 * function (see `specialize.ts`): binary loops walk two strided inputs (stride 0 = broadcast) into a
 * contiguous output. Unary loops (`UnaryLoop`) map one contiguous array; they are in the unary ops'
 * definitions (ops/defs/unary.ts).
 */
import type { DType, TypedArray } from '../dtype';
import { stridesOf, type Shape } from '../shape';
import { specialize } from './specialize';
import { wasmBinary } from './wasmElementwise';

export type BinaryLoop = (
  a: TypedArray, ia: number, sa: number,
  b: TypedArray, ib: number, sb: number,
  out: TypedArray, io: number, n: number,
) => void;

export type UnaryLoop = (a: TypedArray, out: TypedArray, n: number) => void;

export const binaryLoops = {
  add: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] + b[ib]; },
  sub: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] - b[ib]; },
  mul: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] * b[ib]; },
  div: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] / b[ib]; },
  pow: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] ** b[ib]; },
  maximum: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = Math.max(a[ia], b[ib]); },
  minimum: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = Math.min(a[ia], b[ib]); },
  equal: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] === b[ib] ? 1 : 0; },
  notEqual: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] !== b[ib] ? 1 : 0; },
  less: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] < b[ib] ? 1 : 0; },
  greater: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] > b[ib] ? 1 : 0; },
  lessEqual: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] <= b[ib] ? 1 : 0; },
  greaterEqual: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] >= b[ib] ? 1 : 0; },
  // Backward loops of unary ops, one pass instead of three or four ops: a = upstream gradient.
  /** b = tanh's output: a·(1 − b²) */
  tanhGrad: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) { const y = b[ib]; o[io + j] = a[ia] * (1 - y * y); } },
  /** b = sigmoid's output: a·b·(1 − b) */
  sigmoidGrad: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) { const y = b[ib]; o[io + j] = a[ia] * y * (1 - y); } },
  /** b = relu's input: a where b > 0, else 0 */
  reluGrad: (a, ia, sa, b, ib, sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = b[ib] > 0 ? a[ia] : 0; },
  /** ln(eᵃ + eᵇ) as max + ln(1 + e^(−|a − b|)): no overflow for large a, b; equal infinities give themselves. */
  logaddexp: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) {
      const x = a[ia];
      const y = b[ib];
      o[io + j] = x === y ? x + Math.LN2 : (x > y ? x : y) + Math.log1p(Math.exp(-Math.abs(x - y)));
    }
  },
  /** Copies the left operand; with a stride-0 right operand this materialises a broadcast. */
  left: (a, ia, sa, _b, _ib, _sb, o, io, n) => { for (let j = 0; j < n; j++, ia += sa) o[io + j] = a[ia]; },
} satisfies Record<string, BinaryLoop>;

export type BinaryKernel = keyof typeof binaryLoops;

/**
 * Runs `kernel` over two operands broadcast to `outShape`. `a` and `b` are row-major with shapes
 * `aShape`/`bShape`; `dtype` is the operands' dtype, which picks the specialised loop.
 */
export function runBinary(
  kernel: BinaryKernel, dtype: DType,
  a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape,
  out: TypedArray, outShape: Shape,
): void {
  const loop = specialize(binaryLoops[kernel], dtype);
  const size = out.length;
  if (size === 0) return;
  // relu's gradient branches on the data in JS: float32 operands of one size run on WebAssembly (wasmElementwise.ts).
  if (kernel === 'reluGrad' && dtype === 'float32' && a.length === size && b.length === size
    && wasmBinary(kernel, a as Float32Array, b as Float32Array, out as Float32Array)) return;
  if (a.length === size && b.length === size) { loop(a, 0, 1, b, 0, 1, out, 0, size); return; }
  if (a.length === size && b.length === 1) { loop(a, 0, 1, b, 0, 0, out, 0, size); return; }
  if (a.length === 1 && b.length === size) { loop(a, 0, 0, b, 0, 1, out, 0, size); return; }

  const { dims, aStrides, bStrides } = coalesce(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape));
  const last = dims.length - 1;
  const inner = dims[last]!;
  const sa = aStrides[last]!;
  const sb = bStrides[last]!;
  const index = new Array<number>(last).fill(0);
  let ia = 0;
  let ib = 0;
  for (let io = 0; io < size; io += inner) {
    loop(a, ia, sa, b, ib, sb, out, io, inner);
    // Advance the odometer over the outer dimensions.
    for (let axis = last - 1; axis >= 0; axis--) {
      ia += aStrides[axis]!;
      ib += bStrides[axis]!;
      if (++index[axis]! < dims[axis]!) break;
      ia -= aStrides[axis]! * dims[axis]!;
      ib -= bStrides[axis]! * dims[axis]!;
      index[axis] = 0;
    }
  }
}

/** Strides of an operand of `shape` read as `outShape` (0 along broadcast dimensions). */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, axis) => {
    const k = axis - offset;
    return k < 0 || shape[k] === 1 ? 0 : own[k]!;
  });
}

/** Merges neighbouring dimensions that both operands walk contiguously, so inner loops run long. */
function coalesce(shape: Shape, aStrides: number[], bStrides: number[]) {
  const dims: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  shape.forEach((dim, axis) => {
    if (dim === 1 && shape.length > 1) return;
    const k = dims.length - 1;
    if (k >= 0 && as[k] === aStrides[axis]! * dim && bs[k] === bStrides[axis]! * dim) {
      dims[k] = dims[k]! * dim;
      as[k] = aStrides[axis]!;
      bs[k] = bStrides[axis]!;
    } else {
      dims.push(dim);
      as.push(aStrides[axis]!);
      bs.push(bStrides[axis]!);
    }
  });
  if (dims.length === 0) return { dims: [1], aStrides: [0], bStrides: [0] };
  return { dims, aStrides: as, bStrides: bs };
}
