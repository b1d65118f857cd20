/** What the reader must know first, above the graph: the trace was cut short. */
import { droppedRecords } from '../../protocol/prune';
import type { Trace } from '../../protocol/trace';
import { el } from './dom';
import { shownText } from './text';
import { formatCount } from '../../protocol/query/format';

export function truncationBanner(trace: Trace): HTMLElement | null {
  const cut = trace.truncated;
  if (!cut) return null;
  const dropped = droppedRecords(trace);
  return el('div', { class: 'banner warning-banner', role: 'status' },
    el('b', {}, 'This trace was cut short: '),
    `only the first ${formatCount(cut.bytes)} bytes of its file could be read — `,
    shownText(cut.note, { limit: 500 }),
    dropped > 0 ? ` (${formatCount(dropped)} record${dropped === 1 ? '' : 's'} that named the lost part ${dropped === 1 ? 'is' : 'are'} left out.)` : '');
}
