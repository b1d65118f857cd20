/**
 * The Getting Started walkthrough's steps complete on what the user really did, told to VS Code as
 * context keys (the manifest's `completionEvents: onContext:…`):
 *
 * - `gradlens:walkthrough.programOpen` — an editor shows a file that imports gradlens (a New
 *   Example… or one of the user's);
 * - `gradlens:walkthrough.computed` — a run of this window made a trace;
 * - `gradlens:walkthrough.stepped` — the user moved the inspector to another backward step;
 * - `gradlens:walkthrough.checked` — a numeric gradient check finished.
 *
 * "Open Run and Debug" completes on the view itself (`onView:gradlens.graph`). Each key is set once:
 * VS Code remembers a completed step.
 */
import * as vscode from 'vscode';
import { isProgram } from './codelens';
import { Disposable } from './dispose';
import type { StepPosition } from './panel';
import type { RunRecord, Runs } from './runs';
import { importsGradlens } from './sites';

export const WALKTHROUGH_ID = 'gradlens.gettingStarted';

export const WALKTHROUGH_KEYS = {
  programOpen: 'gradlens:walkthrough.programOpen',
  computed: 'gradlens:walkthrough.computed',
  stepped: 'gradlens:walkthrough.stepped',
  checked: 'gradlens:walkthrough.checked',
} as const;

export type WalkthroughEvent = keyof typeof WALKTHROUGH_KEYS;

export class Walkthrough extends Disposable {
  private readonly done = new Set<WalkthroughEvent>();
  private readonly happened = this.register(new vscode.EventEmitter<WalkthroughEvent>());
  /** An event of a step happened (each time; VS Code is told the first time). */
  readonly onDidHappen = this.happened.event;

  constructor(runs: Runs) {
    super();
    this.register(vscode.window.onDidChangeActiveTextEditor((editor) => this.considerEditor(editor)));
    this.register(runs.onDidRun((record) => { if (record.origin === 'run' && !record.result.cancelled) this.complete('computed'); }));
    this.considerEditor(vscode.window.activeTextEditor);
  }

  /** The events seen in this window (for tests). */
  get completed(): readonly WalkthroughEvent[] {
    return [...this.done];
  }

  /** The inspector reported a step: a move to another backward step of the same graph is a step taken. */
  stepReported(previous: StepPosition | null, position: StepPosition): void {
    const sameGraph = previous !== null && previous.selection.kind === position.selection.kind
      && 'id' in previous.selection && 'id' in position.selection && previous.selection.id === position.selection.id;
    if (sameGraph && previous.view === 'backward' && position.view === 'backward' && previous.step !== position.step) this.complete('stepped');
  }

  /** A gradient check finished (its record, or null when it did not run). */
  checked(record: RunRecord | null): void {
    if (record && !record.result.cancelled) this.complete('checked');
  }

  complete(event: WalkthroughEvent): void {
    this.happened.fire(event);
    if (this.done.has(event)) return;
    this.done.add(event);
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_KEYS[event], true);
  }

  private considerEditor(editor: vscode.TextEditor | undefined): void {
    if (editor && isProgram(editor.document) && importsGradlens(editor.document.getText())) this.complete('programOpen');
  }
}
