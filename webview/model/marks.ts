/**
 * What changes from one step to the next: which elements are not reached yet (dimmed), the node
 * being processed, the nodes receiving gradient, the edges carrying it (with the contribution),
 * and what is known of each node at this moment (the gradient summed so far, or the value in the
 * forward view). Pure. The view draws these marks on a layer of their own over the graph, so that
 * a step redraws only them (decorate.ts holds what stays put while stepping).
 */
import type { Thresholds } from '../../protocol/messages';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { Trace, TraceNode } from '../../protocol/trace';
import { badges, type Badge } from './colors';
import type { GraphModel } from './graph';
import type { BackwardFrame, ForwardFrame } from './stepper';
import { formatTensorTiny, sizeOf } from './tensor';

/** How a badge reads at the end of a node's note. */
export const BADGE_TEXT: Record<Badge, string> = { nan: '⚠NaN', inf: '⚠∞', zero: '(zero)', vanishing: '↓vanishing', exploding: '↑exploding' };

export type Frame = { kind: 'backward'; frame: BackwardFrame } | { kind: 'forward'; frame: ForwardFrame };

export interface StepMarks {
  /** Drawn elements (nodes and edges) not reached yet at this moment: shown dimmed. */
  pending: ReadonlySet<string>;
  /** The element holding the node of this step. */
  current: string | null;
  /** Elements receiving gradient at this step. */
  receiving: ReadonlySet<string>;
  /** Edges carrying gradient at this step, with the contribution they carry. */
  active: ReadonlyMap<string, string>;
  /** What is known of a node now: `∇ …` (the gradient so far, with its badges) or `= …` (its value). */
  notes: ReadonlyMap<string, string>;
}

export const NO_MARKS: StepMarks = { pending: new Set(), current: null, receiving: new Set(), active: new Map(), notes: new Map() };

export interface MarksInput {
  trace: Trace;
  model: GraphModel;
  frame: Frame | null;
  thresholds: Thresholds;
  /** The trace's nodes by id (default: the trace's own index). */
  byId?: ReadonlyMap<number, TraceNode>;
}

export function stepMarks(input: MarksInput): StepMarks {
  const { model, frame } = input;
  if (!frame) return NO_MARKS;
  const byId = input.byId ?? indexTrace(input.trace).nodes;
  const pending = new Set<string>();
  const receiving = new Set<string>();
  const active = new Map<string, string>();
  const notes = new Map<string, string>();
  let current: string | null = null;

  if (frame.kind === 'backward') {
    const backward = frame.frame;
    const step = backward.step;
    if (step) {
      current = model.elementOf.get(step.node) ?? null;
      for (const c of step.contributions) {
        const element = model.elementOf.get(c.input);
        if (element !== undefined && element !== current) receiving.add(element);
      }
    }
    for (const element of model.nodes) {
      const members = element.members;
      let known = null;
      let reachable = false;
      let allPending = true;
      for (const id of members) {
        const k = backward.known.get(id);
        if (k && !known) known = k;
        const isPending = backward.pending.has(id);
        if (k || isPending || backward.processed.has(id)) reachable = true;
        if (!isPending) allPending = false;
      }
      if (allPending || !reachable) pending.add(element.id);
      const gradient = known?.total;
      if (gradient) {
        const marks = badges(gradient.stats, input.thresholds, true, sizeOf(gradient.shape));
        notes.set(element.id, `∇ ${formatTensorTiny(gradient)}${marks.map((b) => ` ${BADGE_TEXT[b]}`).join('')}`);
      }
    }
    if (step) {
      const target = model.elementOf.get(step.node);
      for (const edge of model.edges) {
        if (edge.cut !== null || edge.target !== target) continue;
        const contribution = step.contributions.find((c) => model.elementOf.get(c.input) === edge.source && (edge.index < 0 || c.index === edge.index));
        if (contribution) active.set(edge.id, formatTensorTiny(contribution.grad));
      }
    }
  } else {
    const forward = frame.frame;
    if (forward.current !== null) current = model.elementOf.get(forward.current) ?? null;
    for (const element of model.nodes) {
      const computed = element.members.filter((id) => forward.computed.has(id));
      if (computed.length === 0) { pending.add(element.id); continue; }
      const node = byId.get(computed[computed.length - 1]!);
      if (node) notes.set(element.id, `= ${formatTensorTiny(node.value)}`);
    }
  }
  for (const edge of model.edges) if (pending.has(edge.source) || pending.has(edge.target)) pending.add(edge.id);
  return { pending, current, receiving, active, notes };
}
