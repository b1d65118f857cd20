/**
 * What each drawn element looks like at a moment of the inspector: classes (kind, head, the
 * current step, pending, cut edges, badges, selection, search matches) and data (colour by
 * gradient or value magnitude, labels with the gradient known so far, contributions on edges).
 * Pure: the view applies the result (graphView.decorate).
 */
import type { ColorMode, Thresholds } from '../protocol/messages';
import type { Tensor, Trace } from '../protocol/trace';
import type { GraphModel } from './graph';
import type { BackwardFrame, ForwardFrame } from './stepper';
import { badges, type Badge } from './colors';
import { formatTensorTiny, sizeOf } from './tensor';

/** How a badge reads at the end of a node's gradient line. */
const BADGE_TEXT: Record<Badge, string> = { nan: '⚠NaN', inf: '⚠∞', zero: '(zero)', vanishing: '↓vanishing', exploding: '↑exploding' };

export interface Decorations {
  classes: Map<string, string[]>;
  data: Map<string, Record<string, string>>;
}

/** Colours by magnitude (colors.ts provides them; injected so this module stays independent). */
export interface Colorizer {
  color(magnitude: number | null): string | null;
  textColor(color: string): string;
}

export interface DecorateInput {
  trace: Trace;
  model: GraphModel;
  frame: { kind: 'backward'; frame: BackwardFrame } | { kind: 'forward'; frame: ForwardFrame } | null;
  colorMode: ColorMode;
  colorizer: Colorizer | null;
  thresholds: Thresholds;
  selected: ReadonlySet<number>;
  matches: ReadonlySet<number>;
  cutPoints: ReadonlySet<number>;
}

/** The magnitude a node is coloured by: L2 norm of its gradient (or value). */
export function magnitudeOf(tensor: Tensor | null | undefined): number | null {
  return tensor ? tensor.stats.l2 : null;
}

export function decorate(input: DecorateInput): Decorations {
  const { trace, model, frame } = input;
  const byId = new Map(trace.nodes.map((node) => [node.id, node]));
  const classes = new Map<string, string[]>();
  const data = new Map<string, Record<string, string>>();
  const backward = frame?.kind === 'backward' ? frame.frame : null;
  const forward = frame?.kind === 'forward' ? frame.frame : null;
  const currentNode = backward?.step?.node ?? forward?.current ?? null;
  const receiving = new Set(backward?.step?.contributions.map((c) => c.input) ?? []);

  for (const element of model.nodes) {
    const list: string[] = [element.kind];
    const fields: Record<string, string> = {};
    const members = element.members;
    if (element.isHead) list.push('head');
    if (element.breaks.length > 0) list.push('broken');
    if (members.some((id) => (byId.get(id)?.value.stats.nan ?? 0) + (byId.get(id)?.value.stats.inf ?? 0) > 0)) list.push('nonfinite');
    if (members.some((id) => input.selected.has(id))) list.push('selected');
    if (members.some((id) => input.matches.has(id))) list.push('match');
    if (members.some((id) => input.cutPoints.has(id))) list.push('cut-point');

    // What is known at this moment: the gradient so far (backward) or whether computed (forward).
    const representative = members[members.length - 1]!;
    let gradient: Tensor | null = null;
    if (backward) {
      const known = members.map((id) => backward.known.get(id)).find((k) => k !== undefined);
      gradient = known?.total ?? null;
      const reachable = members.some((id) => backward.known.has(id) || backward.processed.has(id) || backward.pending.has(id));
      if (members.every((id) => backward.pending.has(id)) || !reachable) list.push('pending');
      if (currentNode !== null && members.includes(currentNode)) list.push('current');
      else if (members.some((id) => receiving.has(id))) list.push('receiving');
      if (gradient) {
        const marks = badges(gradient.stats, input.thresholds, true, sizeOf(gradient.shape));
        for (const badge of marks) list.push(`badge-${badge}`);
        fields.label = `${element.label}\n∇ ${formatTensorTiny(gradient)}${marks.map((b) => ` ${BADGE_TEXT[b]}`).join('')}`;
      }
    } else if (forward) {
      if (!members.some((id) => forward.computed.has(id))) list.push('pending');
      if (currentNode !== null && members.includes(currentNode)) list.push('current');
      const node = byId.get(representative);
      if (node && members.some((id) => forward.computed.has(id))) fields.label = `${element.label}\n= ${formatTensorTiny(node.value)}`;
    }
    if (input.colorizer) {
      const node = byId.get(representative);
      const tensor = input.colorMode === 'gradient' ? (backward ? gradient : node?.grad ?? null) : node?.value ?? null;
      const color = input.colorizer.color(magnitudeOf(tensor));
      if (color) {
        list.push('colored');
        fields.color = color;
        fields.textColor = input.colorizer.textColor(color);
      }
    }
    classes.set(element.id, list);
    if (Object.keys(fields).length > 0) data.set(element.id, fields);
  }

  const pendingElements = new Set(model.nodes.filter((n) => classes.get(n.id)!.includes('pending')).map((n) => n.id));
  for (const edge of model.edges) {
    const list: string[] = [];
    const fields: Record<string, string> = {};
    if (edge.cut) list.push('cut');
    if (edge.count > 1) fields.countLabel = `×${edge.count}`;
    if (pendingElements.has(edge.target) || pendingElements.has(edge.source)) list.push('pending');
    const step = backward?.step;
    if (step && edge.cut === null && model.elementOf.get(step.node) === edge.target) {
      const contribution = step.contributions.find((c) => model.elementOf.get(c.input) === edge.source && (edge.index < 0 || c.index === edge.index));
      if (contribution) {
        list.push('active');
        fields.gradLabel = formatTensorTiny(contribution.grad);
      }
    }
    classes.set(edge.id, list);
    if (Object.keys(fields).length > 0) data.set(edge.id, fields);
  }
  return { classes, data };
}
