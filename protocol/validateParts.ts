/**
 * Checking a trace in parts (traceParts.ts): its `parts` table, and each part's content when it
 * arrives (from a file, the host, the page) before it joins the trace. A head names nodes of parts
 * not loaded yet: those references are accepted as far as the table says the node ids are the
 * part's; a part's own nodes and passes must resolve to nodes the trace holds once it is added,
 * but for a node's `previous`, which may name a node of a part not loaded.
 */
import type { Problems } from './problems';
import { Problems as ProblemList } from './problems';
import { indexTrace } from './query/indexTrace';
import type { PartData, PartInfo, Trace, TraceParts } from './trace';
import { isKept } from './trace';
import { checkNode, checkPassTensors } from './validateRecords';
import type { Refs } from './validateRefs';
import { checkIdList, EXPECT, isCount, isObject } from './validateTensor';

/**
 * Checks `parts` of a trace: the spans cover the ids from 0 in order, a part needs only earlier
 * ones. Returns the test for "a node id of a part not loaded", or null when the table is wrong.
 */
export function checkPartsTable(p: Problems, value: unknown): ((id: number) => boolean) | null {
  if (!isObject(value) || !Array.isArray(value.list) || !Array.isArray(value.loaded)) {
    p.wrong('parts', value, 'the parts of a trace read in parts {list, loaded}');
    return null;
  }
  const { list, loaded } = value as { list: unknown[]; loaded: unknown[] };
  const before = p.count;
  p.enter('parts');
  if (loaded.length !== list.length || !loaded.every((flag) => typeof flag === 'boolean')) p.say('loaded', `is not one true or false for each of the ${list.length} parts`);
  p.enter('list');
  let next = 0;
  list.forEach((part, i) => {
    if (!isObject(part)) { p.wrong(i, part, 'a part {firstNode, lastNode, nodes, passes, needs, bytes}'); return; }
    p.enter(i);
    if (part.firstNode !== next) p.say('firstNode', `is ${String(part.firstNode)}, expected ${next} (parts cover the node ids in order)`);
    if (!(Number.isSafeInteger(part.lastNode) && (part.lastNode as number) >= next - 1)) p.wrong('lastNode', part.lastNode, `a node id ≥ ${next - 1}`);
    else next = (part.lastNode as number) + 1;
    for (const key of ['nodes', 'bytes'] as const) if (!isCount(part[key])) p.wrong(key, part[key], EXPECT.count);
    checkIdList(p, 'passes', part.passes);
    if (checkIdList(p, 'needs', part.needs) && !(part.needs as number[]).every((need) => need < i)) p.say('needs', 'names a part that is not an earlier one');
    p.leave();
  });
  p.leave();
  p.leave();
  if (p.count > before) return null;
  const parts = value as unknown as TraceParts;
  return (id) => {
    let lo = 0;
    let hi = parts.list.length - 1;
    if (hi < 0 || id > parts.list[hi]!.lastNode) return false;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (parts.list[mid]!.lastNode < id) lo = mid + 1;
      else hi = mid;
    }
    return !parts.loaded[lo];
  };
}

export type PartsCheck = { ok: true; parts: PartData[] } | { ok: false; problems: string[] };

/**
 * Checks parts that arrived for `trace` (what a reader gives for part indices it asked for): each
 * a part of the table not loaded yet, its nodes in its span in id order with inputs the trace holds
 * or these parts bring, its passes the kept passes the table puts in it.
 *
 * @example
 *   const checked = checkPartData(head, [JSON.parse(text)]);
 *   if (checked.ok) shown = withParts(head, checked.parts);
 */
export function checkPartData(trace: Trace, values: readonly unknown[]): PartsCheck {
  const p = new ProblemList();
  const table = trace.parts;
  if (!table) return { ok: false, problems: ['the trace is whole: it has no parts to add'] };
  const held = indexTrace(trace).nodes;
  const arriving = new Set<number>();
  const unloaded = checkPartsTable(new ProblemList(), table);
  const refs: Refs = {
    p, nodes: { has: (id) => held.has(id) || arriving.has(id) },
    // `previous` may name a node of a part not loaded (traceParts.ts's needsOf).
    known: { has: (id) => held.has(id) || arriving.has(id) || (unloaded?.(id) ?? false) },
    passes: new Set(trace.backwardPasses.map((pass) => pass.id)), recordings: new Set(trace.recordings.map((r) => r.id)),
    version: trace.version, tolerant: false, dangling: 0,
  };
  const passes = new Map(trace.backwardPasses.map((pass) => [pass.id, pass]));
  const order = values.map((value, i) => ({ value, i, part: isObject(value) && isCount(value.part) ? value.part : -1 })).sort((a, b) => a.part - b.part);
  const seen = new Set<number>();
  for (const { value, i, part } of order) {
    p.enter(`parts[${i}]`);
    const info: PartInfo | undefined = table.list[part];
    if (!isObject(value) || !info) { p.wrong(null, isObject(value) ? value.part : value, `a part of the trace {part, nodes, passes}, part one of 0–${table.list.length - 1}`); p.leave(); continue; }
    if (table.loaded[part] || seen.has(part)) { p.say('part', `is ${part}, a part the trace already holds`); p.leave(); continue; }
    seen.add(part);
    checkNodes(refs, info, value.nodes, arriving);
    checkPasses(refs, info, value.passes, passes);
    p.leave();
  }
  if (p.count > 0) return { ok: false, problems: p.list() };
  return { ok: true, parts: order.map((o) => o.value as PartData) };
}

function checkNodes(refs: Refs, info: PartInfo, value: unknown, arriving: Set<number>): void {
  const p = refs.p;
  if (!Array.isArray(value)) { p.wrong('nodes', value, EXPECT.list); return; }
  if (value.length !== info.nodes) p.say('nodes', `has ${value.length} nodes, but the part table says ${info.nodes}`);
  p.enter('nodes');
  let previous = info.firstNode - 1;
  for (let k = 0; k < value.length; k++) {
    const id = checkNode(refs, k, value[k], previous);
    if (id < 0) continue;
    if (id > info.lastNode) p.say(k, `has id ${id}, outside its part's nodes (${info.firstNode}–${info.lastNode})`);
    arriving.add(id);
    previous = id;
  }
  p.leave();
}

function checkPasses(refs: Refs, info: PartInfo, value: unknown, passes: ReadonlyMap<number, { heads: number[]; kept?: boolean }>): void {
  const p = refs.p;
  if (!Array.isArray(value)) { p.wrong('passes', value, EXPECT.list); return; }
  const expected = new Set(info.passes);
  p.enter('passes');
  value.forEach((tensors, k) => {
    const id = isObject(tensors) ? tensors.id : undefined;
    const pass = typeof id === 'number' ? passes.get(id) : undefined;
    if (!pass || !expected.has(id as number) || !isKept(pass as never)) { p.say(k, `is pass ${String(id)}, which the part table does not put in this part`); return; }
    expected.delete(id as number);
    checkPassTensors(refs, k, tensors, pass.heads.length);
  });
  p.leave();
  if (expected.size > 0) p.say('passes', `lacks pass ${[...expected].join(', ')}, which the part table puts in it`);
}
