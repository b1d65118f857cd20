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
  OpEvent, RecordedGradcheckReport, ScopeEvent, TapeNode,
} from 'gradlens';
import type { NodeId, NodeKind, PassGradcheck, TensorStats } from '../protocol/trace';
import { NODE_FLAGS, type JournalPass } from './journal';
import { compact, encodeNumber, statsOf, type JournalTensor } from './tensor';
import type { JournalWriter } from './journal-writer';

export interface RecorderOptions {
  maxElements: number;
  /** The site id of the user's current line (see SiteLocator); `kind` names the event. */
  locate(kind: string): number | null;
  /** The journal (nodes and steps go to its binary part, the rest as JSON lines). */
  journal: Pick<JournalWriter, 'write' | 'node' | 'step' | 'lastNonFinite'>;
  /** Called at natural boundaries (end of a recording, of a backward pass). */
  flush(): void;
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
type GradReq = 'write' | 'add' | 'null';

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
  /** Per node id: the ids of its inputs as they were when the op ran. */
  private readonly nodeInputs: NodeId[][] = [];
  private readonly created = new WeakMap<NDArray, { how: string; site: number | null }>();
  private readonly outside = new WeakMap<NDArray, Provenance>();
  private readonly attachedAt = new WeakMap<NDArray, number | null>();
  /** Per node id: its site, and whether its value has a NaN or an infinity. */
  private readonly nodeSites: (number | null)[] = [];
  private readonly nodeNonFinite: boolean[] = [];
  private readonly scopes: ScopeEvent['kind'][] = [];
  private readonly openRecordings: number[] = [];
  private pass: JournalPass | null = null;

  readonly observer: EngineObserver;

  constructor(private readonly options: RecorderOptions) {
    this.observer = {
      op: (event) => this.onOp(event),
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
    return compact(array, this.options.maxElements);
  }

  /** Journals a node and its value `array`. */
  private addNode(
    kind: NodeKind, op: string, inputs: NodeId[], attrs: Record<string, unknown>, flags: number,
    gradReq: GradReq | null, site: number | null, recordingId: number | null, array: NDArray,
  ): NodeId {
    const id = this.nextNodeId++;
    this.journal.node(id, kind, op, inputs, attrs, flags, gradReq, site, recordingId, array);
    this.nodeSites[id] = site;
    this.nodeNonFinite[id] = this.journal.lastNonFinite;
    this.nodeInputs[id] = inputs;
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
    return array._watchEpoch === this.epoch && array._watchId >= 0 ? array._watchId : undefined;
  }

  private forget(array: NDArray): void {
    if (array._watchEpoch === this.epoch) array._watchId = -1;
  }

  private tapeId(node: TapeNode): NodeId | undefined {
    return node.watchEpoch === this.epoch ? node.watchId : undefined;
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
    const id = this.addNode(
      variable ? 'variable' : 'constant',
      op ?? provenance?.op ?? made?.how ?? 'constant',
      NO_INPUTS,
      NO_ATTRS,
      variable ? NODE_FLAGS.inGraph : 0,
      variable ? array.gradReq : null,
      site ?? provenance?.site ?? made?.site ?? this.attachedAt.get(array) ?? usedAt,
      null,
      array,
    );
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
    const flags = NODE_FLAGS.recording | (event.training ? NODE_FLAGS.trainMode : 0) | (event.node !== null ? NODE_FLAGS.inGraph : 0);
    const id = this.addNode('op', event.op, inputIds, event.attrs as Record<string, unknown>, flags, null, site, this.recordingId, output);
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
    if (this.anomalyCount >= MAX_ANOMALIES) return;
    this.anomalyCount++;
    const counts = countNonFinite(produced);
    const kind = counts.nan > 0 ? 'nan' : 'inf';
    const what = describeNonFinite(counts);
    const message = phase === 'forward'
      ? `'${op}' produced ${what} from finite inputs`
      : `the gradient rule of '${op}' produced ${what} from a finite upstream gradient`;
    this.journal.write({ t: 'anomaly', anomaly: { kind, phase, node, site, message, inputs, ...(phase === 'backward' && this.pass ? { pass: this.pass.id } : {}) } });
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
    const inputIds = this.nodeInputs[id]!;
    const produced = this.journal.step(pass.id, id, event.upstream, event.contributions, inputIds);
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
    this.journal.write({ t: 'pass', pass });
    this.pass = null;
    this.options.flush();
  }

  private onBackwardError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const pass: JournalPass = this.pass ?? {
      id: this.nextPassId++, kind: 'backward', site: this.options.locate('backward'), heads: [], headGrads: [], implicitHeadGrads: [],
      retainGraph: false, createGraph: false, leafGrads: [], lastNode: this.nextNodeId - 1,
    };
    this.journal.write({ t: 'pass', pass: { ...pass, error: message } });
    this.pass = null;
    this.options.flush();
  }
}
