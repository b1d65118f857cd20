// Hostile traces and the watchers the security tests share: traces are made from a real one
// (test/fixtures/traces/simple.gradlens.json), written into the workspace, opened as a user would.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { Trace } from '../../protocol/trace';

/** Link text that would run a command if VS Code drew it as a link. */
export const COMMAND_LINK = '[Open this](command:workbench.action.terminal.new)';
export const RLO = '\u202E';

/** The repository, seen from dist/test/extension/x.test.js. */
const repoRoot = resolve(__dirname, '..', '..', '..');

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with a copy of test/fixtures/workspace open');
  return folder.uri.fsPath;
}

/** The trace of simple.ts as if run in this workspace: a fresh copy to change. */
export function simpleTrace(): Trace {
  const text = readFileSync(join(repoRoot, 'test', 'fixtures', 'traces', 'simple.gradlens.json'), 'utf8');
  return JSON.parse(text.split('$WORKSPACE').join(workspaceFolder().replace(/\\/g, '\\\\'))) as Trace;
}

/** Writes `value` (a trace, or anything) as JSON into the workspace and returns its URI. */
export function writeTrace(name: string, value: unknown): vscode.Uri {
  const path = join(workspaceFolder(), name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return vscode.Uri.file(path);
}

/** What the extension asked VS Code to show: modal questions (answered with `answer`) and progress titles. */
export interface Watch {
  modals: string[];
  progressTitles: string[];
  /** The answer the next modal questions get (undefined: dismissed). */
  answer: string | undefined;
  restore(): void;
}

/** Records modal questions and progress titles (the tests share this API object with the extension). */
export function watchWindow(): Watch {
  const window = vscode.window as unknown as Record<'showWarningMessage' | 'withProgress', (...args: unknown[]) => unknown>;
  const originals = { showWarningMessage: window.showWarningMessage, withProgress: window.withProgress };
  const watch: Watch = {
    modals: [], progressTitles: [], answer: undefined,
    restore: () => Object.assign(window, originals),
  };
  window.showWarningMessage = (...args: unknown[]) => {
    const options = args[1] as { modal?: boolean; detail?: string } | undefined;
    if (typeof options === 'object' && options?.modal) {
      watch.modals.push(`${String(args[0])}\n${options.detail ?? ''}`);
      return Promise.resolve(watch.answer);
    }
    return originals.showWarningMessage.apply(vscode.window, args);
  };
  window.withProgress = (...args: unknown[]) => {
    watch.progressTitles.push(String((args[0] as { title?: string }).title));
    return originals.withProgress.apply(vscode.window, args);
  };
  return watch;
}

/** The documents open in VS Code, by path. */
export function openPaths(): string[] {
  return vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => d.uri.fsPath);
}
