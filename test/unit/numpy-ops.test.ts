// The NumPy ops added with var … einsum, against NumPy itself: the same inputs, computed by python3's
// NumPy in this test, give the same shapes, kinds (bool, integer, float) and values. Then what NumPy
// cannot check: gradients at the awkward points (prod at zeros, norm at 0), overflow, and the errors.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { np, autograd, NDArray, type DType } from 'gradlens';
import { assertClose, expectError, flat } from '../helpers';

interface Input {
  shape: number[];
  /** Default: pseudo-random values in [-2, 2) from the case's name, 3 decimals. */
  values?: number[];
  dtype?: DType;
}

interface NumpyCase {
  name: string;
  inputs: Input[];
  ours: (...xs: NDArray[]) => NDArray | NDArray[];
  /** The same computation in NumPy, its inputs named a, b, c (float64 unless their dtype says). */
  python: string;
}

/** A value as JSON carries it from Python: NaN and ±∞ as strings. */
type Value = number | 'nan' | 'inf' | '-inf';
interface Answer { shape: number[]; kind: 'b' | 'i' | 'f'; values: Value[] }

/** Deterministic values for a case (FNV-1a of its name seeds an LCG). */
function valuesFor(name: string, count: number): number[] {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return Array.from({ length: count }, () => {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    return Math.round((h / 2 ** 32 * 4 - 2) * 1000) / 1000;
  });
}

const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);
const inputValues = (c: NumpyCase, input: Input, i: number) => input.values ?? valuesFor(`${c.name}/${i}`, size(input.shape));

const STATISTICS: NumpyCase[] = [
  { name: 'var over all axes', inputs: [{ shape: [3, 4] }], ours: (a) => np.var(a), python: 'np.var(a)' },
  { name: 'var axis 1, ddof 1', inputs: [{ shape: [3, 4] }], ours: (a) => np.var(a, 1, { ddof: 1 }), python: 'np.var(a, axis=1, ddof=1)' },
  { name: 'var axes [0, 2], keepdims (method)', inputs: [{ shape: [2, 3, 4] }], ours: (a) => a.var([0, 2], { keepdims: true }), python: 'np.var(a, axis=(0, 2), keepdims=True)' },
  { name: 'var of int32', inputs: [{ shape: [5], values: [1, 2, 3, 4, 10], dtype: 'int32' }], ours: (a) => np.var(a), python: 'np.var(a)' },
  { name: 'std axis 0', inputs: [{ shape: [4, 3] }], ours: (a) => np.std(a, 0), python: 'np.std(a, axis=0)' },
  { name: 'std ddof 1 (method)', inputs: [{ shape: [6] }], ours: (a) => a.std(null, { ddof: 1 }), python: 'np.std(a, ddof=1)' },
  { name: 'prod axis 1', inputs: [{ shape: [3, 4] }], ours: (a) => np.prod(a, 1), python: 'np.prod(a, axis=1)' },
  { name: 'prod axis -1 keepdims (method)', inputs: [{ shape: [2, 3, 2] }], ours: (a) => a.prod(-1, true), python: 'np.prod(a, axis=-1, keepdims=True)' },
  { name: 'prod of int32 over all axes', inputs: [{ shape: [2, 3], values: [1, -2, 3, 4, 1, 2], dtype: 'int32' }], ours: (a) => np.prod(a), python: 'np.prod(a)' },
  { name: 'prod of an empty axis is 1', inputs: [{ shape: [2, 0] }], ours: (a) => np.prod(a, 1), python: 'np.prod(a, axis=1)' },
  { name: 'any over all axes (0-d)', inputs: [{ shape: [2, 3], values: [0, 0, 0, 0, 0.5, 0] }], ours: (a) => np.any(a), python: 'np.any(a)' },
  { name: 'any axis 0, NaN is true', inputs: [{ shape: [2, 3], values: [0, NaN, 0, 0, 0, 2] }], ours: (a) => np.any(a, 0), python: 'np.any(a, axis=0)' },
  { name: 'all axis 1 keepdims', inputs: [{ shape: [3, 2], values: [1, 2, 0, 3, -1, NaN] }], ours: (a) => np.all(a, 1, true), python: 'np.all(a, axis=1, keepdims=True)' },
  { name: 'all of bools over axes [0, 1]', inputs: [{ shape: [2, 2, 2], values: [1, 1, 1, 0, 1, 1, 1, 1], dtype: 'bool' }], ours: (a) => np.all(a, [0, 1]), python: 'np.all(a, axis=(0, 1))' },
];

const NORMS: NumpyCase[] = [
  { name: 'norm of the flattened array', inputs: [{ shape: [2, 3, 2] }], ours: (a) => np.linalg.norm(a), python: 'np.linalg.norm(a)' },
  { name: 'norm keepdims, no axis', inputs: [{ shape: [2, 3] }], ours: (a) => np.linalg.norm(a, null, null, true), python: 'np.linalg.norm(a, keepdims=True)' },
  { name: 'norm of a vector, ord 1', inputs: [{ shape: [5] }], ours: (a) => np.linalg.norm(a, 1), python: 'np.linalg.norm(a, 1)' },
  { name: 'norm along axis 1, ord 2', inputs: [{ shape: [3, 4] }], ours: (a) => np.linalg.norm(a, 2, 1), python: 'np.linalg.norm(a, 2, axis=1)' },
  { name: 'norm along axis 0, ord inf', inputs: [{ shape: [3, 4] }], ours: (a) => np.linalg.norm(a, Infinity, 0), python: 'np.linalg.norm(a, np.inf, axis=0)' },
  { name: 'norm along axis -1, ord -inf', inputs: [{ shape: [2, 2, 3] }], ours: (a) => np.linalg.norm(a, -Infinity, -1), python: 'np.linalg.norm(a, -np.inf, axis=-1)' },
  { name: 'matrix norm ord 1', inputs: [{ shape: [3, 4] }], ours: (a) => np.linalg.norm(a, 1), python: 'np.linalg.norm(a, 1)' },
  { name: 'matrix norm ord inf', inputs: [{ shape: [3, 4] }], ours: (a) => np.linalg.norm(a, Infinity), python: 'np.linalg.norm(a, np.inf)' },
  { name: "matrix norm 'fro'", inputs: [{ shape: [3, 4] }], ours: (a) => np.linalg.norm(a, 'fro'), python: "np.linalg.norm(a, 'fro')" },
  { name: 'matrix norm ord -1 over axes [2, 0]', inputs: [{ shape: [3, 2, 4] }], ours: (a) => np.linalg.norm(a, -1, [2, 0]), python: 'np.linalg.norm(a, -1, axis=(2, 0))' },
  { name: 'matrix norm ord -inf over axes [0, 2], keepdims', inputs: [{ shape: [3, 2, 4] }], ours: (a) => np.linalg.norm(a, -Infinity, [0, 2], true), python: 'np.linalg.norm(a, -np.inf, axis=(0, 2), keepdims=True)' },
  { name: 'norm of int32', inputs: [{ shape: [2], values: [3, 4], dtype: 'int32' }], ours: (a) => np.linalg.norm(a), python: 'np.linalg.norm(a)' },
];

const ELEMENTWISE: NumpyCase[] = [
  { name: 'logaddexp broadcast', inputs: [{ shape: [3, 1] }, { shape: [4] }], ours: (a, b) => np.logaddexp(a, b), python: 'np.logaddexp(a, b)' },
  {
    name: 'logaddexp of large, equal and infinite values', inputs: [{ shape: [6], values: [1000, -1000, 3, -Infinity, Infinity, NaN] }, { shape: [6], values: [1000, -1001, 3, -Infinity, -Infinity, 1] }],
    ours: (a, b) => np.logaddexp(a, b), python: 'np.logaddexp(a, b)',
  },
  { name: 'logaddexp of int32 and a number', inputs: [{ shape: [3], values: [0, 1, 2], dtype: 'int32' }], ours: (a) => np.logaddexp(a, 1), python: 'np.logaddexp(a.astype(np.float32), 1)' },
  { name: 'isnan', inputs: [{ shape: [2, 3], values: [0, NaN, Infinity, -Infinity, 1, NaN] }], ours: (a) => np.isnan(a), python: 'np.isnan(a)' },
  { name: 'isinf', inputs: [{ shape: [2, 3], values: [0, NaN, Infinity, -Infinity, 1e308, NaN] }], ours: (a) => np.isinf(a), python: 'np.isinf(a)' },
  { name: 'isnan of int32', inputs: [{ shape: [2], values: [0, 1], dtype: 'int32' }], ours: (a) => np.isnan(a), python: 'np.isnan(a)' },
  { name: 'outer of 2-D and 1-D (flattened)', inputs: [{ shape: [2, 2] }, { shape: [3] }], ours: (a, b) => np.outer(a, b), python: 'np.outer(a, b)' },
  { name: 'outer of int32', inputs: [{ shape: [2], values: [1, 2], dtype: 'int32' }, { shape: [2], values: [3, -4], dtype: 'int32' }], ours: (a, b) => np.outer(a, b), python: 'np.outer(a, b)' },
];

const ints = (values: number[], shape = [values.length]): Input => ({ shape, values, dtype: 'int32' });
const SHAPES: NumpyCase[] = [
  { name: 'pad constant n', inputs: [{ shape: [2, 3] }], ours: (a) => np.pad(a, 1), python: 'np.pad(a, 1)' },
  { name: 'pad constant [before, after]', inputs: [{ shape: [2, 3] }], ours: (a) => np.pad(a, [1, 2], { constantValues: -7 }), python: 'np.pad(a, (1, 2), constant_values=-7)' },
  { name: 'pad constant per axis', inputs: [{ shape: [2, 3, 2] }], ours: (a) => np.pad(a, [[0, 1], [2, 0], [1, 1]]), python: 'np.pad(a, ((0, 1), (2, 0), (1, 1)))' },
  { name: 'pad [[n]] and [n]', inputs: [{ shape: [2, 2] }], ours: (a) => [np.pad(a, [[2]]), np.pad(a, [1])], python: '[np.pad(a, ((2,),)), np.pad(a, (1,))]' },
  { name: 'pad int32 casts the constant', inputs: [ints([1, 2, 3])], ours: (a) => np.pad(a, [2, 1], { constantValues: 2.7 }), python: 'np.pad(a, (2, 1), constant_values=2.7)' },
  { name: 'pad edge', inputs: [{ shape: [2, 3] }], ours: (a) => np.pad(a, [[1, 2], [3, 1]], { mode: 'edge' }), python: "np.pad(a, ((1, 2), (3, 1)), mode='edge')" },
  { name: 'pad reflect, wider than the axis', inputs: [{ shape: [3] }], ours: (a) => np.pad(a, [7, 5], { mode: 'reflect' }), python: "np.pad(a, (7, 5), mode='reflect')" },
  { name: 'pad reflect of a length-1 axis', inputs: [{ shape: [1, 2] }], ours: (a) => np.pad(a, 2, { mode: 'reflect' }), python: "np.pad(a, 2, mode='reflect')" },
  { name: 'pad symmetric, wider than the axis', inputs: [{ shape: [2, 3] }], ours: (a) => np.pad(a, [[5, 4], [2, 7]], { mode: 'symmetric' }), python: "np.pad(a, ((5, 4), (2, 7)), mode='symmetric')" },
  { name: 'pad wrap, wider than the axis', inputs: [{ shape: [3, 2] }], ours: (a) => np.pad(a, [4, 8], { mode: 'wrap' }), python: "np.pad(a, (4, 8), mode='wrap')" },
  { name: 'pad of a 0-d array', inputs: [{ shape: [] }], ours: (a) => np.pad(a, 2), python: 'np.pad(a, 2)' },
  { name: 'repeat flattened', inputs: [{ shape: [2, 2] }], ours: (a) => np.repeat(a, 2), python: 'np.repeat(a, 2)' },
  { name: 'repeat one count per column (method)', inputs: [{ shape: [2, 3] }], ours: (a) => a.repeat([0, 2, 1], 1), python: 'np.repeat(a, [0, 2, 1], axis=1)' },
  { name: 'repeat along axis -1 of int32', inputs: [ints([1, 2, 3, 4], [2, 2])], ours: (a) => np.repeat(a, 3, -1), python: 'np.repeat(a, 3, axis=-1)' },
  { name: 'tile reps shorter than the dimensions', inputs: [{ shape: [2, 3] }], ours: (a) => np.tile(a, 2), python: 'np.tile(a, 2)' },
  { name: 'tile reps longer than the dimensions (method)', inputs: [{ shape: [3] }], ours: (a) => a.tile([2, 1, 2]), python: 'np.tile(a, (2, 1, 2))' },
  { name: 'tile with a 0', inputs: [{ shape: [2, 2] }], ours: (a) => np.tile(a, [0, 3]), python: 'np.tile(a, (0, 3))' },
  { name: 'split into sections', inputs: [{ shape: [6, 2] }], ours: (a) => np.split(a, 3), python: 'np.split(a, 3)' },
  { name: 'split at indices along axis 1', inputs: [{ shape: [2, 7] }], ours: (a) => np.split(a, [2, 5], 1), python: 'np.split(a, [2, 5], axis=1)' },
  { name: 'split at negative, repeated, decreasing and too large indices', inputs: [{ shape: [6] }], ours: (a) => np.split(a, [-2, 1, 1, 9]), python: 'np.split(a, [-2, 1, 1, 9])' },
  { name: 'split along axis -1 of int32', inputs: [ints([1, 2, 3, 4, 5, 6], [3, 2])], ours: (a) => np.split(a, 2, -1), python: 'np.split(a, 2, axis=-1)' },
  { name: 'flip every axis', inputs: [{ shape: [2, 3] }], ours: (a) => np.flip(a), python: 'np.flip(a)' },
  { name: 'flip axes [0, 2] (method)', inputs: [{ shape: [2, 2, 3] }], ours: (a) => a.flip([0, 2]), python: 'np.flip(a, axis=(0, 2))' },
  { name: 'flip axis -1 of bools', inputs: [{ shape: [3], values: [1, 0, 0], dtype: 'bool' }], ours: (a) => np.flip(a, -1), python: 'np.flip(a, -1)' },
];

const MATH: NumpyCase[] = [
  { name: 'cumsum flattened', inputs: [{ shape: [2, 3] }], ours: (a) => np.cumsum(a), python: 'np.cumsum(a)' },
  { name: 'cumsum axis 0 (method)', inputs: [{ shape: [3, 2, 2] }], ours: (a) => a.cumsum(0), python: 'np.cumsum(a, axis=0)' },
  { name: 'cumsum axis -1 of int32', inputs: [ints([1, 2, 3, -4, 5, 6], [2, 3])], ours: (a) => np.cumsum(a, -1), python: 'np.cumsum(a, axis=-1)' },
  { name: 'cumsum of bools counts', inputs: [{ shape: [4], values: [1, 0, 1, 1], dtype: 'bool' }], ours: (a) => np.cumsum(a), python: 'np.cumsum(a)' },
  { name: "einsum 'ij,jk->ik'", inputs: [{ shape: [2, 3] }, { shape: [3, 4] }], ours: (a, b) => np.einsum('ij,jk->ik', a, b), python: "np.einsum('ij,jk->ik', a, b)" },
  { name: "einsum 'bij,bjk->bik'", inputs: [{ shape: [2, 2, 3] }, { shape: [2, 3, 4] }], ours: (a, b) => np.einsum('bij,bjk->bik', a, b), python: "np.einsum('bij,bjk->bik', a, b)" },
  { name: "einsum 'ii->i'", inputs: [{ shape: [3, 3] }], ours: (a) => np.einsum('ii->i', a), python: "np.einsum('ii->i', a)" },
  { name: "einsum 'ii' (implicit: the trace)", inputs: [{ shape: [3, 3] }], ours: (a) => np.einsum('ii', a), python: "np.einsum('ii', a)" },
  { name: "einsum 'i,i->'", inputs: [{ shape: [4] }, { shape: [4] }], ours: (a, b) => np.einsum('i,i->', a, b), python: "np.einsum('i,i->', a, b)" },
  { name: "einsum 'ij->ji'", inputs: [{ shape: [2, 3] }], ours: (a) => np.einsum('ij->ji', a), python: "np.einsum('ij->ji', a)" },
  { name: "einsum 'ij,jk' (implicit)", inputs: [{ shape: [2, 3] }, { shape: [3, 2] }], ours: (a, b) => np.einsum('ij,jk', a, b), python: "np.einsum('ij,jk', a, b)" },
  { name: "einsum 'ba' and 'bA' (implicit: alphabetical, capitals first)", inputs: [{ shape: [2, 3] }], ours: (a) => [np.einsum('ba', a), np.einsum('bA', a)], python: "[np.einsum('ba', a), np.einsum('bA', a)]" },
  { name: "einsum 'ijk->' and 'ijk->kj'", inputs: [{ shape: [2, 3, 2] }], ours: (a) => [np.einsum('ijk->', a), np.einsum('ijk->kj', a)], python: "[np.einsum('ijk->', a), np.einsum('ijk->kj', a)]" },
  { name: "einsum 'i,j,k->ijk' (three operands)", inputs: [{ shape: [2] }, { shape: [3] }, { shape: [2] }], ours: (a, b, c) => np.einsum('i,j,k->ijk', a, b, c), python: "np.einsum('i,j,k->ijk', a, b, c)" },
  { name: "einsum 'iij->ji'", inputs: [{ shape: [2, 2, 3] }], ours: (a) => np.einsum('iij->ji', a), python: "np.einsum('iij->ji', a)" },
  { name: "einsum with spaces ' ij , jk -> ki '", inputs: [{ shape: [2, 3] }, { shape: [3, 2] }], ours: (a, b) => np.einsum(' ij , jk -> ki ', a, b), python: "np.einsum('ij,jk->ki', a, b)" },
  {
    name: "einsum '...ij,...jk->...ik' with broadcast batches", inputs: [{ shape: [2, 1, 2, 3] }, { shape: [4, 3, 2] }],
    ours: (a, b) => np.einsum('...ij,...jk->...ik', a, b), python: "np.einsum('...ij,...jk->...ik', a, b)",
  },
  { name: "einsum 'i...,i...' (implicit)", inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], ours: (a, b) => np.einsum('i...,i...', a, b), python: "np.einsum('i...,i...', a, b)" },
  { name: "einsum '...ii->...i'", inputs: [{ shape: [4, 2, 2] }], ours: (a) => np.einsum('...ii->...i', a), python: "np.einsum('...ii->...i', a)" },
  { name: "einsum 'ij,ij->ij' broadcasts a length-1 axis", inputs: [{ shape: [2, 1] }, { shape: [2, 3] }], ours: (a, b) => np.einsum('ij,ij->ij', a, b), python: "np.einsum('ij,ij->ij', a, b)" },
  { name: "einsum of int32 'ij,j'", inputs: [ints([1, 2, 3, 4], [2, 2]), ints([5, -6])], ours: (a, b) => np.einsum('ij,j', a, b), python: "np.einsum('ij,j', a, b)" },
];

// int64 (MXNet's index type): integer results stay int64, and 0 · −1 stays 0 (no −0 in the storage).
const int64 = (values: number[], shape = [values.length]): Input => ({ shape, values, dtype: 'int64' });
const INT64: NumpyCase[] = [
  { name: 'prod of int64 with a zero', inputs: [int64([0, -3, 2, 4], [2, 2])], ours: (a) => np.prod(a, 1), python: 'np.prod(a, axis=1)' },
  { name: 'cumsum of int64', inputs: [int64([5, -2, 7, 1])], ours: (a) => np.cumsum(a), python: 'np.cumsum(a)' },
  { name: 'outer of int64', inputs: [int64([0, 2]), int64([-1, 3])], ours: (a, b) => np.outer(a, b), python: 'np.outer(a, b)' },
  { name: "einsum of int64 'i,j->ij'", inputs: [int64([0, 2]), int64([-1, 3])], ours: (a, b) => np.einsum('i,j->ij', a, b), python: "np.einsum('i,j->ij', a, b)" },
  { name: 'pad, repeat and flip of int64', inputs: [int64([1, 2, 3])], ours: (a) => [np.pad(a, 1, { constantValues: -4.5 }), np.repeat(a, 2), np.flip(a)], python: '[np.pad(a, 1, constant_values=-4), np.repeat(a, 2), np.flip(a)]' },
  { name: 'var and norm of int64', inputs: [int64([1, 2, 4])], ours: (a) => [np.var(a), np.linalg.norm(a)], python: '[np.var(a).astype(np.float32), np.linalg.norm(a).astype(np.float32)]' },
];

const GROUPS: [string, NumpyCase[]][] = [
  ['var, std, prod, any, all', STATISTICS],
  ['np.linalg.norm', NORMS],
  ['logaddexp, isnan, isinf, outer', ELEMENTWISE],
  ['pad, repeat, tile, split, flip', SHAPES],
  ['cumsum, einsum', MATH],
  ['int64', INT64],
];
const ALL = GROUPS.flatMap(([, cases]) => cases);

/** NumPy's answers for every case. */
function numpyAnswers(): Answer[][] {
  const script = [
    'import json, sys, numpy as np',
    'np.seterr(all="ignore")',
    'def value(v):',
    '    v = float(v)',
    '    return "nan" if v != v else ("inf" if v == float("inf") else ("-inf" if v == -float("inf") else v))',
    'def answer(r):',
    '    r = np.asarray(r)',
    '    return {"shape": list(r.shape), "kind": "f" if r.dtype.kind in "fc" else ("b" if r.dtype.kind == "b" else "i"), "values": [value(v) for v in r.reshape(-1).tolist()]}',
    'out = []',
    'for inputs, expression in json.loads(sys.stdin.read()):',
    '    names = {}',
    '    for name, (shape, values, dtype) in zip("abcdef", inputs):',
    '        names[name] = np.array([float(v) for v in values], dtype={"float64": np.float64, "float32": np.float32, "int32": np.int32, "int64": np.int64, "bool": np.bool_}[dtype]).reshape(shape)',
    '    r = eval(expression, {"np": np}, names)',
    '    out.append([answer(x) for x in r] if isinstance(r, list) else [answer(r)])',
    'print(json.dumps(out))',
  ].join('\n');
  // NaN and ±∞ travel as 'NaN', 'Infinity', '-Infinity', which Python's float() reads.
  const encode = (values: number[]) => values.map((v) => (Number.isFinite(v) ? v : String(v)));
  const input = JSON.stringify(ALL.map((c) => [c.inputs.map((input, i) => [input.shape, encode(inputValues(c, input, i)), input.dtype ?? 'float64']), c.python]));
  return JSON.parse(execFileSync('python3', ['-c', script], { input, encoding: 'utf8' })) as Answer[][];
}

const KIND: Record<DType, Answer['kind']> = { bool: 'b', int32: 'i', int64: 'i', float32: 'f', float64: 'f' };
const number = (v: Value): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

function compare(got: NDArray, want: Answer, what: string): void {
  assert.deepEqual([...got.shape], want.shape, `${what}: shape`);
  assert.equal(KIND[got.dtype], want.kind, `${what}: kind (ours ${got.dtype})`);
  if (got.dtype === 'float64') assertClose(got, want.values.map(number), { atol: 1e-12, rtol: 1e-10 }, what);
  else if (got.dtype === 'float32') assertClose(got, want.values.map(number), { atol: 1e-6, rtol: 1e-6 }, what);
  else assert.deepEqual(flat(got), want.values.map(number), `${what}: values`);
}

suite('NumPy ops against NumPy', () => {
  let answers: Answer[][] = [];
  suiteSetup(() => { answers = numpyAnswers(); });

  for (const [group, cases] of GROUPS) {
    suite(group, () => {
      for (const c of cases) {
        test(`${c.name}: ${c.python}`, () => {
          const xs = c.inputs.map((input, i) => np.array(inputValues(c, input, i), { dtype: input.dtype ?? 'float64' }).reshape(input.shape));
          const result = c.ours(...xs);
          const want = answers[ALL.indexOf(c)]!;
          const got = Array.isArray(result) ? result : [result];
          assert.equal(got.length, want.length, 'number of results');
          got.forEach((g, i) => compare(g, want[i]!, `result ${i}`));
          for (const g of got) if (g.dtype === 'int64') assert.ok(flat(g).every((v) => !Object.is(v, -0)), 'no −0 in int64 storage');
        });
      }
    });
  }
});

/** ∂(Σ fn(x))/∂x. */
function gradient(fn: (x: NDArray) => NDArray, x: NDArray): NDArray {
  const variable = x.copy();
  variable.attachGrad();
  autograd.record(() => fn(variable)).backward();
  return variable.grad!;
}

suite('var, std, prod, any, all, norm: what NumPy does not check', () => {
  test('prod: the gradient at zeros is the product of the others (lanes with no, one and two zeros)', () => {
    const a = np.array([[1, 2, 3], [0, 2, 3], [0, 0, 4]], { dtype: 'float64' });
    assert.deepEqual(gradient((x) => np.prod(x, 1), a).toArray(), [[6, 3, 2], [6, 0, 0], [0, 0, 0]]);
    assert.deepEqual(gradient((x) => x.prod(), np.array([2, 0, 5])).toArray(), [0, 10, 0]);
  });

  test('prod: a lane with one zero differentiates twice (∂²/∂a₀∂a₁ of a₀a₁a₂ is a₂)', () => {
    const a = np.array([0, 2, 3], { dtype: 'float64' });
    a.attachGrad();
    const [second] = autograd.record(() => {
      const [grad] = autograd.grad(np.prod(a), [a], { createGraph: true });
      return autograd.grad(grad!.get(0), [a]);
    });
    assert.deepEqual(flat(second), [0, 3, 2]);
  });

  test('norm: large and tiny values neither overflow nor underflow', () => {
    assertClose(np.linalg.norm(np.array([3e30, 4e30])), 5e30, { rtol: 1e-6 });
    assertClose(np.linalg.norm(np.array([3e-30, -4e-30])), 5e-30, { rtol: 1e-6 });
    assertClose(np.linalg.norm(np.array([3e200, 4e200], { dtype: 'float64' })), 5e200, { rtol: 1e-12 });
    assertClose(np.linalg.norm(np.array([[3e-200, 4e-200]], { dtype: 'float64' }), 'fro'), 5e-200, { rtol: 1e-12 });
    assertClose(gradient((x) => np.linalg.norm(x), np.array([3e30, 4e30])), [0.6, 0.8], { rtol: 1e-6 });
    assert.deepEqual(flat(np.linalg.norm(np.array([[Infinity, 1], [NaN, 1], [0, 0]]), 2, 1)).map(String), ['Infinity', 'NaN', '0']);
  });

  test('norm: the gradient at 0 is 0, not NaN, to second order too', () => {
    assert.deepEqual(flat(gradient((x) => np.linalg.norm(x), np.zeros([3]))), [0, 0, 0]);
    assert.deepEqual(flat(gradient((x) => np.linalg.norm(x, 2, 1), np.array([[0, 0], [3, 4]]))), [0, 0, 0.6000000238418579, 0.800000011920929]);
    const x = np.zeros([2], { dtype: 'float64' });
    x.attachGrad();
    autograd.record(() => {
      const [grad] = autograd.grad(np.linalg.norm(x), [x], { createGraph: true });
      assert.ok(flat(grad).every((v) => v === 0));
      assert.ok(flat(autograd.grad(grad!.sum(), [x])[0]).every(Number.isFinite));
    });
  });

  test('std: the gradient of a constant lane is 0, not NaN', () => {
    assert.deepEqual(flat(gradient((x) => np.std(x, 1), np.array([[2, 2], [1, 3]]))), [0, 0, -0.5, 0.5]);
  });

  test('any and all give 0-d bools without an axis and are no part of a graph', () => {
    const x = np.array([0.5, -1]);
    x.attachGrad();
    const [some, every] = autograd.record(() => [np.any(x.greater(0)), np.all(x)]);
    assert.deepEqual([some!.shape, some!.dtype, some!.item()], [[], 'bool', 1]);
    assert.deepEqual([every!.shape, every!.dtype, every!.item()], [[], 'bool', 1]);
  });

  test('bad arguments say what is wrong, quoting them', () => {
    const a = np.ones([2, 3]);
    expectError(() => np.var(a, 0, { ddof: 1, keepDims: true } as never), /^var: unknown option 'keepDims' \(the options are 'ddof', 'keepdims'\)$/);
    expectError(() => np.std(a, 0, true as never), /^std: the options must be an object such as \{ ddof: … \}, got true$/);
    expectError(() => np.var(a, null, { ddof: -1 }), /^var: ddof must be an integer ≥ 0, got -1$/);
    expectError(() => np.var(a, null, { ddof: 0.5 }), /ddof must be an integer ≥ 0, got 0.5/);
    expectError(() => np.var(a, null, { keepdims: 1 as never }), /^var: keepdims must be true or false, got 1$/);
    expectError(() => np.var(a, 2), /^var: axis 2 is out of bounds for array of dimension 2$/);
    expectError(() => np.prod(a, [0, 0]), /^prod: repeated axis 0 in \[0, 0\]$/);
    expectError(() => np.any(a, -3), /^any: axis -3 is out of bounds/);
    expectError(() => np.all('x' as never), /^all: the input must be an NDArray, got string x$/);
    expectError(() => np.linalg.norm(a, 3), /^norm: ord 3 is not supported \(use 2, 1, Infinity or -Infinity for vectors; 'fro', 1, -1, Infinity or -Infinity for matrices\)$/);
    expectError(() => np.linalg.norm(a, 'nuc'), /^norm: the matrix norm ord 'nuc' needs singular values, which GradLens does not compute/);
    expectError(() => np.linalg.norm(a, 2), /^norm: the matrix norm ord 2 needs singular values/);
    expectError(() => np.linalg.norm(np.ones([3]), 'fro'), /^norm: invalid norm order 'fro' for vectors/);
    expectError(() => np.linalg.norm(np.ones([2, 2, 2]), 1), /^norm: improper number of dimensions to norm: ord 1 needs a 1-D or 2-D array or an axis, got shape \(2, 2, 2\)$/);
    expectError(() => np.linalg.norm(a, null, [1, -1]), /^norm: duplicate axes given: \[1,-1\]$/);
    expectError(() => np.linalg.norm(a, null, [0, 1, 1]), /^norm: axis must be an integer or a pair of integers, got \[0,1,1\]$/);
    expectError(() => np.linalg.norm(a, null, 2), /^norm: axis 2 is out of bounds for array of dimension 2$/);
    expectError(() => np.linalg.norm(a, null, null, 'yes' as never), /^norm: keepdims must be true or false, got 'yes'$/);
  });
});

suite('logaddexp, isnan, isinf, outer: what NumPy does not check', () => {
  test('logaddexp: the gradient is finite for large inputs and the softmax weights', () => {
    const a = np.array([1000, 0, -1000]);
    a.attachGrad();
    const b = np.array([1000, 0, 0]);
    b.attachGrad();
    autograd.record(() => np.logaddexp(a, b)).backward();
    assertClose(a.grad, [0.5, 0.5, 0]);
    assertClose(b.grad, [0.5, 0.5, 1]);
  });

  test('isnan and isinf are no part of a graph; outer refuses what is not an array', () => {
    const x = np.array([NaN, 1]);
    x.attachGrad();
    const nan = autograd.record(() => np.isnan(x.mul(2)));
    assert.deepEqual([nan.dtype, nan.toArray()], ['bool', [true, false]]);
    expectError(() => np.isinf([1, 2] as never), /^isinf: the input must be an NDArray, got a JavaScript array/);
    expectError(() => np.outer(np.ones([2]), 3 as never), /^outer: the second operand must be an NDArray, got number 3$/);
    expectError(() => np.logaddexp(np.ones([2]), np.ones([3])), /^logaddexp: operands could not be broadcast together with shapes \(2,\) \(3,\)$/);
  });
});

suite('pad, repeat, tile, split, flip: what NumPy does not check', () => {
  test('split: each piece gets its gradient back in place; unused pieces give zeros', () => {
    const g = gradient((x) => { const [, middle] = np.split(x, [1, 3]); return middle!.mul(np.array([10, 20])); }, np.arange(5));
    assert.deepEqual(flat(g), [0, 10, 20, 0, 0]);
  });

  test('pad: padded copies add their gradients to the elements they copy', () => {
    assert.deepEqual(flat(gradient((x) => np.pad(x, [2, 1], { mode: 'edge' }), np.array([1, 2, 3]))), [3, 1, 2]);
    assert.deepEqual(flat(gradient((x) => np.pad(x, [2, 2], { mode: 'reflect' }), np.array([1, 2, 3]))), [2, 3, 2]); // 3 2 | 1 2 3 | 2 1
    assert.deepEqual(flat(gradient((x) => np.pad(x, 1, { constantValues: 9 }), np.array([1, 2]))), [1, 1]);
  });

  test('repeat and tile: the gradient sums over the copies', () => {
    assert.deepEqual(flat(gradient((x) => np.repeat(x, [3, 0, 1]), np.array([1, 2, 3]))), [3, 0, 1]);
    assert.deepEqual(flat(gradient((x) => np.tile(x, [2, 3]), np.array([1, 2]))), [6, 6]);
  });

  test('bad arguments say what is wrong, quoting them', () => {
    const a = np.ones([2, 3]);
    expectError(() => np.pad(a, [[1, 2], [3, 4], [5, 6]]), /^pad: padWidth \[\[1,2\],\[3,4\],\[5,6\]\] does not fit an array of dimension 2: give integers ≥ 0 as n, \[before, after\], or one \[before, after\] per axis$/);
    expectError(() => np.pad(a, -1), /^pad: padWidth -1 does not fit/);
    expectError(() => np.pad(a, [1.5, 2]), /^pad: padWidth \[1.5,2\] does not fit/);
    expectError(() => np.pad(a, 1, { mode: 'mirror' as never }), /^pad: unknown mode 'mirror' \(the modes are 'constant', 'edge', 'reflect', 'symmetric', 'wrap'\)$/);
    expectError(() => np.pad(a, 1, { constant_values: 1 } as never), /^pad: unknown option 'constant_values' \(the options are 'mode', 'constantValues'\)$/);
    expectError(() => np.pad(a, 1, { constantValues: [1, 2] as never }), /^pad: constantValues must be a number, got \[1,2\]$/);
    expectError(() => np.pad(a, 1, { mode: 'edge', constantValues: 1 }), /^pad: constantValues is an option of mode 'constant', not of mode 'edge'$/);
    expectError(() => np.pad(np.ones([0, 2]), 1, { mode: 'wrap' }), /^pad: can't extend the empty axis 0 \(shape \(0, 2\)\) with mode 'wrap'/);
    expectError(() => np.repeat(a, [1, 2], 1), /^repeat: 2 repeats do not match axis 1 of size 3 \(give one count, or one per element\)$/);
    expectError(() => np.repeat(a, -1), /^repeat: repeats must be an integer ≥ 0 or a list of them, got -1$/);
    expectError(() => np.repeat(a, 2, 2), /^repeat: axis 2 is out of bounds for array of dimension 2$/);
    expectError(() => np.tile(a, [2, 'x'] as never), /^tile: reps must be an integer ≥ 0 or a list of them, got \[2,"x"\]$/);
    expectError(() => np.split(a, 2, 1), /^split: array split does not result in an equal division: axis 1 of size 3 into 2 sections \(shape \(2, 3\)\)$/);
    expectError(() => np.split(a, 0), /^split: the number of sections must be a positive integer, got 0$/);
    expectError(() => np.split(a, [1, 0.5]), /^split: indicesOrSections must be a number of sections or a list of integer indices, got \[1,0.5\]$/);
    expectError(() => np.split(a, 1, -3), /^split: axis -3 is out of bounds for array of dimension 2$/);
    expectError(() => np.split(np.array(1), 1), /^split: a 0-d array cannot be split$/);
    expectError(() => np.flip(a, [0, 0]), /^flip: repeated axis 0 in \[0, 0\]$/);
    expectError(() => np.flip(a, 2), /^flip: axis 2 is out of bounds for array of dimension 2$/);
  });
});

suite('cumsum, einsum: what NumPy does not check', () => {
  test('einsum records one op (after a reshape or broadcastTo for broadcast axes), with the equation in letters', () => {
    const a = np.ones([2, 3]);
    a.attachGrad();
    const y = autograd.record(() => np.einsum('ij , jk', a, np.ones([3, 2])));
    assert.deepEqual([y._node!.op, y._node!.attrs], ['einsum', { equation: 'ij,jk->ik', shape: [2, 2] }]);
    const z = autograd.record(() => np.einsum('...j,j->...', a, np.ones([3])));
    assert.deepEqual(z._node!.attrs, { equation: 'aj,j->a', shape: [2] });
    const c = np.ones([1]);
    c.attachGrad();
    const w = autograd.record(() => np.einsum('i...,...->i...', a, c));
    assert.deepEqual([w._node!.inputs[1]!._node?.op, w.shape], ['broadcastTo', [2, 3]]);
  });

  test("einsum: each operand's gradient is the einsum of the others", () => {
    const a = np.array([[1, 2], [3, 4]]);
    const b = np.array([[5, 6], [7, 8]]);
    assert.deepEqual(gradient((x) => np.einsum('ij,jk->ik', x, b), a).toArray(), [[11, 15], [11, 15]]);
    assert.deepEqual(gradient((x) => np.einsum('ii->', x), a).toArray(), [[1, 0], [0, 1]]);
    assert.deepEqual(gradient((x) => np.einsum('ij->', x), a).toArray(), [[1, 1], [1, 1]]);
  });

  test('cumsum: the gradient sums the upstream gradient from the end', () => {
    assert.deepEqual(flat(gradient((x) => np.cumsum(x), np.array([[1, 2], [3, 4]]))), [4, 3, 2, 1]);
    assert.deepEqual(gradient((x) => np.cumsum(x, 1), np.array([[1, 2], [3, 4]])).toArray(), [[2, 1], [2, 1]]);
  });

  test('bad arguments say what is wrong, quoting them', () => {
    const a = np.ones([2, 3]);
    const b = np.ones([3, 4]);
    expectError(() => np.cumsum(a, 2), /^cumsum: axis 2 is out of bounds for array of dimension 2$/);
    expectError(() => np.cumsum(a, 0.5), /^cumsum: axis 0.5 is out of bounds/);
    expectError(() => np.einsum(3 as never, a), /^einsum: the subscripts must be a string such as 'ij,jk->ik', got 3$/);
    expectError(() => np.einsum('ij'), /^einsum: needs at least one operand \(in 'ij'\)$/);
    expectError(() => np.einsum('ij,jk->ik', a), /^einsum: the subscripts name 2 operands, got 1 \(in 'ij,jk->ik'\)$/);
    expectError(() => np.einsum('ij,j1->i', a, b), /^einsum: '1' is no subscript \(use the letters a–z, A–Z, and '...' for the remaining axes\) \(in 'ij,j1->i'\)$/);
    expectError(() => np.einsum('ij->j->i', a), /^einsum: has more than one '->' \(in 'ij->j->i'\)$/);
    expectError(() => np.einsum('ijk,jk->ik', a, b), /^einsum: operand 0 has 2 dimensions but 'ijk' names 3 \(in 'ijk,jk->ik'\)$/);
    expectError(() => np.einsum('ij,kj->ik', a, b), /^einsum: label 'j' has size 3 in operand 0 and 4 in operand 1 \(shapes \(2, 3\), \(3, 4\)\) \(in 'ij,kj->ik'\)$/);
    expectError(() => np.einsum('ii->i', a), /^einsum: label 'i' has size 2 in operand 0 and 3 in operand 0/);
    expectError(() => np.einsum('ij->iz', a), /^einsum: the output label 'z' names no operand's axis \(in 'ij->iz'\)$/);
    expectError(() => np.einsum('ij->ii', a), /^einsum: the output label 'i' appears more than once \(in 'ij->ii'\)$/);
    expectError(() => np.einsum('ij->...', a), /^einsum: the output has '...' but no operand has \(in 'ij->...'\)$/);
    expectError(() => np.einsum('...j->j', np.ones([2, 2, 3])), /^einsum: the operands' '...' stands for axes the output does not name: write '...' in the output too/);
    expectError(() => np.einsum('...i...', a), /^einsum: has more than one '...' in one operand/);
    expectError(() => np.einsum('ijk...', a), /^einsum: operand 0 has 2 dimensions but 'ijk...' names at least 3/);
    expectError(() => np.einsum('ij', [[1]] as never), /^einsum: operand 0 must be an NDArray, got a JavaScript array/);
  });
});

suite('the new ops in a recorded program', () => {
  test('replay computes them again: gradcheckRecorded checks a program that uses each', () => {
    np.random.seed(5);
    const x = np.random.uniform(0.5, 1.5, [2, 3], 'float64');
    x.attachGrad();
    const y = autograd.record(() => {
      const [left, right] = np.split(np.pad(x, [[0, 0], [1, 0]], { mode: 'reflect' }), 2, 1);
      const mixed = np.einsum('ij,ij->i', left!, np.flip(right!, 1)).add(np.cumsum(x, 1).sum(1));
      const spread = np.var(np.tile(x, [1, 2]), 1, { ddof: 1 }).add(np.std(np.repeat(x, [1, 2, 1], 1), 1));
      const extra = np.prod(x, 0).sum().add(np.linalg.norm(x, Infinity, 0).sum()).add(np.outer(x.get(0), x.get(1)).sum());
      return np.logaddexp(mixed, spread).sum().add(extra).add(np.linalg.norm(x));
    });
    const report = autograd.gradcheckRecorded(y);
    assert.ok(report.ok, `max abs error ${report.inputs[0]!.maxAbsError}`);
  });
});
