// GradLens as a VS Code citizen, in a real VS Code: context keys that keep it to files that import
// gradlens, lenses that can be turned off, keys that collide with none of this VS Code's own
// defaults, trace files that open as documents in the inspector (and validate as JSON text), New
// Example…, and the walkthrough's steps completing on what the user does.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { GradLensApi } from '../../extension/extension';
import type { RunRecord } from '../../extension/runs';
import { collisions, DELIBERATE_OVERRIDES, keyOn, parseKeybindingsJson, type Binding } from '../keybinding-helpers';
import { simpleTrace, workspaceFolder, writeTrace } from './hostile';
import { until } from './until';

const EXTENSION_ID = 'gradlens.gradlens';
const repoRoot = resolve(__dirname, '..', '..', '..');
const file = (name: string) => vscode.Uri.file(join(workspaceFolder(), name));
const gradlensLenses = async (uri: vscode.Uri) => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)).filter((lens) => lens.command?.command.startsWith('gradlens.'));

async function configure(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('gradlens').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Polls an asynchronous probe until it holds (every 100 ms), or fails naming what never came. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** The active tab's custom editor view type, if it is one. */
function activeCustomEditor(): string | null {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input.viewType : null;
}

suite('GradLens as a VS Code citizen', () => {
  let api: GradLensApi;

  suiteSetup(async function () {
    this.timeout(60_000);
    const extension = vscode.extensions.getExtension<GradLensApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await configure('openInspector', true);
  });

  suiteTeardown(async () => {
    await configure('openInspector', undefined);
    await configure('codeLens.enabled', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the walkthrough: an open program completes "example", a run "compute", a step in the inspector "step", Run and Debug its view, a gradient check "gradcheck"', async function () {
    this.timeout(90_000);
    const events: string[] = [];
    const listening = api.walkthrough.onDidHappen((event) => events.push(event));
    try {
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#gradlens.gettingStarted`, false);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const uri = file('simple.ts');
      await vscode.window.showTextDocument(uri);
      await until('an open program', () => events.includes('programOpen'));
      const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradient', uri, 6);
      assert.ok(record);
      assert.ok(events.includes('computed'));
      const panel = await until('the inspector', () => { const p = api.panel(); return p?.isReady && p.stepPosition ? p : null; });
      assert.ok(!events.includes('stepped'), 'opening the inspector is not a step');
      await vscode.commands.executeCommand('gradlens.nextStep');
      await until('a step', () => events.includes('stepped'));
      assert.equal(panel.stepPosition?.view, 'backward');
      await vscode.commands.executeCommand('gradlens.graph.focus');
      await until('the Autograd Graph view on screen (the step completes on it)', () => api.views.graphVisible);
      assert.ok(!events.includes('checked'));
      await vscode.commands.executeCommand('gradlens.gradcheck', uri);
      assert.deepEqual(events.filter((e, i) => events.indexOf(e) === i), ['programOpen', 'computed', 'stepped', 'checked']);
      assert.deepEqual([...api.walkthrough.completed].sort(), ['checked', 'computed', 'programOpen', 'stepped']);
    } finally {
      listening.dispose();
    }
  });

  test('context keys: an open file that imports gradlens is a program, a plain TypeScript file is not, and an edit that adds the import makes it one', async function () {
    this.timeout(30_000);
    await api.workspace.ready;
    assert.equal(api.workspace.hasPrograms, true, 'the workspace has programs (its scan found one)');
    await vscode.window.showTextDocument(file('simple.ts'));
    const plain = await vscode.window.showTextDocument(file('plain.ts'));
    await until('simple.ts among the programs', () => api.workspace.programFiles.includes(file('simple.ts').fsPath));
    assert.ok(!api.workspace.programFiles.includes(file('plain.ts').fsPath), 'plain.ts is no program: no ▶ button, no Ctrl+K G, no lenses');
    await plain.edit((edit) => edit.insert(new vscode.Position(0, 0), "import { np } from 'gradlens';\n"));
    await until('plain.ts a program once it imports gradlens', () => api.workspace.programFiles.includes(file('plain.ts').fsPath));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await until('and no longer once the edit is undone', () => !api.workspace.programFiles.includes(file('plain.ts').fsPath));
    assert.equal(readFileSync(file('plain.ts').fsPath, 'utf8').startsWith('// No gradlens here'), true);
  });

  test('gradlens.codeLens.enabled: off, no lenses; GradLens: Toggle "Compute Gradient" Lenses turns them back on, where the setting was set', async () => {
    await vscode.window.showTextDocument(file('simple.ts'));
    const shown = (await gradlensLenses(file('simple.ts'))).length;
    assert.ok(shown >= 2, `${shown} lenses`);
    await configure('codeLens.enabled', false);
    await eventually('no lenses', async () => (await gradlensLenses(file('simple.ts'))).length === 0);
    assert.equal(await vscode.commands.executeCommand('gradlens.toggleCodeLens'), true);
    assert.equal(vscode.workspace.getConfiguration('gradlens').inspect('codeLens.enabled')?.workspaceValue, true, 'the workspace\'s value was flipped, not the user\'s');
    assert.equal((await gradlensLenses(file('simple.ts'))).length, shown);
  });

  test('keys: none of ours is one of this VS Code\'s own default keybindings (built-in extensions\' included), or starts or ends a chord of theirs; F5 on purpose', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const editor = await until('the default keybindings', () => vscode.window.activeTextEditor?.document.getText().includes('"workbench.action.debug.start"') ? vscode.window.activeTextEditor : null);
    const defaults = parseKeybindingsJson(editor.document.getText()).filter((binding) => !binding.command.replace(/^-/, '').startsWith('gradlens.'));
    assert.ok(defaults.length > 800, `${defaults.length} default keybindings`);
    assert.ok(defaults.some((b) => b.command === 'workbench.action.debug.start' && b.key === 'f5'));
    assert.ok(defaults.some((b) => b.command.startsWith('git.')) && defaults.some((b) => b.command.startsWith('markdown.')), 'the list has the built-in extensions\' keys too (Git\'s, Markdown\'s)');
    const ours = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { keybindings: Binding[] } }).contributes.keybindings;
    const found = collisions(ours, defaults, 'linux');
    const unexpected = found.filter((c) => !DELIBERATE_OVERRIDES.some((o) => o.command === c.ours.command && o.key === keyOn(c.ours, 'linux') && o.theirs.has(c.theirs.command)));
    assert.deepEqual(unexpected.map((c) => `${keyOn(c.ours, 'linux')} (${c.ours.command}) ${c.kind} ${c.theirs.key} (${c.theirs.command} when ${c.theirs.when ?? 'always'})`), []);
    assert.ok(found.some((c) => c.theirs.command === 'workbench.action.debug.start'), 'F5 is found, and allowed on purpose');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a trace file opens as a document in the inspector (VS Code\'s default editor for *.gradlens.json), the step commands act on it; one that is not a trace says why', async function () {
    this.timeout(30_000);
    const trace = simpleTrace();
    const uri = writeTrace('document.gradlens.json', trace);
    await vscode.commands.executeCommand('vscode.open', uri);
    await until('the GradLens Inspector editor', () => activeCustomEditor() === 'gradlens.traceFile');
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.label, 'document.gradlens.json');
    const panel = await until('its inspector, ready', () => { const p = api.panel(); return p?.isDocument && p.isReady ? p : null; });
    assert.equal(panel.heldTrace?.nodes.length, trace.nodes.length);
    assert.equal(panel.shown?.tracePath, uri.fsPath);
    assert.equal(api.runs.last()?.tracePath, uri.fsPath, 'it is GradLens\'s current trace: views and lenses read it');
    const first = await until('its stepper', () => panel.stepPosition);
    await vscode.commands.executeCommand('gradlens.nextStep');
    await until('a step further', () => panel.stepPosition !== first && panel.stepPosition!.step === first.step + 1);

    const broken = writeTrace('broken.gradlens.json', { version: 3, nodes: 'none' });
    await vscode.commands.executeCommand('vscode.open', broken);
    const empty = await until('the broken file\'s inspector', () => { const p = api.panel(); return p?.isDocument && p.problem && p.isReady ? p : null; });
    assert.match(empty.problem!, /^broken\.gradlens\.json is not a trace GradLens can show: .+ Reopen it with the Text Editor/);
    assert.equal(api.runs.last()?.tracePath, uri.fsPath, 'the broken file did not replace the trace');
    // The panel shown after a trace file's editor is the one the step commands act on.
    await vscode.commands.executeCommand('gradlens.openInspector');
    const shown = await until('the inspector panel beside the editor', () => { const p = api.panel(); return p && !p.isDocument ? p : null; });
    await until('its handshake', () => shown.isReady && shown.stepPosition);
    const before = shown.stepPosition!.step;
    await vscode.commands.executeCommand('gradlens.nextStep');
    await until('the panel stepped, not the file\'s editor', () => shown.stepPosition!.step === before + 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(broken.fsPath);
  });

  test('opened as text, a trace is checked against the packaged schema (jsonValidation)', async function () {
    this.timeout(60_000);
    const trace = simpleTrace() as unknown as Record<string, unknown>;
    trace.version = 'three';
    const uri = writeTrace('invalid.gradlens.json', trace);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'json');
    const diagnostics = await until('the JSON language server\'s schema check', () => { const found = vscode.languages.getDiagnostics(uri); return found.length > 0 ? found : null; }, 45_000);
    const line = (d: vscode.Diagnostic) => document.lineAt(d.range.start.line).text.slice(d.range.start.character, d.range.end.character);
    assert.ok(diagnostics.some((d) => /"three"|version/.test(line(d)) || /version|Value is not accepted|Incorrect type/.test(d.message)), diagnostics.map((d) => `${d.message} at ${line(d)}`).join(' | '));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(uri.fsPath);
  });

  test('GradLens: New Example… writes the autograd chapter into the workspace with the engine\'s types and opens it; asked again, it writes nothing new', async function () {
    this.timeout(30_000);
    const target = file('autograd.ts').fsPath;
    const types = join(workspaceFolder(), 'node_modules', '@types', 'gradlens');
    try {
      const opened = await vscode.commands.executeCommand<vscode.Uri | null>('gradlens.newExample', 'seed/autograd');
      assert.equal(opened?.fsPath, target);
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, target);
      assert.equal(readFileSync(target, 'utf8'), readFileSync(join(repoRoot, 'examples', 'seed', 'autograd.ts'), 'utf8'));
      assert.ok(existsSync(join(types, 'index.d.ts')), 'the engine\'s types, so that the import resolves');
      assert.ok((await gradlensLenses(opened!)).length >= 5, 'it is a program: its lenses are there');
      assert.ok(api.walkthrough.completed.includes('programOpen'), 'the walkthrough\'s first step is done');
      const again = await vscode.commands.executeCommand<vscode.Uri | null>('gradlens.newExample', 'seed/autograd');
      assert.equal(again?.fsPath, target, 'the same example is not written twice');
      // An id that names no example asks which one instead (the quick pick, closed here: nothing written).
      let settled = false;
      const asked = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | null>('gradlens.newExample', '../../etc/passwd')).finally(() => { settled = true; });
      while (!settled) {
        await new Promise((done) => setTimeout(done, 200));
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      }
      assert.equal(await asked, null);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(target, { force: true });
      rmSync(join(workspaceFolder(), 'node_modules'), { recursive: true, force: true });
    }
  });

});
