/**
 * The GradLens trace format, version 2: what running a program with capture records. Shared by the
 * capture (which writes it), the inspector and the extension (which read it). Plain data only.
 * The prose description is docs/trace-format.md; the JSON Schema is protocol/trace.schema.json.
 */

export const TRACE_FORMAT = 'gradlens-trace';
export const TRACE_VERSION = 3;

/** Tensor elements kept per value when none is given (`--max-elements`, `run.maxElements`). */
export const DEFAULT_MAX_ELEMENTS = 1024;
/** The trace's size budget when none is given (`--max-trace-mb`, `run.keep.maxTraceMb`). */
export const DEFAULT_MAX_TRACE_MB = 64;
/**
 * The largest budget a trace may be given. A trace file is read in parts (its head, then a kept
 * pass's part when it is shown: protocol/traceLayout.ts), so its size is not bound by the ≈ 512 MB
 * JavaScript reads at once; the runner still holds the kept passes' tensors in memory to write
 * them (measured: tracing a 1.1 GB RNN run took 2.6 GB resident, 3.9 GB with --html; bench/README.md).
 */
export const MAX_TRACE_MB = 4096;
/**
 * The versions this code reads. Version 1 (GradLens ≤ 0.2) had no `kept` and no `run.keep`: every
 * pass of it was kept whole (see isKept).
 */
export const READABLE_TRACE_VERSIONS: readonly number[] = [1, 2, 3];

export type NodeId = number;

/** int64 values are whole numbers, exact to ±2^53 (the engine stores them as float64). */
export type TraceDType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

/**
 * A number in `data`: JSON has no NaN or infinities, so they are written as the strings
 * "NaN", "Infinity" and "-Infinity".
 */
export type TraceNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface TensorStats {
  /** Over the finite elements; null when there are none. */
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  /** Euclidean norm of the finite elements. */
  l2: number | null;
  /** Counts of NaN, ±Infinity and exact zeros. */
  nan: number;
  inf: number;
  zeros: number;
}

export interface Tensor {
  shape: number[];
  dtype: TraceDType;
  /** All elements, row-major, when there are at most `maxElements`. */
  data?: TraceNumber[];
  /** The first `maxElements` elements when `data` is absent (the tensor was larger). */
  sample?: TraceNumber[];
  stats: TensorStats;
}

/** A place in the user's own code (never the engine's). Lines and columns are 1-based. */
export interface Source {
  file: string;
  line: number;
  column: number;
  /** The text of that line. */
  text: string;
  /** The enclosing function, when it has a name. */
  function?: string;
}

/** What a node is: the result of an op, or a leaf that entered a graph. */
export type NodeKind = 'op' | 'variable' | 'constant';

export interface TraceNode {
  id: NodeId;
  kind: NodeKind;
  /** The op's name (`mul`, `dot`, …); for leaves what made the array (`arange`, `random.normal`, an op run outside record), else "constant" (a JavaScript number). */
  op: string;
  inputs: NodeId[];
  attrs: Record<string, unknown>;
  shape: number[];
  dtype: TraceDType;
  /** Whether the op ran in training mode. */
  trainMode: boolean;
  /** Whether autograd was recording when the op ran. */
  recording: boolean;
  /** Whether the result is part of a differentiable graph (an input needed a gradient). */
  inGraph: boolean;
  /** For variables: how backward treats their gradient. */
  gradReq?: 'write' | 'add' | 'null';
  source: Source | null;
  /** How many earlier nodes the same source position produced (0 for the first run of a line). */
  iteration: number;
  /** The recording (autograd.record scope) the node was made in, if any. */
  recordingId: number | null;
  value: Tensor;
  /** The gradient of this node's value from the last backward pass that reached it. */
  grad?: Tensor;
  /**
   * For a leaf: the earlier node that was the same array before an in-place write (`assign`,
   * `set`) changed its values — step 18's `W1` names step 17's. Absent for every other node.
   */
  previous?: NodeId;
  /**
   * For an op run inside a gluon block: the block's path in the model being called (`net.0`, as
   * collectParams names its parameters; '' for the model itself). Absent outside blocks.
   */
  layer?: string;
  /** For a parameter of a gluon block: its structured name (`net.0.weight`). */
  param?: string;
}

export interface Recording {
  id: number;
  source: Source | null;
  trainMode: boolean;
  nodes: NodeId[];
  /** The arrays the recorded function returned. */
  outputs: NodeId[];
  /** False when the program ended (threw, timed out) inside the scope. */
  closed: boolean;
}

export interface Contribution {
  input: NodeId;
  /** Position of the input among the node's inputs. */
  index: number;
  grad: Tensor;
}

export interface BackwardStep {
  /** The node whose gradient is propagated to its inputs at this step. */
  node: NodeId;
  /** ∂L/∂(node's value): the sum of everything that reached the node. */
  upstream: Tensor;
  contributions: Contribution[];
}

export interface LeafGrad {
  node: NodeId;
  gradReq: 'write' | 'add' | 'null';
  /** The gradient this pass computed for the variable. */
  grad: Tensor;
  /** The variable's `.grad` after the pass (differs from `grad` with gradReq 'add'). */
  after?: Tensor;
}

/** A numeric check of one variable's gradient in a pass (engine: autograd.gradcheckRecorded). */
export interface GradcheckResult {
  /** The variable. */
  node: NodeId;
  /** Every checked element within atol + rtol·|numeric|. */
  ok: boolean;
  maxAbsError: TraceNumber;
  maxRelError: TraceNumber;
  /** The element furthest outside (or closest to) its tolerance, and both derivatives there. */
  worstIndex: number[];
  analytic: TraceNumber;
  numeric: TraceNumber;
  /** Elements checked, of `size` (a cap keeps big variables affordable). */
  checked: number;
  size: number;
}

/** The numeric gradient check of a pass, when the run asked for one (`gradlens trace --gradcheck`). */
export interface PassGradcheck {
  eps: number;
  atol: number;
  rtol: number;
  /** The cap on checked elements per variable. */
  elements: number;
  results: GradcheckResult[];
  /** Why the check could not run (e.g. the graph was freed by an earlier pass). */
  error?: string;
  durationMs: number;
}

/**
 * One variable's gradient and value in a pass, by identity: the same array (a parameter updated in
 * place across steps) has the same `series` in every pass, so a series is a curve over a run.
 */
export interface VariableSummary {
  /** The same number for the same array in every pass of the trace (0, 1, … in order of first sight). */
  series: number;
  /** The variable's node in this pass. */
  node: NodeId;
  /** A gluon parameter's structured name (`net.0.weight`), else null. */
  param: string | null;
  /** ‖∇‖₂ of the gradient this pass computed, over its finite elements (null: none finite). */
  gradL2: number | null;
  /** max |∇| over the finite elements. */
  gradMaxAbs: number | null;
  gradMean: number | null;
  gradStd: number | null;
  /** Exact zeros among all elements, as a fraction (0–1). */
  zeroFraction: number;
  /** NaN and ±Infinity elements of the gradient. */
  nan: number;
  inf: number;
  /** ‖w‖₂ of the value at this pass. */
  valueL2: number | null;
  /** ‖w − w_prev‖₂ / ‖w_prev‖₂, w_prev its value at the previous pass of the series; null at its first pass or when ‖w_prev‖ is 0. */
  updateRatio: number | null;
}

/**
 * One relu layer in the forward that fed a pass (the recorded ops since the previous pass ended):
 * how many of its units were 0 for the whole batch. A series is one layer — or, outside gluon
 * blocks, one place in the program — with every call of it in the segment summed (an RNN's relu,
 * called once per time step, is one entry of `calls` × its units).
 */
export interface ActivationSummary {
  /**
   * The same key for the same relu in every pass: the gluon block's path (`net.0`, the nodes'
   * `layer`) for a relu run inside a block other than the outermost model, else `site:N`, N the
   * same for one place in the program (its nodes' `source` say which line).
   */
  series: string;
  /** The node of its first call in the segment (a summarised pass leaves it out of `nodes`). */
  node: NodeId;
  /** How many relu ops the entry sums (1, or one per time step of a loop). */
  calls: number;
  /** Units, summed over the calls: the size of axis 1 of each output (features, channels) when it has two axes or more, else its elements. */
  units: number;
  /** The units whose value was 0 for every example and position of the batch, summed over the calls. */
  dead: number;
  /** Exact zeros among all the outputs' elements, as a fraction (0–1). */
  zeroFraction: number;
}

/** What every pass records, whether or not its tensors are kept. */
export interface PassSummary {
  /** The head's value when there is one head of one element (the loss), else null. */
  head: TraceNumber | null;
  /** The variables whose gradients the pass computed, in leafGrads order. */
  variables: VariableSummary[];
  /** For each step of the pass, in order: its node and ‖upstream gradient‖₂ (null: no finite element). */
  nodeGradL2: [NodeId, number | null][];
  /** NaN/Inf anomalies found since the previous pass ended (forward ops and this pass's rules). */
  anomalies: number;
  /** Each relu layer of the forward that fed the pass, in order of first call (absent in traces written before: unknown). */
  activations?: ActivationSummary[];
}

export interface BackwardPass {
  id: number;
  /** `backward` (y.backward(), autograd.backward) or `grad` (autograd.grad, .grad left alone). */
  kind: 'backward' | 'grad';
  source: Source | null;
  heads: NodeId[];
  headGrads: Tensor[];
  /** For each head, whether its gradient was implicit (ones). */
  implicitHeadGrads: boolean[];
  retainGraph: boolean;
  createGraph: boolean;
  steps: BackwardStep[];
  leafGrads: LeafGrad[];
  /** Set when the pass threw (a freed graph, a bad head gradient). */
  error?: string;
  /** The id of the last node made before the pass ran (which nodes existed then). */
  lastNode?: number;
  /** The graph replayed with each variable moved by ±eps, before the pass ran (on request). */
  gradcheck?: PassGradcheck;
  /** Gradient and value statistics of the pass (absent in traces written before GradLens 0.2). */
  summary?: PassSummary;
  /**
   * Whether the pass's tensors are in the trace (version 2; absent in version 1, where all were).
   * A pass that was not kept is *summarised*: its `summary` is all there is of it — `heads`,
   * `headGrads`, `steps` and `leafGrads` are empty and the nodes made for it are left out
   * (`omitted` says which); the run can be traced again keeping it (`run.keep`, `run.seed`).
   */
  kept?: boolean;
  /** For a summarised pass: the nodes made since the previous pass (ids firstNode…lastNode) that the trace leaves out, and how many steps it ran. */
  omitted?: OmittedPass;
}

/** What a summarised pass left out of the trace. Its summary may name these node ids. */
export interface OmittedPass {
  firstNode: NodeId;
  lastNode: NodeId;
  /** How many nodes and steps the pass had. */
  nodes: number;
  steps: number;
  /**
   * The recordings (autograd.record scopes) begun since the previous pass, left out with it: how
   * many began at each place (a lens over a loop's `autograd.record` counts them). Absent in
   * traces written before it was recorded.
   */
  recordings?: OmittedRecordings[];
}

export interface OmittedRecordings {
  source: Source | null;
  count: number;
}

/** Whether a pass's graph and tensors are in the trace (every pass of a version-1 trace is). */
export function isKept(pass: BackwardPass): boolean {
  return pass.kept !== false;
}

/**
 * Which backward passes a run kept whole (version 2): the policy it ran with and what came of it.
 * Passes are counted from 0 in the order they ran (their ids).
 */
export interface KeepSettings {
  /** The size budget of the kept passes' tensors, in MB (`--max-trace-mb`). */
  maxTraceMb: number;
  /** Passes asked for by id (`--keep 17,40-42`), as ranges [first, last]. */
  requested: [number, number][];
  /** Kept and summarised passes. */
  kept: number;
  summarised: number;
  /** When the budget ran out: the first pass summarised for it (null: it did not). */
  budgetReachedAt: number | null;
  /** The evenly spaced passes kept: every `spacing`-th from the first (absent in traces written before it was recorded). */
  spacing?: number;
}

export type GraphBreakKind = 'detach' | 'attachGrad' | 'coerce' | 'outsideRecord' | 'paused';

export interface GraphBreak {
  kind: GraphBreakKind;
  /** The node gradient stops at (the detached copy, the re-attached array, the op that read a constant). */
  node?: NodeId;
  /** The node the break cut off from the graph, when known. */
  from?: NodeId;
  source: Source | null;
  message: string;
}

export interface Anomaly {
  kind: 'nan' | 'inf';
  phase: 'forward' | 'backward';
  /** The node whose op produced the value (forward) or whose gradient rule did (backward). */
  node: NodeId;
  /** The backward pass, for backward anomalies. */
  pass?: number;
  source: Source | null;
  message: string;
  /** Stats of the op's inputs (forward) or of the upstream gradient (backward). */
  inputs: TensorStats[];
}

export interface RunError {
  message: string;
  stack: string;
  source: Source | null;
  /** Where it came from: the program, the bundler (syntax/import error) or the process (crash, OOM). */
  origin: 'program' | 'build' | 'process';
}

/**
 * How a run ended, as it happened: the program's own exit, the timeout, a cancellation (by the
 * user, or a signal to the CLI), a signal GradLens did not send, the memory budget, or no start.
 */
export type RunOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'timed-out'; afterMs: number }
  | { kind: 'cancelled'; by: 'user' | 'SIGINT' | 'SIGTERM' | 'SIGHUP' }
  | { kind: 'killed'; signal: string }
  | { kind: 'out-of-memory'; what: 'heap' | 'arrays'; limitMb: number }
  | { kind: 'did-not-start'; reason: 'not-found' | 'build' | 'refused' | 'spawn' };

/** Set when a trace file was cut short (its writer was stopped) and what came before the cut was read. */
export interface TraceTruncation {
  /** Bytes of the file that were read. */
  bytes: number;
  /** What is missing, in words. */
  note: string;
}

export interface RunInfo {
  file: string;
  argv: string[];
  engineVersion: string;
  seed: number;
  startedAt: string;
  durationMs: number;
  exitCode: number | null;
  signal?: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** True when stdout/stderr were longer than the cap and were cut. */
  stdoutTruncated?: boolean;
  stderrTruncated?: boolean;
  maxElements: number;
  error?: RunError;
  /** How the run ended (absent in traces written before GradLens 0.2, and while it is paused). */
  outcome?: RunOutcome;
  /**
   * The run has not ended: a debugger paused it here (`source`: the paused line, null when it is
   * not one of the program's), and this is its trace so far (extension/debugRuns.ts).
   */
  paused?: { source: Source | null };
  /** Which passes were kept whole (version 2; absent when no pass ran, and in version 1). */
  keep?: KeepSettings;
  /**
   * What GradLens noticed besides how the program ended, in words: processes it left running that
   * GradLens ended, records in the journal that were not GradLens's (ignored).
   */
  warnings?: string[];
}

export interface Trace {
  format: typeof TRACE_FORMAT;
  /** TRACE_VERSION when written now; READABLE_TRACE_VERSIONS are read. */
  version: number;
  run: RunInfo;
  nodes: TraceNode[];
  recordings: Recording[];
  backwardPasses: BackwardPass[];
  graphBreaks: GraphBreak[];
  anomalies: Anomaly[];
  /**
   * The gluon blocks the program called, by path (the nodes' `layer`): how gluon prints each,
   * `Dense(256 -> 10, relu)`; '' is the outermost model. Absent when the program used no blocks.
   */
  layers?: Record<string, string>;
  /** Only in a trace read back from a file that was cut short. */
  truncated?: TraceTruncation;
  /**
   * Only in memory, in a trace read in parts (a version-3 file, a big trace sent to the inspector):
   * which parts are in `nodes` and the kept passes' lists. Absent: the trace is whole.
   */
  parts?: TraceParts;
}

/**
 * A part of a trace: the nodes made from `firstNode` to `lastNode` (those the trace has) and the
 * tensors of the kept passes that ran after them (`passes`: their head gradients, steps and leaf
 * gradients). Parts follow the kept passes: a part ends with the last node made before its pass.
 */
export interface PartInfo {
  firstNode: NodeId;
  lastNode: NodeId;
  /** How many nodes of the trace it holds. */
  nodes: number;
  /** The kept passes whose lists it holds (by id). */
  passes: number[];
  /** The earlier parts its nodes and passes name nodes of (an input, a parameter made before the loop). */
  needs: number[];
  /** About how many bytes its tensors take in a trace file (what loading it costs). */
  bytes: number;
}

/** The parts of a trace read in parts, and which of them it holds (`loaded[i]` for `list[i]`). */
export interface TraceParts {
  list: PartInfo[];
  loaded: boolean[];
}

/** The tensors of a kept pass, which its part holds. */
export interface PassTensors {
  id: number;
  headGrads: Tensor[];
  steps: BackwardStep[];
  leafGrads: LeafGrad[];
}

/** One part's content, as a reader loads it. */
export interface PartData {
  /** Its index in `parts.list`. */
  part: number;
  nodes: TraceNode[];
  passes: PassTensors[];
}

/** Reads a number written by `encodeNumber`. */
export function decodeNumber(value: TraceNumber): number {
  return typeof value === 'number' ? value : value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : -Infinity;
}

/**
 * What stats are made of, over values: counts of NaN, ±Infinity and exact zeros, then over the
 * finite values their extremes (±Infinity when there is none), Σv, Σd and Σd² for d = v − shift,
 * and Σv². A tool that adds them up another way (the engine's kernels) hands them to statsFromSums.
 */
export interface StatsSums {
  nan: number;
  inf: number;
  zeros: number;
  min: number;
  max: number;
  total: number;
  shifted: number;
  shiftedSquares: number;
  squares: number;
}

/** Stats of `n` values from their sums (statsOf's, or another tool's). */
export function statsFromSums(n: number, sums: StatsSums): TensorStats {
  const { nan, inf, zeros } = sums;
  const count = n - nan - inf;
  if (count === 0) return { min: null, max: null, mean: null, std: null, l2: null, nan, inf, zeros };
  const offset = sums.shifted / count;
  // −0 and +0 are one value to a reader of stats.
  return {
    min: sums.min === 0 ? 0 : sums.min, max: sums.max === 0 ? 0 : sums.max, mean: sums.total / count,
    std: Math.sqrt(Math.max(0, sums.shiftedSquares / count - offset * offset)), l2: Math.sqrt(sums.squares), nan, inf, zeros,
  };
}

/**
 * The sums stats are made of, in one loop over the values. Self-contained (it names nothing
 * outside itself), so that a tool can compile a copy of it per element type (capture/perDtype.ts).
 */
export function sumsOf(data: ArrayLike<number>): StatsSums {
  // One pass, no unpredictable branch per element (this runs over every large tensor a traced
  // program makes): the variance from sums of deviations from a shift — the first finite value,
  // within √n·std of the mean, so Σd²/n − (Σd/n)² does not cancel as Σx²/n − mean² does when
  // |mean| ≫ std.
  const n = data.length;
  let shift = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v - v === 0) { shift = v; break; }
  }
  let nan = 0;
  let inf = 0;
  let zeros = 0;
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  let sum = 0;
  let sumSquares = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v - v !== 0) { // NaN or ±Infinity
      if (v !== v) nan++;
      else inf++;
      continue;
    }
    zeros += v === 0 ? 1 : 0;
    min = Math.min(min, v);
    max = Math.max(max, v);
    total += v;
    const d = v - shift;
    sum += d;
    sumSquares += d * d;
    squares += v * v;
  }
  return { nan, inf, zeros, min, max, total, shifted: sum, shiftedSquares: sumSquares, squares };
}

/** Stats of values: over the finite ones, with NaN, ±Infinity and exact zeros counted. */
export function statsOf(data: ArrayLike<number>): TensorStats {
  return statsFromSums(data.length, sumsOf(data));
}
