// What the d2l port tests share: NumPy (python3) as the independent reference, fed the port's data
// as JSON on stdin; spies that record what a training run drew at random (batch orders, initial
// parameters), so that the reference can replay the same run; and closeness checks with messages.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { np, NDArray } from 'gradlens';
import * as d2l from '../../examples/d2l/d2l';

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

/**
 * Records the row order of every shuffled pass: a shuffling gluon DataLoader draws
 * np.random.permutation(n) at the start of each pass (the ports draw it nowhere else).
 */
export function recordShuffles(): { orders: number[][]; restore(): void } {
  const original = np.random.permutation;
  const orders: number[][] = [];
  np.random.permutation = ((...args: Parameters<typeof original>) => {
    const order = original(...args);
    orders.push(order.toFlatArray());
    return order;
  }) as typeof original;
  return { orders, restore: () => { np.random.permutation = original; } };
}

/**
 * The initial parameters of every model `fit` trains: its scratch parameters when `fit` starts
 * (in getScratchParams order), and its gluon parameters by structured name (`net.0.weight`) just
 * before the first optimizer step — gluon layers learn their input sizes at the first call, so
 * their arrays are made by then, and not yet updated.
 */
export function recordInitialParams(): { params: number[][][]; named: Map<string, number[]>[]; restore(): void } {
  const [fit, fitEpoch] = [d2l.Trainer.prototype.fit, d2l.Trainer.prototype.fitEpoch];
  const params: number[][][] = [];
  const named: Map<string, number[]>[] = [];
  d2l.Trainer.prototype.fit = function (this: d2l.Trainer, model: d2l.Module, data: d2l.DataModule) {
    params.push(model.getScratchParams().map((p) => p.toFlatArray()));
    return fit.call(this, model, data);
  };
  d2l.Trainer.prototype.fitEpoch = function (this: d2l.Trainer) {
    if (this.epoch === 0) {
      const optim = this.optim;
      const step = optim.step.bind(optim);
      optim.step = (batchSize: number) => {
        named.push(new Map([...this.model.collectParams()].map(([name, p]) => [name, p.data().toFlatArray()])));
        optim.step = step;
        step(batchSize);
      };
    }
    return fitEpoch.call(this);
  };
  return { params, named, restore: () => { Object.assign(d2l.Trainer.prototype, { fit, fitEpoch }); } };
}

/**
 * Runs `train` while recording the batch order of every shuffled pass and the model's initial
 * parameters (what a NumPy replay needs), and puts the recorders away afterwards.
 */
export function recordedRun<T>(train: () => T): { run: T; orders: number[][]; params: number[][][]; named: Map<string, number[]>[] } {
  const shuffles = recordShuffles();
  const initial = recordInitialParams();
  try {
    return { run: train(), orders: shuffles.orders, params: initial.params, named: initial.named };
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
