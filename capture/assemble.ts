/**
 * Building the trace document from the journal a traced program left behind: sites are mapped to
 * the user's files through the bundle's source map, nodes get their iteration index, recordings
 * their nodes, and every node the gradient of the last backward pass that reached it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  isKept, TRACE_FORMAT, TRACE_VERSION, type BackwardPass, type BackwardStep, type NodeId, type Recording, type RunInfo, type Source,
  type Trace, type TraceNode,
} from '../protocol/trace';
import { lastGradients } from '../protocol/query/lastGradients';
import { buildIndex } from '../protocol/query/nodeIndex';
import { parseJournal, type JournalRecord, type MappedPosition, type RawSite } from './journal';
import { readBinaryJournal } from './journal-binary';
import type { FrameReading } from './journal-frame';
import { inRanges } from './idRanges';
import type { JournalNode, JournalStep } from './records';
import { SourceMap, type RawSourceMap } from './sourcemap';
import { expand } from './tensor';

/** Reads lines of the program's own files, once per file; any other file is never opened. */
class SourceTexts {
  private readonly files = new Map<string, string[] | null>();

  constructor(private readonly allowed: ReadonlySet<string>) {}

  /** The text of a line, or null when the file is not one of the program's. */
  line(file: string, line: number): string | null {
    if (!this.allowed.has(file)) return null;
    let lines = this.files.get(file);
    if (lines === undefined) {
      try {
        lines = readFileSync(file, 'utf8').split(/\r?\n/);
      } catch {
        lines = null;
      }
      this.files.set(file, lines);
    }
    return lines?.[line - 1] ?? '';
  }
}

/** What the runner knows of the bundle before the program runs (it may rewrite the files beside it). */
export interface BundleSources {
  mapFile: string;
  map: RawSourceMap;
  /** The program's own files (the bundle's inputs). */
  inputs: readonly string[];
  /** Where each marked statement begins in the bundle (instrument.ts statementTable), if marked. */
  statements: Int32Array | null;
}

/** Maps generated positions in the bundle to the user's sources; only the program's own files are believed. */
export class SourceResolver {
  private readonly texts: SourceTexts;
  private readonly map: SourceMap | null;
  /** What the map's `sources` (URLs, percent-encoded) are relative to. */
  private readonly sourcesBase: URL | null;
  private readonly statements: Int32Array | null;

  constructor(bundle: BundleSources | null) {
    let map: SourceMap | null = null;
    try {
      map = bundle ? new SourceMap(bundle.map) : null;
    } catch {
      map = null;
    }
    this.map = map;
    this.statements = bundle?.statements ?? null;
    const root = map?.map.sourceRoot ?? '';
    this.sourcesBase = bundle ? new URL(root === '' || root.endsWith('/') ? root : `${root}/`, pathToFileURL(bundle.mapFile)) : null;
    const mapSources = map ? map.map.sources.map((_, index) => this.sourceFile(index)) : [];
    this.texts = new SourceTexts(new Set([...(bundle?.inputs ?? []), ...mapSources]));
  }

  /** A source is a URL: `my%20file.ts` names `my file.ts` (esbuild encodes spaces, accents, #, …). */
  private sourceFile(index: number): string {
    return fileURLToPath(new URL(this.map!.map.sources[index]!, this.sourcesBase!));
  }

  fromSite(site: RawSite): Source | null {
    const original = this.map?.originalPosition(site.line, site.column);
    if (!original) return null;
    return this.source(this.sourceFile(original.source), original.line, original.column, site.fn);
  }

  /** A position from an error's stack: believed only in the program's own files. */
  fromPosition(position: MappedPosition): Source | null {
    return this.source(position.file, position.line, position.column);
  }

  /** Where statement `n` of the instrumented bundle is in the user's files. */
  fromStatement(n: number): Source | null {
    const table = this.statements;
    if (table === null || !Number.isInteger(n) || n < 0 || 2 * n + 1 >= table.length || table[2 * n] === 0) return null;
    return this.fromSite({ file: '', line: table[2 * n]!, column: table[2 * n + 1]! });
  }

  private source(file: string, line: number, column: number, fn?: string): Source | null {
    const text = this.texts.line(file, line);
    if (text === null) return null;
    return fn ? { file, line, column, text, function: fn } : { file, line, column, text };
  }
}

/** Everything a traced program journaled (see journal.ts and journal-binary.ts). */
export interface Journal {
  records: readonly JournalRecord[];
  nodes: readonly JournalNode[];
  steps: readonly JournalStep[];
}

/** The journal in the frames the runner accepted (journal-frame.ts). */
export function readJournal(frames: Pick<FrameReading, 'text' | 'ints' | 'floats'>): Journal {
  const records = parseJournal(frames.text);
  const names = new Map<number, string>();
  for (const record of records) if (record.t === 'name') names.set(record.id, record.text);
  return { records, ...readBinaryJournal(frames.ints, frames.floats, names) };
}

export const EMPTY_JOURNAL: Journal = { records: [], nodes: [], steps: [] };

export interface AssembleOptions {
  journal: Journal;
  resolver: SourceResolver;
  /** Run information the runner knows (the journal adds seed, engine version, max elements). */
  run: Omit<RunInfo, 'engineVersion' | 'seed' | 'maxElements'> & Partial<Pick<RunInfo, 'engineVersion' | 'seed' | 'maxElements'>>;
}

export function assembleTrace({ journal, resolver, run }: AssembleOptions): Trace {
  const sites = new Map<number, Source | null>();
  const rawSites = new Map<number, RawSite>();
  const source = (site: number | null): Source | null => {
    if (site === null) return null;
    if (!sites.has(site)) {
      const raw = rawSites.get(site);
      sites.set(site, raw ? resolver.fromSite(raw) : null);
    }
    return sites.get(site)!;
  };

  const trace: Trace = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    run: { engineVersion: '', seed: 0, maxElements: 0, ...run },
    nodes: [],
    recordings: [],
    backwardPasses: [],
    graphBreaks: [],
    anomalies: [],
  };
  const recordings = new Map<number, Recording>();
  const steps = new Map<number, JournalStep[]>();
  for (const step of journal.steps) {
    const list = steps.get(step.pass) ?? [];
    list.push(step);
    steps.set(step.pass, list);
  }
  // A step names its contributions' inputs by position: the ids are the node's inputs.
  const nodeInputs = new Map<NodeId, readonly NodeId[]>();
  for (const node of journal.nodes) nodeInputs.set(node.id, node.inputs);
  const iterations = new Map<string, number>();
  /** A pass written again (summarised first, then whole after all): the later record replaces the earlier. */
  const passAt = new Map<number, number>();
  let keepSettings: Extract<JournalRecord, { t: 'start' }>['keep'];
  let budgetReachedAt: number | null = null;
  let spacing: number | undefined;
  /** Spaced passes written whole and then summarised after all (keepPolicy.ts): their records are left out. */
  const demoted: Extract<JournalRecord, { t: 'demote' }>[] = [];

  for (const record of journal.records) {
    switch (record.t) {
      case 'name':
        break;
      case 'start':
        trace.run.engineVersion = record.engineVersion;
        trace.run.seed = record.seed;
        trace.run.maxElements = record.maxElements;
        keepSettings = record.keep;
        break;
      case 'kept':
        budgetReachedAt = record.budgetReachedAt;
        spacing = record.spacing;
        break;
      case 'demote':
        demoted.push(record);
        break;
      case 'site':
        rawSites.set(record.id, { file: record.file, line: record.line, column: record.column, ...(record.fn ? { fn: record.fn } : {}) });
        break;
      case 'recordingStart': {
        const recording: Recording = { id: record.id, source: source(record.site), trainMode: record.trainMode, nodes: [], outputs: [], closed: false };
        recordings.set(record.id, recording);
        trace.recordings.push(recording);
        break;
      }
      case 'recordingEnd': {
        const recording = recordings.get(record.id);
        if (recording) {
          recording.outputs = record.outputs;
          recording.closed = true;
        }
        break;
      }
      case 'pass': {
        const { site, headGrads, leafGrads, omitted, ...pass } = record.pass;
        const assembled: BackwardPass = {
          ...pass,
          ...(omitted ? { omitted: { ...omitted, recordings: omitted.recordings.map(({ site: at, count }) => ({ source: source(at), count })) } } : {}),
          kept: pass.kept ?? true,
          source: source(site),
          headGrads: headGrads.map(expand),
          steps: (steps.get(pass.id) ?? []).map((step) => traceStep(step, nodeInputs.get(step.node) ?? [])),
          leafGrads: leafGrads.map(({ grad, after, ...leaf }) => ({ ...leaf, grad: expand(grad), ...(after ? { after: expand(after) } : {}) })),
        };
        const at = passAt.get(pass.id);
        if (at !== undefined) trace.backwardPasses[at] = assembled;
        else {
          passAt.set(pass.id, trace.backwardPasses.length);
          trace.backwardPasses.push(assembled);
        }
        break;
      }
      case 'break': {
        const { site, ...graphBreak } = record.graphBreak;
        trace.graphBreaks.push({ ...graphBreak, source: source(site) });
        break;
      }
      case 'layer':
        (trace.layers ??= {})[record.path] = record.label;
        break;
      case 'anomaly': {
        const { site, ...anomaly } = record.anomaly;
        trace.anomalies.push({ ...anomaly, source: source(site) });
        break;
      }
      case 'error':
        trace.run.error = {
          message: record.message,
          stack: record.stack,
          // No frame of the user's on the stack (a stack overflow deep in the engine): the statement being run.
          source: record.position ? resolver.fromPosition(record.position)
            : typeof record.statement === 'number' ? resolver.fromStatement(record.statement) : null,
          origin: 'program',
        };
        break;
      case 'exit': // how the process ended is the run's, not the trace's (prepare.ts)
        break;
    }
  }
  const leftOut = demote(trace, demoted, passAt, source);
  for (const record of journal.nodes) {
    if (leftOut(record.id)) continue;
    const src = source(record.site);
    // Per position and op: a JavaScript number that an op turns into a constant shares its place.
    const key = `${src ? `${src.file}:${src.line}:${src.column}` : '?'}:${record.kind}:${record.op}`;
    const iteration = iterations.get(key) ?? 0;
    iterations.set(key, iteration + 1);
    trace.nodes[record.id] = traceNode(record, src, iteration);
    if (record.recordingId !== null) recordings.get(record.recordingId)?.nodes.push(record.id);
  }
  trace.nodes = trace.nodes.filter((node) => node !== undefined);
  dropReferencesToOmitted(trace);
  attachGradients(trace.nodes, trace.backwardPasses);
  if (keepSettings && trace.backwardPasses.length > 0) {
    const kept = trace.backwardPasses.filter(isKept).length;
    trace.run.keep = { ...keepSettings, kept, summarised: trace.backwardPasses.length - kept, budgetReachedAt, ...(spacing !== undefined ? { spacing } : {}) };
  }
  return trace;
}

/**
 * Demoted passes become summarised ones — no heads, steps or gradients; `omitted` says what they
 * left out — and the recordings they started are dropped. Returns whether a node id is one of
 * theirs (left out of the trace).
 */
function demote(trace: Trace, demoted: readonly Extract<JournalRecord, { t: 'demote' }>[], passAt: ReadonlyMap<number, number>,
  source: (site: number | null) => Source | null): (id: NodeId) => boolean {
  if (demoted.length === 0) return () => false;
  const dropped = new Set(demoted.flatMap((d) => d.recordings));
  trace.recordings = trace.recordings.filter((recording) => !dropped.has(recording.id));
  for (const { pass: id, firstNode, lastNode, nodes, steps, recordingSites } of demoted) {
    const at = passAt.get(id);
    if (at === undefined) continue;
    trace.backwardPasses[at] = {
      ...trace.backwardPasses[at]!,
      kept: false, heads: [], headGrads: [], implicitHeadGrads: [], steps: [], leafGrads: [],
      omitted: { firstNode, lastNode, nodes, steps, recordings: recordingSites.map(({ site, count }) => ({ source: source(site), count })) },
    };
  }
  const ranges = demoted.map((d) => [d.firstNode, d.lastNode] as const).sort((a, b) => a[0] - b[0]);
  return (id) => inRanges(ranges, id);
}

/**
 * What a summarised pass left out can still be named by records of the passes around it (a
 * recording that began in a kept pass and ended in a summarised one, a node of a kept pass made in
 * a recording that began in a summarised one): those references are dropped, so that everything
 * the trace names is in it. The recorder makes new leaves for arrays of left-out passes that are
 * used again, so a kept pass's own graph is whole.
 */
function dropReferencesToOmitted(trace: Trace): void {
  if (trace.backwardPasses.every(isKept)) return;
  const nodes = new Set(trace.nodes.map((node) => node.id));
  const recordings = new Set(trace.recordings.map((recording) => recording.id));
  for (const node of trace.nodes) {
    if (node.recordingId !== null && !recordings.has(node.recordingId)) node.recordingId = null;
    if (node.previous !== undefined && !nodes.has(node.previous)) delete node.previous;
  }
  for (const recording of trace.recordings) recording.outputs = recording.outputs.filter((id) => nodes.has(id));
  for (const pass of trace.backwardPasses) {
    if (!isKept(pass)) continue;
    pass.steps = pass.steps.filter((step) => nodes.has(step.node));
    for (const step of pass.steps) step.contributions = step.contributions.filter((c) => nodes.has(c.input));
  }
  trace.graphBreaks = trace.graphBreaks.filter((b) => b.node === undefined || nodes.has(b.node));
  for (const b of trace.graphBreaks) if (b.from !== undefined && !nodes.has(b.from)) delete b.from;
  trace.anomalies = trace.anomalies.filter((a) => nodes.has(a.node));
}

/** The trace's node from its journal record, given where it was made and how many times that place ran before. */
function traceNode(record: JournalNode, source: Source | null, iteration: number): TraceNode {
  const { id, kind, op, inputs, attrs, trainMode, recording, inGraph, gradReq, recordingId, previous, layer, param } = record;
  const value = expand(record.value);
  return {
    id, kind, op, inputs, attrs, shape: value.shape, dtype: value.dtype, trainMode, recording, inGraph,
    ...(gradReq !== null ? { gradReq } : {}),
    source, iteration, recordingId, value,
    ...(previous !== null ? { previous } : {}),
    ...(layer !== null ? { layer } : {}),
    ...(param !== null ? { param } : {}),
  };
}

/** The trace's step from its journal record; `inputs`: the ids of the step's node's inputs. */
function traceStep(step: JournalStep, inputs: readonly NodeId[]): BackwardStep {
  return {
    node: step.node,
    upstream: expand(step.upstream),
    contributions: step.contributions.map(({ index, grad }) => ({ input: inputs[index]!, index, grad: expand(grad) })),
  };
}

/** Gives each node the gradient from the last backward pass that reached it (lastGradients.ts). */
function attachGradients(nodes: TraceNode[], passes: readonly BackwardPass[]): void {
  const byId = buildIndex(nodes); // the list itself while ids are positions, as the capture numbers them
  for (const [id, grad] of lastGradients(passes)) {
    const node = byId.get(id);
    if (node) node.grad = grad;
  }
}
