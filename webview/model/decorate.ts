/**
 * What each drawn node looks like while the user steps through it: classes (kind, head, graph
 * breaks, non-finite values, gradient badges, selection, search matches, cut points) and data
 * (colour by gradient or value magnitude). Pure: the view applies the result (graphView.decorate).
 * What changes at every step is in marks.ts; edges are drawn from the model (cut, count).
 */
import type { ColorMode, Thresholds } from '../../protocol/messages';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { Tensor, Trace } from '../../protocol/trace';
import type { GraphModel } from './graph';
import { badges } from './colors';
import { sizeOf } from './tensor';

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
  /**
   * In the backward view, each node's gradient at the end of the selected pass (from
   * `passGradients`): colours and badges show where this pass leaves large, small or broken
   * gradients, and stay put while stepping. Otherwise null: the gradient the trace stored.
   */
  passGradients: ReadonlyMap<number, Tensor> | null;
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
  const { trace, model, passGradients } = input;
  const byId = indexTrace(trace).nodes;
  const classes = new Map<string, string[]>();
  const data = new Map<string, Record<string, string>>();

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

    // The latest member stands for a folded group.
    const representative = members[members.length - 1]!;
    const node = byId.get(representative);
    let gradient: Tensor | null = null;
    if (passGradients) {
      for (let i = members.length - 1; i >= 0 && !gradient; i--) gradient = passGradients.get(members[i]!) ?? null;
      if (gradient) for (const badge of badges(gradient.stats, input.thresholds, true, sizeOf(gradient.shape))) list.push(`badge-${badge}`);
    } else {
      gradient = node?.grad ?? null;
    }
    if (input.colorizer) {
      const tensor = input.colorMode === 'gradient' ? gradient : node?.value ?? null;
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

  return { classes, data };
}
