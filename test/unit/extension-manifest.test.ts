// The extension's manifest against its code (package.json `contributes` ↔ extension/*.ts), and
// the inspector panel's page (extension/panelHtml.ts): a strict Content Security Policy.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_TRACE_MB, MAX_TRACE_MB } from '../../protocol/trace';
import { panelHtml } from '../../extension/panelHtml';
import { repoRoot } from '../trace-helpers';

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    keybindings: { command: string; when: string }[];
    menus: Record<string, { command: string }[]>;
    views: Record<string, { id: string }[]>;
    configuration: { properties: Record<string, unknown> };
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const source = (name: string) => readFileSync(join(repoRoot, 'extension', name), 'utf8');

suite('extension: manifest', () => {
  test('every contributed command is registered by activate, and every registered one contributed', () => {
    const registered = [...source('extension.ts').matchAll(/'(gradlens\.[A-Za-z]+)': /g)].map((m) => m[1]!);
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.deepEqual([...registered].sort(), [...contributed].sort());
    for (const command of manifest.contributes.commands) assert.equal(command.category, 'GradLens', command.command);
  });

  test('keybindings, menus and command links name contributed commands', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    const used = [
      ...manifest.contributes.keybindings.map((k) => k.command),
      ...Object.values(manifest.contributes.menus).flat().map((m) => m.command),
      // `command: 'gradlens.x'` (lenses, tree items, the status bar), `command:gradlens.x` (hover links).
      ...['codelens.ts', 'views.ts', 'inlineValues.ts', 'runs.ts'].flatMap((file) => [...source(file).matchAll(/command:\s*'?(gradlens\.[A-Za-z]+)/g)].map((m) => m[1]!)),
    ];
    assert.ok(used.length > 10);
    for (const id of used) assert.ok(contributed.has(id), `${id} is not a contributed command`);
    for (const k of manifest.contributes.keybindings.filter((k) => /Step$/.test(k.command))) assert.match(k.when, /^gradlens:inspectorOpen && !terminalFocus/, k.command);
  });

  test('the views the code creates are contributed in Run and Debug', () => {
    const created = [...source('views.ts').matchAll(/createTreeView\('([^']+)'/g)].map((m) => m[1]!);
    assert.deepEqual(created.sort(), manifest.contributes.views.debug!.map((v) => v.id).sort());
  });

  test('every setting read by config.ts is contributed', () => {
    const read = [...source('config.ts').matchAll(/config\.get<[^>]+>\('([^']+)'\)/g)].map((m) => `gradlens.${m[1]}`);
    assert.ok(read.length >= 6);
    for (const key of read) assert.ok(key in manifest.contributes.configuration.properties, key);
  });

  test('gradlens.maxTraceMb: the runner\'s default, 1 to 4096 MB, and it says what the budget does', () => {
    const setting = manifest.contributes.configuration.properties['gradlens.maxTraceMb'] as { type: string; default: number; minimum: number; maximum: number; markdownDescription: string };
    assert.deepEqual([setting.type, setting.default, setting.minimum, setting.maximum], ['number', DEFAULT_MAX_TRACE_MB, 1, MAX_TRACE_MB]);
    for (const says of [/summarised/, /first 3 passes, the last/, /NaN\/Inf anomaly/, /asked for are always kept/]) assert.match(setting.markdownDescription, says);
    assert.match(source('config.ts'), /maxTraceMb: .*mb >= 1 \? Math\.min\(mb, MAX_TRACE_MB\) : DEFAULT_MAX_TRACE_MB/, 'config.ts falls back to the same default, and caps it');
    assert.match(source('runs.ts'), /maxTraceMb: options\.maxTraceMb \?\? settings\.maxTraceMb/, 'and every run passes it to the runner (a run traced again: its trace\'s own)');
  });

  test('the debugger: its type is the one the code registers, with an activation event; welcome content only for our views', () => {
    const manifestWithDebuggers = manifest as Manifest & { contributes: { debuggers: { type: string }[]; viewsWelcome: { view: string }[] } };
    const type = /export const DEBUG_TYPE = '([^']+)'/.exec(source('debug.ts'))?.[1];
    assert.deepEqual(manifestWithDebuggers.contributes.debuggers.map((d) => d.type), [type]);
    assert.ok(manifest.activationEvents.includes(`onDebugResolve:${type}`));
    const views = new Set(manifest.contributes.views.debug!.map((v) => v.id));
    for (const welcome of manifestWithDebuggers.contributes.viewsWelcome) assert.ok(views.has(welcome.view), welcome.view);
  });

  test('the main entry is the built extension', () => {
    assert.equal(manifest.main, './dist/extension.js');
  });

  test('a window reload restores the inspector: its panel type activates the extension, which registers a serializer for it', () => {
    const viewType = /export const INSPECTOR_VIEW_TYPE = '([^']+)'/.exec(source('panel.ts'))?.[1];
    assert.equal(viewType, 'gradlens.inspector');
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${viewType}`));
    assert.match(source('extension.ts'), /registerWebviewPanelSerializer\(INSPECTOR_VIEW_TYPE/);
  });
});

suite('extension: the inspector panel\'s page', () => {
  const page = panelHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: 'bm9uY2Uh"<', title: 'GradLens: <x>.ts',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
    laterUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview-later.js',
  });

  test('a strict policy: nothing by default, scripts and inline styles only with the nonce', () => {
    const attribute = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!;
    const csp = attribute.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-bm9uY2Uh"<'(;|$)/);
    assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net 'nonce-/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  test('the built script and stylesheet, with the nonce, and no other style element', () => {
    assert.match(page, /<script nonce="bm9uY2Uh&#34;&#60;" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js" data-later="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview-later\.js"><\/script>/,
      'the first script names the second by its webview URI (webview/lazy.ts adds it after the first frame, with the nonce)');
    assert.match(page, /<link rel="stylesheet" href="[^"]+webview\.css" nonce="/);
    assert.doesNotMatch(page, /<style/, 'the graph is drawn by canvases of ours: no library injects a stylesheet');
    assert.match(page, /<meta property="csp-nonce" content="bm9uY2Uh&#34;&#60;">/, 'the toolkit reads the nonce for its style probe here');
    assert.match(page, /<title>GradLens: &#60;x&#62;\.ts<\/title>/);
    assert.equal((page.match(/<script/g) ?? []).length, 1);
  });

  test('the panel names its files by webview URIs of dist/, the one folder its webviews may load from (files: V8 caches their code)', () => {
    const panel = source('panel.ts');
    assert.equal((panel.match(/localResourceRoots: \[vscode\.Uri\.joinPath\(context\.extensionUri, 'dist'\)\]/g) ?? []).length, 2, 'a new panel and a restored one');
    for (const [field, file] of [['scriptUri', 'webview.js'], ['laterUri', 'webview-later.js'], ['styleUri', 'webview.css']]) {
      assert.match(panel, new RegExp(`${field}: webview\\.asWebviewUri\\(vscode\\.Uri\\.joinPath\\(context\\.extensionUri, 'dist', '${file.replace('.', '\\.')}'\\)\\)\\.toString\\(\\)`));
    }
  });
});
