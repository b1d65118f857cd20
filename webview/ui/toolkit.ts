/**
 * The controls of the inspector, from @vscode/webview-ui-toolkit (as the design card asks). The
 * toolkit is archived upstream: it is used only here, behind small factories, so that another set
 * of components (or plain elements) can replace it by changing this file and toolkitComponents.ts.
 *
 * The factories make the toolkit's elements without its code: the components are defined after
 * the first frame (toolkitComponents.ts, in the script loaded then: registering them and drawing
 * their shadow trees costs a tenth of a second), and upgrade the elements in place. Until then the
 * elements are hidden (styles.css) and what is set on them waits (`setProperty`).
 */
import { icon, type IconName } from './icons';
import { safely } from './failures';

/** Properties set on an element before its component was defined, applied once it is. */
const pending = new WeakMap<HTMLElement, Record<string, unknown>>();

/**
 * `element[name] = value`, once the element is its component: a property set on the element before
 * would hide the component's own (the upgrade keeps an instance's properties).
 */
function setProperty(element: HTMLElement, name: string, value: unknown): void {
  const tag = element.localName;
  if (customElements.get(tag)) {
    delete pending.get(element)?.[name];
    (element as unknown as Record<string, unknown>)[name] = value;
    return;
  }
  let waiting = pending.get(element);
  if (!waiting) {
    const properties: Record<string, unknown> = {};
    waiting = properties;
    pending.set(element, properties);
    void customElements.whenDefined(tag).then(safely(`setting up a ${tag}`, () => {
      customElements.upgrade(element); // one not in the page yet is not upgraded by the definition
      pending.delete(element);
      for (const [key, later] of Object.entries(properties)) (element as unknown as Record<string, unknown>)[key] = later;
    }));
  }
  waiting[name] = value;
}

export interface ButtonOptions {
  label?: string;
  /** A codicon (icons.ts). */
  icon?: IconName;
  title: string;
  onClick: () => void;
  appearance?: 'primary' | 'secondary' | 'icon';
}

export function button(options: ButtonOptions): HTMLElement {
  const element = document.createElement('vscode-button');
  element.setAttribute('appearance', options.appearance ?? (options.label ? 'secondary' : 'icon'));
  element.setAttribute('title', options.title);
  element.setAttribute('aria-label', options.title);
  if (options.icon) {
    const image = icon(options.icon);
    if (options.label) image.setAttribute('slot', 'start');
    element.append(image);
  }
  if (options.label) element.append(document.createTextNode(options.label));
  element.addEventListener('click', safely(options.title, () => options.onClick()));
  return element;
}

export interface Choice {
  value: string;
  label: string;
  /** Shown but not selectable (a heading): FAST's listbox skips disabled options with the keys and ignores clicks on them. */
  disabled?: boolean;
}

/** A dropdown; `set` replaces the choices and the selected value. */
export function dropdown(title: string, onChange: (value: string) => void): { element: HTMLElement; set(choices: Choice[], value: string): void } {
  const element = document.createElement('vscode-dropdown');
  element.setAttribute('title', title);
  element.setAttribute('aria-label', title);
  element.addEventListener('change', safely(title, () => onChange((element as unknown as { value: string }).value)));
  return {
    element,
    set(choices, value) {
      element.replaceChildren(...choices.map((choice) => {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', choice.value);
        option.textContent = choice.label;
        if (choice.disabled) { option.setAttribute('disabled', ''); option.classList.add('heading'); }
        return option;
      }));
      setProperty(element, 'value', value);
      // Before its component is defined, the element is as wide as the choice it will show (styles.css).
      if (!customElements.get(element.localName)) element.dataset.shown = choices.find((choice) => choice.value === value)?.label ?? choices[0]?.label ?? '';
    },
  };
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): { element: HTMLElement; set(checked: boolean): void } {
  const element = document.createElement('vscode-checkbox');
  element.textContent = label;
  // FAST's checkbox says `change` when the program sets it too: only a change from what was set is the user's.
  let set = checked;
  setProperty(element, 'checked', checked);
  element.addEventListener('change', safely(label, () => {
    const now = (element as unknown as { checked: boolean }).checked;
    if (now === set) return;
    set = now;
    onChange(now);
  }));
  return { element, set: (value) => { set = value; setProperty(element, 'checked', value); } };
}

export function textField(placeholder: string, onInput: (value: string) => void, onEnter: (value: string) => void): HTMLElement {
  const element = document.createElement('vscode-text-field');
  element.setAttribute('placeholder', placeholder);
  element.setAttribute('aria-label', placeholder);
  const value = () => (element as unknown as { value: string }).value ?? '';
  element.addEventListener('input', safely(placeholder, () => onInput(value())));
  element.addEventListener('keydown', safely(placeholder, (event: Event) => { if ((event as KeyboardEvent).key === 'Enter') onEnter(value()); }));
  return element;
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}
