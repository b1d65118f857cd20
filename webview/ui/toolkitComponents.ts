/**
 * The toolkit's components, defined: the elements toolkit.ts made upgrade in place. In the script
 * loaded after the first frame (later.ts): FAST's design system and six components are a third
 * of the first script's size and a tenth of a second of the page's start.
 */
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown, vsCodeOption, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());
}
