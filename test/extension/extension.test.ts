// GradLens inside a real VS Code (the extension host of code-server in CI, or of a desktop VS Code
// through @vscode/test-electron): activation, commands, lenses, a run that opens the inspector and
// talks to it, the Problems panel, the Run and Debug views, cancellation, programs that throw or
// hang. The workspace is test/fixtures/workspace.
import { strict as assert } from 'node:assert';
import { copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { GradLensApi } from '../../extension/extension';
import type { InspectorPanel } from '../../extension/panel';
import type { PausedShown } from '../../extension/pausedGraph';
import type { RunRecord } from '../../extension/runs';
import type { HostToWebview } from '../../protocol/messages';
import { missingParts } from '../../protocol/traceParts';
import { until } from './until';

const EXTENSION_ID = 'gradlens.gradlens';
/** The repository, seen from dist/test/extension/extension.test.js. */
const repoRoot = resolve(__dirname, '..', '..', '..');

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

  test('the debugger pauses: breakpoints stop js-debug at their lines, and at each stop the views and the inspector show the graph so far — step over a line, its node appears; step over backward(), its steps and gradients; continued, the run is recorded with the numbers of a run without the debugger', async function () {
    this.timeout(120_000);
    const uri = workspaceFile('paused.ts');
    const folder = vscode.workspace.workspaceFolders![0]!;
    const stops: { session: vscode.DebugSession; threadId: number }[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: { type: string; event?: string; body?: { threadId?: number } }) => {
          if (message.type === 'event' && message.event === 'stopped') stops.push({ session, threadId: message.body?.threadId ?? 0 });
        },
      }),
    });
    const shown: PausedShown[] = [];
    const shownListener = api.onDidShowPaused((paused) => shown.push(paused));
    // paused.ts line 8 (0-based 7): `const squares = tripled.mul(tripled);`, inside the function autograd.record calls;
    // line 11 (0-based 10): `y.backward();`.
    const breakpoints = [7, 10].map((line) => new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(line, 0))));
    vscode.debug.addBreakpoints(breakpoints);
    /** The stop after `count` stops, with its trace so far shown. */
    const stopNumber = async (count: number) => {
      const stop = await until(`stop ${count}`, () => stops[count - 1], 60_000);
      const paused = await until(`the graph of stop ${count}`, () => shown[count - 1], 30_000);
      const { stackFrames } = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 1 }) as { stackFrames: { line: number; source?: { path?: string } }[] };
      return { stop, paused, line: stackFrames[0]?.line, framePath: stackFrames[0]?.source?.path ?? '' };
    };
    const graphOps = () => {
      const groups = api.views.graph.getChildren();
      return groups.map((group) => [group.kind === 'group' ? group.selection.kind : group.kind, api.views.graph.getChildren(group).map((item) => (item.kind === 'node' ? item.node.op : item.kind))]);
    };
    try {
      const recorded = new Promise<RunRecord>((resolve) => { const listener = api.runs.onDidRun((r) => { if (r.file === uri.fsPath && !r.trace.run.paused) { listener.dispose(); resolve(r); } }); });
      const types: string[] = [];
      const started = vscode.debug.onDidStartDebugSession((session) => types.push(session.type));
      try {
        assert.ok(await vscode.debug.startDebugging(folder, { type: 'gradlens', request: 'launch', name: 'GradLens pauses', program: 'paused.ts', seed: 7 }), 'the session started');
        const first = await stopNumber(1);
        assert.ok(types.includes('pwa-node'), `a js-debug session: ${types.join(', ')}`);
        assert.equal(first.line, 8);
        // In code-server the client names the file by its remote URI (vscode-remote://host/path).
        assert.equal(first.framePath.includes('://') ? vscode.Uri.parse(first.framePath).path : first.framePath, uri.path, 'the user\'s file, through the bundle\'s source map');
        // Stop 1: `x.mul(3)` ran, nothing after it. The recording is open; its one op is selected.
        const one = first.paused.record.trace;
        assert.deepEqual(one.run.paused?.source?.line, 8);
        assert.deepEqual(one.nodes.map((n) => n.op), ['arange', 'constant', 'mul']);
        assert.deepEqual(one.recordings.map((r) => [r.closed, r.nodes.length]), [[false, 1]]);
        assert.equal(api.runs.last(uri.fsPath), first.paused.record, 'the file\'s record is the trace so far');
        const [group] = api.views.graph.getChildren();
        assert.equal(api.views.graph.getTreeItem(group!).description, '1 ops so far (recording)');
        assert.deepEqual(graphOps().map(([, ops]) => (ops as string[]).filter((op) => op === 'mul').length), [1], JSON.stringify(graphOps()));
        const panel = await until('the inspector', () => api.panel());
        await until('the inspector on the trace so far', () => panel.panel.title === 'GradLens: paused.ts (paused)');
        // The debugger's own Variables: an NDArray reads as its summary line, shape first.
        const frameId = ((await first.stop.session.customRequest('stackTrace', { threadId: first.stop.threadId, startFrame: 0, levels: 1 })) as { stackFrames: { id: number }[] }).stackFrames[0]!.id;
        const { scopes } = await first.stop.session.customRequest('scopes', { frameId }) as { scopes: { name: string; variablesReference: number }[] };
        const variables = (await Promise.all(scopes.filter((scope) => scope.variablesReference > 0).slice(0, 3)
          .map((scope) => first.stop.session.customRequest('variables', { variablesReference: scope.variablesReference }) as Promise<{ variables: { name: string; value: string }[] }>)))
          .flatMap((answer) => answer.variables);
        const tripled = variables.find((variable) => variable.name === 'tripled') as { name: string; value: string; variablesReference: number; evaluateName?: string } | undefined;
        assert.match(tripled?.value ?? '', /^float32 \(4,\) ≈4\.5 ±3\.4 \[0, 9\] nan:0$/, JSON.stringify(variables.map((v) => [v.name, v.value])));
        // Expanded: its values, gradient, gradReq and whether it was recorded (debug.properties).
        const expanded = (await first.stop.session.customRequest('variables', { variablesReference: tripled!.variablesReference }) as { variables: { name: string; value: string }[] }).variables;
        const shown = Object.fromEntries(expanded.map((v) => [v.name, v.value]));
        assert.deepEqual([shown.dtype, shown.gradReq, shown.recorded, shown.grad], ["'float32'", "'null'", 'true', 'null'], JSON.stringify(expanded));
        assert.match(shown.values ?? '', /0, 3, 6, 9/, JSON.stringify(expanded));
        // "Show in GradLens Inspector" on it (the Variables view's context menu): its node, selected in the inspector.
        const focused = new Promise<number[]>((resolve) => { const listener = panel.onDidFocusNodes((ids) => { listener.dispose(); resolve(ids); }); });
        await vscode.commands.executeCommand('gradlens.showVariable', { container: {}, variable: tripled });
        assert.deepEqual(await focused, [one.nodes.find((n) => n.op === 'mul')!.id]);

        // Step over line 8: its product appears, and only it is new.
        await first.stop.session.customRequest('next', { threadId: first.stop.threadId });
        const second = await stopNumber(2);
        assert.equal(second.line, 9);
        assert.deepEqual(second.paused.record.trace.nodes.map((n) => n.op), ['arange', 'constant', 'mul', 'mul']);
        assert.deepEqual(second.paused.fresh, [second.paused.record.trace.nodes[3]!.id], 'the new node is the one selected');

        // On to `y.backward();`: the recording is closed, no pass yet.
        await second.stop.session.customRequest('continue', { threadId: second.stop.threadId });
        const third = await stopNumber(3);
        assert.equal(third.line, 11);
        const before = third.paused.record.trace;
        assert.deepEqual(before.recordings.map((r) => r.closed), [true]);
        assert.equal(before.backwardPasses.length, 0);
        assert.equal(before.nodes[0]!.grad, undefined, 'no gradient yet');

        // Step over backward(): its steps and x.grad = 36x arrive; the inspector goes to the pass.
        await third.stop.session.customRequest('next', { threadId: third.stop.threadId });
        const fourth = await stopNumber(4);
        assert.equal(fourth.line, 12);
        const after = fourth.paused.record.trace;
        assert.equal(after.backwardPasses.length, 1);
        assert.equal(after.backwardPasses[0]!.steps.length, 4, 'mul, sum, mul, mul');
        assert.deepEqual(after.nodes[0]!.grad?.data, [0, 36, 72, 108]);
        assert.deepEqual(graphOps()[0]![0], 'pass', 'the views list the pass first');
        await until('the inspector on the pass\'s backward steps', () => panel.stepPosition?.selection.kind === 'pass' && panel.stepPosition.view === 'backward' && panel.stepPosition.total === 4);
        await fourth.stop.session.customRequest('continue', { threadId: fourth.stop.threadId });
      } finally {
        started.dispose();
      }
      const record = await recorded;
      assert.equal(stops.length, 4, 'two breakpoints and two steps');
      assert.equal(record.result.exitCode, 0);
      assert.equal(record.trace.run.seed, 7);
      assert.equal(record.trace.run.paused, undefined);
      assert.equal(record.trace.backwardPasses.length, 1);
      assert.match(record.trace.run.stdout, /array\(\[ *0\., +36\., +72\., +108\.\]\)/, `the program's output, through the debugger: ${JSON.stringify(record.trace.run.stdout)} ${JSON.stringify(record.trace.run.stderr)}`);
      const direct = await api.runs.run(uri, null, { seed: 7 });
      assert.ok(direct);
      assert.deepEqual(record.trace.backwardPasses, direct.trace.backwardPasses, 'the same backward pass, gradients and all');
      assert.deepEqual(record.trace.nodes, direct.trace.nodes);
      assert.equal(record.trace.run.stdout, direct.trace.run.stdout);
      const timings = shown.map((s) => s.shownAt - s.stoppedAt);
      assert.ok(timings.every((t) => t >= 0), timings.join(', '));
    } finally {
      vscode.debug.removeBreakpoints(breakpoints);
      tracker.dispose();
      shownListener.dispose();
    }
  });

  test('F5 in a file that imports gradlens, with no launch.json, is GradLens\'s: Debug Current File launches it under js-debug; elsewhere, or with launch configurations, F5 stays VS Code\'s', async function () {
    this.timeout(90_000);
    const uri = workspaceFile('simple.ts');
    await vscode.window.showTextDocument(uri);
    await until('F5 to be GradLens\'s in simple.ts', () => api.debugKey.f5Debugs);
    await vscode.window.showTextDocument(workspaceFile('plain.ts'));
    await until('F5 to be VS Code\'s in a file without gradlens', () => !api.debugKey.f5Debugs);
    await vscode.window.showTextDocument(uri);
    await until('F5 to be GradLens\'s again', () => api.debugKey.f5Debugs);
    const launch = vscode.workspace.getConfiguration('launch', uri);
    await launch.update('configurations', [{ type: 'node', request: 'launch', name: 'mine', program: '${file}' }], vscode.ConfigurationTarget.Workspace);
    try {
      await until('F5 to be VS Code\'s with a launch configuration', () => !api.debugKey.f5Debugs);
    } finally {
      await launch.update('configurations', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until('F5 to be GradLens\'s without it', () => api.debugKey.f5Debugs);
    // What F5 runs: a launch that pauses (js-debug), run to its end here (no breakpoints), then recorded.
    const types: string[] = [];
    const started = vscode.debug.onDidStartDebugSession((session) => types.push(session.type));
    const recorded = new Promise<RunRecord>((resolve) => { const listener = api.runs.onDidRun((r) => { if (r.file === uri.fsPath && !r.trace.run.paused) { listener.dispose(); resolve(r); } }); });
    try {
      assert.equal(await vscode.commands.executeCommand('gradlens.debugFile'), true);
      const record = await recorded;
      assert.equal(record.result.exitCode, 0);
      assert.equal(record.trace.backwardPasses.length, 1);
      assert.ok(types.includes('pwa-node'), types.join(', '));
    } finally {
      started.dispose();
    }
  });

  test('the debugger with "pause": false: a gradlens launch configuration runs the file, its output in the Debug Console, the inspector on its gradients', async function () {
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
      // Its own session's end (a session of the test before, js-debug's, may end late).
      const ended = new Promise<void>((resolve) => {
        const listener = vscode.debug.onDidTerminateDebugSession((session) => { if (session.name === 'GradLens test' && session.type === 'gradlens') { listener.dispose(); resolve(); } });
      });
      const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], { type: 'gradlens', request: 'launch', name: 'GradLens test', program: 'simple.ts', pause: false });
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

  test('the debugger\'s Stop ("pause": false) cancels the run and kills the program', async function () {
    this.timeout(60_000);
    // Its own session (one of the tests before, js-debug's, may start or end late).
    const ours = (s: vscode.DebugSession) => s.name === 'GradLens hangs' && s.type === 'gradlens';
    const session = new Promise<vscode.DebugSession>((resolve) => { const listener = vscode.debug.onDidStartDebugSession((s) => { if (ours(s)) { listener.dispose(); resolve(s); } }); });
    const ended = new Promise<void>((resolve) => { const listener = vscode.debug.onDidTerminateDebugSession((s) => { if (ours(s)) { listener.dispose(); resolve(); } }); });
    assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], { type: 'gradlens', request: 'launch', name: 'GradLens hangs', program: 'hangs.ts', pause: false }));
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

  test('the debugger\'s Stop while paused ends the program (its process gone), the run recorded as cancelled with its trace up to there', async function () {
    this.timeout(90_000);
    const uri = workspaceFile('hangs.ts');
    const ours = (s: vscode.DebugSession) => s.name === 'GradLens hangs paused' && s.type === 'pwa-node';
    const session = new Promise<vscode.DebugSession>((resolve) => { const listener = vscode.debug.onDidStartDebugSession((s) => { if (ours(s)) { listener.dispose(); resolve(s); } }); });
    const paused = new Promise<PausedShown>((resolve) => { const listener = api.onDidShowPaused((shown) => { if (shown.record.file === uri.fsPath) { listener.dispose(); resolve(shown); } }); });
    // hangs.ts line 6 (0-based 5): the loop that never ends.
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(5, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    try {
      const recorded = new Promise<RunRecord>((resolve) => { const listener = api.runs.onDidRun((r) => { if (r.file === uri.fsPath && !r.trace.run.paused) { listener.dispose(); resolve(r); } }); });
      assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], { type: 'gradlens', request: 'launch', name: 'GradLens hangs paused', program: 'hangs.ts' }));
      const shown = await paused;
      assert.equal(shown.record.trace.run.paused?.source?.line, 6);
      assert.match(shown.record.trace.run.stdout, /pid \d+/, 'the output so far is in the trace so far');
      await vscode.debug.stopDebugging(await session);
      const record = await recorded;
      assert.equal(record.result.cancelled, true);
      assert.equal(record.trace.run.paused, undefined);
      assert.match(record.trace.run.stdout, /pid \d+/, 'its output up to the stop');
      assertGone(record);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });

  test('"breakOnNaN": the program pauses at the line of the op that first produced ±∞, the explanation said, the anomaly\'s node selected; continued, it runs to its end', async function () {
    this.timeout(90_000);
    const uri = workspaceFile('nan.ts');
    const paused = new Promise<PausedShown>((resolve) => { const listener = api.onDidShowPaused((shown) => { if (shown.record.file === uri.fsPath) { listener.dispose(); resolve(shown); } }); });
    const recorded = new Promise<RunRecord>((resolve) => { const listener = api.runs.onDidRun((r) => { if (r.file === uri.fsPath && !r.trace.run.paused) { listener.dispose(); resolve(r); } }); });
    const stops: { session: vscode.DebugSession; threadId: number }[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: { type: string; event?: string; body?: { threadId?: number } }) => {
          if (message.type === 'event' && message.event === 'stopped') stops.push({ session, threadId: message.body?.threadId ?? 0 });
        },
      }),
    });
    try {
      assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], { type: 'gradlens', request: 'launch', name: 'GradLens NaN', program: 'nan.ts', breakOnNaN: true }));
      const shown = await paused;
      // nan.ts line 7: `const l = np.log(x);` — log(0) is −∞.
      assert.equal(shown.record.trace.run.paused?.source?.line, 7, JSON.stringify(shown.record.trace.run.paused));
      assert.match(shown.nonFinite ?? '', /^GradLens: paused on ±∞ \(forward\): 'log' produced .* from finite inputs at nan\.ts:7\.$/, shown.nonFinite);
      const anomaly = shown.record.trace.anomalies[0]!;
      assert.equal(shown.record.trace.nodes.find((n) => n.id === anomaly.node)?.op, 'log');
      const stop = stops.at(-1)!;
      const { stackFrames } = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 40 }) as { stackFrames: { name: string; line: number; presentationHint?: string; source?: { path?: string } }[] };
      assert.equal(stackFrames[0]?.name, 'pauseOnNonFinite', 'GradLens\'s pause on top');
      const user = stackFrames.find((f) => f.presentationHint !== 'deemphasize' && f.name !== 'pauseOnNonFinite' && f.source?.path);
      assert.deepEqual([user?.source?.path?.endsWith('/nan.ts'), user?.line], [true, 7], 'below it, past the engine\'s skipped frames, the user\'s line');
      const editor = await until('the editor on the op\'s line', () => vscode.window.activeTextEditor?.document.uri.fsPath === uri.fsPath && vscode.window.activeTextEditor);
      assert.equal(editor.selection.active.line, 6);
      await stop.session.customRequest('continue', { threadId: stop.threadId });
      const record = await recorded;
      assert.equal(record.result.exitCode, 0);
      // log's gradient at 0 is ∞ too: journaled as always, but only the first pauses.
      assert.deepEqual(record.trace.anomalies.map((a) => a.phase), ['forward', 'backward']);
      assert.equal(stops.length, 1, 'one pause: the first NaN/Inf');
    } finally {
      tracker.dispose();
    }
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
    assert.equal(byCode.get('vanishing')!.message, "w's gradient vanished from pass 4 on (‖∇‖ < 1e-7): in pass 4, dot (line 12) multiplies it by x, whose values are all 0 (×0)");
    assert.equal(byCode.get('loss')!.range.start.line, 12, 'at the backward');
    assert.equal(byCode.get('loss')!.message, 'loss became NaN at pass 5: first NaN from log at line 12');
    assert.ok(warnings.every((d) => d.severity === vscode.DiagnosticSeverity.Warning && d.source === 'GradLens'));
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    const training = lenses.find((l) => /^\$\(graph-line\) 6 passes · loss [\d.]+ → NaN · Training view$/.test(l.command?.title ?? ''));
    assert.ok(training, titles.join(' | '));
    assert.deepEqual(training.command!.arguments, [uri, { kind: 'training' }]);
    const stepThrough = lenses.find((l) => /^\$\(debug-step-into\) step through the last \(\d+ steps\)$/.test(l.command?.title ?? ''));
    assert.ok(stepThrough, titles.join(' | '));
    assert.deepEqual(stepThrough.command!.arguments, [uri, { kind: 'pass', id: 5 }]);
    assert.equal(training.range.start.line, stepThrough.range.start.line, 'both over the backward');
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

  test('a long run under a small budget (gradlens.maxTraceMb): its lens opens the Training view; "run again keeping" a summarised pass traces it again, the pass kept', async function () {
    this.timeout(180_000);
    const program = workspaceFile('long-run.ts');
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'capture', 'long-run.ts'), program.fsPath);
    await configure('maxTraceMb', 1);
    try {
      await vscode.window.showTextDocument(program);
      const backwardLine = readFileSync(program.fsPath, 'utf8').split('\n').findIndex((line) => line.includes('l.backward();'));
      // The fixture's arguments: 36 passes (the command palette's runs pass none; a run traced again passes its own).
      const record = await api.runs.run(program, backwardLine, { args: ['36'] });
      assert.ok(record && record.result.exitCode === 0, JSON.stringify(record?.result));
      const { backwardPasses: passes, run } = record.trace;
      assert.equal(passes.length, 36);
      assert.equal(run.keep?.maxTraceMb, 1, 'the setting reached the runner');
      const summarised = passes.filter((p) => p.kept === false);
      assert.ok(summarised.length > 0 && passes.at(-1)!.kept, `some passes summarised, the last kept (kept: ${passes.filter((p) => p.kept).map((p) => p.id).join(' ')})`);

      // The lenses over `l.backward();`: the passes and the loss, and the last pass.
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', program);
      const titles = lenses.filter((l) => l.range.start.line === backwardLine).map((l) => l.command?.title ?? '');
      assert.equal(titles.length, 3, lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`).join(' | '));
      assert.match(titles[0]!, /^\$\(graph-line\) 36 passes · loss \d\.\d+ → \d\.\d+ · Training view$/);
      assert.match(titles[1]!, /^\$\(debug-step-into\) step through the last \(\d+ steps\)$/);
      assert.equal(titles[2], '$(refresh) Compute again');
      const training = lenses.find((l) => l.command?.title === titles[0])!.command!;
      const panel = await vscode.commands.executeCommand<InspectorPanel | null>(training.command, ...training.arguments!);
      assert.ok(panel && panel === api.panel() && panel.shown === record, 'the inspector on the run');
      assert.deepEqual(panel.requestedSelection, { kind: 'training' });
      await until('the ready handshake', () => panel.isReady);
      // A selection the trace does not have, or that is none, is dropped (the command's arguments are data).
      await vscode.commands.executeCommand(training.command, program, { kind: 'pass', id: 999 });
      assert.equal(panel.requestedSelection, null);
      await vscode.commands.executeCommand(training.command, program, { kind: 'training', id: 3 });
      assert.equal(panel.requestedSelection, null);
      await vscode.commands.executeCommand(training.command, ...training.arguments!);

      // A kept pass needs no new run: the message is ignored.
      await panel.handle({ type: 'run/again-keeping', pass: 0 });
      assert.equal(api.runs.last(program.fsPath), record, 'no new run for a kept pass');
      // A summarised pass, as the Training view asks for it: the same run again, keeping it.
      const target = summarised[Math.floor(summarised.length / 2)]!;
      const from = api.notifications().length;
      await panel.handle({ type: 'run/again-keeping', pass: target.id });
      const again = api.runs.last(program.fsPath)!;
      assert.notEqual(again, record, 'a new run');
      assert.deepEqual([again.trace.run.argv, again.trace.run.seed], [['36'], run.seed], 'the same arguments and seed');
      assert.deepEqual(again.trace.run.keep?.requested, [[target.id, target.id]]);
      const kept = again.trace.backwardPasses.find((p) => p.id === target.id)!;
      assert.equal(kept.kept, true, `pass ${target.id} is kept in the new trace`);
      assert.ok(kept.steps.length > 0 && kept.leafGrads.length === 4, 'whole: its steps and gradients');
      assert.deepEqual(kept.summary!.head, target.summary!.head, 'the same loss: the engine\'s randomness is seeded');
      const said = api.notifications().slice(from).map((n) => n.message);
      assert.ok(!said.some((m) => /did not run the same way|still summarised|did not run backward pass/.test(m)), said.join('\n'));
      // The inspector opens on the pass, backward: the webview says so when it draws its first step.
      assert.equal(panel.shown, again);
      assert.deepEqual(panel.requestedSelection, { kind: 'pass', id: target.id });
      const position = await until('the inspector on the kept pass', () => panel.stepPosition?.selection.kind === 'pass' && panel.stepPosition.selection.id === target.id && panel.stepPosition);
      assert.equal(position.view, 'backward');
      assert.ok(position.total > 0, 'its steps are there to step through');
    } finally {
      await configure('maxTraceMb', undefined);
    }
  });

  test('run again keeping a pass of a program that is not deterministic: a warning naming the pass, and the Training view', async function () {
    this.timeout(120_000);
    // The number of passes depends on Math.random, which the engine's seed does not reach.
    const program = workspaceFile('random-run.ts');
    writeFileSync(program.fsPath, [
      "import { autograd, np } from 'gradlens';",
      'const w = np.array([0.5, -0.25]);',
      'w.attachGrad();',
      'const passes = Math.random() < 0.5 ? 3 : 4;',
      'for (let step = 0; step < passes; step++) {',
      '  const l = autograd.record(() => np.dot(w, w).mul(Math.random()));',
      '  l.backward();',
      '}',
      '',
    ].join('\n'));
    const first = await api.runs.run(program, 6);
    assert.ok(first && first.result.exitCode === 0, JSON.stringify(first?.result));
    // Summarise the second pass of the trace held, as a budget would have (the host checks the trace it holds).
    const pass = first.trace.backwardPasses[1]!;
    Object.assign(pass, { kept: false, heads: [], headGrads: [], implicitHeadGrads: [], steps: [], leafGrads: [], omitted: { firstNode: 0, lastNode: -1, nodes: 0, steps: 0 } });
    pass.summary!.head = 1e6; // a loss no run of it makes
    const panel = await vscode.commands.executeCommand<InspectorPanel | null>('gradlens.openInspectorAt', program, { kind: 'training' });
    assert.ok(panel);
    await until('the ready handshake', () => panel.isReady);
    const from = api.notifications().length;
    await panel.handle({ type: 'run/again-keeping', pass: 1 });
    const again = api.runs.last(program.fsPath)!;
    assert.notEqual(again, first, 'traced again');
    assert.ok(again.trace.backwardPasses[1]?.kept, 'pass 1 kept this time');
    const said = api.notifications().slice(from).filter((n) => n.level === 'warning').map((n) => n.message);
    assert.equal(said.length, 1, said.join('\n'));
    assert.match(said[0]!, /^GradLens: traced again, random-run\.ts did not run the same way: the loss of pass #2 was 1e\+?6, now [\d.]+\. The program may use randomness not seeded through the engine/);
    assert.deepEqual(panel.requestedSelection, { kind: 'pass', id: 1 }, 'the new run\'s pass, shown');
    // And a pass the new run did not make (pass #9 of a run of 3 or 4): said, and the Training view instead.
    const held = api.runs.last(program.fsPath)!;
    const ninth = { ...held.trace.backwardPasses[0]!, id: 8, kept: false, heads: [], headGrads: [], implicitHeadGrads: [], steps: [], leafGrads: [], omitted: { firstNode: 0, lastNode: -1, nodes: 0, steps: 0 } };
    held.trace.backwardPasses.push(ninth);
    const before = api.notifications().length;
    await panel.handle({ type: 'run/again-keeping', pass: 8 });
    assert.notEqual(api.runs.last(program.fsPath), held, 'traced again');
    const missing = api.notifications().slice(before).filter((n) => n.level === 'warning').map((n) => n.message);
    assert.equal(missing.length, 1, missing.join('\n'));
    assert.match(missing[0]!, /^GradLens: traced again, random-run\.ts did not run backward pass #9 \(it made [34] backward passes this time\): the program did not run the same way \(is it deterministic\?\)\. The Training view shows the new run\.$/);
    assert.deepEqual(panel.requestedSelection, { kind: 'training' });
  });

  test('a big trace in parts: a file opened as its head and last pass, parts/load answered from the file; a big run sent as its head and the pass asked for', async function () {
    this.timeout(120_000);
    // Four passes, each over an array of its own: no part needs another (a parameter updated in place would chain them).
    const program = workspaceFile('batches.ts');
    writeFileSync(program.fsPath, [
      "import { autograd, np } from 'gradlens';",
      'for (let step = 0; step < 4; step++) {',
      '  const w = np.array([step, step + 1]);',
      '  w.attachGrad();',
      '  const l = autograd.record(() => np.dot(w, w));',
      '  l.backward();',
      '}',
      '',
    ].join('\n'));
    const sizes = { ...api.partSizes };
    // Every trace goes in parts, however small (the sizes are no setting: the extension's API lowers them).
    Object.assign(api.partSizes, { readWholeBelow: 0, sendWholeBelow: 0 });
    try {
      // A run of it: its trace is whole in the record, the inspector gets its head and the pass the lens asked for.
      const run = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradient', program, 5);
      assert.ok(run && run.result.exitCode === 0 && run.tracePath, JSON.stringify(run?.result));
      assert.equal(run.trace.parts, undefined);
      assert.deepEqual(run.focus, { kind: 'pass', id: 0 }, 'the lens opens the first pass made at its line');
      const panel = await until('the inspector on the run', () => { const p = api.panel(); return p?.shown === run && p.isReady && p.heldTrace && p; });
      const sent = panel.heldTrace!;
      assert.ok(sent.parts, 'sent in parts');
      assert.deepEqual(missingParts(sent, { kind: 'pass', id: 0 }), [], 'the pass shown first needs no round trip');
      assert.ok(missingParts(sent, { kind: 'pass', id: 3 }).length > 0, 'another is loaded when opened');

      // The trace file the run saved, opened: the record holds its head and its last pass.
      const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.openTrace', vscode.Uri.file(run.tracePath));
      assert.ok(record && record.fileParts && record.trace.parts, 'opened in parts');
      assert.deepEqual(missingParts(record.trace, { kind: 'pass', id: 3 }), [], 'the last pass is loaded');
      const firstParts = missingParts(record.trace, { kind: 'pass', id: 0 });
      assert.ok(firstParts.length > 0, 'the first is not');
      // The views say so of a pass not loaded, and still count its steps.
      const groups = api.views.graph.getChildren();
      const line = groups.find((item) => item.kind === 'line')!;
      const [first, , , last] = api.views.graph.getChildren(line);
      const stepsOf = (item: typeof first) => String(api.views.graph.getTreeItem(item!).description).split(' · ').at(-1);
      const steps = record.trace.backwardPasses[3]!.steps.length;
      assert.ok(steps > 0);
      assert.equal(stepsOf(first), stepsOf(last), 'a pass not loaded counts its steps from its summary');
      assert.equal(stepsOf(last), `${steps} step${steps === 1 ? '' : 's'}`);
      const inside = api.views.graph.getChildren(first!);
      assert.deepEqual(inside.map((item) => item.kind), ['unloaded']);
      const unloaded = api.views.graph.getTreeItem(inside[0]!);
      assert.equal(unloaded.label, 'not loaded — open it in the inspector');
      assert.deepEqual(unloaded.command?.arguments?.[1], { kind: 'pass', id: 0 });
      const lastNodes = api.views.graph.getChildren(last!);
      assert.ok(lastNodes.length > 0 && lastNodes.every((item) => item.kind === 'node'), 'the last pass\'s nodes are there');
      // Gradients: the last pass's w as a node; the others' from their summaries, said to be not loaded.
      const variables = api.views.gradients.getChildren();
      assert.deepEqual(variables.map((item) => item.kind), ['unloaded', 'unloaded', 'unloaded', 'node']);
      assert.equal(api.views.gradients.getTreeItem(variables[0]!).label, 'the variable of backward pass #1: ‖∇‖ 2 · not loaded — open it in the inspector');
      assert.match(String(api.views.gradients.getTreeItem(variables[3]!).description), /^\(2,\) · \[3, 4\] · ∇ \[6, 8\]$/, 'the last iteration\'s values');

      // The inspector shows it as it is held, and asks for the first pass's parts.
      const shown = await until('the inspector on the file', () => panel.shown === record && panel.isReady && panel.heldTrace);
      assert.deepEqual(shown.parts!.loaded, record.trace.parts.loaded);
      const posted: HostToWebview[] = [];
      const webview = panel.panel.webview as { postMessage(message: unknown): Thenable<boolean> };
      const post = webview.postMessage.bind(webview);
      webview.postMessage = (message: unknown) => { posted.push(message as HostToWebview); return post(message); };
      try {
        await panel.handle({ type: 'parts/load', parts: firstParts });
        const data = posted.find((m): m is Extract<HostToWebview, { type: 'parts/data' }> => m.type === 'parts/data');
        assert.ok(data, posted.map((m) => m.type).join(', '));
        assert.deepEqual(data.parts.map((part) => part.part), firstParts);
        assert.deepEqual(missingParts(panel.heldTrace!, { kind: 'pass', id: 0 }), [], 'the host counts them as the inspector\'s');
        // A part the trace does not have is ignored; a file changed since it was opened is said to be.
        posted.length = 0;
        await panel.handle({ type: 'parts/load', parts: [999] });
        assert.deepEqual(posted, []);
        const later = new Date(Date.now() + 60_000);
        utimesSync(run.tracePath, later, later);
        const secondParts = missingParts(panel.heldTrace!, { kind: 'pass', id: 1 });
        assert.ok(secondParts.length > 0);
        await panel.handle({ type: 'parts/load', parts: secondParts });
        assert.deepEqual(posted, [{ type: 'parts/failed', parts: secondParts, problem: 'batches.ts.gradlens.json changed since it was opened: open it again' }]);
      } finally {
        webview.postMessage = post;
      }
    } finally {
      Object.assign(api.partSizes, sizes);
    }
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
