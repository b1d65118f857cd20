/** cumsum (a scan along an axis) and einsum (Einstein summation): the ops of defs/math.ts. */
import { allocate, arithmeticType, promoteTypes, wholeInt64, type DType } from '../dtype';
import { engineError, formatShape } from '../errors';
import { runEinsum } from '../kernels/einsum';
import { runCumsum } from '../kernels/lanes';
import { NDArray } from '../ndarray';
import { normalizeAxis, sizeOf, stridesOf } from '../shape';
import { emit } from '../tape';
import { aroundAxis } from './arrange';
import { einsumParts } from './defs/math';
import { broadcastTo, reshape } from './layout';
import { checkArray, dataAs } from './operand';
import { describe } from './options';

/** cumsum as recorded (and replayed, and differentiated: `reverse` sums from the end). */
export function cumsumOf(a: NDArray, axis: number | null, reverse = false): NDArray {
  const x = checkArray('cumsum', a);
  const dtype: DType = x.dtype === 'bool' ? 'int32' : x.dtype;
  const shape = axis === null ? [x.size] : x.shape;
  const { outer, size, inner } = aroundAxis(shape, axis ?? 0);
  const out = allocate(dtype, x.size);
  runCumsum(dtype, dataAs(x, dtype), out, outer, size, inner, reverse);
  return emit('cumsum', [x], { axis, reverse }, new NDArray(out, [...shape], dtype));
}

/**
 * The running sums along `axis` (of the flattened array by default, a 1-D result): NumPy `cumsum`.
 *
 * ```ts
 * np.cumsum(np.array([[1, 2], [3, 4]]));     // array([ 1.,  3.,  6., 10.])
 * np.cumsum(np.array([[1, 2], [3, 4]]), 0);  // array([[1., 2.], [4., 6.]])
 * ```
 */
export function cumsum(a: NDArray, axis?: number | null): NDArray {
  const x = checkArray('cumsum', a);
  if (axis === undefined || axis === null) return cumsumOf(x, null);
  return cumsumOf(x, normalizeAxis('cumsum', axis, x.ndim));
}

// ---- einsum ----

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * einsum as recorded (and replayed, and differentiated): `equation` explicit, one letter per axis;
 * an output label may repeat or name no operand's axis (gradients record both), its size from `shape`.
 */
export function einsumOf(operands: readonly NDArray[], equation: string, shape: readonly number[]): NDArray {
  const parts = einsumParts(equation)!;
  const list = operands.map((operand, i) => checkArray('einsum', operand, `operand ${i}`));
  const sizes = new Map<string, number>();
  [...parts.output].forEach((label, i) => sizes.set(label, shape[i]!));
  parts.inputs.forEach((subscripts, k) => [...subscripts].forEach((label, i) => sizes.set(label, list[k]!.shape[i]!)));
  // Output labels first (in their order), then the summed ones: the innermost loop sums.
  const labels = [...new Set([...parts.output, ...parts.inputs.join('')])];
  const strideOf = (subscripts: string, arrayShape: readonly number[]) => {
    const strides = stridesOf(arrayShape);
    return labels.map((label) => [...subscripts].reduce((s, l, i) => (l === label ? s + strides[i]! : s), 0));
  };
  const dtype = arithmeticType(list.reduce<DType>((d, operand) => promoteTypes(d, operand.dtype), list[0]!.dtype));
  const acc = new Float64Array(sizeOf(shape));
  runEinsum(dtype, list.map((operand) => dataAs(operand, dtype)), list.map((operand, k) => strideOf(parts.inputs[k]!, operand.shape)),
    acc, strideOf(parts.output, shape), labels.map((label) => sizes.get(label)!));
  const out = allocate(dtype, acc.length);
  out.set(acc);
  if (dtype === 'int64') wholeInt64(out); // 0 · −1 is −0 in float64 storage
  return emit('einsum', list, { equation, shape: [...shape] }, new NDArray(out, [...shape], dtype));
}

/** An einsum argument error, quoting the subscripts. */
const refuse = (subscripts: string, message: string) => engineError('einsum', `${message} (in '${subscripts}')`);

/**
 * NumPy `einsum`: Einstein summation. `subscripts` names each operand's axes with letters, comma
 * separated; '->' and the output's letters (explicit), or without them the letters that occur once,
 * in alphabetical order (implicit). Letters missing from the output are summed over; a repeated
 * letter reads a diagonal; '...' stands for the remaining axes; axes of length 1 broadcast, as in
 * NumPy (recorded as reshape and broadcastTo before the einsum).
 *
 * ```ts
 * np.einsum('ij,jk->ik', a, b);      // matmul
 * np.einsum('bij,bjk->bik', x, y);   // batched matmul
 * np.einsum('ii->i', m);             // the diagonal
 * np.einsum('i,i->', u, v);          // the inner product
 * np.einsum('ij->ji', m);            // the transpose
 * ```
 */
export function einsum(subscripts: string, ...operands: NDArray[]): NDArray {
  if (typeof subscripts !== 'string') throw engineError('einsum', `the subscripts must be a string such as 'ij,jk->ik', got ${describe(subscripts)}`);
  const text = subscripts.replace(/\s+/g, '');
  const list = operands.map((operand, i) => checkArray('einsum', operand, `operand ${i}`));
  if (list.length === 0) throw refuse(subscripts, 'needs at least one operand');
  const arrow = text.split('->');
  if (arrow.length > 2) throw refuse(subscripts, "has more than one '->'");
  const inputs = arrow[0]!.split(',');
  if (inputs.length !== list.length) throw refuse(subscripts, `the subscripts name ${inputs.length} operand${inputs.length === 1 ? '' : 's'}, got ${list.length}`);
  for (const part of [...inputs, ...(arrow.length === 2 ? [arrow[1]!] : [])]) {
    const stray = part.replace(/\.\.\./g, '').match(/[^a-zA-Z]/);
    if (stray) throw refuse(subscripts, `'${stray[0]}' is no subscript (use the letters a–z, A–Z, and '...' for the remaining axes)`);
    if (part.split('...').length > 2) throw refuse(subscripts, "has more than one '...' in one operand");
  }
  // '...' written out in letters no subscript uses, as many as the operand with the most axes there
  // needs; an operand with fewer gets leading axes of length 1 there (a reshape).
  const rests = inputs.map((part, k) => {
    const explicit = part.replace('...', '').length;
    const rest = list[k]!.ndim - explicit;
    if (part.includes('...') ? rest < 0 : rest !== 0) {
      throw refuse(subscripts, `operand ${k} has ${list[k]!.ndim} dimensions but '${part}' names ${part.includes('...') ? 'at least ' : ''}${explicit}`);
    }
    return rest;
  });
  const spare = [...LETTERS].filter((letter) => !text.includes(letter));
  const ellipsis = Math.max(0, ...rests);
  if (ellipsis > spare.length) throw refuse(subscripts, `needs ${ellipsis} letters for '...', but only ${spare.length} are left`);
  const ellipsisLabels = spare.slice(0, ellipsis).join('');
  const written = inputs.map((part) => part.replace('...', ellipsisLabels));
  const aligned = list.map((operand, k) => {
    const start = inputs[k]!.indexOf('...');
    if (start < 0 || rests[k] === ellipsis) return operand;
    return reshape(operand, [...operand.shape.slice(0, start), ...Array<number>(ellipsis - rests[k]!).fill(1), ...operand.shape.slice(start)]);
  });
  // A label's size: the same in every operand, except that size 1 broadcasts (NumPy's rule).
  const sizes = new Map<string, { size: number; operand: number }>();
  written.forEach((part, k) => [...part].forEach((label, i) => {
    const size = aligned[k]!.shape[i]!;
    const known = sizes.get(label);
    if (known !== undefined && known.size !== size && known.size !== 1 && size !== 1) {
      const what = ellipsisLabels.includes(label) ? "an axis of '...'" : `label '${label}'`;
      throw refuse(subscripts, `${what} has size ${known.size} in operand ${known.operand} and ${size} in operand ${k} (shapes ${list.map((o) => formatShape(o.shape)).join(', ')})`);
    }
    if (known === undefined || known.size === 1) sizes.set(label, { size, operand: k });
  }));
  const sizeOfLabel = (label: string) => sizes.get(label)!.size;
  const broadcast = aligned.map((operand, k) => {
    const target = [...written[k]!].map(sizeOfLabel);
    return target.every((dim, i) => dim === operand.shape[i]) ? operand : broadcastTo(operand, target);
  });
  let output: string;
  if (arrow.length === 2) {
    const given = arrow[1]!;
    if (given.includes('...') && !inputs.some((part) => part.includes('...'))) throw refuse(subscripts, "the output has '...' but no operand has");
    if (!given.includes('...') && ellipsis > 0) throw refuse(subscripts, "the operands' '...' stands for axes the output does not name: write '...' in the output too");
    output = given.replace('...', ellipsisLabels);
  } else {
    // Implicit: the labels that occur once, in alphabetical order, after the axes of '...'.
    const counts = new Map<string, number>();
    for (const label of written.join('')) if (!ellipsisLabels.includes(label)) counts.set(label, (counts.get(label) ?? 0) + 1);
    output = ellipsisLabels + [...counts].filter(([, n]) => n === 1).map(([label]) => label).sort().join('');
  }
  [...output].forEach((label, i) => {
    if (!sizes.has(label)) throw refuse(subscripts, `the output label '${label}' names no operand's axis`);
    if (output.indexOf(label) !== i) throw refuse(subscripts, `the output label '${label}' appears more than once`);
  });
  return einsumOf(broadcast, `${written.join(',')}->${output}`, [...output].map(sizeOfLabel));
}
