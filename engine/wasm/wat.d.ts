/**
 * The engine's WebAssembly kernels, assembled from their text (`*.wat`) at build time and bundled
 * as base64 text (scripts/build.mjs, the `wat` plugin): no Buffer, no atob, nothing fetched, so the
 * engine's bundle runs anywhere JavaScript does. kernels/wasmBytes.ts decodes it. Each comes twice:
 * importing the engine's memory as shared (threads), and as an ordinary memory.
 */
declare module '*.wat' {
  const kernel: { readonly shared: string; readonly plain: string };
  export default kernel;
}
