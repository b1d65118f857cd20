/**
 * Indexing and in-place writes: `a.get(index)` (a copy of the selection) and `a.set(index, value)` /
 * `a.assign(value)` recorded inside `autograd.record` (PyTorch's semantics: the written region's
 * gradient goes to the value, the rest to the array's previous version). The public functions
 * (ops/indexing.ts) parse the index into a gather map, saved for the gradient.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { OpDefinitions } from './types';

export interface IndexingAttrs {
  /** The index as NumPy writes it, index arrays named i₀, i₁, … (the inputs after the array). */
  get: { index: string };
  /** The same for the written selection; `'...'` for `assign` (the whole array). */
  set: { index: string };
}

export type IndexingOpName = keyof IndexingAttrs;

/** Index arrays take no gradient; a float one that needs one (it never should) gets zeros. */
const NO_INDEX_GRAD = null;

export const INDEXING_OPS: OpDefinitions<IndexingAttrs> = {
  get: {
    api: { method: 'get' }, inputs: ['a', 'i₀', 'i₁', 'i₂', 'i₃', 'i₄', 'i₅', 'i₆', 'i₇'], flags: { elementwise: false, differentiable: true },
    // out = a[index] (gather map m = saved[0]): ∂a = g scatter-added at m (repeated indices add up)
    grad: (g, { inputs, saved, needsGrad }, op) => inputs.map((input, i) =>
      i === 0 ? op.takeGrad(g, saved[0]!, null, input.shape) : needsGrad[i] ? op.zerosLike(input) : NO_INDEX_GRAD),
    replay: ([a], _attrs, op, saved) => op.take(a!, saved[0]!, null),
    words: (attrs, n, say) => ({
      summary: `get reads a[${say.num(attrs.index ?? '…')}], a copy of those elements: its gradient is the upstream gradient put back at the positions they were read from, zeros elsewhere (positions read twice add up)`,
      formula: `out = a[${say.num(attrs.index ?? '…')}]`,
      partials: ['∂L/∂a = g at the selected positions, 0 elsewhere', ...Array.from({ length: Math.max(n - 1, 0) }, (_, i) => `${say.listInput(i).replace('a', 'i')}: an index, no gradient`)],
      broadcast: false,
    }),
  },
  set: {
    api: { method: 'set' }, inputs: ['a', 'value', 'i₀', 'i₁', 'i₂', 'i₃', 'i₄', 'i₅', 'i₆', 'i₇'], flags: { elementwise: false, differentiable: true },
    // out = a with out[index] = value (map m = saved[0], keep = saved[1] is 0 where written):
    // ∂a = g·keep; ∂value = g at m (only where that write landed: saved[2]), summed to value's shape
    grad: (g, { inputs, saved, needsGrad }, op) => inputs.map((input, i) => {
      if (!needsGrad[i]) return null;
      if (i === 0) return op.mul(g, saved[1]!);
      if (i > 1) return op.zerosLike(input);
      const picked = op.take(g, saved[0]!, null);
      return op.sumToShape(saved[2] ? op.mul(picked, saved[2]) : picked, input.shape);
    }),
    // a·keep + the value scattered to where it landed
    replay: ([a, value], _attrs, op, saved) => {
      const spread = op.broadcastTo(value!.dtype === a!.dtype ? value! : op.astype(value!, a!.dtype), saved[0]!.shape);
      return op.add(op.mul(a!, saved[1]!), op.takeGrad(saved[2] ? op.mul(spread, saved[2]) : spread, saved[0]!, null, a!.shape));
    },
    words: (attrs, n, say) => {
      const index = say.num(attrs.index ?? '…');
      const whole = attrs.index === '...';
      return {
        summary: whole
          ? 'set (assign) overwrites all of a with value, in place: value gets the upstream gradient (summed over broadcast axes); the overwritten a gets none'
          : `set writes value into a[${index}], in place: value gets the upstream gradient at those positions (summed over broadcast axes), a's previous version gets it everywhere else`,
        formula: whole ? 'out = value (written into a)' : `out = a with out[${index}] = value`,
        partials: [
          whole ? '∂L/∂a = 0 (every element was overwritten)' : `∂L/∂a = g, 0 at [${index}]`,
          `∂L/∂value = g at [${index}], summed to value's shape`,
          ...Array.from({ length: Math.max(n - 2, 0) }, (_, i) => `${say.listInput(i).replace('a', 'i')}: an index, no gradient`),
        ],
        broadcast: true,
      };
    },
  },
};
