/**
 * A training run in words: what went wrong first (the loss gone NaN, gradients that vanished and
 * from which pass), and each chart of the Training view as a line of text (its text alternative).
 * Pure (no DOM): tested in Node.
 */
import type { Thresholds } from '../../protocol/messages';
import { formatCount, formatNumber } from '../../protocol/query/format';
import { firstNonFiniteLoss, vanishedFrom } from '../../protocol/query/training';
import { type NodeId, type Trace, type VariableSummary } from '../../protocol/trace';
import { dropPredicate, dropSubject, fadePredicate, fadeSubject, nodeWord, whyVanished } from '../../protocol/query/gradientDrop';
import { CellKind, flowOf, rmsGradient, type Heatmap } from './trainingCharts';
import { nonFiniteWord, positionOfIndex, runMarks, UPDATE_RATIO_RULE, type ActivationSeries, type RunPass, type RunSeries, type TrainingRun } from './training';

/**
 * A sentence of text and mentions: a pass (a button that opens it, `#17`), or a node of a kept
 * pass (a button labelled `label` that opens the pass at that node's step).
 */
export type Phrase = (string | { pass: RunPass; node?: NodeId; label?: string })[];

const passWord = (count: number) => `${formatCount(count)} ${count === 1 ? 'pass' : 'passes'}`;

/** `loss 2.302 → 0.4132 over 240 passes` (null: no pass has a loss). */
export function lossSummary(run: TrainingRun): string | null {
  const losses = run.passes.filter((p) => p.loss !== null);
  if (losses.length === 0) return null;
  return `loss ${formatNumber(losses[0]!.loss!)} → ${formatNumber(losses[losses.length - 1]!.loss!)} over ${passWord(run.passes.length)}`;
}

/** How many vanished series are named before "and N more". */
const NAMED_VANISHED = 5;

/**
 * What went wrong, first: the first pass whose loss was NaN or ±∞, and each series whose gradient
 * vanished (‖∇‖ below the threshold from some pass to the end), with that pass. One phrase when
 * nothing did.
 */
export function findings(trace: Trace, run: TrainingRun, thresholds: Thresholds): Phrase[] {
  const phrases: Phrase[] = [];
  const byIndex = (index: number) => run.passes[positionOfIndex(run, index)]!;
  const nonFinite = firstNonFiniteLoss(trace);
  if (nonFinite && positionOfIndex(run, nonFinite.index) >= 0) {
    phrases.push([`The loss became ${nonFiniteWord(nonFinite.value)} at pass `, { pass: byIndex(nonFinite.index) }, '.']);
  }
  const exploded = firstExploding(run, thresholds.exploding);
  if (exploded) {
    phrases.push([`A gradient first exploded at pass `, { pass: run.passes[exploded.position]! },
      `: ${exploded.series.name}'s ‖∇‖ ${formatNumber(exploded.value)} (above ${formatNumber(thresholds.exploding)}).`]);
  }
  const threshold = formatNumber(thresholds.vanishing);
  const vanished = run.series.map((series) => ({ series, from: vanishedFrom(series.source, thresholds.vanishing) })).filter((v) => v.from !== null);
  for (const { series, from } of vanished.slice(0, NAMED_VANISHED)) {
    const said: Phrase = from!.always
      ? [`${series.name}'s gradient was below ${threshold} in every pass, from pass `, { pass: byIndex(from!.point.index) }, '.']
      : [`${series.name}'s gradient vanished from pass `, { pass: byIndex(from!.point.index) }, ` (‖∇‖ below ${threshold} to the end).`];
    if (nonFinite && from!.point.index > nonFinite.index) said.push(` That was after the loss became ${nonFiniteWord(nonFinite.value)} (pass `, { pass: byIndex(nonFinite.index) }, ').');
    else said.push(...whyVanishedPhrase(trace, run, series, from!.point.index));
    phrases.push(said);
  }
  if (vanished.length > NAMED_VANISHED) {
    const more = vanished.length - NAMED_VANISHED;
    phrases.push([`${formatCount(more)} more parameter${more === 1 ? '\'s gradient' : 's\' gradients'} vanished (the heatmap shows them).`]);
  }
  if (vanished.length === 0) phrases.push([`No parameter's gradient vanished (‖∇‖ below ${threshold} to the end of the run)${nonFinite ? '' : ', and the loss stayed finite'}.`]);
  phrases.push(...deadFindings(run));
  return phrases;
}

/** A relu layer is named in the findings when at least this share of its units is dead at its last pass. */
export const DEAD_FINDING = 0.5;

/** A share as a whole percentage, `63 %`, never 0 % or 100 % unless it is exactly that. */
export function percentWord(share: number): string {
  const rounded = Math.round(share * 100);
  return `${share > 0 && rounded === 0 ? '<1' : share < 1 && rounded === 100 ? '>99' : rounded} %`;
}

/** A relu series' last pass with units: its run position and summary (null: none). */
export function lastActivation(series: ActivationSeries): { position: number; units: number; dead: number; calls: number } | null {
  for (let position = series.at.length - 1; position >= 0; position--) {
    const a = series.at[position];
    if (a && a.units > 0) return { position, units: a.units, dead: a.dead, calls: a.calls };
  }
  return null;
}

const unitWord = (units: number, calls: number) => `${formatCount(units)} ${units === 1 ? 'unit' : 'units'}${calls > 1 ? ` (${formatCount(calls)} calls)` : ''}`;

/** `net.0's relu: 63 % of its 256 units dead at pass #240 (0 for the whole batch).` for each relu layer at least half dead at its last pass. */
export function deadFindings(run: TrainingRun): Phrase[] {
  const phrases: Phrase[] = [];
  for (const series of run.activations) {
    const last = lastActivation(series);
    if (!last || last.dead / last.units < DEAD_FINDING) continue;
    phrases.push([`${series.subject}: ${percentWord(last.dead / last.units)} of its ${unitWord(last.units, last.calls)} dead at pass `,
      { pass: run.passes[last.position]! }, ' (0 for the whole batch).']);
  }
  return phrases;
}

/**
 * Why a series' gradient is small from pass `index` on (gradientDrop.ts), as mentions: the kept
 * pass, and the op where it shrinks most (or the ops it fades through), which opens that pass at
 * that op. Nothing when no kept pass shows either.
 */
export function whyVanishedPhrase(trace: Trace, run: TrainingRun, series: RunSeries, index: number): Phrase {
  const why = whyVanished(trace, series.source, index);
  if (!why) return [];
  const pass = byIndexOf(run, why.point.index);
  if (why.drop) {
    const { drop } = why;
    return [' In pass ', { pass }, ', kept whole, it shrinks most at ', { pass, node: drop.node, label: dropSubject(trace, drop) }, `, which ${dropPredicate(trace, drop, nodeWord(trace))}`];
  }
  const { fade } = why;
  return [' In pass ', { pass }, ', kept whole, it fades through ', { pass, node: fade.nearest, label: fadeSubject(fade) }, ` on its way: ${fadePredicate(fade)}`];
}

const byIndexOf = (run: TrainingRun, index: number): RunPass => run.passes[positionOfIndex(run, index)]!;

/** The first pass where some series' ‖∇‖ is above `threshold`: that series (the largest there) and its norm. */
export function firstExploding(run: TrainingRun, threshold: number): { position: number; series: RunSeries; value: number } | null {
  for (let position = 0; position < run.passes.length; position++) {
    let found: { position: number; series: RunSeries; value: number } | null = null;
    for (const series of run.series) {
      const norm = series.at[position]?.gradL2;
      if (norm !== null && norm !== undefined && norm > threshold && (!found || norm > found.value)) found = { position, series, value: norm };
    }
    if (found) return found;
  }
  return null;
}

/** A phrase as plain text (#N for each pass), for an aria-label or a test. */
export function phraseText(phrase: Phrase): string {
  return phrase.map((part) => (typeof part === 'string' ? part : part.label ?? `#${formatCount(part.pass.number)}`)).join('');
}

const at = (run: TrainingRun, position: number) => `#${formatCount(run.passes[position]!.number)}`;

/** The extremes of one value over the series at a pass: `largest net.0.weight 0.23 · smallest net.2.bias 0.0015`. */
function extremes(run: TrainingRun, position: number, value: (v: VariableSummary) => number | null): string | null {
  let low: [RunSeries, number] | null = null;
  let high: [RunSeries, number] | null = null;
  for (const series of run.series) {
    const v = series.at[position];
    const x = v ? value(v) : null;
    if (x === null || !Number.isFinite(x)) continue;
    if (!low || x < low[1]) low = [series, x];
    if (!high || x > high[1]) high = [series, x];
  }
  if (!low || !high) return null;
  return low[0] === high[0] ? `${high[0].name} ${formatNumber(high[1])}` : `largest ${high[0].name} ${formatNumber(high[1])}, smallest ${low[0].name} ${formatNumber(low[1])}`;
}

/** The last run position where some series has a value (the end of the run, for the charts' words). */
function lastWith(run: TrainingRun, value: (v: VariableSummary) => number | null): number {
  for (let p = run.passes.length - 1; p >= 0; p--) if (run.series.some((s) => { const v = s.at[p]; return v !== null && value(v) !== null; })) return p;
  return -1;
}

/** Each chart in a line of words: its text alternative. */
export function chartWords(run: TrainingRun, thresholds: Thresholds): { loss: string; gradNorm: string; updates: string; zeros: string; dead: string } {
  const marks = runMarks(run);
  const finite = run.passes.filter((p) => p.loss !== null && Number.isFinite(p.loss));
  const lowest = finite.reduce<RunPass | null>((best, p) => (!best || p.loss! < best.loss! ? p : best), null);
  const loss = [lossSummary(run) ?? 'no pass has a scalar loss',
    lowest ? `lowest ${formatNumber(lowest.loss!)} at #${formatCount(lowest.number)}` : '',
    marks.length > 0 ? `marked: ${marks.slice(0, 3).map((m) => `#${formatCount(m.number)} ${m.label}`).join('; ')}${marks.length > 3 ? `; ${marks.length - 3} more` : ''}` : '',
  ].filter(Boolean).join('; ');
  const normAt = lastWith(run, (v) => v.gradL2);
  const gradNorm = normAt < 0 ? 'no finite gradient norm' : `‖∇‖ at ${at(run, normAt)}: ${extremes(run, normAt, (v) => v.gradL2)}`
    + `; vanishing below ${formatNumber(thresholds.vanishing)}, exploding above ${formatNumber(thresholds.exploding)}`;
  const ratioAt = lastWith(run, (v) => v.updateRatio);
  const below = ratioAt < 0 ? [] : run.series.filter((s) => { const r = s.at[ratioAt]?.updateRatio; return r !== null && r !== undefined && r < UPDATE_RATIO_RULE; });
  const updates = ratioAt < 0 ? 'no update ratio (a series needs two passes)' : `‖Δw‖/‖w‖ at ${at(run, ratioAt)}: ${extremes(run, ratioAt, (v) => v.updateRatio)}`
    + `; ${below.length === 0 ? 'none' : formatCount(below.length)} below the ${formatNumber(UPDATE_RATIO_RULE)} rule of thumb`;
  let most: { series: RunSeries; position: number; value: number } | null = null;
  for (const series of run.series) {
    for (let position = 0; position < series.at.length; position++) {
      const v = series.at[position];
      if (v && (!most || v.zeroFraction > most.value)) most = { series, position, value: v.zeroFraction };
    }
  }
  // Series with the same share there lie on one curve: name them all (the chart shows only the top one).
  const tied = most ? run.series.filter((s) => s.at[most!.position]?.zeroFraction === most!.value).map((s) => s.name) : [];
  const named = tied.length <= 3 ? tied.join(', ') : `${tied.slice(0, 3).join(', ')} and ${tied.length - 3} more`;
  const zeros = !most || most.value === 0 ? 'no exact-zero gradient elements in any pass'
    : `most exact-zero gradient elements: ${named}${tied.length > 1 ? ' (the same share: one curve)' : ''}, ${formatNumber(most.value * 100, 3)}% at ${at(run, most.position)}`;
  return { loss, gradNorm, updates, zeros, dead: deadWords(run) };
}

/** How many relu layers the dead-units chart's words name before "and N more". */
const NAMED_DEAD = 4;

/** The dead-units chart in words: each relu layer's dead share at its last pass, and the largest share any had. */
export function deadWords(run: TrainingRun): string {
  if (run.activations.length === 0) return 'no relu layer';
  const lasts = run.activations.map((series) => ({ series, last: lastActivation(series) })).filter((s) => s.last !== null);
  const named = lasts.slice(0, NAMED_DEAD).map(({ series, last }) => `${series.name}: ${percentWord(last!.dead / last!.units)} of ${unitWord(last!.units, last!.calls)} at ${at(run, last!.position)}`);
  let most: { series: ActivationSeries; position: number; share: number } | null = null;
  for (const series of run.activations) {
    series.at.forEach((a, position) => {
      const share = a && a.units > 0 ? a.dead / a.units : null;
      if (share !== null && (!most || share > most.share)) most = { series, position, share };
    });
  }
  const more = lasts.length - NAMED_DEAD;
  const peak = most as { series: ActivationSeries; position: number; share: number } | null;
  return [`dead at the last pass: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
    !peak || peak.share === 0 ? 'no dead unit in any pass' : `most dead: ${peak.series.name}, ${percentWord(peak.share)} at ${at(run, peak.position)}`].join('; ');
}

/** The heatmap in words: its size, its range, and its NaN/∞ cells. */
export function heatmapWords(run: TrainingRun, map: Heatmap): string {
  let bad = 0;
  let zero = 0;
  for (const kind of map.kinds) { if (kind === CellKind.NonFinite) bad++; else if (kind === CellKind.Zero) zero++; }
  const size = `${formatCount(run.series.length)} ${run.series.length === 1 ? 'parameter' : 'parameters'} × ${passWord(run.passes.length)}`
    + (map.columns < run.passes.length ? ` in ${formatCount(map.columns)} columns (each the largest of its passes)` : '');
  const range = map.kinds.some((k) => k === CellKind.Value) ? `‖∇‖ from ${formatNumber(10 ** map.min)} to ${formatNumber(10 ** map.max)}` : 'no positive finite ‖∇‖';
  const cells = (count: number) => `${formatCount(count)} ${count === 1 ? 'cell' : 'cells'}`;
  return [size, range, bad > 0 ? `NaN/∞ in ${cells(bad)}` : '', zero > 0 ? `all-zero in ${cells(zero)}` : ''].filter(Boolean).join('; ');
}

/** The flow chart of a pass in words: which parameter has the largest and the smallest RMS gradient. */
export function flowWords(run: TrainingRun, position: number): string {
  const bars = flowOf(run, position);
  const pass = at(run, position);
  if (bars.length === 0) return `pass ${pass}: no variable's gradient`;
  const range = extremes(run, position, rmsGradient);
  const bad = bars.filter((b) => b.nonFinite).map((b) => b.name);
  return `pass ${pass}: RMS ∇ ${range ?? 'not finite'}${bad.length > 0 ? `; NaN/∞ in ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}` : ''}`;
}
