// Where a pass's gradient shrinks most on its way to a variable, and why (webview/model/gradientDrop.ts):
// gains computed from the recorded tensors of hand-checked graphs — a saturated sigmoid, a relu
// mostly off, a small weight — the path to one variable, structural ops passed over, the words.
import { strict as assert } from 'node:assert';
import { nodeNames } from '../../protocol/query/names';
import { dropWords, fadePredicate, fadeSubject, gradientDrops, gradientFade, largestDrop, nodeWord, whyBrief, type VanishingWhy } from '../../protocol/query/gradientDrop';
import type { SeriesPoint } from '../../protocol/query/training';
import { at, buildTrace, op, step, tensor, variable } from './trace-builder';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const rms = (values: number[]) => Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);

/** L = sum(σ(a)) with |a| ≥ 5 everywhere: σ′(a) ≤ 0.0067. */
function saturated() {
  const a = [6, -7, 8, 5];
  const s = a.map(sigmoid);
  const ds = s.map((y) => y * (1 - y));
  const trace = buildTrace({
    nodes: [variable(0, 'array', tensor(a), at(1, 'const a = np.array([6, -7, 8, 5]);')), op(1, 'sigmoid', [0], tensor(s), at(2, 'const s = npx.sigmoid(a);')),
      op(2, 'sum', [1], tensor([s.reduce((x, y) => x + y)], []), at(3, 'const L = s.sum();'))],
    passes: [{ heads: [2], steps: [step(2, tensor([1], []), [[1, 0, tensor([1, 1, 1, 1])]]), step(1, tensor([1, 1, 1, 1]), [[0, 0, tensor(ds)]])], leafGrads: [[0, tensor(ds)]] }],
  });
  return { trace, ds };
}

/** L = sum(relu(a)) with one positive element of 200. */
function mostlyOff() {
  const a = Array.from({ length: 200 }, (_, i) => (i === 7 ? 3 : -1 - i));
  const r = a.map((x) => Math.max(x, 0));
  const dr = a.map((x) => (x > 0 ? 1 : 0));
  return buildTrace({
    nodes: [variable(0, 'array', tensor(a), at(1, 'const a = …;')), op(1, 'relu', [0], tensor(r), at(4, 'const r = npx.relu(a);')), op(2, 'sum', [1], tensor([3], []), at(5, 'const L = r.sum();'))],
    passes: [{ heads: [2], steps: [step(2, tensor([1], []), [[1, 0, tensor(new Array(200).fill(1))]]), step(1, tensor(new Array(200).fill(1)), [[0, 0, tensor(dr)]])], leafGrads: [[0, tensor(dr)]] }],
  });
}

/** L = sum(x·W) with W of 0.001s: ∂x = 1·Wᵀ is small, ∂W = xᵀ·1 is not. */
function smallWeight() {
  const W = [1e-3, 1e-3, 1e-3, 1e-3];
  return buildTrace({
    nodes: [variable(0, 'array', tensor([1, 1], [1, 2]), at(1, 'const x = np.ones([1, 2]);')), variable(1, 'array', tensor(W, [2, 2]), at(2, 'const W = np.full([2, 2], 0.001);')),
      op(2, 'dot', [0, 1], tensor([2e-3, 2e-3], [1, 2]), at(3, 'const h = x.dot(W);')), op(3, 'sum', [2], tensor([4e-3], []), at(4, 'const L = h.sum();'))],
    passes: [{
      heads: [3],
      steps: [step(3, tensor([1], []), [[2, 0, tensor([1, 1], [1, 2])]]), step(2, tensor([1, 1], [1, 2]), [[0, 0, tensor([2e-3, 2e-3], [1, 2])], [1, 1, tensor([1, 1, 1, 1], [2, 2])]])],
      leafGrads: [[0, tensor([2e-3, 2e-3], [1, 2])], [1, tensor([1, 1, 1, 1], [2, 2])]],
    }],
  });
}

suite('inspector: where the gradient shrinks most', () => {
  test('a saturated sigmoid: the gain is RMS σ′ (the sum, a reduction, is passed over), and says so', () => {
    const { trace, ds } = saturated();
    const pass = trace.backwardPasses[0]!;
    const drops = gradientDrops(trace, pass);
    assert.deepEqual(drops.map((d) => d.node), [1], 'the sum is structural: not a candidate');
    const drop = largestDrop(trace, pass, 0)!;
    assert.equal(drop.node, 1);
    assert.ok(Math.abs(drop.gain - rms(ds)) < 1e-12, `${drop.gain} against ${rms(ds)}`);
    assert.equal(drop.cause.kind, 'saturated');
    if (drop.cause.kind === 'saturated') assert.deepEqual([drop.cause.share, drop.cause.read, drop.cause.of, Number(drop.cause.max.toFixed(6))], [1, 4, 4, Number((sigmoid(5) * (1 - sigmoid(5))).toFixed(6))]);
    const names = nodeNames(trace);
    assert.equal(dropWords(trace, drop, (id) => names.get(id) ?? `node ${id}`),
      `sigmoid (line 2) is saturated: its derivative is below 0.01 at 100 % of its elements (at most 0.0066 anywhere): the gradient to a is ×${Number(rms(ds).toPrecision(2))} of what reached it.`);
  });

  test('a relu mostly off: 199 of 200 elements pass no gradient', () => {
    const trace = mostlyOff();
    const drop = largestDrop(trace, trace.backwardPasses[0]!, 0)!;
    assert.equal(drop.cause.kind, 'off');
    if (drop.cause.kind === 'off') assert.equal(drop.cause.share, 199 / 200);
    assert.ok(Math.abs(drop.gain - 1 / Math.sqrt(200)) < 1e-12);
    const names = nodeNames(trace);
    assert.match(dropWords(trace, drop, (id) => names.get(id) ?? '?'), /^relu \(line 4\) passes no gradient at 99\.5 % of its elements \(a relu mostly off: its input was ≤ 0 there\): the gradient to a is ×0\.071 of what reached it\.$/);
  });

  test('a small weight shrinks the gradient to x, not to W: the path to each variable decides', () => {
    const trace = smallWeight();
    const pass = trace.backwardPasses[0]!;
    const toX = largestDrop(trace, pass, 0)!;
    assert.deepEqual([toX.node, toX.input, toX.cause], [2, 0, { kind: 'small operand', other: 1, rms: 1e-3 }]);
    assert.ok(Math.abs(toX.gain - 2e-3) < 1e-12);
    assert.equal(largestDrop(trace, pass, 1), null, 'W gets xᵀ·1: no drop on its way');
    assert.deepEqual(gradientDrops(trace, pass).map((d) => d.input), [0, 1], 'without a target, every edge, smallest gain first');
    const names = nodeNames(trace);
    assert.equal(dropWords(trace, toX, (id) => names.get(id) ?? '?'), 'dot (line 3) multiplies the gradient by W, whose values are small (RMS 0.001): the gradient to x is ×0.002 of what reached it.');
  });

  test('nothing notable: a gain above 0.1 is no drop worth naming; a zero upstream is no edge', () => {
    const trace = mostlyOff();
    const pass = trace.backwardPasses[0]!;
    const half = pass.steps[1]!.contributions[0]!;
    half.grad = tensor(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1 : 0)));
    assert.equal(largestDrop(trace, pass, 0), null, `gain ${gradientDrops(trace, pass)[0]?.gain}`);
    pass.steps[1]!.upstream = tensor(new Array(200).fill(0));
    assert.deepEqual(gradientDrops(trace, pass), []);
  });
});

suite('inspector: a gradient that fades through many ops', () => {
  /** L = sum(σ(σ(σ(a)))): three sigmoids, none a tenth alone (σ′ ≤ 0.25), ×0.25³ or less together. */
  function chain() {
    const a = [0.1, -0.2, 0.3, 0.05];
    const s1 = a.map(sigmoid);
    const s2 = s1.map(sigmoid);
    const s3 = s2.map(sigmoid);
    const d = (s: number[]) => s.map((y) => y * (1 - y));
    const g3 = [1, 1, 1, 1];
    const g2 = g3.map((g, i) => g * d(s3)[i]!);
    const g1 = g2.map((g, i) => g * d(s2)[i]!);
    const g0 = g1.map((g, i) => g * d(s1)[i]!);
    const trace = buildTrace({
      nodes: [variable(0, 'array', tensor(a), at(1, 'const a = …;')), op(1, 'sigmoid', [0], tensor(s1), at(2, 'h = npx.sigmoid(a);')),
        op(2, 'sigmoid', [1], tensor(s2), at(2, 'h = npx.sigmoid(a);')), op(3, 'sigmoid', [2], tensor(s3), at(2, 'h = npx.sigmoid(a);')),
        op(4, 'sum', [3], tensor([s3.reduce((x, y) => x + y)], []), at(3, 'const L = h.sum();'))],
      passes: [{
        heads: [4],
        steps: [step(4, tensor([1], []), [[3, 0, tensor(g3)]]), step(3, tensor(g3), [[2, 0, tensor(g2)]]), step(2, tensor(g2), [[1, 0, tensor(g1)]]), step(1, tensor(g1), [[0, 0, tensor(g0)]])],
        leafGrads: [[0, tensor(g0)]],
      }],
    });
    return { trace, gains: [rms(g2) / rms(g3), rms(g1) / rms(g2), rms(g0) / rms(g1)] };
  }

  test('no one op a tenth, three sigmoids together: their count, mean and product of gains, the largest derivative, the one nearest the variable', () => {
    const { trace, gains } = chain();
    const pass = trace.backwardPasses[0]!;
    assert.equal(largestDrop(trace, pass, 0), null);
    const fade = gradientFade(trace, pass, 0)!;
    const product = gains.reduce((x, y) => x * y);
    assert.deepEqual([fade.op, fade.count, fade.nearest], ['sigmoid', 3, 1]);
    assert.ok(Math.abs(fade.together - product) < 1e-12 && Math.abs(fade.each - Math.cbrt(product)) < 1e-12, `${fade.together} ${fade.each}`);
    assert.ok(fade.maxDerivative! <= 0.25 && fade.maxDerivative! > 0.2, String(fade.maxDerivative));
    assert.equal(`${fadeSubject(fade)}: ${fadePredicate(fade)}`,
      `3 sigmoid ops: each ×${Number(Math.cbrt(product).toPrecision(2))} on average (RMS per element), ×${Number(product.toPrecision(2))} together; the derivative is at most 0.25 anywhere — no one op shrinks it a tenth; all of them do.`);
  });

  test('a gradient about to underflow float32 is no candidate: the fade that brought it there is named', () => {
    const { trace } = chain();
    const pass = trace.backwardPasses[0]!;
    // The last step's upstream at 1e-35: a drop to 0 there is float32 rounding, not the op.
    pass.steps[3]!.upstream = tensor([1e-35, 1e-35, 1e-35, 1e-35]);
    pass.steps[3]!.contributions[0]!.grad = tensor([0, 0, 0, 0]);
    assert.equal(largestDrop(trace, pass, 0), null);
    assert.deepEqual([gradientFade(trace, pass, 0)?.count, gradientFade(trace, pass, 0)?.nearest], [2, 2], 'the two sigmoids before it');
    assert.ok(!gradientDrops(trace, pass).some((d) => d.node === 1));
  });

  test('an unnamed input is named by its op and line', () => {
    const { trace } = chain();
    const name = nodeWord(trace);
    assert.deepEqual([name(0), name(2)], ['a', 'the output of sigmoid (line 2)']);
  });
});

suite('the why in a line of Problems', () => {
  const point = (pass: SeriesPoint['pass']): SeriesPoint => ({ pass, index: 0, variable: { series: 0, node: 0, param: null, gradL2: 0, gradMaxAbs: 0, gradMean: 0, gradStd: 0, zeroFraction: 1, nan: 0, inf: 0, valueL2: 1, updateRatio: null } });

  test('a drop: the op, what it does to the gradient, the gain; a fade: the ops and their gain each', () => {
    const { trace } = saturated();
    const pass = trace.backwardPasses[0]!;
    const drop: VanishingWhy = { point: point(pass), drop: largestDrop(trace, pass, 0)! };
    assert.match(whyBrief(trace, drop), /^sigmoid \(line 2\) is saturated at 100 % of its elements \(×0\.00\d+\)$/);
    const off = mostlyOff();
    assert.equal(whyBrief(off, { point: point(off.backwardPasses[0]!), drop: largestDrop(off, off.backwardPasses[0]!, 0)! }), 'relu (line 4) passes none of it at 99.5 % of its elements (×0.071)');
    const small = smallWeight();
    assert.equal(whyBrief(small, { point: point(small.backwardPasses[0]!), drop: largestDrop(small, small.backwardPasses[0]!, 0)! }), 'dot (line 3) multiplies it by W, whose values are small (RMS 0.001) (×0.002)');
  });
});
