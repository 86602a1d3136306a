// The part of the WebAssembly JavaScript API that log-unescape.ts uses: Node has it as a global, but
// only TypeScript's DOM library declares it, which this project does not load.
export {};

declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module, imports: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
    class Memory {
      constructor(descriptor: { initial: number });
      readonly buffer: ArrayBuffer;
    }
  }
}
