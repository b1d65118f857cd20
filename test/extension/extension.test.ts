// GradLens inside a real VS Code (the extension host of code-server in CI, or of a desktop VS Code
// through @vscode/test-electron): activation, commands, lenses, a run that opens the inspector and
// talks to it, the Problems panel, the Run and Debug views, cancellation, programs that throw or
// hang. The workspace is test/fixtures/workspace.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GradLensApi } from '../../extension/extension';
import type { RunRecord } from '../../extension/runs';
import { until } from './until';

const EXTENSION_ID = 'gradlens.gradlens';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with test/fixtures/workspace open');
  return vscode.Uri.file(join(folder.uri.fsPath, name));
}

/** The program's process (hangs.ts prints its pid first) no longer exists. */
function assertGone(record: RunRecord): void {
  const pid = Number(/pid (\d+)/.exec(record.trace.run.stdout)?.[1]);
  assert.ok(pid > 0, `the program printed its pid: ${JSON.stringify(record.trace.run.stdout)}`);
  assert.throws(() => process.kill(pid, 0), (error: NodeJS.ErrnoException) => error.code === 'ESRCH', `process ${pid} is gone`);
}

async function configure(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('gradlens').update(key, value, vscode.ConfigurationTarget.Workspace);
}

suite('GradLens in VS Code', () => {
  let api: GradLensApi;

  suiteSetup(async function () {
    this.timeout(60_000);
    const extension = vscode.extensions.getExtension<GradLensApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed in the extension host`);
    api = await extension.activate();
    console.log(`gradlens: activate() ran in ${api.activationMs} ms`);
    await configure('openInspector', true);
  });

  suiteTeardown(async () => {
    await configure('timeoutSeconds', undefined);
    await configure('openInspector', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('activation: the API, and every contributed command registered', async () => {
    assert.ok(api.runs && api.views && api.problems && api.lenses);
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of contributed) assert.ok(registered.has(command), `${command} is registered`);
    assert.ok(contributed.length >= 12);
  });

  test('lenses above autograd.record and backward in a file that imports gradlens, none elsewhere', async () => {
    const uri = workspaceFile('simple.ts');
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const ours = lenses.filter((lens) => lens.command?.command.startsWith('gradlens.'));
    assert.deepEqual(ours.map((lens) => [lens.range.start.line, lens.command!.title]), [
      [5, '$(play) Compute gradient'],
      [6, '$(play) Compute gradient'],
    ]);
    const [argUri, argLine] = ours[1]!.command!.arguments as [vscode.Uri, number];
    assert.deepEqual([argUri.toString(), argLine], [uri.toString(), 6]);
    await vscode.workspace.openTextDocument(workspaceFile('plain.ts')); // lenses are asked of open documents
    const plain = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', workspaceFile('plain.ts'));
    assert.equal(plain.filter((lens) => lens.command?.command.startsWith('gradlens.')).length, 0);
  });

  test('a file that imports gradlens where it does not resolve: the engine\'s types are offered, once per folder', async () => {
    await vscode.window.showTextDocument(workspaceFile('simple.ts'));
    await vscode.window.showTextDocument(workspaceFile('nan.ts'));
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    await until('the offer', () => api.typesOffer.offered.length > 0);
    assert.deepEqual(api.typesOffer.offered, [folder]);
  });

  test('a lens runs the file, opens the inspector on its backward pass, and the inspector answers', async function () {
    this.timeout(60_000);
    const uri = workspaceFile('simple.ts');
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradient', uri, 6);
    assert.ok(record, 'the run finished');
    assert.equal(record.result.exitCode, 0);
    assert.equal(record.trace.backwardPasses.length, 1);
    assert.deepEqual(record.focus, { kind: 'pass', id: 0 });
    const panel = await until('the inspector panel', () => api.panel());
    await until('the ready handshake', () => panel.isReady);
    const first = await until('the first step report', () => panel.stepPosition);
    assert.deepEqual([first.selection, first.view, first.step, first.total], [{ kind: 'pass', id: 0 }, 'backward', 0, 2]);
    // A round trip: the host steps, the inspector moves and reports the node of the step.
    const moved = new Promise<number[]>((resolve) => { const listener = panel.onDidStep((position) => { listener.dispose(); resolve(position.nodeIds); }); });
    await vscode.commands.executeCommand('gradlens.nextStep');
    const nodeIds = await moved;
    assert.deepEqual(nodeIds, [record.trace.backwardPasses[0]!.steps[0]!.node]);
    assert.equal(panel.stepPosition!.step, 1);
    // After the run the lens shows the result.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.ok(lenses.some((lens) => lens.command?.title === '$(graph) x.grad = [0, 4, 8, 12] · step through 2 steps'), lenses.map((l) => l.command?.title).join(' | '));
  });

  test('the Run and Debug views list the run: passes and recordings, variables, graph breaks', async () => {
    const record = api.runs.last(workspaceFile('simple.ts').fsPath)!;
    const groups = api.views.graph.getChildren();
    assert.deepEqual(groups.map((g) => g.kind === 'group' && g.selection), [{ kind: 'pass', id: 0 }, { kind: 'recording', id: 0 }]);
    const nodes = api.views.graph.getChildren(groups[0]);
    assert.equal(nodes.length, record.trace.nodes.length);
    const item = api.views.graph.getTreeItem(nodes.find((n) => n.kind === 'node' && n.node.kind === 'variable')!);
    assert.equal(item.label, 'x = arange');
    assert.match(String(item.description), /^\(4,\) · \[0, 1, 2, 3\] · ∇ \[0, 4, 8, 12\]$/);
    const variables = api.views.gradients.getChildren();
    assert.deepEqual(variables.map((v) => v.kind === 'node' && v.node.op), ['arange']);
    assert.ok(api.views.issues.getChildren().length >= 1);
  });

  test('Check Gradients Numerically: from the Gradients view, each variable gets its gradcheck result', async function () {
    this.timeout(60_000);
    const uri = workspaceFile('simple.ts');
    await vscode.window.showTextDocument(uri);
    const [variable] = api.views.gradients.getChildren(); // the item the view's inline action passes
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.gradcheck', variable);
    assert.ok(record, 'the run finished');
    const check = record.trace.backwardPasses[0]!.gradcheck;
    assert.ok(check, 'the pass was checked');
    assert.deepEqual(check.results.map((r) => [r.ok, r.checked, r.size]), [[true, 4, 4]]);
    const [item] = api.views.gradients.getChildren();
    const tree = api.views.gradients.getTreeItem(item!);
    assert.match(String(tree.description), /^✓ \(4,\)/);
    assert.match(String(tree.tooltip), /✓ gradcheck: max \|Δ\| \S+ over 4 elements/);
    assert.equal(tree.contextValue, 'variable.passed');
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'gradcheck').length, 0, 'no problem when it agrees');
  });

  test('the debugger: a gradlens launch configuration runs the file, its output in the Debug Console, the inspector on its gradients', async function () {
    this.timeout(60_000);
    const uri = workspaceFile('simple.ts');
    const output: string[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('gradlens', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (message: { type: string; event?: string; body?: { output?: string } }) => {
          if (message.type === 'event' && message.event === 'output' && message.body?.output) output.push(message.body.output);
        },
      }),
    });
    try {
      const before = api.runs.last(uri.fsPath);
      const ended = new Promise<void>((resolve) => { const listener = vscode.debug.onDidTerminateDebugSession(() => { listener.dispose(); resolve(); }); });
      const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], { type: 'gradlens', request: 'launch', name: 'GradLens test', program: 'simple.ts' });
      assert.ok(started, 'the session started');
      await ended;
      const record = api.runs.last(uri.fsPath);
      assert.ok(record && record !== before, 'a new run of simple.ts');
      assert.equal(record.result.exitCode, 0);
      const text = output.join('');
      assert.match(text, /array\(\[ ?0\., +4\., +8\., 12\.\]\)/, text);
      assert.match(text, /simple\.ts: 1 recording, 1 backward pass, \d+ nodes; exited normally/, text);
      const panel = await until('the inspector', () => api.panel());
      await until('the inspector on the new run', () => panel.isReady && panel.stepPosition?.total === 2);
    } finally {
      tracker.dispose();
    }
  });

  test('the debugger\'s Stop cancels the run and kills the program', async function () {
    this.timeout(60_000);
    const session = new Promise<vscode.DebugSession>((resolve) => { const listener = vscode.debug.onDidStartDebugSession((s) => { listener.dispose(); resolve(s); }); });
    const ended = new Promise<void>((resolve) => { const listener = vscode.debug.onDidTerminateDebugSession(() => { listener.dispose(); resolve(); }); });
    assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], { type: 'gradlens', request: 'launch', name: 'GradLens hangs', program: 'hangs.ts' }));
    await until('the run to start', () => api.runs.running);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const record = new Promise<RunRecord>((resolve) => { const listener = api.runs.onDidRun((r) => { listener.dispose(); resolve(r); }); });
    await vscode.debug.stopDebugging(await session);
    await ended;
    const stopped = await record;
    assert.equal(stopped.result.cancelled, true);
    assertGone(stopped);
    await until('the run to end', () => !api.runs.running);
  });

  test('a program that throws: its error in the Problems panel at its line, the trace kept', async function () {
    this.timeout(60_000);
    const uri = workspaceFile('throws.ts');
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradient', uri, 6);
    assert.ok(record);
    assert.equal(record.result.exitCode, 1);
    assert.match(record.result.error!.message, /the fixture failed on purpose/);
    assert.equal(record.trace.backwardPasses.length, 1, 'what ran before the error is in the trace');
    const diagnostics = await until('the diagnostics', () => { const list = vscode.languages.getDiagnostics(uri); return list.length > 0 && list; });
    const error = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error)!;
    assert.equal(error.range.start.line, 7);
    assert.equal(error.source, 'GradLens');
    assert.match(error.message, /the fixture failed on purpose/);
  });

  test('NaN/Inf anomalies are warnings at the line of the op', async function () {
    this.timeout(60_000);
    const uri = workspaceFile('nan.ts');
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradient', uri, 9);
    assert.ok(record && record.trace.anomalies.length > 0);
    const warning = await until('the warning', () => vscode.languages.getDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Warning));
    assert.equal(warning.range.start.line, 6);
  });

  test('a training run: the lens reads the passes and the loss first → last; Problems say which gradient vanished and when the loss became NaN', async function () {
    this.timeout(60_000);
    const uri = workspaceFile('training.ts');
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradient', uri, 12);
    assert.ok(record && record.trace.backwardPasses.length === 6);
    const warnings = await until('the warnings', () => {
      const list = vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'vanishing' || d.code === 'loss');
      return list.length === 2 && list;
    });
    const byCode = new Map(warnings.map((d) => [d.code, d]));
    assert.equal(byCode.get('vanishing')!.range.start.line, 4, 'at the line that made w');
    assert.equal(byCode.get('vanishing')!.message, "w's gradient vanished from pass 4 on (‖∇‖ < 1e-7)");
    assert.equal(byCode.get('loss')!.range.start.line, 12, 'at the backward');
    assert.equal(byCode.get('loss')!.message, 'loss became NaN at pass 5: first NaN from log at line 12');
    assert.ok(warnings.every((d) => d.severity === vscode.DiagnosticSeverity.Warning && d.source === 'GradLens'));
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.some((t) => /^\$\(graph\) 6 passes · loss [\d.]+ → NaN · step through the last \(\d+ steps\)$/.test(t)), titles.join(' | '));
    // The Autograd Graph view holds the loop's six passes under their line; Gradients has one item per array.
    const roots = api.views.graph.getChildren();
    const loop = roots.find((item) => item.kind === 'line')!;
    assert.ok(loop, roots.map((r) => r.kind).join(', '));
    const loopItem = api.views.graph.getTreeItem(loop);
    assert.equal(loopItem.label, 'backward · line 13');
    assert.match(String(loopItem.description), /^×6 · loss [\d.]+ → NaN$/);
    const passes = api.views.graph.getChildren(loop);
    assert.deepEqual(passes.map((p) => String(api.views.graph.getTreeItem(p).label)), ['#1', '#2', '#3', '#4', '#5', '#6']);
    assert.equal(api.views.graph.getParent(passes[2]!), loop);
    const gradients = api.views.gradients.getChildren();
    const described = gradients.map((item) => [String(api.views.gradients.getTreeItem(item).label), String(api.views.gradients.getTreeItem(item).description)]);
    assert.equal(described.length, 2, JSON.stringify(described));
    assert.ok(described.some(([label, description]) => label.startsWith('w = ') && /^‖∇‖ [\d.]+ → 0 over 6 passes · \(2,\)/.test(description)), JSON.stringify(described));
    assert.ok(described.some(([label, description]) => label.startsWith('b = ') && /^‖∇‖ [\d.]+ → [\d.]+ over 6 passes/.test(description)), JSON.stringify(described));
  });

  test('a program that hangs is stopped at the timeout, and the next run works', async function () {
    this.timeout(60_000);
    await configure('timeoutSeconds', 2);
    const started = Date.now();
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradients', workspaceFile('hangs.ts'));
    assert.ok(record);
    assert.equal(record.file, workspaceFile('hangs.ts').fsPath);
    assert.equal(record.result.timedOut, true, JSON.stringify(record.result));
    assert.ok(Date.now() - started < 20_000);
    assertGone(record);
    await configure('timeoutSeconds', undefined);
    const next = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradient', workspaceFile('simple.ts'), 6);
    assert.equal(next?.result.exitCode, 0);
  });

  test('the arrays\' memory budget (gradlens.maxMemoryMb) stops a program at the line that allocates, saying how to raise it', async function () {
    this.timeout(60_000);
    await configure('maxMemoryMb', 64);
    try {
      const uri = workspaceFile('memory.ts');
      const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradients', uri);
      assert.ok(record);
      assert.deepEqual(record.trace.run.outcome, { kind: 'out-of-memory', what: 'arrays', limitMb: 64 });
      assert.match(record.result.error!.message, /budget of 64 MB.*gradlens\.maxMemoryMb setting/s);
      const error = await until('the diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error));
      assert.equal(error.range.start.line, 5, 'kept.push(np.ones([1000, 1000])) is line 6');
    } finally {
      await configure('maxMemoryMb', undefined);
    }
  });

  test('Cancel stops the program at once', async function () {
    this.timeout(60_000);
    const running = vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradients', workspaceFile('hangs.ts'));
    await until('the run to start', () => api.runs.running);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cancelledAt = Date.now();
    await vscode.commands.executeCommand('gradlens.cancel');
    const record = await running;
    assert.ok(record);
    assert.equal(record.result.cancelled, true);
    assert.equal(record.result.timedOut, false);
    assert.ok(Date.now() - cancelledAt < 5000, 'the child is killed, not waited for');
    assert.equal(api.runs.running, false);
    assertGone(record);
  });
});
