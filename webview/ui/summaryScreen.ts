/**
 * The summary of a trace too large to draw at once: how large, the run and how it ended, its
 * backward passes and recordings (each opens its own graph, folded by source line), and its
 * anomalies and graph breaks. Built from lists alone (model/summary.ts): no graph, no layout.
 */
import type { Selection } from '../../protocol/messages';
import type { Trace } from '../../protocol/trace';
import { headAndTail, type SelectionItem, type TraceSummary } from '../model/summary';
import { el, link, section } from './dom';
import { issuesPanel } from './issuesPanel';
import { runPanel } from './runPanel';
import type { PanelActions } from './stepPanel';
import { formatCount } from '../../protocol/query/format';

export interface SummaryActions extends PanelActions {
  open(selection: Selection): void;
}

/** Passes or recordings listed (a training loop makes thousands): the first and the last. */
const MAX_LISTED = 200;

function selectionList(title: string, items: readonly SelectionItem[], actions: SummaryActions, empty: string): HTMLElement {
  const { head, tail, omitted } = headAndTail(items, MAX_LISTED);
  const item = (entry: SelectionItem) => el('li', {},
    link(entry.title, 'draw this graph, folded by source line', () => actions.open(entry.selection)), el('span', { class: 'muted' }, ` · ${entry.size}`));
  const rows = [...head.map(item), ...(omitted > 0 ? [el('li', { class: 'muted' }, `… ${formatCount(omitted)} more (the picker above lists them) …`)] : []), ...tail.map(item)];
  return section(`${title} (${formatCount(items.length)})`, rows.length > 0 ? el('ul', { class: 'selections' }, ...rows) : el('p', { class: 'muted' }, empty));
}

export function summaryScreen(trace: Trace, summary: TraceSummary, limit: number, actions: SummaryActions): HTMLElement {
  return el('div', { class: 'summary', role: 'region', 'aria-label': 'summary of a large trace' },
    el('h1', {}, `A large trace: ${formatCount(summary.nodes)} nodes`),
    el('p', {}, `More nodes than this inspector opens as graphs at once (${formatCount(limit)}), so the trace opens as this summary. `
      + 'Open a backward pass or a recording below to see its graph, folded by source line.'),
    runPanel(trace.run, { reveal: actions.reveal, openText: actions.openText }),
    selectionList('Backward passes', summary.passes, actions, 'No backward pass ran.'),
    selectionList('Recordings', summary.recordings, actions, 'Nothing was computed inside autograd.record().'),
    issuesPanel(trace, actions) ?? section('Anomalies and graph breaks', el('p', { class: 'muted' }, 'None: no NaN or infinity appeared, and gradient was never cut off.')));
}

/**
 * What to say instead of a graph too large to draw: how large it is (folded, if it was) and what
 * to do — fold it, trace less, or look at a smaller part.
 */
export function tooLargeScreen(what: string, nodes: number, drawn: number, folded: boolean, limit: number, actions: { fold?: () => void; summary?: () => void }): HTMLElement {
  const size = folded
    ? `${what} has ${formatCount(nodes)} nodes; folded by source line it still has ${formatCount(drawn)}`
    : `${what} has ${formatCount(nodes)} nodes`;
  return el('div', { class: 'too-large', role: 'status' },
    el('h1', {}, 'This graph is too large to draw'),
    el('p', {}, `${size}: more than the ${formatCount(limit)} this inspector draws at once.`),
    el('p', {}, folded
      ? 'Trace a smaller run (fewer iterations, a smaller batch or model), or put autograd.record() around the part you want to see.'
      : 'Fold loops to draw one node per source line, or trace a smaller run.'),
    el('p', {}, actions.fold ? link('Fold loops', 'draw it folded by source line', actions.fold) : null,
      actions.fold && actions.summary ? ' · ' : null,
      actions.summary ? link('Back to the summary', 'the passes, recordings and issues of the trace', actions.summary) : null));
}
