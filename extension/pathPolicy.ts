/**
 * Which paths named by a trace GradLens may open or run. A trace is data: the files it names are
 * only ever opened when they are plain absolute paths (no URI scheme, no `..`, no Windows UNC or
 * device path) and — for a trace read from a file rather than made by a run here — lie under one
 * of the allowed folders (the workspace folders, the trace's own folder). Pure: no VS Code.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

export interface PathPolicy {
  /** Folders whose files may be opened; null: any folder (a trace this window's run made). */
  roots: readonly string[] | null;
  platform?: NodeJS.Platform;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const DRIVE = /^[a-zA-Z]:[\\/]/;

function resolveReal(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return file; // not there (yet): judged by its name
  }
}

function isUnder(file: string, root: string, paths: typeof path.posix): boolean {
  const relative = paths.relative(root, file);
  return relative === '' || (!relative.startsWith('..') && !paths.isAbsolute(relative));
}

/** Whether `file` (from a trace) is a path GradLens may open under `policy`, and why not. */
export function checkTracePath(file: unknown, policy: PathPolicy): PathCheck {
  const platform = policy.platform ?? process.platform;
  const windows = platform === 'win32';
  const paths = windows ? path.win32 : path.posix;
  if (typeof file !== 'string' || file.length === 0) return { ok: false, reason: 'the trace names no file' };
  if (file.length > 4096 || file.includes('\u0000')) return { ok: false, reason: 'the path is not a file name' };
  if (windows && /^[\\/]{2}/.test(file)) return { ok: false, reason: 'network (UNC) and device paths are not opened from a trace' };
  if (SCHEME.test(file) && !(windows && DRIVE.test(file))) return { ok: false, reason: 'the path is a URI, not a file on this machine' };
  if (!paths.isAbsolute(file)) return { ok: false, reason: 'the path is not absolute' };
  if (file.split(/[\\/]/).includes('..')) return { ok: false, reason: 'the path climbs out of its folder (..)' };
  const normal = paths.normalize(file);
  if (policy.roots === null) return { ok: true, path: normal };
  const real = windows ? normal : resolveReal(normal);
  const roots = policy.roots.map((root) => (windows ? paths.normalize(root) : resolveReal(paths.normalize(root))));
  const compare = (p: string) => (windows ? p.toLowerCase() : p);
  if (roots.some((root) => isUnder(compare(real), compare(root), paths))) return { ok: true, path: normal };
  return { ok: false, reason: 'it is outside the workspace folders and the folder of the trace' };
}
