/**
 * Every op the tape can record, with the attributes it records. `OpName` is the key set of this
 * interface, and the gradient table is typed `{ [K in OpName]: … }`, so an op without a gradient
 * rule does not compile.
 */
import type { DType } from '../dtype';
import type { UnaryOpName } from './defs/unary';
import type { NnAttrs } from './defs/nn';
import type { ElementwiseAttrs } from './defs/elementwise';
import type { ReduceAttrs } from './defs/reduce';
import type { LinalgAttrs } from './defs/linalg';
import type { NoAttrs } from './defs/types';

/** The unary elementwise ops record no attributes (their definitions: defs/unary.ts). */
type UnaryAttrs = { [K in UnaryOpName]: NoAttrs };

export interface OpAttrs extends UnaryAttrs, NnAttrs, ElementwiseAttrs, ReduceAttrs, LinalgAttrs {
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
