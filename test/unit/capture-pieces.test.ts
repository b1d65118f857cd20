// The pure pieces of the capture: the source-map decoder (against esbuild's own maps), tensor
// summaries, NaN/Inf encoding, variable names from source lines.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { np } from 'gradlens';
import { BinaryJournalWriter, readBinaryJournal } from '../../capture/journal-binary';
import type { NodeRecord } from '../../capture/records';
import { SourceResolver } from '../../capture/assemble';
import { applyInsertions, lineShifts, siteMarkers, statementTable } from '../../capture/instrument';
import { shiftSourceMap, SourceMap } from '../../capture/sourcemap';
import { encodeNumber, statsOf, summarise } from '../../capture/tensor';
import { nameFromSource } from '../../protocol/query/names';
import { decodeNumber, type TraceNumber } from '../../protocol/trace';

suite('source maps', () => {
  test('generated positions map back to the TypeScript line and column', () => {
    const source = [
      'interface Point { x: number }',
      'const p: Point = { x: 1 };',
      'export function twice(v: number): number {',
      '  return v * 2 + p.x;',
      '}',
      'console.log(twice(3));',
    ].join('\n');
    const result = buildSync({ stdin: { contents: source, loader: 'ts', sourcefile: 'input.ts' }, sourcemap: 'external', write: false, outfile: 'out.js', format: 'esm' });
    const code = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
    const map = new SourceMap(JSON.parse(result.outputFiles.find((f) => f.path.endsWith('.map'))!.text));
    const lines = code.split('\n');
    const find = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
    };
    const call = find('twice(3)');
    assert.deepEqual(map.originalPosition(call.line, call.column), { source: 0, line: 6, column: 13 });
    const body = find('v * 2');
    assert.equal(map.originalPosition(body.line, body.column)!.line, 4);
    assert.equal(map.originalPosition(999, 1), null);
  });

  test('malformed mappings are refused clearly', () => {
    assert.throws(() => new SourceMap({ version: 3, sources: [], mappings: 'A!' }), /invalid base64 VLQ character '!'/);
    assert.throws(() => new SourceMap({ version: 2, sources: [], mappings: '' }), /unsupported source map version 2/);
  });
});

suite('tensor summaries', () => {
  test('stats over the finite values, with NaN, ±Infinity and zeros counted', () => {
    const stats = statsOf(new Float64Array([1, 2, 3, NaN, Infinity, -Infinity, 0]));
    assert.deepEqual(stats, { min: 0, max: 3, mean: 1.5, std: Math.sqrt(1.25), l2: Math.sqrt(14), nan: 1, inf: 2, zeros: 1 });
    assert.deepEqual(statsOf(new Float32Array([NaN])), { min: null, max: null, mean: null, std: null, l2: null, nan: 1, inf: 0, zeros: 0 });
    assert.ok(Math.abs(statsOf(new Float64Array([1e8 + 1, 1e8 + 3])).std! - 1) < 1e-9, 'no cancellation for a large mean');
  });

  test('data up to maxElements, a leading sample beyond; float32 in shortest digits', () => {
    const small = summarise(np.array([0.1, NaN, -Infinity, 2]), 10);
    assert.deepEqual(small.data, [0.1, 'NaN', '-Infinity', 2]);
    assert.equal(small.sample, undefined);
    const big = summarise(np.arange(50), 8);
    assert.equal(big.data, undefined);
    assert.deepEqual(big.sample, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(big.stats.max, 49);
    assert.deepEqual(summarise(np.array([1 / 3], { dtype: 'float64' }), 4).data, [1 / 3]);
    assert.deepEqual(summarise(np.array([true, false]), 4).data, [1, 0]);
  });

  test('NaN and infinities survive JSON as strings', () => {
    const encoded = JSON.parse(JSON.stringify([NaN, Infinity, -Infinity, 1.5].map(encodeNumber))) as TraceNumber[];
    assert.deepEqual(encoded, ['NaN', 'Infinity', '-Infinity', 1.5]);
    assert.deepEqual(encoded.map(decodeNumber), [NaN, Infinity, -Infinity, 1.5]);
  });
});

suite('names from source lines', () => {
  test('declarations, assignments and attachGrad name a value', () => {
    assert.equal(nameFromSource('const y = autograd.record(() => x.mul(2));'), 'y');
    assert.equal(nameFromSource('  let logits: NDArray = h.matmul(w2);'), 'logits');
    assert.equal(nameFromSource('    b = b.mul(2);'), 'b');
    assert.equal(nameFromSource('this.weight = np.zeros([3]);'), 'this.weight');
    assert.equal(nameFromSource('x.attachGrad();'), 'x');
    assert.equal(nameFromSource('total += step;'), 'total');
    assert.equal(nameFromSource('const Δw = w.grad!.mul(lr);'), 'Δw');
    assert.equal(nameFromSource('let 损失 = y.sum();'), '损失');
    assert.equal(nameFromSource('$x.attachGrad();'), '$x');
    assert.equal(nameFromSource('      Y.set([i, j], X.get(`${i}:${i + h}`).mul(K).sum());'), 'Y');
    assert.equal(nameFromSource('p.grad!.assign(p.grad!.mul(theta / norm));'), 'p.grad');
    assert.equal(nameFromSource('this.W1.assign(this.W1.sub(g));'), 'this.W1');
    assert.equal(nameFromSource('const 1x = 2;'), null);
    assert.equal(nameFromSource('if (a == b) {'), null);
    assert.equal(nameFromSource('console.log(x);'), null);
    assert.equal(nameFromSource(''), null);
  });
});

suite('binary journal', () => {
  /** A node's fields with nothing set: the records below give what they are about. */
  const LEAF: Omit<NodeRecord<unknown>, 'id' | 'kind' | 'op' | 'value'> = {
    inputs: [], attrs: {}, trainMode: false, recording: false, inGraph: false, gradReq: null, site: null, recordingId: null, previous: null, layer: null, param: null,
  };
  function roundTrip(write: (writer: BinaryJournalWriter) => void, maxElements = 4) {
    const ints: number[] = [];
    const floats: number[] = [];
    const names = new Map<number, string>();
    const writer = new BinaryJournalWriter({ write: (i, f) => { ints.push(...i); floats.push(...f); }, name: (id, text) => names.set(id, text) }, maxElements);
    write(writer);
    writer.flush();
    return { ints: Int32Array.from(ints), floats: Float64Array.from(floats), names };
  }

  test('nodes and steps read back as written, NaN and infinities included, large tensors as samples', () => {
    const { ints, floats, names } = roundTrip((w) => {
      w.node({ ...LEAF, id: 0, kind: 'variable', op: 'arange', inGraph: true, gradReq: 'write', site: 3, value: np.array([0.1, NaN, Infinity]) });
      assert.equal(w.lastNonFinite, true);
      w.node({ id: 1, kind: 'op', op: 'sum', inputs: [0, 0], attrs: { axis: [0], keepdims: false }, trainMode: true, recording: true, inGraph: true, gradReq: null, site: null, recordingId: 2, previous: null, layer: null, param: null, value: np.arange(10) });
      assert.equal(w.lastNonFinite, false);
      const produced = w.step({ pass: 5, node: 1, upstream: np.array(1), contributions: [{ index: 0, grad: np.array([1, -Infinity]) }, { index: 1, grad: np.array([2, 2]) }] });
      assert.deepEqual(produced?.toFlatArray(), [1, -Infinity], 'the contribution that turned finite into infinite');
    });
    const { nodes, steps } = readBinaryJournal(ints, floats, names);
    assert.deepEqual(nodes[0], { ...LEAF, id: 0, kind: 'variable', op: 'arange', inGraph: true, gradReq: 'write', site: 3, value: [[3], 'float32', [Math.fround(0.1), 'NaN', 'Infinity']] });
    const { value, ...node } = nodes[1]!;
    assert.deepEqual(node, { id: 1, kind: 'op', op: 'sum', inputs: [0, 0], attrs: { axis: [0], keepdims: false }, trainMode: true, recording: true, inGraph: true, gradReq: null, site: null, recordingId: 2, previous: null, layer: null, param: null });
    assert.equal(value.length, 4, 'ten elements over a limit of four: a sample with stats');
    assert.deepEqual(value.slice(0, 3), [[10], 'float32', [0, 1, 2, 3]]);
    assert.equal((value[3] as { max: number }).max, 9);
    assert.deepEqual(steps, [{ pass: 5, node: 1, upstream: [[], 'float32', [1]], contributions: [{ index: 0, grad: [[2], 'float32', [1, '-Infinity']] }, { index: 1, grad: [[2], 'float32', [2, 2]] }] }]);
  });

  test('a journal cut short by a kill loses only its last record', () => {
    const { ints, floats, names } = roundTrip((w) => {
      w.node({ ...LEAF, id: 0, kind: 'op', op: 'exp', value: np.array([1, 2]) });
      w.node({ ...LEAF, id: 1, kind: 'op', op: 'exp', value: np.array([3, 4]) });
    });
    const cut = readBinaryJournal(ints.subarray(0, ints.length - 2), floats.subarray(0, floats.length - 1), names);
    assert.deepEqual(cut.nodes.map((n) => n.id), [0]);
    assert.deepEqual(readBinaryJournal(ints, floats.subarray(0, 3), names).nodes.map((n) => n.id), [0]);
  });
});

suite('statement markers', () => {
  test('the table gives where each marked statement begins in the instrumented code', () => {
    const code = 'const a = 1;\nif (a) f(a);\nconst g = (x) => x + 1;\n';
    const insertions = siteMarkers(code, 'M');
    const instrumented = applyInsertions(code, insertions);
    const table = statementTable(code, insertions);
    const lines = instrumented.split('\n');
    const at = (n: number) => lines[table[2 * n]! - 1]!.slice(table[2 * n + 1]! - 1);
    const before = (n: number) => lines[table[2 * n]! - 1]!.slice(0, table[2 * n + 1]! - 1);
    assert.equal(table.length / 2, 5);
    assert.deepEqual([0, 1, 2, 3, 4].map(at), [
      'const a = 1;',
      'if (a) {M[0]=3,M[1]++;f(a);}',
      'const g = (x) => (M[0]=4,M[1]++,x + 1);',
      'f(a);}',
      'x + 1);',
    ]);
    for (let n = 0; n < 5; n++) assert.match(before(n), new RegExp(`M\\[0\\]=${n},M\\[1\\]\\+\\+[;,]$`), `statement ${n} follows its own marker`);
  });

  test('the markers map nowhere (a debugger steps through them), and the code after them maps where it did: a line\'s first mapped column is its statement', () => {
    const source = ['const a = 1;', 'function f(v: number) {', '  const b = v * 2;', '  if (b) g(b);', '  return b;', '}', 'const h = (x: number) => x + a;', 'function g(_: number) {}', 'f(h(1));'].join('\n');
    const result = buildSync({ stdin: { contents: source, loader: 'ts', sourcefile: 'input.ts' }, sourcemap: 'external', write: false, outfile: 'out.js', format: 'esm' });
    const code = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
    const raw = JSON.parse(result.outputFiles.find((f) => f.path.endsWith('.map'))!.text) as { version: number; sources: string[]; mappings: string };
    const insertions = siteMarkers(code, 'M');
    const instrumented = applyInsertions(code, insertions);
    const shifted = shiftSourceMap(raw, lineShifts(code, insertions));
    const before = new SourceMap(raw);
    const after = new SourceMap(shifted);
    const segments = decodeMappings(shifted.mappings);
    const codeLines = code.split('\n');
    instrumented.split('\n').forEach((line, index) => {
      const lineSegments = segments[index] ?? [];
      for (const match of line.matchAll(/M\[0\]=\d+,M\[1\]\+\+[;,]/g)) {
        // The last segment at or before each of its columns is an unmapped one.
        for (let column = match.index; column < match.index + match[0].length; column++) {
          const covering = lineSegments.filter((segment) => segment[0]! <= column).at(-1);
          assert.equal(covering?.length, 1, `line ${index + 1} column ${column}: ${line}`);
        }
        // What follows it maps to where the same code mapped before the markers.
        const rest = line.slice(match.index + match[0].length);
        const original = codeLines[index]!.indexOf(rest.replace(/M\[0\]=\d+,M\[1\]\+\+[;,]/g, ''));
        if (original < 0) continue;
        assert.deepEqual(after.originalPosition(index + 1, match.index + match[0].length + 1), before.originalPosition(index + 1, original + 1), `line ${index + 1}: ${rest}`);
      }
      // An indented statement: nothing before its marker is mapped (a breakpoint binds past the marker).
      const indented = /^(\s+)M\[0\]/.exec(line);
      if (indented) assert.ok(lineSegments.every((segment) => segment.length === 1 || segment[0]! > indented[1]!.length), `line ${index + 1}: ${line}`);
    });
    assert.ok(insertions.length >= 6);
  });
});

/** A source map's mappings, absolute per line: [generatedColumn] or [generatedColumn, source, line, column, …]. */
function decodeMappings(mappings: string): number[][][] {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const state = [0, 0, 0, 0];
  return mappings.split(';').map((line) => {
    let column = 0;
    return line.split(',').filter((segment) => segment.length > 0).map((segment) => {
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = digits.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else { fields.push(value & 1 ? -(value >>> 1) : value >>> 1); value = 0; shift = 0; }
      }
      column += fields[0]!;
      if (fields.length === 1) return [column];
      for (let k = 1; k < fields.length; k++) state[k - 1]! += fields[k]!;
      return [column, ...state.slice(0, fields.length - 1)];
    });
  });
}

suite('source lines of a trace', () => {
  const folder = mkdtempSync(join(tmpdir(), 'gradlens-sources-'));
  const program = join(folder, 'program.ts');
  const other = join(folder, 'other.ts');
  writeFileSync(program, 'const a = 1;\nthrow new Error(String(a));\n');
  writeFileSync(other, 'a line of a file that is not the program\'s\n');
  suiteTeardown(() => rmSync(folder, { recursive: true, force: true }));
  const resolver = new SourceResolver({ mapFile: join(folder, 'bundle.mjs.map'), map: { version: 3, sources: ['program.ts'], mappings: 'AAAA;AACA' }, inputs: [program], statements: Int32Array.of(2, 1) });

  test('are read from the program\'s own files only: a position elsewhere is no source', () => {
    assert.deepEqual(resolver.fromPosition({ file: program, line: 2, column: 7 }), { file: program, line: 2, column: 7, text: 'throw new Error(String(a));' });
    assert.equal(resolver.fromPosition({ file: other, line: 1, column: 1 }), null);
    assert.equal(resolver.fromPosition({ file: '/etc/passwd', line: 1, column: 1 }), null);
  });

  test('a statement number maps through the table and the source map', () => {
    assert.deepEqual(resolver.fromStatement(0), { file: program, line: 2, column: 1, text: 'throw new Error(String(a));' });
    assert.equal(resolver.fromStatement(1), null);
    assert.equal(resolver.fromStatement(-1), null);
  });
});
