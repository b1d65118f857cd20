/**
 * What a trace says about the lines of a file, in words for the editor: the result a lens shows
 * above a `backward(` or `record(` call, the value and gradient at the end of a line that made
 * nodes, and the problems (a thrown error, NaN/Inf, graph breaks) for the Problems panel. Pure: no
 * VS Code, so it is tested in Node.
 */
import { whyBrief, whyVanished } from '../protocol/query/gradientDrop';
import { describeGradcheck, latestGradchecks } from '../protocol/query/gradcheck';
import { nodeNames } from '../protocol/query/names';
import { indexTrace } from '../protocol/query/indexTrace';
import { formatNumber, formatTensorShort, formatTensorTiny } from '../protocol/query/format';
import { DEFAULT_THRESHOLDS, type Selection } from '../protocol/messages';
import { firstNonFiniteLoss, hasTraining, leftOutRecordings, lossRange, seriesOf, vanishedFrom } from '../protocol/query/training';
import { isKept, type BackwardPass, type Source, type Trace, type TraceNode } from '../protocol/trace';
import { holdsGraph, holdsPass, NOT_LOADED, stepCount } from './heldParts';

const onLine = (source: Source | null | undefined, file: string, line: number) => source != null && source.file === file && source.line === line;

/** The backward passes (and autograd.grad calls) made at `line` (1-based) of `file`. */
export function passesAt(trace: Trace, file: string, line: number): BackwardPass[] {
  return trace.backwardPasses.filter((p) => onLine(p.source, file, line));
}

/** "x.grad = [0, 4, 8, 12]", for a pass's variables (the first two, then how many more). */
function gradientsText(trace: Trace, pass: BackwardPass): string {
  // A trace opened in parts holds the gradients of its last graph only.
  if (!holdsPass(trace, pass)) return `gradients ${NOT_LOADED}`;
  const names = nodeNames(trace);
  const parts = pass.leafGrads.slice(0, 2).map((leaf) => `${names.get(leaf.node) ?? `node ${leaf.node}`}.grad ${leaf.gradReq === 'add' ? '+=' : '='} ${formatTensorTiny(leaf.grad)}`);
  if (pass.leafGrads.length > 2) parts.push(`+${pass.leafGrads.length - 2} more`);
  return parts.length > 0 ? parts.join(', ') : 'no variable reached';
}

/** A lens's result: its words, and what it opens in the inspector. */
export interface LensResult {
  title: string;
  selection: Selection;
  tooltip: string;
}

function stepsText(trace: Trace, pass: BackwardPass): string {
  const count = stepCount(trace, pass);
  return `${count} step${count === 1 ? '' : 's'}`;
}

/**
 * The results lenses show above the call at `line` (1-based): none when the trace has nothing
 * there. A loop's backward whose loss is known gets two: the passes and the loss first → last,
 * opening the Training view, and the last pass to step through (the last kept, when the last was
 * summarised).
 */
export function lensResults(trace: Trace, file: string, line: number): LensResult[] {
  const passes = passesAt(trace, file, line);
  if (passes.length > 0) {
    const last = passes[passes.length - 1]!;
    const times = passes.length > 1 ? `${passes.length} passes, the last: ` : '';
    const onPass = (pass: BackwardPass, title: string): LensResult => ({ title, selection: { kind: 'pass', id: pass.id }, tooltip: 'Open the inspector on this backward pass' });
    if (last.error) return [onPass(last, `${times}backward failed: ${last.error}`)];
    const loss = passes.length > 1 ? lossRange(passes) : null;
    if (loss && hasTraining(trace)) {
      const count = passes.length.toLocaleString('en-US');
      const training: LensResult = {
        title: `${count} passes · loss ${formatNumber(loss.first)} → ${formatNumber(loss.last)} · Training view`,
        selection: { kind: 'training' },
        tooltip: 'Open the Training view: the loss and every parameter\'s gradient over the passes',
      };
      const kept = [...passes].reverse().find(isKept);
      if (!kept) return [training];
      const which = kept === last ? 'the last' : `pass #${(kept.id + 1).toLocaleString('en-US')}, the last kept`;
      return [training, onPass(kept, `step through ${which} (${stepsText(trace, kept)})`)];
    }
    if (loss) return [onPass(last, `${passes.length} passes · loss ${formatNumber(loss.first)} → ${formatNumber(loss.last)} · step through the last (${stepsText(trace, last)})`)];
    return [onPass(last, `${times}${gradientsText(trace, last)} · step through ${stepsText(trace, last)}`)];
  }
  const recordings = trace.recordings.filter((r) => onLine(r.source, file, line));
  if (recordings.length > 0) {
    const last = recordings[recordings.length - 1]!;
    const byId = indexTrace(trace).nodes;
    const output = last.outputs.map((id) => byId.get(id)).find((n): n is TraceNode => n !== undefined);
    // Recordings of summarised passes are left out of the trace; their passes count them.
    const omitted = leftOutRecordings(trace, (source) => onLine(source, file, line));
    const count = recordings.length + omitted;
    const times = count > 1 ? `${count.toLocaleString('en-US')} recordings, the last${omitted > 0 ? ' kept' : ''}: ` : '';
    // A recording of a trace opened in parts may be in a part not loaded: say so rather than nothing.
    const unloaded = !output && last.outputs.length > 0 && !holdsGraph(trace, { kind: 'recording', id: last.id });
    const value = output ? ` → ${nodeNames(trace).get(output.id) ?? output.op} = ${formatTensorTiny(output.value)}` : unloaded ? ` · values ${NOT_LOADED}` : '';
    return [{ title: `${times}recorded ${last.nodes.length} op${last.nodes.length === 1 ? '' : 's'}${value}`, selection: { kind: 'recording', id: last.id }, tooltip: 'Open the inspector on this recording' }];
  }
  return [];
}

/** End-of-line text per line (1-based) of `file`: the value and gradient of the last node made there. */
export function inlineValues(trace: Trace, file: string): Map<number, { text: string; node: number; count: number }> {
  const lastAt = new Map<number, { node: TraceNode; count: number }>();
  for (const node of trace.nodes) {
    if (!node.source || node.source.file !== file) continue;
    const seen = lastAt.get(node.source.line);
    lastAt.set(node.source.line, { node, count: (seen?.count ?? 0) + 1 });
  }
  const names = nodeNames(trace);
  const out = new Map<number, { text: string; node: number; count: number }>();
  for (const [line, { node, count }] of lastAt) {
    const name = names.get(node.id);
    const value = `${name ? `${name} = ` : ''}${formatTensorShort(node.value, 4)}`;
    const grad = node.grad ? ` · ∇ ${formatTensorShort(node.grad, 4)}` : '';
    const runs = count > 1 ? ` (×${count}, last)` : '';
    out.set(line, { text: `${value}${grad}${runs}`, node: node.id, count });
  }
  return out;
}

export type Severity = 'error' | 'warning' | 'information';

export interface Problem {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  severity: Severity;
  message: string;
  /** What kind: 'error', 'nan', 'inf', or the graph break's kind. */
  code: string;
}

/**
 * The run's error, its NaN/Inf anomalies and its graph breaks, each at its line; over a training
 * run, a gradient that vanished for good (at the line that made the variable) and the first pass
 * whose loss was not finite (at its backward, naming the op that first made a NaN or infinity).
 */
export function problemsOf(trace: Trace, thresholds = DEFAULT_THRESHOLDS): Problem[] {
  const problems: Problem[] = [];
  const at = (source: Source, severity: Severity, message: string, code: string) =>
    problems.push({ file: source.file, line: source.line, column: source.column, severity, message, code });
  const error = trace.run.error;
  if (error) {
    const source = error.source ?? (trace.run.file ? { file: trace.run.file, line: 1, column: 1, text: '' } : null);
    if (source) at(source, 'error', error.origin === 'program' ? error.message : `${error.origin === 'build' ? 'does not compile' : 'the program stopped'}: ${error.message}`, 'error');
  }
  for (const anomaly of trace.anomalies) if (anomaly.source) at(anomaly.source, 'warning', anomaly.message, anomaly.kind);
  // One problem per break kind and line: a loop repeats the same break at every iteration.
  const seen = new Set<string>();
  for (const graphBreak of trace.graphBreaks) {
    if (!graphBreak.source) continue;
    const key = `${graphBreak.kind}:${graphBreak.source.file}:${graphBreak.source.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    at(graphBreak.source, 'information', graphBreak.message, graphBreak.kind);
  }
  // A gradient that disagrees with central differences, at the line that made the variable.
  const names = nodeNames(trace);
  const byId = indexTrace(trace).nodes;
  for (const { result, pass } of latestGradchecks(trace.backwardPasses).values()) {
    const variable = byId.get(result.node);
    if (result.ok || !variable?.source) continue;
    const line = pass.source ? ` (the backward at line ${pass.source.line})` : '';
    at(variable.source, 'warning', `${names.get(variable.id) ?? 'this variable'}${line}: ${describeGradcheck(result).replace(/^✗ /, '')}`, 'gradcheck');
  }
  const bad = firstNonFiniteLoss(trace);
  for (const series of seriesOf(trace)) {
    const found = series.points.length > 1 ? vanishedFrom(series, thresholds.vanishing) : null;
    // Its node in the first pass that kept it (a summarised pass's nodes are not in the trace).
    const variable = series.points.map((point) => byId.get(point.variable.node)).find((node) => node !== undefined);
    if (!found || !variable?.source) continue;
    const name = series.param ?? names.get(variable.id) ?? 'this variable';
    const when = found.always ? `in all ${series.points.length} passes` : `from pass ${(found.point.index + 1).toLocaleString('en-US')} on`;
    // Why, when a kept pass shows it (the loss gone NaN first says enough: that is its own problem).
    const nanFirst = bad !== null && found.point.index > bad.index;
    // Only passes whose tensors the trace holds can show why (a trace opened in parts holds its last).
    const held = { ...series, points: series.points.filter((point) => holdsPass(trace, point.pass)) };
    const why = nanFirst ? null : whyVanished(trace, held, found.point.index);
    const because = why ? `: in pass ${(why.point.index + 1).toLocaleString('en-US')}, ${whyBrief(trace, why)}` : nanFirst ? ', after the loss became NaN' : '';
    at(variable.source, 'warning', `${name}'s gradient vanished ${when} (‖∇‖ < ${thresholds.vanishing})${because}`, 'vanishing');
  }
  if (bad?.pass.source) {
    const first = trace.anomalies.find((a) => a.phase === 'forward' && (bad.pass.lastNode === undefined || a.node <= bad.pass.lastNode));
    const op = first ? byId.get(first.node)?.op : undefined;
    const cause = first ? `: first ${first.kind === 'nan' ? 'NaN' : 'infinity'} from ${op ?? 'an op'}${first.source ? ` at line ${first.source.line}` : ''}` : '';
    at(bad.pass.source, 'warning', `loss became ${Number.isNaN(bad.value) ? 'NaN' : String(bad.value)} at pass ${(bad.index + 1).toLocaleString('en-US')}${cause}`, 'loss');
  }
  return problems;
}
