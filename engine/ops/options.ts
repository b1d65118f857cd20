/** Checking the arguments NumPy takes by keyword (`{ ddof: 1 }`, `{ mode: 'edge' }`): quoted back when refused. */
import { engineError, formatShape } from '../errors';
import { NDArray } from '../ndarray';

/** An argument as an error message quotes it: 'edge', [[1, 2]], an NDArray of shape (2, 3). */
export function quote(value: unknown): string {
  if (value instanceof NDArray) return `an NDArray of shape ${formatShape(value.shape)}`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value); // Infinity and NaN, which JSON would write as null
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** The options object (undefined gives {}), every key one of `names`. */
export function checkOptions(op: string, options: unknown, names: readonly string[], example: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options) || options instanceof NDArray) {
    throw engineError(op, `options must be an object such as ${example}, got ${quote(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!names.includes(key)) throw engineError(op, `unknown option '${key}' (the options are ${names.join(', ')})`);
  }
  return options as Record<string, unknown>;
}

/** A boolean option, `fallback` when missing. */
export function booleanOption(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw engineError(op, `${name} must be true or false, got ${quote(value)}`);
  return value;
}

/** An integer ≥ `least`. */
export function integerArgument(op: string, name: string, value: unknown, least: number): number {
  if (!Number.isInteger(value) || (value as number) < least) {
    throw engineError(op, `${name} must be an integer ≥ ${least}, got ${quote(value)}`);
  }
  return value as number;
}
