/** The tooltip over the graph: plain text beside the pointer. */
import { el } from './dom';

export class Tooltip {
  readonly element = el('div', { class: 'graph-tooltip', role: 'tooltip', hidden: '' });

  show(text: string | null, at: { x: number; y: number } | null): void {
    if (!text || !at) { this.element.hidden = true; return; }
    this.element.textContent = text;
    this.element.style.left = `${Math.round(at.x + 14)}px`;
    this.element.style.top = `${Math.round(at.y + 14)}px`;
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
