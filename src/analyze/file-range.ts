import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { Readable } from "node:stream";
import { endsLine } from "../decoders/format-sniffer.js";

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Bytes `[start, end)` of a file in 64 KiB pieces, read synchronously into one reused buffer (the
 * pipeline copies whatever it keeps). For `analyze`, which has nothing else to do meanwhile: async
 * reads left the parser waiting on the thread pool. 64 KiB suits stream-json on huge lines
 * (test/bench/evidence.md: 2× faster than 1 MiB pieces).
 */
export function* readFileRange(path: string, start = 0, end = Number.POSITIVE_INFINITY): Generator<Buffer> {
  const fd = openSync(path, "r");
  try {
    yield* readPieces(fd, start, end);
  } finally {
    closeSync(fd);
  }
}

/**
 * stdin's bytes from its current offset, read as `readFileRange` reads a file when it is one (the
 * shell's `analyze - < FILE`), else from the stream.
 */
export function readStdin(stream: Readable): Iterable<Buffer> | AsyncIterable<Buffer> {
  const fd = (stream as { fd?: unknown }).fd;
  if (typeof fd === "number" && fstatSync(fd).isFile()) return readPieces(fd, null, Number.POSITIVE_INFINITY);
  return (async function* () {
    for await (const chunk of stream)
      yield typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
  })();
}

/** Pieces of `fd` from `start` (null: its current offset, which the reads move) to `end`. */
function* readPieces(fd: number, start: number | null, end: number): Generator<Buffer> {
  const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let pos = start ?? 0;
  while (pos < end) {
    const n = readSync(fd, buf, 0, Math.min(READ_CHUNK_BYTES, end - pos), start === null ? null : pos);
    if (n === 0) return;
    pos += n;
    yield buf.subarray(0, n);
  }
}

/**
 * A line start after `pos` that is likely between bodies: the first line (within 1 MiB) that
 * starts with neither white space nor `}` `]` `"` (the lines of a pretty-printed body do) and does
 * not continue a container runtime's partial record (README "Container logs"). Only a guess: the
 * caller checks that the first half really ended at rest. -1 when there is none.
 */
export function lineStartNear(path: string, pos: number): number {
  // Copied piece by piece: readFileRange reuses one buffer.
  const window = Buffer.concat(
    Array.from(readFileRange(path, pos, pos + 1024 * 1024), (p) => Buffer.from(p)),
  );
  let first = -1;
  // The line before a candidate must be whole in the window: from the second line start on.
  let prev = window.indexOf(0x0a) + 1;
  while (prev > 0 && prev < window.length) {
    const nl = window.indexOf(0x0a, prev);
    if (nl < 0) break;
    const at = nl + 1;
    if (at >= window.length) break;
    if (first < 0) first = pos + at;
    const b = window[at] as number;
    const plain =
      b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a && b !== 0x7d && b !== 0x5d && b !== 0x22;
    if (plain && endsLine(window, prev, nl > prev && window[nl - 1] === 0x0d ? nl - 1 : nl)) return pos + at;
    prev = at;
  }
  return first;
}
