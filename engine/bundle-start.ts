/**
 * Marks where the engine's code begins in a bundle. It must import nothing, so that it is the first
 * engine module a bundler emits; `index.ts` marks the end. Errors use the range to start their stack
 * at the user's call rather than deep in the engine (see `errors.ts`).
 */
export const ENGINE_START_MARK: Error = new Error('gradlens engine start');
