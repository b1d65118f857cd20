/**
 * Versions of an array's storage, for in-place writes (`assign`, `set`). Every write bumps the
 * version of the storage it changes; arrays that share storage (`reshape`, `expandDims`,
 * `squeeze`, `detach` results) share one version. The tape notes the versions an op's inputs and
 * output had when it was recorded, and a backward pass that reads a value written since gets a
 * clear error instead of a wrong gradient (backward.ts).
 *
 * Most arrays are never written: they carry no storage record (`_storage === null`, version 0)
 * until the first write or the first view of them.
 */
import { captureSite, type CodeSite } from './errors';
import type { NDArray } from './ndarray';

export class Storage {
  /** Bumped by every write to the elements. */
  version = 0;
  /** Another array reads the same elements (a reshape, a detach): writes show through both. */
  shared = false;
  /** Where the latest write was made (null: not captured), and by which function. */
  lastWrite: { op: string; site: CodeSite | null } | null = null;
}

/** The version of an array's elements: 0 until the first write. */
export function versionOf(array: NDArray): number {
  const storage = array._storage;
  return storage === null ? 0 : storage.version;
}

function storageOf(array: NDArray): Storage {
  return (array._storage ??= new Storage());
}

/** `view` reads `base`'s elements: they share one version from now on. */
export function shareStorage(base: NDArray, view: NDArray): NDArray {
  const storage = storageOf(base);
  storage.shared = true;
  view._storage = storage;
  return view;
}

/**
 * Notes a write to `array`'s elements by `op`, made from the user's code where it is called
 * (`where: false` for the engine's own writes, such as backward filling `.grad`: no stack is taken).
 */
export function noteWrite(array: NDArray, op: string, where = true): void {
  const storage = storageOf(array);
  storage.version++;
  storage.lastWrite = { op, site: where ? captureSite() : null };
}
