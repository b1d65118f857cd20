/**
 * The inspector's icons: the codicons it names, as SVG paths the build takes from @vscode/codicons
 * (scripts/build-webview.mjs), drawn in the text's colour. Eleven paths instead of the codicon font
 * (125 KB of base64 in the stylesheet and 500 rules, parsed before the first frame).
 */
import paths from '@vscode/codicons/dist/codicon.svg?icons=arrow-left,arrow-right,close,debug-pause,debug-step-back,debug-step-over,play,screen-full,table,zoom-in,zoom-out';

export type IconName = 'arrow-left' | 'arrow-right' | 'close' | 'debug-pause' | 'debug-step-back' | 'debug-step-over' | 'play' | 'screen-full' | 'table' | 'zoom-in' | 'zoom-out';

const SVG = 'http://www.w3.org/2000/svg';

/** A 16 × 16 icon, hidden from assistive technology (its control says what it does). */
export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('fill', 'currentColor');
  svg.setAttribute('aria-hidden', 'true');
  svg.dataset.icon = name;
  setIcon(svg, name);
  return svg;
}

/** Draws another icon in `svg` (the play button becomes pause). */
export function setIcon(svg: SVGSVGElement, name: IconName): void {
  svg.dataset.icon = name;
  svg.replaceChildren(...(paths[name] ?? []).map((d) => {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    return path;
  }));
}
