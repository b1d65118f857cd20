/**
 * A live region: a visually hidden element whose text screen readers read out when it changes
 * (aria-live="polite": after what they are saying). Changes closer together than its delay are
 * folded into the last one, so stepping fast or holding an arrow key reads one sentence, not a
 * queue of stale ones. Text only (textContent): the words may hold names from the trace.
 */
import { safely } from './failures';

export class LiveRegion {
  readonly element: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(name: string, private readonly delayMs: number) {
    this.element = document.createElement('div');
    this.element.className = `sr-only ${name}`;
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-atomic', 'true');
  }

  /** Says `text` once the changes have rested for the region's delay. */
  say(text: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(safely('announcing', () => {
      this.timer = null;
      // The same words again (a move that goes nowhere, twice) are read only if the text changes: a trailing no-break space.
      this.element.textContent = this.element.textContent === text ? `${text}\u00a0` : text;
    }), this.delayMs);
  }

  /** Drops what is waiting to be said (a new graph: the step of the old one is stale). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
