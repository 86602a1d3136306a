import { closeSync, openSync, readSync } from "node:fs";

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
    const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let pos = start;
    while (pos < end) {
      const n = readSync(fd, buf, 0, Math.min(READ_CHUNK_BYTES, end - pos), pos);
      if (n === 0) return;
      pos += n;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A line start at or after `pos` that is likely between bodies: the first line (within 1 MiB) that
 * starts with neither white space nor `}` `]` `"` (the lines of a pretty-printed body do). Only a
 * guess: the caller checks that the first half really ended at rest. -1 when there is none.
 */
export function lineStartNear(path: string, pos: number): number {
  let first = -1;
  let atLineStart = false;
  for (const piece of readFileRange(path, pos, pos + 1024 * 1024)) {
    for (let i = 0; i < piece.length; i++) {
      const b = piece[i] as number;
      if (atLineStart) {
        if (first < 0) first = pos + i;
        if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a && b !== 0x7d && b !== 0x5d && b !== 0x22) {
          return pos + i;
        }
      }
      atLineStart = b === 0x0a;
    }
    pos += piece.length;
  }
  return first;
}
