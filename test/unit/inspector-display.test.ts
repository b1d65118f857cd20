// Text from a trace as the inspector shows it (issue #9): a right-to-left override and zero-width
// characters in op names, file names and source text become visible escapes in the graph labels,
// the tooltip, the picker, the explanations and the SVG and DOT exports; long texts are cut before
// anything measures them; the export's file name is plain whatever run.file holds.
import { strict as assert } from 'node:assert';
import { checkExportName } from '../../protocol/checkMessages';
import { hasHiddenCharacters } from '../../protocol/display';
import { nameFromSource } from '../../protocol/query/names';
import { explainGradient } from '../../webview/model/explain';
import { toDot, toSvg } from '../../webview/model/export';
import { exportBaseName, exportFileName } from '../../webview/model/exportName';
import { buildGraph, foldKey } from '../../webview/model/graph';
import { labelText, keyText } from '../../webview/model/labels';
import { layeredLayout } from '../../webview/model/layout';
import { pickerChoices } from '../../webview/model/summary';
import { tooltipText } from '../../webview/model/tooltip';
import type { Trace } from '../../protocol/trace';
import { seededUniform } from './trace-mutations';
import { at, buildTrace, graphBreak, op, step, variable } from './trace-builder';

const RLO = '\u202E';
const ZWSP = '\u200B';

/** x = array (op named with a right-to-left override), y = mul on a line with zero-width spaces, a break whose message hides a bidi isolate. */
function hostileTrace(): Trace {
  const trace = buildTrace({
    nodes: [
      variable(0, `gnp${RLO}.exe`, [1, 2], at(1, `const x = np.array([1, 2]);${ZWSP}`, 11)),
      op(1, `mul${ZWSP}`, [0, 0], [1, 4], at(2, `const y = x.mul(x); // ${RLO}txet neddih`, 13, `f${RLO}n`)),
    ],
    breaks: [graphBreak('detach', 1, 0, at(2, 'y', 1), `cut \u2066here\u2069 ${RLO}`)],
    passes: [{ heads: [1], steps: [step(1, [1, 1], [[0, 0, [1, 2]], [0, 1, [1, 2]]])], leafGrads: [[0, [2, 4]]] }],
  });
  for (const node of trace.nodes) node.source!.file = `/home/ana/${RLO}gnp.ts`;
  trace.run.file = `/home/ana/${RLO}gnp.ts`;
  return trace;
}

const noHidden = (text: string, where: string, multiline = false) =>
  assert.ok(!hasHiddenCharacters(text, multiline), `${where}: ${JSON.stringify(text)}`);

suite('inspector display: hidden characters and long texts', () => {
  test('graph labels: ops, names and function boxes escaped', () => {
    const model = buildGraph(hostileTrace(), { kind: 'pass', id: 0 });
    const labels = model.nodes.map((n) => n.label);
    assert.deepEqual(labels, ['x = gnp\\u202E.exe\n(2,)', 'y = mul\\u200B\n(2,)']);
    assert.equal(model.nodes[1]!.fn, 'f\\u202En');
  });

  test('the tooltip: label, file and line text, breaks', () => {
    const trace = hostileTrace();
    const model = buildGraph(trace, { kind: 'pass', id: 0 });
    const tip = tooltipText(trace, model, 'n1')!;
    assert.equal(tip, 'y = mul\\u200B  ·  (2,)\n\\u202Egnp.ts:2  const y = x.mul(x); // \\u202Etxet neddih\n⚠ gradient stops here: cut \\u2066here\\u2069 \\u202E');
    const cut = model.edges.find((e) => e.cut)!;
    assert.equal(tooltipText(trace, model, cut.id), 'gradient stops here: cut \\u2066here\\u2069 \\u202E');
  });

  test('SVG and DOT exports carry the escapes, never the characters', () => {
    const model = buildGraph(hostileTrace(), { kind: 'pass', id: 0 });
    const svg = toSvg(model, layeredLayout(model).positions);
    const dot = toDot(model, { title: exportFileName(hostileTrace().run.file, { kind: 'pass', id: 0 }, 'dot') });
    // DOT writes a backslash as two: the escape reads \u202E once Graphviz draws it.
    for (const [name, text, slash] of [['svg', svg, '\\'], ['dot', dot, '\\\\']] as const) {
      noHidden(text, name, true);
      assert.ok(text.includes(`gnp${slash}u202E.exe`), `${name} shows the override as an escape`);
      assert.ok(text.includes(`cut ${slash}u2066here${slash}u2069`), `${name} shows the break's isolates as escapes`);
    }
  });

  test('explanations name ops escaped', () => {
    const trace = hostileTrace();
    trace.backwardPasses = [];
    const reasons = explainGradient(trace, 0).reasons.map((r) => r.text).join(' ');
    noHidden(reasons, 'the explanation');
  });

  test('picker labels hold numbers and words of our own only', () => {
    for (const choice of pickerChoices(hostileTrace(), null, true)) noHidden(choice.label, 'a picker label');
  });

  test('a 25 MB op name is cut to a label before anything measures it; its fold key stays short', () => {
    const trace = hostileTrace();
    const long = `op${'x'.repeat(25_000_000)}`;
    trace.nodes[1]!.op = long;
    const model = buildGraph(trace, { kind: 'pass', id: 0 }, { fold: true });
    assert.equal(model.nodes[1]!.label, `y = op${'x'.repeat(30)}…\n(2,)`);
    assert.ok(foldKey(trace.nodes[1]!).length < 400, 'the fold key is a short stand-in');
    assert.notEqual(keyText(long), keyText(`${long.slice(0, -1)}y`), 'two long names keep different keys');
    assert.equal(labelText('ab\uD83D\uDE00cd', 3), 'ab…', 'a label is never cut inside a surrogate pair');
  });

  test('a 100 MB source line: its name is read from its start, at once', () => {
    const text = `const loss = ${'a'.repeat(100_000_000)}`;
    const started = performance.now();
    assert.equal(nameFromSource(text), 'loss');
    assert.equal(nameFromSource(`${'a'.repeat(100_000_000)} = 1`), null, 'no name past the first 1,000 characters');
    assert.ok(performance.now() - started < 5_000, 'within seconds (liveness)');
  });

  test('the export name is plain whatever run.file holds (the host refuses anything else)', () => {
    assert.equal(exportFileName('/home/ana/model.ts', { kind: 'pass', id: 3 }, 'png'), 'model-pass3.png');
    assert.equal(exportFileName('C:\\Users\\ana\\mo del.ts', { kind: 'recording', id: 0 }, 'svg'), 'mo-del-recording0.svg');
    assert.equal(exportBaseName(`/x/${RLO}gnp.exe.ts`), 'gnp.exe');
    assert.equal(exportBaseName('/x/.hidden.ts'), 'hidden');
    assert.equal(exportBaseName('/x/..'), 'graph');
    assert.equal(exportBaseName('损失.ts'), '损失');
    assert.equal(exportBaseName({}), 'graph');
    const random = seededUniform(3);
    const alphabet = ['a', '.', '/', '\\', ':', '*', '?', '"', '<', '>', '|', ' ', '\u0000', '\u001F', '\u007F', '\u0085', RLO, ZWSP, '\u2066', '\uD800', '\uDC00', '😀', 'é', 'e\u0301', '-', '_'];
    for (let i = 0; i < 2_000; i++) {
      const length = Math.floor(random() * 400);
      const file = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      for (const format of ['png', 'svg', 'dot'] as const) {
        const name = exportFileName(file, { kind: 'pass', id: Math.floor(random() * 2 ** 53) }, format);
        assert.ok(checkExportName(name, format), `${JSON.stringify(file)} → ${JSON.stringify(name)}`);
      }
    }
  });
});
