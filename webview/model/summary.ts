/**
 * A trace in lists, for the picker and for the summary screen of a trace too large to draw at
 * once: its backward passes and recordings with their sizes and lines, its anomalies and graph
 * breaks (the breaks of a loop grouped by kind and line). Linear in the trace; no graph is built.
 */
import type { GraphSelection, Selection } from '../../protocol/messages';
import { formatCount, formatNumber } from '../../protocol/query/format';
import { lossRange, passLineKey } from '../../protocol/query/training';
import { isKept, type BackwardPass, type GraphBreak, type Recording, type Trace } from '../../protocol/trace';
import { stepCount } from '../../protocol/traceParts';
import { passNodes } from './stepper';
import { hasTraining } from './training';

export interface SelectionItem {
  selection: GraphSelection;
  /** `backward · line 31`, `autograd.grad · line 12`, `record · line 15`. */
  title: string;
  /** Its size in words: `24 steps · 37 nodes`, `failed`, `12 ops`. */
  size: string;
}

const plural = (count: number, word: string, many = `${word}s`) => `${formatCount(count)} ${count === 1 ? word : many}`;
const lineOf = (source: { line: number } | null) => `line ${source?.line ?? '?'}`;

/** A pass in the summary's list: its number among all passes (from 1), its line; its loss, steps and nodes. */
export function passItem(pass: BackwardPass, index: number): SelectionItem {
  const loss = passLoss(pass);
  return {
    selection: { kind: 'pass', id: pass.id },
    title: `#${formatCount(index + 1)} · ${passTitle(pass)}`,
    size: pass.error ? 'failed' : `${loss !== null ? `loss ${formatNumber(loss)} · ` : ''}${plural(stepCount(pass), 'step')} · ${plural(passNodes(pass).size, 'node')}`,
  };
}

export function recordingItem(recording: Recording): SelectionItem {
  return {
    selection: { kind: 'recording', id: recording.id },
    title: `record · ${lineOf(recording.source)}`,
    size: `${plural(recording.nodes.length, 'op')}${recording.closed ? '' : ' · not closed (the program ended inside it)'}`,
  };
}

/** The same kind of break at the same line, however many times a loop made it. */
export interface BreakGroup {
  first: GraphBreak;
  /** Its index in `graphBreaks` (what a source link names). */
  index: number;
  count: number;
}

export function groupBreaks(breaks: readonly GraphBreak[]): BreakGroup[] {
  const groups = new Map<string, BreakGroup>();
  breaks.forEach((graphBreak, index) => {
    const key = `${graphBreak.kind}:${graphBreak.source?.line ?? '?'}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { first: graphBreak, index, count: 1 });
  });
  return [...groups.values()];
}

/**
 * At most `limit` items of a long list: the first and the last halves (the first pass of a
 * training loop and the last are the ones people look at), and how many are left out between.
 */
export function headAndTail<T>(items: readonly T[], limit: number): { head: T[]; tail: T[]; omitted: number } {
  if (items.length <= limit) return { head: [...items], tail: [], omitted: 0 };
  const half = Math.floor(limit / 2);
  return { head: items.slice(0, half), tail: items.slice(items.length - (limit - half)), omitted: items.length - limit };
}

export interface TraceSummary {
  nodes: number;
  passes: SelectionItem[];
  recordings: SelectionItem[];
  breakGroups: BreakGroup[];
}

export function summarize(trace: Trace): TraceSummary {
  return {
    nodes: trace.nodes.length,
    passes: trace.backwardPasses.map(passItem),
    recordings: trace.recordings.map(recordingItem),
    breakGroups: groupBreaks(trace.graphBreaks),
  };
}

export interface Choice {
  value: string;
  label: string;
  /** A heading of the picker (a line that ran more than once), not something to show. */
  disabled?: boolean;
}

/** Entries of the toolbar's picker (each is a component: 10⁴ of them take seconds to build). */
export const MAX_CHOICES = 400;

export const SUMMARY_CHOICE = 'summary';
/** The picker's entry of the Training view (a Selection of kind 'training'). */
export const TRAINING_CHOICE = 'training';


const passTitle = (pass: BackwardPass) => `${pass.kind === 'grad' ? 'autograd.grad' : 'backward'} · ${lineOf(pass.source)}`;

/** The pass's loss (its one-element head), when its summary has one. */
export function passLoss(pass: BackwardPass): number | null {
  return lossRange([pass])?.first ?? null;
}

/** `#17 · backward · line 90 · loss 2.274`: its number among all passes (from 1), its line, its loss (else its steps), failed. */
export function passLabel(pass: BackwardPass, index: number): string {
  const loss = passLoss(pass);
  const parts = [`#${formatCount(index + 1)}`, passTitle(pass)];
  if (loss !== null) parts.push(`loss ${formatNumber(loss)}`);
  if (pass.error) parts.push('failed');
  else if (!isKept(pass)) parts.push('summarised');
  else if (loss === null) parts.push(plural(stepCount(pass), 'step'));
  return parts.join(' · ');
}

/** The passes grouped by line, in order of each line's first pass: their indexes in `backwardPasses`, in order. */
export function passesByLine(trace: Trace): { key: string; first: BackwardPass; indexes: number[] }[] {
  const groups = new Map<string, { key: string; first: BackwardPass; indexes: number[] }>();
  trace.backwardPasses.forEach((pass, index) => {
    const key = passLineKey(pass);
    const group = groups.get(key);
    if (group) group.indexes.push(index);
    else groups.set(key, { key, first: pass, indexes: [index] });
  });
  return [...groups.values()];
}

/**
 * The picker's entries: the passes grouped by line (a line that ran more than once headed by
 * `backward · line 90 · ×80`), then the recordings, after "Summary of the trace" for a trace
 * shown as a summary — all after "Training view" when at least two passes have summaries. When there are more than MAX_CHOICES, the first and the last, a note of
 * how many are left out, and always the current one (under the heading of its line).
 */
export function pickerChoices(trace: Trace, current: Selection | null, withSummary: boolean): Choice[] {
  // Every entry, and for each the heading it sits under (-1: none).
  const entries: Choice[] = [];
  const headingOf: number[] = [];
  let currentAt = -1;
  const isCurrent = (kind: GraphSelection['kind'], id: number) => current !== null && current.kind === kind && current.id === id;
  passesByLine(trace).forEach((group, g) => {
    let heading = -1;
    if (group.indexes.length > 1) {
      heading = entries.length;
      entries.push({ value: `line:${g}`, label: `${passTitle(group.first)} · ×${formatCount(group.indexes.length)}`, disabled: true });
      headingOf.push(-1);
    }
    for (const index of group.indexes) {
      const pass = trace.backwardPasses[index]!;
      if (isCurrent('pass', pass.id)) currentAt = entries.length;
      entries.push({ value: `pass:${pass.id}`, label: passLabel(pass, index) });
      headingOf.push(heading);
    }
  });
  for (const r of trace.recordings) {
    if (isCurrent('recording', r.id)) currentAt = entries.length;
    entries.push({ value: `recording:${r.id}`, label: `record · ${lineOf(r.source)} · ${formatCount(r.nodes.length)} ops` });
    headingOf.push(-1);
  }
  const choices = entries.length <= MAX_CHOICES ? entries : capped(entries, headingOf, currentAt);
  return [
    ...(hasTraining(trace) ? [{ value: TRAINING_CHOICE, label: 'Training view' }] : []),
    ...(withSummary ? [{ value: SUMMARY_CHOICE, label: 'Summary of the trace' }] : []),
    ...choices,
  ];
}

/**
 * The first and last MAX_CHOICES / 2 entries; between them, a note of how many are left out and
 * the current entry under its heading; the last ones under their heading too when they start
 * inside a line's passes.
 */
function capped(entries: readonly Choice[], headingOf: readonly number[], currentAt: number): Choice[] {
  const half = MAX_CHOICES / 2;
  const tailStart = entries.length - half;
  const head = entries.slice(0, half);
  const middle: Choice[] = [];
  let omitted = 0;
  for (let i = half; i < tailStart; i++) if (!entries[i]!.disabled && i !== currentAt) omitted++;
  middle.push({ value: 'omitted', label: `⋯ ${formatCount(omitted)} more not listed (type a Pass #)`, disabled: true });
  let lastHeading = -1;
  if (currentAt >= half && currentAt < tailStart) {
    const heading = headingOf[currentAt]!;
    if (heading >= 0 && entries[heading]!.disabled) middle.push(entries[heading]!);
    middle.push(entries[currentAt]!);
    lastHeading = heading;
  }
  const tailHeading = headingOf[tailStart]!;
  if (tailHeading >= 0 && tailHeading < tailStart && tailHeading !== lastHeading) middle.push(entries[tailHeading]!);
  return [...head, ...middle, ...entries.slice(tailStart)];
}

/** What the Pass # field says of what was typed: the number of the pass to open, or why not. */
export function passNumber(text: string, passes: number): { number: number } | { problem: string } {
  const typed = text.trim().replace(/^#/, '');
  const range = passes === 1 ? 'there is one pass, #1' : `passes are #1 to #${formatCount(passes)}`;
  if (passes === 0) return { problem: 'this trace has no backward passes' };
  if (!/^\d+$/.test(typed)) return { problem: `not a pass number: ${range}` };
  const number = Number(typed);
  if (number < 1 || number > passes) return { problem: `no pass #${formatCount(number)}: ${range}` };
  return { number };
}
