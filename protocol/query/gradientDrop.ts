/**
 * Where a backward pass's gradient shrinks most on its way to a variable, and why: for each step
 * on a path from the head to the variable, the gain of each edge — RMS per element of the gradient
 * sent to the input over that of the gradient that reached the op — and, for the smallest, its
 * cause read from the recorded tensors: an elementwise op whose derivative is exactly 0 at most
 * elements (a relu mostly off), or below 0.01 at most (a saturated sigmoid or tanh); a product whose
 * other operand is small (a small weight); else the op's local derivative. Ops that shrink a
 * gradient by their definition (a mean divides by n, a pick keeps one of k, an index or a slice)
 * are not candidates (opKinds.ts), nor are gradients about to underflow. Pure: the inspector's
 * Training view and side bar, and the extension's Problems, say it.
 */
import { visible } from '../display';
import type { BackwardPass, BackwardStep, Contribution, NodeId, Tensor, Trace, TraceNode } from '../trace';
import { formatNumber, knownValues, sizeOf } from './format';
import { indexTrace } from './indexTrace';
import { nodeNames } from './names';
import { PRODUCT_OPS as PRODUCTS, STRUCTURAL_OPS as STRUCTURAL } from './opKinds';
import type { Series, SeriesPoint } from './training';

/** A name from the trace inside a sentence: short, hidden characters escaped (display.ts). */
const labelText = (text: string, limit: number): string => visible(text, { limit });
/** An elementwise derivative below this is saturated (σ′ < 0.01 where |a| > 4.6; tanh′ where |a| > 3). */
export const SATURATED_BELOW = 0.01;
/** An RMS gradient below this is about to underflow (float32's smallest normal is 1.2e-38). */
const UNDERFLOW = { float32: 1e-30, float64: 1e-290 };
/** A cause is named when it holds for at least this share of the elements. */
const MOSTLY = 0.5;
/** A drop is worth naming when the gradient shrinks at least this much across one op. */
export const NOTABLE_GAIN = 0.1;

export type DropCause =
  /** The derivative is exactly 0 at `share` of the elements read (a relu whose input was ≤ 0 there). */
  | { kind: 'off'; share: number; read: number; of: number }
  /** |derivative| < SATURATED_BELOW at `share` of the elements read; at most `max` anywhere. */
  | { kind: 'saturated'; share: number; max: number; read: number; of: number }
  /** The other operand of a product: its RMS value. */
  | { kind: 'small operand'; other: NodeId; rms: number }
  | { kind: 'local' };

export interface GradientDrop {
  /** The op (a step's node) and the input whose gradient it shrank. */
  node: NodeId;
  input: NodeId;
  /** RMS per element of the gradient sent to the input over that of the gradient that reached the op. */
  gain: number;
  cause: DropCause;
}

const rms = (tensor: Tensor): number | null => {
  const l2 = tensor.stats.l2;
  const size = sizeOf(tensor.shape);
  return l2 === null || size === 0 ? null : l2 / Math.sqrt(size);
};

/** The nodes of the pass from which `target` is reached through the steps (the target itself included). */
function towards(pass: BackwardPass, target: NodeId): Set<NodeId> {
  const reaches = new Set<NodeId>([target]);
  // Steps run from the head down: a node's inputs have their steps later, so read them backwards.
  for (let i = pass.steps.length - 1; i >= 0; i--) {
    const step = pass.steps[i]!;
    if (step.contributions.some((c) => reaches.has(c.input))) reaches.add(step.node);
  }
  return reaches;
}

/** The elementwise derivative at the elements both tensors hold (the same shape: aligned samples). */
function elementwiseCause(upstream: Tensor, sent: Tensor): DropCause | null {
  const up = knownValues(upstream);
  const down = knownValues(sent);
  let read = 0;
  let off = 0;
  let saturated = 0;
  let max = 0;
  for (let i = 0; i < Math.min(up.length, down.length); i++) {
    const u = up[i]!;
    const d = down[i]!;
    if (u === 0 || !Number.isFinite(u) || !Number.isFinite(d)) continue;
    const derivative = Math.abs(d / u);
    read++;
    if (derivative === 0) off++;
    else if (derivative < SATURATED_BELOW) saturated++;
    max = Math.max(max, derivative);
  }
  if (read === 0) return null;
  const of = sizeOf(sent.shape);
  if (off / read >= MOSTLY) return { kind: 'off', share: off / read, read, of };
  if ((off + saturated) / read >= MOSTLY) return { kind: 'saturated', share: (off + saturated) / read, max, read, of };
  return null;
}

interface Edge {
  node: TraceNode;
  step: BackwardStep;
  contribution: Contribution;
  gain: number;
}

const edgesSeen = new WeakMap<BackwardPass, Map<NodeId | undefined, Edge[]>>();

/** The candidate edges of `pass` on its way to `target` (all without one), smallest gain first; remembered per pass and target (the drop and the fade read the same). */
function edges(trace: Trace, pass: BackwardPass, target: NodeId | undefined): Edge[] {
  let known = edgesSeen.get(pass);
  if (!known) edgesSeen.set(pass, known = new Map());
  let found = known.get(target);
  if (!found) known.set(target, found = findEdges(trace, pass, target));
  return found;
}

function findEdges(trace: Trace, pass: BackwardPass, target: NodeId | undefined): Edge[] {
  const nodes = indexTrace(trace).nodes;
  const onPath = target === undefined ? null : towards(pass, target);
  const found: Edge[] = [];
  for (const step of pass.steps) {
    if (onPath && !onPath.has(step.node)) continue;
    const node = nodes.get(step.node);
    if (!node || STRUCTURAL.has(node.op)) continue;
    const upstream = rms(step.upstream);
    // A gradient at the edge of underflow rounds to 0 at the next op, whatever it computes: the
    // shrinking happened before (the fade that brought it there is what to name).
    if (upstream === null || upstream < UNDERFLOW[step.upstream.dtype === 'float64' ? 'float64' : 'float32']) continue;
    for (const contribution of step.contributions) {
      if (onPath && !onPath.has(contribution.input)) continue;
      const sent = rms(contribution.grad);
      if (sent !== null) found.push({ node, step, contribution, gain: sent / upstream });
    }
  }
  return found.sort((a, b) => a.gain - b.gain);
}

/** Why an edge's gradient shrank, from the recorded tensors. */
function causeOf(trace: Trace, { node, step, contribution }: Edge): DropCause {
  if (PRODUCTS.has(node.op) && node.inputs.length >= 2) {
    const other = indexTrace(trace).nodes.get(node.inputs[contribution.index === 0 ? 1 : 0]!);
    const value = other ? rms(other.value) : null;
    if (other && value !== null) return { kind: 'small operand', other: other.id, rms: value };
  }
  if (node.inputs.length === 1 && sizeOf(contribution.grad.shape) === sizeOf(step.upstream.shape)) {
    return elementwiseCause(step.upstream, contribution.grad) ?? { kind: 'local' };
  }
  return { kind: 'local' };
}

const asDrop = (trace: Trace, edge: Edge): GradientDrop =>
  ({ node: edge.node.id, input: edge.contribution.input, gain: edge.gain, cause: causeOf(trace, edge) });

/**
 * The edges of `pass` on its way to `target` (every edge without one), smallest gain first: where
 * the gradient shrinks most. Structural ops and edges whose upstream gradient is zero are left out.
 */
export function gradientDrops(trace: Trace, pass: BackwardPass, target?: NodeId): GradientDrop[] {
  return findEdges(trace, pass, target).map((edge) => asDrop(trace, edge));
}

const largest = new WeakMap<BackwardPass, Map<NodeId | undefined, GradientDrop | null>>();

/** The one drop to name: the smallest gain, when it is NOTABLE_GAIN or less (remembered per pass and target). */
export function largestDrop(trace: Trace, pass: BackwardPass, target?: NodeId): GradientDrop | null {
  let known = largest.get(pass);
  if (!known) largest.set(pass, known = new Map());
  if (known.has(target)) return known.get(target)!;
  const first = edges(trace, pass, target)[0];
  const drop = first && first.gain <= NOTABLE_GAIN ? asDrop(trace, first) : null;
  known.set(target, drop);
  return drop;
}

/** A gradient that no one op shrinks much, but many together: the ops of one kind on its way. */
export interface GradientFade {
  op: string;
  /** Edges of that op on the way, and their gains: the geometric mean, and the product. */
  count: number;
  each: number;
  together: number;
  /** The largest elementwise derivative read among them (null: none elementwise). */
  maxDerivative: number | null;
  /** The one nearest the variable, to point at. */
  nearest: NodeId;
}

const fades = new WeakMap<BackwardPass, Map<NodeId | undefined, GradientFade | null>>();

/**
 * When no single op shrinks the gradient to `target` a tenth, the kind of op whose edges on its
 * way shrink it most together (at least two of them, to NOTABLE_GAIN or less): the gradient that
 * fades layer by layer through sigmoids (remembered per pass and target).
 */
export function gradientFade(trace: Trace, pass: BackwardPass, target?: NodeId): GradientFade | null {
  let known = fades.get(pass);
  if (!known) fades.set(pass, known = new Map());
  if (known.has(target)) return known.get(target)!;
  const byOp = new Map<string, Edge[]>();
  for (const edge of edges(trace, pass, target)) {
    if (edge.gain >= 1 || edge.gain === 0) continue;
    const list = byOp.get(edge.node.op) ?? [];
    list.push(edge);
    byOp.set(edge.node.op, list);
  }
  let found: GradientFade | null = null;
  for (const [op, list] of byOp) {
    if (list.length < 2) continue;
    const logs = list.reduce((sum, edge) => sum + Math.log10(edge.gain), 0);
    if (10 ** logs > NOTABLE_GAIN || (found && logs >= Math.log10(found.together))) continue;
    let maxDerivative: number | null = null;
    for (const edge of list) {
      if (edge.node.inputs.length !== 1) continue;
      const up = knownValues(edge.step.upstream);
      const down = knownValues(edge.contribution.grad);
      for (let i = 0; i < Math.min(up.length, down.length); i++) {
        const derivative = Math.abs(down[i]! / up[i]!);
        if (up[i] !== 0 && Number.isFinite(derivative)) maxDerivative = Math.max(maxDerivative ?? 0, derivative);
      }
    }
    // Steps run from the head down: the last of them is the nearest the variable.
    const nearest = list.reduce((a, b) => (pass.steps.indexOf(b.step) > pass.steps.indexOf(a.step) ? b : a));
    found = { op, count: list.length, each: 10 ** (logs / list.length), together: 10 ** logs, maxDerivative, nearest: nearest.node.id };
  }
  known.set(target, found);
  return found;
}

/** The ops a fade names: `120 sigmoid ops`. */
export const fadeSubject = (fade: GradientFade): string => `${fade.count.toLocaleString('en-US')} ${labelText(fade.op, 40)} ops`;

/** What they do together, after the subject: `each ×0.2 on average …`. */
export function fadePredicate(fade: GradientFade): string {
  const derivative = fade.maxDerivative !== null ? `; the derivative is at most ${formatNumber(fade.maxDerivative, 2)} anywhere` : '';
  return `each ×${formatNumber(fade.each, 2)} on average (RMS per element), ×${formatNumber(fade.together, 2)} together${derivative} — no one op shrinks it a tenth; all of them do.`;
}

const percent = (share: number) => `${formatNumber(share * 100, 3)} %`;

/** How the words name a node: its variable name, else `the output of matmul (line 18)`. */
export function nodeWord(trace: Trace): (id: NodeId) => string {
  const names = nodeNames(trace);
  const nodes = indexTrace(trace).nodes;
  return (id) => {
    const name = names.get(id);
    if (name) return labelText(name, 40);
    const node = nodes.get(id);
    return node ? `the output of ${labelText(node.op, 40)}${node.source ? ` (line ${node.source.line})` : ''}` : `node ${id}`;
  };
}

/** The op of a drop as the words name it: `sigmoid (line 9)`. */
export function dropSubject(trace: Trace, drop: GradientDrop): string {
  const node = indexTrace(trace).nodes.get(drop.node);
  return `${node ? labelText(node.op, 40) : 'an op'}${node?.source ? ` (line ${node.source.line})` : ''}`;
}

/** What the op does to the gradient, after its subject: `is saturated: …`; `name` names a node as the graph does. */
export function dropPredicate(trace: Trace, drop: GradientDrop, name: (node: NodeId) => string): string {
  const op = indexTrace(trace).nodes.get(drop.node)?.op;
  const shrinks = `the gradient to ${name(drop.input)} is ×${formatNumber(drop.gain, 2)} of what reached it`;
  const cause = drop.cause;
  const sampled = (c: { read: number; of: number }) => (c.read < c.of ? ` of the first ${c.read.toLocaleString('en-US')} elements` : ' of its elements');
  switch (cause.kind) {
    case 'off':
      return `passes no gradient at ${percent(cause.share)}${sampled(cause)}${op === 'relu' ? ' (a relu mostly off: its input was ≤ 0 there)' : ' (its derivative is 0 there)'}: ${shrinks}.`;
    case 'saturated':
      return `is saturated: its derivative is below ${SATURATED_BELOW} at ${percent(cause.share)}${sampled(cause)} (at most ${formatNumber(cause.max, 2)} anywhere): ${shrinks}.`;
    case 'small operand':
      return `multiplies the gradient by ${name(cause.other)}, whose values are ${cause.rms === 0 ? 'all 0' : `small (RMS ${formatNumber(cause.rms, 2)})`}: ${shrinks}.`;
    case 'local':
      return `scales it by its local derivative: ${shrinks}.`;
  }
}

/** The drop in words: `sigmoid (line 9) is saturated: …`. */
export function dropWords(trace: Trace, drop: GradientDrop, name: (node: NodeId) => string): string {
  return `${dropSubject(trace, drop)} ${dropPredicate(trace, drop, name)}`;
}

/** How many kept passes from where a gradient vanished are looked at for what shrinks it. */
const WHY_PASSES = 3;

/** Why a series' gradient is small from a pass on: a kept pass there and what it shows. */
export type VanishingWhy = { point: SeriesPoint } & ({ drop: GradientDrop; fade?: never } | { fade: GradientFade; drop?: never });

/**
 * Why `series`' gradient is small from pass `index` (of backwardPasses) on: in the first kept pass
 * there (or one of the next few) that reached it, the op on its way where it shrinks most, else
 * the ops it fades through. Null when no kept pass shows either.
 */
export function whyVanished(trace: Trace, series: Series, index: number): VanishingWhy | null {
  for (const point of pointsToExplain(series, index)) {
    const drop = largestDrop(trace, point.pass, point.variable.node);
    if (drop) return { point, drop };
    const fade = gradientFade(trace, point.pass, point.variable.node);
    if (fade) return { point, fade };
  }
  return null;
}

/** The points of the kept passes whyVanished reads for `series` vanished from pass `index` (a trace in parts loads their parts). */
export function pointsToExplain(series: Series, index: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const point of series.points) {
    if (point.index < index || point.pass.kept === false || point.pass.error) continue;
    out.push(point);
    if (out.length >= WHY_PASSES) break;
  }
  return out;
}

/** The why in a few words, for a line of Problems: `dot (line 12) multiplies it by x, whose values are all 0 (×0)`. */
export function whyBrief(trace: Trace, why: VanishingWhy): string {
  const name = nodeWord(trace);
  if (why.fade) return `it fades through ${fadeSubject(why.fade)}, ×${formatNumber(why.fade.each, 2)} each`;
  const drop = why.drop;
  const gain = `(×${formatNumber(drop.gain, 2)})`;
  const subject = dropSubject(trace, drop);
  const cause = drop.cause;
  switch (cause.kind) {
    case 'off': return `${subject} passes none of it at ${percent(cause.share)} of its elements ${gain}`;
    case 'saturated': return `${subject} is saturated at ${percent(cause.share)} of its elements ${gain}`;
    case 'small operand': return `${subject} multiplies it by ${name(cause.other)}, whose values are ${cause.rms === 0 ? 'all 0' : `small (RMS ${formatNumber(cause.rms, 2)})`} ${gain}`;
    case 'local': return `${subject} scales it ${gain.slice(1, -1)}`;
  }
}
