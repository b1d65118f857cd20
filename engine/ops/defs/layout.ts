/**
 * The shape and indexing ops: transpose, reshape, expandDims, squeeze, broadcastTo, concatenate,
 * stack, at, take, takeAlongAxis, sort, copy, astype, and the gradients of take and takeAlongAxis as
 * ops of their own; pad (and its gradient), repeat, tile, split and flip. One entry each: where it is in the API, its inputs, its flags, its gradient
 * (math above it), its replay and the step panel's words. The public functions (ops/layout.ts)
 * check arguments, run the kernels and record.
 *
 * Types only from the engine (erased by the build): the inspector reads this file too.
 */
import type { DType } from '../../dtype';
import type { EngineOps, NoAttrs, OpDefinition, OpDefinitions, OpWords, Say } from './types';
import type { NDArray } from '../../ndarray';

/** The attributes each op records. */
export interface LayoutAttrs {
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
  /** One [before, after] pair per axis. */
  pad: { padWidth: number[][]; mode: PadMode; constantValue: number };
  /** The gradient of `pad`: sums g back into `shape`. */
  padGrad: { padWidth: number[][]; mode: PadMode; shape: number[] };
  /** `axis: null` repeats the flattened array; `repeats` as given (one count or one per element). */
  repeat: { repeats: number | number[]; axis: number | null };
  /** One count per axis of the result. */
  tile: { reps: number[] };
  /** One piece of np.split: [begin, end) along `axis`. */
  split: { axis: number; begin: number; end: number };
  flip: { axis: number[] };
}

/** How np.pad fills: a constant, the edge element, a mirror without the edge or with it, the other end. */
export type PadMode = 'constant' | 'edge' | 'reflect' | 'symmetric' | 'wrap';

/** A pad mode as the step panel says how the padding is made. */
function padding(mode: unknown, constant: unknown, say: Say): string {
  switch (mode) {
    case 'edge': return 'copies of the edge elements';
    case 'reflect': return 'a mirror image without the edge';
    case 'symmetric': return 'a mirror image with the edge';
    case 'wrap': return 'the elements of the other end';
    default: return `the constant ${say.num(constant ?? 0)}`;
  }
}

const LAYOUT = { elementwise: false, differentiable: true };

/** The permutation that undoes `axes`. */
const inverse = (axes: readonly number[]): number[] => axes.map((_, i) => axes.indexOf(i));

/** reshape, expandDims and squeeze keep the elements: ∂a = g in a's shape. */
const backToInputShape: OpDefinition<unknown>['grad'] = (g, { inputs: [a] }, op) => [op.reshape(g, a!.shape)];

/** The words of reshape, expandDims and squeeze: the elements stay, only the shape changes. */
function reshapingWords(name: string, does: string, result: string): OpWords {
  return {
    summary: `${name} ${does} without changing the elements: its gradient is the upstream gradient reshaped back to a's shape`,
    formula: `out = a ${result}`, partials: ["∂L/∂a = g reshaped to a's shape"], broadcast: false,
  };
}

/** " at position 0" for expandDims, nothing when the attribute is missing. */
const position = (axis: unknown, say: Say): string => (typeof axis === 'number' ? ` at position ${say.num(axis)}` : '');

/** The [before, after] pairs of a split piece's place in the input: zeros before and after it along `axis`. */
function placeOf(shape: readonly number[], axis: number, begin: number, end: number): number[][] {
  return shape.map((dim, i) => (i === axis ? [begin, dim - end] : [0, 0]));
}

/** Indices take no gradient: none, or zeros for a float index array that asked for one (it is a constant of the op). */
function indexGrad(indices: NDArray, needed: boolean, op: EngineOps): NDArray | null {
  return needed ? op.zerosLike(indices) : null;
}

export const LAYOUT_OPS: OpDefinitions<LayoutAttrs> = {
  transpose: {
    api: { np: 'transpose', method: 'transpose' }, inputs: ['a'], flags: LAYOUT,
    // out = aᵀ (axes permuted): ∂a = g with the inverse permutation
    grad: (g, { attrs: { axes } }, op) => [op.transpose(g, inverse(axes))],
    replay: ([a], { axes }, op) => op.transpose(a!, axes),
    words: (attrs, _n, say) => {
      const axes = Array.isArray(attrs.axes) ? say.list(attrs.axes) : null;
      // Quadratic in the axes: an attribute list longer than any shape is not a permutation to invert.
      const permutation = Array.isArray(attrs.axes) && attrs.axes.length <= 64 && attrs.axes.every((axis) => typeof axis === 'number');
      const undo = permutation ? say.list(inverse(attrs.axes as number[])) : 'the inverse permutation';
      return {
        summary: `transpose permutes the axes of a${axes ? ` to ${axes}` : ''}: its gradient is the upstream gradient permuted back by ${undo}`,
        formula: `out = aᵀ${axes ? ` (axes ${axes})` : ''}`, partials: [`∂L/∂a = g with axes permuted by ${undo}`], broadcast: false,
      };
    },
  },
  reshape: {
    api: { np: 'reshape', method: 'reshape' }, inputs: ['a'], flags: LAYOUT,
    // out = a in another shape: ∂a = g in a's shape
    grad: backToInputShape,
    replay: ([a], { shape }, op) => op.reshape(a!, shape),
    words: (attrs, _n, say) => reshapingWords('reshape', `gives a the shape ${say.shape(attrs.shape)}`, `reshaped to ${say.shape(attrs.shape)}`),
  },
  expandDims: {
    api: { np: 'expandDims', method: 'expandDims' }, inputs: ['a'], flags: LAYOUT,
    // out = a with a new axis of length 1: ∂a = g in a's shape
    grad: backToInputShape,
    replay: ([a], { axis }, op) => op.expandDims(a!, axis),
    words: (attrs, _n, say) => reshapingWords('expandDims', `inserts a new axis of length 1${position(attrs.axis, say)}`,
      `with a new axis of length 1${position(attrs.axis, say)}`),
  },
  squeeze: {
    api: { np: 'squeeze', method: 'squeeze' }, inputs: ['a'], flags: LAYOUT,
    // out = a without length-1 axes: ∂a = g in a's shape
    grad: backToInputShape,
    replay: ([a], { axis }, op) => op.squeeze(a!, axis),
    words: (attrs, _n, say) => {
      const axes = Array.isArray(attrs.axis) ? say.axes(attrs.axis) : 'axes';
      return reshapingWords('squeeze', `removes the length-1 ${axes}`, `without its length-1 ${axes}`);
    },
  },
  broadcastTo: {
    api: { np: 'broadcastTo', method: 'broadcastTo' }, inputs: ['a'], flags: LAYOUT,
    // out = a broadcast: ∂a = g summed over the broadcast axes
    grad: (g, { inputs: [a] }, op) => [op.sumToShape(g, a!.shape)],
    replay: ([a], { shape }, op) => op.broadcastTo(a!, shape),
    words: (attrs, _n, say) => {
      const shape = say.shape(attrs.shape);
      return {
        summary: `broadcastTo repeats a to the shape ${shape}: its gradient is the upstream gradient summed over the repeated axes`,
        formula: `out = a broadcast to ${shape}`, partials: ['∂L/∂a = Σ g over the broadcast axes'], broadcast: true,
      };
    },
  },
  concatenate: {
    api: { np: 'concatenate' }, inputs: 'list', flags: LAYOUT,
    // out = [a₀ | a₁ | …] along axis: ∂aᵢ = the slice of g where aᵢ landed
    grad: (g, { inputs, needsGrad, attrs: { axis } }, op) => {
      let offset = 0;
      return inputs.map((input, i) => {
        const size = input.shape[axis]!;
        const start = offset;
        offset += size;
        return needsGrad[i] ? op.take(g, Array.from({ length: size }, (_, t) => start + t), axis) : null;
      });
    },
    replay: (inputs, { axis }, op) => op.concatenate(inputs, axis),
    words: (attrs, inputCount, say) => {
      const axis = say.axis(attrs.axis);
      const names = Array.from({ length: inputCount }, (_, i) => say.listInput(i));
      return {
        summary: `concatenate joins ${inputCount} inputs along ${axis}: each input's gradient is the slice of the upstream gradient where that input landed`,
        formula: `out = [${names.join(' | ')}] along ${axis}`, partials: names.map((name) => `∂L/∂${name} = the slice of g where ${name} landed`),
        broadcast: false,
      };
    },
  },
  stack: {
    api: { np: 'stack' }, inputs: 'list', flags: LAYOUT,
    // out = stack(aᵢ) along a new axis: ∂aᵢ = g at index i of that axis
    grad: (g, { inputs, needsGrad, attrs: { axis } }, op) => inputs.map((_, i) => (needsGrad[i] ? op.take(g, i, axis) : null)),
    replay: (inputs, { axis }, op) => op.stack(inputs, axis),
    words: (attrs, inputCount, say) => {
      const axis = typeof attrs.axis === 'number' ? `axis ${say.num(attrs.axis)}` : 'axis';
      const names = Array.from({ length: inputCount }, (_, i) => say.listInput(i));
      return {
        summary: `stack stacks ${inputCount} inputs along a new ${axis}: input i's gradient is the upstream gradient at index i of that axis`,
        formula: `out = stack(${names.join(', ')}) along a new ${axis}`, partials: names.map((name, i) => `∂L/∂${name} = g at index ${i} of the new ${axis}`),
        broadcast: false,
      };
    },
  },
  at: {
    api: { method: 'at' }, inputs: ['a'], flags: LAYOUT,
    // out = a[i]: ∂a = g placed at index i, zeros elsewhere
    grad: (g, { inputs: [a], attrs: { index } }, op) => [op.takeGrad(g, op.scalarArray(index, 'int32'), 0, a!.shape)],
    replay: ([a], { index }, op) => op.at(a!, index),
    words: (attrs, _n, say) => {
      const index = say.num(attrs.index ?? 'i');
      return {
        summary: `at reads a[${index}] (index ${index} of the first axis): its gradient is the upstream gradient placed at index ${index}, zeros elsewhere`,
        formula: `out = a[${index}]`, partials: [`∂L/∂a = g at index ${index}, 0 elsewhere`], broadcast: false,
      };
    },
  },
  take: {
    api: { np: 'take', method: 'take' }, inputs: ['a', 'indices'], flags: LAYOUT,
    // out = take(a, idx, axis): ∂a = g scatter-added at idx; the indices have none
    grad: (g, { inputs: [a, indices], attrs: { axis }, needsGrad }, op) => [op.takeGrad(g, indices!, axis, a!.shape), indexGrad(indices!, needsGrad[1]!, op)],
    replay: ([a, indices], { axis }, op) => op.take(a!, indices!, axis),
    words: (attrs, _n, say) => {
      const axis = say.along(attrs.axis);
      return {
        summary: `take gathers the elements of a at the given indices ${axis}: its gradient scatter-adds the upstream gradient back at those indices (repeated indices add up)`,
        formula: `out = take(a, indices) ${axis}`, partials: ['∂L/∂a = g scatter-added at the indices', 'indices: no gradient'], broadcast: false,
      };
    },
  },
  takeGrad: {
    api: { gradientOf: 'take' }, inputs: ['g', 'indices'], flags: LAYOUT,
    // out = scatter-add of g: ∂g = take of the upstream at the same indices
    grad: (h, { inputs: [, indices], attrs: { axis }, needsGrad }, op) => [op.take(h, indices!, axis), indexGrad(indices!, needsGrad[1]!, op)],
    replay: ([g, indices], { axis, shape }, op) => op.takeGrad(g!, indices!, axis, shape),
    words: (attrs, _n, say) => {
      const axis = say.along(attrs.axis);
      const shape = say.shape(attrs.shape);
      return {
        summary: `takeGrad is the gradient of take and at as an op of its own (seen when differentiating twice): it scatter-adds g into zeros of shape ${shape} at the indices ${axis}; its own gradient takes the upstream gradient back at those indices`,
        formula: `out = zeros of shape ${shape} with g scatter-added at the indices ${axis}`,
        partials: ['∂L/∂g = the upstream gradient taken at the indices', 'indices: no gradient'], broadcast: false,
      };
    },
  },
  takeAlongAxis: {
    api: { np: 'takeAlongAxis' }, inputs: ['a', 'indices'], flags: LAYOUT,
    // out = take_along_axis(a, idx): ∂a = g scatter-added along the axis
    grad: (g, { inputs: [a, indices], attrs: { axis }, needsGrad }, op) => [op.takeAlongAxisGrad(g, indices!, axis, a!.shape[axis]!), indexGrad(indices!, needsGrad[1]!, op)],
    replay: ([a, indices], { axis }, op) => op.takeAlongAxis(a!, indices!, axis),
    words: (attrs, _n, say) => {
      const axis = say.axis(attrs.axis);
      return {
        summary: `takeAlongAxis picks elements of a along ${axis} at the given indices: its gradient scatter-adds the upstream gradient back along ${axis} (repeated indices add up)`,
        formula: `out = takeAlongAxis(a, indices, ${axis})`, partials: [`∂L/∂a = g scatter-added along ${axis} at the indices`, 'indices: no gradient'],
        broadcast: false,
      };
    },
  },
  takeAlongAxisGrad: {
    api: { gradientOf: 'takeAlongAxis' }, inputs: ['g', 'indices'], flags: LAYOUT,
    // out = scatter-add of g along the axis: ∂g = takeAlongAxis of the upstream at the same indices
    grad: (h, { inputs: [, indices], attrs: { axis }, needsGrad }, op) => [op.takeAlongAxis(h, indices!, axis), indexGrad(indices!, needsGrad[1]!, op)],
    replay: ([g, indices], { axis, size }, op) => op.takeAlongAxisGrad(g!, indices!, axis, size),
    words: (attrs, _n, say) => {
      const axis = say.axis(attrs.axis);
      const size = say.num(attrs.size ?? 'n');
      return {
        summary: `takeAlongAxisGrad is the gradient of takeAlongAxis and sort as an op of its own (seen when differentiating twice): it scatter-adds g along ${axis} into zeros of length ${size}; its own gradient takes the upstream gradient along ${axis} at the indices`,
        formula: `out = zeros of length ${size} along ${axis} with g scatter-added at the indices`,
        partials: [`∂L/∂g = the upstream gradient taken along ${axis} at the indices`, 'indices: no gradient'], broadcast: false,
      };
    },
  },
  sort: {
    api: { np: 'sort', method: 'sort' }, inputs: ['a'], flags: LAYOUT,
    // out = sort(a): ∂a = g routed back through the sorting permutation (saved by the op)
    grad: (g, { inputs: [a], saved: [permutation], attrs: { axis } }, op) => [op.takeAlongAxisGrad(g, permutation!, axis, a!.shape[axis]!)],
    replay: ([a], { axis }, op) => op.sort(a!, axis),
    words: (attrs, _n, say) => {
      const axis = say.axis(attrs.axis);
      return {
        summary: `sort sorts a along ${axis}: each element's gradient is the upstream gradient at the place it was sorted to`,
        formula: `out = sort(a) along ${axis}`, partials: ['∂L/∂a = g routed back through the sorting permutation'], broadcast: false,
      };
    },
  },
  copy: {
    api: { np: 'copy', method: 'copy' }, inputs: ['a'], flags: { elementwise: true, differentiable: true },
    // out = copy of a: ∂a = g
    grad: (g) => [g],
    replay: ([a], _attrs, op) => op.copy(a!),
    words: () => ({ summary: 'copy copies a: its gradient is the upstream gradient unchanged', formula: 'out = a', partials: ['∂out/∂a = 1'], broadcast: false }),
  },
  astype: {
    api: { method: 'astype' }, inputs: ['a'], flags: { elementwise: true, differentiable: true },
    // out = a cast: ∂a = g cast back to a's dtype (none for an integer or bool a)
    grad: (g, { inputs: [a] }, op) => [op.isFloat(a!.dtype) ? op.astype(g, a!.dtype) : null],
    replay: ([a], { dtype }, op) => op.astype(a!, dtype),
    words: (attrs) => {
      const dtype = typeof attrs.dtype === 'string' ? attrs.dtype : 'another dtype';
      return {
        summary: `astype converts a to ${dtype}: its gradient is the upstream gradient converted back to a's dtype (none when a is an integer or bool array)`,
        formula: `out = a as ${dtype}`, partials: ["∂L/∂a = g as a's dtype (no gradient for an integer or bool a)"], broadcast: false,
      };
    },
  },
  pad: {
    api: { np: 'pad' }, inputs: ['a'], flags: LAYOUT,
    // out = a padded: ∂a = g cropped, each padded copy's gradient added to the element it copied
    grad: (g, { inputs: [a], attrs: { padWidth, mode } }, op) => [op.padGrad(g, padWidth, mode, a!.shape)],
    replay: ([a], { padWidth, mode, constantValue }, op) => op.pad(a!, padWidth, mode, constantValue),
    words: (attrs, _n, say) => {
      const widths = say.list(attrs.padWidth ?? 'the given widths');
      const mode = typeof attrs.mode === 'string' ? attrs.mode : 'constant';
      const copies = mode === 'constant' ? 'the constant gets no gradient' : 'each padded copy adds its gradient to the element it copied';
      return {
        summary: `pad pads a by ${widths} ([before, after] per axis) with ${padding(attrs.mode, attrs.constantValue, say)}: its gradient is the upstream gradient cropped back to a's shape (${copies})`,
        formula: `out = pad(a, ${widths}, '${mode}')`, partials: [`∂L/∂a = g cropped to a's shape${mode === 'constant' ? '' : ', plus the gradients of the padded copies'}`],
        broadcast: false,
      };
    },
  },
  padGrad: {
    api: { gradientOf: 'pad' }, inputs: ['g'], flags: LAYOUT,
    // out = g summed back into the input's shape (linear): ∂g = the upstream padded the same way, with zeros for a constant
    grad: (h, { attrs: { padWidth, mode } }, op) => [op.pad(h, padWidth, mode, 0)],
    replay: ([g], { padWidth, mode, shape }, op) => op.padGrad(g!, padWidth, mode, shape),
    words: (attrs, _n, say) => {
      const shape = say.shape(attrs.shape);
      return {
        summary: `padGrad is the gradient of pad as an op of its own (seen when differentiating twice): it crops g to the shape ${shape}, adding the gradients of padded copies to the elements they copied; its own gradient pads the upstream gradient the same way (zeros for a constant)`,
        formula: `out = g cropped to ${shape}, padded copies added back`, partials: [`∂L/∂g = the upstream gradient padded by ${say.list(attrs.padWidth ?? 'the same widths')}`],
        broadcast: false,
      };
    },
  },
  repeat: {
    api: { np: 'repeat', method: 'repeat' }, inputs: ['a'], flags: LAYOUT,
    // out = each element of a repeated: ∂a = g summed over the repeats (scatter-added at the saved positions)
    grad: (g, { inputs: [a], saved: [positions], attrs: { axis } }, op) => [op.takeGrad(g, positions!, axis, a!.shape)],
    replay: ([a], { repeats, axis }, op) => op.repeat(a!, repeats, axis),
    words: (attrs, _n, say) => {
      const times = typeof attrs.repeats === 'number' ? `${say.num(attrs.repeats)} times` : 'as often as repeats says';
      const elements = attrs.axis === null ? 'of a, flattened,' : `of a ${say.along(attrs.axis)}`;
      return {
        summary: `repeat repeats each element ${elements} ${times}: each element's gradient is the sum of the upstream gradient over its copies`,
        formula: `out = repeat(a, ${say.list(attrs.repeats ?? 'repeats')}) ${say.along(attrs.axis)}`, partials: ['∂L/∂a = g summed over the copies of each element'],
        broadcast: false,
      };
    },
  },
  tile: {
    api: { np: 'tile', method: 'tile' }, inputs: ['a'], flags: LAYOUT,
    // out = a tiled reps times: ∂a = g summed over the tiles (g as [r₀, d₀, r₁, d₁, …] summed over the r axes)
    grad: (g, { inputs: [a], attrs: { reps } }, op) => {
      const dims = [...Array<number>(reps.length - a!.ndim).fill(1), ...a!.shape];
      const tiles = op.reshape(g, reps.flatMap((times, axis) => [times, dims[axis]!]));
      return [op.reshape(op.sum(tiles, reps.map((_, axis) => 2 * axis)), a!.shape)];
    },
    replay: ([a], { reps }, op) => op.tile(a!, reps),
    words: (attrs, _n, say) => {
      const reps = say.list(attrs.reps ?? 'reps');
      return {
        summary: `tile repeats the whole of a ${reps} times along its axes: its gradient is the upstream gradient summed over the tiles`,
        formula: `out = tile(a, ${reps})`, partials: ['∂L/∂a = Σ g over the tiles'], broadcast: false,
      };
    },
  },
  split: {
    api: { np: 'split' }, inputs: ['a'], flags: LAYOUT,
    // out = a[begin:end] along axis (one piece of np.split): ∂a = g in that place, zeros elsewhere
    grad: (g, { inputs: [a], attrs: { axis, begin, end } }, op) => [op.pad(g, placeOf(a!.shape, axis, begin, end), 'constant', 0)],
    replay: ([a], { axis, begin, end }, op) => op.splitPiece(a!, axis, begin, end),
    words: (attrs, _n, say) => {
      const range = `${say.num(attrs.begin ?? 'begin')}:${say.num(attrs.end ?? 'end')}`;
      return {
        summary: `split takes the piece [${range}] of a along ${say.axis(attrs.axis)} (one of the pieces np.split returns): its gradient is the upstream gradient put back in that place, zeros elsewhere`,
        formula: `out = a[${range}] along ${say.axis(attrs.axis)}`, partials: [`∂L/∂a = g at [${range}], 0 elsewhere`], broadcast: false,
      };
    },
  },
  flip: {
    api: { np: 'flip', method: 'flip' }, inputs: ['a'], flags: LAYOUT,
    // out = a reversed along axes: ∂a = g reversed along them
    grad: (g, { attrs: { axis } }, op) => [op.flip(g, axis)],
    replay: ([a], { axis }, op) => op.flip(a!, axis),
    words: (attrs, _n, say) => {
      const axes = say.axes(attrs.axis);
      return {
        summary: `flip reverses the order of the elements over ${axes}: its gradient is the upstream gradient reversed the same way`,
        formula: `out = a reversed over ${axes}`, partials: [`∂L/∂a = g reversed over ${axes}`], broadcast: false,
      };
    },
  },
};
