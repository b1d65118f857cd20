/** What the canvas shows instead of a graph: an error screen, and the bar of a handler that failed. */
import { visible } from '../../protocol/display';
import { el } from './dom';
import { button } from './toolkit';
import { formatCount } from '../../protocol/query/format';

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

/** `12.3 MB`, `840 KB`: about how much loading a part costs. */
function aboutBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : `${formatCount(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

/**
 * A graph of a trace in parts whose parts are on their way (the host reads them from the file), or
 * could not come and why. `what`: the graph, in words (`pass #17 · backward · line 90`).
 */
export function loadingScreen(what: string, bytes: number, problem: string | null): HTMLElement {
  if (problem !== null) {
    return el('div', { class: 'error-screen loading-screen', role: 'alert' },
      el('h1', {}, `The graph of ${visible(what, { limit: 200 })} could not be loaded`),
      el('ul', {}, el('li', {}, visible(problem, { limit: 1000 }))),
      el('p', {}, 'The other passes and the Training view are still here; open the trace again to load it.'));
  }
  return el('div', { class: 'loading-screen', role: 'status' },
    el('p', {}, `Loading ${visible(what, { limit: 200 })} (about ${aboutBytes(bytes)} of the trace)…`));
}
