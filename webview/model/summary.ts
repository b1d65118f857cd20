/**
 * A trace in lists, for the picker and for the summary screen of a trace too large to draw at
 * once: its backward passes and recordings with their sizes and lines, its anomalies and graph
 * breaks (the breaks of a loop grouped by kind and line). Linear in the trace; no graph is built.
 */
import type { Selection } from '../../protocol/messages';
import type { BackwardPass, GraphBreak, Recording, Trace } from '../../protocol/trace';
import { passNodes } from './stepper';

export interface SelectionItem {
  selection: Selection;
  /** `backward · line 31`, `autograd.grad · line 12`, `record · line 15`. */
  title: string;
  /** Its size in words: `24 steps · 37 nodes`, `failed`, `12 ops`. */
  size: string;
}

const plural = (count: number, word: string, many = `${word}s`) => `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;
const lineOf = (source: { line: number } | null) => `line ${source?.line ?? '?'}`;

export function passItem(pass: BackwardPass): SelectionItem {
  return {
    selection: { kind: 'pass', id: pass.id },
    title: `${pass.kind === 'grad' ? 'autograd.grad' : 'backward'} · ${lineOf(pass.source)}`,
    size: pass.error ? 'failed' : `${plural(pass.steps.length, 'step')} · ${plural(passNodes(pass).size, 'node')}`,
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
}

/** Entries of the toolbar's picker (each is a component: 10⁴ of them take seconds to build). */
export const MAX_CHOICES = 400;

export const SUMMARY_CHOICE = 'summary';

/**
 * The picker's entries: the passes then the recordings (the first and last when there are too
 * many, and always the current one), after "Summary of the trace" for a trace shown as a summary.
 */
export function pickerChoices(trace: Trace, current: Selection | null, withSummary: boolean): Choice[] {
  const passes = trace.backwardPasses.length;
  const all = passes + trace.recordings.length;
  const choice = (i: number): Choice => {
    if (i < passes) {
      const p = trace.backwardPasses[i]!;
      return { value: `pass:${p.id}`, label: `${p.kind === 'grad' ? 'autograd.grad' : 'backward'} · ${lineOf(p.source)} · ${p.error ? 'failed' : plural(p.steps.length, 'step')}` };
    }
    const r = trace.recordings[i - passes]!;
    return { value: `recording:${r.id}`, label: `record · ${lineOf(r.source)} · ${r.nodes.length.toLocaleString('en-US')} ops` };
  };
  const half = MAX_CHOICES / 2;
  const indexes: number[] = [];
  for (let i = 0; i < all; i++) {
    if (all > MAX_CHOICES && i === half) i = all - half; // jump to the last ones
    indexes.push(i);
  }
  const choices = indexes.map(choice);
  if (current && !choices.some((c) => c.value === `${current.kind}:${current.id}`)) {
    const pass = trace.backwardPasses.findIndex((p) => p.id === current.id);
    const recording = trace.recordings.findIndex((r) => r.id === current.id);
    const at = current.kind === 'pass' ? pass : recording < 0 ? -1 : passes + recording;
    if (at >= 0) choices.splice(half, 0, choice(at));
  }
  return withSummary ? [{ value: SUMMARY_CHOICE, label: 'Summary of the trace' }, ...choices] : choices;
}
