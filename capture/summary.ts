/** The text `gradlens trace` prints: counts, and each variable's final gradient. */
import { relative } from 'node:path';
import { np } from 'gradlens';
import { formatShape } from '../protocol/query/format';
import { describeGradcheck } from '../protocol/query/gradcheck';
import { indexTrace } from '../protocol/query/indexTrace';
import { nameFromSource } from '../protocol/query/names';
import { decodeNumber, type Source, type Tensor, type Trace } from '../protocol/trace';

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

export function summarizeTrace(trace: Trace, cwd = process.cwd()): string {
  const ops = trace.nodes.filter((n) => n.kind === 'op').length;
  const leaves = trace.nodes.length - ops;
  const lines = [
    `  recordings       ${trace.recordings.length}`,
    `  nodes            ${trace.nodes.length} (${ops} ops, ${leaves} leaves)`,
    `  backward passes  ${trace.backwardPasses.length}${trace.backwardPasses.some((p) => p.error) ? ` (${trace.backwardPasses.filter((p) => p.error).length} failed)` : ''}`,
    `  graph breaks     ${trace.graphBreaks.length}`,
    `  anomalies        ${trace.anomalies.length}`,
  ];
  const error = trace.run.error;
  if (error) lines.unshift(`  error            ${error.message}${error.source ? ` (${describeSource(error.source, cwd)})` : ''}`);
  for (const anomaly of trace.anomalies.slice(0, 5)) {
    lines.push(`    ${anomaly.phase} ${anomaly.kind} at ${describeSource(anomaly.source, cwd)}: ${anomaly.message}`);
  }
  // The last gradient each variable received: one per array, however many versions of it in-place
  // writes made (a parameter the SGD step updates is one array, listed at its latest version).
  const byId = indexTrace(trace).nodes;
  const latest = latestVersions(trace);
  const finals = new Map<number, Tensor>();
  for (const pass of trace.backwardPasses) {
    if (pass.kind !== 'backward') continue;
    for (const leaf of pass.leafGrads) {
      const id = latest.get(leaf.node) ?? leaf.node;
      finals.delete(id); // listed in the order arrays last received a gradient
      finals.set(id, leaf.after ?? leaf.grad);
    }
  }
  if (finals.size > 0) {
    lines.push('final gradients:');
    for (const [id, grad] of finals) {
      const node = byId.get(id);
      const name = node?.param ?? nameFromSource(node?.source?.text) ?? `node ${id}`;
      lines.push(`  ${name}.grad  (${describeSource(node?.source ?? null, cwd)})`);
      lines.push(`      ${formatTensor(grad)}`);
    }
  }
  const checked = trace.backwardPasses.filter((p) => p.gradcheck);
  if (checked.length > 0) {
    const failed = checked.reduce((n, p) => n + p.gradcheck!.results.filter((r) => !r.ok).length + (p.gradcheck!.error ? 1 : 0), 0);
    lines.push(`gradient checks (float64 central differences)${failed > 0 ? `: ${failed} failed` : ''}:`);
    for (const pass of checked) {
      const where = `pass ${pass.id + 1} (${describeSource(pass.source, cwd)})`;
      if (pass.gradcheck!.error) lines.push(`  ${where}: not checked: ${pass.gradcheck!.error}`);
      for (const result of pass.gradcheck!.results) {
        const node = byId.get(result.node);
        lines.push(`  ${where} ${node?.param ?? nameFromSource(node?.source?.text) ?? `node ${result.node}`}: ${describeGradcheck(result)}`);
      }
    }
  }
  return lines.join('\n');
}

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
