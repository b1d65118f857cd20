/**
 * The graph's colours from the page's theme: the --gl-* variables of styles.css, which follow
 * VS Code's --vscode-* variables (light, dark, high contrast) or the standalone page's own. Each is
 * resolved by the browser to rgb(…) — whatever form the theme wrote it in (hex, rgba, color-mix) —
 * because the canvas layers take plain colours. A theme switch in VS Code (classes on
 * <body>, variables on <html>) is reported so the graph can be redrawn.
 */
import { DEFAULT_VEIL, THEME_COLORS, type GraphTheme } from '../model/style';

export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/**
 * The theme's colours as rgb(…)/rgba(…): each computed by the browser on a probe element of its
 * own — all probes styled in one go, so the page's style is computed once, not once a colour —
 * then forms like color(srgb …) turned into bytes by a 1×1 canvas.
 */
export function readTheme(): GraphTheme {
  const entries = Object.entries(THEME_COLORS);
  const holder = document.createElement('div');
  holder.style.display = 'none';
  const probes = entries.map(([, [name, fallback]]) => {
    const probe = document.createElement('span');
    probe.style.color = fallback;
    probe.style.color = `var(${name}, ${fallback})`; // ignored if the page's value is no colour: the fallback stays
    holder.append(probe);
    return probe;
  });
  document.body.append(holder);
  try {
    let pixel: CanvasRenderingContext2D | null | undefined;
    const colors = Object.fromEntries(entries.map(([key, [, fallback]], i) => {
      const computed = getComputedStyle(probes[i]!).color || fallback;
      if (/^rgba?\(/.test(computed)) return [key, computed];
      pixel ??= onePixel();
      return [key, pixel ? bytesOf(pixel, computed) : computed];
    })) as Record<keyof typeof THEME_COLORS, string>;
    const veil = Number.parseFloat(cssVar('--gl-veil', String(DEFAULT_VEIL)));
    return { ...colors, fontFamily: cssVar('--gl-font', 'system-ui, sans-serif'), veil: Number.isFinite(veil) ? Math.min(1, Math.max(0, veil)) : DEFAULT_VEIL };
  } finally {
    holder.remove();
  }
}

function onePixel(): CanvasRenderingContext2D | null {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  return canvas.getContext('2d', { willReadFrequently: true });
}

function bytesOf(pixel: CanvasRenderingContext2D, color: string): string {
  pixel.clearRect(0, 0, 1, 1);
  pixel.fillStyle = color;
  pixel.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = pixel.getImageData(0, 0, 1, 1).data;
  return a === 255 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${((a ?? 255) / 255).toFixed(3)})`;
}

/** Calls `onChange` when the theme may have changed; returns a function that stops watching. */
export function watchTheme(onChange: () => void): () => void {
  let scheduled = false;
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => { scheduled = false; onChange(); }); // onChange is the app's, guarded there
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  const media = window.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener('change', onChange);
  return () => { observer.disconnect(); media?.removeEventListener('change', onChange); };
}
