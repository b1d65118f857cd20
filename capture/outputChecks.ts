/**
 * Checking where a run's files will be written before the program runs: a trace must not overwrite
 * the program or one of its own files, land in a folder that does not exist, or be a folder.
 * Refusing up front costs nothing; failing after a long run loses the run.
 */
import { accessSync, constants, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A file to be written: its absolute path and how the user named it (`-o`, `--html`, `the trace`). */
export interface Output {
  label: string;
  path: string;
}

const statOf = (path: string): BigIntStats | null => {
  try { return statSync(path, { bigint: true }); } catch { return null; }
};

const realOf = (path: string): string | null => {
  try { return realpathSync.native(path); } catch { return null; }
};

/** File systems that usually ignore case (macOS, Windows): names that differ only in case are one file. */
const foldsCase = process.platform === 'darwin' || process.platform === 'win32';

/**
 * Whether two paths name the same file: the same real path or the same inode (hard links, case-
 * insensitive file systems, symbolic links); for files not there yet, the same name in the same folder.
 *
 * @example
 *   sameFile('src/model.ts', './src/../src/model.ts') // true
 */
export function sameFile(a: string, b: string): boolean {
  const [statA, statB] = [statOf(a), statOf(b)];
  if (statA && statB) {
    const [realA, realB] = [realOf(a), realOf(b)];
    if (realA !== null && realA === realB) return true;
    return statA.ino !== 0n && statA.ino === statB.ino && statA.dev === statB.dev;
  }
  if (statA || statB) return false;
  const planned = (path: string) => join(realOf(dirname(path)) ?? dirname(path), basename(path));
  const [pathA, pathB] = [planned(a), planned(b)];
  return foldsCase ? pathA.toLowerCase() === pathB.toLowerCase() : pathA === pathB;
}

/**
 * Why these outputs cannot be written for a run of `program` (absolute paths), or null when they can.
 *
 * @example
 *   checkOutputs('/w/model.ts', [{ label: '-o', path: '/w/missing/t.json' }])
 *   // '-o /w/missing/t.json: no such folder; create it first'
 */
export function checkOutputs(program: string, outputs: readonly Output[]): string | null {
  for (const { label, path } of outputs) {
    const folder = statOf(dirname(path));
    if (!folder) return `${label} ${path}: no such folder; create it first`;
    if (!folder.isDirectory()) return `${label} ${path}: ${dirname(path)} is not a folder`;
    if (statOf(path)?.isDirectory()) return `${label} ${path}: is a folder; name a file to write`;
    if (sameFile(path, program)) return `${label} ${path}: is the program itself; writing there would overwrite it`;
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch {
      return `${label} ${path}: its folder is not writable (permission denied)`;
    }
  }
  const [first, second] = outputs;
  if (first && second && sameFile(first.path, second.path)) return `${first.label} and ${second.label} name the same file, ${first.path}; give them different names`;
  return null;
}

/**
 * Why these outputs would overwrite one of the program's own files (`inputs`, from the bundler),
 * or null. For RunOptions.checkInputs.
 *
 * @example
 *   checkNotInputs(['/w/main.ts', '/w/model.ts'], [{ label: '-o', path: '/w/model.ts' }])
 *   // '-o /w/model.ts: is one of the program's own files (it imports it); writing there would overwrite it'
 */
export function checkNotInputs(inputs: readonly string[], outputs: readonly Output[]): string | null {
  for (const { label, path } of outputs) {
    if (inputs.some((input) => sameFile(input, path))) return `${label} ${path}: is one of the program's own files (it imports it); writing there would overwrite it`;
  }
  return null;
}
