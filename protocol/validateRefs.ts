/**
 * What the record checks share: the ids a trace has (`Refs`), references to its nodes, and lists
 * checked item by item.
 */
import type { Problems } from './problems';
import { checkIdList, EXPECT, isCount } from './validateTensor';

export interface Refs {
  readonly p: Problems;
  readonly nodes: { has(id: number): boolean };
  readonly passes: { has(id: number): boolean };
  readonly recordings: { has(id: number): boolean };
  /** The trace's format version (what a record must have depends on it). */
  readonly version: number;
  /** A trace cut short (`truncated`): references to what it lost are counted, not problems. */
  readonly tolerant: boolean;
  dangling: number;
  /** In a trace read in parts: the kept passes whose tensors are in a part not loaded (their lists are empty). */
  readonly awaiting?: ReadonlySet<number>;
  /** In a trace read in parts: the node ids a node's `previous` may name (those of parts not loaded too). */
  readonly known?: { has(id: number): boolean };
}

/** A reference to a node of the trace. */
export function nodeRef(r: Refs, key: string | number, value: unknown): boolean {
  if (!isCount(value)) return r.p.wrong(key, value, EXPECT.id);
  if (r.nodes.has(value)) return true;
  if (r.tolerant) { r.dangling++; return true; }
  r.p.say(key, `is ${value}, which is not a node of the trace`);
  return false;
}

export function nodeRefs(r: Refs, key: string, value: unknown): boolean {
  if (!checkIdList(r.p, key, value)) return false;
  let ok = true;
  r.p.enter(key);
  for (let i = 0; i < value.length; i++) if (!nodeRef(r, i, value[i])) { ok = false; break; }
  r.p.leave();
  return ok;
}

/** A list, each item checked by `check` (a function of its own: no closure per list, this runs for every step). */
export function eachOf(r: Refs, key: string, value: unknown, expected: string, check: (r: Refs, item: unknown, index: number) => boolean): boolean {
  if (!Array.isArray(value)) return r.p.wrong(key, value, expected);
  let ok = true;
  r.p.enter(key);
  for (let i = 0; i < value.length; i++) if (!check(r, value[i], i)) ok = false;
  r.p.leave();
  return ok;
}

