/**
 * Facts derived from a trace, computed once per trace: a trace is never changed after it is read,
 * so a value kept beside it (weakly: it goes with the trace) stays true.
 */
import type { Trace } from '../trace';

export interface PerTrace<T> {
  (trace: Trace): T;
  /** Keeps a value already computed on the way (validation builds the node index as it walks). */
  remember(trace: Trace, value: T): void;
}

export function perTrace<T>(compute: (trace: Trace) => T): PerTrace<T> {
  const kept = new WeakMap<Trace, T>();
  const get = (trace: Trace): T => {
    if (kept.has(trace)) return kept.get(trace)!;
    const value = compute(trace);
    kept.set(trace, value);
    return value;
  };
  return Object.assign(get, { remember: (trace: Trace, value: T) => { kept.set(trace, value); } });
}
