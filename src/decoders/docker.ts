/**
 * Docker's json-file log driver: one JSON object per record,
 * `{"log":"<line>\n","stream":"stdout","time":"2026-12-01T08:00:00.123456789Z"}`. A line longer
 * than the driver's buffer (16 KiB) is split into records whose `log` lacks the final `\n`.
 */
import type { RecordParser, RuntimeRecord } from "./runtime-record.js";
import { RuntimeTimes } from "./runtime-time.js";

export class DockerParser implements RecordParser {
  private readonly times = new RuntimeTimes();
  /** The decoded `log` of the current record (reused; grown on demand). */
  private scratch = Buffer.allocUnsafe(64 * 1024);

  parse(buf: Buffer, start: number, end: number, out: RuntimeRecord): boolean {
    if (buf[start] !== 0x7b) return false;
    let record: unknown;
    try {
      record = JSON.parse(buf.utf8Slice(start, end));
    } catch {
      return false;
    }
    if (typeof record !== "object" || record === null) return false;
    const { log, stream, time } = record as { log?: unknown; stream?: unknown; time?: unknown };
    if (typeof log !== "string" || typeof time !== "string") return false;
    const timeMs = this.times.parse(time);
    if (Number.isNaN(timeMs)) return false;
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.scratch.length < 3 * log.length) this.scratch = Buffer.allocUnsafe(3 * log.length);
    let n = this.scratch.write(log, 0);
    const partial = log.charCodeAt(log.length - 1) !== 0x0a;
    // The line's own terminator goes, as LineSplitter drops `\n` and a `\r` before it.
    if (!partial) n -= n > 1 && this.scratch[n - 2] === 0x0d ? 2 : 1;
    out.stream = stream === "stderr" ? 1 : 0;
    out.partial = partial;
    out.buf = this.scratch;
    out.start = 0;
    out.end = n;
    out.timeMs = timeMs;
    return true;
  }
}

/** A json-file record, as `auto` recognises one on a file's first non-blank line. */
export function looksLikeDocker(buf: Buffer, start: number, end: number): boolean {
  // Cheap test first: the driver always writes `log` first.
  if (end - start < 10 || buf.latin1Slice(start, start + 8) !== '{"log":"') return false;
  const out = { stream: 0, partial: false, buf, start: 0, end: 0, timeMs: 0 };
  return new DockerParser().parse(buf, start, end, out);
}
