/**
 * Colouring nodes by the magnitude of their gradient (or value): the viridis colormap, a log10
 * scale with its legend, legible label colours, and the badges that flag NaN, infinities, all-zero
 * tensors and vanishing or exploding gradients. Pure: no DOM.
 */
import type { Thresholds } from '../../protocol/messages';
import type { TensorStats } from '../../protocol/trace';

/**
 * Viridis (matplotlib's default colormap, perceptually uniform) at t = k/17 for k = 0…17: entries
 * 0, 15, 30, …, 255 of its 256-colour table. Linear interpolation between them stays within 5/255
 * of the full table.
 */
const VIRIDIS = [
  0x440154, 0x481769, 0x472a7a, 0x433d84, 0x3d4e8a, 0x355e8d, 0x2e6d8e, 0x297b8e, 0x23898e,
  0x1f978b, 0x21a585, 0x2eb37c, 0x46c06f, 0x65cb5e, 0x89d548, 0xb0dd2f, 0xd8e219, 0xfde725,
];

/** The colour of an exact zero: grey, outside viridis, since 0 has no place on a log scale. */
export const ZERO_COLOR = '#9e9e9e';

type Rgb = [number, number, number];

const channels = (packed: number): Rgb => [(packed >> 16) & 0xff, (packed >> 8) & 0xff, packed & 0xff];

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** '#rrggbb' or '#rgb' to channels; null for anything else. */
function parseHex(color: string): Rgb | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!match) return null;
  const hex = match[1]!.length === 3 ? match[1]!.replace(/./g, (c) => c + c) : match[1]!;
  return channels(parseInt(hex, 16));
}

/** Viridis at t in [0, 1] (clamped; NaN reads as 0) as '#rrggbb': dark purple at 0, yellow at 1. */
export function viridis(t: number): string {
  const clamped = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  const scaled = clamped * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(scaled));
  const f = scaled - k;
  const a = channels(VIRIDIS[k]!);
  const b = channels(VIRIDIS[k + 1]!);
  return toHex([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
}

/** WCAG relative luminance of a '#rrggbb' colour (0 black … 1 white). */
export function luminance(color: string): number {
  const rgb = parseHex(color) ?? [255, 255, 255];
  const linear = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * linear[0]! + 0.7152 * linear[1]! + 0.0722 * linear[2]!;
}

/** WCAG contrast ratio of two '#rrggbb' colours: 1 (the same) … 21 (black on white); text wants 4.5. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The label colour with the higher WCAG contrast on `color` ('#rrggbb' or '#rgb'); black for a
 * colour it cannot read.
 */
export function contrastText(color: string): '#000000' | '#ffffff' {
  const l = luminance(color);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

export interface LegendEntry {
  color: string;
  label: string;
}

export interface MagnitudeScale {
  /** log10 of the smallest and largest positive magnitude (both 0 when there is none). */
  min: number;
  max: number;
  /** The colour of a magnitude: null when missing (null, NaN), ZERO_COLOR for exactly 0. */
  color(value: number | null): string | null;
  /** Evenly spaced (in log10) colours from min to max, labelled '1e-3' … '1e+0'; '0' first when zeros were seen. */
  legend(stops?: number): LegendEntry[];
}

/** The shortest exponential labels (1e-3, then 3.2e-3, …) that tell all the values apart. */
function exponentLabels(values: readonly number[]): string[] {
  for (let digits = 0; digits < 3; digits++) {
    const labels = values.map((v) => v.toExponential(digits));
    if (new Set(labels).size === labels.length) return labels;
  }
  return values.map((v) => v.toExponential(3));
}

/**
 * A log10 colour scale over the magnitudes (absolute values) of the finite non-zero `values`:
 * the smallest maps to viridis(0), the largest to viridis(1), others in between by log10, values
 * beyond the range are clamped (±Infinity to the top). When all magnitudes are equal they all get
 * the middle colour. Zeros get ZERO_COLOR and nulls no colour.
 */
/**
 * How many colours the magnitude scale has: about as many as the eye tells apart on it, and nodes
 * of one colour are one fill on the node layer (view/nodeLayer.ts: a thousand distinct colours
 * would be a thousand fills a frame).
 */
export const COLOR_STEPS = 64;

/** A position on the scale (0…1) rounded to one of COLOR_STEPS steps. */
export function quantize(position: number): number {
  return Math.round(position * (COLOR_STEPS - 1)) / (COLOR_STEPS - 1);
}

export function magnitudeScale(values: readonly (number | null)[]): MagnitudeScale {
  let lo = Infinity;
  let hi = -Infinity;
  let sawZero = false;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) continue;
    if (value === 0) { sawZero = true; continue; }
    const log = Math.log10(Math.abs(value));
    lo = Math.min(lo, log);
    hi = Math.max(hi, log);
  }
  const empty = lo > hi;
  const min = empty ? 0 : lo;
  const max = empty ? 0 : hi;
  const position = (log: number) => (max > min ? quantize((log - min) / (max - min)) : 0.5);

  const color = (value: number | null): string | null => {
    if (value === null || Number.isNaN(value)) return null;
    if (value === 0) return ZERO_COLOR;
    return viridis(position(Math.log10(Math.abs(value))));
  };
  const legend = (stops = 5): LegendEntry[] => {
    const zero = sawZero ? [{ color: ZERO_COLOR, label: '0' }] : [];
    if (empty) return zero;
    const count = max > min ? Math.max(2, Math.floor(stops)) : 1;
    const logs = Array.from({ length: count }, (_, k) => (count === 1 ? min : min + ((max - min) * k) / (count - 1)));
    const labels = exponentLabels(logs.map((log) => 10 ** log));
    return [...zero, ...logs.map((log, k) => ({ color: viridis(position(log)), label: labels[k]! }))];
  };
  return { min, max, color, legend };
}

export type Badge = 'nan' | 'inf' | 'zero' | 'vanishing' | 'exploding';

/**
 * The warning badges of a tensor from its stats: 'nan' and 'inf' when it holds any; 'zero' when
 * all `size` elements are exactly 0; for gradients, 'vanishing' when its L2 norm is positive but
 * below `thresholds.vanishing`; 'exploding' when the L2 norm exceeds `thresholds.exploding`.
 */
export function badges(stats: TensorStats | undefined, thresholds: Thresholds, isGradient: boolean, size: number): Badge[] {
  if (!stats) return [];
  const out: Badge[] = [];
  if (stats.nan > 0) out.push('nan');
  if (stats.inf > 0) out.push('inf');
  if (size > 0 && stats.zeros === size) out.push('zero');
  const l2 = stats.l2;
  if (isGradient && l2 !== null && l2 > 0 && l2 < thresholds.vanishing) out.push('vanishing');
  if (l2 !== null && l2 > thresholds.exploding) out.push('exploding');
  return out;
}
