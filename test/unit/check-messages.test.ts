// The messages between the inspector and its host are checked at run time, both ways: a message is
// accepted only with the fields its type names, of the right kinds; ids resolve against the trace.
import { strict as assert } from 'node:assert';
import { checkExportName, checkHostMessage, checkWebviewMessage, MAX_ERROR_TEXT } from '../../protocol/checkMessages';
import { sourceOf, textOf } from '../../protocol/query/refs';
import type { Trace } from '../../protocol/trace';
import { beforeSeed } from './trace-builder';

const accepted = (value: unknown) => {
  const checked = checkWebviewMessage(value);
  assert.ok(checked.ok, checked.ok ? '' : checked.problem);
  return checked.message;
};
const refused = (value: unknown) => {
  const checked = checkWebviewMessage(value);
  assert.ok(!checked.ok, `accepted ${JSON.stringify(value)}`);
  return checked.problem;
};

suite('checked messages', () => {
  test('webview → host: each type with its fields is accepted, and only its fields are kept', () => {
    assert.deepEqual(accepted({ type: 'webview/ready', extra: 'ignored' }), { type: 'webview/ready' });
    assert.deepEqual(accepted({ type: 'source/reveal', ref: { kind: 'node', id: 3 } }), { type: 'source/reveal', ref: { kind: 'node', id: 3 } });
    assert.deepEqual(accepted({ type: 'source/reveal', ref: { kind: 'error' } }), { type: 'source/reveal', ref: { kind: 'error' } });
    assert.deepEqual(accepted({ type: 'node/selected', nodeIds: [1, 2], source: { file: '/etc/passwd' } }), { type: 'node/selected', nodeIds: [1, 2] });
    assert.deepEqual(accepted({ type: 'step/changed', selection: { kind: 'pass', id: 0 }, view: 'backward', step: 1, total: 2, nodeIds: [4] }),
      { type: 'step/changed', selection: { kind: 'pass', id: 0 }, view: 'backward', step: 1, total: 2, nodeIds: [4] });
    assert.deepEqual(accepted({ type: 'text/open', ref: { kind: 'node', id: 1, field: 'sourceText' } }), { type: 'text/open', ref: { kind: 'node', id: 1, field: 'sourceText' } });
    assert.equal((accepted({ type: 'webview/error', message: 'x'.repeat(MAX_ERROR_TEXT * 2) }) as { message: string }).message.length, MAX_ERROR_TEXT);
    assert.deepEqual(accepted({ type: 'export/save', format: 'png', fileName: 'autograd-pass0.png', data: 'iVBORw0KGgo=', encoding: 'base64' }).type, 'export/save');
    assert.deepEqual(accepted({ type: 'parts/load', parts: [0, 3], path: '/etc/passwd' }), { type: 'parts/load', parts: [0, 3] });
  });

  test('webview → host: anything else is refused with a reason', () => {
    assert.match(refused(null), /not a message/);
    assert.match(refused('webview/ready'), /not a message/);
    assert.match(refused({ type: 'command/run', command: 'workbench.action.terminal.new' }), /unknown message type "command\/run"/);
    assert.match(refused({ type: 'source/reveal', source: { file: '/etc/passwd', line: 1, column: 1, text: '' } }), /ref/);
    assert.match(refused({ type: 'source/reveal', ref: { kind: 'file', path: '/etc/passwd' } }), /ref/);
    assert.match(refused({ type: 'source/reveal', ref: { kind: 'node', id: -1 } }), /ref/);
    assert.match(refused({ type: 'source/reveal', ref: { kind: 'node', id: 1.5 } }), /ref/);
    assert.match(refused({ type: 'node/selected', nodeIds: ['1'] }), /nodeIds/);
    assert.match(refused({ type: 'node/selected', nodeIds: new Array(200_000).fill(1) }), /nodeIds/);
    assert.match(refused({ type: 'step/changed', selection: { kind: 'pass', id: 0 }, view: 'backward', step: 3, total: 2, nodeIds: [] }), /step/);
    assert.match(refused({ type: 'text/open', ref: { kind: 'node', id: 1, field: '__proto__' } }), /ref/);
    assert.match(refused({ type: 'text/open', ref: { kind: 'constructor', field: 'x' } }), /ref/);
    assert.match(refused({ type: 'export/save', format: 'exe', fileName: 'a.exe', data: '', encoding: 'utf8' }), /format/);
    assert.match(refused({ type: 'export/save', format: 'svg', fileName: '../../.bashrc.svg', data: '', encoding: 'utf8' }), /fileName/);
    assert.match(refused({ type: 'export/save', format: 'png', fileName: 'a.png', data: 'not base64!', encoding: 'base64' }), /base64/);
    assert.match(refused({ type: 'export/save', format: 'png', fileName: 'a.png', data: 'AAAA', encoding: 'utf8' }), /base64/);
    assert.match(refused({ type: 'webview/error', message: { toString: 'x' } }), /message/);
    for (const parts of [[], [-1], [1.5], ['0'], 'all', new Array(200_000).fill(0)]) assert.match(refused({ type: 'parts/load', parts }), /parts\/load: "parts" is not a list of part numbers/);
  });

  test('export file names: one plain name with the format\'s extension', () => {
    for (const good of ['graph.png', 'autograd-pass0.svg', 'Δ loss.dot']) assert.ok(checkExportName(good, good.slice(-3) as 'png'), good);
    for (const bad of ['', '.png', 'a/b.png', 'a\\b.png', 'C:x.png', 'a.svg', 'g\u202Egnp.png', 'x'.repeat(300) + '.png', 'a\u0000.png']) {
      assert.equal(checkExportName(bad, 'png'), false, JSON.stringify(bad));
    }
  });

  test('host → webview: known messages with their fields; the trace itself is validated apart', () => {
    assert.ok(checkHostMessage({ type: 'trace/snapshot', trace: {}, selection: { kind: 'pass', id: 1 }, thresholds: { vanishing: 1e-7, exploding: 1e3 } }).ok);
    assert.ok(checkHostMessage({ type: 'step/move', to: 'next' }).ok);
    assert.deepEqual(checkHostMessage({ type: 'view/accessible', extra: '<script>' }), { ok: true, message: { type: 'view/accessible' } }, 'only the type is kept');
    assert.deepEqual(checkHostMessage({ type: 'graph/focus' }), { ok: true, message: { type: 'graph/focus' } });
    assert.ok(checkHostMessage({ type: 'node/focus', nodeIds: [1] }).ok);
    assert.ok(checkHostMessage({ type: 'parts/data', parts: [{}] }).ok, 'each part is checked against the trace on arrival (validateParts.ts)');
    const failed = checkHostMessage({ type: 'parts/failed', parts: [2], problem: 'x'.repeat(MAX_ERROR_TEXT * 2) });
    assert.ok(failed.ok && failed.message.type === 'parts/failed' && failed.message.problem.length === MAX_ERROR_TEXT);
    for (const bad of [{ type: 'step/move', to: 'sideways' }, { type: 'node/focus', nodeIds: 'all' }, { type: 'settings/thresholds', thresholds: { vanishing: -1, exploding: 1 } },
      { type: 'trace/snapshot', trace: {}, focusNode: 'x' }, { type: 'eval', code: 'alert(1)' }, [], 'trace/none',
      { type: 'parts/data', parts: {} }, { type: 'parts/failed', parts: [1], problem: 7 }, { type: 'parts/failed', parts: [], problem: 'x' }]) {
      assert.equal(checkHostMessage(bad).ok, false, JSON.stringify(bad));
    }
  });

  suite('references resolve against the trace', () => {
    let trace: Trace;
    beforeSeed((seed) => { trace = seed; });

    test('a node, a pass, a recording, a break resolve to their lines; unknown ids to null', () => {
      const node = trace.nodes.find((n) => n.source)!;
      assert.deepEqual(sourceOf(trace, { kind: 'node', id: node.id }), node.source);
      const pass = trace.backwardPasses[0]!;
      assert.deepEqual(sourceOf(trace, { kind: 'pass', id: pass.id }), pass.source);
      assert.deepEqual(sourceOf(trace, { kind: 'recording', id: trace.recordings[0]!.id }), trace.recordings[0]!.source);
      assert.deepEqual(sourceOf(trace, { kind: 'break', index: 0 }), trace.graphBreaks[0]!.source);
      assert.equal(sourceOf(trace, { kind: 'node', id: 1e9 }), null);
      assert.equal(sourceOf(trace, { kind: 'break', index: 1e6 }), null);
      assert.equal(sourceOf(trace, { kind: 'error' }), null, 'the seed examples do not throw');
    });

    test('texts: a node\'s op and source text, the run\'s output', () => {
      const node = trace.nodes.find((n) => n.source)!;
      assert.equal(textOf(trace, { kind: 'node', id: node.id, field: 'op' }), node.op);
      assert.equal(textOf(trace, { kind: 'node', id: node.id, field: 'sourceText' }), node.source!.text);
      assert.equal(textOf(trace, { kind: 'output', field: 'stdout' }), trace.run.stdout);
      assert.equal(textOf(trace, { kind: 'node', id: 1e9, field: 'op' }), null);
    });
  });
});
