/**
 * The graph's Cytoscape stylesheet: selectors and classes only (kinds, heads, the current step,
 * cut edges…); per-node values come through data fields (`label`, `color`), never per-element
 * styles. Colours come from the theme (VS Code's --vscode-* variables, or the standalone page's).
 */

export interface GraphTheme {
  foreground: string;
  mutedForeground: string;
  background: string;
  nodeBackground: string;
  variableBackground: string;
  constantBackground: string;
  border: string;
  accent: string;
  highlight: string;
  error: string;
  warning: string;
  edge: string;
  fontFamily: string;
}

/** A stylesheet entry as Cytoscape takes it. */
export interface StyleRule {
  selector: string;
  style: Record<string, string | number>;
}

export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 44;

export function graphStylesheet(theme: GraphTheme): StyleRule[] {
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        'background-color': theme.nodeBackground,
        'border-width': 1,
        'border-color': theme.border,
        label: 'data(label)',
        color: theme.foreground,
        'font-family': theme.fontFamily,
        'font-size': 11,
        'text-wrap': 'wrap',
        'text-max-width': `${NODE_WIDTH - 12}px`,
        'text-valign': 'center',
        'text-halign': 'center',
        // Level of detail: labels vanish when they would be unreadable anyway.
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'node.variable', style: { 'background-color': theme.variableBackground, 'border-width': 2, 'border-color': theme.accent, shape: 'round-tag' } },
    { selector: 'node.constant', style: { 'background-color': theme.constantBackground, 'border-style': 'dashed', color: theme.mutedForeground, height: 32, shape: 'rectangle' } },
    { selector: 'node.group', style: { 'border-width': 4, 'border-style': 'double', 'border-color': theme.border } },
    { selector: 'node.head', style: { 'border-width': 3, 'border-color': theme.highlight } },
    { selector: 'node.colored', style: { 'background-color': 'data(color)', color: 'data(textColor)' } },
    { selector: 'node.broken', style: { 'border-color': theme.warning, 'border-style': 'dashed', 'border-width': 2 } },
    { selector: 'node.nonfinite', style: { 'border-color': theme.error, 'border-width': 3 } },
    { selector: 'node.badge-zero', style: { 'border-style': 'dotted' } },
    { selector: 'node.badge-vanishing', style: { 'border-color': theme.accent, 'border-style': 'dotted', 'border-width': 3 } },
    { selector: 'node.badge-exploding, node.badge-nan, node.badge-inf', style: { 'border-color': theme.error, 'border-width': 3 } },
    { selector: 'node.pending', style: { opacity: 0.35 } },
    { selector: 'node.current', style: { 'border-width': 4, 'border-color': theme.highlight, 'underlay-color': theme.highlight, 'underlay-opacity': 0.35, 'underlay-padding': 6 } },
    { selector: 'node.receiving', style: { 'border-width': 3, 'border-color': theme.highlight, 'border-style': 'solid' } },
    { selector: 'node.selected', style: { 'overlay-color': theme.accent, 'overlay-opacity': 0.18, 'overlay-padding': 6 } },
    { selector: 'node.match', style: { 'underlay-color': theme.accent, 'underlay-opacity': 0.45, 'underlay-padding': 8 } },
    { selector: 'node.cut-point', style: { 'underlay-color': theme.error, 'underlay-opacity': 0.4, 'underlay-padding': 8 } },
    { selector: ':parent', style: { 'background-opacity': 0.06, 'border-style': 'dotted', 'text-valign': 'top', 'text-halign': 'center', label: 'data(label)', color: theme.mutedForeground } },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': theme.edge,
        'target-arrow-color': theme.edge,
        'target-arrow-shape': 'triangle',
        'curve-style': 'bezier',
        'arrow-scale': 0.8,
        'font-family': theme.fontFamily,
        'font-size': 10,
        color: theme.foreground,
        'text-background-color': theme.background,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
      },
    },
    { selector: 'edge[countLabel]', style: { label: 'data(countLabel)' } },
    { selector: 'edge.cut', style: { 'line-style': 'dashed', 'line-color': theme.error, 'target-arrow-color': theme.error, 'target-arrow-shape': 'tee', width: 2 } },
    { selector: 'edge.pending', style: { opacity: 0.25 } },
    // The gradient of the current step flows from the node back to its inputs.
    {
      selector: 'edge.active',
      style: {
        width: 3.5,
        'line-color': theme.highlight,
        'target-arrow-shape': 'none',
        'source-arrow-shape': 'triangle',
        'source-arrow-color': theme.highlight,
        label: 'data(gradLabel)',
        'z-index': 10,
      },
    },
    { selector: 'edge.carried', style: { 'line-color': theme.highlight, opacity: 0.55 } },
  ];
}
