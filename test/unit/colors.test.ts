// Colouring by magnitude (webview/model/colors.ts): viridis, the log scale and its legend, label
// contrast, and the warning badges.
import { strict as assert } from 'node:assert';
import { badges, COLOR_STEPS, contrastText, luminance, magnitudeScale, quantize, viridis, ZERO_COLOR } from '../../webview/model/colors';
import type { TensorStats } from '../../protocol/trace';

function rgb(color: string): number[] {
  assert.match(color, /^#[0-9a-f]{6}$/);
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

/** Largest channel difference between two '#rrggbb' colours. */
function distance(a: string, b: string): number {
  const [x, y] = [rgb(a), rgb(b)];
  return Math.max(...x.map((c, i) => Math.abs(c - y[i]!)));
}

const stats = (overrides: Partial<TensorStats>): TensorStats => ({
  min: 0, max: 1, mean: 0.5, std: 0.5, l2: 1, nan: 0, inf: 0, zeros: 0, ...overrides,
});

const THRESHOLDS = { vanishing: 1e-7, exploding: 1e3 };

suite('colors: viridis', () => {
  test('the endpoints and the middle are viridis', () => {
    assert.equal(viridis(0), '#440154');
    assert.equal(viridis(1), '#fde725');
    assert.ok(distance(viridis(0.5), '#21918c') <= 3, viridis(0.5)); // matplotlib's viridis(0.5)
    assert.ok(distance(viridis(0.25), '#3b528b') <= 3, viridis(0.25));
    assert.ok(distance(viridis(0.75), '#5ec962') <= 3, viridis(0.75));
  });

  test('out of range and NaN are clamped', () => {
    assert.equal(viridis(-3), viridis(0));
    assert.equal(viridis(7), viridis(1));
    assert.equal(viridis(NaN), viridis(0));
    assert.equal(viridis(Infinity), viridis(1));
  });

  test('lightness rises monotonically from 0 to 1', () => {
    let previous = -1;
    for (let k = 0; k <= 100; k++) {
      const l = luminance(viridis(k / 100));
      assert.ok(l > previous, `luminance at ${k / 100}: ${l} after ${previous}`);
      previous = l;
    }
  });
});

suite('colors: contrast', () => {
  test('dark backgrounds get white labels, light ones black', () => {
    assert.equal(contrastText('#000000'), '#ffffff');
    assert.equal(contrastText('#ffffff'), '#000000');
    assert.equal(contrastText(viridis(0)), '#ffffff');
    assert.equal(contrastText(viridis(1)), '#000000');
    assert.equal(contrastText('#fff'), '#000000');
    assert.equal(contrastText('#1E1E1E'), '#ffffff');
    assert.equal(contrastText(ZERO_COLOR), '#000000');
  });
});

suite('colors: magnitude scale', () => {
  test('log10 bounds over the finite non-zero magnitudes', () => {
    const scale = magnitudeScale([1e-3, null, 0, 10, NaN, Infinity, 1]);
    assert.equal(scale.min, -3);
    assert.equal(scale.max, 1);
  });

  test('colours by log position; zero, missing and out-of-range values', () => {
    const scale = magnitudeScale([1e-3, 1e-1, 10]);
    assert.equal(scale.color(1e-3), viridis(0));
    assert.equal(scale.color(10), viridis(1));
    assert.equal(scale.color(1e-1), viridis(quantize(0.5))); // halfway in log10, not in value
    assert.equal(scale.color(-10), viridis(1), 'magnitudes ignore the sign');
    assert.equal(scale.color(1e-9), viridis(0));
    assert.equal(scale.color(Infinity), viridis(1));
    assert.equal(scale.color(0), ZERO_COLOR);
    assert.equal(scale.color(null), null);
    assert.equal(scale.color(NaN), null);
    assert.ok(![viridis(0), viridis(0.5), viridis(1)].includes(ZERO_COLOR));
  });

  test(`at most ${COLOR_STEPS} colours, evenly spaced (nodes of one colour share a cached texture)`, () => {
    const values = Array.from({ length: 5000 }, (_, i) => 10 ** (-6 + (12 * i) / 4999));
    const scale = magnitudeScale(values);
    const colors = new Set(values.map((v) => scale.color(v)));
    assert.equal(colors.size, COLOR_STEPS);
    assert.equal(quantize(0), 0);
    assert.equal(quantize(1), 1);
    assert.equal(quantize(0.5 / (COLOR_STEPS - 1) - 1e-9), 0);
    assert.equal(quantize(1.5 / (COLOR_STEPS - 1) + 1e-9), 2 / (COLOR_STEPS - 1));
  });

  test('legend labels from min to max, with zero first when zeros were seen', () => {
    assert.deepEqual(magnitudeScale([1e-3, 1]).legend(4), [
      { color: viridis(0), label: '1e-3' },
      { color: viridis(quantize(1 / 3)), label: '1e-2' },
      { color: viridis(quantize(2 / 3)), label: '1e-1' },
      { color: viridis(1), label: '1e+0' },
    ]);
    const withZero = magnitudeScale([0, 1e-2, 1e2]).legend(3);
    assert.deepEqual(withZero.map((entry) => entry.label), ['0', '1e-2', '1e+0', '1e+2']);
    assert.equal(withZero[0]!.color, ZERO_COLOR);
    assert.equal(magnitudeScale([1e-2, 1e2]).legend().length, 5, 'five stops by default');
  });

  test('legend labels get more digits when one would repeat', () => {
    assert.deepEqual(magnitudeScale([0.1, 0.2]).legend(3).map((entry) => entry.label), ['1.0e-1', '1.4e-1', '2.0e-1']);
  });

  test('all magnitudes equal: one colour, one legend entry', () => {
    const scale = magnitudeScale([2, 2, -2]);
    assert.equal(scale.min, Math.log10(2));
    assert.equal(scale.max, scale.min);
    assert.equal(scale.color(2), viridis(0.5));
    assert.equal(scale.color(5), viridis(0.5));
    assert.deepEqual(scale.legend(), [{ color: viridis(0.5), label: '2e+0' }]);
  });

  test('no positive magnitudes: zeros and missing values only', () => {
    const scale = magnitudeScale([0, null, 0]);
    assert.equal(scale.min, 0);
    assert.equal(scale.max, 0);
    assert.equal(scale.color(0), ZERO_COLOR);
    assert.equal(scale.color(null), null);
    assert.deepEqual(scale.legend(), [{ color: ZERO_COLOR, label: '0' }]);
    assert.deepEqual(magnitudeScale([]).legend(), []);
    assert.equal(magnitudeScale([]).color(3), viridis(0.5));
  });
});

suite('colors: badges', () => {
  test('no stats, no badges; a healthy tensor has none', () => {
    assert.deepEqual(badges(undefined, THRESHOLDS, true, 4), []);
    assert.deepEqual(badges(stats({}), THRESHOLDS, true, 4), []);
  });

  test('nan and inf from the counts', () => {
    assert.deepEqual(badges(stats({ nan: 1 }), THRESHOLDS, false, 4), ['nan']);
    assert.deepEqual(badges(stats({ inf: 2 }), THRESHOLDS, false, 4), ['inf']);
    assert.deepEqual(badges(stats({ nan: 1, inf: 1, l2: null }), THRESHOLDS, true, 2), ['nan', 'inf']);
  });

  test('zero when every element is exactly 0 (not vanishing)', () => {
    const zeros = stats({ min: 0, max: 0, mean: 0, std: 0, l2: 0, zeros: 6 });
    assert.deepEqual(badges(zeros, THRESHOLDS, true, 6), ['zero']);
    assert.deepEqual(badges(stats({ zeros: 5 }), THRESHOLDS, true, 6), []);
    assert.deepEqual(badges(stats({ zeros: 0, l2: 0 }), THRESHOLDS, true, 0), [], 'an empty tensor is not flagged');
  });

  test('vanishing for gradients only, between 0 and the threshold', () => {
    assert.deepEqual(badges(stats({ l2: 1e-9 }), THRESHOLDS, true, 4), ['vanishing']);
    assert.deepEqual(badges(stats({ l2: 1e-9 }), THRESHOLDS, false, 4), []);
    assert.deepEqual(badges(stats({ l2: 1e-7 }), THRESHOLDS, true, 4), [], 'the threshold itself is fine');
  });

  test('exploding above the threshold', () => {
    assert.deepEqual(badges(stats({ l2: 1e4 }), THRESHOLDS, true, 4), ['exploding']);
    assert.deepEqual(badges(stats({ l2: 1e4 }), THRESHOLDS, false, 4), ['exploding']);
    assert.deepEqual(badges(stats({ l2: 1e3 }), THRESHOLDS, true, 4), []);
    assert.deepEqual(badges(stats({ l2: 1e4, nan: 1 }), { vanishing: 1e-7, exploding: 1e5 }, true, 4), ['nan']);
  });
});
