/**
 * The side bar's "where the gradient shrinks most" for the open backward pass: on the way to the
 * selected variable (or anywhere in the pass), the op whose gradient to an input is smallest
 * against what reached it, with the why (gradientDrop.ts), or the ops it fades through. A link
 * selects that op. No panel when nothing shrinks it to a tenth.
 */
import type { BackwardPass, NodeId, Trace } from '../../protocol/trace';
import { dropPredicate, dropSubject, fadePredicate, fadeSubject, gradientFade, largestDrop, nodeWord } from '../../protocol/query/gradientDrop';
import { el, link, section } from './dom';
import type { PanelActions } from './stepPanel';

export function dropPanel(trace: Trace, pass: BackwardPass, selected: NodeId | null, actions: PanelActions): HTMLElement | null {
  if (pass.steps.length === 0) return null;
  const variable = selected !== null && pass.leafGrads.some((leaf) => leaf.node === selected) ? selected : undefined;
  const name = nodeWord(trace);
  const drop = largestDrop(trace, pass, variable);
  const title = 'Where the gradient shrinks most';
  const opening = variable !== undefined ? `On its way to ${name(variable)}` : 'In this pass';
  if (drop) {
    return section(title,
      el('p', {}, `${opening}, at `, link(dropSubject(trace, drop), 'select this op', () => actions.select(drop.node)), `, which ${dropPredicate(trace, drop, name)}`),
      el('p', { class: 'muted' }, variable !== undefined ? 'Along the path from the head to this variable.' : 'Select a variable for the path to it.'));
  }
  const fade = gradientFade(trace, pass, variable);
  if (fade) {
    return section(title,
      el('p', {}, `${opening}, it fades through `, link(fadeSubject(fade), 'select the one nearest the variable', () => actions.select(fade.nearest)), `: ${fadePredicate(fade)}`));
  }
  // Nothing shrinks it much: no panel (a small graph has nothing to say here).
  return null;
}
