/**
 * The local derivative rule of every engine op, in words and in symbols, for the step panel.
 * The math follows engine/gradRules.ts. Notation: the op's inputs are a, b (a₀, a₁, … for lists),
 * its result is out (y for softmax and batchNorm), and g = ∂L/∂out is the upstream gradient.
 * Elementwise rules are written as local derivatives (∂out/∂a = b); rules that are better read as
 * what reaches the input (reductions, products, shape ops) are written ∂L/∂a = … in terms of g.
 * Pure: no DOM, and of the engine only the op definitions' words, which import no engine code
 * (the engine's op list is checked against RULE_OPS by the tests).
 */
import { UNARY_OPS } from '../../engine/ops/defs/unary';
import { NN_OPS } from '../../engine/ops/defs/nn';
import { INDEXING_OPS } from '../../engine/ops/defs/indexing';
import { CONV_OPS } from '../../engine/ops/defs/conv';
import type { OpDefinitions, OpWords, Say } from '../../engine/ops/defs/types';
import { formatShape } from '../../protocol/query/format';

/**
 * One sentence in words (what the op does and what its inputs' gradients are), the forward
 * computation ("out = a · b"), one partial per input ("∂out/∂a = b"; inputs that get no gradient
 * say so) and whether the gradients are summed over broadcast axes.
 */
export type LocalRule = OpWords;

type Attrs = Record<string, unknown>;
type RuleBuilder = (attrs: Attrs, inputCount: number) => LocalRule;

function rule(summary: string, formula: string, partials: string[], broadcast = false): LocalRule {
  return { summary, formula, partials, broadcast };
}

/** A rule that reads no attributes. */
function fixed(summary: string, formula: string, partials: string[], broadcast = false): RuleBuilder {
  return () => rule(summary, formula, [...partials], broadcast);
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** a₀, a₁, …, a₁₂: the name of input i of a list op (concatenate, stack). */
function listInput(i: number): string {
  return `a${String(i).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]!)}`;
}

/** A number as the rule texts show it: at most 4 significant digits; anything else as JSON writes it. */
function num(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
  if (typeof value === 'string') return value;
  // Never String(object): an attribute {"toString": 1} from a trace would throw.
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(…)';
  }
}

/** [1, 2] → "[1, 2]"; anything else as written. */
function bracket(value: unknown): string {
  return Array.isArray(value) ? `[${value.map(num).join(', ')}]` : num(value);
}

/** A shape attribute as the graph labels print shapes: (2, 3), (4,), or scalar; (…) when it is no list. */
function shapeText(value: unknown): string {
  return Array.isArray(value) ? formatShape(value, dimension) : '(…)';
}

/** A dimension exactly (12345, not num's 1.235e4); anything else a trace holds as num writes it. */
function dimension(value: unknown): string {
  return Number.isSafeInteger(value) ? String(value) : num(value);
}

/** Reduction axes as recorded (normalised lists): "axis [1]", "axes [0, 1]"; all axes when missing. */
function reducedAxes(axis: unknown): string {
  if (Array.isArray(axis)) return axis.length === 1 ? `axis ${bracket(axis)}` : `axes ${bracket(axis)}`;
  return typeof axis === 'number' ? `axis [${num(axis)}]` : 'all axes';
}

/** A single axis attribute: "axis 1"; `null` (argmax, take) reads the array flattened. */
function oneAxis(axis: unknown): string {
  return typeof axis === 'number' ? `axis ${num(axis)}` : axis === null ? 'the flattened array' : 'its axis';
}

/** "along axis 1", or "of the flattened array" for `axis: null`. */
function along(axis: unknown): string {
  return typeof axis === 'number' ? `along axis ${num(axis)}` : axis === null ? 'of the flattened array' : 'along its axis';
}

// ---- Elementwise, two operands ----

function extremum(op: 'maximum' | 'minimum'): RuleBuilder {
  const [word, aWins, bWins] = op === 'maximum' ? ['larger', 'a ≥ b', 'a < b'] : ['smaller', 'a ≤ b', 'a > b'];
  return fixed(
    `${op} takes the ${word} of a and b elementwise: the upstream gradient goes to whichever input was ${word} (to a on ties)`,
    `out = ${op === 'maximum' ? 'max' : 'min'}(a, b)`,
    [`∂out/∂a = 1 where ${aWins}, else 0`, `∂out/∂b = 1 where ${bWins}, else 0`], true);
}

function comparison(op: string, symbol: string): RuleBuilder {
  return fixed(
    `${op} compares a ${symbol} b elementwise and returns booleans: not differentiable: no gradient flows through it`,
    `out = (a ${symbol} b)`, ['a: no gradient', 'b: no gradient']);
}

// ---- Elementwise, one operand ----

function clip(attrs: Attrs): LocalRule {
  const lo = typeof attrs['min'] === 'number' ? num(attrs['min']) : null;
  const hi = typeof attrs['max'] === 'number' ? num(attrs['max']) : null;
  const inside = lo !== null && hi !== null ? `${lo} ≤ a ≤ ${hi}` : lo !== null ? `a ≥ ${lo}` : hi !== null ? `a ≤ ${hi}` : null;
  return rule(
    `clip limits a to [${lo ?? '−∞'}, ${hi ?? '∞'}]: the upstream gradient passes where a is inside the bounds and is zero where a was clipped`,
    `out = clip(a, ${lo ?? '−∞'}, ${hi ?? '∞'})`,
    [inside ? `∂out/∂a = 1 where ${inside}, else 0` : '∂out/∂a = 1']);
}

// ---- Reductions ----

function sum(attrs: Attrs): LocalRule {
  const axes = reducedAxes(attrs['axis']);
  return rule(
    `sum sums over ${axes}: every summed element receives the upstream gradient unchanged (g broadcast back over ${axes})`,
    `out = Σ a over ${axes}`, [`∂out/∂a = 1 (g broadcast back over ${axes})`]);
}

function mean(attrs: Attrs): LocalRule {
  const axes = reducedAxes(attrs['axis']);
  return rule(
    `mean averages over ${axes}: every averaged element receives the upstream gradient divided by n, the number of elements averaged`,
    `out = (1/n) Σ a over ${axes}`, [`∂out/∂a = 1/n (g broadcast back over ${axes}), n = the number of elements averaged`]);
}

function extremeReduction(op: 'max' | 'min'): RuleBuilder {
  const word = op === 'max' ? 'largest' : 'smallest';
  const name = op === 'max' ? 'maximum' : 'minimum';
  return (attrs) => {
    const axes = reducedAxes(attrs['axis']);
    return rule(
      `${op} takes the ${word} element over ${axes}: the upstream gradient goes to the ${name}, shared equally among ties`,
      `out = ${op} a over ${axes}`, [`∂out/∂a = 1/k at the k elements equal to the ${name}, else 0`]);
  };
}

function argReduction(op: 'argmax' | 'argmin'): RuleBuilder {
  const word = op === 'argmax' ? 'largest' : 'smallest';
  return (attrs) => rule(
    `${op} returns the index of the ${word} element ${along(attrs['axis'])}: not differentiable: no gradient flows through it`,
    `out = ${op} a ${along(attrs['axis'])}`,
    ['a: no gradient']);
}

// ---- Shape and indexing ----

/** The permutation that undoes `axes` (the transpose of g that puts it back in a's order). */
function inversePermutation(axes: unknown): unknown {
  // Quadratic in the axes: an attribute list longer than any shape is not a permutation to invert.
  if (!Array.isArray(axes) || axes.length > 64 || !axes.every((axis) => typeof axis === 'number')) return 'the inverse permutation';
  return axes.map((_, i) => axes.indexOf(i));
}

function transpose(attrs: Attrs): LocalRule {
  const axes = Array.isArray(attrs['axes']) ? bracket(attrs['axes']) : null;
  const inverse = bracket(inversePermutation(attrs['axes']));
  return rule(
    `transpose permutes the axes of a${axes ? ` to ${axes}` : ''}: its gradient is the upstream gradient permuted back by ${inverse}`,
    `out = aᵀ${axes ? ` (axes ${axes})` : ''}`, [`∂L/∂a = g with axes permuted by ${inverse}`]);
}

/** reshape, expandDims, squeeze: the elements stay, only the shape changes. */
function reshaping(op: string, does: (attrs: Attrs) => string, result: (attrs: Attrs) => string): RuleBuilder {
  return (attrs) => rule(
    `${op} ${does(attrs)} without changing the elements: its gradient is the upstream gradient reshaped back to a's shape`,
    `out = a ${result(attrs)}`, ["∂L/∂a = g reshaped to a's shape"]);
}

/** " at position 0" for expandDims, nothing when the attribute is missing. */
function position(axis: unknown): string {
  return typeof axis === 'number' ? ` at position ${num(axis)}` : '';
}

/** squeeze's axes: "axis [0]", "axes [0, 2]", or just "axes" when missing. */
function squeezed(axis: unknown): string {
  return Array.isArray(axis) ? reducedAxes(axis) : 'axes';
}

function broadcastTo(attrs: Attrs): LocalRule {
  const shape = shapeText(attrs['shape']);
  return rule(
    `broadcastTo repeats a to the shape ${shape}: its gradient is the upstream gradient summed over the repeated axes`,
    `out = a broadcast to ${shape}`, ['∂L/∂a = Σ g over the broadcast axes'], true);
}

function concatenate(attrs: Attrs, inputCount: number): LocalRule {
  const axis = oneAxis(attrs['axis']);
  const names = Array.from({ length: inputCount }, (_, i) => listInput(i));
  return rule(
    `concatenate joins ${inputCount} inputs along ${axis}: each input's gradient is the slice of the upstream gradient where that input landed`,
    `out = [${names.join(' | ')}] along ${axis}`, names.map((name) => `∂L/∂${name} = the slice of g where ${name} landed`));
}

function stack(attrs: Attrs, inputCount: number): LocalRule {
  const axis = typeof attrs['axis'] === 'number' ? `axis ${num(attrs['axis'])}` : 'axis';
  const names = Array.from({ length: inputCount }, (_, i) => listInput(i));
  return rule(
    `stack stacks ${inputCount} inputs along a new ${axis}: input i's gradient is the upstream gradient at index i of that axis`,
    `out = stack(${names.join(', ')}) along a new ${axis}`, names.map((name, i) => `∂L/∂${name} = g at index ${i} of the new ${axis}`));
}

function at(attrs: Attrs): LocalRule {
  const index = num(attrs['index'] ?? 'i');
  return rule(
    `at reads a[${index}] (index ${index} of the first axis): its gradient is the upstream gradient placed at index ${index}, zeros elsewhere`,
    `out = a[${index}]`, [`∂L/∂a = g at index ${index}, 0 elsewhere`]);
}

function take(attrs: Attrs): LocalRule {
  const axis = along(attrs['axis']);
  return rule(
    `take gathers the elements of a at the given indices ${axis}: its gradient scatter-adds the upstream gradient back at those indices (repeated indices add up)`,
    `out = take(a, indices) ${axis}`, ['∂L/∂a = g scatter-added at the indices', 'indices: no gradient']);
}

function takeGrad(attrs: Attrs): LocalRule {
  const axis = along(attrs['axis']);
  const shape = shapeText(attrs['shape']);
  return rule(
    `takeGrad is the gradient of take and at as an op of its own (seen when differentiating twice): it scatter-adds g into zeros of shape ${shape} at the indices ${axis}; its own gradient takes the upstream gradient back at those indices`,
    `out = zeros of shape ${shape} with g scatter-added at the indices ${axis}`,
    ['∂L/∂g = the upstream gradient taken at the indices', 'indices: no gradient']);
}

function takeAlongAxis(attrs: Attrs): LocalRule {
  const axis = oneAxis(attrs['axis']);
  return rule(
    `takeAlongAxis picks elements of a along ${axis} at the given indices: its gradient scatter-adds the upstream gradient back along ${axis} (repeated indices add up)`,
    `out = takeAlongAxis(a, indices, ${axis})`, [`∂L/∂a = g scatter-added along ${axis} at the indices`, 'indices: no gradient']);
}

function takeAlongAxisGrad(attrs: Attrs): LocalRule {
  const axis = oneAxis(attrs['axis']);
  const size = num(attrs['size'] ?? 'n');
  return rule(
    `takeAlongAxisGrad is the gradient of takeAlongAxis and sort as an op of its own (seen when differentiating twice): it scatter-adds g along ${axis} into zeros of length ${size}; its own gradient takes the upstream gradient along ${axis} at the indices`,
    `out = zeros of length ${size} along ${axis} with g scatter-added at the indices`,
    [`∂L/∂g = the upstream gradient taken along ${axis} at the indices`, 'indices: no gradient']);
}

function sort(attrs: Attrs): LocalRule {
  const axis = oneAxis(attrs['axis']);
  return rule(
    `sort sorts a along ${axis}: each element's gradient is the upstream gradient at the place it was sorted to`,
    `out = sort(a) along ${axis}`, ['∂L/∂a = g routed back through the sorting permutation']);
}

function astype(attrs: Attrs): LocalRule {
  const dtype = typeof attrs['dtype'] === 'string' ? attrs['dtype'] : 'another dtype';
  return rule(
    `astype converts a to ${dtype}: its gradient is the upstream gradient converted back to a's dtype (none when a is int32 or bool)`,
    `out = a as ${dtype}`, ["∂L/∂a = g as a's dtype (no gradient for an int32 or bool a)"]);
}

/** How the definitions' words write attribute values (engine/ops/defs/types.ts). */
const SAY: Say = { num, list: bracket, shape: shapeText, axis: oneAxis, axes: reducedAxes, along, listInput };

/** A family's rules, in the words of its definitions (engine/ops/defs/*.ts). */
function definedRules<Family>(defs: OpDefinitions<Family>): Record<string, RuleBuilder> {
  return Object.fromEntries(Object.entries<OpDefinitions<Family>[keyof Family]>(defs as never).map(([name, definition]) =>
    [name, (attrs: Attrs, inputCount: number) => definition.words(attrs as never, inputCount, SAY)]));
}

/** The unary ops' rules, in the words of their definitions (engine/ops/defs/unary.ts: plain data beside the engine's). */
function unaryRules(): Record<string, RuleBuilder> {
  return Object.fromEntries(Object.entries(UNARY_OPS).map(([name, { words }]) => [name, fixed(words.summary, words.formula, [words.partial])]));
}

const RULES: Readonly<Record<string, RuleBuilder>> = {
  add: fixed(
    "add adds elementwise: each input's gradient is the upstream gradient",
    'out = a + b', ['∂out/∂a = 1', '∂out/∂b = 1'], true),
  sub: fixed(
    "sub subtracts elementwise: a's gradient is the upstream gradient, b's is its negation",
    'out = a − b', ['∂out/∂a = 1', '∂out/∂b = −1'], true),
  mul: fixed(
    "mul multiplies elementwise: each input's gradient is the upstream gradient times the other input",
    'out = a · b', ['∂out/∂a = b', '∂out/∂b = a'], true),
  div: fixed(
    "div divides elementwise: a's gradient is the upstream gradient divided by b, b's is minus the upstream gradient times a/b²",
    'out = a / b', ['∂out/∂a = 1/b', '∂out/∂b = −a/b²'], true),
  pow: fixed(
    "pow raises a to the power b elementwise: a's gradient is the upstream gradient times b · aᵇ⁻¹, b's is the upstream gradient times aᵇ · ln a",
    'out = aᵇ', ['∂out/∂a = b · aᵇ⁻¹', '∂out/∂b = aᵇ · ln a'], true),
  maximum: extremum('maximum'),
  minimum: extremum('minimum'),
  ...unaryRules(),
  where: fixed(
    'where picks a where the condition holds and b elsewhere: each picked input gets the upstream gradient where it was picked, the condition gets none',
    'out = condition ? a : b',
    ['condition: no gradient', '∂out/∂a = 1 where condition, else 0', '∂out/∂b = 0 where condition, else 1'], true),
  tanhGrad: fixed(
    "tanhGrad is the gradient of tanh as an op of its own (seen when differentiating twice): it scales an upstream gradient g by 1 − y², y being tanh's output",
    'out = g · (1 − y²)',
    ['∂out/∂g = 1 − y²', '∂out/∂y = −2 · g · y'], true),
  sigmoidGrad: fixed(
    "sigmoidGrad is the gradient of sigmoid as an op of its own (seen when differentiating twice): it scales an upstream gradient g by y · (1 − y), y being sigmoid's output",
    'out = g · y · (1 − y)',
    ['∂out/∂g = y · (1 − y)', '∂out/∂y = g · (1 − 2y)'], true),
  reluGrad: fixed(
    'reluGrad is the gradient of relu as an op of its own (seen when differentiating twice): it passes an upstream gradient g where x > 0; x gets a zero gradient',
    'out = g where x > 0, else 0',
    ['∂out/∂g = 1 where x > 0, else 0', '∂out/∂x = 0'], true),
  equal: comparison('equal', '='),
  notEqual: comparison('notEqual', '≠'),
  less: comparison('less', '<'),
  greater: comparison('greater', '>'),
  lessEqual: comparison('lessEqual', '≤'),
  greaterEqual: comparison('greaterEqual', '≥'),
  clip,
  sum,
  mean,
  max: extremeReduction('max'),
  min: extremeReduction('min'),
  argmax: argReduction('argmax'),
  argmin: argReduction('argmin'),
  dot: fixed(
    "dot is NumPy's dot product (an inner product of two vectors, a matrix product otherwise): a's gradient is the upstream gradient times bᵀ, b's is aᵀ times the upstream gradient",
    'out = dot(a, b)',
    ['∂L/∂a = g · bᵀ', '∂L/∂b = aᵀ · g']),
  matmul: fixed(
    "matmul multiplies matrices, batched over the leading axes: a's gradient is the upstream gradient times bᵀ, b's is aᵀ times the upstream gradient (summed over broadcast batches)",
    'out = a @ b',
    ['∂L/∂a = g @ bᵀ', '∂L/∂b = aᵀ @ g'], true),
  transpose,
  reshape: reshaping('reshape', (attrs) => `gives a the shape ${shapeText(attrs['shape'])}`,
    (attrs) => `reshaped to ${shapeText(attrs['shape'])}`),
  expandDims: reshaping('expandDims', (attrs) => `inserts a new axis of length 1${position(attrs['axis'])}`,
    (attrs) => `with a new axis of length 1${position(attrs['axis'])}`),
  squeeze: reshaping('squeeze', (attrs) => `removes the length-1 ${squeezed(attrs['axis'])}`,
    (attrs) => `without its length-1 ${squeezed(attrs['axis'])}`),
  broadcastTo,
  concatenate,
  stack,
  at,
  take,
  takeGrad,
  takeAlongAxis,
  takeAlongAxisGrad,
  sort,
  copy: fixed('copy copies a: its gradient is the upstream gradient unchanged', 'out = a', ['∂out/∂a = 1']),
  astype,
  ...definedRules(NN_OPS),
  ...definedRules(INDEXING_OPS),
  ...definedRules(CONV_OPS),
};

/** Every op name with a specific rule: the engine's op list (the tests compare it with the gradient table). */
export const RULE_OPS: readonly string[] = Object.freeze(Object.keys(RULES));

/** A leaf: made by a creation function, a JavaScript number ('constant'), or an op run outside record. */
function leafRule(op: string): LocalRule {
  const what = op === 'constant' ? 'a leaf (a JavaScript number turned into an array)'
    : Object.hasOwn(RULES, op) ? `a leaf (${op} ran outside record, so what it was computed from was not recorded)`
    : `a leaf made by ${op}`;
  return rule(`${what}: its gradient is the sum of what reaches it`, `leaf: ${op}`, []);
}

function unknownRule(op: string, inputCount: number): LocalRule {
  return rule(`unknown op '${op}': GradLens has no description of its gradient rule`, `out = ${op}(…)`,
    Array.from({ length: inputCount }, (_, i) => `input ${i}: unknown rule`));
}

/** Exactly one partial per input: a rule written for the usual arity is cut or padded to the actual one. */
function fitPartials(partials: string[], inputCount: number): string[] {
  return Array.from({ length: inputCount }, (_, i) => partials[i] ?? `input ${i}: no rule for this input`);
}

/**
 * The local rule of a node's op, for the step panel. A node without inputs is a leaf (whatever
 * made it: `arange`, `constant`, or an op run outside record); an op GradLens does not know gets
 * a generic "unknown op" rule. `attrs` are the node's recorded attributes (missing ones are
 * described generically); `partials` has exactly `inputCount` entries.
 */
export function localRule(op: string, attrs: Record<string, unknown>, inputCount: number): LocalRule {
  if (inputCount === 0) return leafRule(op);
  const build = Object.hasOwn(RULES, op) ? RULES[op] : undefined;
  if (!build) return unknownRule(op, inputCount);
  const found = build(attrs ?? {}, inputCount);
  return { ...found, partials: fitPartials(found.partials, inputCount) };
}
