// The op definitions (engine/ops/defs/*.ts): every API name an entry gives is where it says.
import { strict as assert } from 'node:assert';
import { NDArray, np, npx } from 'gradlens';
import { NN_OPS } from '../../engine/ops/defs/nn';
import { INDEXING_OPS } from '../../engine/ops/defs/indexing';
import { ELEMENTWISE_OPS } from '../../engine/ops/defs/elementwise';
import { REDUCE_OPS } from '../../engine/ops/defs/reduce';
import { LINALG_OPS } from '../../engine/ops/defs/linalg';
import { LAYOUT_OPS } from '../../engine/ops/defs/layout';
import { CONV_OPS } from '../../engine/ops/defs/conv';
import { MATH_OPS } from '../../engine/ops/defs/math';
import { UNARY_OPS } from '../../engine/ops/defs/unary';
import type { OpApi } from '../../engine/ops/defs/types';

const FAMILIES: Record<string, Record<string, { api: OpApi }>> = { unary: UNARY_OPS, nn: NN_OPS, elementwise: ELEMENTWISE_OPS, reduce: REDUCE_OPS, linalg: LINALG_OPS, layout: LAYOUT_OPS, indexing: INDEXING_OPS, conv: CONV_OPS, math: MATH_OPS };

/** `np.linalg.norm` from 'linalg.norm': a dotted name reads a namespace inside np. */
function member(root: object, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined), root);
}

suite('op definitions', () => {
  for (const [family, defs] of Object.entries(FAMILIES)) {
    test(`${family}: each entry's np, npx and method names are functions there`, () => {
      let names = 0;
      for (const [name, { api }] of Object.entries(defs)) {
        if (api.gradientOf !== undefined) {
          // Recorded only by another op's gradient (tanhGrad, takeGrad, a convolution's data gradient): that op is defined.
          assert.ok(Object.values(FAMILIES).some((other) => other[api.gradientOf!] !== undefined), `${name} is the gradient of ${api.gradientOf}, which is no op`);
          assert.equal(api.np ?? api.npx ?? api.method, undefined, `${name}: a gradient op has no API of its own`);
          continue;
        }
        assert.ok(api.np !== undefined || api.npx !== undefined || api.method !== undefined, `${name} is nowhere in the API`);
        if (api.np !== undefined) assert.equal(typeof member(np, api.np), 'function', `np.${api.np} (${name})`);
        if (api.npx !== undefined) assert.equal(typeof (npx as Record<string, unknown>)[api.npx], 'function', `npx.${api.npx} (${name})`);
        if (api.method !== undefined) assert.equal(typeof (NDArray.prototype as unknown as Record<string, unknown>)[api.method], 'function', `NDArray.${api.method} (${name})`);
        names++;
      }
      assert.ok(names > 0);
    });
  }
});
