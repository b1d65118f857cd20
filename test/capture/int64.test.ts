// An int64 value through the whole capture: journaled by the traced program, assembled into a trace
// that matches the schema (trace() checks it), accepted by the inspector's validation, and written
// to a file and read back unchanged.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../../capture/readTraceFile';
import { writeTraceFile } from '../../capture/traceFile';
import { validateTrace } from '../../protocol/validate';
import { fixture, trace } from '../trace-helpers';

suite('int64 in a trace', function () {
  this.timeout(30_000);

  test('int64 nodes keep their dtype and exact values from the program to the file and back', async () => {
    const result = await trace(fixture('int64.ts'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.trace.run.stdout, 'array([1099511627778,            -1], dtype=int64)\n');
    const int64Nodes = result.trace.nodes.filter((node) => node.dtype === 'int64');
    assert.deepEqual(int64Nodes.map((node) => [node.kind, node.shape, node.value.dtype, node.value.data]), [
      ['constant', [3], 'int64', [1, 0, 1]],
      ['constant', [2], 'int64', [2 ** 40, -3]],
      ['op', [], 'int64', [2 ** 40 - 3]],
    ]);
    assert.equal(int64Nodes[2]!.op, 'sum');
    assert.deepEqual(int64Nodes[0]!.value.stats, { min: 0, max: 1, mean: 2 / 3, std: Math.sqrt(2 / 9), l2: Math.SQRT2, nan: 0, inf: 0, zeros: 1 });
    const validation = validateTrace(JSON.parse(JSON.stringify(result.trace)));
    assert.ok(validation.ok, validation.ok ? '' : validation.problems.join('\n'));

    const work = mkdtempSync(join(tmpdir(), 'gradlens-int64-'));
    try {
      const path = join(work, 'int64.gradlens.json');
      writeTraceFile(result.trace, path);
      const read = readTraceFile(path);
      assert.ok(read.ok, read.ok ? '' : read.problems.join('\n'));
      assert.deepEqual(read.trace.nodes, JSON.parse(JSON.stringify(result.trace.nodes)));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
