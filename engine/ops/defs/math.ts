/**
 * The ops that fit no other family: cumsum (a scan) and einsum (Einstein summation over any number
 * of operands). One entry each: where it is in the API, its inputs, its flags, its gradient (math
 * above it), its replay and the step panel's words. The public functions (ops/math.ts) check
 * arguments, run the kernels and record.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { OpDefinitions, Say } from './types';

/** The attributes each op records. */
export interface MathAttrs {
  /** `axis: null` sums the flattened array; `reverse` sums from the end (cumsum's gradient). */
  cumsum: { axis: number | null; reverse: boolean };
  /**
   * `equation` explicit, one letter per axis ('ij,jk->ik'; an ellipsis written out in letters);
   * `shape` the result's. As gradients record it, an output label may repeat (a diagonal written)
   * or name no operand's axis (a broadcast, its size from `shape`).
   */
  einsum: { equation: string; shape: number[] };
}

/** An einsum equation's operand subscripts and output subscripts; null for text that is no equation. */
export function einsumParts(equation: unknown): { inputs: string[]; output: string } | null {
  if (typeof equation !== 'string') return null;
  const [inputs, output, extra] = equation.split('->');
  if (inputs === undefined || output === undefined || extra !== undefined) return null;
  return { inputs: inputs.split(','), output };
}

/** The equation of operand k's gradient: the upstream gradient (the output's subscripts) with the other operands, to operand k's subscripts. */
export function einsumGradEquation(inputs: readonly string[], output: string, k: number): string {
  return `${[output, ...inputs.filter((_, i) => i !== k)].join(',')}->${inputs[k]}`;
}

/** "along axis 1" or "over the flattened array", from the end for a reversed scan. */
function scanning(axis: unknown, reverse: unknown, say: Say): string {
  return `${reverse === true ? 'from the end ' : ''}${axis === null ? 'over the flattened array' : say.along(axis)}`;
}

export const MATH_OPS: OpDefinitions<MathAttrs> = {
  cumsum: {
    api: { np: 'cumsum', method: 'cumsum' }, inputs: ['a'], flags: { elementwise: false, differentiable: true },
    // out[i] = Σ_{j ≤ i} a[j] along the axis: ∂a = g summed from the end (a cumsum the other way)
    grad: (g, { inputs: [a], attrs: { axis, reverse } }, op) => {
      const back = op.cumsum(g, axis ?? 0, !reverse);
      return [axis === null ? op.reshape(back, a!.shape) : back];
    },
    replay: ([a], { axis, reverse }, op) => op.cumsum(a!, axis, reverse),
    words: (attrs, _n, say) => {
      const along = scanning(attrs.axis, attrs.reverse, say);
      const other = scanning(attrs.axis, attrs.reverse !== true, say);
      return {
        summary: `cumsum sums a cumulatively ${along}: each element's gradient is the sum of the upstream gradient over the outputs it is part of, a cumulative sum ${other}`,
        formula: `out = cumsum(a) ${scanning(attrs.axis, false, say)}: out[i] = Σ a[j] for j ${attrs.reverse === true ? '≥' : '≤'} i`,
        partials: [`∂L/∂a = g summed cumulatively ${other}`], broadcast: false,
      };
    },
  },
  einsum: {
    api: { np: 'einsum' }, inputs: 'list', flags: { elementwise: false, differentiable: true },
    // out = einsum('…,…->o', a₀, a₁, …): ∂aₖ = einsum('o,(the others)->(aₖ's subscripts)', g, the others)
    grad: (g, { inputs, needsGrad, attrs: { equation } }, op) => {
      const parts = einsumParts(equation)!;
      return inputs.map((input, k) => (needsGrad[k]
        ? op.einsum([g, ...inputs.filter((_, i) => i !== k)], einsumGradEquation(parts.inputs, parts.output, k), input.shape)
        : null));
    },
    replay: (inputs, { equation, shape }, op) => op.einsum(inputs, equation, shape),
    words: (attrs, inputCount, say) => {
      const names = Array.from({ length: inputCount }, (_, i) => say.listInput(i));
      const parts = einsumParts(attrs.equation);
      const equation = parts === null ? 'the recorded equation' : `'${say.num(attrs.equation)}'`;
      const partials = names.map((name, k) => {
        if (parts === null || parts.inputs.length !== inputCount) return `∂L/∂${name} = einsum of g with the other operands, to ${name}'s subscripts`;
        const others = names.filter((_, i) => i !== k);
        return `∂L/∂${name} = einsum('${einsumGradEquation(parts.inputs, parts.output, k)}', ${['g', ...others].join(', ')})`;
      });
      return {
        summary: `einsum multiplies its operands along the subscripts of ${equation} and sums over the subscripts missing from the output: each operand's gradient is the einsum of the upstream gradient with the other operands, to that operand's subscripts`,
        formula: `out = einsum(${[equation, ...names].join(', ')})`, partials, broadcast: false,
      };
    },
  },
};
