/** The text `gradlens trace` prints: counts, backward passes by line, each variable's final gradient, gradient checks. */
import { relative } from 'node:path';
import { np } from 'gradlens';
import { formatNumber, formatShape } from '../protocol/query/format';
import { describeGradcheck } from '../protocol/query/gradcheck';
import { indexTrace } from '../protocol/query/indexTrace';
import { nameFromSource } from '../protocol/query/names';
import { leftOutRecordings, lossRange } from '../protocol/query/training';
import { decodeNumber, type BackwardPass, type Source, type Tensor, type Trace } from '../protocol/trace';

export function describeSource(source: Source | null, cwd = process.cwd()): string {
  if (!source) return '(unknown line)';
  const file = relative(cwd, source.file) || source.file;
  return `${file}:${source.line}`;
}

/** A gradient as MXNet prints it when the trace has its data; shape and stats otherwise. */
export function formatTensor(tensor: Tensor): string {
  if (tensor.data) {
    const values = tensor.data.map(decodeNumber);
    const array = np.array(tensor.dtype === 'float64' ? new Float64Array(values) : new Float32Array(values), { dtype: tensor.dtype });
    return String(array.reshape(tensor.shape)).replace(/\n/g, '\n      ');
  }
  const s = tensor.stats;
  const f = (v: number | null) => (v === null ? '–' : Number(v.toPrecision(4)));
  return `shape ${formatShape(tensor.shape)} ${tensor.dtype}: min ${f(s.min)}, max ${f(s.max)}, mean ${f(s.mean)}, L2 ${f(s.l2)}${s.nan ? `, ${s.nan} NaN` : ''}${s.inf ? `, ${s.inf} inf` : ''}`;
}

export interface SummaryOptions {
  /** Every gradient in full (up to the trace's maxElements), every gradient check: the old, unbounded summary. */
  verbose?: boolean;
}

/** Gradients up to this many elements are printed whole by default; bigger ones as one line of statistics. */
const INLINE_ELEMENTS = 16;
/** Gradient checks listed by default (failures first); --verbose lists them all. */
const LISTED_CHECKS = 10;


/**
 * What `gradlens trace` prints. Bounded by default, however long the run: counts; one line per
 * line of the program that ran backward (how many passes, the loss first → last); one entry per
 * parameter or per line that made variables (its last gradient, and ‖∇‖ first → last when it had
 * several); failed gradient checks. `verbose` prints every gradient the trace holds in full.
 */
export function summarizeTrace(trace: Trace, cwd = process.cwd(), { verbose = false }: SummaryOptions = {}): string {
  const ops = trace.nodes.filter((n) => n.kind === 'op').length;
  const leaves = trace.nodes.length - ops;
  const lines = [
    `  recordings       ${recordingsLine(trace)}`,
    `  nodes            ${trace.nodes.length} (${ops} ops, ${leaves} leaves)${leftOutNodes(trace)}`,
    `  backward passes  ${trace.backwardPasses.length}${trace.backwardPasses.some((p) => p.error) ? ` (${trace.backwardPasses.filter((p) => p.error).length} failed)` : ''}${keptNote(trace)}`,
    `  graph breaks     ${trace.graphBreaks.length}`,
    `  anomalies        ${trace.anomalies.length}`,
  ];
  const error = trace.run.error;
  if (error) lines.unshift(`  error            ${error.message}${error.source ? ` (${describeSource(error.source, cwd)})` : ''}`);
  for (const anomaly of trace.anomalies.slice(0, 5)) {
    lines.push(`    ${anomaly.phase} ${anomaly.kind} at ${describeSource(anomaly.source, cwd)}: ${anomaly.message}`);
  }
  lines.push(...passLines(trace, cwd));
  lines.push(...finalGradientLines(trace, cwd, verbose));
  lines.push(...gradcheckLines(trace, cwd, verbose));
  return lines.join('\n');
}

/** `; 12,345 more of summarised passes left out`, when some were. */
function leftOutNodes(trace: Trace): string {
  const left = trace.backwardPasses.reduce((n, pass) => n + (pass.omitted?.nodes ?? 0), 0);
  return left === 0 ? '' : `; ${left.toLocaleString('en-US')} more of summarised passes left out`;
}

/** `96 (50 kept whole)`: with the recordings summarised passes left out (their `omitted.recordings`). */
function recordingsLine(trace: Trace): string {
  const omitted = leftOutRecordings(trace);
  const kept = trace.recordings.length;
  return omitted === 0 ? `${kept}` : `${(kept + omitted).toLocaleString('en-US')} (${kept.toLocaleString('en-US')} kept whole)`;
}

/** `, 11 kept whole (every 8th, …; the others summarised: --keep N keeps pass #N)` when some passes were only summarised. */
function keptNote(trace: Trace): string {
  const keep = trace.run.keep;
  if (!keep || keep.summarised === 0) return '';
  const spacing = keep.spacing !== undefined && keep.spacing > 1 ? `every ${ordinal(keep.spacing)} pass, the first three and the last; ` : '';
  const budget = keep.budgetReachedAt !== null ? `; the ${keep.maxTraceMb} MB budget was reached at pass #${keep.budgetReachedAt + 1}` : '';
  return `, ${keep.kept} kept whole (${spacing}the others summarised: statistics only${budget}; --keep N keeps pass #N)`;
}

/** 2nd, 3rd, 8th, 21st, 112th. */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** One line per line of the program that ran backward, when some ran more than once: the count, the loss first → last. */
function passLines(trace: Trace, cwd: string): string[] {
  const byLine = new Map<string, BackwardPass[]>();
  for (const pass of trace.backwardPasses) {
    const where = describeSource(pass.source, cwd);
    byLine.set(where, [...(byLine.get(where) ?? []), pass]);
  }
  if (![...byLine.values()].some((passes) => passes.length > 1)) return [];
  const lines = ['backward passes by line:'];
  for (const [where, passes] of byLine) {
    const range = lossRange(passes);
    const loss = range === null ? '' : passes.length === 1 ? `  loss ${formatNumber(range.first)}` : `  loss ${formatNumber(range.first)} → ${formatNumber(range.last)}`;
    lines.push(`  ${where}  ×${passes.length}${loss}`);
  }
  return lines;
}

interface Final {
  node: number;
  grad: Tensor;
  /** ‖∇‖₂ of each gradient it received, in order. */
  norms: (number | null)[];
  /** Arrays this entry stands for (several when a line made a new variable each pass). */
  arrays: Set<number>;
}

/**
 * The last gradient of each variable, one entry per parameter, or per source position that made
 * variables: a parameter the trainer updates in place is one array at its latest version, and a
 * loop that makes a new `w` each step (`w = w.sub(…); w.attachGrad()`) is one entry, not one per step.
 */
function finalGradientLines(trace: Trace, cwd: string, verbose: boolean): string[] {
  const byId = indexTrace(trace).nodes;
  const latest = latestVersions(trace);
  const finals = new Map<string, Final>();
  /** Each variable series of a kept pass: the entry it belongs to (summarised passes have only their series). */
  const seriesKeys = new Map<number, string>();
  const summarised = trace.backwardPasses.some((pass) => pass.summary !== undefined);
  for (const pass of trace.backwardPasses) {
    if (pass.kind !== 'backward') continue;
    pass.leafGrads.forEach((leaf, i) => {
      const id = latest.get(leaf.node) ?? leaf.node;
      const node = byId.get(id);
      const key = verbose ? `node ${id}` : node?.param ?? (node?.source ? `${node.source.file}:${node.source.line}:${node.source.column}` : `node ${id}`);
      const grad = leaf.after ?? leaf.grad;
      const entry = finals.get(key) ?? { node: id, grad, norms: [], arrays: new Set<number>() };
      finals.delete(key); // listed in the order they last received a gradient
      entry.node = id;
      entry.grad = grad;
      const series = pass.summary?.variables[i]?.series;
      if (series !== undefined) seriesKeys.set(series, key);
      if (!summarised) entry.norms.push(leaf.grad.stats.l2);
      entry.arrays.add(series ?? id);
      finals.set(key, entry);
    });
  }
  // The norms of every pass, kept or summarised, from the summaries (traces before them: the kept tensors).
  if (summarised) {
    for (const pass of trace.backwardPasses) {
      if (pass.kind !== 'backward') continue;
      for (const variable of pass.summary?.variables ?? []) {
        const key = seriesKeys.get(variable.series);
        const entry = key !== undefined ? finals.get(key) : undefined;
        if (!entry) continue;
        entry.norms.push(variable.gradL2);
        entry.arrays.add(variable.series);
      }
    }
  }
  if (finals.size === 0) return [];
  const lines = ['final gradients:'];
  for (const { node: id, grad, norms, arrays } of finals.values()) {
    const node = byId.get(id);
    const name = node?.param ?? nameFromSource(node?.source?.text) ?? `node ${id}`;
    lines.push(`  ${name}.grad  (${describeSource(node?.source ?? null, cwd)})`);
    const whole = verbose || size(grad) <= INLINE_ELEMENTS;
    lines.push(`      ${whole ? formatTensor(grad) : formatTensor({ ...grad, data: undefined, sample: [] })}`);
    if (norms.length > 1) {
      const [first, last] = [norms[0]!, norms[norms.length - 1]!];
      const f = (v: number | null) => (v === null ? '–' : formatNumber(v));
      lines.push(`      ‖∇‖ ${f(first)} → ${f(last)} over ${norms.length} passes${arrays.size > 1 ? ` (${arrays.size} arrays made at this line)` : ''}`);
    }
  }
  return lines;
}

function gradcheckLines(trace: Trace, cwd: string, verbose: boolean): string[] {
  const checked = trace.backwardPasses.filter((p) => p.gradcheck);
  if (checked.length === 0) return [];
  const byId = indexTrace(trace).nodes;
  const failed = checked.reduce((n, p) => n + p.gradcheck!.results.filter((r) => !r.ok).length + (p.gradcheck!.error ? 1 : 0), 0);
  const lines = [`gradient checks (float64 central differences)${failed > 0 ? `: ${failed} failed` : ''}:`];
  const entries: { ok: boolean; text: string }[] = [];
  for (const pass of checked) {
    const where = `pass ${pass.id + 1} (${describeSource(pass.source, cwd)})`;
    if (pass.gradcheck!.error) entries.push({ ok: false, text: `  ${where}: not checked: ${pass.gradcheck!.error}` });
    for (const result of pass.gradcheck!.results) {
      const node = byId.get(result.node);
      entries.push({ ok: result.ok, text: `  ${where} ${node?.param ?? nameFromSource(node?.source?.text) ?? `node ${result.node}`}: ${describeGradcheck(result)}` });
    }
  }
  // Failures first when the list is cut; in their order otherwise.
  const shown = verbose || entries.length <= LISTED_CHECKS ? entries : [...entries.filter((e) => !e.ok), ...entries.filter((e) => e.ok)].slice(0, LISTED_CHECKS);
  lines.push(...shown.map((e) => e.text));
  if (shown.length < entries.length) lines.push(`  … and ${entries.length - shown.length} more (--verbose lists them all)`);
  return lines;
}

const size = (tensor: Tensor) => tensor.shape.reduce((n, d) => n * d, 1);

/** For every node an in-place write superseded (a `previous` of another), the latest version of its array. */
function latestVersions(trace: Trace): Map<number, number> {
  const next = new Map<number, number>();
  for (const node of trace.nodes) if (node.previous !== undefined) next.set(node.previous, node.id);
  const latest = new Map<number, number>();
  // Later versions have larger ids (validation checks previous < id): from the last node back,
  // each superseded node takes the latest version of the one that superseded it.
  for (let i = trace.nodes.length - 1; i >= 0; i--) {
    const id = trace.nodes[i]!.id;
    const after = next.get(id);
    if (after !== undefined) latest.set(id, latest.get(after) ?? after);
  }
  return latest;
}
