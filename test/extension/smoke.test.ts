// The smallest check that the suite runs inside a real VS Code: the API is there and the folder the
// harness opened is the workspace.
import { strict as assert } from 'node:assert';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';

suite('vscode host', () => {
  test('the vscode API is the real one', () => {
    assert.match(vscode.version, /^1\./);
  });

  test('the opened folder is the workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'one workspace folder');
    assert.equal(folders[0]!.uri.scheme, 'file');
    assert.ok(statSync(folders[0]!.uri.fsPath).isDirectory(), `${folders[0]!.uri.fsPath} is a folder on disk`);
  });
});
