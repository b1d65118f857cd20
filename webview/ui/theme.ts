/**
 * The graph's colours from the page's theme: the --gl-* variables of styles.css, which follow
 * VS Code's --vscode-* variables (light, dark, high contrast) or the standalone page's own. Each is
 * resolved by the browser to rgb(…) — whatever form the theme wrote it in (hex, rgba, color-mix) —
 * because the canvas layers and Cytoscape take plain colours. A theme switch in VS Code (classes on
 * <body>, variables on <html>) is reported so the graph can be redrawn.
 */
import { DEFAULT_VEIL, THEME_COLORS, type GraphTheme } from '../model/style';

export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/**
 * A CSS colour (any syntax, variables included) as rgb(…)/rgba(…): the browser computes it on a
 * probe element, then a 1×1 canvas turns forms like color(srgb …) into bytes.
 */
function resolveColor(probe: HTMLElement, pixel: CanvasRenderingContext2D | null, value: string, fallback: string): string {
  probe.style.color = fallback;
  probe.style.color = value;
  const computed = getComputedStyle(probe).color || fallback;
  if (/^rgba?\(/.test(computed) || !pixel) return computed;
  pixel.clearRect(0, 0, 1, 1);
  pixel.fillStyle = computed;
  pixel.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = pixel.getImageData(0, 0, 1, 1).data;
  return a === 255 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${((a ?? 255) / 255).toFixed(3)})`;
}

export function readTheme(): GraphTheme {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.append(probe);
  try {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const pixel = canvas.getContext('2d', { willReadFrequently: true });
    const colors = Object.fromEntries(Object.entries(THEME_COLORS).map(([key, [name, fallback]]) =>
      [key, resolveColor(probe, pixel, `var(${name}, ${fallback})`, fallback)])) as Record<keyof typeof THEME_COLORS, string>;
    const veil = Number.parseFloat(cssVar('--gl-veil', String(DEFAULT_VEIL)));
    return { ...colors, fontFamily: cssVar('--gl-font', 'system-ui, sans-serif'), veil: Number.isFinite(veil) ? Math.min(1, Math.max(0, veil)) : DEFAULT_VEIL };
  } finally {
    probe.remove();
  }
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
