/**
 * The controls of the inspector, from @vscode/webview-ui-toolkit (as the design card asks). The
 * toolkit is archived upstream: it is used only here, behind small factories, so that another set
 * of components (or plain elements) can replace it by changing this one file.
 */
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown, vsCodeOption, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { safely } from './failures';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());
}

export interface ButtonOptions {
  label?: string;
  /** A codicon name (`debug-step-over`…). */
  icon?: string;
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
    const icon = document.createElement('span');
    icon.className = `codicon codicon-${options.icon}`;
    if (options.label) icon.setAttribute('slot', 'start');
    element.append(icon);
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
      (element as unknown as { value: string }).value = value;
    },
  };
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): { element: HTMLElement; set(checked: boolean): void } {
  const element = document.createElement('vscode-checkbox');
  element.textContent = label;
  const state = element as unknown as { checked: boolean };
  state.checked = checked;
  element.addEventListener('change', safely(label, () => onChange(state.checked)));
  return { element, set: (value) => { state.checked = value; } };
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
