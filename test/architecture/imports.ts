/**
 * The imports of a source file, read by a parser (@babel/parser: comments and strings are not
 * code), and checked against the folder rules of ./rules.ts. Every way a module names another
 * counts: `import` and `import type`, `export … from`, `import x = require()`, `typeof import()`,
 * `import()` and `require()`.
 *
 *   checkImports([{ path: 'engine/a.ts', text: "import type { Trace } from '../protocol/trace';" }], exists)
 *   // → [{ file: 'engine/a.ts', line: 1, rule: 'engine/', specifier: '../protocol/trace', message: … }]
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { parse, type ParserPlugin } from '@babel/parser';
import { BUILT_BESIDE, COMPUTED, RULES, type Allowed, type FolderRule } from './rules';

export interface Source {
  /** Relative to the repository, with `/`. */
  path: string;
  text: string;
}

export interface Import {
  line: number;
  /** How: `import`, `import type`, `export from`, `import =`, `typeof import()`, `import()` or `require()`. */
  via: string;
  /** The specifier, or null when it is computed (`require(config.engine)`). */
  specifier: string | null;
  /** The code of a computed specifier. */
  expression: string;
  /** `import type`, `export type … from`, `typeof import()`: erased by the build. */
  typeOnly: boolean;
  /** import() or require() inside a function: loaded when it runs, not with the module. */
  lazy: boolean;
  /** The exports it takes by name; null when it takes the whole module (namespace, side effect, require). */
  names: string[] | null;
}

export interface Violation {
  file: string;
  line: number;
  /** The folder whose rule it breaks. */
  rule: string;
  specifier: string | null;
  message: string;
}

interface AstNode {
  type: string;
  loc?: { start: { line: number } };
  start?: number | null;
  end?: number | null;
  [key: string]: unknown;
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);
const isNode = (value: unknown): value is AstNode => typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
const stringOf = (node: unknown): string | null => {
  if (!isNode(node)) return null;
  if (node.type === 'StringLiteral') return node.value as string;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) return (node.quasis as { value: { cooked: string } }[])[0]!.value.cooked;
  if (node.type === 'TSLiteralType') return stringOf(node.literal);
  return null;
};
const nameOf = (node: AstNode): string => (node.type === 'Identifier' ? node.name as string : node.value as string);

/** Every import of `source`, in the order they appear. */
export function importsOf(source: Source): Import[] {
  const typescript = /\.[cm]?tsx?$/.test(source.path);
  const jsx = /\.[jt]sx$/.test(source.path);
  const plugins: ParserPlugin[] = [];
  if (typescript) plugins.push(['typescript', { dts: source.path.endsWith('.d.ts') }]);
  if (jsx) plugins.push('jsx');
  const ast = parse(source.text, { sourceType: 'module', plugins });
  const found: Import[] = [];
  const add = (node: AstNode, via: string, from: unknown, typeOnly: boolean, names: string[] | null, lazy = false) => {
    const specifier = stringOf(from);
    const expression = isNode(from) ? source.text.slice(from.start ?? 0, from.end ?? 0) : '';
    found.push({ line: node.loc!.start.line, via, specifier, expression, typeOnly, lazy, names });
  };
  const visit = (node: AstNode, inFunction: boolean): void => {
    switch (node.type) {
      case 'ImportDeclaration': {
        const specifiers = node.specifiers as AstNode[];
        const typeOnly = node.importKind === 'type' || (specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type'));
        const names = specifiers.length === 0 || specifiers.some((s) => s.type === 'ImportNamespaceSpecifier') ? null
          : specifiers.map((s) => (s.type === 'ImportDefaultSpecifier' ? 'default' : nameOf(s.imported as AstNode)));
        add(node, typeOnly ? 'import type' : 'import', node.source, typeOnly, names);
        return;
      }
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.source) {
          const specifiers = (node.specifiers as AstNode[] | undefined) ?? [];
          const typeOnly = node.exportKind === 'type' || (specifiers.length > 0 && specifiers.every((s) => s.exportKind === 'type'));
          const names = node.type === 'ExportAllDeclaration' || specifiers.some((s) => s.type !== 'ExportSpecifier') ? null : specifiers.map((s) => nameOf(s.local as AstNode));
          add(node, typeOnly ? 'export type from' : 'export from', node.source, typeOnly, names);
          return;
        }
        break;
      case 'TSImportEqualsDeclaration': {
        const reference = node.moduleReference as AstNode;
        if (reference.type === 'TSExternalModuleReference') add(node, 'import =', reference.expression, node.importKind === 'type', null);
        return;
      }
      case 'TSImportType':
        add(node, 'typeof import()', node.argument, true, null);
        break;
      case 'ImportExpression':
        add(node, 'import()', node.source, false, null, inFunction);
        break;
      case 'CallExpression': {
        const callee = node.callee as AstNode;
        if (callee.type === 'Import' || (callee.type === 'Identifier' && callee.name === 'require')) {
          add(node, callee.type === 'Import' ? 'import()' : 'require()', (node.arguments as AstNode[])[0], false, null, inFunction);
        }
        break;
      }
    }
    const nested = inFunction || FUNCTIONS.has(node.type);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue;
      if (Array.isArray(value)) for (const item of value) { if (isNode(item)) visit(item, nested); }
      else if (isNode(value)) visit(value, nested);
    }
  };
  visit(ast.program as unknown as AstNode, false);
  return found;
}

const BUILTINS = new Set(builtinModules);
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.json'];

/** What an import reaches: a file of the repository, a package, a Node built-in, or nothing. */
type Reached = { kind: 'file'; path: string } | { kind: 'package'; name: string } | { kind: 'node'; name: string } | { kind: 'missing'; path: string };

function reach(from: string, specifier: string, exists: (path: string) => boolean): Reached {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!)) {
    return { kind: 'node', name: specifier.replace(/^node:/, '') };
  }
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
    const parts = specifier.split('/');
    return { kind: 'package', name: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
  }
  const path = posix.normalize(posix.join(posix.dirname(from), specifier));
  const built = BUILT_BESIDE[path];
  if (built) return { kind: 'file', path: built.source };
  // TypeScript's own conventions: './x.js' names x.ts; './dir' names dir/index.ts.
  const stem = path.replace(/\.[cm]?js$/, '');
  const candidates = [path, ...EXTENSIONS.map((ext) => stem + ext), ...EXTENSIONS.map((ext) => `${path}/index${ext}`)];
  const found = path.startsWith('../') ? undefined : candidates.find(exists);
  return found ? { kind: 'file', path: found } : { kind: 'missing', path };
}

const allowedOf = (entry: string | Allowed): Allowed => (typeof entry === 'string' ? { target: entry, why: '' } : entry);

function matches(allowed: Allowed, reached: Reached): boolean {
  const { target } = allowed;
  switch (reached.kind) {
    case 'node': return target === 'node:';
    case 'package': return target === reached.name;
    case 'file': return target.endsWith('/') ? reached.path.startsWith(target) : reached.path === target;
    case 'missing': return false;
  }
}

/** Whether the way `found` imports fits the target's narrowing (`only`, `names`). */
function fits(allowed: Allowed, found: Import): boolean {
  if (allowed.only && !((found.typeOnly && allowed.only.includes('type')) || (found.lazy && allowed.only.includes('lazy')))) return false;
  if (allowed.names && !(found.names !== null && found.names.every((name) => allowed.names!.includes(name)))) return false;
  return true;
}

/** The rule of a file: the longest folder of the table that holds it. */
export function ruleOf(path: string): FolderRule | null {
  return RULES.filter((rule) => path.startsWith(rule.folder)).sort((a, b) => b.folder.length - a.folder.length)[0] ?? null;
}

/** The rule's targets in words: `capture/ may import gradlens, protocol/, node:, esbuild, acorn`. */
export function describeRule(rule: FolderRule): string {
  const targets = rule.may.map(allowedOf).map((a) => `${a.target}${a.only ? ` (${a.only.join(' or ')} only)` : ''}${a.names ? ` (only ${a.names.join(', ')})` : ''}`);
  return `${rule.folder} may import ${targets.join(', ')}: ${rule.why}`;
}

export interface Checked {
  violations: Violation[];
  /** The entries of COMPUTED that excused an import (an entry never used is stale). */
  computedUsed: Set<(typeof COMPUTED)[number]>;
  /** How many imports were checked. */
  imports: number;
}

/** Every import of `sources` that its folder's rule does not allow; `exists` says whether a repository path is a file. */
export function checkImports(sources: readonly Source[], exists: (path: string) => boolean): Checked {
  const violations: Violation[] = [];
  const computedUsed = new Set<(typeof COMPUTED)[number]>();
  let imports = 0;
  for (const source of sources) {
    const rule = ruleOf(source.path);
    if (!rule) continue;
    for (const found of importsOf(source)) {
      imports++;
      const report = (what: string) => violations.push({ file: source.path, line: found.line, rule: rule.folder, specifier: found.specifier, message: `${source.path}:${found.line} ${what} — ${describeRule(rule)}` });
      if (found.specifier === null) {
        const excused = COMPUTED.find((c) => c.file === source.path && c.expression === found.expression);
        if (excused) computedUsed.add(excused);
        else report(`imports a computed name (${found.expression || 'nothing'}) that no rule can check`);
        continue;
      }
      const reached = reach(source.path, found.specifier, exists);
      if (reached.kind === 'missing') {
        report(`imports '${found.specifier}', which is no file of the repository (${reached.path})`);
        continue;
      }
      const candidates = rule.may.map(allowedOf).filter((allowed) => matches(allowed, reached));
      if (candidates.some((allowed) => fits(allowed, found))) continue;
      const what = reached.kind === 'file' ? reached.path : reached.kind === 'node' ? `the Node built-in '${reached.name}'` : `the package '${reached.name}'`;
      const dynamic = found.via === 'import()' || found.via === 'require()';
      const how = `${found.via}${found.names ? ` { ${found.names.join(', ')} }` : ''}${dynamic ? (found.lazy ? ' inside a function' : ' as the module loads') : ''}`;
      report(candidates.length > 0 ? `takes ${what} by ${how}, which its rule does not allow` : `imports '${found.specifier}' (${what})`);
    }
  }
  return { violations, computedUsed, imports };
}
