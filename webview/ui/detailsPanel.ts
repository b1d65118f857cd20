/**
 * Details of the selected node: shape first, dtype, op and attributes, mode, source link, value
 * and gradient; for variables and nodes without a gradient, "why is this gradient zero / missing?".
 */
import { DISPLAY_LIMIT, visible } from '../../protocol/display';
import { describeGradcheck, describeTolerance, latestGradchecks } from '../../protocol/query/gradcheck';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { Trace, TraceNode } from '../../protocol/trace';
import { explainGradient } from '../model/explain';
import { nodeNames } from '../model/graph';
import { labelText } from '../model/labels';
import { formatShape } from '../model/tensor';
import { el, link, section } from './dom';
import type { PanelActions } from './stepPanel';
import { tensorView } from './tensorView';
import { attributeText, baseName, shownText } from './text';
import { formatCount } from '../../protocol/query/format';

export interface DetailsActions extends PanelActions {
  /** Highlight these nodes as the cut points of a "why" answer. */
  showCuts(nodeIds: number[]): void;
  /** When the node belongs to a folded group that was opened: fold it again (its label says what). */
  refold?: { label: string; run(): void };
  /** Run the program again with numeric gradient checks (in VS Code; absent in the standalone page). */
  checkGradients?: () => void;
}

/** Graph breaks at one node listed in its details (a loop can break at one node thousands of times). */
const MAX_BREAKS = 20;

/** `axis=[1], keepdims=true`, built only as far as it is shown; whether it was cut. */
function attrsText(attrs: Record<string, unknown>): { text: string; cut: boolean } {
  let text = '';
  for (const key of Object.keys(attrs)) {
    if (text.length > DISPLAY_LIMIT) return { text, cut: true };
    let value: string;
    try {
      value = JSON.stringify(attrs[key]) ?? 'undefined';
    } catch {
      value = '(…)';
    }
    text += `${text ? ', ' : ''}${key}=${value}`;
  }
  return text === '' ? { text: '—', cut: false } : { text, cut: text.length > DISPLAY_LIMIT };
}

export function detailsPanel(trace: Trace, nodeIds: readonly number[], actions: DetailsActions): HTMLElement {
  const byId = indexTrace(trace).nodes;
  if (nodeIds.length === 0) return section('Node', el('p', { class: 'muted' }, 'Click a node to see its value, its gradient and where it was made.'));
  const node = byId.get(nodeIds[nodeIds.length - 1]!);
  if (!node) return section('Node', el('p', {}, 'This node is not in the trace.'));
  const name = nodeNames(trace).get(node.id) ?? null;
  const open = actions.openText;
  const attrs = attrsText(node.attrs);
  const rows: [string, Node | string][] = [
    ['shape', `${formatShape(node.shape)}`],
    ['dtype', node.dtype],
    ['kind', node.kind === 'op' ? 'result of an op' : node.kind === 'variable' ? `variable (attachGrad, gradReq '${node.gradReq ?? 'write'}')` : 'constant'],
    ['op', shownText(node.op, { ref: { kind: 'node', id: node.id, field: 'op' }, open })],
    ['attributes', attrs.cut
      ? el('span', {}, `${visible(attrs.text.slice(0, DISPLAY_LIMIT))}… (${formatCount(Object.keys(node.attrs).length)} attributes)`, ...(open ? [' ', link('show all', 'open all the attributes in an editor', () => open({ kind: 'node', id: node.id, field: 'attrs' }))] : []))
      : visible(attrs.text)],
    ['mode', `${node.trainMode ? 'training' : 'prediction'}${node.recording ? ', recording' : ', not recording'}${node.inGraph ? '' : ' (not differentiable)'}`],
  ];
  const block = node.layer ?? (node.param !== undefined ? node.param.slice(0, Math.max(node.param.lastIndexOf('.'), 0)) : undefined);
  if (node.param !== undefined) rows.push(['parameter', visible(node.param, { limit: 200 })]);
  if (block !== undefined) {
    const label = trace.layers?.[block];
    rows.push(['layer', visible(`${block === '' ? 'the model' : block}${label ? ` · ${label}` : ''}`, { limit: 300 })]);
  }
  if (node.previous !== undefined) {
    const count = versionCount(trace, node);
    rows.push(['version', `${count + 1}: the same array as node #${node.previous} (version ${count}), written in place (assign or set) since`]);
  }
  if (node.iteration > 0 || nodeIds.length > 1) rows.push(['run', `${node.iteration + 1}${nodeIds.length > 1 ? ` (group of ${nodeIds.length})` : ''}`]);
  const source = node.source;
  const sourceRow = source
    ? el('span', {}, link(`${visible(baseName(source.file), { limit: 200 })}:${source.line}:${source.column}`, attributeText(`open ${source.file} at line ${source.line}`), () => actions.reveal({ kind: 'node', id: node.id })),
      ...(source.file.length > DISPLAY_LIMIT && open ? [' ', link('show the whole path', `open the whole path (${formatCount(source.file.length)} characters) in an editor`, () => open({ kind: 'node', id: node.id, field: 'sourceFile' }))] : []))
    : 'unknown';
  const table = el('table', { class: 'facts' }, ...rows.map(([key, value]) => el('tr', {}, el('th', {}, key), el('td', {}, value))),
    el('tr', {}, el('th', {}, 'source'), el('td', {}, sourceRow)));
  const parts: HTMLElement[] = [table];
  if (actions.refold) parts.push(el('div', {}, link(actions.refold.label, 'fold these nodes back into one group', actions.refold.run)));
  if (source?.text) parts.push(el('pre', { class: 'source-line' }, shownText(source.text.trim(), { ref: { kind: 'node', id: node.id, field: 'sourceText' }, open })));
  const breaks: number[] = [];
  trace.graphBreaks.forEach((b, index) => { if (b.node === node.id) breaks.push(index); });
  for (const index of breaks.slice(0, MAX_BREAKS)) {
    parts.push(el('p', { class: 'warning' }, shownText(trace.graphBreaks[index]!.message, { ref: { kind: 'break', index, field: 'message' }, open })));
  }
  if (breaks.length > MAX_BREAKS) parts.push(el('p', { class: 'muted' }, `… and ${formatCount(breaks.length - MAX_BREAKS)} more graph breaks here`));
  parts.push(tensorView(node.value, 'value'));
  const explanation = explainGradient(trace, node.id);
  if (node.grad) parts.push(tensorView(node.grad, 'gradient'));
  const check = latestGradchecks(trace.backwardPasses).get(node.id);
  if (!check && node.kind === 'variable' && node.grad) {
    parts.push(el('p', { class: 'muted' }, 'Is this gradient right? ', actions.checkGradients
      ? link('check it numerically', 'run the file again, comparing every backward pass with float64 central differences', actions.checkGradients)
      : 'gradlens trace --gradcheck compares it with central differences.'));
  }
  if (check) {
    const at = check.pass.source;
    parts.push(el('p', { class: check.result.ok ? 'gradcheck ok' : 'gradcheck warning', title: describeTolerance(check.pass) },
      describeGradcheck(check.result), at ? ' (before the backward at ' : '',
      at ? link(`line ${at.line}`, 'open this line', () => actions.reveal({ kind: 'pass', id: check.pass.id })) : '', at ? ')' : ''));
  }
  if (explanation.verdict !== 'has-gradient' && (node.kind === 'variable' || node.inGraph)) {
    const question = explanation.verdict === 'zero' ? 'Why is this gradient zero?' : 'Why is there no gradient?';
    const answer = el('div', { class: 'why' }, el('h3', {}, question), ...explanation.reasons.slice(0, MAX_BREAKS).map((reason) => el('p', {}, shownText(reason.text),
      reason.source ? ' ' : '', reason.source && reason.ref ? link(`line ${reason.source.line}`, 'open this line', () => actions.reveal(reason.ref!)) : '')));
    parts.push(answer);
    const cuts = explanation.reasons.flatMap((reason) => reason.nodes);
    if (cuts.length > 0) parts.push(el('div', {}, link('show on the graph', 'highlight the cut points', () => actions.showCuts(cuts))));
  } else if (explanation.reasons.length > 0) {
    parts.push(el('div', { class: 'why' }, ...explanation.reasons.slice(0, MAX_BREAKS).map((reason) => el('p', {}, shownText(reason.text)))));
  }
  return section(name ? `${labelText(name, 60)} = ${labelText(node.op, 60)}` : labelText(node.op, 60), ...parts);
}

/** How many earlier versions a leaf written in place has (the chain of `previous`, bounded by the trace). */
function versionCount(trace: Trace, node: TraceNode): number {
  const byId = indexTrace(trace);
  let count = 0;
  let at: TraceNode | undefined = node;
  while (at?.previous !== undefined && count < trace.nodes.length) {
    count++;
    at = byId.node(at.previous);
  }
  return count;
}
