/**
 * The graph's Cytoscape stylesheet for its nodes: selectors and classes only (kinds, heads,
 * badges, breaks…); per-node values come through data fields (`label`, `color`), never
 * per-element styles. What changes at every step is not here: the step layer draws it (view/stepLayer.ts).
 * Colours come from the theme (VS Code's --vscode-* variables, or the standalone page's).
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
  /** The mark of the node the keyboard is on. */
  focus: string;
  fontFamily: string;
  /** How much of the background covers what the step has not reached (0…1; less in high contrast, where labels keep 4.5:1). */
  veil: number;
}

/** The colours of a theme, each read from a --gl-* variable of styles.css, with the value used when the page has none. */
export const THEME_COLORS: Readonly<Record<Exclude<keyof GraphTheme, 'fontFamily' | 'veil'>, readonly [variable: string, fallback: string]>> = {
  foreground: ['--gl-fg', '#1f1f1f'],
  mutedForeground: ['--gl-muted', '#6b6b6b'],
  background: ['--gl-bg', '#ffffff'],
  nodeBackground: ['--gl-node-bg', '#f3f3f3'],
  variableBackground: ['--gl-variable-bg', '#e8f0fe'],
  constantBackground: ['--gl-constant-bg', '#fafafa'],
  border: ['--gl-node-border', '#8a8a8a'],
  accent: ['--gl-accent', '#0078d4'],
  highlight: ['--gl-step', '#c2620a'],
  error: ['--gl-error', '#d13438'],
  warning: ['--gl-warning', '#b8860b'],
  edge: ['--gl-edge', '#9a9a9a'],
  focus: ['--gl-focus', '#0067b8'],
};

/** The veil's opacity when the page sets none (--gl-veil). */
export const DEFAULT_VEIL = 0.65;

/** A stylesheet entry as Cytoscape takes it. */
export interface StyleRule {
  selector: string;
  style: Record<string, string | number>;
}

export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 44;
export const CONSTANT_HEIGHT = 32;

/**
 * Level of detail. Cytoscape's cost grows with elements × style properties, so every node gets
 * only what is visible from afar — its shape, size and fill — and the nodes near the viewport, at a
 * zoom where more could be seen, get the `detail` class: borders and labels (graphView.ts keeps
 * that class on what is in view). Rare classes (heads, breaks, badges, selection…) apply at any
 * zoom: they are what to find from afar. Edges are not Cytoscape elements (view/edgeLayer.ts).
 */
export const DETAIL_MIN_ZOOM = 0.25;

export function graphStylesheet(theme: GraphTheme): StyleRule[] {
  return [
    { selector: 'node', style: { shape: 'round-rectangle', width: NODE_WIDTH, height: NODE_HEIGHT, 'background-color': theme.nodeBackground } },
    { selector: 'node.variable', style: { 'background-color': theme.variableBackground, shape: 'round-tag' } },
    { selector: 'node.constant', style: { 'background-color': theme.constantBackground, height: CONSTANT_HEIGHT, shape: 'rectangle' } },
    { selector: 'node.colored', style: { 'background-color': 'data(color)' } },
    {
      selector: 'node.detail',
      style: {
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
        // Labels vanish when they would be unreadable anyway.
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'node.variable.detail', style: { 'border-width': 2, 'border-color': theme.accent } },
    { selector: 'node.constant.detail', style: { 'border-style': 'dashed', color: theme.mutedForeground } },
    { selector: 'node.colored.detail', style: { color: 'data(textColor)' } },
    { selector: 'node.group', style: { 'border-width': 4, 'border-style': 'double', 'border-color': theme.border } },
    { selector: 'node.head', style: { 'border-width': 3, 'border-color': theme.highlight } },
    { selector: 'node.broken', style: { 'border-color': theme.warning, 'border-style': 'dashed', 'border-width': 2 } },
    { selector: 'node.nonfinite', style: { 'border-color': theme.error, 'border-width': 3 } },
    { selector: 'node.badge-zero', style: { 'border-style': 'dotted', 'border-width': 2, 'border-color': theme.border } },
    { selector: 'node.badge-vanishing', style: { 'border-color': theme.accent, 'border-style': 'dotted', 'border-width': 3 } },
    { selector: 'node.badge-exploding, node.badge-nan, node.badge-inf', style: { 'border-color': theme.error, 'border-width': 3 } },
    { selector: 'node.selected', style: { 'overlay-color': theme.accent, 'overlay-opacity': 0.18, 'overlay-padding': 6 } },
    { selector: 'node.match', style: { 'underlay-color': theme.accent, 'underlay-opacity': 0.45, 'underlay-padding': 8 } },
    { selector: 'node.cut-point', style: { 'underlay-color': theme.error, 'underlay-opacity': 0.4, 'underlay-padding': 8 } },
    // The keyboard's node: a double ring outside the node, clear of the borders that carry meaning and of the step's ring.
    { selector: 'node.keyboard-focus', style: { 'outline-width': 6, 'outline-style': 'double', 'outline-color': theme.focus, 'outline-offset': 5, 'outline-opacity': 1 } },
    { selector: ':parent', style: { 'background-opacity': 0.06, 'border-width': 1, 'border-color': theme.border, 'border-style': 'dotted', 'text-valign': 'top', 'text-halign': 'center', label: 'data(label)', color: theme.mutedForeground, 'font-family': theme.fontFamily, 'font-size': 11 } },
  ];
}
