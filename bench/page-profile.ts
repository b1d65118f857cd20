/**
 * What a page costs before its first frame, from a Chromium trace of its load (CDP Tracing through
 * playwright-core): the renderer main thread's time from navigation start to the first frame, by
 * kind (parsing the HTML, compiling scripts, running them, styles, layout, paint, GC), and the CPU
 * profile's "(program)" — native time outside any JavaScript function (parsing, compiling,
 * building styles). Tracing slows the page down: these are shares, not the benchmark's timings.
 */
import type { Browser, Page } from 'playwright-core';

/** Milliseconds of main-thread time before the first frame, by kind (trace events' self time within the window). */
export interface LoadProfile {
  /** Navigation start to the first frame, in the traced load. */
  windowMs: number;
  parseHtml: number;
  /** V8 compiling scripts (the top-level parse and compile of each script). */
  compile: number;
  /** JavaScript running: scripts' top level, callbacks, microtasks, frames. */
  script: number;
  /** Style: stylesheets parsed, styles recalculated. */
  style: number;
  layout: number;
  paint: number;
  gc: number;
  other: number;
  /** The window less the thread's busy time: waiting (for a frame, for other threads, for the CPU). */
  idle: number;
  /** The main thread's CPU time over the window (the thread clock: what contention does not stretch). */
  cpu: number;
  /** The CPU profile's "(program)" samples over the window. */
  program: number;
}

const CATEGORIES = [
  'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing', 'loading', 'toplevel',
  'disabled-by-default-v8.cpu_profiler',
];

type Kind = keyof Omit<LoadProfile, 'windowMs' | 'cpu' | 'program' | 'idle'>;

const KIND: [RegExp, Kind][] = [
  [/^ParseHTML$/, 'parseHtml'],
  [/^(v8\.compile|v8\.compileModule|V8\.Compile|v8\.produceCache|v8\.produceModuleCache|v8\.deserializeCache)/, 'compile'],
  [/^(V8\.GC|MinorGC|MajorGC|BlinkGC|V8\.GC_)/, 'gc'],
  [/^(EvaluateScript|v8\.run|v8\.callFunction|v8\.callAsConstructor|v8\.newInstance|v8\.evaluateModule|FunctionCall|RunMicrotasks|TimerFire|FireAnimationFrame|EventDispatch|FireIdleCallback|V8\.(BytecodeBudgetInterrupt|HandleInterrupts|StackGuard|InvokeApiInterruptCallbacks))/, 'script'],
  [/^(UpdateLayoutTree|ParseAuthorStyleSheet|RecalculateStyles|ScheduleStyleRecalculation)$/, 'style'],
  [/^(Layout|UpdateLayerTree|PrePaint|IntersectionObserverController::computeIntersections)$/, 'layout'],
  [/^(Paint|PaintImage|Layerize|Commit|CompositeLayers|UpdateLayer|Decode Image|Draw LazyPixelRef|Rasterize)$/, 'paint'],
];

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: Record<string, unknown> & { cpuProfile?: ProfileData; timeDeltas?: number[]; documentLoaderURL?: string; startTime?: number } };
}

interface ProfileData {
  nodes?: { id: number; callFrame: { functionName: string } }[];
  samples?: number[];
}

/**
 * Opens `url` in a fresh page under tracing, waits for `firstFrameAt` (ms from the page's start:
 * `frame` reads it in the page), and returns the main thread's time before it by kind.
 */
export async function profileLoad(browser: Browser, url: string, frame: (page: Page) => Promise<number>): Promise<LoadProfile> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  try {
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.goto(url);
    const firstFrameAt = await frame(page);
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    return loadProfile(trace.traceEvents, url, firstFrameAt);
  } finally {
    await page.close();
  }
}

/** The breakdown of one load: the main thread is the one that marked the page's navigation start. */
export function loadProfile(events: readonly TraceEvent[], url: string, firstFrameAt: number): LoadProfile {
  const start = events.find((e) => e.name === 'navigationStart' && typeof e.args?.data?.documentLoaderURL === 'string' && url.startsWith(e.args.data.documentLoaderURL.split('?')[0]!));
  if (!start) throw new Error(`the trace has no navigation start of ${url}`);
  const from = start.ts;
  const to = from + firstFrameAt * 1000;
  const main = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const profile: LoadProfile = { windowMs: firstFrameAt, parseHtml: 0, compile: 0, script: 0, style: 0, layout: 0, paint: 0, gc: 0, other: 0, idle: 0, cpu: 0, program: 0 };
  // Self time: an event's duration less its children's (events on one thread nest), each cut to the window.
  const within = (event: TraceEvent) => Math.max(0, Math.min(event.ts + event.dur!, to) - Math.max(event.ts, from));
  const open: { end: number; kind: Kind | null; self: number }[] = [];
  const close = (entry: (typeof open)[number]) => { profile[entry.kind ?? 'other'] += entry.self / 1000; };
  let busy = 0;
  for (const event of main) {
    while (open.length > 0 && open[open.length - 1]!.end <= event.ts) close(open.pop()!);
    const length = within(event);
    const parent = open[open.length - 1];
    if (parent) parent.self -= length;
    else {
      busy += length;
      // The thread clock of the part of a task inside the window.
      if (length > 0) profile.cpu += ((event.tdur ?? event.dur!) * (length / event.dur!)) / 1000;
    }
    const kind = KIND.find(([pattern]) => pattern.test(event.name))?.[1] ?? null;
    // A child of a kind of its own keeps it; one of no kind counts as its parent's (a task's pieces).
    open.push({ end: event.ts + event.dur!, kind: kind ?? parent?.kind ?? null, self: length });
  }
  while (open.length > 0) close(open.pop()!);
  profile.idle = firstFrameAt - busy / 1000;
  profile.program = programTime(events, start.pid, from, to);
  return profile;
}

/** The CPU profile's "(program)" samples between `from` and `to` (trace clock, µs). */
function programTime(events: readonly TraceEvent[], pid: number, from: number, to: number): number {
  const head = events.find((e) => e.name === 'Profile' && e.pid === pid);
  let at = head?.args?.data?.startTime;
  if (typeof at !== 'number') return 0;
  const program = new Set<number>();
  const samples: number[] = [];
  const deltas: number[] = [];
  for (const chunk of events) {
    if (chunk.name !== 'ProfileChunk' || chunk.pid !== pid) continue;
    const data = chunk.args?.data;
    for (const node of data?.cpuProfile?.nodes ?? []) if (node.callFrame.functionName === '(program)') program.add(node.id);
    samples.push(...(data?.cpuProfile?.samples ?? []));
    deltas.push(...(data?.timeDeltas ?? []));
  }
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    // A sample stands for the time until the next one.
    if (at >= from && at < to && program.has(samples[i]!)) total += (deltas[i + 1] ?? 0) / 1000;
  }
  return total;
}
