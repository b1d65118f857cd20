/**
 * The run: which program, how it ended (its outcome in words), how long it took, its uncaught
 * error with the line and the stack, and what it printed. Shown in the side panel when the run did
 * not end well, and always on the summary screen. Every text is cut and escaped (text.ts).
 */
import type { SourceRef } from '../../protocol/messages';
import type { RunInfo } from '../../protocol/trace';
import { describeDuration, describeRunEnd } from '../../protocol/query/outcome';
import { el, link, section } from './dom';
import { attributeText, baseName, shownText, type OpenText } from './text';
import { formatCount } from '../../protocol/query/format';

export interface RunActions {
  reveal(ref: SourceRef): void;
  openText?: OpenText;
}

const ORIGIN: Record<string, string> = { program: 'uncaught error', build: 'it did not build', process: 'the process failed' };

function output(run: RunInfo, field: 'stdout' | 'stderr', actions: RunActions): HTMLElement | null {
  const text = run[field];
  if (text.length === 0) return null;
  const cut = field === 'stdout' ? run.stdoutTruncated : run.stderrTruncated;
  const lines = text.split('\n', 10_001).length - (text.endsWith('\n') ? 1 : 0);
  return el('details', { class: 'output' },
    el('summary', {}, `${field} (${lines > 10_000 ? 'over 10,000 lines' : `${formatCount(lines)} line${lines === 1 ? '' : 's'}`}${cut ? ', cut by the capture' : ''})`),
    el('pre', {}, shownText(text, { multiline: true, ref: { kind: 'output', field }, open: actions.openText })));
}

export function runPanel(run: RunInfo, actions: RunActions): HTMLElement {
  const file = baseName(run.file);
  const facts = el('p', {}, el('b', {}, shownText(file, { limit: 200 })), `: ${describeRunEnd(run)} · took ${describeDuration(run.durationMs)}`);
  facts.title = attributeText(run.file);
  const parts: (HTMLElement | null)[] = [facts];
  const error = run.error;
  if (error) {
    const where = error.source ? link(`${attributeText(baseName(error.source.file), 200)}:${error.source.line}`, attributeText(`open ${error.source.file} at line ${error.source.line}`),
      () => actions.reveal({ kind: 'error' })) : null;
    parts.push(el('div', { class: 'run-error' },
      el('p', { class: 'error' }, `${ORIGIN[error.origin] ?? 'error'}: `, shownText(error.message, { ref: { kind: 'error', field: 'message' }, open: actions.openText })),
      where ? el('p', {}, 'at ', where) : null,
      error.stack ? el('details', {}, el('summary', {}, 'stack'), el('pre', {}, shownText(error.stack, { multiline: true, ref: { kind: 'error', field: 'stack' }, open: actions.openText }))) : null));
  }
  parts.push(output(run, 'stdout', actions), output(run, 'stderr', actions));
  return section('Run', ...parts);
}
