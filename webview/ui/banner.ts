/** A strip above the graph for what the reader must know first: the trace was cut short, the pass shown was summarised. */
import type { Selection } from '../../protocol/messages';
import { droppedRecords } from '../../protocol/prune';
import { isKept, type BackwardPass, type Trace } from '../../protocol/trace';
import { el } from './dom';
import { shownText } from './text';

export function truncationBanner(trace: Trace): HTMLElement | null {
  const cut = trace.truncated;
  if (!cut) return null;
  const dropped = droppedRecords(trace);
  return el('div', { class: 'banner warning-banner', role: 'status' },
    el('b', {}, 'This trace was cut short: '),
    `only the first ${cut.bytes.toLocaleString('en-US')} bytes of its file could be read — `,
    shownText(cut.note, { limit: 500 }),
    dropped > 0 ? ` (${dropped.toLocaleString('en-US')} record${dropped === 1 ? '' : 's'} that named the lost part ${dropped === 1 ? 'is' : 'are'} left out.)` : '');
}

/** A file name as a shell reads it: quoted when it has anything but plain characters. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command that traces the same run again (its file and seed) keeping `pass` whole. */
export function keepCommand(trace: Trace, pass: BackwardPass): string {
  return `gradlens trace ${shellWord(trace.run.file)} --seed ${trace.run.seed} --keep ${pass.id}`;
}

/** The open pass was summarised (only its statistics were kept): say so, and how to keep it. */
export function summarisedBanner(trace: Trace, selection: Selection | null): HTMLElement | null {
  if (selection?.kind !== 'pass') return null;
  const index = trace.backwardPasses.findIndex((pass) => pass.id === selection.id);
  const pass = trace.backwardPasses[index];
  if (!pass || isKept(pass)) return null;
  const omitted = pass.omitted;
  const command = keepCommand(trace, pass);
  return el('div', { class: 'banner warning-banner', role: 'status' },
    el('b', {}, `Pass #${(index + 1).toLocaleString('en-US')} was summarised: `),
    `only its statistics were kept${omitted ? ` (its ${omitted.nodes.toLocaleString('en-US')} nodes and ${omitted.steps.toLocaleString('en-US')} steps were left out to keep the trace within its budget)` : ''}. `,
    'To see its graph, trace the same run again keeping it: ',
    el('code', {}, shownText(command, { limit: 2000 })));
}
