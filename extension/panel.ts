/**
 * The inspector panel beside the editor: the webview of webview/, one at a time. It answers the
 * webview's `webview/ready` with a complete snapshot of the current trace (a hidden webview is
 * destroyed and asks again when shown: the answer is always whole), reveals source lines the
 * inspector links to, follows the editor's cursor to the nodes of its line, saves exports, and
 * passes on the wish to check gradients or to trace a run again keeping a summarised pass. A big
 * trace goes in parts (partServer.ts): the snapshot holds its head and the first graph's parts, and
 * the inspector asks for others (`parts/load`) as it opens them.
 * After a window reload VS Code revives it through the serializer; the webview restores its own UI
 * state and the host reads the last trace back from the extension's storage.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { checkWebviewMessage } from '../protocol/checkMessages';
import type { HostToWebview, Selection, SourceRef, TextRef, WebviewToHost } from '../protocol/messages';
import { sourceOf, textOf } from '../protocol/query/refs';
import { passToKeep } from '../protocol/query/training';
import type { Source, Trace } from '../protocol/trace';
import { readSettings } from './config';
import { Disposable } from './dispose';
import { notify } from './notify';
import { openTrace } from './openTrace';
import { panelHtml } from './panelHtml';
import { PartServer } from './partServer';
import { revealSource } from './reveal';
import type { RunRecord, Runs } from './runs';
import { plainText, safe } from './untrusted';

export const INSPECTOR_VIEW_TYPE = 'gradlens.inspector';
/** Context key: an inspector is open (the step keys' `when`). */
export const INSPECTOR_OPEN = 'gradlens:inspectorOpen';

/** The panel's tab icon, drawn for light and for dark themes (a `currentColor` SVG would draw black on dark tabs). */
export const PANEL_ICONS = (extensionUri: vscode.Uri) => ({
  light: vscode.Uri.joinPath(extensionUri, 'media', 'gradlens-light.svg'),
  dark: vscode.Uri.joinPath(extensionUri, 'media', 'gradlens-dark.svg'),
});

/** Where the inspector should go when it shows a trace. */
export interface Focus {
  selection?: Selection;
  nodeIds?: number[];
  /** Where the stepper goes on it: the last step (a paused recording: every op so far computed). */
  step?: 'last';
}

/** What the panel reports to the rest of the extension. */
export interface PanelEvents {
  /** The user selected nodes in the graph. */
  onNodesSelected(record: RunRecord, nodeIds: number[]): void;
  /** The user asked to check the shown trace's gradients numerically (its program runs again). */
  onCheckGradients(record: RunRecord): void;
  /** The user asked for the whole of a text the inspector cut short. */
  onOpenText(name: string, text: string): Promise<unknown>;
  /** The user asked to trace the shown trace's program again keeping `pass` (a summarised pass of it) whole. */
  onKeepAgain(record: RunRecord, pass: number): Promise<unknown>;
  /** The inspector reported where its stepper is (`previous`: its report before, null after a new snapshot). */
  onStep(previous: StepPosition | null, position: StepPosition): void;
}

/** A document name for a text of the trace: what it is, never the text itself. */
function textName(ref: TextRef): string {
  const what = { op: 'op name', attrs: 'attributes', sourceFile: 'source file', sourceText: 'source line', message: 'message', error: 'error', stack: 'stack', stdout: 'stdout', stderr: 'stderr' }[ref.field];
  const of = ref.kind === 'node' ? `node ${ref.id} ` : ref.kind === 'pass' ? `backward pass ${ref.id} ` : ref.kind === 'break' ? `graph break ${ref.index} ` : ref.kind === 'anomaly' ? `anomaly ${ref.index} ` : ref.kind === 'error' ? 'the error\'s ' : 'the program\'s ';
  return `${of}${what}.txt`;
}

/** Where the inspector's stepper is (for commands and tests). */
export interface StepPosition {
  selection: Selection;
  view: 'backward' | 'forward';
  step: number;
  total: number;
  nodeIds: number[];
}

export class InspectorPanel extends Disposable {
  private static current: InspectorPanel | null = null;
  private ready = false;
  private position: StepPosition | null = null;
  /** The step last reported since the last snapshot sent (null: none yet, the next report is where it opened). */
  private sinceSnapshot: StepPosition | null = null;
  private asked: Selection | null = null;
  /** The parts of the last snapshot sent, and what the inspector holds of them (null: none sent since the record changed). */
  private parts: PartServer | null = null;
  private readonly focused = this.register(new vscode.EventEmitter<number[]>());
  /** The host asked the inspector to select nodes (tests). */
  readonly onDidFocusNodes = this.focused.event;
  private readonly stepped = this.register(new vscode.EventEmitter<StepPosition>());
  /** The inspector moved to another step. */
  readonly onDidStep = this.stepped.event;
  private readonly stepLine = this.register(vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
  }));
  private cursorTimer: ReturnType<typeof setTimeout> | null = null;
  /** Messages that carry the host's wishes (focus, steps), sent once the webview is ready. */
  private pending: HostToWebview[] = [];
  private readonly highlight = this.register(vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
  }));

  /** Every inspector open (the panel and trace files' editors): `gradlens:inspectorOpen` says whether there is one. */
  private static readonly open = new Set<InspectorPanel>();

  private static countOpen(): void {
    void vscode.commands.executeCommand('setContext', INSPECTOR_OPEN, InspectorPanel.open.size > 0);
  }

  /** The panel a trace file's editor opened last or focused last (trace files open as documents: traceEditor.ts). */
  private static focusedDocument: InspectorPanel | null = null;

  /** The inspector the user works in (for commands and tests): the one focused last of the panel and the trace files' editors. */
  static get active(): InspectorPanel | null {
    return InspectorPanel.focusedDocument ?? InspectorPanel.current;
  }

  /** Shows the panel (creating it beside the editor) on `record`, going to `focus`. */
  static show(context: vscode.ExtensionContext, runs: Runs, events: PanelEvents, record: RunRecord, focus: Focus = {}): InspectorPanel {
    // The panel shown is the inspector commands act on from now (not a trace file's editor seen before).
    InspectorPanel.focusedDocument = null;
    const existing = InspectorPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, true);
      existing.setRecord(record, focus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(INSPECTOR_VIEW_TYPE, 'GradLens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
    });
    return new InspectorPanel(panel, context, runs, events, record, focus);
  }

  /** Brings back a panel VS Code restored after a reload (the serializer calls this). */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, runs: Runs, events: PanelEvents): InspectorPanel {
    InspectorPanel.current?.dispose();
    let record = runs.last();
    const saved = runs.lastSaved();
    if (!record && saved) {
      const read = openTrace(saved.path); // a trace that is gone or unreadable: the panel says so below
      if (read.ok) record = runs.adopt(read.trace, saved.path, saved.origin, read.fileParts);
    }
    return new InspectorPanel(panel, context, runs, events, record, {});
  }

  /**
   * The inspector in the editor VS Code opened for a trace file (traceEditor.ts): it shows that
   * file's trace and no other (runs do not replace it), in a tab VS Code names after the file;
   * `unreadable`: why there is no trace to show.
   */
  static forDocument(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, runs: Runs, events: PanelEvents, record: RunRecord | null, unreadable?: string): InspectorPanel {
    return new InspectorPanel(panel, context, runs, events, record, {}, { unreadable: unreadable ?? null });
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly runs: Runs,
    private readonly events: PanelEvents,
    private record: RunRecord | null,
    focus: Focus,
    /** Set for the editor of a trace file: its trace only, or why it has none. */
    private readonly document: { unreadable: string | null } | null = null,
  ) {
    super();
    if (document) InspectorPanel.focusedDocument = this;
    else InspectorPanel.current = this;
    InspectorPanel.open.add(this);
    InspectorPanel.countOpen();
    this.queueFocus(focus);
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] };
    if (!document) panel.iconPath = PANEL_ICONS(context.extensionUri);
    this.setTitle();
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.js')).toString(),
      laterUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview-later.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
      title: 'GradLens',
    });
    this.register(webview.onDidReceiveMessage((value: unknown) => this.handle(value)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
      // The trace file's editor the user is in is the inspector commands act on; the panel otherwise.
      if (document && panel.active) InspectorPanel.focusedDocument = this;
      else if (!document && panel.active) InspectorPanel.focusedDocument = null;
    }));
    this.register(vscode.window.onDidChangeTextEditorSelection((event) => this.followCursor(event)));
    if (!document) this.register(runs.onDidRun((next) => { if (next !== this.record) this.setRecord(next, next.focus ? { selection: next.focus } : {}); }));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('gradlens.thresholds')) this.post({ type: 'settings/thresholds', thresholds: this.thresholds() });
    }));
  }

  /** Whether this is a trace file's editor (else the panel beside the editor). */
  get isDocument(): boolean {
    return this.document !== null;
  }

  /** Why a trace file's editor has no trace to show (null: it has one, or this is the panel). */
  get problem(): string | null {
    return this.document?.unreadable ?? null;
  }

  /** The trace shown. */
  get shown(): RunRecord | null {
    return this.record;
  }

  /** The step the inspector shows, as it last reported it. */
  get stepPosition(): StepPosition | null {
    return this.position;
  }

  /**
   * What the host last asked the inspector to show (for commands and tests: the Training view, unlike
   * a graph, reports no step back).
   */
  get requestedSelection(): Selection | null {
    return this.asked;
  }

  /** The trace as the inspector holds it: the last snapshot and the parts it loaded since (for tests). */
  get heldTrace(): Trace | null {
    return this.parts?.held ?? null;
  }

  /** Whether the webview has answered the handshake since it was (re)loaded. */
  get isReady(): boolean {
    return this.ready;
  }

  setRecord(record: RunRecord, focus: Focus = {}): void {
    this.record = record;
    this.parts = null;
    this.setTitle();
    this.queueFocus(focus);
    if (this.ready) this.sendSnapshot();
  }

  /** Moves the inspector's stepper. */
  step(to: 'next' | 'previous' | 'first' | 'last'): void {
    this.post({ type: 'step/move', to });
  }

  /** The keyboard goes to the inspector: into its graph, or into its accessible view (the shown graph as tables). */
  focus(where: 'graph' | 'accessibleView'): void {
    this.panel.reveal(undefined, false);
    this.post(where === 'graph' ? { type: 'graph/focus' } : { type: 'view/accessible' });
  }

  /** Selects nodes in the inspector (a tree item or the editor's cursor asked). */
  focusNodes(nodeIds: number[]): void {
    if (nodeIds.length === 0) return;
    this.post({ type: 'node/focus', nodeIds });
    this.focused.fire(nodeIds);
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  override dispose(): void {
    if (InspectorPanel.current === this) InspectorPanel.current = null;
    if (InspectorPanel.focusedDocument === this) InspectorPanel.focusedDocument = null;
    if (InspectorPanel.open.delete(this)) InspectorPanel.countOpen();
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    super.dispose();
    this.panel.dispose();
  }

  private post(message: HostToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else if (message.type !== 'trace/snapshot') this.pending.push(message);
  }

  private queueFocus(focus: Focus): void {
    this.pending = [];
    this.asked = focus.selection ?? null;
    if (focus.selection) this.pending.push({ type: 'selection/set', selection: focus.selection });
    if (focus.nodeIds?.length) this.pending.push({ type: 'node/focus', nodeIds: focus.nodeIds });
    if (focus.step) this.pending.push({ type: 'step/move', to: focus.step });
  }

  private setTitle(): void {
    if (this.document) return; // VS Code names a file's editor after the file
    this.panel.title = this.record ? safe.plain`GradLens: ${basename(this.record.file)}${this.record.trace.run.paused ? ' (paused)' : ''}` : 'GradLens';
  }

  private sendSnapshot(): void {
    if (!this.record) return;
    const selection = this.pending.find((m): m is Extract<HostToWebview, { type: 'selection/set' }> => m.type === 'selection/set')?.selection;
    const focusNode = this.pending.find((m): m is Extract<HostToWebview, { type: 'node/focus' }> => m.type === 'node/focus')?.nodeIds.at(-1);
    const rest = this.pending.filter((m) => m.type !== 'selection/set' && m.type !== 'node/focus');
    this.pending = [];
    this.sinceSnapshot = null;
    this.parts = PartServer.forSnapshot(this.record, { ...(selection ? { selection } : {}), ...(focusNode !== undefined ? { focusNode } : {}) });
    void this.panel.webview.postMessage({
      type: 'trace/snapshot', trace: this.parts.held, thresholds: this.thresholds(),
      ...(selection ? { selection } : {}), ...(focusNode !== undefined ? { focusNode } : {}),
    } satisfies HostToWebview);
    for (const message of rest) void this.panel.webview.postMessage(message);
  }

  /** The badges' thresholds where the shown trace's program is (a folder may set its own). */
  private thresholds() {
    return readSettings(this.record ? vscode.Uri.file(this.record.file) : undefined).thresholds;
  }

  /** A message from the webview: checked, then acted on; anything else is logged and ignored. */
  async handle(value: unknown): Promise<void> {
    const checked = checkWebviewMessage(value);
    if (checked.ok) await this.receive(checked.message);
    else this.runs.output.appendLine(`inspector: ignored a message (${checked.problem})`);
  }

  private async receive(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'webview/ready':
        this.ready = true;
        if (this.record) this.sendSnapshot();
        else if (this.document?.unreadable) void this.panel.webview.postMessage({ type: 'trace/none', message: this.document.unreadable } satisfies HostToWebview);
        else void this.panel.webview.postMessage({ type: 'trace/none', message: 'No trace to show: run "GradLens: Compute Gradients for Current File" or click a "Compute gradient" lens above an autograd.record or backward call.' } satisfies HostToWebview);
        break;
      case 'step/changed': {
        const { type: _type, ...position } = message;
        const previous = this.sinceSnapshot;
        this.position = this.sinceSnapshot = position;
        this.events.onStep(previous, position);
        this.stepped.fire(position);
        const node = position.nodeIds[0];
        this.showStepLine(node !== undefined ? this.sourceOf({ kind: 'node', id: node }) : null);
        break;
      }
      case 'source/reveal': {
        const source = this.sourceOf(message.ref);
        if (source) await revealSource(this.record!, source, false, this.highlight);
        else this.runs.output.appendLine(`inspector: ignored source/reveal of ${JSON.stringify(message.ref)} (not in the trace shown)`);
        break;
      }
      case 'node/selected': {
        if (!this.record) break;
        const last = message.nodeIds.at(-1);
        const source = last !== undefined ? this.sourceOf({ kind: 'node', id: last }) : null;
        this.events.onNodesSelected(this.record, message.nodeIds);
        if (source) await revealSource(this.record, source, true, this.highlight);
        break;
      }
      case 'text/open': {
        const text = this.lookUp((trace) => textOf(trace, message.ref));
        if (text !== null) await this.events.onOpenText(textName(message.ref), text);
        break;
      }
      case 'export/save':
        await this.save(message);
        break;
      case 'gradcheck/run':
        if (this.record) this.events.onCheckGradients(this.record);
        break;
      case 'run/again-keeping': {
        // Only a pass of the trace shown that was summarised: anything else needs no new run.
        const pass = this.record ? passToKeep(this.record.trace, message.pass) : null;
        if (pass) await this.events.onKeepAgain(this.record!, pass.id);
        else this.runs.output.appendLine(`inspector: ignored run/again-keeping of pass ${message.pass} (no summarised pass of the trace shown has that id)`);
        break;
      }
      case 'parts/load':
        this.loadParts(message.parts);
        break;
      case 'webview/error':
        this.runs.output.appendLine(`inspector: ${plainText(message.message, { multiline: true })}`);
        void notify('error', safe.notification`GradLens inspector: ${message.message}`);
        break;
    }
  }

  /** Answers `parts/load` with the parts of the snapshot shown, or why they cannot be given. */
  private loadParts(indices: number[]): void {
    const answer = this.parts?.load(indices) ?? { kind: 'ignored' as const, why: 'no trace was sent' };
    const named = `${indices.slice(0, 5).join(', ')}${indices.length > 5 ? '…' : ''}`;
    if (answer.kind === 'ignored') this.runs.output.appendLine(`inspector: ignored parts/load of ${named} (${answer.why})`);
    else if (this.ready) void this.panel.webview.postMessage(answer.message satisfies HostToWebview);
    if (answer.kind === 'reply' && answer.message.type === 'parts/failed') this.runs.output.appendLine(`inspector: parts ${named} could not be loaded: ${plainText(answer.message.problem)}`);
  }

  /**
   * Something the inspector names, found in the trace it holds (which may have parts the record
   * has not loaded), else in the record's.
   */
  private lookUp<T>(find: (trace: Trace) => T | null): T | null {
    const held = this.parts?.held;
    const found = held ? find(held) : null;
    return found ?? (this.record ? find(this.record.trace) : null);
  }

  private sourceOf(ref: SourceRef): Source | null {
    return this.lookUp((trace) => sourceOf(trace, ref));
  }

  /** Highlights the line of the step's node in the editors that show its file (focus stays put). */
  private showStepLine(source: Source | null): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const here = source !== null && editor.document.uri.fsPath === source.file && source.line <= editor.document.lineCount;
      editor.setDecorations(this.stepLine, here ? [editor.document.lineAt(source.line - 1).range] : []);
      if (here) editor.revealRange(editor.document.lineAt(source.line - 1).range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  /** The editor's cursor moved to a line of the traced file: select that line's nodes. */
  private followCursor(event: vscode.TextEditorSelectionChangeEvent): void {
    const record = this.record;
    if (!record || !this.panel.visible || event.kind === vscode.TextEditorSelectionChangeKind.Command) return;
    if (event.textEditor.document.uri.fsPath !== record.file) return;
    const line = event.selections[0]!.active.line + 1;
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(() => {
      // The nodes the inspector holds: those it can show.
      const nodes = this.parts?.held.nodes ?? record.trace.nodes;
      const nodeIds = nodes.filter((n) => n.source?.file === record.file && n.source.line === line).map((n) => n.id);
      this.focusNodes(nodeIds);
      // The Run and Debug views follow too (a node clicked in the inspector does the same).
      if (nodeIds.length > 0) this.events.onNodesSelected(record, nodeIds);
    }, 150);
  }

  private async save(message: Extract<WebviewToHost, { type: 'export/save' }>): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const filters: Record<string, string[]> = { png: { PNG: ['png'] }, svg: { SVG: ['svg'] }, dot: { 'Graphviz DOT': ['dot', 'gv'] } }[message.format];
    const target = await vscode.window.showSaveDialog({ ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, message.fileName) } : {}), filters, title: 'Export the graph' });
    if (!target) return;
    const bytes = message.encoding === 'base64' ? Buffer.from(message.data, 'base64') : Buffer.from(message.data, 'utf8');
    writeFileSync(target.fsPath, bytes);
    void notify('info', safe.notification`GradLens: graph exported to ${vscode.workspace.asRelativePath(target)}`);
  }
}
