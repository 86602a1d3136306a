// The part of the WebAssembly JavaScript API that log-unescape.ts uses: Node has it as a global, but
// only TypeScript's DOM library declares it, which this project does not load.
export {};

declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module);
      readonly exports: Record<string, unknown>;
    }
    interface Memory {
      readonly buffer: ArrayBuffer;
      grow(pages: number): number;
    }
  }
}
