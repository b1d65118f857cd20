/**
 * A Node built-in module, reached without importing it (the engine's bundle requires nothing, so it
 * also runs in a browser or a bare JavaScript context): `process.getBuiltinModule` (Node ≥ 20.16).
 * Undefined anywhere else, or when it throws.
 */
export function nodeBuiltin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(name) as T | undefined;
  } catch {
    return undefined;
  }
}
