/**
 * The engine's WebAssembly kernels, assembled from their text (`*.wat`) at build time and bundled
 * as base64 text (scripts/build.mjs, the `wat` plugin): no Buffer, no atob, nothing fetched, so the
 * engine's bundle runs anywhere JavaScript does. kernels/wasmBytes.ts decodes it.
 */
declare module '*.wat' {
  const base64: string;
  export default base64;
}
