/**
 * The engine's types, offered: when a file that imports `gradlens` opens in a workspace folder where
 * 'gradlens' does not resolve (TypeScript marks the import as an error), a notification offers to
 * add the types (Add Engine Types to Workspace) — once per folder, remembered, in a trusted
 * workspace only (it writes into the folder).
 */
import * as vscode from 'vscode';
import { isProgram } from './codelens';
import { Disposable } from './dispose';
import { installEngineTypes, resolvesGradlens } from './engineTypes';
import { notify } from './notify';
import { importsGradlens } from './sites';
import { safe } from './untrusted';

export const ADD_TYPES = 'Add Types';

export class TypesOffer extends Disposable {
  /** Folders asked in this window (the workspace state remembers it across windows). */
  private readonly asked = new Set<string>();
  /** The folders offered the types in this window (for tests). */
  readonly offered: string[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.consider(document)));
    for (const document of vscode.workspace.textDocuments) this.consider(document);
  }

  private consider(document: vscode.TextDocument): void {
    if (!vscode.workspace.isTrusted || !isProgram(document)) return;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return;
    const key = `gradlens.typesOffered:${folder.uri.fsPath}`;
    if (this.asked.has(key) || this.context.workspaceState.get<boolean>(key)) return;
    if (!importsGradlens(document.getText()) || resolvesGradlens(folder.uri.fsPath)) return;
    this.asked.add(key);
    this.offered.push(folder.uri.fsPath);
    void this.context.workspaceState.update(key, true);
    void notify('info',
      safe.notification`GradLens: TypeScript cannot find the types of 'gradlens' in ${folder.name}, so its imports show as errors. Add the engine's types (node_modules/@types/gradlens)?`,
      ADD_TYPES, 'Not Now',
    ).then((choice) => {
      if (choice === ADD_TYPES) void vscode.commands.executeCommand('gradlens.addEngineTypes', folder.uri);
    });
  }
}

/** Add Engine Types to Workspace: into `target`'s folder (the offer names it), else the active editor's, else the first. */
export async function addEngineTypes(extensionPath: string, target: vscode.Uri | undefined): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const folder = target ? vscode.workspace.getWorkspaceFolder(target)
    : editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void notify('info', 'GradLens: open a folder first; the types go into its node_modules/@types/gradlens.');
    return;
  }
  if (resolvesGradlens(folder.uri.fsPath)) {
    void notify('info', safe.notification`GradLens: 'gradlens' already resolves in ${folder.name}.`);
    return;
  }
  try {
    const path = installEngineTypes(extensionPath, folder.uri.fsPath);
    await restartTypeScript();
    void notify('info', safe.notification`GradLens: the engine's types are in ${vscode.workspace.asRelativePath(path)}; \`import { np, autograd } from 'gradlens'\` now type-checks.`);
  } catch (error) {
    void notify('error', safe.notification`GradLens could not add the types: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The TypeScript server may have cached "cannot find module 'gradlens'": let it look again. */
export async function restartTypeScript(): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes('typescript.restartTsServer')) await vscode.commands.executeCommand('typescript.restartTsServer');
}
