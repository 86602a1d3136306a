#!/usr/bin/env node
/**
 * The line-split floor (issue 10): reads stdin in 64 KiB pieces, as `analyze -` does, finds every
 * "\n" with Buffer#indexOf and does nothing else. What it costs is the least any line-based reader
 * of that input can cost on this machine; the bench reports our one-thread speed as a share of it.
 * Prints the number of lines (the bench checks it against the truth, so the floor is not a no-op).
 */
import { readSync } from "node:fs";

const buf = Buffer.allocUnsafe(64 * 1024);
let lines = 0;
let partial = false;
for (;;) {
  let n;
  try {
    n = readSync(0, buf, 0, buf.length, null);
  } catch (e) {
    if (e.code === "EAGAIN") continue; // a non-blocking pipe with nothing yet
    throw e;
  }
  if (n === 0) break;
  const piece = n === buf.length ? buf : buf.subarray(0, n);
  for (let at = piece.indexOf(10); at !== -1; at = piece.indexOf(10, at + 1)) lines++;
  partial = piece[n - 1] !== 10;
}
if (partial) lines++;
process.stdout.write(`${lines}\n`);
