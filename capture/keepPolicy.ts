/**
 * Which backward passes a trace keeps whole — graph, steps and tensors — and which it only
 * summarises (their `summary` is always written). Pure: the traced program's journal asks it at the
 * end of every pass (journal-segments.ts), with the pass's size and what it found.
 *
 * Kept, in order of precedence:
 *   - whatever they cost: the passes asked for (`--keep 17,40-42`), the first FIRST_KEPT, the last of
 *     the run (the journal holds the latest pass in memory until the next one ends, and writes it
 *     whole at exit), and the first MAX_NOTABLE passes with something new to show (an anomaly, a
 *     graph break at a new place, a failed gradient check, an error) with the pass before an anomaly;
 *   - within the budget: evenly spaced passes, every `stride`-th (ids that are multiples of it). The
 *     stride starts at 1; when the passes it keeps would pass their share of the budget
 *     (STRIDE_SHARE), it doubles and the kept passes that are no longer multiples of it are
 *     *demoted* — summarised after all: the journal says so, and the runner leaves their nodes out
 *     of the trace (journal-segments.ts). So at any point of the run, and at its end, the spaced
 *     passes are every stride-th from the start, using between half and all of their share. A
 *     spaced pass a later pass used (its nodes are that pass's inputs) is pinned: never demoted.
 * Sizes are the journal's estimate of the bytes a pass adds to the trace file (TRACE_BYTES_PER_*).
 */

/** How many leading passes are kept (budget permitting). */
export const FIRST_KEPT = 3;
/** The share of the budget the evenly spaced passes may use; the rest is for the others and the summaries. */
const STRIDE_SHARE = 0.5;
/** Past this share of the budget, only the passes kept whatever they cost are. */
const NOTABLE_SHARE = 0.85;
/** Passes with something new to show kept whatever they cost (an anomaly in every pass would otherwise keep them all). */
export const MAX_NOTABLE = 10;

export type PassRange = [first: number, last: number];

export interface KeepOptions {
  /** The budget of the trace file, in bytes. */
  maxBytes: number;
  /** Passes asked for by id. */
  requested: readonly PassRange[];
}

/** What the journal knows of a pass when it ends. */
export interface PassFacts {
  id: number;
  /** Estimated bytes of its nodes, steps and tensors in the trace file. */
  bytes: number;
  /** Something new to show: an anomaly, a graph break at a new place, a failed gradient check, an error. */
  notable: boolean;
  /** NaN/Inf anomalies found in it (then the pass before it is worth keeping too). */
  anomaly: boolean;
}

export type Verdict = (
  /**
   * Write it whole now. `alsoPrevious`: write the held previous pass whole too (before an anomaly).
   * `spaced`: kept as one of the evenly spaced passes (it may be demoted later).
   */
  | { keep: true; alsoPrevious: boolean; spaced: boolean }
  /** Write its summary now and hold its tensors until the next pass: it may be the last, or come before an anomaly. */
  | { keep: false }
) & {
  /** Spaced passes kept earlier that the stride, doubled, leaves out: summarise them after all. */
  demote: readonly number[];
};

/**
 * Parses `17,40-42` into ranges. Throws an Error whose message names the part that is wrong.
 */
export function parsePassRanges(text: string): PassRange[] {
  const ranges: PassRange[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!match) throw new Error(`'${part}' is not a pass number or a range of them (like 17 or 40-42)`);
    const first = Number(match[1]);
    const last = match[2] !== undefined ? Number(match[2]) : first;
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) throw new Error(`'${part}' is too large a pass number`);
    if (last < first) throw new Error(`'${part}' is a range that ends before it starts`);
    ranges.push([first, last]);
  }
  return ranges;
}

/** `17,40-42` again, from ranges. */
export function formatPassRanges(ranges: readonly PassRange[]): string {
  return ranges.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(',');
}

export class KeepPolicy {
  private spent = 0;
  private stride = 1;
  /** The spaced passes kept (id → bytes), and which of them a later pass used (never demoted). */
  private readonly spaced = new Map<number, number>();
  private readonly pinned = new Set<number>();
  private spacedBytes = 0;
  private notableKept = 0;
  /** The first pass summarised for want of budget (null: none yet). */
  budgetReachedAt: number | null = null;
  kept = 0;
  summarised = 0;

  constructor(private readonly options: KeepOptions) {}

  /** Every `stride`-th pass is one of the evenly spaced ones (the stride doubles as the run goes). */
  get spacing(): number {
    return this.stride;
  }

  requested(id: number): boolean {
    return this.options.requested.some(([first, last]) => id >= first && id <= last);
  }

  /** The verdict on a pass that just ended; `previousHeld`: the journal still holds the pass before it. */
  decide(facts: PassFacts, previousHeld: { bytes: number } | null): Verdict {
    const { maxBytes } = this.options;
    const fits = (bytes: number, share: number) => this.spent + bytes <= maxBytes * share;
    let keep = this.requested(facts.id) || facts.id < FIRST_KEPT;
    let alsoPrevious = false;
    if (facts.notable && this.notableKept < MAX_NOTABLE) {
      keep = true;
      this.notableKept++;
      alsoPrevious = facts.anomaly && previousHeld !== null;
    }
    let spaced = false;
    const demote: number[] = [];
    if (!keep && facts.id % this.stride === 0) {
      const share = maxBytes * STRIDE_SHARE;
      // Over its share: double the stride (leaving out the kept ones it skips) until this pass fits, or is skipped.
      while (this.spacedBytes + facts.bytes > share && facts.id % this.stride === 0 && this.demotable() > 0) {
        this.stride *= 2;
        for (const [id, bytes] of this.spaced) {
          if (id % this.stride === 0 || this.pinned.has(id)) continue;
          this.spaced.delete(id);
          this.spacedBytes -= bytes;
          this.spent -= bytes;
          this.kept--;
          this.summarised++;
          demote.push(id);
        }
      }
      if (facts.id % this.stride === 0 && this.spacedBytes + facts.bytes <= share && fits(facts.bytes, NOTABLE_SHARE)) {
        keep = spaced = true;
        this.spaced.set(facts.id, facts.bytes);
        this.spacedBytes += facts.bytes;
      }
    }
    if (!keep && this.budgetReachedAt === null && !fits(facts.bytes, NOTABLE_SHARE)) this.budgetReachedAt = facts.id;
    if (keep) {
      this.spent += facts.bytes + (alsoPrevious ? previousHeld!.bytes : 0);
      this.kept++;
      if (alsoPrevious) { this.kept++; this.summarised--; }
      return { keep: true, alsoPrevious, spaced, demote };
    }
    this.summarised++;
    return { keep: false, demote };
  }

  /** Spaced passes a doubling could leave out (not pinned). */
  private demotable(): number {
    return this.spaced.size - this.pinned.size;
  }

  /** A later pass used a node of spaced pass `id`: it stays (demoting it would leave that pass a dangling input). */
  pin(id: number): void {
    if (this.spaced.has(id)) this.pinned.add(id);
  }

  /** A summarised pass is written whole after all (the last of the run, or one a later pass used). */
  keptLater(bytes: number): void {
    this.spent += bytes;
    this.kept++;
    this.summarised--;
  }

  /** Bytes the trace file has besides kept passes (summaries, the run): counted against the budget. */
  spend(bytes: number): void {
    this.spent += bytes;
  }
}
