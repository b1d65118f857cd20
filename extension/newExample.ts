/**
 * GradLens: New Example… — a first program in one click: one of the examples (examples.ts) written
 * into a workspace folder, with the engine's types where 'gradlens' does not resolve yet, and opened.
 * It writes only the extension's own files, never over one of the user's, and runs nothing (so it
 * works in Restricted Mode too: computing the gradient is the next step, and that asks for trust).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { installEngineTypes, resolvesGradlens } from './engineTypes';
import { placeExample, STARTER_EXAMPLES, starterExample, type StarterExample } from './examples';
import { notify } from './notify';
import { restartTypeScript } from './typesOffer';
import { safe } from './untrusted';

/** Asks which example (unless `given` names one) and where, writes it and opens it; the opened file, or null. */
export async function newExample(extensionPath: string, given?: unknown): Promise<vscode.Uri | null> {
  const example = starterExample(given) ?? await pickExample();
  if (!example) return null;
  const folder = await pickFolder();
  if (!folder) return null;
  try {
    const placements = placeExample(join(extensionPath, 'dist', 'starter'), example, folder.fsPath);
    for (const placement of placements.filter((p) => !p.present)) {
      mkdirSync(dirname(placement.target), { recursive: true });
      copyFileSync(placement.source, placement.target);
    }
    const typesAdded = !resolvesGradlens(folder.fsPath) && vscode.workspace.isTrusted;
    if (typesAdded) {
      installEngineTypes(extensionPath, folder.fsPath);
      await restartTypeScript();
    }
    const opened = vscode.Uri.file(placements[0]!.target);
    await vscode.window.showTextDocument(opened, { preview: false });
    const where = vscode.workspace.asRelativePath(opened);
    void notify('info', typesAdded
      ? safe.notification`GradLens: ${where} is ready, with the engine's types in node_modules/@types/gradlens. Click a "Compute gradient" lens to see its graph.`
      : safe.notification`GradLens: ${where} is ready. Click a "Compute gradient" lens to see its graph.`);
    return opened;
  } catch (error) {
    void notify('error', safe.notification`GradLens could not write the example: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

async function pickExample(): Promise<StarterExample | null> {
  const items = STARTER_EXAMPLES.map((example) => ({ label: example.label, detail: example.detail, example }));
  const picked = await vscode.window.showQuickPick(items, { title: 'GradLens: New Example', placeHolder: 'A program to compute gradients of', matchOnDetail: true });
  return picked?.example ?? null;
}

/** The workspace folder (asked when there are several), or — with none open — a folder the user picks. */
async function pickFolder(): Promise<vscode.Uri | null> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  if (folders.length === 1) return folders[0]!.uri;
  if (folders.length > 1) return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder to write the example into' }))?.uri ?? null;
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Write the Example Here', title: 'GradLens: a folder for the example' });
  return picked?.[0] ?? null;
}
