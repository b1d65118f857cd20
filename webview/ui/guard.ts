/** A panel that throws while it is built shows what went wrong in its place; the rest of the page goes on. */
import { el, section } from './dom';
import { errorText } from './failures';

/** The panel `build` makes, or a panel titled `title` that says it failed. */
export function guardedPanel(title: string, build: () => HTMLElement | null): HTMLElement | null {
  try {
    return build();
  } catch (error) {
    console.error(`GradLens inspector: the ${title} panel failed`, error);
    return section(title, el('p', { class: 'error panel-error', role: 'alert' }, `This panel could not be shown: ${errorText(error)}`));
  }
}
