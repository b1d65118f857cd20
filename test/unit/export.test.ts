// Graph exports (webview/model/export.ts): DOT of a small traced graph, folded groups, and
// hostile names escaped in DOT and SVG, the SVG well-formed and its viewBox around every node.
import { strict as assert } from 'node:assert';
import { buildGraph, type GraphModel, type GraphNode } from '../../webview/model/graph';
import { dotString, toDot, toSvg, xmlText } from '../../webview/model/export';
import type { GraphBreak, Source, Tensor, Trace, TraceNode } from '../../protocol/trace';
import type { StepMarks } from '../../webview/model/marks';

const FILE = '/home/ana/demo/autograd.ts';

const tensor = (shape: number[]): Tensor => ({
  shape, dtype: 'float32', data: [], stats: { min: null, max: null, mean: null, std: null, l2: null, nan: 0, inf: 0, zeros: 0 },
});

function source(line: number, column: number, text: string): Source {
  return { file: FILE, line, column, text };
}

function traceNode(id: number, kind: TraceNode['kind'], op: string, inputs: number[], shape: number[], src: Source | null, iteration = 0): TraceNode {
  return {
    id, kind, op, inputs, attrs: {}, shape, dtype: 'float32', trainMode: true, recording: kind === 'op', inGraph: true,
    ...(kind === 'variable' ? { gradReq: 'write' as const } : {}), source: src, iteration, recordingId: kind === 'op' ? 0 : null, value: tensor(shape),
  };
}

function makeTrace(nodes: TraceNode[], heads: number[], graphBreaks: GraphBreak[] = []): Trace {
  return {
    format: 'gradlens-trace', version: 1,
    run: { file: FILE, argv: [], engineVersion: '0.1.0', seed: 1, startedAt: '2025-01-01T00:00:00.000Z', durationMs: 1, exitCode: 0, timedOut: false, stdout: '', stderr: '', maxElements: 1024 },
    nodes,
    recordings: [{ id: 0, source: null, trainMode: true, nodes: nodes.filter((n) => n.kind === 'op').map((n) => n.id), outputs: heads, closed: true }],
    backwardPasses: [{ id: 0, kind: 'backward', source: null, heads, headGrads: [], implicitHeadGrads: [true], retainGraph: false, createGraph: false, steps: [], leafGrads: [] }],
    graphBreaks, anomalies: [],
  };
}

const DETACH: GraphBreak = { kind: 'detach', node: 4, from: 3, source: source(5, 13, 'const z = y.detach();'), message: 'gradient stops here: detach() made a constant copy of y' };

/** y = 2·dot(x, x), then z = y.detach(). */
const CHAPTER = makeTrace([
  traceNode(0, 'variable', 'arange', [], [4], source(1, 11, 'const x = np.arange(4);')),
  traceNode(1, 'op', 'dot', [0, 0], [], source(3, 33, 'const y = autograd.record(() => np.dot(x, x).mul(2));')),
  traceNode(2, 'constant', 'constant', [], [], null),
  traceNode(3, 'op', 'mul', [1, 2], [], source(3, 45, 'const y = autograd.record(() => np.dot(x, x).mul(2));')),
  traceNode(4, 'constant', 'detach', [], [], source(5, 13, 'const z = y.detach();')),
], [3], [DETACH]);

/** x squared three times in a loop: folded, one group with a self-loop. */
const LOOP = makeTrace([
  traceNode(0, 'variable', 'arange', [], [4], source(1, 11, 'const x = np.arange(4);')),
  ...[1, 2, 3].map((id) => traceNode(id, 'op', 'square', [id - 1], [4], source(3, 9, '  x = x.square();'), id - 1)),
], [3]);

const HOSTILE = '<script>alert(1)</script> "q" \'s\' & \\n back\nline2';

function graphNode(id: string, kind: GraphNode['kind'], label: string, extra: Partial<GraphNode> = {}): GraphNode {
  return { id, members: [0], kind, op: 'op', name: null, shape: [2], label, isHead: false, foldKey: null, count: 1, breaks: [], fn: null, ...extra };
}

const HOSTILE_BREAK: GraphBreak = { kind: 'detach', node: 1, from: 0, source: null, message: `gradient stops here: ${HOSTILE}` };

/** A model as graph.ts would build it, with a name from hostile user code. */
const HOSTILE_MODEL: GraphModel = {
  nodes: [
    graphNode('n0', 'variable', `${HOSTILE} = array\n(2,)`),
    graphNode('n1', 'op', 'y = relu\n(2,)', { isHead: true, breaks: [HOSTILE_BREAK] }),
    graphNode('g0', 'group', 'h = tanh ×3\n(2,)', { count: 3 }),
    graphNode('n3', 'constant', 'constant\nscalar'),
  ],
  edges: [
    { id: 'e0', source: 'n0', target: 'n1', index: 0, from: 0, to: 1, count: 1, cut: null },
    { id: 'e1', source: 'n0', target: 'n1', index: 1, from: 0, to: 1, count: 1, cut: null },
    { id: 'e2', source: 'n1', target: 'g0', index: -2, from: 1, to: 2, count: 3, cut: null },
    { id: 'e3', source: 'g0', target: 'g0', index: -2, from: 2, to: 3, count: 2, cut: null },
    { id: 'e4', source: 'n0', target: 'n3', index: -1, from: 0, to: 3, count: 1, cut: HOSTILE_BREAK },
  ],
  elementOf: new Map([[0, 'n0'], [1, 'n1'], [2, 'g0'], [3, 'n3']]),
  traceNodes: [0, 1, 2, 3],
  folded: true,
};

const POSITIONS = new Map([['n0', { x: 0, y: 0 }], ['n1', { x: 190, y: -40 }], ['g0', { x: 380, y: 0 }], ['n3', { x: 190, y: 80 }]]);

/** Ends of DOT strings: every statement is one line whose quotes close (escapes respected). */
function assertDotStringsClose(dot: string): void {
  for (const line of dot.split('\n')) {
    let inString = false;
    for (let i = 0; i < line.length; i++) {
      if (inString && line[i] === '\\') i++;
      else if (line[i] === '"') inString = !inString;
    }
    assert.equal(inString, false, `unterminated string in: ${line}`);
  }
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi;

/**
 * A small well-formedness check (there is no DOM in Node): tags balance, attributes are quoted
 * once each, and neither text nor attribute values hold a raw '<' or a bare '&'.
 */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  for (const token of body.match(/<[^>]*>|[^<]+/g) ?? []) {
    if (!token.startsWith('<')) {
      assert.doesNotMatch(token.replace(ENTITY, ''), /[&<]/, `raw markup in text: ${token}`);
      if (stack.length === 0) assert.match(token, /^\s*$/, 'text outside the root element');
      continue;
    }
    const tag = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>$/.exec(token);
    assert.ok(tag, `malformed tag: ${token}`);
    const [, closing, name, attrs, selfClosing] = tag;
    const names = [...attrs!.matchAll(/([\w:.-]+)="([^"]*)"/g)].map((m) => {
      assert.doesNotMatch(m[2]!.replace(ENTITY, ''), /[&<]/, `raw markup in attribute ${m[1]}: ${token}`);
      return m[1]!;
    });
    assert.equal(new Set(names).size, names.length, `repeated attribute in ${token}`);
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClosing) { if (stack.length === 0) roots++; stack.push(name!); }
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'one root element');
}

suite('export: DOT', () => {
  test('a small traced graph: shapes by kind, the head, the cut edge', () => {
    const model = buildGraph(CHAPTER, { kind: 'pass', id: 0 });
    assert.equal(toDot(model, { title: 'autograd.ts' }), [
      'digraph "autograd.ts" {',
      '  rankdir=LR;',
      '  label="autograd.ts";',
      '  labelloc=t;',
      '  node [fontname="Helvetica", fontsize=11];',
      '  edge [fontname="Helvetica", fontsize=9];',
      '  "n0" [label="x = arange\\n(4,)", shape=box, style="rounded"];',
      '  "n1" [label="dot\\nscalar", shape=ellipse];',
      '  "n2" [label="constant\\nscalar", shape=note];',
      '  "n3" [label="y = mul\\nscalar", shape=ellipse, penwidth=2, peripheries=2];',
      '  "n4" [label="z = detach\\nscalar", shape=note, color=red, tooltip="gradient stops here: detach() made a constant copy of y"];',
      '  "n0" -> "n1";',
      '  "n0" -> "n1";',
      '  "n1" -> "n3";',
      '  "n2" -> "n3";',
      '  "n3" -> "n4" [style=dashed, color=red, tooltip="gradient stops here: detach() made a constant copy of y"];',
      '}',
      '',
    ].join('\n'));
  });

  test('folded loops: a box3d group and ×N on merged edges; no caption without a title', () => {
    const dot = toDot(buildGraph(LOOP, { kind: 'pass', id: 0 }, { fold: true }));
    assert.match(dot, /^digraph "GradLens" \{\n  rankdir=LR;\n  node /);
    assert.doesNotMatch(dot, /labelloc/);
    assert.match(dot, /\n {2}"g0" \[label="x = square ×3\\n\(4,\)", shape=box3d, penwidth=2, peripheries=2\];\n/);
    assert.match(dot, /\n {2}"n0" -> "g0";\n/);
    assert.match(dot, /\n {2}"g0" -> "g0" \[label="×2"\];\n/);
  });

  test('fill colours, with a legible font colour', () => {
    const model = buildGraph(CHAPTER, { kind: 'pass', id: 0 });
    const dot = toDot(model, { colors: new Map([['n0', '#440154'], ['n1', '#fde725']]) });
    assert.match(dot, /"n0" \[label="x = arange\\n\(4,\)", shape=box, style="rounded,filled", fillcolor="#440154", fontcolor="#ffffff"\];/);
    assert.match(dot, /"n1" \[label="dot\\nscalar", shape=ellipse, style="filled", fillcolor="#fde725", fontcolor="#000000"\];/);
  });

  test('hostile names: quotes, backslashes and newlines escaped', () => {
    assert.equal(dotString('a "b" \\ c\nd\r\ne'), '"a \\"b\\" \\\\ c\\nd\\ne"');
    const dot = toDot(HOSTILE_MODEL, { title: 'say "hi"\n' });
    assertDotStringsClose(dot);
    assert.ok(dot.includes(`"n0" [label="<script>alert(1)</script> \\"q\\" 's' & \\\\n back\\nline2 = array\\n(2,)", shape=box, style="rounded"];`), dot);
    assert.ok(dot.startsWith('digraph "say \\"hi\\"\\n" {'), dot);
    assert.ok(dot.includes('"n0" -> "n3" [style=dashed, color=red, tooltip="gradient stops here: <script>'), dot);
    assert.equal(dot.split('\n').length, 6 + 4 + 5 + 2, 'one line per statement (header, nodes, edges, end): no raw newline inside a string');
  });
});

suite('export: SVG', () => {
  const svg = toSvg(HOSTILE_MODEL, POSITIONS);

  test('is a well-formed standalone SVG document', () => {
    assert.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '));
    assertWellFormedXml(svg);
    assert.throws(() => assertWellFormedXml('<svg><g></svg>'), /closes the wrong element/, 'the checker checks');
    assert.throws(() => assertWellFormedXml('<svg><text>a < b</text></svg>'), /malformed tag|raw markup/);
    assert.throws(() => assertWellFormedXml('<svg><text>a & b</text></svg>'), /raw markup/);
  });

  test('hostile names are XML-escaped everywhere', () => {
    assert.equal(xmlText(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    assert.equal(xmlText('bell\u0007 nul\u0000 ok'), 'bell nul ok', 'characters XML forbids are dropped');
    assert.doesNotMatch(svg, /<script/i);
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &apos;s&apos; &amp; \\n back';
    assert.ok(svg.includes(`<tspan x="0" y="-14">${escaped}</tspan><tspan x="0" y="0">line2 = array</tspan><tspan x="0" y="14">(2,)</tspan>`), 'one tspan per line');
    assert.ok(svg.includes(`<title>gradient stops here: ${escaped}\nline2</title></path>`), 'the cut edge carries the break as tooltip');
    const hostileFill = toSvg(HOSTILE_MODEL, POSITIONS, { colors: new Map([['n0', '"/><script>alert(1)</script>']]) });
    assertWellFormedXml(hostileFill);
    assert.doesNotMatch(hostileFill, /<script/i);
  });

  test('shapes by kind, heads, cut edges dashed red with arrowheads, ×N labels', () => {
    assert.match(svg, /<g class="node variable" data-id="n0"><title>[^<]*<\/title><rect [^>]*rx="10"/);
    assert.match(svg, /<g class="node op head" data-id="n1"><title>[^<]*<\/title><ellipse cx="190" cy="-40" rx="75" ry="22" [^>]*stroke="#d32f2f" stroke-width="3"/);
    assert.equal((svg.match(/<g class="node group" data-id="g0"><title>[^<]*<\/title>(<rect [^>]*\/>){2}<text/g) ?? []).length, 1, 'a group is a stack of two boxes');
    assert.match(svg, /<g class="node constant" data-id="n3"><title>[^<]*<\/title><rect [^>]*rx="0"/);
    const paths = svg.match(/<path d="M[^"]*" fill="none"[^>]*>/g) ?? [];
    assert.equal(paths.length, 5, 'one path per edge, the self-loop included');
    assert.equal(paths.filter((p) => p.includes('stroke-dasharray="6 4"') && p.includes('stroke="#d32f2f"') && p.includes('url(#arrow-cut)')).length, 1);
    assert.equal(paths.filter((p) => p.includes('marker-end="url(#arrow)"')).length, 4);
    assert.match(svg, /<marker id="arrow" [^>]*><path [^>]*\/><\/marker><marker id="arrow-cut" /);
    assert.match(svg, />×3<\/text>/);
    assert.match(svg, />×2<\/text>/);
    const [first, second] = paths.filter((p) => p.includes('url(#arrow)')).slice(0, 2);
    assert.notEqual(first, second, 'parallel edges (dot(x, x)) bend apart');
  });

  test('fills: per-node colours with contrasting text, kind colours otherwise', () => {
    const coloured = toSvg(HOSTILE_MODEL, POSITIONS, { colors: new Map([['n0', '#440154'], ['n1', '#fde725']]) });
    assert.match(coloured, /data-id="n0"><title>[^<]*<\/title><rect [^>]*fill="#440154"[^>]*\/><text [^>]*fill="#ffffff"/);
    assert.match(coloured, /data-id="n1"><title>[^<]*<\/title><ellipse [^>]*fill="#fde725"[^>]*\/><text [^>]*fill="#000000"/);
    assert.match(coloured, /data-id="n3"><title>[^<]*<\/title><rect [^>]*fill="#eeeeee"/);
  });

  test('the viewBox covers every node plus a margin', () => {
    const style = { nodeWidth: 120, nodeHeight: 40 };
    const doc = toSvg(HOSTILE_MODEL, POSITIONS, style);
    const [x, y, w, h] = /viewBox="([^"]+)"/.exec(doc)![1]!.split(' ').map(Number) as [number, number, number, number];
    for (const [id, p] of POSITIONS) {
      assert.ok(p.x - style.nodeWidth / 2 >= x + 10 && p.x + style.nodeWidth / 2 <= x + w - 10, `${id} fits horizontally`);
      assert.ok(p.y - style.nodeHeight / 2 >= y + 10 && p.y + style.nodeHeight / 2 <= y + h - 10, `${id} fits vertically`);
    }
    assert.ok(w < 380 + 120 + 100 && h < 120 + 40 + 100, `not much more than the nodes: ${w} × ${h}`);
  });

  test('nodes without a position are left out with their edges; an empty graph is still a document', () => {
    const partial = toSvg(HOSTILE_MODEL, new Map([['n0', { x: 0, y: 0 }], ['n3', { x: 190, y: 0 }]]));
    assertWellFormedXml(partial);
    assert.equal((partial.match(/<g class="node /g) ?? []).length, 2);
    assert.equal((partial.match(/<path d="M[^"]*" fill="none"/g) ?? []).length, 1);
    const empty = toSvg({ nodes: [], edges: [], elementOf: new Map(), traceNodes: [], folded: false }, new Map());
    assertWellFormedXml(empty);
    assert.match(empty, /viewBox="0 0 48 48"/);
  });

  test('the moment shown: pending faded, current and receiving outlined, the carried edge highlighted with its contribution, notes', () => {
    const marks: StepMarks = {
      pending: new Set(['n3', 'e4']),
      current: 'n1',
      receiving: new Set(['n0']),
      active: new Map([['e0', `[1, 2] ${HOSTILE}`]]),
      notes: new Map([['n0', '∇ [1, 2]'], ['n1', '∇ 1'], ['n3', '∇ 7']]),
    };
    const doc = toSvg(HOSTILE_MODEL, POSITIONS, { marks });
    assertWellFormedXml(doc);
    assert.doesNotMatch(doc, /<script/i);
    assert.match(doc, /<g class="node op head current" data-id="n1"><title>[^<]*<\/title><ellipse [^>]*stroke="#e8912d" stroke-width="4"/);
    assert.match(doc, /<g class="node variable" data-id="n0"><title>[^<]*<\/title><rect [^>]*stroke="#e8912d" stroke-width="3"/);
    assert.match(doc, /<g class="node constant pending" data-id="n3" opacity="0.35">/);
    assert.ok(!doc.includes('>∇ 7<'), 'no note on a pending node');
    assert.match(doc, /<text class="note" [^>]*>∇ \[1, 2\]<\/text>/);
    const carried = (doc.match(/<path [^>]*marker-start="url\(#arrow-step\)"[^>]*>/g) ?? []);
    assert.equal(carried.length, 1, 'one edge carries gradient, its arrow at the input');
    assert.match(carried[0]!, /stroke="#e8912d" stroke-width="3.5"/);
    assert.ok(doc.includes(`<text class="contribution" `) && doc.includes(`>[1, 2] ${xmlText(HOSTILE)}</text>`));
    assert.match(doc, /<path [^>]*stroke-dasharray="6 4" opacity="0.35"/, 'the pending cut edge is faded');
    assert.doesNotMatch(toSvg(HOSTILE_MODEL, POSITIONS), /class="note"|contribution|arrow-step\)"|opacity=/, 'no marks, none of this');
  });

  test('a graph built from a trace exports too', () => {
    const model = buildGraph(CHAPTER, { kind: 'pass', id: 0 });
    const positions = new Map(model.nodes.map((node, i) => [node.id, { x: i * 190, y: (i % 2) * 80 }]));
    const doc = toSvg(model, positions);
    assertWellFormedXml(doc);
    assert.equal((doc.match(/<g class="node /g) ?? []).length, model.nodes.length);
    assert.equal((doc.match(/<path d="M[^"]*" fill="none"/g) ?? []).length, model.edges.length);
  });
});
