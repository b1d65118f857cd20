/**
 * The accessible view's listing: the graph on screen as rows of text, in the order it is stepped
 * through — a backward pass step by step (the node each step runs, its op, shape and the gradient
 * it passes on), then the variables' gradients; a recording op by op with the values. Long lists
 * keep their head and tail and count what is between. Pure: no DOM (ui/accessibleView.ts draws it).
 */
import { indexTrace } from '../../protocol/query/indexTrace';
import type { BackwardPass, Tensor, Trace, TraceNode } from '../../protocol/trace';
import { nodeNames } from './graph';
import { labelText } from './labels';
import { headAndTail } from './summary';
import { formatShape, formatTensorShort } from './tensor';

/** Rows of a listing kept (the first and last half); the rest is counted. */
export const LISTING_ROWS = 1000;

export interface ListingRow {
  /** The step (from 1) that runs the node; 0 for a row that is not a step (a variable's gradient, a head). */
  step: number;
  node: number;
  name: string;
  op: string;
  shape: string;
  /** The gradient (backward) or the value (forward), in one short line. */
  tensor: string;
}

export interface ListingTable {
  title: string;
  /** What the tensor column holds. */
  tensorHeading: string;
  head: ListingRow[];
  /** Rows left out between head and tail. */
  omitted: number;
  tail: ListingRow[];
}

export interface Listing {
  title: string;
  tables: ListingTable[];
}

function row(names: ReadonlyMap<number, string>, node: TraceNode | undefined, id: number, step: number, tensor: Tensor | null): ListingRow {
  return {
    step, node: id, name: labelText(names.get(id) ?? ''), op: node ? labelText(node.op) : '?',
    shape: node ? formatShape(node.shape) : '?', tensor: tensor ? formatTensorShort(tensor) : '—',
  };
}

function table(title: string, tensorHeading: string, rows: readonly ListingRow[]): ListingTable {
  const { head, tail, omitted } = headAndTail(rows, LISTING_ROWS);
  return { title, tensorHeading, head, omitted, tail };
}

/** A backward pass: its heads, each step's node with the gradient it received (∂L/∂out), then the variables' gradients. */
export function passListing(trace: Trace, pass: BackwardPass): Listing {
  const names = nodeNames(trace);
  const byId = indexTrace(trace).nodes;
  const number = trace.backwardPasses.indexOf(pass) + 1;
  const heads = pass.heads.map((id, i) => row(names, byId.get(id), id, 0, pass.headGrads[i] ?? null));
  const steps = pass.steps.map((step, i) => row(names, byId.get(step.node), step.node, i + 1, step.upstream));
  const leaves = pass.leafGrads.map((leaf) => row(names, byId.get(leaf.node), leaf.node, 0, leaf.after ?? leaf.grad));
  const line = pass.source ? ` at line ${pass.source.line}` : '';
  return {
    title: `Backward pass ${number} of ${trace.backwardPasses.length}${line}: ${pass.steps.length} steps`,
    tables: [
      table('Head gradients', 'head gradient', heads),
      table('Backward steps, in order', 'gradient ∂L/∂out', steps),
      table(pass.kind === 'grad' ? 'What autograd.grad returns' : 'Variables\' gradients after the pass', 'gradient', leaves),
    ],
  };
}

/** A recording going forward: the ops of the graph in the order they ran, with their values. */
export function forwardListing(trace: Trace, shown: readonly number[], title: string): Listing {
  const names = nodeNames(trace);
  const byId = indexTrace(trace).nodes;
  const ops = shown.filter((id) => byId.get(id)?.kind === 'op');
  const leaves = shown.filter((id) => byId.get(id)?.kind !== 'op');
  return {
    title: `${title}: ${ops.length} steps`,
    tables: [
      table('Leaves (known before the first step)', 'value', leaves.map((id) => row(names, byId.get(id), id, 0, byId.get(id)?.value ?? null))),
      table('Forward steps, in order', 'value', ops.map((id, i) => row(names, byId.get(id), id, i + 1, byId.get(id)?.value ?? null))),
    ],
  };
}
