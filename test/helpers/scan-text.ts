import type { Parsed } from "../../src/core/records.js";
import { isFailed, MORE } from "../../src/parsers/body-parser.js";
import { JsonScanner } from "../../src/parsers/json-scanner.js";

/**
 * Runs the JSON scanner over a whole text the way the framer does (line by line, the body starting at
 * the first non-blank byte) and says whether the text is exactly one JSON object, with its facts.
 */
export function scanJsonText(text: string): { ok: boolean; parsed: Parsed | null } {
  const buf = Buffer.from(text, "utf8");
  const scanner = new JsonScanner();
  let pos = 0;
  while (pos < buf.length && isWs(buf[pos] as number)) pos++;
  if (buf[pos] !== 0x7b) return { ok: false, parsed: null };
  let lineEnd = buf.indexOf(10, pos);
  if (lineEnd < 0) lineEnd = buf.length;
  let status = scanner.begin(buf, pos, lineEnd);
  while (status === MORE && lineEnd < buf.length) {
    const start = lineEnd + 1;
    lineEnd = buf.indexOf(10, start);
    if (lineEnd < 0) lineEnd = buf.length;
    status = scanner.feed(buf, start, lineEnd);
  }
  if (status === MORE || isFailed(status)) return { ok: false, parsed: null };
  for (let i = status; i < buf.length; i++) if (!isWs(buf[i] as number)) return { ok: false, parsed: null };
  return { ok: true, parsed: scanner.result() };
}

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;
}
