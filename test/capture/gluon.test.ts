// A gluon model in a trace: each parameter leaf carries its structured name (net.0.weight), made
// at the first call (deferred shape) or before; each op carries the path of the block it ran in.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Trace } from '../../protocol/trace';
import { nodeNames } from '../../protocol/query/names';
import { summarizeTrace } from '../../capture/summary';
import { repoRoot, trace } from '../trace-helpers';

suite('gluon models, traced', () => {
  let t: Trace;

  suiteSetup(async function () {
    this.timeout(30_000);
    const result = await trace(join(repoRoot, 'test', 'fixtures', 'capture', 'gluon-mlp.ts'));
    assert.equal(result.exitCode, 0, result.stderr);
    t = result.trace;
  });

  test('parameters are named by the model, in every step', () => {
    const params = t.nodes.filter((n) => n.param !== undefined);
    const names = params.map((n) => n.param);
    for (const name of ['net.0.weight', 'net.0.bias', 'net.1.weight', 'net.1.bias']) {
      assert.equal(names.filter((n) => n === name).length, 2, `${name} in both steps: ${names.join(', ')}`);
    }
    assert.ok(params.every((n) => n.kind === 'variable'));
    const second = params.filter((n) => n.previous !== undefined);
    assert.equal(second.length, 4, 'the second step names the first step\'s parameters as previous versions');
    const first = (name: string) => params.find((n) => n.param === name)!;
    assert.deepEqual(first('net.0.weight').attrs, { init: 'Normal(0.1)' }, 'made at the first call, with the global initializer');
    assert.deepEqual(first('net.0.bias').attrs, { init: 'Zero()' }, 'a bias keeps its own');
    const byName = nodeNames(t);
    for (const node of params) assert.equal(byName.get(node.id), node.param);
  });

  test('ops carry the layer they ran in', () => {
    const first = t.recordings[0]!.nodes.map((id) => t.nodes.find((n) => n.id === id)!);
    const layers = first.map((n) => `${n.op}@${n.layer ?? '-'}`);
    assert.ok(layers.includes('matmul@net.0'), layers.join(' '));
    assert.ok(layers.includes('relu@net.0'), layers.join(' '));
    assert.ok(layers.includes('matmul@net.1'), layers.join(' '));
    assert.ok(layers.includes('mul@'), 'ops in the model\'s own forward have the root path');
    assert.ok(layers.includes('square@-') && layers.includes('mean@-'), 'ops outside every block have none');
  });

  test('the trace lists the blocks by path, as gluon prints them', () => {
    assert.deepEqual(t.layers, { 'net.0': 'Dense(5 -> 4, relu)', 'net.1': 'Dense(4 -> 2)', net: 'Sequential', '': 'MLP' });
  });

  test('the summary lists the parameters by name', () => {
    const summary = summarizeTrace(t, repoRoot);
    for (const name of ['net.0.weight', 'net.1.bias']) assert.match(summary, new RegExp(`  ${name.replace(/\./g, '\\.')}\\.grad`));
  });
});
