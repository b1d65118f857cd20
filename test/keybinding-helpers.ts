// Keybindings compared as VS Code dispatches them: a key sequence ("ctrl+k g": two presses) whose
// presses are a set of modifiers and a key, written in any modifier order. The manifest's keys are
// checked against VS Code's defaults (test/fixtures/keybindings, and the running code-server's own)
// and GitLens's: for each platform, a sequence of ours must not equal one of theirs, and neither may
// be the start of the other (then one could never be pressed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Platform = 'linux' | 'windows' | 'macos';

export interface Binding {
  key: string;
  mac?: string;
  win?: string;
  linux?: string;
  command: string;
  when?: string;
}

const MODIFIERS = ['ctrl', 'shift', 'alt', 'meta'] as const;

/** One press, canonical: "shift+alt+cmd+c" → "shift+alt+meta+c". */
function press(text: string): string {
  const parts = text.toLowerCase().split('+');
  // "ctrl++" is Ctrl and the plus key.
  const key = text.endsWith('++') ? '+' : parts.pop()!;
  const mods = new Set(parts.filter((p) => p !== '').map((p) => (p === 'cmd' || p === 'win' || p === 'super' ? 'meta' : p === 'option' ? 'alt' : p)));
  return [...MODIFIERS.filter((m) => mods.has(m)), key].join('+');
}

/** A key sequence as presses: "ctrl+k  G" → ["ctrl+k", "g"]. */
export function sequence(text: string): string[] {
  return text.trim().split(/\s+/).map(press);
}

/** The key a binding has on `platform` (a contribution's `mac`/`win`/`linux` override `key`); null: none there. */
export function keyOn(binding: Binding, platform: Platform): string | null {
  const specific = platform === 'macos' ? binding.mac : platform === 'windows' ? binding.win : binding.linux;
  const key = specific ?? binding.key;
  return key ? key : null;
}

/**
 * Whether a when clause of ours can never hold where `theirs` does: every alternative (`||`) of
 * theirs requires something ours rules out (`terminalFocus` against our `!terminalFocus`, `x == 'v'`
 * against our `x != 'v'`). Then a single key of theirs and a chord of ours that starts with it
 * live side by side, as VS Code's own ⌘K chords and ⌘K (Clear Terminal) do.
 */
export function excludes(ours: string | undefined, theirs: string | undefined): boolean {
  if (!ours || !theirs) return false;
  const our = new Set(ours.split('&&').map((term) => term.trim().replace(/\s+/g, ' ')));
  const negation = (term: string) => term.startsWith('!') ? term.slice(1).trim()
    : / == /.test(term) ? term.replace(' == ', ' != ') : / != /.test(term) ? term.replace(' != ', ' == ') : `!${term}`;
  return theirs.split('||').every((alternative) => alternative.split('&&').map((term) => term.trim().replace(/\s+/g, ' ')).some((term) => our.has(negation(term))));
}

export interface Collision {
  ours: Binding;
  theirs: Binding;
  platform: Platform;
  /** 'same': the very sequence; 'prefix': one starts the other. */
  kind: 'same' | 'prefix';
}

const startsWith = (long: string[], short: string[]) => short.length < long.length && short.every((p, i) => long[i] === p);

/** Every pair of our binding and theirs that would fight over a key on `platform`. */
export function collisions(ours: readonly Binding[], theirs: readonly Binding[], platform: Platform): Collision[] {
  const found: Collision[] = [];
  const theirKeys = theirs.flatMap((binding) => {
    const key = keyOn(binding, platform);
    // A removal ("-command") or a key that never applies (`when: false`, kept to show a default) binds nothing.
    return key && !binding.command.startsWith('-') && binding.when?.trim() !== 'false' ? [{ binding, seq: sequence(key) }] : [];
  });
  for (const binding of ours) {
    const key = keyOn(binding, platform);
    if (!key) continue;
    const seq = sequence(key);
    for (const other of theirKeys) {
      const same = other.seq.length === seq.length && other.seq.every((p, i) => p === seq[i]);
      if (same) found.push({ ours: binding, theirs: other.binding, platform, kind: 'same' });
      else if ((startsWith(seq, other.seq) || startsWith(other.seq, seq)) && !excludes(binding.when, other.binding.when)) found.push({ ours: binding, theirs: other.binding, platform, kind: 'prefix' });
    }
  }
  return found;
}

/** A press that AltGr types on many keyboard layouts (Ctrl+Alt with a character key): VS Code avoids them too. */
export function isAltGrPress(pressText: string): boolean {
  const parts = pressText.split('+');
  const key = parts.at(-1)!;
  return parts.includes('ctrl') && parts.includes('alt') && !parts.includes('meta') && (key.length === 1 || /^(oem_|\[|\]|\\|;|'|,|\.|\/|`|-|=)/.test(key));
}

/** VS Code's default keybindings for `platform` (VS Code 1.118.1, from codebling/vs-code-default-keybindings). */
export function vscodeDefaults(root: string, platform: Platform): Binding[] {
  return (JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'keybindings', `vscode-${platform}.json`), 'utf8')) as { keybindings: Binding[] }).keybindings;
}

/** GitLens's default keybindings (its package.json, 19.0.1). */
export function gitlensDefaults(root: string): Binding[] {
  return (JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'keybindings', 'gitlens.json'), 'utf8')) as { keybindings: Binding[] }).keybindings;
}

/** The defaults of a keybindings.json text (VS Code's "Default Keyboard Shortcuts (JSON)": comments allowed). */
export function parseKeybindingsJson(text: string): Binding[] {
  const withoutComments = text.split('\n').filter((line) => !/^\s*\/\//.test(line)).join('\n');
  return JSON.parse(withoutComments.replace(/,(\s*[\]}])/g, '$1')) as Binding[];
}

/**
 * Where we share a key with VS Code on purpose: F5 in a file that imports gradlens, in a folder with
 * no launch configurations, starts GradLens's launch — what VS Code's F5 (Start Debugging) would do
 * after asking which debugger (extension/debugKey.ts); never while debugging, so Continue stays
 * VS Code's; Reload in VS Code's built-in browser has a focused browser editor, never a text editor.
 */
export const DELIBERATE_OVERRIDES: readonly { command: string; key: string; theirs: ReadonlySet<string> }[] = [
  { command: 'gradlens.debugFile', key: 'f5', theirs: new Set(['workbench.action.debug.start', 'workbench.action.debug.continue', 'debug.openView', 'workbench.action.browser.reload']) },
];
