// Who may import whom (test/architecture/rules.ts), checked on every import of every source file
// by a parser: the engine stays dependency-free, the protocol plain data, the capture and the CLI
// free of VS Code, the inspector free of Node, and the extension loads the runner lazily. The
// package has no runtime dependencies but the capture's.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkImports, importsOf, ruleOf, type Source } from '../architecture/imports';
import { BUILT_BESIDE, COMPUTED, RULES } from '../architecture/rules';

const root = join(__dirname, '..', '..', '..');
const exists = (path: string) => existsSync(join(root, path)) && statSync(join(root, path)).isFile();

function sourcesUnder(dir: string): Source[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return sourcesUnder(path);
    return /\.[cm]?[jt]sx?$/.test(name) ? [{ path, text: readFileSync(join(root, path), 'utf8') }] : [];
  });
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

suite('architecture', () => {
  const sources = RULES.flatMap((rule) => sourcesUnder(rule.folder.slice(0, -1)));

  test('every import of every source file is one its folder\'s rule allows', () => {
    for (const rule of RULES) assert.ok(sources.filter((s) => ruleOf(s.path) === rule).length > 0, `files under ${rule.folder}`);
    const checked = checkImports(sources, exists);
    assert.ok(checked.imports > 300, `${checked.imports} imports checked`);
    assert.deepEqual(checked.violations.map((v) => v.message), []);
    assert.deepEqual(COMPUTED.filter((c) => !checked.computedUsed.has(c)), [], 'every computed import excused is still there');
  });

  test('the checker sees what the regular expressions did not: type-only, re-exports, lazy require, names', () => {
    const runs = importsOf(sources.find((s) => s.path === 'extension/runs.ts')!);
    assert.ok(runs.some((i) => i.specifier === '../capture/runner' && i.typeOnly), 'import type * as Runner');
    assert.ok(runs.some((i) => i.specifier === './capture-runner.js' && i.lazy && !i.typeOnly), 'the runner required on the first run');
    const doc = importsOf({ path: 'engine/doc.ts', text: "/** import { np } from 'gradlens' */\n// require('vscode')\nconst s = \"import('x')\";\n" });
    assert.deepEqual(doc, [], 'comments and strings are not imports');
  });

  test('sources that break each rule are reported, with the file, the line and the rule', () => {
    const broken: Source[] = [
      { path: 'engine/bad.ts', text: [
        "import type { Trace } from '../protocol/trace';", // 1: a type is an import too
        "export { np } from 'gradlens';", // 2: no packages, itself by name neither
        "import { x } from './missing';", // 3: no such file
      ].join('\n') },
      { path: 'protocol/query/bad.ts', text: [
        "// import * as vscode from 'vscode';",
        "export { readFileSync } from 'node:fs';", // 2: no Node
        "export * from '../../engine/np';", // 3: no engine
        "import type { Page } from 'playwright-core';", // 4: no packages
      ].join('\n') },
      { path: 'capture/bad.ts', text: [
        "import { np } from '../engine/np';", // 1: the engine only as 'gradlens'
        'export function later() {',
        "  return require('vscode');", // 3: never VS Code, lazily neither
        '}',
        "import type { InspectorApp } from '../webview/app';", // 5
        "import { activate } from '../extension/extension';", // 6
      ].join('\n') },
      { path: 'cli/bad.ts', text: [
        "import { np, version } from 'gradlens';", // 1: only the engine's version
        "import { version as v } from 'gradlens';", // fine
        'void (async () => { await import(\'vscode\'); })();', // 3
      ].join('\n') },
      { path: 'webview/bad.ts', text: [
        "const html = import('../capture/html');", // 1
        "import type { RunResult } from '../capture/runner';", // 2
        "import { join } from 'path';", // 3: no Node, without the prefix neither
        "import { np } from 'gradlens';", // 4: no engine
        "import type { GradLensApi } from '../extension/extension';", // 5
      ].join('\n') },
      { path: 'engine/ops/defs/bad.ts', text: [
        "import { NDArray } from '../../ndarray';", // 1: a definition takes engine types only (the inspector reads it)
        "import type { Operand } from '../operand';", // fine
      ].join('\n') },
      { path: 'webview/state/bad.ts', text: [
        "import { el } from '../ui/dom';", // 1: the state is pure: no DOM building
        "import type { GraphView } from '../view/graphView';", // 2: nor the view
        "import { buildGraph } from '../model/graph';", // fine: models are pure too
      ].join('\n') },
      { path: 'webview/model/bad.ts', text: [
        "import { reduce } from '../state/reduce';", // 1: a model knows no screen state
        "import { indexTrace } from '../../protocol/query/indexTrace';", // fine
      ].join('\n') },
      { path: 'extension/bad.ts', text: [
        "import { runProgram } from '../capture/runner';", // 1: the runner is loaded lazily, not with activation
        "const runner = require('./capture-runner.js');", // 2: eagerly neither
        "import { InspectorApp } from '../webview/app';", // 3: the inspector is built assets
        "import { summarize } from '../capture/summary';", // 4: not the capture at large
        "import type * as Runner from '../capture/runner';", // fine
        "const lazy = () => require('./capture-runner.js');", // fine
        'const computed = (name: string) => require(name);', // 7: nothing to check
        "import x = require('../webview/host');", // 8: TypeScript's require
      ].join('\n') },
    ];
    const inMemory = new Set(broken.map((s) => s.path));
    const { violations } = checkImports(broken, (path) => inMemory.has(path) || exists(path));
    assert.deepEqual(violations.map((v) => `${v.file}:${v.line} ${v.rule}`), [
      'engine/bad.ts:1 engine/', 'engine/bad.ts:2 engine/', 'engine/bad.ts:3 engine/',
      'protocol/query/bad.ts:2 protocol/', 'protocol/query/bad.ts:3 protocol/', 'protocol/query/bad.ts:4 protocol/',
      'capture/bad.ts:1 capture/', 'capture/bad.ts:3 capture/', 'capture/bad.ts:5 capture/', 'capture/bad.ts:6 capture/',
      'cli/bad.ts:1 cli/', 'cli/bad.ts:3 cli/',
      'webview/bad.ts:1 webview/', 'webview/bad.ts:2 webview/', 'webview/bad.ts:3 webview/', 'webview/bad.ts:4 webview/', 'webview/bad.ts:5 webview/',
      'engine/ops/defs/bad.ts:1 engine/ops/defs/',
      'webview/state/bad.ts:1 webview/state/', 'webview/state/bad.ts:2 webview/state/', 'webview/model/bad.ts:1 webview/model/',
      'extension/bad.ts:1 extension/', 'extension/bad.ts:2 extension/', 'extension/bad.ts:3 extension/', 'extension/bad.ts:4 extension/',
      'extension/bad.ts:7 extension/', 'extension/bad.ts:8 extension/',
    ]);
    const message = (at: string) => violations.find((v) => `${v.file}:${v.line}` === at)!.message;
    assert.equal(message('engine/bad.ts:1'), "engine/bad.ts:1 imports '../protocol/trace' (protocol/trace.ts) — engine/ may import engine/: the autograd engine runs unchanged in Node and in browsers and ships with no dependencies");
    assert.match(message('engine/bad.ts:3'), /imports '\.\/missing', which is no file of the repository \(engine\/missing\)/);
    assert.match(message('cli/bad.ts:1'), /takes the package 'gradlens' by import \{ np, version \}, which its rule does not allow/);
    assert.match(message('webview/bad.ts:3'), /imports 'path' \(the Node built-in 'path'\)/);
    assert.match(message('extension/bad.ts:1'), /takes capture\/runner\.ts by import \{ runProgram \}, which its rule does not allow — .*capture\/runner\.ts \(type or lazy only\)/);
    assert.match(message('extension/bad.ts:2'), /takes capture\/runner\.ts by require\(\) as the module loads/);
    assert.match(message('extension/bad.ts:7'), /imports a computed name \(name\) that no rule can check/);
  });

  test('the table names real folders, files and packages', () => {
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
    for (const rule of RULES) {
      for (const entry of rule.may) {
        const target = typeof entry === 'string' ? entry : entry.target;
        if (target === 'node:' || target === 'gradlens') continue;
        if (target === 'vscode') { assert.ok(declared.has('@types/vscode'), 'vscode is the host\'s, its types a devDependency'); continue; }
        if (target.endsWith('/')) assert.ok(statSync(join(root, target)).isDirectory(), `${rule.folder}: ${target} is a folder`);
        else if (target.includes('/') && !target.startsWith('@')) assert.ok(exists(target), `${rule.folder}: ${target} is a file`);
        else assert.ok(declared.has(target), `${rule.folder}: ${target} is in package.json`);
      }
    }
    for (const { source } of Object.values(BUILT_BESIDE)) assert.ok(exists(source), `${source} is built beside a bundle`);
  });

  test('runtime dependencies are only what the capture needs: esbuild (bundling) and acorn (statement markers)', () => {
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}).sort(), ['acorn', 'esbuild']);
    const capture = RULES.find((rule) => rule.folder === 'capture/')!;
    const packages = capture.may.map((entry) => (typeof entry === 'string' ? entry : entry.target)).filter((t) => !t.endsWith('/') && t !== 'node:' && t !== 'gradlens');
    assert.deepEqual(packages.sort(), ['acorn', 'esbuild'], 'the packages the capture may import are the runtime dependencies');
  });
});
