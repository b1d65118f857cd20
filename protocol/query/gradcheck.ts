/**
 * Numeric gradient checks in words, the same in the CLI summary, the VS Code views and the
 * inspector: "✓ max |Δ| 2.1e-10 over 4 of 4 elements", or where the worst element disagrees.
 */
import { formatNumber } from './format';
import { decodeNumber, type BackwardPass, type GradcheckResult, type NodeId } from '../trace';

/** One line for a variable's check. */
export function describeGradcheck(result: GradcheckResult): string {
  const elements = result.checked === result.size ? `${result.size} element${result.size === 1 ? '' : 's'}` : `${result.checked} of ${result.size} elements`;
  const maxAbs = formatNumber(decodeNumber(result.maxAbsError), 2);
  if (result.ok) return `✓ gradcheck: max |Δ| ${maxAbs} over ${elements}`;
  const at = result.worstIndex.length > 0 ? `[${result.worstIndex.join(', ')}]` : '';
  return `✗ gradcheck: at ${at || 'the value'} backward gives ${formatNumber(decodeNumber(result.analytic))}, central differences ${formatNumber(decodeNumber(result.numeric))} (max |Δ| ${maxAbs} over ${elements})`;
}

/** The tolerances a pass was checked with, in words. */
export function describeTolerance(pass: BackwardPass): string {
  const g = pass.gradcheck;
  return g ? `float64 central differences, eps ${g.eps}, |Δ| ≤ ${g.atol} + ${g.rtol}·|numeric|` : '';
}

/** The latest check of each variable over the passes (a later pass replaces an earlier one). */
export function latestGradchecks(passes: readonly BackwardPass[]): Map<NodeId, { result: GradcheckResult; pass: BackwardPass }> {
  const latest = new Map<NodeId, { result: GradcheckResult; pass: BackwardPass }>();
  for (const pass of passes) for (const result of pass.gradcheck?.results ?? []) latest.set(result.node, { result, pass });
  return latest;
}

export interface GradcheckSummary {
  /** Variables checked (the latest check of each). */
  checked: number;
  failed: GradcheckResult[];
  /** Passes that could not be checked. */
  unchecked: BackwardPass[];
  /** One sentence: what passed, or the first failure and where. */
  text: string;
}

/** What a run's gradient checks found, in a sentence; `name` names a variable node. */
export function summarizeGradchecks(passes: readonly BackwardPass[], name: (node: NodeId) => string): GradcheckSummary {
  const latest = latestGradchecks(passes);
  const failed = [...latest.values()].filter((c) => !c.result.ok);
  const unchecked = passes.filter((p) => p.gradcheck?.error);
  const requested = passes.filter((p) => p.gradcheck).length;
  let text: string;
  if (requested === 0) text = 'no backward pass ran, so there was nothing to check';
  else if (failed.length > 0) {
    const first = failed[0]!;
    const line = first.pass.source ? ` (backward at line ${first.pass.source.line})` : '';
    text = `gradcheck failed for ${failed.map((c) => name(c.result.node)).join(', ')}${line}: ${name(first.result.node)} ${describeGradcheck(first.result).replace(/^✗ gradcheck: /, '')}`;
  } else {
    text = `gradcheck passed: ${latest.size} variable${latest.size === 1 ? '' : 's'} in ${requested} backward pass${requested === 1 ? '' : 'es'} agree with central differences`;
  }
  if (unchecked.length > 0) text += `; ${unchecked.length} pass${unchecked.length === 1 ? '' : 'es'} could not be checked (${unchecked[0]!.gradcheck!.error})`;
  return { checked: latest.size, failed: failed.map((c) => c.result), unchecked, text };
}
