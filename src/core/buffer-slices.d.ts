// Node's Buffer has fast slicers (what `toString(encoding, start, end)` calls after a switch on the
// encoding, ~10% of the NDJSON profile); @types/node does not declare them.
export {};

declare global {
  interface Buffer {
    utf8Slice(start: number, end: number): string;
    latin1Slice(start: number, end: number): string;
  }
}
