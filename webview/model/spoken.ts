/**
 * The inspector in words, for assistive technology: the graph's accessible name, the node the
 * keyboard is on, and the chain rule of a step as one sentence a screen reader reads out. The graph
 * is a canvas, so these words are all a screen reader gets of it. Every text from the trace is cut
 * and escaped (labels.ts, display.ts); the DOM takes these strings as text only. Pure: no DOM.
 */
import { visible } from '../../protocol/display';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { GraphSelection, Thresholds } from '../../protocol/messages';
import type { BackwardPass, Tensor, Trace, TraceNode } from '../../protocol/trace';
import { badges, type Badge } from './colors';
import { nodeNames, type GraphNode } from './graph';
import { labelText } from './labels';
import type { Frame } from './marks';
import { chainText, localRule } from './rules';
import { formatShape, formatTensorShort, sizeOf } from './tensor';
import { formatCount } from '../../protocol/query/format';

/** Items read out of a list (what a step sends to 10⁵ inputs is in the step panel and the accessible view). */
const SPOKEN_ITEMS = 4;

/** Badges as words (the graph shows them as borders, the step layer as ⚠NaN…). */
const BADGE_WORDS: Record<Badge, string> = { nan: 'has NaN', inf: 'has infinities', zero: 'all zero', vanishing: 'vanishing', exploding: 'exploding' };

const plural = (count: number, one: string, many = `${one}s`) => `${formatCount(count)} ${count === 1 ? one : many}`;

/** A node in a sentence: `y = mul`, or the op alone; short and escaped. */
export function spokenName(names: ReadonlyMap<number, string>, node: TraceNode | undefined): string {
  if (!node) return 'an unknown node';
  const name = names.get(node.id);
  return name !== undefined ? `${labelText(name, 60)} = ${labelText(node.op, 60)}` : labelText(node.op, 60);
}

export interface GraphLabelInput {
  trace: Trace;
  selection: GraphSelection;
  /** Drawn nodes (a folded group is one). */
  nodes: number;
  frame: Frame | null;
}

/** The graph's accessible name: what it shows and where the stepping is, e.g. "Autograd graph: 4 nodes, pass 1 of 10, step 2 of 2". */
export function graphLabel({ trace, selection, nodes, frame }: GraphLabelInput): string {
  const what = selection.kind === 'pass'
    ? `pass ${trace.backwardPasses.findIndex((p) => p.id === selection.id) + 1} of ${trace.backwardPasses.length}`
    : `recording ${trace.recordings.findIndex((r) => r.id === selection.id) + 1} of ${trace.recordings.length}`;
  const step = frame ? `, ${frame.kind === 'forward' ? 'forward ' : ''}step ${frame.frame.index} of ${frame.frame.total}` : '';
  return `Autograd graph: ${plural(nodes, 'node')}, ${what}${step}`;
}

/** Where the keyboard came from: the node it left and along which of its edges. */
export interface Arrival {
  from: GraphNode;
  toward: 'input' | 'consumer';
  /** Position among the `from` node's inputs (or consumers), from 0, and how many it has. */
  index: number;
  count: number;
  cut: boolean;
}

export interface NodeWordsInput {
  trace: Trace;
  /** What the graph shows: a pass's heads are said as heads, a recording's as its outputs. */
  shows: GraphSelection['kind'];
  element: GraphNode;
  inputs: number;
  consumers: number;
  arrival: Arrival | null;
  /** In the backward view, each node's gradient once the pass has run; null: the forward view (values). */
  gradients: ReadonlyMap<number, Tensor> | null;
  thresholds: Thresholds;
}

/**
 * The node the keyboard is on, as a screen reader says it: name and op, kind, shape, its gradient
 * after the pass (or its value going forward) with its badges, how many inputs and consumers it
 * has, and how it was reached.
 *
 * @example
 *   nodeWords({ trace, shows: 'pass', element, inputs: 2, consumers: 0, arrival: null, gradients, thresholds })
 *   // 'y = mul, result of an op, shape scalar. Gradient 1. 2 inputs, no consumer. Head of the pass.'
 */
export function nodeWords(input: NodeWordsInput): string {
  const { trace, element } = input;
  const names = nodeNames(trace);
  const byId = indexTrace(trace).nodes;
  const representative = byId.get(element.members[element.members.length - 1]!);
  const kind = element.kind === 'group'
    ? element.foldKey?.startsWith('layer:') ? `block of ${plural(element.count, 'node')}` : `group of ${element.count} nodes made by one line`
    : element.kind === 'op' ? 'result of an op' : element.kind;
  const title = element.kind === 'group' && element.foldKey?.startsWith('layer:')
    ? `${labelText(element.name ?? '')} · ${labelText(element.op)}`
    : element.count > 1 || !representative ? `${element.name ? `${labelText(element.name)} = ` : ''}${labelText(element.op)}` : spokenName(names, representative);
  const sentences = [`${title}${kind === title ? '' : `, ${kind}`}, shape ${formatShape(element.shape)}.`];
  sentences.push(quantityWords(element, byId, input.gradients, input.thresholds));
  sentences.push(`${input.inputs === 0 ? 'No input' : plural(input.inputs, 'input')}, ${input.consumers === 0 ? 'no consumer' : plural(input.consumers, 'consumer')}.`);
  const arrival = input.arrival;
  if (arrival) {
    const role = arrival.toward === 'input' ? 'input' : 'consumer';
    sentences.push(`${capital(role)} ${arrival.index + 1} of ${arrival.count} of ${arrivalName(names, byId, arrival.from)}${arrival.cut ? ', across a graph break' : ''}.`);
  }
  if (element.isHead) sentences.push(input.shows === 'pass' ? 'Head of the pass.' : 'Output of the recording.');
  if (element.breaks.length > 0) sentences.push(`Graph break here: ${visible(element.breaks[0]!.message, { limit: 200 })}`);
  return sentences.join(' ');
}

function arrivalName(names: ReadonlyMap<number, string>, byId: ReadonlyMap<number, TraceNode>, element: GraphNode): string {
  if (element.count > 1 || element.kind === 'group') return `${element.name ? `${labelText(element.name)} = ` : ''}${labelText(element.op)}`;
  return spokenName(names, byId.get(element.members[0]!));
}

function quantityWords(element: GraphNode, byId: ReadonlyMap<number, TraceNode>, gradients: ReadonlyMap<number, Tensor> | null, thresholds: Thresholds): string {
  const members = element.members;
  if (gradients) {
    let gradient: Tensor | null = null;
    for (let i = members.length - 1; i >= 0 && !gradient; i--) gradient = gradients.get(members[i]!) ?? null;
    if (!gradient) return 'No gradient in this pass.';
    const marks = badges(gradient.stats, thresholds, true, sizeOf(gradient.shape)).map((b) => BADGE_WORDS[b]);
    return `Gradient ${formatTensorShort(gradient)}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}.`;
  }
  const node = byId.get(members[members.length - 1]!);
  return node ? `Value ${formatTensorShort(node.value)}.` : '';
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What a move that goes nowhere says: "x = arange has no input". */
export function noMoveWords(trace: Trace, element: GraphNode, move: 'input' | 'consumer' | 'sibling'): string {
  const byId = indexTrace(trace).nodes;
  const name = arrivalName(nodeNames(trace), byId, element);
  if (move === 'input') return `${name} has no input in this graph.`;
  if (move === 'consumer') return `${name} has no consumer in this graph.`;
  return `No other node here: ${name} is the only one.`;
}

/**
 * The step of a frame in one paragraph: the chain rule with its numbers, as the step panel shows
 * it — the node, its local rule, the upstream gradient and what each input receives (the first few;
 * the rest are counted).
 *
 * @example
 *   stepWords(trace, model, frame)
 *   // 'Step 1 of 2: y = mul. out = a · b. … Upstream ∂L/∂out = 1. Sends: input 0, dot: ∂L/∂in = ∂L/∂out · b = 2; …'
 */
export function stepWords(trace: Trace, frame: Frame, pass?: BackwardPass): string {
  const names = nodeNames(trace);
  const byId = indexTrace(trace).nodes;
  if (frame.kind === 'forward') {
    const forward = frame.frame;
    if (forward.current === null) return `Forward step 0 of ${forward.total}: the leaves are known.`;
    const node = byId.get(forward.current);
    const rule = localRule(node?.op ?? 'unknown', node?.attrs ?? {}, node?.inputs.length ?? 0);
    return `Forward step ${forward.index} of ${forward.total}: ${spokenName(names, node)}. ${ruleText(rule.formula)}, gives ${node ? formatTensorShort(node.value) : '?'}.`;
  }
  const backward = frame.frame;
  if (pass?.error !== undefined) return `This backward pass failed: ${visible(pass.error, { limit: 300 })}`;
  const step = backward.step;
  if (!step) {
    const heads = (pass?.heads ?? []).slice(0, SPOKEN_ITEMS).map((head, i) =>
      `${spokenName(names, byId.get(head))}: ∂L/∂out = ${formatTensorShort(pass!.headGrads[i]!)}${pass!.implicitHeadGrads[i] ? ' (implicit: ones)' : ''}`);
    return `Step 0 of ${backward.total}: the head gradient${heads.length > 1 ? 's' : ''}${heads.length > 0 ? `, ${heads.join('; ')}` : ''}.`;
  }
  const node = byId.get(step.node);
  const rule = localRule(node?.op ?? 'unknown', node?.attrs ?? {}, node?.inputs.length ?? 1);
  const sends = step.contributions.slice(0, SPOKEN_ITEMS).map((c) =>
    `input ${c.index}, ${spokenName(names, byId.get(c.input))}: ${ruleText(chainText(rule.partials[c.index] ?? ''))} = ${formatTensorShort(c.grad)}`);
  const more = step.contributions.length - sends.length;
  const sent = sends.length === 0 ? 'Sends nothing: no input of this op needs a gradient.'
    : `Sends: ${sends.join('; ')}${more > 0 ? `; and ${plural(more, 'more input')}` : ''}.`;
  return [
    `Step ${backward.index} of ${backward.total}: ${spokenName(names, node)}.`,
    `${ruleText(rule.formula)}.`,
    `${ruleText(rule.summary)}.`,
    `Upstream ∂L/∂out = ${formatTensorShort(step.upstream)}.`,
    sent,
  ].join(' ');
}

/** Rule texts carry attribute values from the trace: escaped and cut like any other. */
const ruleText = (text: string): string => visible(text, { limit: 300 }).replace(/\.$/, '');
