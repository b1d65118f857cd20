// How nodes look (webview/model/style.ts nodeLook: rules over classes, later ones winning) and how
// their labels wrap (webview/view/labelWrap.ts): what the node layer draws, checked without a canvas.
import { strict as assert } from 'node:assert';
import { CONSTANT_HEIGHT, NODE_HEIGHT, nodeLook, THEME_COLORS, type GraphTheme } from '../../webview/model/style';
import { wrapLabel } from '../../webview/view/labelWrap';

const theme = { ...Object.fromEntries(Object.entries(THEME_COLORS).map(([key, [, fallback]]) => [key, fallback])), fontFamily: 'sans-serif', veil: 0.65 } as GraphTheme;

suite('inspector: how a node looks', () => {
  test('from afar, shape, size and fill only; in detail, its border and label', () => {
    assert.deepEqual(nodeLook(['op'], undefined, false, theme), {
      shape: 'round-rectangle', height: NODE_HEIGHT, fill: theme.nodeBackground, border: null, text: null, overlay: null, underlay: null, outline: null,
    });
    const near = nodeLook(['op'], undefined, true, theme);
    assert.deepEqual(near.border, { width: 1, color: theme.border, style: 'solid' });
    assert.equal(near.text, theme.foreground);
  });

  test('each kind its shape, fill and border; a constant is lower, dashed, its label muted', () => {
    const variable = nodeLook(['variable'], undefined, true, theme);
    assert.deepEqual([variable.shape, variable.fill, variable.border], ['round-tag', theme.variableBackground, { width: 2, color: theme.accent, style: 'solid' }]);
    const constant = nodeLook(['constant'], undefined, true, theme);
    assert.deepEqual([constant.shape, constant.height, constant.fill, constant.border?.style, constant.text], ['rectangle', CONSTANT_HEIGHT, theme.constantBackground, 'dashed', theme.mutedForeground]);
    assert.deepEqual(nodeLook(['group'], undefined, false, theme).border, { width: 4, color: theme.border, style: 'double' }, 'a folded group at any zoom');
  });

  test('a magnitude colour fills the node and picks its label\'s colour', () => {
    const look = nodeLook(['op', 'colored'], { color: '#123456', textColor: '#ffffff' }, true, theme);
    assert.deepEqual([look.fill, look.text], ['#123456', '#ffffff']);
    assert.equal(nodeLook(['op', 'colored'], { color: '#123456', textColor: '#ffffff' }, false, theme).text, null, 'no label from afar');
  });

  test('rare classes show at any zoom, later rules winning: a head that is non-finite is ringed in the error colour', () => {
    assert.deepEqual(nodeLook(['op', 'head'], undefined, false, theme).border, { width: 3, color: theme.highlight, style: 'solid' });
    assert.deepEqual(nodeLook(['op', 'head', 'nonfinite'], undefined, false, theme).border, { width: 3, color: theme.error, style: 'solid' });
    assert.deepEqual(nodeLook(['op', 'badge-vanishing'], undefined, true, theme).border, { width: 3, color: theme.accent, style: 'dotted' });
    assert.deepEqual(nodeLook(['op', 'broken', 'badge-nan'], undefined, true, theme).border, { width: 3, color: theme.error, style: 'dashed' });
  });

  test('selection over the node, matches and cut points under it, the keyboard\'s double ring outside it', () => {
    const look = nodeLook(['op', 'selected', 'match', 'keyboard-focus'], undefined, false, theme);
    assert.deepEqual(look.overlay, { color: theme.accent, opacity: 0.18, padding: 6 });
    assert.deepEqual(look.underlay, { color: theme.accent, opacity: 0.45, padding: 8 });
    assert.deepEqual(look.outline, { width: 6, style: 'double', color: theme.focus, offset: 5 });
    assert.equal(nodeLook(['op', 'cut-point'], undefined, false, theme).underlay?.color, theme.error);
  });
});

suite('inspector: node labels wrapped', () => {
  /** Every character 6 units wide. */
  const measure = (text: string) => text.length * 6;

  test('a label\'s own lines stay; a line too wide breaks at spaces, a word too wide for any line stays whole', () => {
    assert.deepEqual(wrapLabel('x = mul\n(2, 3)', 138, measure), ['x = mul', '(2, 3)']);
    assert.deepEqual(wrapLabel('loss = softmaxCrossEntropy of logits\n(4,)', 138, measure), ['loss =', 'softmaxCrossEntropy of', 'logits', '(4,)']);
    assert.deepEqual(wrapLabel('a'.repeat(30), 138, measure), ['a'.repeat(30)]);
    assert.deepEqual(wrapLabel('', 138, measure), ['']);
  });
});
