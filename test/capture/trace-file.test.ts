// Writing trace files (capture/traceFile.ts): version 3, in parts, streamed; through
// <target>.partial and a rename, so a failure leaves the old file; past V8's string limit; and
// reading files back in Node (readTraceFile.ts), whole or in parts.
import { strict as assert } from 'node:assert';
import { constants } from 'node:buffer';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectorPage } from '../../capture/html';
import { streamJson } from '../../capture/jsonStream';
import { sameFile } from '../../capture/outputChecks';
import { MAX_TRACE_FILE_BYTES, openTraceFile, readTraceFile } from '../../capture/readTraceFile';
import { streamTraceJson, TraceFileError, writeFileAtomically, writeInspectorPageFile, writeTraceFile } from '../../capture/traceFile';
import { fillGradients } from '../../protocol/query/lastGradients';
import { missingParts, withParts } from '../../protocol/traceParts';
import { checkPartData } from '../../protocol/validateParts';
import { readTraceText } from '../../protocol/readTrace';
import { statsOf, type Trace, type TraceNode } from '../../protocol/trace';
import { distDir, pageTrace, readWritten, repoRoot, trace as traceProgram } from '../trace-helpers';

const streamed = (t: Trace) => { let text = ''; streamTraceJson(t, (piece) => { text += piece; }); return text; };

/** A small trace with every list non-empty. */
function baseTrace(): Trace {
  const value = { shape: [2], dtype: 'float32' as const, data: [1, 2], stats: statsOf([1, 2]) };
  const node = (id: number, inputs: number[]): TraceNode => ({
    id, kind: inputs.length ? 'op' : 'variable', op: 'mul', inputs, attrs: {}, shape: [2], dtype: 'float32', trainMode: true,
    recording: true, inGraph: true, source: { file: '/w/model.ts', line: id + 1, column: 1, text: 'x' }, iteration: 0, recordingId: 0, value,
  });
  return {
    format: 'gradlens-trace', version: 1,
    run: { file: '/w/model.ts', argv: [], engineVersion: '0.1.0', seed: 1, startedAt: '2025-01-01T00:00:00.000Z', durationMs: 1, exitCode: 0, timedOut: false, stdout: '', stderr: '', maxElements: 1024 },
    nodes: [node(0, []), node(1, [0, 0])],
    recordings: [{ id: 0, source: null, trainMode: true, nodes: [1], outputs: [1], closed: true }],
    backwardPasses: [{ id: 0, kind: 'backward', source: null, heads: [1], headGrads: [value], implicitHeadGrads: [true], retainGraph: false, createGraph: false, steps: [{ node: 1, upstream: value, contributions: [{ input: 0, index: 0, grad: value }] }], leafGrads: [{ node: 0, gradReq: 'write', grad: value }] }],
    graphBreaks: [{ kind: 'detach', node: 1, source: null, message: 'gradient stops here' }],
    anomalies: [{ kind: 'nan', phase: 'forward', node: 1, source: null, message: 'NaN', inputs: [value.stats] }],
  };
}

/** Values JSON.stringify treats specially, in a trace. */
function oddTrace(): Trace {
  const t = baseTrace();
  const odd = 'quote " backslash \\ slash / <\/script><!-- \u2028 \u2029 \u0000 \u001f tab\t é 中文 😀 lone \ud800 \udfff';
  t.run.stdout = odd;
  t.run.stderr = `${'x'.repeat((1 << 20) - 1)}😀${'é'.repeat(1 << 20)}😀😀`;
  t.run.argv = [odd, '', '-0'];
  const node = t.nodes[1]!;
  node.op = odd;
  node.value = { ...node.value, data: ['NaN', 'Infinity', '-Infinity', -0, 1e21, 5e-324, 0.1, -1.5e-7, 2 ** 53 + 2] };
  node.attrs = { axis: [0, [1, [2, []]]], nested: { deep: { deeper: [{}, [], { a: null }] } }, gone: undefined, keepdims: false };
  (node as unknown as Record<string, unknown>).maybe = undefined;
  (node.attrs as Record<string, unknown>).sparse = [1, , 3]; // a hole: null in JSON
  t.recordings[0]!.outputs = [];
  t.backwardPasses[0]!.steps = [];
  (t.anomalies[0]!.inputs as unknown[]) = [undefined, () => 1, Symbol('s'), NaN, Infinity];
  (t.nodes[0]!.value as unknown as { data: unknown[] }).data = Array.from({ length: 200_000 }, (_, i) => (i % 7 === 0 ? 'NaN' : i % 5 === 0 ? undefined : i / 3));
  return t;
}

suite('trace files', function () {
  this.timeout(60_000);
  let work: string;
  setup(() => { work = mkdtempSync(join(tmpdir(), 'gradlens-trace-file-test-')); });
  teardown(() => rmSync(work, { recursive: true, force: true }));

  test('the seed traces are written in parts (version 3) and read back whole, the gradients a file leaves out given back', async () => {
    const seedDir = join(repoRoot, 'examples', 'seed');
    const files = readdirSync(seedDir).filter((name) => name.endsWith('.ts'));
    assert.ok(files.length >= 5, `seed examples: ${files.join(', ')}`);
    for (const name of files) {
      const { trace } = await traceProgram(join(seedDir, name));
      assert.ok(trace.nodes.length > 0, name);
      const fileText = streamed(trace);
      assert.ok(trace.backwardPasses.length === 0 || fileText.length < JSON.stringify(trace).length, `${name}: gradients and repeated structure left out`);
      const path = join(work, `${name}.json`);
      writeTraceFile(trace, path);
      assert.equal(readFileSync(path, 'utf8'), fileText, name);
      assert.deepEqual(readWritten(path), JSON.parse(JSON.stringify(trace)), `${name}: the gradients come back`);
    }
  });

  test('NaN strings, unicode, U+2028, lone surrogates, long strings, empty lists, nested attrs and undefined: as JSON.stringify', () => {
    const t = oddTrace();
    let text = '';
    streamJson(t, (piece) => { text += piece; });
    assert.equal(text, JSON.stringify(t));
    // In a file, each of them reads back as it was written.
    const read = readTraceText(streamed(t));
    assert.ok(!read.ok, 'the odd trace is no valid trace (its anomaly\'s inputs are not stats)');
    const valid = baseTrace();
    valid.run.stdout = t.run.stdout;
    valid.run.stderr = t.run.stderr;
    valid.nodes[1]!.op = t.nodes[1]!.op;
    valid.nodes[1]!.value = { ...t.nodes[1]!.value, shape: [9] };
    valid.nodes[1]!.shape = [9];
    const back = readTraceText(streamed(valid));
    assert.ok(back.ok, back.ok ? '' : back.problems.join('; '));
    assert.deepEqual([back.trace.run.stdout, back.trace.run.stderr, back.trace.nodes[1]!.op, back.trace.nodes[1]!.value], JSON.parse(JSON.stringify([valid.run.stdout, valid.run.stderr, valid.nodes[1]!.op, valid.nodes[1]!.value])));
  });

  test('the top-level fields come in the order a cut file needs, other fields after; a cycle is refused', () => {
    const t = baseTrace();
    const { format, version, run, nodes, recordings, backwardPasses, graphBreaks, anomalies } = t;
    const scrambled = { anomalies, extra: { a: 1 }, nodes, graphBreaks, run, backwardPasses, version, recordings, format } as unknown as Trace;
    const text = streamed(scrambled);
    assert.match(text, /^\{"format":"gradlens-trace","version":3,"run":\{/);
    assert.deepEqual(Object.keys(JSON.parse(text)), ['format', 'version', 'run', 'recordings', 'backwardPasses', 'graphBreaks', 'anomalies', 'parts', 'structures', 'extra', 'segments', 'index']);
    const read = readTraceText(text);
    assert.ok(read.ok);
    assert.deepEqual((read.trace as unknown as { extra: unknown }).extra, { a: 1 });
    const cyclic = baseTrace();
    (cyclic.nodes[0]!.attrs as Record<string, unknown>).self = cyclic.nodes[0];
    assert.throws(() => streamed(cyclic), /circular/);
  });

  test('a write replaces the file whole, keeps its permissions, leaves no .partial; through a link it writes the file linked to', () => {
    const path = join(work, 'trace.json');
    writeFileSync(path, 'old');
    if (process.platform !== 'win32') chmodSync(path, 0o640);
    const bytes = writeTraceFile(baseTrace(), path);
    assert.equal(bytes, statSync(path).size);
    assert.equal(readFileSync(path, 'utf8'), streamed(baseTrace()));
    assert.equal(existsSync(`${path}.partial`), false);
    if (process.platform === 'win32') return;
    assert.equal(statSync(path).mode & 0o777, 0o640);
    const link = join(work, 'link.json');
    symlinkSync(path, link);
    const t = baseTrace();
    t.run.seed = 42;
    writeTraceFile(t, link);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.equal(readWritten(path).run.seed, 42);
  });

  test('a write that fails part way (after megabytes are on disk) leaves the old file as it was and no .partial', () => {
    const path = join(work, 'trace.json');
    writeFileSync(path, 'the previous trace');
    const t = oddTrace();
    // A BigInt JSON cannot write, near the end (a leaf gradient is in the last segment, after the nodes): everything before it is streamed first.
    (t.backwardPasses[0]!.leafGrads[0] as unknown as Record<string, unknown>).late = 10n;
    let flushed = 0;
    const error = captureError(() => writeFileAtomically(path, (file) => {
      streamTraceJson(t, (piece) => { file.write(piece); flushed = file.bytes; });
    }));
    assert.ok(flushed > 2 * 2 ** 20, `${flushed} bytes were on disk when it failed`);
    assert.ok(error instanceof TraceFileError);
    assert.match(error.message, new RegExp(`^cannot write ${escapeRegExp(path)}: .*BigInt`));
    assert.equal(readFileSync(path, 'utf8'), 'the previous trace');
    assert.deepEqual(readdirSync(work), ['trace.json']);
  });

  test('a write that cannot start names the file and the cause, and leaves the old file', () => {
    const path = join(work, 'trace.json');
    writeFileSync(path, 'the previous trace');
    mkdirSync(`${path}.partial`);
    const blocked = captureError(() => writeTraceFile(baseTrace(), path));
    assert.ok(blocked instanceof TraceFileError);
    assert.equal(blocked.message, `cannot write ${path}: a folder is in the way (EISDIR, at ${path}.partial)`);
    assert.equal(readFileSync(path, 'utf8'), 'the previous trace');
    assert.equal(captureError(() => writeTraceFile(baseTrace(), work))?.message, `cannot write ${work}: it is a folder`);
    const missing = captureError(() => writeTraceFile(baseTrace(), join(work, 'no', 'such', 'trace.json')));
    assert.match(missing?.message ?? '', /^cannot write .*trace\.json: its folder does not exist \(any more\) \(ENOENT, at .*trace\.json\.partial\)$/);
  });

  test('a trace whose JSON is longer than V8 can hold in one string is written, and opened in parts: its head, then any pass', function () {
    this.timeout(180_000);
    // Many passes, each with a node of one shared large data array: small in memory, not as JSON.
    // Integers: V8 formats them ~8x faster than fractions, and the test is about size.
    const data = Array.from({ length: 1 << 20 }, (_, i) => i);
    const dataJson = JSON.stringify(data);
    const count = Math.ceil(constants.MAX_STRING_LENGTH / dataJson.length) + 2;
    const t = baseTrace();
    const template = t.nodes[0]!;
    const small = t.backwardPasses[0]!.headGrads[0]!;
    t.nodes = Array.from({ length: count }, (_, id) => ({ ...template, id, recordingId: null, value: { ...template.value, shape: [data.length], data } }));
    t.recordings = [];
    t.graphBreaks = [];
    t.anomalies = [];
    t.backwardPasses = t.nodes.map((node) => ({
      id: node.id, kind: 'backward', source: null, heads: [node.id], headGrads: [small], implicitHeadGrads: [false], retainGraph: false, createGraph: false,
      steps: [], leafGrads: [], lastNode: node.id, kept: true,
    }));
    const path = join(work, 'huge.json');
    const bytes = writeTraceFile(t, path);
    assert.equal(bytes, statSync(path).size);
    assert.ok(bytes > constants.MAX_STRING_LENGTH, `the file is ${bytes} bytes, more than one string can hold (${constants.MAX_STRING_LENGTH})`);
    assert.deepEqual(readTraceFile(path).ok ? [] : (readTraceFile(path) as { problems: string[] }).problems, [`this trace is ${Math.round(bytes / 2 ** 20)} MB, more than GradLens can read in one piece (≈ 512 MB)`]);
    assert.equal(MAX_TRACE_FILE_BYTES, constants.MAX_STRING_LENGTH);
    const started = Date.now();
    const opened = openTraceFile(path);
    const ms = Date.now() - started;
    assert.ok(opened.ok && opened.parts, 'opened in parts');
    assert.ok(ms < 5_000, `the head opens in ${ms} ms`);
    assert.equal(opened.trace.nodes.length, 0);
    assert.equal(opened.trace.parts!.list.length, count);
    for (const pass of [0, Math.floor(count / 2), count - 1]) {
      const wanted = missingParts(opened.trace, { kind: 'pass', id: pass });
      assert.deepEqual(wanted, [pass]);
      const read = opened.parts.read(wanted);
      assert.ok(read.ok, read.ok ? '' : read.problem);
      const checked = checkPartData(opened.trace, read.parts);
      assert.ok(checked.ok, checked.ok ? '' : checked.problems.join('; '));
      const shown = withParts(opened.trace, checked.parts);
      assert.deepEqual(shown.nodes.map((n) => [n.id, n.value.data!.length, n.value.data![12345]]), [[pass, data.length, 12345]]);
      assert.equal(shown.backwardPasses[pass]!.headGrads.length, 1);
    }
  });

  test('openTraceFile: a small file, a version-2 file and a file cut short are read whole; a part of a changed file is refused', () => {
    const path = join(work, 'trace.json');
    writeTraceFile(baseTrace(), path);
    const small = openTraceFile(path);
    assert.ok(small.ok && !small.parts && !small.trace.parts, 'a small file is read whole');
    const inParts = openTraceFile(path, { wholeBelow: 0 });
    assert.ok(inParts.ok && inParts.parts && inParts.trace.parts, 'read in parts when asked');
    const all = inParts.parts.read(inParts.trace.parts.list.map((_, i) => i));
    assert.ok(all.ok);
    const checked = checkPartData(inParts.trace, all.parts);
    assert.ok(checked.ok);
    assert.deepEqual(withParts(inParts.trace, checked.parts), readWritten(path));
    const version2 = join(work, 'v2.json');
    writeFileSync(version2, JSON.stringify({ ...baseTrace(), version: 2, backwardPasses: baseTrace().backwardPasses.map((p) => ({ ...p, kept: true })) }));
    const old = openTraceFile(version2, { wholeBelow: 0 });
    assert.ok(old.ok && !old.parts, old.ok ? '' : old.problems.join('; '));
    const cut = join(work, 'cut.json');
    writeFileSync(cut, readFileSync(path, 'utf8').split('\n').slice(0, 2).join('\n'));
    const cutOpen = openTraceFile(cut, { wholeBelow: 0 });
    assert.ok(cutOpen.ok && !cutOpen.parts && cutOpen.trace.truncated, 'a cut file has no index: read whole, repaired');
    writeTraceFile({ ...baseTrace(), run: { ...baseTrace().run, seed: 7 } }, path);
    const later = new Date(Date.now() + 5_000);
    utimesSync(path, later, later);
    const changed = inParts.parts.read([0]);
    assert.ok(!changed.ok);
    assert.equal(changed.problem, 'trace.json changed since it was opened: open it again');
  });

  test('a 40 MB trace cut in the middle reads back in linear time, also as a sliced string (a BOM stripped, a caller\'s slice)', function () {
    this.timeout(120_000);
    // Long runs of numbers between strings, as in a real trace with --max-elements high.
    const t = baseTrace();
    const template = t.nodes[0]!;
    const data = Array.from({ length: 100_000 }, (_, i) => Math.fround(Math.sin(i)));
    t.nodes = Array.from({ length: 20 }, (_, id) => ({ ...template, id, op: `op ${id}`, value: { ...template.value, shape: [data.length], data } }));
    const path = join(work, 'trace.json');
    writeTraceFile(t, path);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.length > 30 * 2 ** 20, `${text.length} characters`);
    const half = Math.floor(text.length / 2 + text.length / 40); // ten nodes and half of the next
    // An editor's byte-order mark: the reader strips it with slice, as a caller might slice the text.
    writeFileSync(`${path}.partial`, `\ufeff${text.slice(0, half)}`);
    for (const [how, read] of [['file', () => readTraceFile(`${path}.partial`)], ['slice', () => readTraceText(text.slice(0, half))]] as const) {
      const started = Date.now();
      const result = read();
      const ms = Date.now() - started;
      assert.ok(result.ok && result.truncated, `${how}: read back as a truncated trace`);
      assert.equal(result.trace.nodes.length, 10, how);
      assert.match(result.truncated.note, /^(this is the partial trace of an interrupted write; )?the file ends inside the kept passes' nodes and tensors: 10 nodes were read; nothing else is missing$/, how);
      // Measured ≈ 0.3 s; an earlier reader (indexOf per string, on a sliced text) took 22 s.
      assert.ok(ms < 10_000, `${how}: read in ${ms} ms`);
    }
  });

  test('the inspector page is streamed: the same page as inspectorPage, the head and each part in a script element, escaped for <script>', () => {
    const t = baseTrace();
    const odd = 'quote " <\/script><!-- \u2028 \u2029 é 😀';
    t.run.stdout = odd;
    t.nodes[1]!.op = odd;
    const path = join(work, 'page.html');
    const bytes = writeInspectorPageFile(t, path, distDir);
    const page = readFileSync(path, 'utf8');
    assert.equal(bytes, statSync(path).size);
    const sameNonce = (html: string) => html.replace(/nonce-[A-Za-z0-9+/=]+/g, 'nonce-N').replace(/nonce="[A-Za-z0-9+/=]+"/g, 'nonce="N"')
      .replace(/(<meta property="csp-nonce" content=")[A-Za-z0-9+/=]+"/g, '$1N"');
    assert.equal(sameNonce(page), sameNonce(inspectorPage(t, distDir)));
    assert.doesNotMatch(page, /<\/script><!--|\u2028|\u2029/, 'nothing of the trace ends its element or opens a comment');
    const { trace: embedded } = pageTrace(page);
    const read = readTraceText(streamed(t));
    assert.ok(read.ok);
    assert.deepEqual(embedded, read.trace);
    assert.equal(embedded.run.stdout, odd);
    assert.equal(existsSync(`${path}.partial`), false);
  });

  test('the page\'s scripts: the trace\'s head, the inspector\'s script (the one that runs, with the nonce), its second script as text right after it, then the parts', () => {
    const t = baseTrace();
    // Trace text that looks like the inspector's second script: it stays JSON inside its own element.
    t.run.stdout = '</script><script id="gradlens-later" type="text/plain">alert(1)</script><script>alert(2)</script>';
    const page = inspectorPage(t, distDir);
    const scripts = [...page.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!.trim());
    const nonce = /script-src 'nonce-([^']+)'/.exec(page)![1]!;
    assert.deepEqual(scripts.map((attributes) => attributes.replace(/gradlens-part-\d+/, 'gradlens-part-N')), [
      'id="gradlens-trace" type="application/json"',
      `nonce="${nonce}"`,
      'id="gradlens-later" type="text/plain"',
      ...scripts.slice(3).map(() => 'id="gradlens-part-N" type="application/json"'),
    ]);
    assert.ok(scripts.length > 3, 'the trace has parts');
    const later = /<script id="gradlens-later" type="text\/plain">([\s\S]*?)<\/script>/.exec(page)![1]!;
    assert.equal(later, readFileSync(join(distDir, 'webview-later.js'), 'utf8').replace(/<\/script/gi, '<\\/script'), 'the built second script, whole');
    assert.equal(page.split('id="gradlens-later"').length, 2, 'once: the trace\'s text holds no element');
    assert.ok(page.indexOf('id="gradlens-later"') < page.indexOf('id="gradlens-part-'), 'before the parts: it is read early in a big page');
  });

  test('sameFile: one file by any name (relative, through .., a hard link); files not there yet by folder and name', () => {
    const file = join(work, 'model.ts');
    writeFileSync(file, 'x');
    writeFileSync(join(work, 'other.ts'), 'x');
    linkSync(file, join(work, 'hard.ts'));
    mkdirSync(join(work, 'sub'));
    assert.equal(sameFile(file, join(work, 'sub', '..', 'model.ts')), true);
    assert.equal(sameFile(file, join(work, 'hard.ts')), true, 'a hard link is the same file (as another case is on a case-insensitive disk)');
    assert.equal(sameFile(file, join(work, 'other.ts')), false, 'same content, another file');
    assert.equal(sameFile(join(work, 'sub', '..', 'new.json'), join(work, 'new.json')), true);
    assert.equal(sameFile(join(work, 'new.json'), join(work, 'new2.json')), false);
    assert.equal(sameFile(join(work, 'new.json'), file), false);
  });

  test('readTraceFile: a file cut short, a .partial of an interrupted write, and files that are no trace', () => {
    const text = JSON.stringify(baseTrace());
    const cut = text.slice(0, text.indexOf('"recordings"') + 3);
    writeFileSync(join(work, 'cut.json'), cut);
    const read = readTraceFile(join(work, 'cut.json'));
    assert.ok(read.ok);
    const note = 'the file ends after the nodes; no recordings, backward passes, graph breaks or anomalies were written';
    assert.deepEqual(read.truncated, { bytes: cut.length, note });
    assert.equal(read.notice, `cut.json was cut short: ${note}`);
    writeFileSync(join(work, 'trace.json.partial'), cut);
    const partial = readTraceFile(join(work, 'trace.json.partial'));
    assert.ok(partial.ok);
    assert.equal(partial.trace.truncated?.note, `this is the partial trace of an interrupted write; ${note}`);
    assert.equal(partial.notice, `trace.json.partial is the partial trace of an interrupted write of trace.json: ${note}`);
    writeFileSync(join(work, 'whole.json.partial'), text);
    const whole = readTraceFile(join(work, 'whole.json.partial'));
    assert.ok(whole.ok && whole.truncated === undefined);
    assert.equal(whole.notice, 'whole.json.partial is the trace of an interrupted write of whole.json: complete, but never moved into place');
    writeFileSync(join(work, 'whole.json'), text);
    const expected = baseTrace();
    fillGradients(expected); // the reader gives each node its last pass's gradient
    assert.deepEqual(readTraceFile(join(work, 'whole.json')), { ok: true, trace: expected });
    assert.deepEqual(readTraceFile(join(work, 'none.json')), { ok: false, problems: [`no such file: ${join(work, 'none.json')}`] });
    assert.deepEqual(readTraceFile(work), { ok: false, problems: [`${work} is a folder, not a trace file`] });
    writeFileSync(join(work, 'page.html'), '<!doctype html>');
    assert.deepEqual(readTraceFile(join(work, 'page.html')), { ok: false, problems: ['the file is not JSON (a trace begins with "{")'] });
  });
});

function captureError(fn: () => unknown): Error | undefined {
  try { fn(); } catch (error) { return error as Error; }
  return undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
