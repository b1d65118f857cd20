/**
 * The side bar beside the graph: the step panel (what this step computes), where the pass's
 * gradient shrinks most, the selected node's details, the pass's function plot, how the run ended
 * (when it did not end well), and the anomalies and graph breaks. Each panel is guarded: one that fails says so in its place.
 */
import { endedWell } from '../../protocol/query/outcome';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { BackwardPass, Trace } from '../../protocol/trace';
import { elementIndex, foldKey, type GraphModel } from '../model/graph';
import type { Frame } from '../model/marks';
import { functionPlot } from '../model/plots';
import type { DetailsActions } from './detailsPanel';
import { detailsPanel } from './detailsPanel';
import { el } from './dom';
import { dropPanel } from './dropPanel';
import { guardedPanel } from './guard';
import { issuesPanel } from './issuesPanel';
import { plotPanel } from './plotPanel';
import { runPanel } from './runPanel';
import { backwardStepPanel, forwardStepPanel, type PanelActions } from './stepPanel';

/** What the panels link to; `refold` is made here, for the group the selected node opened. */
export interface SideActions extends Omit<DetailsActions, 'refold'> {
  refold(key: string): void;
}

/** The graph part of the side bar; null when no graph is shown. */
export interface SideGraph {
  model: GraphModel;
  pass: BackwardPass | null;
  frame: Frame | null;
  folded: boolean;
  expanded: readonly string[];
  selectedNode: number | null;
}

export function stepPanel(trace: Trace, graph: SideGraph, actions: PanelActions): HTMLElement {
  const { frame, pass } = graph;
  const panel = guardedPanel('Step', () => (frame?.kind === 'backward' && pass ? backwardStepPanel(trace, pass, frame.frame, actions)
    : frame?.kind === 'forward' ? forwardStepPanel(trace, frame.frame, actions)
      : el('section', { hidden: '' })))!;
  panel.classList.add('step-panel');
  return panel;
}

export function sidePanels(trace: Trace, graph: SideGraph | null, actions: SideActions): HTMLElement[] {
  const panels: (HTMLElement | null)[] = [];
  if (graph) {
    panels.push(stepPanel(trace, graph, actions));
    const { model, selectedNode: selected } = graph;
    if (graph.pass && graph.frame?.kind === 'backward') {
      const pass = graph.pass;
      panels.push(guardedPanel('Where the gradient shrinks most', () => dropPanel(trace, pass, selected, actions)));
    }
    const element = selected !== null ? elementIndex(model).nodes.get(model.elementOf.get(selected) ?? '') : undefined;
    const selectedIds = element ? element.members.slice(0, element.members.indexOf(selected!) + 1) : selected !== null ? [selected] : [];
    // A node of an opened group can fold it again.
    const selectedTrace = selected !== null ? indexTrace(trace).node(selected) : undefined;
    const openedKey = selectedTrace && graph.folded ? foldKey(selectedTrace) : null;
    const refold = openedKey && graph.expanded.includes(openedKey)
      ? { label: `fold line ${selectedTrace!.source?.line ?? '?'} again`, run: () => actions.refold(openedKey) }
      : undefined;
    const { refold: _refold, ...details } = actions;
    panels.push(guardedPanel('Node', () => detailsPanel(trace, selectedIds, { ...details, ...(refold ? { refold } : {}) })));
    panels.push(guardedPanel('Plot', () => {
      const plot = graph.pass ? functionPlot(trace, graph.pass) : null;
      return plot ? plotPanel(plot) : null;
    }));
  }
  // How the run ended, when it did not end well: the graph may be all there is of it.
  if (!endedWell(trace.run)) panels.push(guardedPanel('Run', () => runPanel(trace.run, actions)));
  panels.push(guardedPanel('Anomalies and graph breaks', () => issuesPanel(trace, actions)));
  return panels.filter((p): p is HTMLElement => p !== null);
}
