/**
 * Docker's json-file log driver: one JSON object per record,
 * `{"log":"<line>\n","stream":"stdout","time":"2026-12-01T08:00:00.123456789Z"}`. A line longer
 * than the driver's buffer (16 KiB) is split into records whose `log` lacks the final `\n`.
 *
 * The driver always writes the members in that order, so the record is read in one pass over its
 * bytes, unescaping `log` straight into a buffer of the parser's own (16 bytes at a time:
 * log-unescape.ts); a record of another shape (`attrs`, other order) goes through JSON.parse. The
 * one pass cut the decoder's cost by ~40% on the bench's (g) corpus (test/bench/README.md).
 *
 * The `log`s of one chunk are written one after the other into that buffer (`release` starts it
 * again), so a line split into records that follow each other is already joined there, and the
 * lines of a chunk can be handed on together (later-lines.ts).
 */
import { LogStrings } from "./log-unescape.js";
import type { RecordParser, RuntimeRecord } from "./runtime-record.js";
import { RuntimeTimes } from "./runtime-time.js";

const LOG_HEAD = head('{"log":"');
const STREAM_HEAD = head(',"stream":"');
const TIME_HEAD = head(',"time":"');
const EMPTY = Buffer.alloc(0);

export class DockerParser implements RecordParser {
  private readonly times = new RuntimeTimes();
  /** The decoded `log`s since `release`, one after the other (log-unescape.ts). */
  private readonly logs = new LogStrings();
  /** The record buffer last read, and a DataView of it (one per chunk). */
  private wordsBuf: Buffer = EMPTY;
  private words: DataView = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);

  parse(buf: Buffer, start: number, end: number, out: RuntimeRecord): boolean {
    if (buf[start] !== 0x7b) return false;
    // Unescaping never makes `log` longer than the record.
    this.logs.reserve(end - start);
    return this.fast(buf, start, end, out) || this.slow(buf, start, end, out);
  }

  /** Nothing refers to the `log`s decoded so far any more, nor to the chunk: both may be written again. */
  release(): void {
    this.logs.release();
  }

  /** The driver's own layout, read byte by byte; false for anything else. */
  private fast(buf: Buffer, start: number, end: number, out: RuntimeRecord): boolean {
    const words = this.wordsOf(buf);
    if (!startsWith(words, buf, start, end, LOG_HEAD)) return false;
    const quote = this.logs.unescape(buf, start + LOG_HEAD.bytes.length, end);
    if (quote < 0) return false;
    let i = quote + 1;
    if (!startsWith(words, buf, i, end, STREAM_HEAD)) return false;
    i += STREAM_HEAD.bytes.length;
    // `stdout` / `stderr`: the fourth byte tells them apart.
    const stream = buf[i + 3] === 0x65 ? 1 : 0;
    while (i < end && buf[i] !== 0x22) i++;
    i++;
    if (!startsWith(words, buf, i, end, TIME_HEAD)) return false;
    i += TIME_HEAD.bytes.length;
    // The time runs to the record's closing `"}`: the time parser takes nothing but a timestamp.
    if (buf[end - 1] !== 0x7d || buf[end - 2] !== 0x22 || end - 2 < i) return false;
    return this.fill(out, stream, this.times.parse(buf, i, end - 2), this.logs.written);
  }

  private wordsOf(buf: Buffer): DataView {
    if (buf !== this.wordsBuf) {
      this.wordsBuf = buf;
      this.words = new DataView(buf.buffer, buf.byteOffset, buf.length);
    }
    return this.words;
  }

  /** Any other JSON object with a string `log` and `time`. */
  private slow(buf: Buffer, start: number, end: number, out: RuntimeRecord): boolean {
    let record: unknown;
    try {
      record = JSON.parse(buf.utf8Slice(start, end));
    } catch {
      return false;
    }
    if (typeof record !== "object" || record === null) return false;
    const { log, stream, time } = record as { log?: unknown; stream?: unknown; time?: unknown };
    if (typeof log !== "string" || typeof time !== "string") return false;
    // Longer than the record when it held invalid UTF-8 (each bad byte is U+FFFD, 3 bytes).
    this.logs.reserve(Buffer.byteLength(log));
    const n = this.logs.buf.write(log, this.logs.used);
    return this.fill(out, stream === "stderr" ? 1 : 0, this.times.parseString(time), this.logs.used + n);
  }

  /** `logs.buf[logs.used, to)` is the record's `log`. */
  private fill(out: RuntimeRecord, stream: number, timeMs: number, to: number): boolean {
    if (Number.isNaN(timeMs)) return false;
    const s = this.logs.buf;
    const from = this.logs.used;
    this.logs.used = to;
    const partial = to === from || s[to - 1] !== 0x0a;
    // The line's own terminator goes, as LineSplitter drops `\n` and a `\r` before it.
    if (!partial) to -= to - from > 1 && s[to - 2] === 0x0d ? 2 : 1;
    out.stream = stream;
    out.partial = partial;
    out.buf = s;
    out.start = from;
    out.end = to;
    out.timeMs = timeMs;
    return true;
  }
}

/** A member's head, compared 8 bytes at a time and then byte by byte. */
interface Head {
  readonly bytes: Buffer;
  readonly w0: number;
  readonly w1: number;
}

function head(text: string): Head {
  const bytes = Buffer.from(text);
  return { bytes, w0: bytes.readUInt32LE(0), w1: bytes.readUInt32LE(4) };
}

function startsWith(words: DataView, buf: Buffer, at: number, end: number, h: Head): boolean {
  const bytes = h.bytes;
  if (at + bytes.length > end) return false;
  if (words.getUint32(at, true) !== h.w0 || words.getUint32(at + 4, true) !== h.w1) return false;
  for (let k = 8; k < bytes.length; k++) if (buf[at + k] !== bytes[k]) return false;
  return true;
}

/** A json-file record, as `auto` recognises one on a file's first non-blank line. */
export function looksLikeDocker(buf: Buffer, start: number, end: number): boolean {
  // Cheap test first: the driver always writes `log` first.
  if (end - start < 10 || buf.latin1Slice(start, start + 8) !== '{"log":"') return false;
  const out = { stream: 0, partial: false, buf, start: 0, end: 0, timeMs: 0 };
  return new DockerParser().parse(buf, start, end, out);
}
