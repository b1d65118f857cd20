// What the Training view's browser tests share (training.test.ts, training-d2l.test.ts): waiting
// for the view, the selection, a pass's place on a curve, and a canvas's pixels.
import type { Page } from 'playwright-core';

/** Waits until the Training view has drawn its heatmap. */
export async function trainingShown(page: Page): Promise<void> {
  await page.locator('.training canvas.heatmap-canvas').waitFor({ timeout: 20_000 });
}

export const selection = (page: Page) => page.evaluate(() => (globalThis as any).gradlens.app.state.selection);

/** The page position of pass number `n` on a curve chart (uPlot's x scale runs from the first pass number to the last). */
export async function pointOf(page: Page, chart: number, n: number, first: number, last: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('.training .run-chart .u-over').nth(chart).boundingBox())!;
  return { x: box.x + ((n - first) / (last - first)) * box.width, y: box.y + box.height / 2 };
}

/** Opaque pixels of a canvas, and how many of them are of `color` (rgb(…), within a few levels). */
export async function pixels(page: Page, selector: string, color: string | null): Promise<{ opaque: number; matching: number; colors: number }> {
  return page.evaluate(([sel, wanted]) => {
    const canvas = (globalThis as any).document.querySelector(sel);
    const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const target = wanted ? (wanted.match(/\d+/g) ?? []).map(Number) : null;
    let opaque = 0;
    let matching = 0;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! < 250) continue;
      opaque++;
      seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      if (target && Math.abs(data[i]! - target[0]!) + Math.abs(data[i + 1]! - target[1]!) + Math.abs(data[i + 2]! - target[2]!) < 10) matching++;
    }
    return { opaque, matching, colors: seen.size };
  }, [selector, color] as const);
}

