/**
 * The timing harness of the engine benchmark: contenders of one workload are warmed up, then timed
 * in interleaved rounds (each round runs every contender once, in an order that rotates from round
 * to round), so that a slow spell of a noisy machine hits them all alike. A sample is the mean time
 * of a batch of calls sized to last about `sampleMs`; the result per contender is the median and
 * the minimum of its samples. Nothing here asserts anything about the timings.
 */

/** One implementation of a workload. */
export interface Contender {
  name: string;
  /** Untimed, before each sample and before the warm-up (e.g. switching tfjs backends). */
  setup?: () => void | Promise<void>;
  /** One call of the workload, synchronous; the result is kept so that nothing is optimised away. */
  run: () => unknown;
}

export interface MeasureOptions {
  /** Interleaved rounds (samples per contender). */
  rounds: number;
  /** Target duration of one sample; fast calls are batched up to it. */
  sampleMs: number;
  /** Warm-up: at least this long and at least `minWarmupCalls` calls (at most `maxWarmupCalls`). */
  warmupMs: number;
  minWarmupCalls?: number;
  maxWarmupCalls?: number;
}

export interface Measurement {
  name: string;
  /** Milliseconds per call, one entry per round. */
  samples: number[];
  /** Calls per sample. */
  calls: number;
  medianMs: number;
  minMs: number;
}

let sink: unknown;
/** Keeps the last result alive (read by nobody, so the calls cannot be dropped as dead code). */
export function lastResult(): unknown { return sink; }

const collectGarbage: (() => void) | undefined = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;
export const gcExposed = collectGarbage !== undefined;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function warmUp(contender: Contender, options: MeasureOptions): Promise<number> {
  const minCalls = options.minWarmupCalls ?? 3;
  const maxCalls = options.maxWarmupCalls ?? 1_000_000;
  await contender.setup?.();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < maxCalls && (times.length < minCalls || performance.now() - started < options.warmupMs)) {
    const t0 = performance.now();
    sink = contender.run();
    times.push(performance.now() - t0);
  }
  // The later half of the warm-up is the closest to the steady state.
  return median(times.slice(times.length >> 1));
}

/** Warms up every contender, then times them in `rounds` interleaved rounds. */
export async function measure(contenders: readonly Contender[], options: MeasureOptions): Promise<Measurement[]> {
  const calls: number[] = [];
  for (const contender of contenders) {
    const perCall = await warmUp(contender, options);
    calls.push(Math.max(1, Math.round(options.sampleMs / Math.max(perCall, 1e-6))));
  }
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + round) % contenders.length;
      const contender = contenders[index]!;
      const n = calls[index]!;
      await contender.setup?.();
      // Garbage left by the previous contender (tfjs leaves much) is not charged to this one.
      collectGarbage?.();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) sink = contender.run();
      samples[index]!.push((performance.now() - t0) / n);
    }
  }
  return contenders.map((contender, i) => ({
    name: contender.name,
    samples: samples[i]!,
    calls: calls[i]!,
    medianMs: median(samples[i]!),
    minMs: Math.min(...samples[i]!),
  }));
}

/** A plain-text table: the first row is the header; columns are left-aligned unless listed in `right`. */
export function formatTable(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, [...cell].length); });
  const line = (row: readonly string[]) => row
    .map((cell, i) => {
      const pad = ' '.repeat(widths[i]! - [...cell].length);
      return right.has(i) ? pad + cell : cell + pad;
    })
    .join('  ')
    .trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of rows.slice(1)) out.push(row.length === 0 ? '' : line(row));
  return out.join('\n');
}
