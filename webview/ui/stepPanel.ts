/**
 * The chain rule of the current step, with the numbers: the upstream gradient ∂L/∂out, the op's
 * local rule in words and symbols, what each input receives, and — for an input reached along
 * several paths — the sum of its terms.
 */
import { visible } from '../../protocol/display';
import { describeGradcheck, describeTolerance } from '../../protocol/query/gradcheck';
import type { SourceRef, TextRef } from '../../protocol/messages';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { BackwardPass, Source, Trace, TraceNode } from '../../protocol/trace';
import { nodeNames } from '../model/graph';
import { labelText } from '../model/labels';
import { chainText, localRule } from '../model/rules';
import type { BackwardFrame, ForwardFrame } from '../model/stepper';
import { headAndTail } from '../model/summary';
import { formatTensorShort } from '../model/tensor';
import { el, link, section } from './dom';
import { attributeText, baseName, shownText } from './text';
import { formatCount } from '../../protocol/query/format';

export interface PanelActions {
  /** Open the line of something in the trace (the host resolves the reference). */
  reveal(ref: SourceRef): void;
  select(nodeId: number): void;
  /** Show the whole of a text cut short (in VS Code; absent in the standalone page). */
  openText?: (ref: TextRef) => void;
}

/** Items of a list shown in a panel (a step can send to 10⁵ inputs, a pass reach 10⁵ variables). */
const MAX_ITEMS = 200;

let names: ReadonlyMap<number, string> = new Map();

/** A node in a sentence: its variable name and op, short and escaped. */
function nodeName(node: TraceNode | undefined): string {
  if (!node) return '?';
  const name = names.get(node.id);
  return name ? `${labelText(name, 60)} (${labelText(node.op, 60)})` : labelText(node.op, 60);
}

function nodeLink(node: TraceNode | undefined, actions: PanelActions): HTMLElement {
  if (!node) return el('span', {}, '?');
  return link(nodeName(node), `select node ${node.id}`, () => actions.select(node.id));
}

export function sourceLink(source: Source | null, ref: SourceRef, actions: PanelActions): HTMLElement | null {
  if (!source) return null;
  return link(`${visible(baseName(source.file), { limit: 200 })}:${source.line}`, attributeText(`open ${source.file} at line ${source.line}`), () => actions.reveal(ref));
}

/** The first and last items of a long list, and a line saying how many are between. */
function capped<T>(items: readonly T[], item: (value: T) => HTMLElement): HTMLElement[] {
  const { head, tail, omitted } = headAndTail(items, MAX_ITEMS);
  return [...head.map(item), ...(omitted > 0 ? [el('li', { class: 'muted' }, `… ${formatCount(omitted)} more …`)] : []), ...tail.map(item)];
}

/** Rule texts carry attribute values from the trace: escaped and cut like any other. */
const ruleText = (text: string): string => visible(text, { limit: 500 });

export function backwardStepPanel(trace: Trace, pass: BackwardPass, frame: BackwardFrame, actions: PanelActions): HTMLElement {
  names = nodeNames(trace);
  const byId = indexTrace(trace).nodes;
  if (pass.error) {
    return section('This backward pass failed', el('p', { class: 'error' }, shownText(pass.error, { ref: { kind: 'pass', id: pass.id, field: 'error' }, open: actions.openText })), el('p', {}, 'Nothing was computed: ', sourceLink(pass.source, { kind: 'pass', id: pass.id }, actions) ?? ''));
  }
  if (frame.step === null) {
    const heads = capped(pass.heads.map((head, i) => ({ head, i })), ({ head, i }) => el('li', {},
      nodeLink(byId.get(head), actions), ': ∂L/∂out = ', el('code', {}, formatTensorShort(pass.headGrads[i]!)),
      pass.implicitHeadGrads[i] ? el('span', { class: 'muted' }, ' — implicit: ones (backward of a non-scalar differentiates its sum)') : el('span', { class: 'muted' }, ' — the head gradient you passed')));
    return section(`Step 0 of ${frame.total}: head gradient${pass.heads.length > 1 ? 's' : ''}`,
      el('p', {}, `${pass.kind === 'grad' ? 'autograd.grad' : 'backward()'} at `, sourceLink(pass.source, { kind: 'pass', id: pass.id }, actions) ?? '?', ' starts from:'),
      el('ul', {}, ...heads),
      el('p', { class: 'muted' }, 'Press → (next) to run the first step.'));
  }
  const step = frame.step;
  const node = byId.get(step.node);
  const rule = localRule(node?.op ?? 'unknown', node?.attrs ?? {}, node?.inputs.length ?? 1);
  const contributions = capped(step.contributions, (c) => {
    const input = byId.get(c.input);
    return el('li', {},
      el('span', { class: 'input-index' }, `input ${c.index}`), ' ', nodeLink(input, actions), ': ',
      el('code', {}, ruleText(chainText(rule.partials[c.index] ?? ''))), ' = ', el('code', { class: 'value' }, formatTensorShort(c.grad)));
  });
  // Inputs that have now received more than one term: the accumulation as a sum.
  const receivers = [...new Set(step.contributions.map((c) => c.input))].slice(0, MAX_ITEMS);
  const sums = receivers.flatMap((input) => {
    const known = frame.known.get(input);
    if (!known || known.terms.length < 2) return [];
    const terms = known.terms.slice(0, MAX_ITEMS).map((t) => el('span', { class: 'term', title: t.from === null ? 'head gradient' : `from step ${t.step}` }, formatTensorShort(t.grad)));
    const joined: (HTMLElement | string)[] = [];
    terms.forEach((term, i) => { if (i > 0) joined.push(' + '); joined.push(term); });
    return [el('li', {}, nodeLink(byId.get(input), actions), ': ∂L/∂ = ', ...joined, ' = ', el('code', { class: 'value' }, known.total ? formatTensorShort(known.total) : '(sum of the terms)'),
      known.final ? '' : el('span', { class: 'muted' }, ' so far'))];
  });
  const last = frame.index === frame.total;
  return section(`Step ${frame.index} of ${frame.total}: ${nodeName(node)}`,
    el('p', {}, sourceLink(node?.source ?? null, { kind: 'node', id: step.node }, actions) ?? '', ' ', el('code', {}, ruleText(rule.formula))),
    el('p', {}, ruleText(rule.summary)),
    el('div', { class: 'chain' },
      el('div', {}, el('b', {}, 'upstream '), el('code', {}, '∂L/∂out = '), el('code', { class: 'value' }, formatTensorShort(step.upstream))),
      el('div', {}, el('b', {}, 'local rule '), ...rule.partials.slice(0, MAX_ITEMS).map((p) => el('code', { class: 'partial' }, ruleText(p)))),
      rule.broadcast ? el('div', { class: 'muted' }, 'Broadcast inputs get the gradient summed over the axes they were broadcast along.') : null),
    el('h3', {}, 'sends'),
    contributions.length > 0 ? el('ul', { class: 'contributions' }, ...contributions) : el('p', { class: 'muted' }, 'nothing: no input of this op needs a gradient'),
    sums.length > 0 ? el('h3', {}, 'accumulates') : null,
    sums.length > 0 ? el('ul', { class: 'sums' }, ...sums) : null,
    last ? leafSummary(trace, pass, actions) : null);
}

function leafSummary(trace: Trace, pass: BackwardPass, actions: PanelActions): HTMLElement {
  const byId = indexTrace(trace).nodes;
  return el('div', { class: 'leaf-grads' },
    el('h3', {}, pass.kind === 'grad' ? 'autograd.grad returns' : 'the variables\' .grad after this pass'),
    el('ul', {}, ...capped(pass.leafGrads, (leaf) => el('li', {},
      nodeLink(byId.get(leaf.node), actions), `.grad ${leaf.gradReq === 'add' ? '+=' : '='} `, el('code', { class: 'value' }, formatTensorShort(leaf.grad)),
      leaf.gradReq === 'add' && leaf.after ? el('span', { class: 'muted' }, ` → ${formatTensorShort(leaf.after)}`) : null,
      gradcheckOf(trace, pass, leaf.node)))));
}

/** The pass's numeric check of a variable, when the run asked for one. */
function gradcheckOf(trace: Trace, pass: BackwardPass, node: number): HTMLElement | null {
  const result = indexTrace(trace).check(pass.id, node);
  return result ? el('div', { class: result.ok ? 'gradcheck ok' : 'gradcheck warning', title: describeTolerance(pass) }, describeGradcheck(result)) : null;
}

export function forwardStepPanel(trace: Trace, frame: ForwardFrame, actions: PanelActions): HTMLElement {
  names = nodeNames(trace);
  const byId = indexTrace(trace).nodes;
  if (frame.current === null) {
    return section(`Forward: step 0 of ${frame.total}`, el('p', {}, 'The leaves (variables and constants) are known. Press → to compute the ops in the order they ran.'));
  }
  const node = byId.get(frame.current)!;
  const rule = localRule(node.op, node.attrs, node.inputs.length);
  const input = ({ id, i }: { id: number; i: number }) => {
    const inputNode = byId.get(id);
    return el('li', {}, `input ${i} `, nodeLink(inputNode, actions), ' = ', el('code', {}, inputNode ? formatTensorShort(inputNode.value) : '?'));
  };
  return section(`Forward: step ${frame.index} of ${frame.total}: ${nodeName(node)}`,
    el('p', {}, sourceLink(node.source, { kind: 'node', id: node.id }, actions) ?? '', ' ', el('code', {}, ruleText(rule.formula))),
    el('ul', {}, ...capped(node.inputs.map((id, i) => ({ id, i })), input)),
    el('p', {}, 'gives ', el('code', { class: 'value' }, formatTensorShort(node.value))));
}
