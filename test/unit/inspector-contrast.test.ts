// High-contrast themes keep text at 4.5:1 (WCAG 1.4.3) wherever the inspector draws it. The colours
// are the inspector's own: webview/styles.css is read and its custom properties resolved as a
// browser would for VS Code's high-contrast dark (hc-black) and light (hc-light) themes — VS Code
// sets its --vscode-* variables on <html> and a theme class on <body>; the values below are the
// themes' own (src/vs/platform/theme/common/colors/*.ts, extensions/theme-defaults). From them: the
// graph's theme (style.ts THEME_COLORS, as ui/theme.ts reads it) and its node looks (nodeLook), the
// step layer's and edge layer's text, the keyboard's focus mark, and every rule of styles.css that
// sets a text or background colour.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLOR_STEPS, contrastRatio, contrastText, viridis, ZERO_COLOR } from '../../webview/model/colors';
import { nodeLook, parentLook, THEME_COLORS, type GraphTheme } from '../../webview/model/style';
import { repoRoot } from '../trace-helpers';

/** VS Code's Dark High Contrast (hc-black): the variables the inspector reads. */
const HC_DARK: Record<string, string> = {
  'editor-background': '#000000', 'editor-foreground': '#ffffff', foreground: '#ffffff', descriptionForeground: '#ffffffb3',
  errorForeground: '#f48771', 'editorWarning-foreground': '#ffd370', 'textLink-foreground': '#21a6ff',
  focusBorder: '#f38518', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', 'editorWidget-background': '#0c141f',
  'panel-border': '#6fc3df', 'editorLineNumber-foreground': '#ffffff', 'inputValidation-errorBackground': '#000000',
  'testing-iconPassed': '#73c991', 'dropdown-background': '#000000', 'charts-orange': '#d18616', 'charts-blue': '#3794ff',
};

/** VS Code's Light High Contrast (hc-light). */
const HC_LIGHT: Record<string, string> = {
  'editor-background': '#ffffff', 'editor-foreground': '#292929', foreground: '#292929', descriptionForeground: '#292929b3',
  errorForeground: '#b5200d', 'editorWarning-foreground': '#895503', 'textLink-foreground': '#0f4a85',
  focusBorder: '#006bbd', contrastBorder: '#0f4a85', contrastActiveBorder: '#006bbd', 'editorWidget-background': '#ffffff',
  'panel-border': '#0f4a85', 'editorLineNumber-foreground': '#292929', 'inputValidation-errorBackground': '#ffffff',
  'testing-iconPassed': '#007100', 'dropdown-background': '#ffffff', 'charts-orange': '#ca5010', 'charts-blue': '#0f4a85',
};

const THEMES: [string, string[], Record<string, string>][] = [
  ['Dark High Contrast', ['vscode-high-contrast'], HC_DARK],
  ['Light High Contrast', ['vscode-high-contrast', 'vscode-high-contrast-light'], HC_LIGHT],
];

const MINIMUM = 4.5;

// ---- A stylesheet's custom properties, resolved as a browser does for <html> and <body> -----------

interface Rule { selectors: string[]; declarations: [string, string][]; order: number }

/** The rules of a stylesheet (those inside @media too), comments dropped. */
function parseCss(text: string): Rule[] {
  const rules: Rule[] = [];
  const css = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const walk = (from: number, to: number) => {
    let at = from;
    while (at < to) {
      const open = css.indexOf('{', at);
      if (open < 0 || open >= to) return;
      const prelude = css.slice(at, open).trim();
      let depth = 1;
      let close = open + 1;
      for (; close < to && depth > 0; close++) depth += css[close] === '{' ? 1 : css[close] === '}' ? -1 : 0;
      if (prelude.startsWith('@')) walk(open + 1, close - 1);
      else {
        const declarations = css.slice(open + 1, close - 1).split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
          const colon = d.indexOf(':');
          return [d.slice(0, colon).trim(), d.slice(colon + 1).trim()] as [string, string];
        });
        rules.push({ selectors: prelude.split(',').map((s) => s.trim()), declarations, order: rules.length });
      }
      at = close;
    }
  };
  walk(0, css.length);
  return rules;
}

/** The `(` … `)` after `start` (the index of an open parenthesis): the index of its match. */
function matching(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in ${text}`);
}

/**
 * `value` with every var(--x, fallback) replaced by what `lookup` gives, or its fallback; undefined
 * when a variable has neither (the declaration is then invalid at computed-value time, as in CSS).
 */
function substitute(value: string, lookup: (name: string) => string | undefined): string | undefined {
  let out = '';
  let at = 0;
  for (;;) {
    const start = value.indexOf('var(', at);
    if (start < 0) return out + value.slice(at);
    const end = matching(value, start + 3);
    const inner = value.slice(start + 4, end);
    const comma = inner.indexOf(',');
    const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
    const replaced = lookup(name) ?? (comma < 0 ? undefined : substitute(inner.slice(comma + 1).trim(), lookup));
    if (replaced === undefined) return undefined;
    out += value.slice(at, start) + replaced;
    at = end + 1;
  }
}

/** A colour of the theme: `value` resolved with `props`, which must give it. */
function resolved(value: string, props: Props): string {
  const result = substitute(value, (n) => props.get(n));
  assert.ok(result !== undefined, `${value} resolves to nothing`);
  return result;
}

type Props = Map<string, string>;

/** An element's custom properties: its own declarations (each resolved on it), the rest inherited from `parent`. */
function computeProps(declared: Props, parent: Props): Props {
  const computed = new Map(parent);
  const resolving = new Set<string>();
  const resolve = (name: string): string | undefined => {
    if (!declared.has(name)) return parent.get(name);
    if (resolving.has(name)) return undefined; // a cycle: invalid, as in CSS
    resolving.add(name);
    const value = substitute(declared.get(name)!, resolve);
    resolving.delete(name);
    return value;
  };
  for (const name of declared.keys()) {
    const value = resolve(name);
    if (value !== undefined) computed.set(name, value); else computed.delete(name);
  }
  return computed;
}

/** How many classes a simple `body.a.b` selector asks for, or null when it is not one that `classes` matches. */
function bodyMatch(selector: string, classes: readonly string[]): number | null {
  const match = /^body((?:\.[\w-]+)*)$/.exec(selector);
  if (!match) return null;
  const wanted = match[1]!.split('.').filter(Boolean);
  return wanted.every((c) => classes.includes(c)) ? wanted.length : null;
}

/** The custom properties of <body> under a VS Code theme: `vars` on <html> (VS Code's inline style), `classes` on <body>. */
function bodyProps(rules: readonly Rule[], classes: readonly string[], vars: Record<string, string>): Props {
  const declaredOn = (matched: { rule: Rule; specificity: number }[]) => {
    const props: Props = new Map();
    for (const { rule } of matched.sort((a, b) => a.specificity - b.specificity || a.rule.order - b.rule.order)) {
      for (const [name, value] of rule.declarations) if (name.startsWith('--')) props.set(name, value);
    }
    return props;
  };
  const root = declaredOn(rules.filter((r) => r.selectors.includes(':root')).map((rule) => ({ rule, specificity: 10 })));
  for (const [name, value] of Object.entries(vars)) root.set(`--vscode-${name}`, value); // inline: over any rule
  const html = computeProps(root, new Map());
  const body = declaredOn(rules.flatMap((rule) => {
    const specificity = Math.max(...rule.selectors.map((s) => bodyMatch(s, classes) ?? -1));
    return specificity >= 0 ? [{ rule, specificity }] : [];
  }));
  return computeProps(body, html);
}

// ---- Colours --------------------------------------------------------------------------------

type Rgba = [number, number, number, number];

function parseColor(text: string): Rgba {
  const value = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(value);
  if (hex) {
    let digits = hex[1]!;
    if (digits.length <= 4) digits = digits.replace(/./g, (c) => c + c);
    const [r, g, b, a = 255] = digits.match(/../g)!.map((pair) => parseInt(pair, 16));
    return [r!, g!, b!, a / 255];
  }
  const rgb = /^rgba?\(([^)]*)\)$/.exec(value);
  if (rgb) {
    const [r, g, b, a = '1'] = rgb[1]!.split(/[\s,/]+/).filter(Boolean);
    return [Number(r), Number(g), Number(b), Number(a)];
  }
  if (value === 'white') return [255, 255, 255, 1];
  if (value === 'black') return [0, 0, 0, 1];
  const mix = /^color-mix\(in srgb,\s*(.+)\)$/.exec(value);
  if (mix) {
    // Split the two colours at the top-level comma, each with an optional percentage.
    const inner = mix[1]!;
    let depth = 0;
    let comma = -1;
    for (let i = 0; i < inner.length && comma < 0; i++) {
      if (inner[i] === '(') depth++; else if (inner[i] === ')') depth--; else if (inner[i] === ',' && depth === 0) comma = i;
    }
    const part = (p: string) => {
      const m = /^(.*?)(?:\s+(\d+(?:\.\d+)?)%)?$/.exec(p.trim())!;
      return { color: parseColor(m[1]!), percent: m[2] === undefined ? null : Number(m[2]) / 100 };
    };
    const [a, b] = [part(inner.slice(0, comma)), part(inner.slice(comma + 1))];
    const p = a.percent ?? (b.percent === null ? 0.5 : 1 - b.percent);
    // Premultiplied, as CSS Color 5 mixes.
    const alpha = a.color[3] * p + b.color[3] * (1 - p);
    const channel = (i: number) => (alpha === 0 ? 0 : (a.color[i]! * a.color[3] * p + b.color[i]! * b.color[3] * (1 - p)) / alpha);
    return [channel(0), channel(1), channel(2), alpha];
  }
  throw new Error(`not a colour this test reads: ${text}`);
}

/** `top` over the opaque `under`. */
function over(top: Rgba, under: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i]! * a + under[i]! * (1 - a)).concat(1) as Rgba;
}

const hex = (c: Rgba) => `#${c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** The contrast of text on a background, each composited over the page's background first. */
function ratio(text: string, background: string, page: string): number {
  const base = parseColor(page);
  const under = over(parseColor(background), base);
  return contrastRatio(hex(over(parseColor(text), under)), hex(under));
}

// ---- The graph's node looks: which colour each kind of node's label takes, on which fill ------------

const styles = parseCss(readFileSync(join(repoRoot, 'webview', 'styles.css'), 'utf8'));

suite('inspector: text contrast in VS Code\'s high-contrast themes', () => {
  for (const [name, classes, vars] of THEMES) {
    const props = bodyProps(styles, classes, vars);
    const color = (value: string) => resolved(value, props);
    const veil = Number(props.get('--gl-veil'));
    const colors = Object.fromEntries(Object.entries(THEME_COLORS).map(([key, [variable, fallback]]) => [key, color(`var(${variable}, ${fallback})`)]));
    const theme = { ...colors, fontFamily: 'sans-serif', veil } as GraphTheme;
    const page = theme.background;

    /** [what, text, background] for every text the inspector draws. */
    function pairs(): [string, string, string][] {
      const out: [string, string, string][] = [['the page\'s text', theme.foreground, page], ['muted text', theme.mutedForeground, page]];
      for (const kind of ['op', 'variable', 'constant', 'group']) {
        const look = nodeLook([kind], undefined, true, theme);
        const fill = look.fill;
        const label = look.text!;
        assert.ok(label, `a${kind === 'op' ? 'n' : ''} ${kind} node's label is drawn in detail`);
        out.push([`the label of a${kind === 'op' ? 'n' : ''} ${kind} node`, label, fill]);
        // Not reached yet: the step layer veils node and label with the background.
        const veiled = (c: string) => { const [r, g, b] = over([...parseColor(page).slice(0, 3), veil] as Rgba, parseColor(c)); return `rgb(${r}, ${g}, ${b})`; };
        out.push([`the label of a${kind === 'op' ? 'n' : ''} ${kind} node not reached yet`, veiled(label), veiled(fill)]);
      }
      out.push(['a function box\'s label', parentLook(theme).text, page]);
      const focus = nodeLook(['op', 'keyboard-focus'], undefined, true, theme).outline?.color;
      assert.ok(focus !== undefined, 'the node looks mark the keyboard\'s node');
      out.push(['the keyboard\'s focus mark', focus, page]);
      out.push(['the graph\'s focus ring', color('var(--gl-focus)'), page]);
      out.push(['a step note and a contribution (step layer)', theme.foreground, page]);
      out.push(['a folded edge\'s ×N (edge layer)', theme.foreground, page]);
      out.push(['a folded graph break\'s ×N', theme.error, page]);
      out.push(['a vanishing line\'s label (Training view)', theme.warning, page]);
      // tensorView.ts heat(): its strongest red and blue (alpha 0.55) under the table's text.
      out.push(['a tensor cell at its most positive', theme.foreground, 'rgba(220, 80, 60, 0.55)']);
      out.push(['a tensor cell at its most negative', theme.foreground, 'rgba(60, 120, 220, 0.55)']);
      out.push(['a non-finite tensor cell', theme.foreground, color('var(--gl-error-bg)')]);
      // Every rule of styles.css that sets a text colour, a background, or both.
      for (const rule of styles) {
        if (rule.selectors.some((s) => s === ':root' || s.startsWith('body') || s === 'html')) continue;
        const get = (property: string) => rule.declarations.find(([p]) => p === property)?.[1];
        const text = get('color');
        const background = get('background') ?? get('background-color');
        if (text === undefined && background === undefined) continue;
        if (rule.selectors.includes('.listing-backdrop')) continue; // a dim over the page: the accessible view's text is on .listing
        // The picker's headings sit in its drop-down list; a transparent background shows the page.
        const under = rule.selectors.includes('vscode-option.heading') ? color('var(--vscode-dropdown-background)')
          : background !== undefined && !/^(none|transparent)$/.test(background) ? color(background) : page;
        out.push([`styles.css ${rule.selectors.join(', ')}`, text !== undefined && text !== 'inherit' ? color(text) : theme.foreground, under]);
      }
      return out;
    }

    test(`${name}: every text colour on its background is at least ${MINIMUM}:1`, () => {
      assert.equal(theme.background, vars['editor-background'], 'the page is the editor\'s background');
      assert.equal(theme.foreground, vars['editor-foreground']);
      const checked = pairs();
      assert.ok(checked.length > 40, `${checked.length} pairs`);
      const failing = checked.map(([what, text, background]) => ({ what, text, background, ratio: ratio(text, background, page) }))
        .filter((c) => !(c.ratio >= MINIMUM)).map((c) => `${c.what}: ${c.text} on ${c.background} is ${c.ratio.toFixed(2)}:1`);
      assert.deepEqual(failing, []);
    });

    test(`${name}: the keyboard's mark is the theme's focus colour; what the step has not reached is veiled less`, () => {
      assert.equal(parseColor(theme.focus).slice(0, 3).join(), parseColor(vars.focusBorder!).slice(0, 3).join());
      assert.ok(veil > 0 && veil < 0.65, `a lighter veil than other themes' 0.65: ${veil}`);
    });
  }

  test('a coloured node\'s label (black or white by contrastText) reads on every colour of the scale', () => {
    const colors = [...Array.from({ length: COLOR_STEPS }, (_, k) => viridis(k / (COLOR_STEPS - 1))), ZERO_COLOR];
    for (const fill of colors) assert.ok(contrastRatio(contrastText(fill), fill) >= MINIMUM, `${contrastText(fill)} on ${fill}: ${contrastRatio(contrastText(fill), fill).toFixed(2)}`);
  });

  test('the resolver reads styles.css as a browser would: a fallback, a mix, an override by class, a cycle', () => {
    const rules = parseCss(`:root { --a: var(--vscode-x, #010203); --b: var(--missing); }
      body { --m: color-mix(in srgb, #ffffff 50%, #000000); --c: var(--c); }
      body.k { --a: #ffffff; } @media (x) { body.k.q { --a: #00ff00; } }`);
    const plain = bodyProps(rules, [], {});
    assert.equal(plain.get('--a'), '#010203');
    assert.equal(plain.has('--b'), false, 'a variable that is not there, without a fallback: invalid');
    assert.equal(plain.has('--c'), false);
    assert.deepEqual(parseColor(plain.get('--m')!).map(Math.round), [128, 128, 128, 1]);
    assert.equal(bodyProps(rules, [], { x: '#abcdef' }).get('--a'), '#abcdef');
    assert.equal(bodyProps(rules, ['k'], {}).get('--a'), '#ffffff');
    assert.equal(bodyProps(rules, ['k', 'q'], {}).get('--a'), '#00ff00', 'more classes win, even inside @media');
    assert.ok(Math.abs(ratio('#767676', '#ffffff', '#ffffff') - 4.54) < 0.01, 'WCAG: #767676 on white is 4.54:1');
    assert.ok(ratio('#ffffff80', '#000000', '#000000') < 5.5, 'a translucent text is composited first');
  });
});
