// The Training view in headless Chromium on two real training runs: the d2l ports'
// mlp-implementation (the MLP from scratch, 24 passes an epoch) and rnn-scratch (8 passes an
// epoch), traced by runProgram at the default budget (64 MB) through test/fixtures/capture/d2l-train.ts.
// What a user checks: it opens on its own, the loss's words are the run's first and last loss,
// the parameters are named as the port names them, the heatmap has a row each, no gradient
// vanished; a click opens a kept pass's graph, or says a summarised one was summarised with the
// command that keeps it (which does keep it); PageDown steps through the passes and the picker
// follows. Screenshots go to test-results/inspector/.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runProgram } from '../../capture/runner';
import { formatNumber } from '../../protocol/query/format';
import { nodeNames } from '../../protocol/query/names';
import { seriesOf } from '../../protocol/query/training';
import { decodeNumber, isKept, type Trace } from '../../protocol/trace';
import { validateTrace } from '../../protocol/validate';
import { distDir, readWritten, repoRoot } from '../trace-helpers';
import { launch, openPage, results, screenOf, Watch, writePage } from './page-helpers';
import { pixels, pointOf, selection, trainingShown } from './training-helpers';

const program = join(repoRoot, 'test', 'fixtures', 'capture', 'd2l-train.ts');
const SEED = 1;

/** A port's training run traced at the default budget; how long the capture took (ms). */
async function capture(args: string[]): Promise<{ trace: Trace; ms: number }> {
  const t0 = performance.now();
  const result = await runProgram({ file: program, args, capture: true, distDir, seed: SEED, timeoutMs: 240_000 });
  const ms = performance.now() - t0;
  assert.equal(result.exitCode, 0, result.stderr);
  const checked = validateTrace(result.trace);
  assert.ok(checked.ok, checked.ok ? '' : checked.problems.join('; '));
  return { trace: result.trace!, ms };
}

const picked = (page: Page) => page.locator('vscode-dropdown[title="What to show"]').evaluate((e: any) => e.value as string);

/**
 * The parameters as the trace has them, in the order the view lists them (by the pass they first
 * take part in, then by node id): each one's variable name (protocol/query/names) and its ‖∇‖ at
 * the last pass.
 */
function paramsInTrace(trace: Trace): { name: string; lastNorm: number | null }[] {
  const names = nodeNames(trace);
  const last = trace.backwardPasses.length - 1;
  return seriesOf(trace)
    .sort((a, b) => a.points[0]!.index - b.points[0]!.index || a.points[0]!.variable.node - b.points[0]!.variable.node)
    .map((s) => ({
      name: s.points.map((p) => names.get(p.variable.node)).find((n) => n !== undefined) ?? '?',
      lastNorm: s.points.find((p) => p.index === last)?.variable.gradL2 ?? null,
    }));
}

interface Port {
  port: string;
  epochs: number;
  passesPerEpoch: number;
  /** The parameters as the port's source names them, in the order they are made. */
  params: string[];
  screenshot: string;
}

const PORTS: Port[] = [
  // 4 epochs: at 2 (48 passes) the budget keeps 34 of them; at 4 most are summarised.
  { port: 'mlp-implementation', epochs: 4, passesPerEpoch: 24, params: ['this.W1', 'this.b1', 'this.W2', 'this.b2'], screenshot: 'training-d2l-mlp.png' },
  { port: 'rnn-scratch', epochs: 3, passesPerEpoch: 8, params: ['this.Wxh', 'this.Whh', 'this.bh', 'this.Whq', 'this.bq'], screenshot: 'training-d2l-rnn.png' },
];

/** The heatmap's axis under its rows (webview/ui/heatmap.ts AXIS_HEIGHT). */
const HEATMAP_AXIS = 30;

suite('the Training view on the d2l ports\' training runs', function () {
  this.timeout(180_000);
  let browser: Browser;
  const watch = new Watch();
  const traces = new Map<string, Trace>();
  const work = mkdtempSync(join(tmpdir(), 'gradlens-training-d2l-'));

  suiteSetup(async function () {
    this.timeout(600_000);
    for (const { port, epochs } of PORTS) {
      const { trace, ms } = await capture([port, String(epochs)]);
      traces.set(port, trace);
      console.log(`      (${port}, ${epochs} epochs: ${trace.backwardPasses.length} passes traced in ${(ms / 1000).toFixed(1)} s, ${trace.run.keep!.kept} kept, ${trace.run.keep!.summarised} summarised)`);
    }
    browser = await launch();
  });

  suiteTeardown(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  for (const { port, epochs, passesPerEpoch, params, screenshot } of PORTS) {
    test(`${port}: opens on the Training view; the loss from first to last, the parameters as the port names them, a heatmap row each, no gradient vanished`, async () => {
      const trace = traces.get(port)!;
      const passes = trace.backwardPasses;
      assert.equal(passes.length, epochs * passesPerEpoch);
      assert.ok(passes.filter((p) => !isKept(p)).length > passes.length / 3, `many passes summarised: ${JSON.stringify(trace.run.keep)}`);
      const page = await openPage(browser, watch, writePage(`training-d2l-${port}`, trace));
      await trainingShown(page);
      assert.deepEqual(await selection(page), { kind: 'training' }, 'a run of 20 passes or more opens on it');
      assert.equal(await picked(page), 'training');
      const loss = (i: number) => decodeNumber(passes[i]!.summary!.head!);
      const lossWords = (await page.locator('.training .run-chart').first().getAttribute('aria-label'))!;
      assert.ok(lossWords.startsWith(`Loss: loss ${formatNumber(loss(0))} → ${formatNumber(loss(passes.length - 1))} over ${passes.length} passes; lowest `), lossWords);
      assert.ok(loss(passes.length - 1) < loss(0), 'it learns');
      // The names: the port's `this.W1 = …` lines, as the trace's variable names have them.
      const inTrace = paramsInTrace(trace);
      assert.deepEqual(inTrace.map((p) => p.name), params);
      const legend = (await page.locator('.training .uplot').nth(1).locator('.u-legend .u-label').allInnerTexts()).filter((l) => l !== 'pass #');
      assert.deepEqual(legend, params, 'the ‖∇‖ chart\'s series, in the order the port makes them');
      assert.deepEqual(await page.locator('.training .findings p').allInnerTexts(),
        ['No parameter\'s gradient vanished (‖∇‖ below 1e-7 to the end of the run), and the loss stayed finite.']);
      assert.match((await page.locator('.training .heatmap').getAttribute('aria-label'))!,
        new RegExp(`^Heatmap of gradient norms: ${params.length} parameters × ${passes.length} passes; ‖∇‖ from \\S+ to \\S+$`));
      const heat = await pixels(page, '.training canvas.heatmap-canvas', null);
      assert.ok(heat.opaque > 10_000 && heat.colors > 20, `the heatmap is drawn: ${JSON.stringify(heat)}`);
      // One row per parameter: the last column's cell of each row names it, with its ‖∇‖ at the last pass.
      const canvas = page.locator('.training canvas.heatmap-canvas');
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      const rowHeight = (box.height - HEATMAP_AXIS) / params.length;
      assert.ok(Number.isInteger(rowHeight) && rowHeight >= 2, `rows of ${rowHeight} px`);
      const tooltip = page.locator('.training .graph-tooltip');
      for (const [row, param] of inTrace.entries()) {
        await page.mouse.move(box.x + box.width - 12, box.y + (row + 0.5) * rowHeight);
        await tooltip.waitFor();
        const text = await tooltip.innerText();
        assert.ok(text.startsWith(`${param.name} · pass #${passes.length}\n‖∇‖ ${formatNumber(param.lastNorm!)} · `), `row ${row}: ${text}`);
      }
      await page.mouse.move(0, 0);
      await page.locator('.summary-screen').evaluate((e) => { e.scrollTop = 0; });
      await page.screenshot({ path: join(results, screenshot) });
      await page.close();
    });

    test(`${port}: a click on a kept pass opens its graph; PageDown goes on to the next pass, summarised, and the picker follows`, async () => {
      const trace = traces.get(port)!;
      const passes = trace.backwardPasses;
      // A kept pass followed by a summarised one and another pass.
      const k = passes.findIndex((p, i) => i > 0 && isKept(p) && passes[i + 1] && !isKept(passes[i + 1]!) && passes[i + 2]);
      assert.ok(k > 0, 'a kept pass before a summarised one');
      assert.equal(new Set(passes.map((p) => p.source?.line)).size, 1, 'one backward line (the trainer\'s)');
      const page = await openPage(browser, watch, writePage(`training-d2l-${port}-click`, trace));
      await trainingShown(page);
      const at = await pointOf(page, 0, k + 1, 1, passes.length);
      await page.mouse.click(at.x, at.y);
      await page.waitForFunction(() => (globalThis as any).gradlens.app.state.selection?.kind === 'pass');
      assert.deepEqual(await selection(page), { kind: 'pass', id: passes[k]!.id });
      assert.equal(await page.evaluate(() => (globalThis as any).gradlens.app.state.view), 'backward');
      assert.equal(await screenOf(page), 'graph');
      assert.equal(await picked(page), `pass:${passes[k]!.id}`);
      await page.evaluate(() => (globalThis as any).document.activeElement?.blur());
      await page.keyboard.press('PageDown');
      const next = passes[k + 1]!;
      assert.deepEqual(await selection(page), { kind: 'pass', id: next.id });
      assert.equal(await picked(page), `pass:${next.id}`, 'the picker shows the pass PageDown opened');
      await page.locator('.summarised-pass').waitFor();
      assert.equal(await screenOf(page), 'summarised pass');
      assert.equal(await page.locator('.summarised-pass h1').innerText(), `Pass #${k + 2} · loss ${formatNumber(decodeNumber(next.summary!.head!))} · summarised`);
      assert.equal(await page.locator('.summarised-pass code.keep-command').innerText(),
        `gradlens trace ${program} --seed ${SEED} --keep ${k + 2} -- ${port} ${epochs}`);
      await page.keyboard.press('PageDown');
      assert.deepEqual(await selection(page), { kind: 'pass', id: passes[k + 2]!.id });
      assert.equal(await picked(page), `pass:${passes[k + 2]!.id}`);
      await page.keyboard.press('PageUp');
      await page.keyboard.press('PageUp');
      assert.deepEqual(await selection(page), { kind: 'pass', id: passes[k]!.id }, 'PageUp comes back');
      assert.equal(await screenOf(page), 'graph');
      await page.close();
    });

    test(`${port}: a click on a summarised pass says so, with the command that keeps it (--keep numbers passes from 1)`, async function () {
      const trace = traces.get(port)!;
      const passes = trace.backwardPasses;
      const mid = passes.findIndex((p, i) => i >= passes.length >> 1 && !isKept(p));
      const page = await openPage(browser, watch, writePage(`training-d2l-${port}-summarised`, trace));
      await trainingShown(page);
      const at = await pointOf(page, 0, mid + 1, 1, passes.length);
      await page.mouse.click(at.x, at.y);
      const note = page.locator('.training-note');
      await note.waitFor();
      const text = await note.innerText();
      assert.ok(text.startsWith(`Pass #${mid + 1} was summarised: only its statistics were kept.`), text);
      const command = await note.locator('code').innerText();
      assert.equal(command, `gradlens trace ${program} --seed ${SEED} --keep ${mid + 1} -- ${port} ${epochs}`);
      assert.deepEqual(await selection(page), { kind: 'training' }, 'no empty graph opened');
      await page.close();
      if (port !== 'rnn-scratch') return; // the shorter run: the command does what it says
      const words = command.split(' ');
      assert.deepEqual(words.slice(0, 2), ['gradlens', 'trace']);
      const out = join(work, `${port}.gradlens.json`);
      const dash = words.indexOf('--');
      const cli = [join(distDir, 'cli.js'), ...words.slice(1, dash), '-o', out, '--timeout', '240', ...words.slice(dash)];
      const ran = spawnSync(process.execPath, cli, { encoding: 'utf8', timeout: 300_000 });
      assert.equal(ran.status, 0, ran.stderr);
      const again = readWritten(out);
      assert.equal(again.backwardPasses.length, passes.length);
      assert.equal(isKept(again.backwardPasses[mid]!), true, `pass #${mid + 1} kept: ${JSON.stringify(again.run.keep)}`);
      assert.ok(again.backwardPasses[mid]!.steps.length > 0, 'with its steps');
      assert.deepEqual(again.backwardPasses.map((p) => p.summary!.head), passes.map((p) => p.summary!.head), 'the same run: every loss as before');
    });
  }

  test('no page errors, dialogs, console errors or CSP violations along the way', () => {
    assert.deepEqual(watch.problems, []);
  });
});
