/**
 * How the graph's nodes look: rules over classes only (kinds, heads, badges, breaks…), applied in
 * order like a stylesheet; per-node values come through data fields (`color`, `textColor`), never
 * per-node styles. What changes at every step is not here: the step layer draws it (view/stepLayer.ts).
 * Colours come from the theme (VS Code's --vscode-* variables, or the standalone page's). Pure.
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

export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 44;
export const CONSTANT_HEIGHT = 32;
/** Node labels: their size in model units, where they wrap, and the zoom below which they are not drawn (7 px on screen). */
export const LABEL_FONT_SIZE = 11;
export const LABEL_MAX_WIDTH = NODE_WIDTH - 12;
export const LABEL_MIN_ZOOM = 7 / LABEL_FONT_SIZE;
/** How far a function's box reaches around its nodes' boxes: 10, and the half of a thick border (a head's) that lies outside them. */
export const PARENT_PADDING = 11.5;

/**
 * Level of detail. Every node gets only what is visible from afar — its shape, size and fill —
 * and, at a zoom where more could be seen (this one on), borders and labels: the `detail` rules.
 * Rare classes (heads, breaks, badges, selection…) apply at any zoom: they are what to find from
 * afar. Edges are drawn by view/edgeLayer.ts, what changes at a step by view/stepLayer.ts.
 */
export const DETAIL_MIN_ZOOM = 0.25;

export type NodeShape = 'round-rectangle' | 'round-tag' | 'rectangle';
export type LineStyle = 'solid' | 'dashed' | 'dotted' | 'double';

/** A ring around a node: a border on its outline, an outline outside it. */
export interface Ring { width: number; color: string; style: LineStyle }
/** A translucent box over (overlay) or under (underlay) a node, `padding` beyond it. */
export interface Halo { color: string; opacity: number; padding: number }

/** How one node is drawn (view/nodeLayer.ts), resolved from its classes by `nodeLook`. */
export interface NodeLook {
  shape: NodeShape;
  height: number;
  fill: string;
  border: Ring | null;
  /** The label's colour; null: no label. */
  text: string | null;
  overlay: Halo | null;
  underlay: Halo | null;
  outline: (Ring & { offset: number }) | null;
}

interface Resolving {
  shape: NodeShape;
  height: number;
  fill: string;
  borderWidth: number;
  borderColor: string;
  borderStyle: LineStyle;
  text: string | null;
  overlay: Halo | null;
  underlay: Halo | null;
  outline: (Ring & { offset: number }) | null;
}

/** A node's data fields that its look reads (decorate.ts: the magnitude colour and the text colour on it). */
export interface LookData { color?: string; textColor?: string }

/**
 * The node rules, in order: a rule applies to a node that has all its classes (`detail` among
 * them when the level of detail gives it), and later rules win — a stylesheet's cascade.
 */
type NodeRule = readonly [classes: readonly string[], set: (theme: GraphTheme, data: LookData) => Partial<Resolving>];
const NODE_RULES: readonly NodeRule[] = [
  [['variable'], (t) => ({ fill: t.variableBackground, shape: 'round-tag' })],
  [['constant'], (t) => ({ fill: t.constantBackground, height: CONSTANT_HEIGHT, shape: 'rectangle' })],
  [['colored'], (_, d) => (d.color ? { fill: d.color } : {})],
  [['detail'], (t) => ({ borderWidth: 1, borderColor: t.border, text: t.foreground })],
  [['variable', 'detail'], (t) => ({ borderWidth: 2, borderColor: t.accent })],
  [['constant', 'detail'], (t) => ({ borderStyle: 'dashed', text: t.mutedForeground })],
  [['colored', 'detail'], (_, d) => (d.textColor ? { text: d.textColor } : {})],
  [['group'], (t) => ({ borderWidth: 4, borderStyle: 'double', borderColor: t.border })],
  [['head'], (t) => ({ borderWidth: 3, borderColor: t.highlight })],
  [['broken'], (t) => ({ borderColor: t.warning, borderStyle: 'dashed', borderWidth: 2 })],
  [['nonfinite'], (t) => ({ borderColor: t.error, borderWidth: 3 })],
  [['badge-zero'], (t) => ({ borderStyle: 'dotted', borderWidth: 2, borderColor: t.border })],
  [['badge-vanishing'], (t) => ({ borderColor: t.accent, borderStyle: 'dotted', borderWidth: 3 })],
  [['badge-exploding'], (t) => ({ borderColor: t.error, borderWidth: 3 })],
  [['badge-nan'], (t) => ({ borderColor: t.error, borderWidth: 3 })],
  [['badge-inf'], (t) => ({ borderColor: t.error, borderWidth: 3 })],
  [['selected'], (t) => ({ overlay: { color: t.accent, opacity: 0.18, padding: 6 } })],
  [['match'], (t) => ({ underlay: { color: t.accent, opacity: 0.45, padding: 8 } })],
  [['cut-point'], (t) => ({ underlay: { color: t.error, opacity: 0.4, padding: 8 } })],
  // The keyboard's node: a double ring outside the node, clear of the borders that carry meaning and of the step's ring.
  [['keyboard-focus'], (t) => ({ outline: { width: 6, style: 'double', color: t.focus, offset: 5 } })],
];

/** How a node with these classes (and `detail` if the level of detail gives it) and data is drawn. */
export function nodeLook(classes: readonly string[], data: LookData | undefined, detail: boolean, theme: GraphTheme): NodeLook {
  const has = (c: string) => (c === 'detail' ? detail : classes.includes(c));
  let look: Resolving = {
    shape: 'round-rectangle', height: NODE_HEIGHT, fill: theme.nodeBackground, borderWidth: 0, borderColor: theme.border, borderStyle: 'solid',
    text: null, overlay: null, underlay: null, outline: null,
  };
  for (const [when, set] of NODE_RULES) if (when.every(has)) look = { ...look, ...set(theme, data ?? {}) };
  const { borderWidth, borderColor, borderStyle, ...rest } = look;
  return { ...rest, border: borderWidth > 0 ? { width: borderWidth, color: borderColor, style: borderStyle } : null };
}

/** How a function's box is drawn (grouping by function): a faint fill, a dotted border, its name above it. */
export function parentLook(theme: GraphTheme): { fill: string; fillOpacity: number; border: Ring; text: string } {
  return { fill: theme.nodeBackground, fillOpacity: 0.06, border: { width: 1, color: theme.border, style: 'dotted' }, text: theme.mutedForeground };
}
