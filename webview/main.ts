/** The inspector's entry point, in a VS Code webview or a standalone page. */
const scriptStartedAt = performance.now();
// Every stylesheet is the first script's (dist/webview.css): uPlot's is for the charts of the second.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { InspectorApp } from './app';
import { connectHost, readEmbeddedTrace } from './host';
import type { HostToWebview } from '../protocol/messages';
import { errorText } from './ui/failures';

function toast(text: string): void {
  const element = document.createElement('div');
  element.className = 'toast';
  element.setAttribute('role', 'status');
  element.textContent = text;
  document.body.append(element);
  setTimeout(() => element.remove(), 6000);
}

// Standalone, follow the browser's light/dark preference unless the page chose a theme.
const body = document.body.classList;
if (body.contains('standalone') && !body.contains('light') && !body.contains('dark')) {
  body.add(window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

const root = document.getElementById('app');
if (root) {
  const host = connectHost(toast);
  const app = new InspectorApp(root, host);
  app.timings.scriptStartedAt = scriptStartedAt;
  // Whatever a message holds, it ends on screen, never as an uncaught exception.
  const deliver = (message: HostToWebview) => {
    try {
      app.receive(message);
    } catch (error) {
      console.error('GradLens inspector: a message from the host failed', error);
      app.showError('The inspector failed', [errorText(error)]);
    }
  };
  host.onMessage(deliver);
  host.post({ type: 'webview/ready' });
  // For tests and benchmarks: the app, the path host messages take, and a standalone page's trace.
  (window as unknown as { gradlens?: unknown }).gradlens = { app, deliver, embeddedTrace: readEmbeddedTrace };
}
