/** Anomalies (NaN/Inf) and graph breaks of the trace, each a link to its node and line. */
import type { Trace } from '../protocol/trace';
import { el, link, section } from './dom';
import type { PanelActions } from './stepPanel';

const BREAK_NAMES: Record<string, string> = {
  detach: 'detach', attachGrad: 'attachGrad on a result', coerce: 'turned into a number', outsideRecord: 'computed outside record', paused: 'computed under pause',
};

export function issuesPanel(trace: Trace, actions: PanelActions): HTMLElement | null {
  if (trace.anomalies.length === 0 && trace.graphBreaks.length === 0) return null;
  const anomalies = trace.anomalies.map((anomaly) => el('li', { class: 'anomaly' },
    el('span', { class: 'badge bad' }, `${anomaly.kind === 'nan' ? 'NaN' : '∞'} ${anomaly.phase}`), ' ',
    link(anomaly.message, 'select the node that produced it', () => actions.select(anomaly.node)),
    anomaly.source ? el('span', { class: 'muted' }, ` line ${anomaly.source.line}`) : ''));
  // Breaks repeat in loops: one line per kind and source line, with a count.
  const groups = new Map<string, { count: number; first: (typeof trace.graphBreaks)[number] }>();
  for (const graphBreak of trace.graphBreaks) {
    const key = `${graphBreak.kind}:${graphBreak.source?.line ?? '?'}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { count: 1, first: graphBreak });
  }
  const breaks = [...groups.values()].map(({ count, first }) => el('li', { class: 'graph-break' },
    el('span', { class: 'badge warn' }, BREAK_NAMES[first.kind] ?? first.kind), ' ',
    first.node !== undefined ? link(first.message.replace(/^gradient stops here: /, ''), 'select this node', () => actions.select(first.node!)) : first.message,
    first.source ? el('span', { class: 'muted' }, ` line ${first.source.line}${count > 1 ? ` ×${count}` : ''}`) : ''));
  return section(`Anomalies (${trace.anomalies.length}) and graph breaks (${trace.graphBreaks.length})`,
    anomalies.length > 0 ? el('ul', { class: 'issues' }, ...anomalies) : null,
    breaks.length > 0 ? el('ul', { class: 'issues' }, ...breaks) : null);
}
