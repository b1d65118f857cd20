// protocol/query/opKinds.ts against the engine's op definitions: every reduction, indexing and
// layout op is structural, every linear-algebra op a product, and every name listed is an op.
import { strict as assert } from 'node:assert';
import { CONV_OPS } from '../../engine/ops/defs/conv';
import { ELEMENTWISE_OPS } from '../../engine/ops/defs/elementwise';
import { INDEXING_OPS } from '../../engine/ops/defs/indexing';
import { LAYOUT_OPS } from '../../engine/ops/defs/layout';
import { LINALG_OPS } from '../../engine/ops/defs/linalg';
import { MATH_OPS } from '../../engine/ops/defs/math';
import { NN_OPS } from '../../engine/ops/defs/nn';
import { REDUCE_OPS } from '../../engine/ops/defs/reduce';
import { UNARY_OPS } from '../../engine/ops/defs/unary';
import { PRODUCT_OPS, STRUCTURAL_OPS } from '../../protocol/query/opKinds';

suite('op kinds', () => {
  test('every reduction, indexing and layout op is structural; every linear-algebra op is a product', () => {
    for (const op of [...Object.keys(REDUCE_OPS), ...Object.keys(INDEXING_OPS), ...Object.keys(LAYOUT_OPS)]) assert.ok(STRUCTURAL_OPS.has(op), op);
    for (const op of Object.keys(LINALG_OPS)) assert.ok(PRODUCT_OPS.has(op), op);
  });

  test('every name listed is an op of the engine', () => {
    const ops = new Set([CONV_OPS, ELEMENTWISE_OPS, INDEXING_OPS, LAYOUT_OPS, LINALG_OPS, MATH_OPS, NN_OPS, REDUCE_OPS, UNARY_OPS].flatMap((family) => Object.keys(family)));
    for (const op of [...PRODUCT_OPS, ...STRUCTURAL_OPS]) assert.ok(ops.has(op), `${op} is an op`);
  });
});
