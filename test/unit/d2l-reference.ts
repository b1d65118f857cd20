// What the d2l port tests share: NumPy (python3) as the independent reference, fed the port's data
// as JSON on stdin; spies that record what a training run drew at random (batch orders, initial
// parameters), so that the reference can replay the same run; and closeness checks with messages.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { NDArray } from 'gradlens';
import * as d2l from '../../examples/d2l/d2l';
import * as gluon from '../../examples/d2l/gluon';

// The ports' cells must not run when a test imports them, and their boards must not print.
d2l.useAsLibrary();

/** Helpers every reference script gets: JSON in, JSON out, and the board's averaging of points. */
const PREAMBLE = `
import json, sys
import numpy as np
inp = json.loads(sys.stdin.read())
def arr(name): return np.array(inp[name], dtype=np.float64)
def board(points, every_n):
    """d2l's ProgressBoard.draw: the mean of each run of every_n points."""
    return [float(np.mean(points[i:i + every_n])) for i in range(0, len(points) - every_n + 1, every_n)]
def done(**out): print(json.dumps(out, default=lambda v: v.tolist()))  # NumPy arrays and scalars as lists and numbers
`;

/** Runs `script` (after the preamble) in python3 with `input` as JSON on stdin; returns what it `done(...)`s. */
export function numpy<T>(script: string, input: Record<string, unknown>): T {
  // Arrays go as nested lists (an NDArray's toJSON would add its shape and dtype).
  const text = JSON.stringify(Object.fromEntries(Object.entries(input).map(([key, value]) => [key, value instanceof NDArray ? value.toArray() : value])));
  const out = execFileSync('python3', ['-c', PREAMBLE + script], { input: text, encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(out) as T;
}

/** Records the row order of every pass of every shuffling DataLoader (the training batches). */
export function recordShuffles(): { orders: number[][]; restore(): void } {
  const original = gluon.DataLoader.prototype.order;
  const orders: number[][] = [];
  gluon.DataLoader.prototype.order = function (this: gluon.DataLoader) {
    const order = original.call(this);
    if (this.shuffle) orders.push(order.toFlatArray());
    return order;
  };
  return { orders, restore: () => { gluon.DataLoader.prototype.order = original; } };
}

/** Copies of a model's scratch parameters taken when `fit` starts, in getScratchParams order. */
export function recordInitialParams(): { params: number[][][]; restore(): void } {
  const original = d2l.Trainer.prototype.fit;
  const params: number[][][] = [];
  d2l.Trainer.prototype.fit = function (this: d2l.Trainer, model: d2l.Module, data: d2l.DataModule) {
    params.push(model.getScratchParams().map((p) => p.toFlatArray()));
    return original.call(this, model, data);
  };
  return { params, restore: () => { d2l.Trainer.prototype.fit = original; } };
}

/**
 * Runs `train` while recording the batch order of every shuffled pass and the model's initial
 * parameters (what a NumPy replay needs), and puts the recorders away afterwards.
 */
export function recordedRun<T>(train: () => T): { run: T; orders: number[][]; params: number[][][] } {
  const shuffles = recordShuffles();
  const initial = recordInitialParams();
  try {
    return { run: train(), orders: shuffles.orders, params: initial.params };
  } finally {
    shuffles.restore();
    initial.restore();
  }
}

/** The y values of a board line. */
export function curve(model: d2l.Module, label: string): number[] {
  const line = model.board.data.get(label);
  assert.ok(line !== undefined, `the board has no '${label}' line (it has ${[...model.board.data.keys()].join(', ')})`);
  return line.map((p) => p.y);
}

/** Every element within atol + rtol·|expected|, with the first difference in the message. */
export function assertAllClose(actual: number[], expected: number[], { rtol = 1e-4, atol = 1e-6 } = {}, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, the reference has ${expected.length}`);
  const bad = actual.findIndex((a, i) => !(Math.abs(a - expected[i]!) <= atol + rtol * Math.abs(expected[i]!)));
  if (bad === -1) return;
  const [a, e] = [actual[bad]!, expected[bad]!];
  const all = actual.length <= 20 ? ` (all: ${actual.join(', ')} vs ${expected.join(', ')})` : '';
  assert.fail(`${what}[${bad}]: ${a}, the reference has ${e} (|diff| ${Math.abs(a - e)}, allowed ${atol + rtol * Math.abs(e)})${all}`);
}
