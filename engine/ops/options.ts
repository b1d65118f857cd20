/**
 * Checking the options object of an `npx` function (MXNet's keyword arguments): every key one the
 * function knows, every value of the type it needs, each refusal naming the function and the option.
 */
import { engineError, formatShape } from '../errors';
import { NDArray } from '../ndarray';
import { checkOptions } from '../strict';

/** A value as a message quotes it: an array by its shape, a string in quotes, an object as JSON. */
export function describe(value: unknown): string {
  if (value instanceof NDArray) return `an NDArray of shape ${formatShape(value.shape)}`;
  if (typeof value === 'object' && value !== null) {
    try { return JSON.stringify(value); } catch { return Object.prototype.toString.call(value); }
  }
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The options object (none given: {}), every key one of `names` (strict.ts's check, as every function's). */
export function readOptions(op: string, options: unknown, names: readonly string[]): Record<string, unknown> {
  if (options instanceof NDArray) throw engineError(op, `the options must be an object such as { ${names[0]}: … }, got ${describe(options)}`);
  checkOptions(op, options, names);
  return (options ?? {}) as Record<string, unknown>;
}

/** The option `name`, or `fallback` when it is not given (undefined: a null is a value, and is checked). */
export function option(options: Record<string, unknown>, name: string, fallback: unknown): unknown {
  return options[name] === undefined ? fallback : options[name];
}

export function booleanOption(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw engineError(op, `${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** A number that is not NaN (±Infinity allowed: a mask value of −∞ is common). */
export function numberOption(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw engineError(op, `${name} must be a number, got ${describe(value)}`);
  return value;
}

export function finiteNumberOption(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw engineError(op, `${name} must be a finite number, got ${describe(value)}`);
  return value;
}

export function nonNegativeNumberOption(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw engineError(op, `${name} must be a number ≥ 0, got ${describe(value)}`);
  return value;
}

export function positiveNumberOption(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw engineError(op, `${name} must be a positive number, got ${describe(value)}`);
  return value;
}

export function positiveIntegerOption(op: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw engineError(op, `${name} must be a positive integer, got ${describe(value)}`);
  return value as number;
}

export function choiceOption<T extends string>(op: string, name: string, value: unknown, choices: readonly T[]): T {
  if (!(choices as readonly unknown[]).includes(value)) {
    const listed = choices.map((c) => `'${c}'`);
    throw engineError(op, `${name} must be ${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}, got ${describe(value)}`);
  }
  return value as T;
}

/** An axis of `array` (named `what` in the message), made non-negative. */
export function axisOption(op: string, value: unknown, array: NDArray, what: string): number {
  const ndim = array.ndim;
  if (!Number.isInteger(value) || (value as number) < -ndim || (value as number) >= ndim) {
    throw engineError(op, `axis must be an integer in [${-ndim}, ${ndim}) for ${what} of shape ${formatShape(array.shape)}, got ${describe(value)}`);
  }
  const axis = value as number;
  return axis < 0 ? axis + ndim : axis;
}

/** An integer ≥ 0 (np.var's ddof). */
export function nonNegativeIntegerOption(op: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw engineError(op, `${name} must be an integer ≥ 0, got ${describe(value)}`);
  return value as number;
}
