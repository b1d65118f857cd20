/**
 * The screen of a summarised pass (kept as statistics only, to stay within the trace's budget):
 * no empty graph and stepper, but what its summary knows — the loss, each variable's gradient
 * statistics with the badges the graph would give, its relu layers' dead units — how to keep it (a button in VS Code, the
 * command on the standalone page), and the nearest passes kept whole. Built from
 * model/summarisedPass.ts; every name from the trace is text.
 */
import { formatCount, formatNumber } from '../../protocol/query/format';
import type { Trace } from '../../protocol/trace';
import { BADGE_TEXT } from '../model/marks';
import type { SummarisedPassView } from '../model/summarisedPass';
import { keepCommand } from '../model/keepCommand';
import { el, section } from './dom';
import { sourceLink, type PanelActions } from './stepPanel';
import { attributeText, shownText } from './text';
import { button } from './toolkit';

export interface SummarisedActions extends PanelActions {
  openPass(id: number): void;
  /** Open the Training view (absent when the trace has none). */
  openTraining?: () => void;
  /** Ask VS Code to trace the run again keeping this pass (absent on the standalone page). */
  keepAgain?: (id: number) => void;
}

/** Rows listed at most (a model can have thousands of parameters; the Training view's heatmap shows them all). */
const MAX_ROWS = 300;

const count = (n: number) => formatCount(n);
const maybe = (value: number | null) => (value === null ? '—' : formatNumber(value));

function statisticsTable(view: SummarisedPassView): HTMLElement {
  const header = el('tr', {}, ...['variable', '‖∇‖', 'max |∇|', 'mean ∇', 'std ∇', 'zeros', 'NaN / ∞', '‖w‖', '‖Δw‖ / ‖w‖', ''].map((h) => el('th', { scope: 'col' }, h)));
  const rows = view.rows.slice(0, MAX_ROWS).map((row) => {
    const v = row.variable;
    return el('tr', {},
      el('th', { scope: 'row', title: attributeText(row.layer ? `${row.name}, in ${row.layer}` : row.name) }, shownText(row.name, { limit: 80 })),
      el('td', {}, maybe(v.gradL2)), el('td', {}, maybe(v.gradMaxAbs)), el('td', {}, maybe(v.gradMean)), el('td', {}, maybe(v.gradStd)),
      el('td', {}, `${formatNumber(v.zeroFraction * 100, 3)} %`),
      el('td', {}, v.nan + v.inf === 0 ? '0' : `${count(v.nan)} / ${count(v.inf)}`),
      el('td', {}, maybe(v.valueL2)), el('td', {}, maybe(v.updateRatio)),
      el('td', {}, ...row.badges.map((b) => el('span', { class: `badge ${b === 'nan' || b === 'inf' || b === 'exploding' ? 'bad' : 'warn'}` }, BADGE_TEXT[b]))));
  });
  const more = view.rows.length > MAX_ROWS
    ? [el('p', { class: 'muted' }, `… and ${count(view.rows.length - MAX_ROWS)} more variables (the Training view's heatmap has every one).`)] : [];
  return section(`Gradients of its ${count(view.rows.length)} variable${view.rows.length === 1 ? '' : 's'}`,
    view.rows.length === 0 ? el('p', { class: 'muted' }, 'The pass reached no variable.')
      : el('table', { class: 'pass-statistics' }, el('thead', {}, header), el('tbody', {}, ...rows)),
    ...more);
}

function activationsTable(view: SummarisedPassView): HTMLElement | null {
  if (view.activations.length === 0) return null;
  const header = el('tr', {}, ...['relu', 'units', 'dead (0 for the whole batch)', 'zeros'].map((h) => el('th', { scope: 'col' }, h)));
  const rows = view.activations.slice(0, MAX_ROWS).map(({ name, activation: a }) => el('tr', {},
    el('th', { scope: 'row', title: attributeText(name) }, shownText(name, { limit: 80 })),
    el('td', {}, count(a.units)),
    el('td', {}, `${count(a.dead)} (${formatNumber(a.units === 0 ? 0 : (a.dead / a.units) * 100, 3)} %)`),
    el('td', {}, `${formatNumber(a.zeroFraction * 100, 3)} %`)));
  return section(`Its ${count(view.activations.length)} relu layer${view.activations.length === 1 ? '' : 's'}`,
    el('table', { class: 'pass-statistics' }, el('thead', {}, header), el('tbody', {}, ...rows)));
}

export function summarisedScreen(trace: Trace, view: SummarisedPassView, actions: SummarisedActions): HTMLElement {
  const { pass, number } = view;
  const omitted = pass.omitted;
  const where = sourceLink(pass.source, { kind: 'pass', id: pass.id }, actions);
  const keep = actions.keepAgain
    ? el('p', {}, button({ label: `Run again keeping pass #${count(number)}`, title: `Trace the same run again (same file, arguments and seed) keeping pass #${count(number)} whole`, appearance: 'primary', onClick: () => actions.keepAgain!(pass.id) }))
    : el('p', {}, 'To see its graph, trace the same run again (same file, arguments and seed) keeping it: ',
      el('code', { class: 'keep-command' }, shownText(keepCommand(trace, pass), { limit: 2000 })));
  const neighbours = [
    view.before ? button({ label: `Open #${count(view.before.number)}`, title: `the nearest pass before it kept whole: #${count(view.before.number)}`, onClick: () => actions.openPass(view.before!.id) }) : null,
    view.after ? button({ label: `Open #${count(view.after.number)}`, title: `the nearest pass after it kept whole: #${count(view.after.number)}`, onClick: () => actions.openPass(view.after!.id) }) : null,
    actions.openTraining ? button({ label: 'Training view', title: 'every pass of the run as curves and a heatmap', onClick: () => actions.openTraining!() }) : null,
  ].filter((b): b is HTMLElement => b !== null);
  return el('div', { class: 'summary summarised-pass', role: 'region', 'aria-label': `pass #${count(number)}, summarised` },
    el('h1', {}, `Pass #${count(number)}${view.loss === null ? '' : ` · loss ${formatNumber(view.loss)}`} · summarised`),
    el('p', {}, ...(where ? ['Backward at ', where, '. '] : []), el('b', {}, 'Only its statistics were kept'),
      omitted
        ? `: its ${count(omitted.nodes)} nodes and ${count(omitted.steps)} steps were left out to keep the trace within its budget${trace.run.keep ? ` (${count(trace.run.keep.maxTraceMb)} MB)` : ''}, so it has no graph to step through.`
        : ', so it has no graph to step through.'),
    keep,
    neighbours.length > 0 ? el('p', { class: 'neighbours' }, view.before || view.after ? 'Kept whole nearby: ' : '', ...neighbours) : '',
    statisticsTable(view),
    activationsTable(view) ?? '');
}
