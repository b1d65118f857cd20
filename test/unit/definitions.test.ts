// The op definitions (engine/ops/defs/*.ts): every API name an entry gives is where it says.
import { strict as assert } from 'node:assert';
import { NDArray, np, npx } from 'gradlens';
import { NN_OPS } from '../../engine/ops/defs/nn';
import { INDEXING_OPS } from '../../engine/ops/defs/indexing';
import { CONV_OPS } from '../../engine/ops/defs/conv';
import { UNARY_OPS } from '../../engine/ops/defs/unary';
import type { OpApi } from '../../engine/ops/defs/types';

const FAMILIES: Record<string, Record<string, { api: OpApi }>> = { unary: UNARY_OPS, nn: NN_OPS, indexing: INDEXING_OPS, conv: CONV_OPS };

suite('op definitions', () => {
  for (const [family, defs] of Object.entries(FAMILIES)) {
    test(`${family}: each entry's np, npx and method names are functions there`, () => {
      let names = 0;
      for (const [name, { api }] of Object.entries(defs)) {
        if (api.gradientOf !== undefined) {
          // Recorded only by another op's gradient: that op is in the same family and in the API.
          assert.ok(defs[api.gradientOf] !== undefined, `${name} is the gradient of ${api.gradientOf}, which is no op of ${family}`);
          assert.equal(api.np ?? api.npx ?? api.method, undefined, `${name}: a gradient op has no API of its own`);
          continue;
        }
        assert.ok(api.np !== undefined || api.npx !== undefined || api.method !== undefined, `${name} is nowhere in the API`);
        if (api.np !== undefined) assert.equal(typeof (np as Record<string, unknown>)[api.np], 'function', `np.${api.np} (${name})`);
        if (api.npx !== undefined) assert.equal(typeof (npx as Record<string, unknown>)[api.npx], 'function', `npx.${api.npx} (${name})`);
        if (api.method !== undefined) assert.equal(typeof (NDArray.prototype as unknown as Record<string, unknown>)[api.method], 'function', `NDArray.${api.method} (${name})`);
        names++;
      }
      assert.ok(names > 0);
    });
  }
});
