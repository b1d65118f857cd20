/**
 * The local derivative rule of every engine op, in words and in symbols, for the step panel: the
 * words of each op's definition (engine/ops/defs/*.ts), which writes attribute values with the
 * text helpers here (`SAY`). Notation: the op's inputs are a, b (a₀, a₁, … for lists),
 * its result is out (y for softmax and batchNorm), and g = ∂L/∂out is the upstream gradient.
 * Elementwise rules are written as local derivatives (∂out/∂a = b); rules that are better read as
 * what reaches the input (reductions, products, shape ops) are written ∂L/∂a = … in terms of g.
 * Pure: no DOM, and of the engine only the op definitions' words, which import no engine code
 * (the engine's op list is checked against RULE_OPS by the tests).
 */
import { UNARY_OPS } from '../../engine/ops/defs/unary';
import { NN_OPS } from '../../engine/ops/defs/nn';
import { INDEXING_OPS } from '../../engine/ops/defs/indexing';
import { ELEMENTWISE_OPS } from '../../engine/ops/defs/elementwise';
import { REDUCE_OPS } from '../../engine/ops/defs/reduce';
import { LINALG_OPS } from '../../engine/ops/defs/linalg';
import { LAYOUT_OPS } from '../../engine/ops/defs/layout';
import { CONV_OPS } from '../../engine/ops/defs/conv';
import { MATH_OPS } from '../../engine/ops/defs/math';
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
  ...unaryRules(),
  ...definedRules(NN_OPS),
  ...definedRules(INDEXING_OPS),
  ...definedRules(ELEMENTWISE_OPS),
  ...definedRules(REDUCE_OPS),
  ...definedRules(LINALG_OPS),
  ...definedRules(LAYOUT_OPS),
  ...definedRules(CONV_OPS),
  ...definedRules(MATH_OPS),
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

/**
 * The chain rule for one input, as the step panel and the step announcement write it: a local
 * derivative (`∂out/∂a = b`) is multiplied by the upstream gradient; a rule already written for
 * the upstream gradient g (`∂L/∂a = g · bᵀ`) is shown as is.
 */
export function chainText(partial: string): string {
  const local = /^∂out\/∂\S+\s*=\s*(.+)$/.exec(partial);
  if (local) return `∂L/∂in = ∂L/∂out · ${local[1]}`;
  const direct = /^∂L\/∂\S+\s*=\s*(.+)$/.exec(partial);
  if (direct) return `∂L/∂in = ${direct[1]}   (g = ∂L/∂out)`;
  return partial || '∂L/∂in';
}
