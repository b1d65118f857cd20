// The inspector's two scripts (scripts/build-webview.mjs, webview/lazy.ts), read from the build's
// source maps: the first frame's script holds nothing of what comes after it (the side bar's
// panels, the Training view, charts, exports, the minimap, the toolkit's components), the second
// carries no copy of a module of the first (they are taken from it at run time), and the
// stylesheet no icon font. The build runs before the suites (npm test).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { distDir } from '../trace-helpers';

const sources = (file: string): string[] => (JSON.parse(readFileSync(join(distDir, `${file}.map`), 'utf8')) as { sources: string[] }).sources;

/** What waits for the first frame: modules of ours and packages. */
const AFTER_FIRST_FRAME = [
  'webview/ui/sidePanels.ts', 'webview/ui/stepPanel.ts', 'webview/ui/detailsPanel.ts', 'webview/ui/dropPanel.ts', 'webview/ui/tensorView.ts',
  'webview/ui/plotPanel.ts', 'webview/ui/charts.ts', 'webview/model/plots.ts', 'protocol/query/gradcheck.ts',
  'webview/ui/trainingScreen.ts', 'webview/ui/heatmap.ts', 'webview/ui/flowChart.ts', 'webview/ui/summarisedScreen.ts',
  'webview/ui/exportGraph.ts', 'webview/model/export.ts', 'webview/ui/minimap.ts', 'webview/ui/toolkitComponents.ts',
  'node_modules/uplot/', 'node_modules/@microsoft/fast-element/', 'node_modules/@microsoft/fast-foundation/', 'node_modules/@vscode/webview-ui-toolkit/',
];

suite('the inspector\'s scripts', () => {
  const first = sources('webview.js');
  const later = sources('webview-later.js');

  test('the first frame\'s script holds nothing of what comes after it; the second holds all of that', () => {
    for (const module of AFTER_FIRST_FRAME) {
      assert.ok(!first.some((source) => source.includes(module)), `dist/webview.js holds ${module}`);
      assert.ok(later.some((source) => source.includes(module)), `dist/webview-later.js does not hold ${module}`);
    }
    assert.ok(first.some((source) => source.endsWith('webview/view/nodeLayer.ts')), 'the graph\'s nodes are drawn in the first frame');
    assert.ok(![...first, ...later].some((source) => source.includes('node_modules/cytoscape/')), 'by our canvases: no Cytoscape in either script');
  });

  test('the second script has no copy of a module of the first: it reads them from the first at run time', () => {
    const both = later.filter((source) => first.includes(source));
    assert.deepEqual(both, []);
    assert.ok(later.some((source) => source.startsWith('first-script:')), 'modules of the first script, taken from it');
  });

  test('one stylesheet, the first script\'s, with no icon font (the icons are SVG paths)', () => {
    assert.equal(existsSync(join(distDir, 'webview-later.css')), false);
    const css = readFileSync(join(distDir, 'webview.css'), 'utf8');
    assert.doesNotMatch(css, /@font-face|codicon|data:font/);
    assert.ok(statSync(join(distDir, 'webview.css')).size < 40_000, `dist/webview.css is ${statSync(join(distDir, 'webview.css')).size} bytes`);
  });
});
