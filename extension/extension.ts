/**
 * GradLens in VS Code: activation wires the pieces together and registers every command, provider
 * and view with the extension's context, so that all of it goes away with the extension.
 *
 * - runs.ts        runs the current file with capture (progress, cancel, output, status bar)
 * - runAndShow.ts  a run, then the inspector on its trace: what every command that runs a file does
 * - panel.ts       the inspector panel (webview/) beside the editor
 * - openTrace.ts   a trace file opened (a big one in parts: its head and its last pass)
 * - partServer.ts  a big trace sent to the inspector in parts, and the parts it asks for
 * - keepAgain.ts   a run traced again keeping a pass it summarised (the Training view asks)
 * - codelens.ts    "Compute gradient" above autograd.record / backward / autograd.grad calls
 * - debug.ts       the `gradlens` launch configuration (F5): a run from the debugger
 * - debugRuns.ts, pausedGraph.ts  a launch that pauses under js-debug, the graph so far at each stop
 * - debugKey.ts    F5 in a GradLens program with no launch.json picks GradLens
 * - typesOffer.ts  offers the engine's types where 'gradlens' does not resolve
 * - traceEditor.ts *.gradlens.json opens in the inspector, as a read-only document
 * - newExample.ts  GradLens: New Example… writes a first program (examples.ts) into the workspace
 * - contextKeys.ts where GradLens applies, for `when` clauses; walkthrough.ts: Getting Started's steps
 * - inlineValues.ts, diagnostics.ts, views.ts: the run's results in the editor, the Problems panel
 *                  and Run and Debug
 */
import * as vscode from 'vscode';
import { summarizeGradchecks } from '../protocol/query/gradcheck';
import { checkSelection } from '../protocol/checkMessages';
import type { SourceRef } from '../protocol/messages';
import { nodeNames } from '../protocol/query/names';
import { hasSelection, sourceOf } from '../protocol/query/refs';
import type { TraceFileParts } from '../capture/readTraceFile';
import { writeTraceFile } from '../capture/traceFile';
import { GradientLenses, isProgram, LENS_LANGUAGES, toggleLenses } from './codelens';
import { WorkspaceContext } from './contextKeys';
import { GradientsDebugger } from './debug';
import { DebugKey } from './debugKey';
import { Problems } from './diagnostics';
import { InlineValues } from './inlineValues';
import { keepAgain } from './keepAgain';
import { notify, shownMessages, type Shown } from './notify';
import { openTrace } from './openTrace';
import { INSPECTOR_VIEW_TYPE, InspectorPanel, type Focus, type PanelEvents } from './panel';
import { partSizes } from './partServer';
import { revealSource } from './reveal';
import { readSettings } from './config';
import type { PausedShown, ShowPaused } from './pausedGraph';
import { runAndShowWith, showRunWith } from './runAndShow';
import { programToRun } from './runFromTrace';
import { TraceTexts } from './traceTexts';
import { endAllRuns, Runs, type RunRecord } from './runs';
import { newExample } from './newExample';
import { TraceEditors } from './traceEditor';
import { addEngineTypes, TypesOffer } from './typesOffer';
import { Walkthrough } from './walkthrough';
import { plainText, safe } from './untrusted';
import { DebugViews } from './views';

/** A Run and Debug view's item (what view/item/context menus pass to commands). */
const isItem = (value: unknown): boolean => typeof value === 'object' && value !== null && 'kind' in value;

/** When the bundle's own code began to run (its modules evaluated): load + activation are timed from here. */
const moduleStarted = Date.now();

/** What activation made: the tests reach it through the extension's exports. */
export interface GradLensApi {
  runs: Runs;
  views: DebugViews;
  problems: Problems;
  lenses: GradientLenses;
  /** The open inspector panel, if any. */
  panel(): InspectorPanel | null;
  /** The offer of the engine's types where 'gradlens' does not resolve. */
  typesOffer: TypesOffer;
  /** The notifications shown since activation (the exact text VS Code got). */
  notifications(): readonly Shown[];
  /** The sizes above which traces go in parts (the tests lower them to see small traces go so). */
  partSizes: typeof partSizes;
  /** Whether F5 in the active editor starts GradLens's launch (the keybinding's context key). */
  debugKey: DebugKey;
  /** Where GradLens applies: the context keys of the manifest's `when` clauses. */
  workspace: WorkspaceContext;
  /** The Getting Started walkthrough's events seen. */
  walkthrough: Walkthrough;
  /** A paused launch's trace so far was shown (at each stop of the debugger). */
  onDidShowPaused: vscode.Event<PausedShown>;
  /** How long activate() took, in ms. */
  activationMs: number;
  /** From the bundle's evaluation to the end of activate(), in ms. */
  loadAndActivationMs: number;
}

export function activate(context: vscode.ExtensionContext): GradLensApi {
  const started = Date.now();
  const runs = new Runs(context);
  const views = new DebugViews(runs);
  const problems = new Problems(runs);
  const lenses = new GradientLenses(runs);
  const inline = new InlineValues(runs);
  const typesOffer = new TypesOffer(context);
  const texts = new TraceTexts();
  // Where GradLens applies (context keys for the manifest's `when` clauses), and the walkthrough's progress.
  const workspace = new WorkspaceContext(runs);
  const walkthrough = new Walkthrough(runs);
  context.subscriptions.push(runs, views, problems, lenses, inline, typesOffer, texts, workspace, walkthrough);
  context.subscriptions.push(vscode.languages.registerCodeLensProvider(LENS_LANGUAGES, lenses));

  const events: PanelEvents = {
    onNodesSelected: (_record, nodeIds) => { if (nodeIds.length > 0) views.reveal(nodeIds[nodeIds.length - 1]!); },
    onCheckGradients: (record) => { void checkGradientsOf(record); },
    onOpenText: (name, text) => texts.show(name, text),
    onKeepAgain: (record, pass) => keepAgain(record, pass, runAndShow, runs.output),
    onStep: (previous, position) => walkthrough.stepReported(previous, position),
  };
  const show = (record: RunRecord, focus: Focus = {}) => InspectorPanel.show(context, runs, events, record, focus);
  const showRun = showRunWith(show);
  const runAndShow = runAndShowWith(runs, showRun);
  // A paused launch's trace so far: in the views (its newest node selected), and in the inspector as a run's would be.
  const showPaused: ShowPaused = (record, focus) => {
    if (readSettings(vscode.Uri.file(record.file)).openInspector || InspectorPanel.active) show(record, focus);
    const newest = focus.nodeIds?.at(-1);
    if (newest !== undefined) views.reveal(newest);
  };
  // F5 / Run and Debug with a `gradlens` launch configuration: the inspector opens when the run ends.
  const debuggers = new GradientsDebugger(runs, runAndShow, showRun, showPaused, vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath);
  // F5 in a GradLens program with no launch.json: GradLens's launch, without VS Code's debugger picker.
  const debugKey = new DebugKey();
  // *.gradlens.json opens in the inspector (also in Restricted Mode: reading a trace runs nothing).
  const traceEditors = new TraceEditors(context, runs, events);
  context.subscriptions.push(debuggers, debugKey, traceEditors);
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => { InspectorPanel.revive(panel, context, runs, events); },
  }));

  /** Runs a file (the given one, or the active editor's) and shows what the lens pointed at. */
  const compute = async (uri: vscode.Uri | undefined, line: number | null) => {
    // No file given and no text editor active (a walkthrough's button, the inspector focused): the program last in an editor.
    const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? workspace.lastProgram() ?? undefined;
    if (!target || target.scheme !== 'file') {
      void notify('info', 'GradLens: open a TypeScript or JavaScript file that imports gradlens first.');
      return null;
    }
    return runAndShow(target, { line });
  };
  const lastOrSay = (): RunRecord | null => {
    const record = runs.last();
    if (!record) void notify('info', 'GradLens has no trace yet: run "GradLens: Compute Gradients for Current File" or click a "Compute gradient" lens.');
    return record;
  };
  const step = (to: 'next' | 'previous' | 'first' | 'last') => () => {
    const panel = InspectorPanel.active;
    if (panel) panel.step(to);
    else void notify('info', 'GradLens: open the inspector to step through a backward pass.');
  };

  const focusInspector = (where: 'graph' | 'accessibleView') => {
    const panel = InspectorPanel.active;
    if (panel) panel.focus(where);
    else void notify('info', 'GradLens: open the inspector first (GradLens: Open Inspector, or a "Compute gradient" lens).');
  };

  /** Runs `uri` with numeric gradient checks and reports them (Gradients view, Problems, a notification). */
  const checkGradients = async (uri: vscode.Uri): Promise<RunRecord | null> => {
    const record = await runAndShow(uri, { gradcheck: true });
    if (!record || record.result.cancelled) return record;
    void vscode.commands.executeCommand('gradlens.gradients.focus');
    const names = nodeNames(record.trace);
    const report = summarizeGradchecks(record.trace.backwardPasses, (id) => names.get(id) ?? `node ${id}`);
    void notify(report.failed.length > 0 ? 'warning' : 'info', safe.notification`GradLens: ${report.text}`);
    walkthrough.checked(record);
    return record;
  };
  /** The same for the program a trace names: a trace read from a file only with the user's yes (runFromTrace.ts). */
  const checkGradientsOf = async (record: RunRecord): Promise<RunRecord | null> => {
    const uri = await programToRun(record, 'Check Gradients Numerically');
    return uri ? checkGradients(uri) : null;
  };

  const commands: Record<string, (...args: never[]) => unknown> = {
    // From the editor's title bar VS Code passes the file; from the palette, nothing (the active editor).
    'gradlens.computeGradients': (uri?: vscode.Uri) => compute(uri instanceof vscode.Uri ? uri : undefined, null),
    'gradlens.computeGradient': (uri: vscode.Uri, line: number) => compute(uri, typeof line === 'number' ? line : null),
    // F5 in a GradLens program (debugKey.ts), the palette, or with the file: a launch that pauses at breakpoints.
    'gradlens.debugFile': (uri?: unknown) => debugKey.debug(uri instanceof vscode.Uri ? uri : undefined),
    // The Variables view's context menu while a GradLens launch is paused: the variable's array in the inspector.
    'gradlens.showVariable': (context?: unknown) => debuggers.debugRuns.showVariable(context),
    'gradlens.openInspector': () => {
      const record = lastOrSay();
      if (record) show(record);
    },
    // From the lenses: a file and what to show of its last run. Arguments are data too: a selection
    // that is not one, or that names nothing in the trace held for the file, is logged and dropped.
    'gradlens.openInspectorAt': (uri: unknown, selection: unknown) => {
      const record = uri instanceof vscode.Uri ? runs.last(uri.fsPath) : null;
      if (!record) return null;
      const valid = checkSelection(selection) && hasSelection(record.trace, selection);
      if (!valid) runs.output.appendLine(`gradlens.openInspectorAt: ignored a selection that names nothing in the trace of ${plainText(record.file)}`);
      return show(record, valid ? { selection } : {});
    },
    // From the views and the hovers: nodes by id (and, for a graph break without a node, a reference),
    // resolved against the trace held here — never a path from the arguments.
    'gradlens.focusNodes': (file: unknown, nodeIds: unknown, ref?: SourceRef | null) => {
      const record = (typeof file === 'string' ? runs.last(file) : null) ?? runs.last();
      if (!record) return;
      const ids = Array.isArray(nodeIds) ? nodeIds.filter((id): id is number => Number.isSafeInteger(id)) : [];
      const panel = InspectorPanel.active ?? show(record);
      panel.focusNodes(ids);
      // The node's line, else (a node of a part not loaded) the line of what the item names.
      const targets: SourceRef[] = [...(ids.length > 0 ? [{ kind: 'node' as const, id: ids[ids.length - 1]! }] : []), ...(ref ? [ref] : [])];
      const source = targets.map((target) => sourceOf(record.trace, target)).find((found) => found !== null) ?? null;
      if (source) void revealSource(record, source, true);
    },
    // For the keyboard and screen readers: the inspector's graph, or the shown graph as tables.
    'gradlens.focusGraph': () => focusInspector('graph'),
    'gradlens.showGraphAsText': () => focusInspector('accessibleView'),
    'gradlens.nextStep': step('next'),
    'gradlens.previousStep': step('previous'),
    'gradlens.firstStep': step('first'),
    'gradlens.lastStep': step('last'),
    // The last file run, at the same lens if a lens started it, with the same arguments (a run traced again had its trace's).
    'gradlens.rerun': () => {
      const last = runs.lastRequested;
      if (last) return runAndShow(last.uri, { line: last.line, ...(last.args ? { args: last.args } : {}) });
      void notify('info', 'GradLens has not run anything yet: use "Compute Gradients for Current File" or a "Compute gradient" lens.');
      return null;
    },
    'gradlens.cancel': () => runs.cancel(),
    // From the Gradients view (its title or a variable), the palette or the editor: the file is the
    // one given, the active editor's, or the last one run.
    'gradlens.gradcheck': async (target?: unknown) => {
      const editor = vscode.window.activeTextEditor?.document;
      if (target instanceof vscode.Uri) return checkGradients(target);
      if (editor && isProgram(editor) && !isItem(target)) return checkGradients(editor.uri);
      const last = runs.last();
      if (last) return checkGradientsOf(last);
      void notify('info', 'GradLens: open a TypeScript or JavaScript file that imports gradlens to check its gradients.');
      return null;
    },
    // From the palette (a file dialog), or with the file (the Explorer's context menu on a trace).
    'gradlens.openTrace': async (given?: unknown) => {
      const picked = given instanceof vscode.Uri ? given
        : (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'GradLens traces': ['json', 'partial'] }, title: 'Open a GradLens trace' }))?.[0];
      if (!picked) return null;
      const name = vscode.workspace.asRelativePath(picked);
      const read = openTrace(picked.fsPath);
      if (!read.ok) {
        void notify('error', safe.notification`GradLens: ${name} is not a trace GradLens can show: ${read.problems.slice(0, 3).join('; ')}`);
        return null;
      }
      if (read.notice) void notify('warning', safe.notification`GradLens: ${read.notice}`);
      const record = runs.adopt(read.trace, picked.fsPath, 'file', read.fileParts);
      show(record);
      return record;
    },
    'gradlens.exportTrace': async () => {
      const record = lastOrSay();
      if (!record) return;
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(record.file))?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = `${record.file.split(/[\\/]/).pop()}.gradlens.json`;
      const target = await vscode.window.showSaveDialog({ ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}), filters: { 'GradLens traces': ['json'] }, title: 'Export the trace' });
      if (!target) return;
      try {
        // A trace opened in parts is its file (the record holds only some parts): a copy of it, unchanged since.
        if (record.fileParts && record.tracePath) await copyTraceFile(record.fileParts, record.tracePath, target);
        // On disk through the safe writer (never one string: a big trace would not fit); elsewhere through VS Code.
        else if (target.scheme === 'file') writeTraceFile(record.trace, target.fsPath);
        else await vscode.workspace.fs.writeFile(target, Buffer.from(JSON.stringify(record.trace)));
      } catch (error) {
        void notify('error', safe.notification`GradLens could not write ${vscode.workspace.asRelativePath(target)}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      void notify('info', safe.notification`GradLens: trace written to ${vscode.workspace.asRelativePath(target)}`);
    },
    'gradlens.showOutput': () => runs.output.show(true),
    // From the palette: the active editor's folder; from the offer (typesOffer.ts): the folder it names.
    'gradlens.addEngineTypes': (target?: unknown) => addEngineTypes(context.extensionPath, target instanceof vscode.Uri ? target : undefined),
    // From the palette or the walkthrough (its link names the example): a first program, written and opened.
    'gradlens.newExample': (id?: unknown) => newExample(context.extensionPath, id),
    'gradlens.toggleCodeLens': () => toggleLenses(),
  };
  for (const [id, handler] of Object.entries(commands)) context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));

  const activationMs = Date.now() - started;
  const loadAndActivationMs = Date.now() - moduleStarted;
  runs.output.appendLine(`GradLens activated in ${activationMs} ms (${loadAndActivationMs} ms since its code was loaded)`);
  return { runs, views, problems, lenses, typesOffer, panel: () => InspectorPanel.active, notifications: shownMessages, partSizes, onDidShowPaused: debuggers.debugRuns.onDidShowPaused, debugKey, workspace, walkthrough, activationMs, loadAndActivationMs };
}

/** Copies the file a trace was opened from in parts to `target`, if it has not changed since (else throws why). */
async function copyTraceFile(parts: TraceFileParts, path: string, target: vscode.Uri): Promise<void> {
  // Reading no part checks only that the file is the one opened.
  const same = parts.read([]);
  if (!same.ok) throw new Error(same.problem);
  await vscode.workspace.fs.copy(vscode.Uri.file(path), target, { overwrite: true });
}

export function deactivate(): void {
  // Everything else is in context.subscriptions; a program still running is ended with its every process.
  endAllRuns();
}
