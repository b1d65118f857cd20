/** Building DOM: every string from a trace goes in as text, never as HTML. */
import { safely } from './failures';

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') element.className = value;
    else element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** A link-looking button (keyboard reachable) that runs `onClick`. */
export function link(text: string, title: string, onClick: () => void): HTMLElement {
  const element = el('button', { class: 'link', title, type: 'button' }, text);
  element.addEventListener('click', safely(title, onClick));
  return element;
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return el('section', { class: 'panel' }, el('h2', {}, title), ...children);
}
