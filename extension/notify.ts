/**
 * Every notification GradLens shows goes through here: the message is built with
 * `safe.notification` (untrusted.ts) by the caller, and checked once more here — a message in which
 * VS Code would draw a link is never shown as is (its links are broken), and the check is logged.
 * The last messages are kept for the tests (the extension's API).
 */
import * as vscode from 'vscode';
import { notificationLinks, notificationText } from './untrusted';

export type Level = 'info' | 'warning' | 'error';

/** What was shown, for tests: the level and the exact text VS Code got. */
export interface Shown {
  level: Level;
  message: string;
}

const MAX_KEPT = 50;
const shown: Shown[] = [];

/** The messages shown since activation, oldest first (at most the last 50). */
export function shownMessages(): readonly Shown[] {
  return shown;
}

function guard(message: string): string {
  // GradLens's own messages never carry links: one that parses as a link came from outside.
  return notificationLinks(message).length === 0 ? message : notificationText(message, { limit: Number.MAX_SAFE_INTEGER });
}

/** Shows a notification; `message` must be built with `safe.notification` for any outside text. */
export function notify<T extends string>(level: Level, message: string, ...actions: T[]): Thenable<T | undefined> {
  const text = guard(message);
  shown.push({ level, message: text });
  if (shown.length > MAX_KEPT) shown.shift();
  const show = level === 'error' ? vscode.window.showErrorMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  return show(text, ...actions) as Thenable<T | undefined>;
}

/** A modal question (a dialog, not a toast): the answer, or undefined when dismissed. */
export function ask<T extends string>(message: string, detail: string, ...actions: T[]): Thenable<T | undefined> {
  const text = guard(message);
  shown.push({ level: 'warning', message: `${text}\n${detail}` });
  if (shown.length > MAX_KEPT) shown.shift();
  return vscode.window.showWarningMessage(text, { modal: true, detail }, ...actions) as Thenable<T | undefined>;
}
