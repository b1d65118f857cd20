/**
 * The toolkit applies VS Code's theme to its components when the window's load event comes
 * (@vscode/webview-ui-toolkit's initThemeChangeListener, run as its modules are evaluated, then its
 * observer of theme changes). In the second script, after the first frame, that event has mostly
 * come already: the components would keep the toolkit's dark defaults whatever the theme. So while
 * the second script's modules are evaluated (later.ts imports this first and ends it once they
 * are), a listener for a load that has come runs at once (after the script, its modules complete).
 */
const addEventListener = window.addEventListener;

if (document.readyState === 'complete') {
  window.addEventListener = function (this: Window, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    addEventListener.call(this, type, listener as EventListenerOrEventListenerObject, options);
    if (type !== 'load' || !listener) return;
    queueMicrotask(() => {
      const event = new Event('load');
      if (typeof listener === 'function') listener.call(window, event);
      else listener.handleEvent(event);
    });
  } as typeof window.addEventListener;
}

/** From now on, a listener for the load event waits for it, as usual. */
export function endLateLoad(): void {
  window.addEventListener = addEventListener;
}
