/**
 * The unary elementwise ops, made from their definitions (defs/unary.ts): the op itself, its
 * `np`/`npx` function and the type of its `NDArray` method (installed in ndarray.ts). Nothing here
 * names a particular op.
 */
import { allocate, arithmeticType, floatResult, wholeInt64 } from '../dtype';
import { specialize } from '../kernels/specialize';
import { wasmMap } from '../kernels/wasmElementwise';
import { NDArray } from '../ndarray';
import { emit } from '../tape';
import type { UnaryDefinition } from './defs/types';
import { UNARY_OPS, type UnaryOpName } from './defs/unary';
import { checkArray, dataAs } from './operand';

const NO_ATTRS = {} as Record<string, never>;
const UNARY_NAMES = Object.keys(UNARY_OPS) as UnaryOpName[];

type Api<K extends UnaryOpName> = (typeof UNARY_OPS)[K]['api'];
type NamedBy<Where extends 'np' | 'npx' | 'method'> = {
  [K in UnaryOpName as Api<K> extends { readonly [W in Where]: infer Name extends string } ? Name : never]: (a: NDArray) => NDArray;
};

/** Runs the op `name` on `a`, recorded on the tape. */
function run(name: UnaryOpName, a: NDArray): NDArray {
  const definition = UNARY_OPS[name];
  const x = checkArray(name, a);
  const dtype = definition.result === 'float' ? floatResult(x.dtype) : arithmeticType(x.dtype);
  const out = new NDArray(allocate(dtype, x.size), x.shape, dtype);
  const data = dataAs(x, dtype);
  const wasm = (definition as UnaryDefinition).wasm;
  // float32 maps with a WebAssembly kernel run there when it pays (kernels/wasmElementwise.ts).
  if (!(wasm !== undefined && dtype === 'float32' && wasmMap(wasm, data as Float32Array, out._data as Float32Array))) {
    specialize(definition.loop, dtype)(data, out._data, out._data.length);
  }
  if (dtype === 'int64') wholeInt64(out._data); // int64 is stored in float64: −0 and fractions made whole
  return emit(name, [x], NO_ATTRS, out);
}

/** One value per unary op, made from its name (its op, its gradient rule, its replay rule). */
export function perUnaryOp<T>(make: (name: UnaryOpName) => T): { [K in UnaryOpName]: T } {
  return Object.fromEntries(UNARY_NAMES.map((name) => [name, make(name)])) as { [K in UnaryOpName]: T };
}

/** Every unary op by its engine name. */
export const unaryOps = perUnaryOp((name) => (a: NDArray): NDArray => run(name, a));

function named<Where extends 'np' | 'npx' | 'method'>(where: Where): NamedBy<Where> {
  const out: Record<string, (a: NDArray) => NDArray> = {};
  for (const name of UNARY_NAMES) {
    const api: { np?: string; npx?: string; method?: string } = UNARY_OPS[name].api;
    const as = api[where];
    if (as !== undefined) out[as] = unaryOps[name];
  }
  return out as NamedBy<Where>;
}

/** The `np` functions of the unary ops (`np.negative`, `np.exp`, …). */
export const npUnary = named('np');
/** The `npx` functions of the unary ops (`npx.relu`, `npx.sigmoid`). */
export const npxUnary = named('npx');

/** The methods the unary ops give every array (`a.neg()`, `a.exp()`, …): installed by ndarray.ts. */
export type UnaryMethods = { [M in keyof NamedBy<'method'>]: () => NDArray };
