/**
 * float32 elementwise maps and reductions on the WebAssembly SIMD kernels (engine/wasm/elementwise.wat).
 *
 * Each call copies its operand into the kernels' memory (wasmMemory.ts), runs, and copies the result
 * out: the copies run at memory speed, so this pays where the kernel saves much more than they
 * cost — the transcendental maps (exp, log, tanh, sigmoid: 10–20 ns an element in JavaScript's
 * float64 Math, about one in SIMD), the reductions (the JS loops add one element at a time,
 * each add waiting for the last; the kernel keeps eight sums going), and relu and its gradient
 * (the JS loops branch on the sign, which mispredicts on mixed data; the kernel masks). Plain
 * arithmetic (add, mul) stays in JavaScript, where a copy would cost what the kernel saves.
 *
 * Accuracy: the maps are within MAP_ULPS units in the last place of the correctly rounded result
 * (JavaScript's, computed in float64 and rounded once, is within ½); sums are in float64 in
 * another order, so they agree with the JS kernel's to float64 rounding before the one rounding
 * to float32; max and min give the same element (of +0 and −0, either may come out).
 */
/// <reference path="../wasm/wat.d.ts" />
import elementwiseText from '../wasm/elementwise.wat';
import { kernelPath } from './kernelPath';
import { heapFloats, loadKernel, SCRATCH_BYTES } from './wasmMemory';

export type WasmMap = 'exp' | 'log' | 'tanh' | 'sigmoid' | 'relu';

/** The bound, in units in the last place, that the test holds the maps to (test/unit/wasm-elementwise.test.ts). */
export const MAP_ULPS = 4;
/** Below this many elements a call costs more than it saves: the JS loop runs. */
export const WASM_ELEMENTS = 256;

type MapEntry = (x: number, out: number, n: number) => void;
type LaneEntry = (x: number, out: number, outer: number, reduced: number) => void;
type ColumnEntry = (x: number, out: number, acc: number, outer: number, reduced: number, inner: number) => void;

interface ElementwiseKernel {
  maps: Record<WasmMap, MapEntry>;
  reluGrad: (g: number, x: number, out: number, n: number) => void;
  transpose: (src: number, dst: number, rows: number, cols: number, stride: number) => void;
  sumLanes: LaneEntry;
  sumColumns: ColumnEntry;
  maxLanes: LaneEntry;
  minLanes: LaneEntry;
}

let kernel: ElementwiseKernel | null | undefined;

function load(): ElementwiseKernel | null {
  if (kernel !== undefined) return kernel;
  const loaded = loadKernel(elementwiseText);
  const e = loaded?.exports as Record<string, never> | undefined;
  kernel = e === undefined ? null : {
    maps: { exp: e.exp_f32, log: e.log_f32, tanh: e.tanh_f32, sigmoid: e.sigmoid_f32, relu: e.relu_f32 },
    reluGrad: e.relu_grad_f32,
    transpose: e.transpose_f32,
    sumLanes: e.sum_lanes_f32,
    sumColumns: e.sum_columns_f32,
    maxLanes: e.max_lanes_f32,
    minLanes: e.min_lanes_f32,
  };
  return kernel;
}

const roundUp4 = (n: number) => (n + 3) & ~3;
const START = SCRATCH_BYTES / 4;

function ready(size: number): ElementwiseKernel | null {
  return size >= WASM_ELEMENTS && kernelPath() === 'wasm' ? load() : null;
}

/**
 * out[i] = f(x[i]) for the whole of `x` (out as long) on the kernel; false when the kernel is not
 * here, the array is too small to pay, or the memory cannot hold it: the caller runs its loop.
 */
export function wasmMap(map: WasmMap, x: Float32Array, out: Float32Array): boolean {
  const n = x.length;
  const instance = ready(n);
  const padded = roundUp4(n);
  const heap = instance && heapFloats((START + 2 * padded) * 4);
  if (!instance || !heap) return false;
  const outAt = START + padded;
  heap.set(x, START);
  instance.maps[map](START * 4, outAt * 4, padded);
  out.set(heap.subarray(outAt, outAt + n));
  return true;
}

/** The binary loops (kernels/elementwise.ts) with a WebAssembly kernel: those whose JS loop branches on the data. */
export type WasmBinary = 'reluGrad';

/**
 * out[i] = f(a[i], b[i]) for operands of one size (no broadcasting) on the kernel; false as
 * wasmMap. reluGrad is bit for bit its JS loop.
 */
export function wasmBinary(kernel: WasmBinary, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
  const n = out.length;
  const instance = ready(n);
  if (!instance || a.length !== n || b.length !== n) return false;
  const padded = roundUp4(n);
  const heap = heapFloats((START + 3 * padded) * 4);
  if (!heap) return false;
  const bAt = START + padded;
  const outAt = bAt + padded;
  heap.set(a, START);
  heap.set(b, bAt);
  instance[kernel](START * 4, bAt * 4, outAt * 4, padded);
  out.set(heap.subarray(outAt, outAt + n));
  return true;
}

/**
 * The transposing permutations of kernels/layout.ts on the kernel: out's matrix t (rows × cols)
 * is a read from `bases[t]` with rows 1 and columns `stride` apart. A copy in, vector 4 × 4
 * transposes, a copy out: the JS tiles take 3–7 ms for a 1024² matrix. False as wasmMap.
 */
export function wasmTranspose(a: Float32Array, out: Float32Array, rows: number, cols: number, stride: number, bases: readonly number[]): boolean {
  const instance = ready(out.length);
  if (!instance) return false;
  const outAt = START + roundUp4(a.length) + 4; // 16 bytes of slack: a vector load reads up to 3 past a column
  const heap = heapFloats((outAt + out.length) * 4);
  if (!heap) return false;
  heap.set(a, START);
  const matrix = rows * cols;
  for (let t = 0; t < bases.length; t++) instance.transpose((START + bases[t]!) * 4, (outAt + t * matrix) * 4, rows, cols, stride);
  out.set(heap.subarray(outAt, outAt + out.length));
  return true;
}

/** Whether the transposes' kernel loads here (whatever the kernel path: its callers chose it). */
export function transposeAvailable(): boolean {
  return load() !== null;
}

/**
 * The transposes' kernel on a matrix already in the kernel memory (byte offsets): dst (rows × cols,
 * row-major) = the matrix read from `src` with rows 1 and columns `stride` floats apart; up to 3
 * floats past its last column are read (and ignored). The products' A given transposed (wasmGemm.ts).
 */
export function transposeInKernelMemory(src: number, dst: number, rows: number, cols: number, stride: number): void {
  const instance = load();
  if (!instance) throw new Error('transposeInKernelMemory: the kernel is not loaded (check transposeAvailable first)');
  instance.transpose(src, dst, rows, cols, stride);
}

export type WasmReduction = 'sum' | 'max' | 'min';

/**
 * out = the reduction of x seen as [outer, reduced, inner] over its middle axis, as the JS kernels
 * (kernels/reduce.ts) compute it; false when this kernel does not do it here (the caller's loop
 * runs): too small, max/min across columns, or lanes shorter than four.
 */
export function wasmReduce(reduction: WasmReduction, x: Float32Array, out: Float32Array, outer: number, reduced: number, inner: number): boolean {
  const size = outer * reduced * inner;
  if (size !== x.length || reduced === 0) return false;
  const instance = ready(size);
  if (!instance) return false;
  const outAt = START + roundUp4(size) + 4; // 4 floats of slack: the column sum reads up to 3 past a row
  if (inner === 1) {
    if (reduction !== 'sum' && reduced < 4) return false;
    const heap = heapFloats((outAt + roundUp4(outer)) * 4);
    if (!heap) return false;
    heap.set(x, START);
    const entry = reduction === 'sum' ? instance.sumLanes : reduction === 'max' ? instance.maxLanes : instance.minLanes;
    entry(START * 4, outAt * 4, outer, reduced);
    out.set(heap.subarray(outAt, outAt + outer));
    return true;
  }
  if (reduction !== 'sum') return false;
  const accAt = roundUp4(outAt + outer * inner); // doubles from here: 16-byte aligned
  const heap = heapFloats((accAt + 2 * roundUp4(inner)) * 4);
  if (!heap) return false;
  heap.set(x, START);
  instance.sumColumns(START * 4, outAt * 4, accAt * 4, outer, reduced, inner);
  out.set(heap.subarray(outAt, outAt + outer * inner));
  return true;
}
