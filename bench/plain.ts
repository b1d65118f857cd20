/**
 * Plain-JavaScript references for the engine benchmark: what a person would write by hand without
 * a library. Each is an ordinary function over Float32Array arguments that allocates its output,
 * as the engine's ops do, and each sees one array type only (so V8 optimises it for that type).
 */

// ---------------------------------------------------------------------------------------------
// Elementwise ops and reductions over float32 arrays.

export function plainAdd(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}

export function plainMul(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * b[i]!;
  return out;
}

export function plainExp(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]!);
  return out;
}

export function plainLog(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.log(a[i]!);
  return out;
}

export function plainTanh(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.tanh(a[i]!);
  return out;
}

/** a (rows×cols) + row (cols), the row repeated down every row. */
export function plainAddRow(a: Float32Array, row: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[base + c] = a[base + c]! + row[c]!;
  }
  return out;
}

export function plainSum(a: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  const out = new Float32Array(1);
  out[0] = s;
  return out;
}

/** Column sums of a rows×cols matrix (sum over axis 0). */
export function plainSumAxis0(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c] += a[base + c]!;
  }
  return out;
}

/** Row sums of a rows×cols matrix (sum over axis 1). */
export function plainSumAxis1(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += a[base + c]!;
    out[r] = s;
  }
  return out;
}

export function plainMax(a: Float32Array): Float32Array {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  const out = new Float32Array(1);
  out[0] = m;
  return out;
}

/** The textbook i-k-j matrix product of row-major n×n matrices. */
export function plainMatmulIKJ(a: Float32Array, b: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const x = a[row + k]!;
      const bRow = k * n;
      for (let j = 0; j < n; j++) out[row + j] += x * b[bRow + j]!;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A micrograd-style scalar autograd: a value, its gradient, and a closure that pushes the gradient
// of its result to its operands.

const noop = (): void => {};

export class Value {
  data: number;
  grad = 0;
  readonly prev: readonly Value[];
  backwardStep: () => void = noop;

  constructor(data: number, prev: readonly Value[] = []) {
    this.data = data;
    this.prev = prev;
  }

  add(other: Value): Value {
    const out = new Value(this.data + other.data, [this, other]);
    out.backwardStep = () => {
      this.grad += out.grad;
      other.grad += out.grad;
    };
    return out;
  }

  mul(other: Value): Value {
    const out = new Value(this.data * other.data, [this, other]);
    out.backwardStep = () => {
      this.grad += other.data * out.grad;
      other.grad += this.data * out.grad;
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    out.backwardStep = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }

  /** Gradients of this value with respect to every value it was computed from. */
  backward(): void {
    // Topological order by an iterative depth-first search (a 10,000-deep recursion would be
    // close to the stack limit).
    const order: Value[] = [];
    const visited = new Set<Value>();
    const stack: Value[] = [this];
    const next: number[] = [0];
    visited.add(this);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top]!;
      const i = next[top]!;
      if (i < node.prev.length) {
        next[top] = i + 1;
        const child = node.prev[i]!;
        if (!visited.has(child)) {
          visited.add(child);
          stack.push(child);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        order.push(node);
      }
    }
    this.grad = 1;
    for (let k = order.length - 1; k >= 0; k--) order[k]!.backwardStep();
  }
}

// ---------------------------------------------------------------------------------------------
// Deterministic inputs, shared by every contender.

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniformArray(size: number, low: number, high: number, random: () => number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = low + (high - low) * random();
  return out;
}

/** Normal samples (Box–Muller) with standard deviation `scale`. */
export function normalArray(size: number, scale: number, random: () => number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const u = 1 - random();
    const v = random();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}
