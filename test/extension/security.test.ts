// A trace is data, never an instruction (issue 9): text from traces and programs never becomes a
// command link, icon or markdown; a trace read from a file opens only files in the workspace or its
// own folder and runs nothing without the user's yes; the inspector's messages are checked.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GradLensApi } from '../../extension/extension';
import type { RunRecord } from '../../extension/runs';
import type { Trace } from '../../protocol/trace';
import { notificationLinks } from '../../extension/untrusted';
import { COMMAND_LINK, openPaths, RLO, simpleTrace, watchWindow, workspaceFolder, writeTrace, type Watch } from './hostile';
import { until } from './until';

const EXTENSION_ID = 'gradlens.gradlens';

/** Every notification shown since `from`: none holds a link VS Code would draw. */
function assertNoLinks(api: GradLensApi, from: number): string[] {
  const messages = api.notifications().slice(from).map((n) => n.message);
  for (const message of messages) assert.deepEqual(notificationLinks(message), [], `a link in: ${message}`);
  return messages;
}

suite('GradLens security: a trace is data', () => {
  let api: GradLensApi;
  let watch: Watch;
  let outside: string;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await vscode.extensions.getExtension<GradLensApi>(EXTENSION_ID)!.activate();
    watch = watchWindow();
    outside = mkdtempSync(join(tmpdir(), 'gradlens-outside-'));
  });

  suiteTeardown(async () => {
    watch.restore();
    rmSync(outside, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  setup(() => { watch.modals.length = 0; watch.answer = undefined; });

  test('a malformed trace is refused with its text shown as text: no command link forms', async () => {
    const from = api.notifications().length;
    const base = simpleTrace();
    const cases: [string, unknown][] = [
      ['format.gradlens.json', { ...base, format: COMMAND_LINK }],
      ['version.gradlens.json', { ...base, version: COMMAND_LINK }],
      ['dangling.gradlens.json', { ...base, nodes: base.nodes.map((n, i) => (i === 1 ? { ...n, inputs: [COMMAND_LINK] } : n)) }],
      [`not json ${COMMAND_LINK}.gradlens.json`.replace(/\//g, '_'), `{"format": "${COMMAND_LINK}", `],
      [`${COMMAND_LINK}.gradlens.json`.replace(/\//g, '_'), { ...base, format: 'other' }],
    ];
    for (const [name, value] of cases) {
      assert.equal(await vscode.commands.executeCommand('gradlens.openTrace', writeTrace(name, value)), null, `${name} is refused`);
    }
    const messages = assertNoLinks(api, from);
    assert.equal(messages.length, cases.length, messages.join('\n'));
    // The file names are shown as they are (as text); the trace's own text is described, never quoted as markup.
    assert.equal(messages.filter((m) => m.includes('](command:')).length, 0, messages.join('\n'));
    assert.equal(messages.filter((m) => m.includes('] (command:workbench.action.terminal.new)')).length, 2, messages.join('\n'));
  });

  test('a trace file cut short (an interrupted write) opens as what it holds, with a warning saying so', async () => {
    const text = JSON.stringify(simpleTrace());
    const cut = text.slice(0, text.indexOf('"recordings"') - 40); // inside the last node
    const from = api.notifications().length;
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.openTrace', writeTrace('cut.gradlens.json.partial', cut));
    assert.ok(record, 'the partial trace opens');
    assert.ok(record.trace.truncated, 'marked as cut short');
    assert.ok(record.trace.nodes.length > 0 && record.trace.nodes.length < simpleTrace().nodes.length, 'what came before the cut, without the node cut in half');
    const said = assertNoLinks(api, from);
    assert.ok(said.some((m) => /partial trace of an interrupted write/.test(m)), said.join('\n'));
  });

  test('a trace\'s names and sources reach the editor, views and hovers as text', async function () {
    this.timeout(30_000);
    const trace = simpleTrace();
    const simple = join(workspaceFolder(), 'simple.ts');
    const variable = trace.nodes.find((n) => n.kind === 'variable')!;
    variable.op = `${COMMAND_LINK} g${RLO}gnp.exe $(flame) **bold**`;
    trace.graphBreaks.push({ kind: 'detach', node: variable.id, source: { file: '/etc/passwd', line: 1, column: 1, text: 'root' }, message: `${COMMAND_LINK}${RLO}` });
    trace.run.error = { message: `${COMMAND_LINK} ${RLO}`, stack: '', source: { file: simple, line: 3, column: 1, text: '' }, origin: 'program' };
    const from = api.notifications().length;
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.openTrace', writeTrace('names.gradlens.json', trace));
    assert.ok(record, 'a well-formed trace opens');
    assert.equal(record.origin, 'file');
    assertNoLinks(api, from);
    // Views: the escaped name, never the raw override.
    const node = api.views.gradients.getChildren().find((item) => item.kind === 'node' && item.node.id === variable.id)!;
    const label = String(api.views.gradients.getTreeItem(node).label);
    assert.ok(label.includes('\\u202E') && !label.includes(RLO), label);
    for (const item of api.views.issues.getChildren()) {
      const tree = api.views.issues.getTreeItem(item);
      assert.ok(!String(tree.label).includes(RLO) && !String(tree.tooltip).includes(RLO), String(tree.label));
    }
    // Problems: none on a file outside the workspace; the error's words escaped.
    assert.equal(vscode.languages.getDiagnostics(vscode.Uri.file('/etc/passwd')).length, 0, 'no problem put on /etc/passwd');
    const errors = await until('the error diagnostic', () => { const list = vscode.languages.getDiagnostics(vscode.Uri.file(simple)).filter((d) => d.code === 'error'); return list.length > 0 && list; });
    assert.ok(errors.length === 1 && errors[0]!.message.includes('\\u202E'), errors.map((d) => d.message).join('|'));
    // Hovers: the only command link is GradLens's own, to the one command allowed.
    await vscode.window.showTextDocument(vscode.Uri.file(simple));
    const line = variable.source!.line - 1;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', vscode.Uri.file(simple), new vscode.Position(line, 2));
    const markdown = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
    assert.ok(markdown.includes('gradnp') || markdown.includes('gnp'), `the hover shows the node: ${markdown}`);
    const commands = [...markdown.matchAll(/\]\((command:[^)?]+)/g)].map((m) => m[1]);
    assert.deepEqual(commands, ['command:gradlens.focusNodes'], markdown);
    assert.ok(!markdown.includes(RLO) && !markdown.includes('**bold**'), markdown);
  });

  test('a program\'s output, error and file name never form a link', async function () {
    this.timeout(60_000);
    const from = api.notifications().length;
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.computeGradients', vscode.Uri.file(join(workspaceFolder(), 'hostile-output.ts')));
    assert.ok(record && record.result.exitCode === 1);
    const odd = join(workspaceFolder(), `${COMMAND_LINK.replace(/\//g, '_')} g${RLO}gnp.ts`);
    writeFileSync(odd, "import { np } from 'gradlens';\nnp.arange(2);\nthrow new Error('fails');\n");
    await vscode.commands.executeCommand('gradlens.computeGradients', vscode.Uri.file(odd));
    const messages = assertNoLinks(api, from);
    assert.ok(messages.some((m) => m.includes('command:') && m.includes('\\u202E')), messages.join('\n'));
    for (const title of watch.progressTitles) assert.deepEqual(notificationLinks(title), [], title);
    assert.ok(watch.progressTitles.some((t) => t.includes('\\u202E')), watch.progressTitles.join('\n'));
  });

  test('source links of a trace read from a file open only files in the workspace or the trace\'s folder', async function () {
    this.timeout(30_000);
    const trace = simpleTrace();
    const [first, second] = trace.nodes;
    first!.source = { file: '/etc/passwd', line: 1, column: 1, text: 'root:x:0:0' };
    second!.source = { ...second!.source!, file: `${workspaceFolder()}/../${'x'}/simple.ts` };
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.openTrace', writeTrace('sources.gradlens.json', trace));
    assert.ok(record);
    const panel = await until('the inspector', () => api.panel());
    const from = api.notifications().length;
    await panel.handle({ type: 'source/reveal', ref: { kind: 'node', id: first!.id } });
    await panel.handle({ type: 'source/reveal', ref: { kind: 'node', id: second!.id } });
    await panel.handle({ type: 'node/selected', nodeIds: [first!.id] });
    await vscode.commands.executeCommand('gradlens.focusNodes', record.file, [first!.id], { kind: 'node', id: first!.id });
    assert.ok(!openPaths().includes('/etc/passwd'), 'the password file was not opened');
    const said = api.notifications().slice(from).map((n) => n.message);
    assert.ok(said.some((m) => /does not open \/etc\/passwd from this trace: it is outside the workspace/.test(m)), said.join('\n'));
    assert.ok(said.some((m) => /climbs out of its folder/.test(m)), said.join('\n'));
    // A node whose line is in the workspace opens there.
    const third = trace.nodes.find((n) => n.id !== first!.id && n.id !== second!.id && n.source)!;
    await panel.handle({ type: 'source/reveal', ref: { kind: 'node', id: third.id } });
    const editor = await until('the source line', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === third.source!.file));
    assert.equal(editor.selection.active.line, third.source!.line - 1);
  });

  test('the inspector\'s messages are checked: unknown ones and unknown ids change nothing', async function () {
    this.timeout(30_000);
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.openTrace', writeTrace('messages.gradlens.json', simpleTrace()));
    assert.ok(record);
    const panel = await until('the inspector', () => api.panel());
    const from = api.notifications().length;
    const before = openPaths().length;
    for (const message of [
      { type: 'command/run', command: 'workbench.action.terminal.new' },
      { type: 'source/reveal', source: { file: '/etc/passwd', line: 1, column: 1, text: '' } },
      { type: 'source/reveal', ref: { kind: 'node', id: 123456 } },
      { type: 'text/open', ref: { kind: 'node', id: 123456, field: 'op' } },
      { type: 'export/save', format: 'svg', fileName: '../../outside.svg', data: '<svg/>', encoding: 'utf8' },
      null, 'webview/ready', 42,
    ]) await panel.handle(message);
    assert.equal(openPaths().length, before, 'no document opened');
    assert.deepEqual(api.notifications().slice(from), [], 'nothing said to the user');
    assert.equal(watch.modals.length, 0);
    // A text the inspector cut short, asked for by reference: VS Code opens the whole of it, as plain text.
    const node = record.trace.nodes[0]!;
    await panel.handle({ type: 'text/open', ref: { kind: 'node', id: node.id, field: 'sourceText' } });
    const shown = await until('the text', () => vscode.window.activeTextEditor?.document.uri.scheme === 'gradlens-text' && vscode.window.activeTextEditor.document);
    assert.equal(shown.getText(), node.source!.text);
    assert.equal(shown.uri.path, `/node ${node.id} source line.txt`);
    assert.equal(shown.isDirty, false, 'read-only, nothing to save');
  });

  test('checking gradients from a trace runs only a workspace file, and only after the user says yes', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const marker = join(workspaceFolder(), 'marker.txt');
    const outsideProgram = join(outside, 'outside.ts');
    writeFileSync(outsideProgram, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(outside, 'ran.txt'))}, 'ran');\n`);
    // A trace naming a program outside the workspace: refused, with the reason.
    const foreign = simpleTrace();
    foreign.run.file = outsideProgram;
    assert.ok(await vscode.commands.executeCommand('gradlens.openTrace', writeTrace('foreign.gradlens.json', foreign)));
    const from = api.notifications().length;
    assert.equal(await vscode.commands.executeCommand('gradlens.gradcheck'), null);
    await (await until('the inspector', () => api.panel())).handle({ type: 'gradcheck/run' });
    assert.equal(existsSync(join(outside, 'ran.txt')), false, 'the program outside the workspace did not run');
    assert.equal(watch.modals.length, 0, 'not even offered');
    assert.ok(api.notifications().slice(from).some((m) => /does not run .*outside\.ts, named by the trace: it is outside the workspace folders/.test(m.message)));
    // A trace naming a workspace program: the user is asked, naming the file; no means no.
    const local = simpleTrace();
    local.run.file = join(workspaceFolder(), 'marker.ts');
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.openTrace', writeTrace('local.gradlens.json', local));
    assert.ok(record);
    watch.answer = undefined;
    assert.equal(await vscode.commands.executeCommand('gradlens.gradcheck'), null);
    assert.equal(watch.modals.length, 1);
    assert.match(watch.modals[0]!, /^Run marker\.ts\?\n.*marker\.ts, which the trace read from .*local\.gradlens\.json names/s);
    assert.equal(existsSync(marker), false, 'dismissed: nothing ran');
    // Yes: it runs, with numeric checks.
    watch.answer = 'Run It';
    await (await until('the inspector', () => api.panel())).handle({ type: 'gradcheck/run' });
    const checked = await until('the checked run', () => { const last = api.runs.last(local.run.file); return last?.origin === 'run' && last; }, 40_000);
    assert.equal(watch.modals.length, 2);
    assert.ok(existsSync(marker), 'the confirmed program ran');
    assert.ok(checked.trace.backwardPasses[0]?.gradcheck, 'with numeric checks');
    rmSync(marker, { force: true });
  });

  test('run again keeping a pass of a trace read from a file: only after the user says yes, naming the program and its arguments', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const marker = join(workspaceFolder(), 'marker.txt');
    rmSync(marker, { force: true });
    // A trace of marker.ts (version 2) whose second pass was summarised, with arguments to pass again.
    const trace: Trace = simpleTrace();
    trace.version = 2;
    trace.run.file = join(workspaceFolder(), 'marker.ts');
    trace.run.argv = ['--steps', `7${RLO}`];
    trace.run.seed = 4242;
    const first = trace.backwardPasses[0]!;
    Object.assign(first, { kept: true, summary: { head: null, variables: [], nodeGradL2: [], anomalies: 0 } });
    trace.backwardPasses.push({
      ...first, id: 1, kept: false, heads: [], headGrads: [], implicitHeadGrads: [], steps: [], leafGrads: [],
      summary: { head: 1.5, variables: [], nodeGradL2: [], anomalies: 0 }, omitted: { firstNode: 100, lastNode: 99, nodes: 0, steps: 0 },
    });
    const record = await vscode.commands.executeCommand<RunRecord | null>('gradlens.openTrace', writeTrace('keep.gradlens.json', trace));
    assert.ok(record && record.origin === 'file', 'a well-formed trace opens');
    const panel = await until('the inspector', () => api.panel());
    watch.answer = undefined;
    await panel.handle({ type: 'run/again-keeping', pass: 1 });
    assert.equal(watch.modals.length, 1, 'the user is asked');
    assert.match(watch.modals[0]!, /^Run marker\.ts\?\nRunning it again to keep backward pass #2 runs the program \S*marker\.ts with the arguments "--steps" "7\\u202E", which the trace read from \S*keep\.gradlens\.json names/);
    assert.ok(!watch.modals[0]!.includes(RLO), 'the arguments shown as text');
    assert.equal(existsSync(marker), false, 'dismissed: nothing ran');
    assert.equal(api.runs.last(record.file), record);
    // Yes: the program runs with the trace's arguments and seed.
    watch.answer = 'Run It';
    const from = api.notifications().length;
    await panel.handle({ type: 'run/again-keeping', pass: 1 });
    assert.ok(existsSync(marker), 'the confirmed program ran');
    assert.ok(watch.progressTitles.includes('GradLens: tracing marker.ts again, keeping backward pass #2'), watch.progressTitles.join('\n'));
    const again = api.runs.last(record.file)!;
    assert.equal(again.origin, 'run');
    assert.deepEqual([again.trace.run.argv, again.trace.run.seed], [['--steps', `7${RLO}`], 4242]);
    // marker.ts makes one backward pass: pass #2 is not in the new run, and the warning says so, as text.
    const said = assertNoLinks(api, from);
    assert.ok(said.some((m) => /^GradLens: traced again, marker\.ts did not run backward pass #2 \(it made 1 backward pass this time\)/.test(m)), said.join('\n'));
    rmSync(marker, { force: true });
  });
});
