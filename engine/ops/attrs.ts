/**
 * Every op the tape can record, with the attributes it records. `OpName` is the key set of this
 * interface, and the gradient table is typed `{ [K in OpName]: … }`, so an op without a gradient
 * rule does not compile.
 */
import type { DType } from '../dtype';
import type { UnaryOpName } from './defs/unary';
import type { NnAttrs } from './defs/nn';
import type { IndexingAttrs } from './defs/indexing';
import type { ConvAttrs } from './defs/conv';

type NoAttrs = Record<string, never>;

export interface ReduceAttrs {
  /** Reduced axes, normalised and sorted. */
  axis: number[];
  keepdims: boolean;
}

/** The unary elementwise ops record no attributes (their definitions: defs/unary.ts). */
type UnaryAttrs = { [K in UnaryOpName]: NoAttrs };

export interface OpAttrs extends UnaryAttrs, NnAttrs, IndexingAttrs, ConvAttrs {
  // Elementwise, two operands (NumPy broadcasting).
  add: NoAttrs; sub: NoAttrs; mul: NoAttrs; div: NoAttrs; pow: NoAttrs; maximum: NoAttrs; minimum: NoAttrs;
  where: NoAttrs;
  /** Gradients of tanh, sigmoid and relu as ops of their own (see ops/elementwise.ts). */
  tanhGrad: NoAttrs; sigmoidGrad: NoAttrs; reluGrad: NoAttrs;
  // Comparisons: bool results, never differentiated (recorded only for observers).
  equal: NoAttrs; notEqual: NoAttrs; less: NoAttrs; greater: NoAttrs; lessEqual: NoAttrs; greaterEqual: NoAttrs;
  clip: { min: number | null; max: number | null };
  // Reductions.
  sum: ReduceAttrs; mean: ReduceAttrs; max: ReduceAttrs; min: ReduceAttrs;
  /** `axis: null` searches the flattened array. */
  argmax: { axis: number | null }; argmin: { axis: number | null };
  // Linear algebra.
  dot: NoAttrs; matmul: NoAttrs;
  // Shape and indexing.
  transpose: { axes: number[] };
  reshape: { shape: number[] };
  expandDims: { axis: number };
  squeeze: { axis: number[] };
  broadcastTo: { shape: number[] };
  concatenate: { axis: number };
  stack: { axis: number };
  at: { index: number };
  /** `axis: null` reads the input flattened, as NumPy's take does. */
  take: { axis: number | null };
  /** The gradient of `take`/`at`: scatter-adds into zeros of `shape`. */
  takeGrad: { axis: number | null; shape: number[] };
  takeAlongAxis: { axis: number };
  /** The gradient of `takeAlongAxis`/`sort`: scatter-adds along `axis` into zeros of length `size`. */
  takeAlongAxisGrad: { axis: number; size: number };
  sort: { axis: number };
  copy: NoAttrs;
  astype: { dtype: DType };
}

export type OpName = keyof OpAttrs;
