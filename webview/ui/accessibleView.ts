/**
 * The accessible view: the graph on screen as tables of text (model/listing.ts), in a modal dialog
 * over the page — a heading per table, a header row, the row of the current step marked. It opens
 * from the toolbar or with Alt+Shift+V, takes the focus, keeps it (the rest of the page is inert
 * while it is open), and on Escape or Close gives the focus back to where it was. Every text from
 * the trace goes in as text.
 */
import type { Listing, ListingRow, ListingTable } from '../model/listing';
import { el } from './dom';
import { safely } from './failures';
import { button } from './toolkit';
import { formatCount } from '../../protocol/query/format';

export class AccessibleView {
  readonly element: HTMLElement;
  private readonly dialog: HTMLElement;
  private readonly title: HTMLElement;
  private readonly content: HTMLElement;
  private shown: { listing: Listing; step: number } | null = null;
  private returnTo: HTMLElement | null = null;

  /**
   * `close` asks for the view to close (the state says so, then `hide` runs); `inert` makes the rest
   * of the page unreachable while it is open; `fallback` takes the focus back when what had it is gone.
   */
  constructor(close: () => void, private readonly inert: (on: boolean) => void, private readonly fallback: () => HTMLElement | null) {
    this.title = el('h2', { id: 'listing-title', tabindex: '-1' });
    this.content = el('div', { class: 'listing-content' });
    this.dialog = el('div', { class: 'listing', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'listing-title' },
      el('header', {}, this.title, button({ label: 'Close', title: 'Close the accessible view (Escape)', onClick: close })),
      el('p', { class: 'muted' }, 'The graph as text, in the order it is stepped through. Escape closes it.'),
      this.content);
    this.element = el('div', { class: 'listing-backdrop', hidden: '' }, this.dialog);
    this.element.addEventListener('keydown', safely('a key in the accessible view', (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      close();
    }));
    // A click beside the dialog closes it, as Escape does.
    this.element.addEventListener('click', safely('closing the accessible view', (event: MouseEvent) => { if (event.target === this.element) close(); }));
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  /** Shows `listing` with `step`'s row marked; opening, takes the focus (its heading). */
  show(listing: Listing, step: number): void {
    if (!this.shown || this.shown.listing !== listing || this.shown.step !== step) {
      this.title.textContent = `Accessible view: ${listing.title}`;
      this.content.replaceChildren(...listing.tables.filter((t) => t.head.length + t.tail.length > 0).map((t, i) => tableOf(t, i, step)));
      this.shown = { listing, step };
    }
    if (this.open) return;
    const active = document.activeElement;
    this.returnTo = active instanceof HTMLElement && active !== document.body ? active : null;
    this.element.hidden = false;
    this.inert(true);
    this.title.focus();
  }

  /** Closes the view, giving the focus back. */
  hide(): void {
    if (!this.open) return;
    this.element.hidden = true;
    this.inert(false);
    this.shown = null;
    const target = this.returnTo?.isConnected ? this.returnTo : this.fallback();
    this.returnTo = null;
    target?.focus();
  }
}

function tableOf(table: ListingTable, index: number, step: number): HTMLElement {
  const id = `listing-table-${index}`;
  const steps = table.head.concat(table.tail).some((row) => row.step > 0);
  const headings = [...(steps ? ['step'] : []), 'node', 'name', 'op', 'shape', table.tensorHeading];
  const line = (row: ListingRow) => {
    const current = steps && row.step === step;
    return el('tr', { ...(current ? { class: 'current', 'aria-current': 'step' } : {}) },
      ...(steps ? [el('td', {}, String(row.step))] : []),
      el('td', {}, `#${row.node}`), el('td', {}, row.name || '—'), el('td', {}, row.op), el('td', {}, row.shape), el('td', { class: 'tensor' }, row.tensor));
  };
  const omitted = table.omitted > 0
    ? [el('tr', {}, el('td', { colspan: String(headings.length), class: 'muted' }, `… ${formatCount(table.omitted)} more rows …`))]
    : [];
  return el('section', {},
    el('h3', { id }, table.title),
    // Focusable so that a keyboard scrolls a long table; a real table, its header row scoped to the columns.
    el('table', { tabindex: '0', 'aria-labelledby': id },
      el('thead', {}, el('tr', {}, ...headings.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...table.head.map(line), ...omitted, ...table.tail.map(line))));
}
