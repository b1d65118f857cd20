// GradLens in Restricted Mode: the commands that run the user's program refuse, with a warning, and
// nothing runs. Only meaningful with the workspace untrusted, so it is selected by name: the harness
// runs it with workspace trust on (`run-extension-tests.mjs --trust --grep 'Restricted Mode'`, the
// `vscode-untrusted` suite of scripts/test.mjs), and the trusted runs leave it out (`--invert`).
import { strict as assert } from 'node:assert';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GradLensApi } from '../../extension/extension';
import type { RunRecord } from '../../extension/runs';
import { notificationLinks } from '../../extension/untrusted';
import { COMMAND_LINK, openPaths, simpleTrace, watchWindow, writeTrace } from './hostile';
import { until } from './until';

const EXTENSION_ID = 'gradlens.gradlens';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with test/fixtures/workspace open');
  return vscode.Uri.file(join(folder.uri.fsPath, name));
}

/**
 * Runs a command that should refuse and returns what it resolved with, checking meanwhile that no
 * program starts. The refusal waits for its warning notification to be answered (it offers "Manage
 * Workspace Trust"), so the notifications are cleared, as a person closing them would, until the
 * command settles. A command that throws fails here.
 */
const REFUSAL = /^warning: GradLens runs your program, which is not allowed in Restricted Mode/;

async function refused(api: GradLensApi, command: string, ...args: unknown[]): Promise<unknown> {
  let settled = false;
  const result = Promise.resolve(vscode.commands.executeCommand(command, ...args));
  result.then(() => { settled = true; }, () => { settled = true; });
  const end = Date.now() + 20_000;
  while (!settled) {
    assert.equal(api.runs.running, false, `${command} started a program`);
    if (Date.now() > end) throw new Error(`${command} did not settle within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!settled) await vscode.commands.executeCommand('notifications.clearAll');
  }
  return result;
}

suite('GradLens in Restricted Mode', () => {
  let api: GradLensApi;
  const messages: string[] = [];
  let restore: (() => void) | undefined;

  suiteSetup(async function () {
    this.timeout(60_000);
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is untrusted (the harness must run with --trust)');
    const extension = vscode.extensions.getExtension<GradLensApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed in the extension host`);
    api = await extension.activate();
    assert.ok(extension.isActive, 'the extension activates in Restricted Mode (limited support)');
    // Record the messages the extension shows (the tests and the extension share this API object).
    const window = vscode.window as unknown as Record<'showWarningMessage' | 'showInformationMessage', (...args: unknown[]) => unknown>;
    const originals = { showWarningMessage: window.showWarningMessage, showInformationMessage: window.showInformationMessage };
    for (const [name, kind] of [['showWarningMessage', 'warning'], ['showInformationMessage', 'info']] as const) {
      window[name] = (...args: unknown[]) => {
        messages.push(`${kind}: ${String(args[0])}`);
        return originals[name].apply(vscode.window, args);
      };
    }
    restore = () => Object.assign(window, originals);
  });

  suiteTeardown(() => restore?.());
  setup(() => { messages.length = 0; });

  /** No run recorded, none running, and the one message the user saw says why. */
  function assertNothingRan(uri: vscode.Uri): void {
    assert.equal(api.runs.last(), null, 'no run recorded');
    assert.equal(api.runs.last(uri.fsPath), null);
    assert.equal(api.runs.running, false, 'no program running');
    assert.equal(messages.length, 1, messages.join(' | '));
    assert.match(messages[0]!, REFUSAL);
  }

  test('Compute Gradients for Current File refuses with a warning, and runs nothing', async function () {
    this.timeout(30_000);
    const uri = workspaceFile('simple.ts');
    await vscode.window.showTextDocument(uri);
    assert.equal(await refused(api, 'gradlens.computeGradients', uri), null);
    assertNothingRan(uri);
  });

  test('a Compute gradient lens refuses the same way', async function () {
    this.timeout(30_000);
    const uri = workspaceFile('simple.ts');
    assert.equal(await refused(api, 'gradlens.computeGradient', uri, 6), null);
    assertNothingRan(uri);
  });

  test('Check Gradients Numerically refuses the same way', async function () {
    this.timeout(30_000);
    const uri = workspaceFile('simple.ts');
    await vscode.window.showTextDocument(uri);
    assert.equal(await refused(api, 'gradlens.gradcheck', uri), null);
    assertNothingRan(uri);
  });

  test('Debug Current File (F5 in a GradLens program) refuses the same way: no debug session starts', async function () {
    this.timeout(30_000);
    const uri = workspaceFile('paused.ts');
    await vscode.window.showTextDocument(uri);
    const started: string[] = [];
    const listener = vscode.debug.onDidStartDebugSession((session) => started.push(session.type));
    try {
      assert.equal(await refused(api, 'gradlens.debugFile', uri), false);
    } finally {
      listener.dispose();
    }
    assert.deepEqual(started, [], 'no debug session');
    assertNothingRan(uri);
  });

  test('Re-run Last runs nothing: the refused runs left nothing to run again', async function () {
    this.timeout(30_000);
    assert.equal(await refused(api, 'gradlens.rerun'), null);
    assert.equal(api.runs.last(), null);
    assert.equal(api.runs.running, false);
    assert.deepEqual(messages, ['info: GradLens has not run anything yet: use "Compute Gradients for Current File" or a "Compute gradient" lens.']);
  });

  test('a trace file opens, its text stays text, its source links stay in the workspace, and what it names does not run', async function () {
    this.timeout(30_000);
    const watch = watchWindow();
    try {
      const trace = simpleTrace();
      trace.run.file = workspaceFile('simple.ts').fsPath;
      trace.nodes[0]!.source = { file: '/etc/passwd', line: 1, column: 1, text: 'root:x:0:0' };
      trace.nodes[0]!.op = COMMAND_LINK;
      const from = api.notifications().length;
      const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.openTrace', writeTrace('restricted.gradlens.json', trace));
      assert.ok(record, 'trace files open in Restricted Mode');
      const panel = await until('the inspector', () => api.panel());
      await panel.handle({ type: 'source/reveal', ref: { kind: 'node', id: trace.nodes[0]!.id } });
      assert.ok(!openPaths().includes('/etc/passwd'), 'the password file was not opened');
      await panel.handle({ type: 'gradcheck/run' });
      assert.equal(await vscode.commands.executeCommand('gradlens.gradcheck'), null);
      assert.equal(watch.modals.length, 0, 'no offer to run it');
      assert.equal(api.runs.running, false);
      assert.equal(api.runs.last()?.origin, 'file', 'nothing ran: the last record is the trace opened');
      const said = api.notifications().slice(from).map((n) => n.message);
      for (const message of said) assert.deepEqual(notificationLinks(message), [], message);
      assert.ok(said.some((m) => /does not open \/etc\/passwd from this trace/.test(m)), said.join('\n'));
      assert.ok(said.some((m) => /does not run a program named by a trace file in Restricted Mode/.test(m)), said.join('\n'));
    } finally {
      watch.restore();
    }
  });
  test('a trace file opens as a document in the inspector (*.gradlens.json\'s default editor): reading it runs nothing', async function () {
    this.timeout(30_000);
    const trace = simpleTrace();
    const uri = writeTrace('restricted-document.gradlens.json', trace);
    await vscode.commands.executeCommand('vscode.open', uri);
    await until('the GradLens Inspector editor', () => { const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input; return input instanceof vscode.TabInputCustom && input.viewType === 'gradlens.traceFile'; });
    const panel = await until('its inspector, ready', () => { const p = api.panel(); return p?.isDocument && p.isReady ? p : null; });
    assert.equal(panel.heldTrace?.nodes.length, trace.nodes.length);
    await until('its stepper', () => panel.stepPosition);
    assert.equal(api.runs.running, false);
    assert.deepEqual(messages.filter((m) => REFUSAL.test(m)), [], 'nothing was refused: nothing asked to run');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('New Example… writes the example and opens it, but adds no types (that would write into node_modules of an untrusted folder)', async function () {
    this.timeout(30_000);
    const target = workspaceFile('exercise6-chain-rule.ts').fsPath;
    try {
      const opened = await vscode.commands.executeCommand<vscode.Uri | null>('gradlens.newExample', 'seed/exercise6-chain-rule');
      assert.equal(opened?.fsPath, target);
      assert.ok(existsSync(target));
      assert.ok(!existsSync(join(workspaceFile('node_modules').fsPath, '@types', 'gradlens')), 'no types written');
      assert.equal(api.runs.running, false);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(target, { force: true });
    }
  });
});
