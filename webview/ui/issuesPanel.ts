/** Anomalies (NaN/Inf) and graph breaks of the trace, each a link to its node and line. */
import type { Anomaly, Trace } from '../../protocol/trace';
import { groupBreaks, headAndTail, type BreakGroup } from '../model/summary';
import { el, section } from './dom';
import type { PanelActions } from './stepPanel';
import { shownText, textLink } from './text';
import { formatCount } from '../../protocol/query/format';

const BREAK_NAMES: Record<string, string> = {
  detach: 'detach', attachGrad: 'attachGrad on a result', coerce: 'turned into a number', outsideRecord: 'computed outside record', paused: 'computed under pause',
};

/** Items of each list shown (a hostile trace can hold a million). */
const MAX_ITEMS = 100;

/** The first and last items, and a line saying how many are left out between them. */
function capped<T>(items: readonly T[], what: string, item: (value: T) => HTMLElement): HTMLElement[] {
  const { head, tail, omitted } = headAndTail(items, MAX_ITEMS);
  const middle = omitted > 0 ? [el('li', { class: 'muted' }, `… ${formatCount(omitted)} more ${what} …`)] : [];
  return [...head.map(item), ...middle, ...tail.map(item)];
}

export function issuesPanel(trace: Trace, actions: PanelActions): HTMLElement | null {
  if (trace.anomalies.length === 0 && trace.graphBreaks.length === 0) return null;
  const anomalies = capped(trace.anomalies.map((anomaly, index) => ({ anomaly, index })), 'anomalies', ({ anomaly, index }: { anomaly: Anomaly; index: number }) => el('li', { class: 'anomaly' },
    el('span', { class: 'badge bad' }, `${anomaly.kind === 'nan' ? 'NaN' : '∞'} ${anomaly.phase}`), ' ',
    textLink(anomaly.message, 'select the node that produced it', () => actions.select(anomaly.node), { ref: { kind: 'anomaly', index, field: 'message' }, open: actions.openText }),
    anomaly.source ? el('span', { class: 'muted' }, ` line ${anomaly.source.line}`) : ''));
  // Breaks repeat in loops: one line per kind and source line, with a count.
  const breaks = capped(groupBreaks(trace.graphBreaks), 'kinds of graph break', ({ first, index, count }: BreakGroup) => {
    const ref = { kind: 'break', index, field: 'message' } as const;
    return el('li', { class: 'graph-break' },
      el('span', { class: 'badge warn' }, BREAK_NAMES[first.kind] ?? first.kind), ' ',
      first.node !== undefined
        ? textLink(first.message.replace(/^gradient stops here: /, ''), 'select this node', () => actions.select(first.node!), { ref, open: actions.openText })
        : shownText(first.message, { ref, open: actions.openText }),
      first.source ? el('span', { class: 'muted' }, ` line ${first.source.line}${count > 1 ? ` ×${formatCount(count)}` : ''}`) : '');
  });
  return section(`Anomalies (${formatCount(trace.anomalies.length)}) and graph breaks (${formatCount(trace.graphBreaks.length)})`,
    anomalies.length > 0 ? el('ul', { class: 'issues' }, ...anomalies) : null,
    breaks.length > 0 ? el('ul', { class: 'issues' }, ...breaks) : null);
}
