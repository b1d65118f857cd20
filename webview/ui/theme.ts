/**
 * The graph's colours from the page's theme: the --gl-* variables of styles.css, which follow
 * VS Code's --vscode-* variables (light, dark, high contrast) or the standalone page's own. Each is
 * resolved by the browser to rgb(…) — whatever form the theme wrote it in (hex, rgba, color-mix) —
 * because the canvas layers and Cytoscape take plain colours. A theme switch in VS Code (classes on
 * <body>, variables on <html>) is reported so the graph can be redrawn.
 */
import type { GraphTheme } from '../model/style';

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
    const color = (name: string, fallback: string) => resolveColor(probe, pixel, `var(${name}, ${fallback})`, fallback);
    return {
      foreground: color('--gl-fg', '#1f1f1f'),
      mutedForeground: color('--gl-muted', '#6b6b6b'),
      background: color('--gl-bg', '#ffffff'),
      nodeBackground: color('--gl-node-bg', '#f3f3f3'),
      variableBackground: color('--gl-variable-bg', '#e8f0fe'),
      constantBackground: color('--gl-constant-bg', '#fafafa'),
      border: color('--gl-node-border', '#8a8a8a'),
      accent: color('--gl-accent', '#0078d4'),
      highlight: color('--gl-step', '#c2620a'),
      error: color('--gl-error', '#d13438'),
      warning: color('--gl-warning', '#b8860b'),
      edge: color('--gl-edge', '#9a9a9a'),
      fontFamily: cssVar('--gl-font', 'system-ui, sans-serif'),
    };
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
