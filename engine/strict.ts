/**
 * No silent misuse: JavaScript drops arguments a function does not declare, so
 * `np.subtract(a, b, { out: p })` (NumPy's `out=`) would do nothing, and an option with a typo
 * (`{ retain_graph: true }`) would be ignored. Every public function and method refuses both.
 *
 * How many arguments each function takes is a table typed against its signature: a wrong count,
 * or a new function without its entry, does not compile.
 */
import { engineError } from './errors';

type AnyFunction = (...args: never[]) => unknown;

/** The most arguments `F` takes: every parameter, optional ones included; `'any'` for a rest parameter. */
export type MostArguments<F> = F extends (...args: infer P) => unknown ? (number extends P['length'] ? 'any' : Required<P>['length']) : never;

/** One entry per function of `T`: how many arguments it takes, or `'own'` for one that checks them itself (with a better message). */
export type ArgumentCounts<T> = { readonly [K in keyof T as T[K] extends AnyFunction ? K : never]: MostArguments<T[K]> | 'own' };

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];
const ordinal = (i: number) => ORDINALS[i] ?? `${i + 1}th`;

/** An argument as a message shows it: short, never throwing. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return `a list of ${value.length}`;
  const tag = Object.prototype.toString.call(value);
  if (tag !== '[object Object]') return tag === '[object NDArray]' || (value as { shape?: unknown }).shape !== undefined ? 'an array' : tag;
  const keys = Object.keys(value as object);
  return keys.length === 0 ? '{}' : `{ ${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''} }`;
}

function extraArguments(name: string, most: number, args: ArrayLike<unknown>): Error {
  const extra = args[most];
  const outOption = typeof extra === 'object' && extra !== null && !Array.isArray(extra) && Object.hasOwn(extra, 'out');
  const hint = outOption
    ? ': GradLens has no out= argument; write the result into the array instead, p.assign(…)'
    : most === 0 ? '' : ' (it would be ignored)';
  return engineError(name, `takes ${most === 0 ? 'no arguments' : `at most ${most} argument${most === 1 ? '' : 's'}`}, got ${args.length}: the ${ordinal(most)}, ${describeValue(extra)}${hint}`);
}

/** `fn`, refusing calls with more than `most` arguments. */
export function checkedArguments<F extends AnyFunction>(name: string, fn: F, most: number | 'any' | 'own'): F {
  if (most === 'any' || most === 'own') return fn;
  const checked = function (this: unknown) {
    if (arguments.length > most) throw extraArguments(name, most, arguments);
    return (fn as unknown as (...args: unknown[]) => unknown).apply(this, arguments as unknown as unknown[]);
  };
  Object.defineProperty(checked, 'name', { value: fn.name });
  return checked as unknown as F;
}

/** The namespace `ns` with each function checked against its count (`prefix.name` in messages). */
export function checkedNamespace<T extends object>(prefix: string, ns: T, counts: ArgumentCounts<T>): T {
  const out: Record<string, unknown> = { ...(ns as Record<string, unknown>) };
  for (const [key, most] of Object.entries(counts) as [string, number | 'any' | 'own'][]) {
    out[key] = checkedArguments(`${prefix}.${key}`, (ns as Record<string, AnyFunction>)[key]!, most);
  }
  return out as T;
}

/** Replaces the methods of `prototype` named in `counts` by checked ones (`NDArray.name` in messages). */
export function checkMethods(owner: string, prototype: object, counts: Readonly<Record<string, number | 'any' | 'own'>>): void {
  for (const [key, most] of Object.entries(counts)) {
    const method = (prototype as Record<string, AnyFunction>)[key]!;
    Object.defineProperty(prototype, key, { value: checkedArguments(`${owner}.${key}`, method, most), writable: true, configurable: true });
  }
}

/**
 * Refuses an options argument that is not a plain object, or that has a key the function does not
 * read (a typo would otherwise be ignored). `undefined` is no options.
 */
export function checkOptions(name: string, options: unknown, keys: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw engineError(name, `the options must be an object such as { ${keys[0]}: … }, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      throw engineError(name, `unknown option '${key}' (the options are ${keys.map((k) => `'${k}'`).join(', ')})`);
    }
  }
}
