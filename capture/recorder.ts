/**
 * The recorder: an engine observer that turns what the engine does into journal records — nodes
 * with their values, recordings, backward passes step by step, graph breaks and NaN/Inf anomalies.
 *
 * It keeps no strong reference to user arrays: trace ids are written on the arrays and tape
 * nodes (fields the engine keeps for watchers) or kept in WeakMaps, and values are summarised the
 * moment they are seen.
 */
import type {
  BackwardEndEvent, BackwardStartEvent, BackwardStepEvent, EngineObserver, GraphBreakEvent, NDArray,
  BlockEvent, OpEvent, RecordedGradcheckReport, ScopeEvent, TapeNode, WriteEvent,
} from 'gradlens';
import type { NodeId, PassGradcheck, TensorStats } from '../protocol/trace';
import type { JournalPass } from './journal';
import type { JournalWriter } from './journal-writer';
import { PassSummarizer } from './passSummary';
import type { ContributionRecord, NodeRecord, StepRecord } from './records';
import { compact, encodeNumber, statsOf, type JournalTensor } from './tensor';
import { arrayStats } from './valueStats';

export interface RecorderOptions {
  maxElements: number;
  /** The site id of the user's current line (see SiteLocator); `kind` names the event. */
  locate(kind: string): number | null;
  /** The journal (nodes and steps go to its binary part, the rest as JSON lines). */
  journal: Pick<JournalWriter, 'write' | 'node' | 'step' | 'pass' | 'lastNonFinite' | 'upstreamL2' | 'floor' | 'known'>;
  /** Called at natural boundaries (end of a recording, of a backward pass). */
  flush(): void;
  /** An op produced NaN or ±∞ (the anomaly is journaled first): a debugger may pause here. */
  onAnomaly?(message: string): void;
  /** When the run asked for numeric gradient checks: each pass's graph is checked before it runs. */
  gradcheck?: {
    settings: GradcheckSettings;
    check(heads: readonly NDArray[], headGrads: readonly NDArray[]): RecordedGradcheckReport;
  };
}

/** The tolerances of a run's gradient checks and the cap on elements checked per variable. */
export interface GradcheckSettings {
  eps: number;
  atol: number;
  rtol: number;
  elements: number;
}

/** Where an array computed outside `record` came from (it is a constant to autograd). */
interface Provenance {
  op: string;
  site: number | null;
  /** Computed from arrays that need gradients: using it in a graph cuts the gradient path. */
  fromGrad: boolean;
  paused: boolean;
}

const MAX_ANOMALIES = 100;
let watchEpochs = 0;
const NO_INPUTS: NodeId[] = [];
const NO_ATTRS: Record<string, unknown> = {};
const NO_CONTRIBUTIONS: readonly ContributionRecord<NDArray>[] = [];

interface NonFinite { nan: number; positive: number; negative: number }

function countNonFinite(values: ArrayLike<number>): NonFinite {
  const counts = { nan: 0, positive: 0, negative: 0 };
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) counts.nan++;
    else if (v === Infinity) counts.positive++;
    else if (v === -Infinity) counts.negative++;
  }
  return counts;
}

/** `1 NaN and 1 −Infinity`, `2 NaN, 3 +Infinity and 1 −Infinity`: each kind produced, with its count. */
export function describeNonFinite({ nan, positive, negative }: NonFinite): string {
  const kinds = [[nan, 'NaN'], [positive, '+Infinity'], [negative, '−Infinity']] as const;
  const parts = kinds.filter(([count]) => count > 0).map(([count, name]) => `${count} ${name}`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export class Recorder {
  private nextNodeId = 0;
  private nextRecordingId = 0;
  private nextPassId = 0;
  private anomalyCount = 0;
  /** Marks this recorder's ids on arrays and tape nodes (their `_watch…` fields): see idOf. */
  private readonly epoch = ++watchEpochs;
  private readonly created = new WeakMap<NDArray, { how: string; site: number | null }>();
  private readonly outside = new WeakMap<NDArray, Provenance>();
  /** Arrays written in place since their node was made: that node, their previous version. */
  private readonly overwritten = new WeakMap<NDArray, NodeId>();
  /** The structured names of gluon parameters' arrays (`net.0.weight`), heard from their blocks. */
  private readonly paramNames = new WeakMap<NDArray, { name: string; init: string | null }>();
  /** The paths of the gluon blocks being called, innermost last. */
  private readonly layers: string[] = [];
  private readonly layersSeen = new Set<string>();
  private readonly attachedAt = new WeakMap<NDArray, number | null>();
  /** Per node id: its site, and whether its value has a NaN or an infinity. */
  private readonly nodeSites: (number | null)[] = [];
  private readonly nodeNonFinite: boolean[] = [];
  private readonly scopes: ScopeEvent['kind'][] = [];
  private readonly openRecordings: number[] = [];
  private pass: JournalPass | null = null;
  private readonly summaries = new PassSummarizer();
  // One node record and one step record, refilled for every node and step rather than made anew:
  // the journal encodes them at once and keeps nothing of them, and this runs for every op of the
  // traced program. Each is filled whole where it is written (idOf, onOp, onBackwardStep: a field
  // added to a record fails to compile here, then set it there too); the arrays in them are
  // dropped once written, so that no reference to the program's arrays remains.
  private readonly nodeRecord: NodeRecord<NDArray | null> = {
    id: -1, kind: 'constant', op: '', inputs: NO_INPUTS, attrs: NO_ATTRS, trainMode: false, recording: false, inGraph: false,
    gradReq: null, site: null, recordingId: null, previous: null, layer: null, param: null, value: null,
  };
  private readonly stepRecord: StepRecord<NDArray | null> = { pass: -1, node: -1, upstream: null, contributions: NO_CONTRIBUTIONS };

  readonly observer: EngineObserver;

  constructor(private readonly options: RecorderOptions) {
    this.observer = {
      op: (event) => this.onOp(event),
      write: (event) => this.onWrite(event),
      blockEnter: (event) => this.onBlock(event, true),
      blockExit: (event) => this.onBlock(event, false),
      parameter: ({ name, array, init }) => { if (!this.paramNames.has(array)) this.paramNames.set(array, { name, init }); },
      created: (array, how) => { this.created.set(array, { how, site: this.options.locate(how) }); },
      scopeEnter: (event) => this.onScopeEnter(event),
      scopeExit: (event) => this.onScopeExit(event),
      attachGrad: (array) => this.onAttachGrad(array),
      graphBreak: (event) => this.onGraphBreak(event),
      backwardStart: (event) => this.onBackwardStart(event),
      backwardStep: (event) => this.onBackwardStep(event),
      backwardEnd: (event) => this.onBackwardEnd(event),
      backwardError: (error) => this.onBackwardError(error),
    };
  }

  /** The journal's picture of an array (the rare records: head gradients, leaf gradients). */
  private tensor(array: NDArray): JournalTensor {
    return compact(array, this.options.maxElements, arrayStats);
  }

  /** Journals the node filled in `nodeRecord` (every field but id and value) with its value `array`. */
  private addNode(array: NDArray): NodeId {
    const node = this.nodeRecord;
    const id = this.nextNodeId++;
    node.id = id;
    node.value = array;
    this.journal.node(node as NodeRecord<NDArray>); // its value is set just above
    node.value = null;
    this.nodeSites[id] = node.site;
    this.nodeNonFinite[id] = this.journal.lastNonFinite;
    array._watchEpoch = this.epoch;
    array._watchId = id;
    return id;
  }

  private get journal(): RecorderOptions['journal'] {
    return this.options.journal;
  }

  /**
   * The id this recorder gave an array, if any. Ids live on the arrays themselves (a field the
   * engine keeps for watchers) rather than in a WeakMap: this is asked for every input of every op.
   */
  private known(array: NDArray): NodeId | undefined {
    const id = this.ownId(array);
    if (id === undefined || this.inTrace(id)) return id;
    array._watchId = -1; // its node was of a pass that was summarised (left out): it is new to the trace
    return undefined;
  }

  /**
   * The node id of `value` if it is an array this recorder gave one, else -1 — asked by a debugger
   * ("Show in GradLens Inspector" on a variable, env.ts NODE_OF_SYMBOL); nothing is marked used.
   */
  nodeOf(value: unknown): number {
    if (typeof value !== 'object' || value === null || !('_watchEpoch' in value) || !('_watchId' in value)) return -1;
    return this.ownId(value as NDArray) ?? -1;
  }

  /** The id this recorder wrote on an array, whether or not its node is still in the trace. */
  private ownId(array: NDArray): NodeId | undefined {
    return array._watchEpoch === this.epoch && array._watchId >= 0 ? array._watchId : undefined;
  }

  /** Whether a node is in the trace (not left out with a summarised pass); marks a held pass's node as used. */
  private inTrace(id: NodeId): boolean {
    return id > this.journal.floor || this.journal.known(id);
  }

  private forget(array: NDArray): void {
    if (array._watchEpoch === this.epoch) array._watchId = -1;
  }

  private tapeId(node: TapeNode): NodeId | undefined {
    return node.watchEpoch === this.epoch && this.inTrace(node.watchId) ? node.watchId : undefined;
  }

  private get recordingId(): number | null {
    return this.openRecordings.length > 0 ? this.openRecordings[this.openRecordings.length - 1]! : null;
  }

  /**
   * The trace id of an array, adding it as a leaf node when it enters a graph for the first time.
   * `site` overrides where the leaf was made; `usedAt` is the last resort (a JavaScript number
   * turned into an array by the op that reads it has no other place).
   */
  private idOf(array: NDArray, site: number | null = null, usedAt: number | null = null, op: string | null = null): NodeId {
    const known = this.known(array);
    if (known !== undefined) return known;
    const provenance = this.outside.get(array);
    const made = this.created.get(array);
    const variable = array._requiresGrad && array._node === null;
    const leaf = this.nodeRecord;
    leaf.kind = variable ? 'variable' : 'constant';
    leaf.op = op ?? provenance?.op ?? made?.how ?? 'constant';
    leaf.inputs = NO_INPUTS;
    leaf.attrs = NO_ATTRS;
    leaf.trainMode = false;
    leaf.recording = false;
    leaf.inGraph = variable;
    leaf.gradReq = variable ? array.gradReq : null;
    leaf.site = site ?? provenance?.site ?? made?.site ?? this.attachedAt.get(array) ?? usedAt;
    leaf.recordingId = null;
    leaf.previous = this.overwritten.get(array) ?? null;
    const param = this.paramNames.get(array);
    leaf.param = param?.name ?? null;
    // A parameter's attributes say how it was initialized (the inspector's details show them).
    if (param?.init) leaf.attrs = { init: param.init };
    leaf.layer = null;
    const id = this.addNode(array);
    leaf.previous = null;
    leaf.param = null;
    if (provenance?.fromGrad && !variable) {
      this.journal.write({
        t: 'break',
        graphBreak: {
          kind: provenance.paused ? 'paused' : 'outsideRecord',
          node: id,
          site: provenance.site,
          message: provenance.paused
            ? `gradient stops here: this array was computed by '${provenance.op}' inside autograd.pause(), so that op was not recorded and nothing reaches the variables it came from`
            : `gradient stops here: this array was computed by '${provenance.op}' outside autograd.record(), so that op was not recorded and nothing reaches the variables it came from`,
        },
      });
    }
    return id;
  }

  /**
   * A write outside the graph changed an array's values: its node shows the values before, so the
   * array's next use adds a new leaf that names that node as its previous version (same array).
   * A recorded write is an op (`set`), heard through onOp: the array is that op's node from then on.
   */
  private onWrite(event: WriteEvent): void {
    if (event.recorded) return;
    // Not `known`: being written is not being used (the node of a pass that is summarised later stays left out; its next version then names none).
    const id = this.ownId(event.array);
    if (id === undefined) return;
    this.forget(event.array);
    this.overwritten.set(event.array, id);
  }

  /** A gluon block's call starts or ends: ops in between ran in it; its parameters get their names. */
  private onBlock(event: BlockEvent, enter: boolean): void {
    for (const { name, array, init } of event.params) if (array !== null && !this.paramNames.has(array)) this.paramNames.set(array, { name, init });
    if (enter) {
      this.layers.push(event.path);
      return;
    }
    this.layers.pop();
    // Its label once, at the end of its first call: deferred shapes are known then (Dense(5 -> 4)).
    if (!this.layersSeen.has(event.path)) {
      this.layersSeen.add(event.path);
      this.journal.write({ t: 'layer', path: event.path, label: event.label });
    }
  }

  private onOp(event: OpEvent): void {
    const { output, inputs } = event;
    if (!event.recording) {
      let fromGrad = false;
      for (const input of inputs) if (input._requiresGrad || this.outside.get(input)?.fromGrad) { fromGrad = true; break; }
      this.outside.set(output, { op: event.op, site: this.options.locate(event.op), fromGrad, paused: this.scopes.includes('pause') });
      return;
    }
    const site = this.options.locate(event.op);
    const inputIds = new Array<NodeId>(inputs.length);
    for (let i = 0; i < inputs.length; i++) inputIds[i] = this.idOf(inputs[i]!, null, site);
    const node = this.nodeRecord; // filled after the inputs: idOf above fills it for new leaves
    node.kind = 'op';
    node.op = event.op;
    node.inputs = inputIds;
    node.attrs = event.attrs as Record<string, unknown>;
    node.trainMode = event.training;
    node.recording = true;
    node.inGraph = event.node !== null;
    node.gradReq = null;
    node.site = site;
    node.recordingId = this.recordingId;
    const layer = this.layers.length > 0 ? this.layers[this.layers.length - 1]! : null;
    node.layer = layer;
    const id = this.addNode(output);
    node.layer = null;
    // A relu layer's dead units, for the pass this forward feeds: by block (not the outermost model, whose forward is the user's own code), else by place.
    if (event.op === 'relu') this.summaries.activation(layer ? layer : `site:${site ?? '?'}`, id, output);
    if (event.node !== null) {
      event.node.watchEpoch = this.epoch;
      event.node.watchId = id;
    }
    if (this.nodeNonFinite[id] && !inputIds.some((input) => this.nodeNonFinite[input])) {
      this.anomaly('forward', id, site, output._data, inputs.map((input) => statsOf(input._data)), event.op);
    }
  }

  /** `produced`: the values that have the NaN/Inf (the op's output, or the rule's contribution). */
  private anomaly(phase: 'forward' | 'backward', node: NodeId, site: number | null, produced: ArrayLike<number>, inputs: TensorStats[], op: string): void {
    this.summaries.anomaly(); // counted in the pass summary even past the cap on anomaly records
    if (this.anomalyCount >= MAX_ANOMALIES) return;
    this.anomalyCount++;
    const counts = countNonFinite(produced);
    const kind = counts.nan > 0 ? 'nan' : 'inf';
    const what = describeNonFinite(counts);
    const message = phase === 'forward'
      ? `'${op}' produced ${what} from finite inputs`
      : `the gradient rule of '${op}' produced ${what} from a finite upstream gradient`;
    this.journal.write({ t: 'anomaly', anomaly: { kind, phase, node, site, message, inputs, ...(phase === 'backward' && this.pass ? { pass: this.pass.id } : {}) } });
    this.options.onAnomaly?.(message);
  }

  private onScopeEnter(event: ScopeEvent): void {
    this.scopes.push(event.kind);
    if (event.kind !== 'record') return;
    const id = this.nextRecordingId++;
    this.openRecordings.push(id);
    this.journal.write({ t: 'recordingStart', id, site: this.options.locate('record'), trainMode: event.training });
  }

  private onScopeExit(event: ScopeEvent): void {
    this.scopes.pop();
    if (event.kind !== 'record') return;
    const id = this.openRecordings.pop();
    if (id === undefined) return;
    const outputs: NodeId[] = [];
    const visit = (value: unknown, depth: number): void => {
      if (value === null || typeof value !== 'object' || depth > 2) return;
      const known = this.known(value as NDArray);
      if (known !== undefined) { outputs.push(known); return; }
      if (Array.isArray(value)) value.forEach((item) => visit(item, depth + 1));
      else if (Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach((item) => visit(item, depth + 1));
    };
    visit(event.result, 0);
    this.journal.write({ t: 'recordingEnd', id, outputs });
    this.options.flush();
  }

  private onAttachGrad(array: NDArray): void {
    // A new variable (or a re-attached one) is a new leaf from its next use on.
    if (!this.reattached.has(array)) this.forget(array);
    this.reattached.delete(array);
    this.attachedAt.set(array, this.options.locate('attachGrad'));
  }

  /** Arrays whose new leaf node was already made by an attachGrad graph break. */
  private readonly reattached = new WeakSet<NDArray>();

  private onGraphBreak(event: GraphBreakEvent): void {
    const site = this.options.locate(event.kind);
    let from = event.node !== null ? this.tapeId(event.node) : undefined;
    let node: NodeId;
    if (event.kind === 'coerce') {
      node = this.idOf(event.array, site);
      from = undefined; // the coerced array is itself the node
    } else {
      // detach: the copy is a new constant; attachGrad: the array is now a variable leaf.
      this.forget(event.array);
      node = this.idOf(event.array, site, null, event.kind === 'detach' ? 'detach' : event.node?.op ?? null);
      if (event.kind === 'attachGrad') this.reattached.add(event.array);
    }
    this.journal.write({
      t: 'break',
      graphBreak: { kind: event.kind, node, ...(from !== undefined ? { from } : {}), site, message: `gradient stops here: ${event.message}` },
    });
  }

  private onBackwardStart(event: BackwardStartEvent): void {
    this.pass = {
      id: this.nextPassId++,
      kind: event.kind,
      site: this.options.locate(event.kind),
      heads: event.heads.map((head) => this.idOf(head)),
      headGrads: event.headGrads.map((grad) => this.tensor(grad)),
      implicitHeadGrads: [...event.implicit],
      retainGraph: event.retainGraph,
      createGraph: event.createGraph,
      leafGrads: [],
      lastNode: this.nextNodeId - 1,
    };
    this.summaries.start(event.heads);
    if (this.options.gradcheck) this.pass.gradcheck = this.gradcheck(event, this.options.gradcheck);
  }

  /** Replays the pass's graph with each variable moved by ±eps (before backward frees it). */
  private gradcheck(event: BackwardStartEvent, options: NonNullable<RecorderOptions['gradcheck']>): PassGradcheck {
    const started = performance.now();
    try {
      const report = options.check(event.heads, event.headGrads);
      const results = report.variables.map((variable, i) => {
        const input = report.inputs[i]!;
        return {
          node: this.idOf(variable),
          ok: input.ok,
          maxAbsError: encodeNumber(input.maxAbsError),
          maxRelError: encodeNumber(input.maxRelError),
          worstIndex: input.worstIndex,
          analytic: encodeNumber(input.worstAnalytic),
          numeric: encodeNumber(input.worstNumeric),
          checked: input.checked,
          size: variable.size,
        };
      });
      return { ...options.settings, results, durationMs: performance.now() - started };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ...options.settings, results: [], error: message, durationMs: performance.now() - started };
    }
  }

  private onBackwardStep(event: BackwardStepEvent): void {
    const pass = this.pass;
    const id = this.tapeId(event.node);
    if (pass === null || id === undefined) return; // recorded before capture started
    const step = this.stepRecord;
    step.pass = pass.id;
    step.node = id;
    step.upstream = event.upstream;
    step.contributions = event.contributions;
    const produced = this.journal.step(step as StepRecord<NDArray>); // its arrays are set just above
    step.upstream = null;
    step.contributions = NO_CONTRIBUTIONS;
    this.summaries.step(id, event.upstream, this.journal.upstreamL2); // its norm from the stats just taken, when they were
    if (produced !== null) {
      this.anomaly('backward', id, this.nodeSites[id] ?? null, produced._data, [statsOf(event.upstream._data)], event.node.op);
    }
  }

  private onBackwardEnd(event: BackwardEndEvent): void {
    const pass = this.pass;
    if (pass === null) return;
    pass.leafGrads = event.leafGrads.map((leaf) => ({
      node: this.idOf(leaf.array),
      gradReq: leaf.gradReq,
      grad: this.tensor(leaf.grad),
      ...(event.kind === 'backward' && leaf.array.grad ? { after: this.tensor(leaf.array.grad) } : {}),
    }));
    pass.summary = this.summaries.finish(event.leafGrads.map((leaf, i) => ({
      node: pass.leafGrads[i]!.node, array: leaf.array, grad: leaf.grad, param: this.paramNames.get(leaf.array)?.name ?? null,
    })));
    this.journal.pass(pass, pass.summary.anomalies);
    this.pass = null;
    this.options.flush();
  }

  private onBackwardError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const pass: JournalPass = this.pass ?? {
      id: this.nextPassId++, kind: 'backward', site: this.options.locate('backward'), heads: [], headGrads: [], implicitHeadGrads: [],
      retainGraph: false, createGraph: false, leafGrads: [], lastNode: this.nextNodeId - 1,
    };
    const summary = this.summaries.finish([]);
    this.journal.pass({ ...pass, error: message, summary }, summary.anomalies);
    this.pass = null;
    this.options.flush();
  }
}
