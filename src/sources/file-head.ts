/**
 * Reads at the edges of an open file for its tailer: the first bytes (the fingerprint that tells a
 * truncated or replaced file, README "Sources: how files are followed", checkpoints) and where the
 * last line starts (`startAt: end`).
 */
import type { FileHandle } from "node:fs/promises";

/** How far back `startAt: end` looks for the last newline, so reading starts at a line boundary. */
const END_SCAN_BYTES = 64 * 1024;

/** The first `n` bytes of the file (fewer if it is shorter now). */
export async function readHead(fh: FileHandle, n: number): Promise<Buffer> {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fh.read(buf, got, n - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === n ? buf : buf.subarray(0, got);
}

/** `bytes` begins with `prefix` (the remembered first bytes are still there). */
export function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

/** The offset just after the last newline before `size`, looking back at most END_SCAN_BYTES. */
export async function lineStartBefore(fh: FileHandle, size: number): Promise<number> {
  const n = Math.min(size, END_SCAN_BYTES);
  if (n === 0) return size;
  const tail = Buffer.alloc(n);
  const { bytesRead } = await fh.read(tail, 0, n, size - n);
  const nl = tail.subarray(0, bytesRead).lastIndexOf(0x0a);
  if (nl >= 0) return size - n + nl + 1;
  // No newline at all: the file is one unfinished line; otherwise it is too long to look back over.
  return n === size ? 0 : size;
}
