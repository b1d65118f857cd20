/**
 * The whole of a text the inspector showed cut short (a long source line, an op name, a stack, the
 * program's output), opened on request as a read-only document of its own: plain text, nothing
 * to save, gone when closed. Documents of the scheme `gradlens-text`, served from memory.
 */
import * as vscode from 'vscode';
import { Disposable } from './dispose';

export const TRACE_TEXT_SCHEME = 'gradlens-text';

/** How many texts are kept to be served (the oldest are dropped). */
const KEPT = 20;

export class TraceTexts extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 0;

  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(TRACE_TEXT_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '(this text is no longer held: open it again from the inspector)';
  }

  /** Opens `text` in a read-only editor titled `name` (a plain file name of GradLens's making). */
  async show(name: string, text: string): Promise<vscode.TextDocument> {
    const key = String(this.next++);
    this.texts.set(key, text);
    if (this.texts.size > KEPT) this.texts.delete(this.texts.keys().next().value!);
    const uri = vscode.Uri.from({ scheme: TRACE_TEXT_SCHEME, path: `/${name}`, query: key });
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  }
}
