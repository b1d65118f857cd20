/** What the canvas shows instead of a graph: an error screen, and the bar of a handler that failed. */
import { visible } from '../../protocol/display';
import { el } from './dom';
import { button } from './toolkit';

/** At most this many problems are listed. */
const SHOWN_PROBLEMS = 12;

/** The problems as shown: a few, each escaped and cut short (they quote the trace). */
export function shownProblems(problems: readonly string[]): string[] {
  return problems.slice(0, SHOWN_PROBLEMS).map((p) => visible(p, { limit: 1000 }));
}

export function errorScreen(title: string, problems: readonly string[]): HTMLElement {
  return el('div', { class: 'error-screen', role: 'alert' },
    el('h1', {}, title), el('ul', {}, ...shownProblems(problems).map((p) => el('li', {}, p))),
    el('p', {}, 'Run `gradlens trace FILE` again to make a new trace.'));
}

/** A bar above the graph saying what went wrong, until dismissed. */
export class FailureBar {
  readonly element = el('div', { class: 'failure', role: 'alert', hidden: '' });

  show(text: string): void {
    const dismiss = button({ icon: 'close', title: 'Dismiss', onClick: () => { this.element.hidden = true; } });
    this.element.replaceChildren(el('span', {}, text), dismiss);
    this.element.hidden = false;
  }
}
