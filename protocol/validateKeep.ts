/**
 * What version 2 adds to a trace, checked: whether each pass was kept (`kept`, `omitted`) and the
 * run's keep settings (`run.keep`). A summarised pass has its summary only: its lists are empty and
 * its summary may name the nodes it left out (docs/trace-format.md, "Kept and summarised passes").
 */
import type { Problems } from './problems';
import type { Refs } from './validateRefs';
import { checkSource, EXPECT, isCount, isObject, type Fields } from './validateTensor';

const EMPTY_WHEN_SUMMARISED = ['heads', 'headGrads', 'implicitHeadGrads', 'steps', 'leafGrads'] as const;

/**
 * Checks `kept` and `omitted` of a pass; returns the references its summary may use: for a
 * summarised pass, the trace's nodes and the ids it omitted.
 */
export function checkKept(r: Refs, pass: Fields, version: number): Refs {
  const p = r.p;
  if (pass.kept === undefined) {
    if (version >= 2) p.wrong('kept', pass.kept, EXPECT.flag);
    if (pass.omitted !== undefined) p.say('omitted', 'is there, but the pass does not say it was summarised (kept: false)');
    return r;
  }
  if (typeof pass.kept !== 'boolean') { p.wrong('kept', pass.kept, EXPECT.flag); return r; }
  if (pass.kept) {
    if (pass.omitted !== undefined) p.say('omitted', 'is there, but the pass was kept');
    return r;
  }
  for (const key of EMPTY_WHEN_SUMMARISED) {
    if (Array.isArray(pass[key]) && (pass[key] as unknown[]).length > 0) p.say(key, 'is not empty, but the pass was summarised (kept: false)');
  }
  if (pass.summary === undefined) p.say('summary', 'is missing: a summarised pass (kept: false) is its summary');
  const omitted = pass.omitted;
  if (!isObject(omitted)) { p.wrong('omitted', omitted, 'what the pass left out {firstNode, lastNode, nodes, steps}'); return r; }
  p.enter('omitted');
  for (const key of ['nodes', 'steps'] as const) if (!isCount(omitted[key])) p.wrong(key, omitted[key], EXPECT.count);
  const { firstNode, lastNode } = omitted;
  const range = isCount(firstNode) && Number.isSafeInteger(lastNode) && (lastNode as number) >= (firstNode as number) - 1;
  if (!range) p.wrong('firstNode', firstNode, 'a node id, with lastNode ≥ firstNode − 1');
  const recordings = omitted.recordings;
  if (recordings !== undefined) {
    if (!Array.isArray(recordings)) p.wrong('recordings', recordings, `${EXPECT.list} of {source, count}`);
    else {
      p.enter('recordings');
      recordings.forEach((entry, i) => {
        if (!isObject(entry)) { p.wrong(i, entry, 'the recordings begun at a place {source, count}'); return; }
        p.enter(i);
        checkSource(p, 'source', entry.source);
        if (!(isCount(entry.count) && entry.count >= 1)) p.wrong('count', entry.count, 'a count (≥ 1)');
        p.leave();
      });
      p.leave();
    }
  }
  p.leave();
  if (!range) return r;
  const [first, last] = [firstNode as number, lastNode as number];
  const outer = r;
  return {
    p, passes: r.passes, recordings: r.recordings, version: r.version, tolerant: r.tolerant,
    nodes: { has: (id) => (id >= first && id <= last) || outer.nodes.has(id) },
    get dangling() { return outer.dangling; },
    set dangling(count) { outer.dangling = count; },
  };
}

/** `run.keep`, when there. */
export function checkKeepSettings(p: Problems, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) { p.wrong('keep', value, 'the keep settings {maxTraceMb, requested, kept, summarised, budgetReachedAt}'); return; }
  p.enter('keep');
  if (!(typeof value.maxTraceMb === 'number' && value.maxTraceMb > 0)) p.wrong('maxTraceMb', value.maxTraceMb, 'a size in MB (> 0)');
  const ranges = value.requested;
  if (!Array.isArray(ranges) || !ranges.every((range) => Array.isArray(range) && range.length === 2 && isCount(range[0]) && isCount(range[1]) && range[0] <= range[1])) {
    p.wrong('requested', ranges, `${EXPECT.list} of pass ranges [first, last]`);
  }
  for (const key of ['kept', 'summarised'] as const) if (!isCount(value[key])) p.wrong(key, value[key], EXPECT.count);
  if (value.budgetReachedAt !== null && !isCount(value.budgetReachedAt)) p.wrong('budgetReachedAt', value.budgetReachedAt, 'a pass id or null');
  if (value.spacing !== undefined && !(isCount(value.spacing) && value.spacing >= 1)) p.wrong('spacing', value.spacing, 'a stride of passes (≥ 1)');
  p.leave();
}
