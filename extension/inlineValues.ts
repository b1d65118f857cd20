/**
 * Inline values: after a run, each line that made nodes ends with its value and gradient (shape
 * first for big tensors); hovering the line shows the node's details with a link that opens it in
 * the inspector. Once the file is edited the values are dimmed and marked stale (lines may have
 * moved); the next run replaces them. Off with `gradlens.inlineValues`.
 */
import * as vscode from 'vscode';
import { nodeNames } from '../protocol/query/names';
import { formatShape, formatTensorShort } from '../protocol/query/format';
import { readSettings } from './config';
import { Disposable } from './dispose';
import { inlineValues } from './results';
import { isCurrent, type RunRecord, type Runs } from './runs';
import { LENS_LANGUAGES } from './codelens';
import { plainText, safe } from './untrusted';

export class InlineValues extends Disposable implements vscode.HoverProvider {
  private readonly fresh = this.register(vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  }));
  private readonly stale = this.register(vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('disabledForeground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  }));

  constructor(private readonly runs: Runs) {
    super();
    this.register(runs.onDidRun(() => this.refreshAll()));
    this.register(vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => {
      for (const editor of vscode.window.visibleTextEditors) if (editor.document === event.document) this.refresh(editor);
    }));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => { if (event.affectsConfiguration('gradlens.inlineValues')) this.refreshAll(); }));
    this.register(vscode.languages.registerHoverProvider(LENS_LANGUAGES, this));
  }

  /** The decorations shown now in an editor (for tests). */
  static describe(record: RunRecord, document: vscode.TextDocument): Map<number, string> {
    const out = new Map<number, string>();
    for (const [line, value] of inlineValues(record.trace, document.uri.fsPath)) out.set(line, value.text);
    return out;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | null {
    const record = this.runs.last(document.uri.fsPath);
    if (!record || !readSettings(document.uri).inlineValues) return null;
    const line = position.line + 1;
    const nodes = record.trace.nodes.filter((n) => n.source?.file === record.file && n.source.line === line);
    if (nodes.length === 0) return null;
    const node = nodes[nodes.length - 1]!;
    const name = nodeNames(record.trace).get(node.id);
    // Trace text goes in escaped (markdownText); the one command link is ours, the only command enabled.
    const markdown = new vscode.MarkdownString(undefined, true);
    markdown.isTrusted = { enabledCommands: ['gradlens.focusNodes'] };
    markdown.appendMarkdown(`**${safe.markdown`${name ? `${name} = ${node.op}` : node.op}`}** — ${safe.markdown`${formatShape(node.shape)} ${node.dtype}`}${nodes.length > 1 ? ` (the last of ${nodes.length} made on this line)` : ''}\n\n`);
    markdown.appendMarkdown(`value: ${safe.markdown`${formatTensorShort(node.value)}`}\n\n`);
    if (node.grad) markdown.appendMarkdown(`gradient: ${safe.markdown`${formatTensorShort(node.grad)}`}\n\n`);
    if (!isCurrent(record, document)) markdown.appendMarkdown('_The file changed since this run._\n\n');
    const args = encodeURIComponent(JSON.stringify([record.file, nodes.map((n) => n.id)]));
    markdown.appendMarkdown(`[$(graph) Show in the inspector](command:gradlens.focusNodes?${args})`);
    return new vscode.Hover(markdown, document.lineAt(position.line).range);
  }

  private refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.refresh(editor);
  }

  private refresh(editor: vscode.TextEditor): void {
    const record = this.runs.last(editor.document.uri.fsPath);
    if (!record || !readSettings(editor.document.uri).inlineValues) {
      editor.setDecorations(this.fresh, []);
      editor.setDecorations(this.stale, []);
      return;
    }
    const isFresh = isCurrent(record, editor.document);
    const options: vscode.DecorationOptions[] = [];
    for (const [line, value] of inlineValues(record.trace, record.file)) {
      if (line < 1 || line > editor.document.lineCount) continue;
      const end = editor.document.lineAt(line - 1).range.end;
      const text = plainText(value.text, { limit: 200 });
      options.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: isFresh ? text : `${text} (stale)` } } });
    }
    editor.setDecorations(isFresh ? this.fresh : this.stale, options);
    editor.setDecorations(isFresh ? this.stale : this.fresh, []);
  }
}
