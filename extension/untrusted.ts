/**
 * Text from outside — a trace, a program's output or error, a file name — for each kind of place
 * VS Code shows text. Each place has its own syntax that such text could use to become more than
 * text: notifications turn `[label](command:…)` into a link that runs a command, status bar items
 * and CodeLens titles draw `$(icon)`, markdown (hovers) has links and HTML. Every string from
 * outside goes through one of these before it is shown; all of them first make hidden and
 * reordering characters visible (display.ts). Pure: no VS Code, tested in Node.
 *
 * ```ts
 * const message = safe.notification`GradLens: ${name} failed: ${error.message}`;
 * ```
 */
import { visible, type DisplayOptions } from '../protocol/display';

/** VS Code's own link syntax in notification messages (vs/base/common/linkedText.ts). */
export const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

/** How much of one piece of outside text a notification shows. */
export const NOTIFICATION_LIMIT = 400;

/** For a notification: visible, and `](` broken so that no link can form (`] (`). */
export function notificationText(text: string, options: DisplayOptions = {}): string {
  return visible(text, { limit: NOTIFICATION_LIMIT, ...options }).replace(/\]\s*\(/g, '] (');
}

/** For text that draws `$(icon)` (status bar, CodeLens titles): visible, icons escaped as VS Code reads them. */
export function iconSafeText(text: string, options: DisplayOptions = {}): string {
  return visible(text, options).replace(/\$\(/g, '\\$(');
}

/** For plain-text places (tree items, tooltips, diagnostics, decorations, the panel title). */
export function plainText(text: string, options: DisplayOptions = {}): string {
  return visible(text, options);
}

/** For markdown: visible, then every character markdown or HTML could read escaped (and `$(` icons). */
export function markdownText(text: string, options: DisplayOptions = {}): string {
  return visible(text, options)
    .replace(/[\\`*_{}[\]()#+\-.!|<>~&"':]/g, (c) => `\\${c}`)
    .replace(/\$/g, '\\$');
}

type Escape = (text: string) => string;

/** A tagged template whose interpolations are outside text, escaped with `escape`; the literal parts are ours. */
function template(escape: Escape) {
  return (parts: TemplateStringsArray, ...values: unknown[]): string =>
    parts.reduce((out, part, i) => out + part + (i < values.length ? escape(String(values[i])) : ''), '');
}

/** Templates for each kind of place: `safe.notification\`… ${outside} …\``. */
export const safe = {
  notification: template((text) => notificationText(text)),
  icons: template((text) => iconSafeText(text)),
  plain: template((text) => plainText(text)),
  markdown: template((text) => markdownText(text)),
};

/** The links VS Code would draw in a notification message (empty for a safe one): for tests and checks. */
export function notificationLinks(message: string): string[] {
  return [...message.matchAll(NOTIFICATION_LINK)].map((match) => match[2]!);
}
