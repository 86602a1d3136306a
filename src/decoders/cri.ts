/**
 * The CRI log format (containerd, CRI-O): `TIME STREAM TAGS CONTENT`, e.g.
 * `2026-12-01T08:00:00.123456789Z stdout F {"RequestId":…}`. TIME is RFC 3339 with nanoseconds,
 * STREAM `stdout` or `stderr`, TAGS `P` (partial: the line goes on in the next record of the
 * stream) or `F` (full), optionally followed by `:`-separated tags of later versions.
 */
import type { RecordParser, RuntimeRecord } from "./runtime-record.js";
import { RuntimeTimes } from "./runtime-time.js";

/** Longest TIME: `2026-12-01T08:00:00.123456789+08:00` is 35 bytes. */
const MAX_TIME_BYTES = 40;
const MIN_TIME_BYTES = 20;
const SPACE = 0x20;

export class CriParser implements RecordParser {
  private readonly times = new RuntimeTimes();

  parse(buf: Buffer, start: number, end: number, out: RuntimeRecord): boolean {
    const limit = Math.min(end, start + MAX_TIME_BYTES);
    let sp = start + MIN_TIME_BYTES;
    while (sp < limit && buf[sp] !== SPACE) sp++;
    if (sp >= limit || buf[start + 4] !== 0x2d) return false;
    // `stdout ` / `stderr `
    const s = sp + 1;
    if (
      s + 7 > end ||
      buf[s] !== 0x73 ||
      buf[s + 1] !== 0x74 ||
      buf[s + 2] !== 0x64 ||
      buf[s + 6] !== SPACE
    ) {
      return false;
    }
    let stream: number;
    if (buf[s + 3] === 0x6f && buf[s + 4] === 0x75 && buf[s + 5] === 0x74) stream = 0;
    else if (buf[s + 3] === 0x65 && buf[s + 4] === 0x72 && buf[s + 5] === 0x72) stream = 1;
    else return false;
    const t = s + 7;
    const tag = buf[t];
    if (tag !== 0x50 /* P */ && tag !== 0x46 /* F */) return false;
    let c = t + 1;
    if (c < end && buf[c] === 0x3a /* : */) while (c < end && buf[c] !== SPACE) c++;
    if (c < end && buf[c] !== SPACE) return false;
    const timeMs = this.times.parse(buf, start, sp);
    if (Number.isNaN(timeMs)) return false;
    out.stream = stream;
    out.partial = tag === 0x50;
    out.buf = buf;
    out.start = c < end ? c + 1 : end;
    out.end = end;
    out.timeMs = timeMs;
    return true;
  }
}

/** A CRI record, as `auto` recognises one on a file's first non-blank line. */
export function looksLikeCri(buf: Buffer, start: number, end: number): boolean {
  const out = { stream: 0, partial: false, buf, start: 0, end: 0, timeMs: 0 };
  return new CriParser().parse(buf, start, end, out);
}
