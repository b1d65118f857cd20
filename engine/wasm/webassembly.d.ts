/**
 * The part of the WebAssembly API the engine uses, declared here because the engine's own type
 * check sees neither Node's nor the DOM's types (engine/tsconfig.json); elsewhere theirs apply.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    /** An ArrayBuffer, or a SharedArrayBuffer for a shared memory. */
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  function validate(bytes: Uint8Array): boolean;
}
