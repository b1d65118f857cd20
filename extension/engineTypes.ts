/**
 * Types for users: `import { np, autograd } from 'gradlens'` resolves in the user's editor once
 * the engine's declarations are in the workspace as `node_modules/@types/gradlens` — where
 * TypeScript looks for a package's types by itself, with no tsconfig change. The declarations are
 * the ones built with the extension (dist/types/engine).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Copies the engine's declarations into `<folder>/node_modules/@types/gradlens`; returns that folder. */
export function installEngineTypes(extensionPath: string, folder: string): string {
  const source = join(extensionPath, 'dist', 'types', 'engine');
  if (!existsSync(join(source, 'index.d.ts'))) throw new Error(`the engine's declarations are missing from the extension (${source})`);
  const target = join(folder, 'node_modules', '@types', 'gradlens');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(source, target, { recursive: true });
  const version = (JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(target, 'package.json'), `${JSON.stringify({
    name: '@types/gradlens', version, description: 'Types of the GradLens autograd engine, written by the GradLens extension', types: 'index.d.ts', license: 'MIT',
  }, null, 2)}\n`);
  return target;
}

/** Whether a folder already resolves 'gradlens' (its own package, a dependency, or the types). */
export function resolvesGradlens(folder: string): boolean {
  return ['node_modules/gradlens/package.json', 'node_modules/@types/gradlens/index.d.ts'].some((path) => existsSync(join(folder, path)))
    || (existsSync(join(folder, 'package.json')) && (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string }).name === 'gradlens');
}
