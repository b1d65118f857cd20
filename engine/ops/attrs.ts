/**
 * Every op the tape can record, with the attributes it records: the attribute maps of the op
 * families (ops/defs/*.ts), joined. `OpName` is the key set of this interface, and the gradient
 * table is typed `{ [K in OpName]: … }`, so an op without a gradient rule does not compile.
 */
import type { UnaryOpName } from './defs/unary';
import type { NnAttrs } from './defs/nn';
import type { IndexingAttrs } from './defs/indexing';
import type { ElementwiseAttrs } from './defs/elementwise';
import type { ReduceAttrs } from './defs/reduce';
import type { LinalgAttrs } from './defs/linalg';
import type { LayoutAttrs } from './defs/layout';
import type { NoAttrs } from './defs/types';
import type { ConvAttrs } from './defs/conv';
import type { MathAttrs } from './defs/math';

/** The unary elementwise ops record no attributes (their definitions: defs/unary.ts). */
type UnaryAttrs = { [K in UnaryOpName]: NoAttrs };

export interface OpAttrs extends UnaryAttrs, NnAttrs, ElementwiseAttrs, ReduceAttrs, LinalgAttrs, LayoutAttrs, IndexingAttrs, ConvAttrs, MathAttrs {}

export type OpName = keyof OpAttrs;
