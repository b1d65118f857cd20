/** Shapes, strides, axes and NumPy broadcasting. Shapes are plain arrays of non-negative integers. */
import { engineError, formatShape } from './errors';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Validates a user-given shape (a number or a list of numbers). */
export function checkShape(op: string, shape: number | Shape): number[] {
  const dims = typeof shape === 'number' ? [shape] : [...shape];
  for (const dim of dims) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw engineError(op, `shape [${dims.join(', ')}] must contain non-negative integers`);
    }
  }
  return dims;
}

/** The shape two operands broadcast to, or an error naming both shapes (NumPy rules). */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (sameShape(a, b)) return a as number[];
  const ndim = Math.max(a.length, b.length);
  const out = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw engineError(op, `operands could not be broadcast together with shapes ${formatShape(a)} ${formatShape(b)}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** A possibly negative axis turned into 0..ndim-1, or an error naming the array's dimension. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw engineError(op, `axis ${axis} is out of bounds for array of dimension ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** `undefined`/`null` means every axis. The result is sorted and free of repeats. */
export function normalizeAxes(op: string, axis: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const seen = new Set<number>();
  for (const a of list) {
    const normalized = normalizeAxis(op, a, ndim);
    if (seen.has(normalized)) throw engineError(op, `repeated axis ${a} in [${list.join(', ')}]`);
    seen.add(normalized);
  }
  return [...seen].sort((x, y) => x - y);
}

/** Resolves one `-1` in a reshape target and checks that the sizes agree. */
export function resolveReshape(op: string, from: Shape, to: number | Shape): number[] {
  const dims = typeof to === 'number' ? [to] : [...to];
  const size = sizeOf(from);
  let unknown = -1;
  let known = 1;
  dims.forEach((dim, i) => {
    if (dim === -1) {
      if (unknown >= 0) throw engineError(op, `can only specify one unknown dimension in [${dims.join(', ')}]`);
      unknown = i;
    } else if (!Number.isInteger(dim) || dim < 0) {
      throw engineError(op, `invalid dimension ${dim} in [${dims.join(', ')}]`);
    } else {
      known *= dim;
    }
  });
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw engineError(op, `cannot reshape array of size ${size} with shape ${formatShape(from)} into shape [${dims.join(', ')}]`);
    }
    dims[unknown] = size / known;
  } else if (known !== size) {
    throw engineError(op, `cannot reshape array of size ${size} with shape ${formatShape(from)} into shape ${formatShape(dims)}`);
  }
  return dims;
}

/** The shape a reduction over `axes` leaves, with or without the reduced axes kept as size 1. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((dim, axis) => {
    if (!axes.includes(axis)) out.push(dim);
    else if (keepdims) out.push(1);
  });
  return out;
}
