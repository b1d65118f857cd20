/** Checks the layers share: per-axis settings, and sizes a layer expects of its input. */
import { engineError, formatShape } from '../../errors';
import type { NDArray } from '../../ndarray';
import { describeValue } from '../../strict';
import { type Block, layerName, origin } from '../block';

/** One size per spatial axis, or one number for every axis. */
export type PerAxis = number | readonly number[];

/** A per-axis setting (`kernelSize`, `strides`, …) as one integer ≥ `least` per spatial axis. */
export function perAxis(op: string, name: string, value: unknown, rank: number, least: number): number[] {
  const list: unknown[] | null = typeof value === 'number' ? Array.from({ length: rank }, () => value) : Array.isArray(value) ? [...value] : null;
  if (list === null || list.length !== rank || !list.every((v) => Number.isInteger(v) && (v as number) >= least)) {
    const what = least === 0 ? 'an integer ≥ 0' : 'a positive integer';
    throw engineError(op, `${name} must be ${what} or a list of ${rank} of them (one per spatial axis), got ${describeValue(value)}`);
  }
  return list as number[];
}

export function positiveInteger(op: string, name: string, value: unknown): number {
  if (!(Number.isInteger(value) && (value as number) >= 1)) throw engineError(op, `${name} must be a positive integer, got ${describeValue(value)}`);
  return value as number;
}

/** A size option where 0 means "learned at the first call". */
export function sizeOrDeferred(op: string, name: string, value: unknown): number {
  if (value === undefined) return 0;
  if (!(Number.isInteger(value) && (value as number) >= 0)) throw engineError(op, `${name} must be a non-negative integer (0: learned at the first call), got ${describeValue(value)}`);
  return value as number;
}

export function booleanSetting(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw engineError(op, `${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

export function numberSetting(op: string, name: string, value: unknown, fallback: number, least = -Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < least) {
    throw engineError(op, `${name} must be a finite number${least > -Infinity ? ` ≥ ${least}` : ''}, got ${describeValue(value)}`);
  }
  return value;
}

/** `(5, 5)`, as gluon prints a layer's tuples. */
export function tuple(values: readonly number[]): string {
  return `(${values.join(', ')}${values.length === 1 ? ',' : ''})`;
}

/**
 * Refuses an input whose size along `axis` is not the one the layer's parameter was made for (a
 * shape mismatch between two layers): names the layer, the parameter's shape and where the input came from.
 */
export function expectSize(block: Block, input: NDArray, axis: number, expected: number, what: string, parameter: { name: string; shape: readonly number[] }): void {
  const actual = input.shape[axis]!;
  if (expected === 0 || expected === actual) return;
  const from = origin(input);
  throw engineError(layerName(block), `expects ${expected} ${what} (its ${parameter.name} is ${formatShape(parameter.shape)}), got ${actual} from an input of shape ${formatShape(input.shape)}${from ? ` made by ${from}` : ''}`);
}

/** Refuses a window (kernel, dilated, or pool) that does not fit the padded input, naming the layer. */
export function expectWindowFits(block: Block, input: NDArray, kernel: readonly number[], padding: readonly number[], dilation: readonly number[]): void {
  kernel.forEach((k, i) => {
    const extent = dilation[i]! * (k - 1) + 1;
    const padded = input.shape[i + 2]! + 2 * padding[i]!;
    if (padded < extent) {
      const from = origin(input);
      throw engineError(layerName(block), `its window ${tuple(kernel)}${dilation.some((d) => d !== 1) ? ` (dilation ${tuple(dilation)})` : ''} does not fit an input of shape ${formatShape(input.shape)}${from ? ` made by ${from}` : ''}: axis ${i + 2} padded is ${padded}, the window spans ${extent}`);
    }
  });
}
