/**
 * Docker's json-file log driver: one JSON object per record,
 * `{"log":"<line>\n","stream":"stdout","time":"2026-12-01T08:00:00.123456789Z"}`. A line longer
 * than the driver's buffer (16 KiB) is split into records whose `log` lacks the final `\n`.
 *
 * The driver always writes the members in that order, so the record is read in one pass over its
 * bytes, unescaping `log` straight into a buffer of the parser's own; a record of another shape
 * (`attrs`, other order) goes through JSON.parse. The one pass cut the decoder's cost by ~40% on the
 * bench's (g) corpus (test/bench/README.md).
 *
 * The `log`s of one chunk are written one after the other into that buffer (`release` starts it
 * again), so a line split into records that follow each other is already joined there, and the
 * lines of a chunk can be handed on together (later-lines.ts).
 */
import { hex4, writeUtf8 } from "../core/escapes.js";
import type { RecordParser, RuntimeRecord } from "./runtime-record.js";
import { RuntimeTimes } from "./runtime-time.js";

const LOG_HEAD = head('{"log":"');
const STREAM_HEAD = head(',"stream":"');
const TIME_HEAD = head(',"time":"');
const EMPTY = Buffer.alloc(0);
/** Room for the `log`s of a few 64 KiB chunks. */
const SCRATCH_BYTES = 256 * 1024;

export class DockerParser implements RecordParser {
  private readonly times = new RuntimeTimes();
  /** The decoded `log`s since `release`, from 0 to `used` (a new buffer when full: lines held refer to the old one). */
  private scratch: Buffer = EMPTY;
  private scratchWords: DataView = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);
  private used = 0;
  /** The record buffer last read, and a DataView of it (one per chunk). */
  private wordsBuf: Buffer = EMPTY;
  private words: DataView = this.scratchWords;

  parse(buf: Buffer, start: number, end: number, out: RuntimeRecord): boolean {
    if (buf[start] !== 0x7b) return false;
    // Unescaping never makes `log` longer than the record.
    if (this.used + (end - start) > this.scratch.length) {
      this.scratch = Buffer.allocUnsafe(Math.max(SCRATCH_BYTES, end - start));
      this.scratchWords = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.length);
      this.used = 0;
    }
    return this.fast(buf, start, end, out) || this.slow(buf, start, end, out);
  }

  /** Nothing refers to the `log`s decoded so far any more: the buffer is written from its start again. */
  release(): void {
    this.used = 0;
  }

  /** The driver's own layout, read byte by byte; false for anything else. */
  private fast(buf: Buffer, start: number, end: number, out: RuntimeRecord): boolean {
    const words = this.wordsOf(buf);
    if (!startsWith(words, buf, start, end, LOG_HEAD)) return false;
    const s = this.scratch;
    const sWords = this.scratchWords;
    let i = start + LOG_HEAD.bytes.length;
    const from = this.used;
    let o = from;
    // One pass: an escape comes every ~10 bytes of a JSON body (`\"`), too often for indexOf +
    // copy calls to pay (JSON.parse of the string and a UTF-8 write was 1.7× slower on the bench's
    // (g) records). Four bytes at a time up to the next `\` or `"`, found in the word itself: the
    // loop took ~40% less time there than byte by byte (test/bench/README.md).
    for (;;) {
      while (i + 4 <= end) {
        const w = words.getUint32(i, true);
        const q = w ^ 0x22222222;
        const e = w ^ 0x5c5c5c5c;
        // The high bit of each byte of `q` or `e` that is zero, i.e. where `w` has a `"` or a `\`
        // (a borrow only marks bytes after a zero: the lowest mark is exact).
        const marks = (((q - 0x01010101) & ~q) | ((e - 0x01010101) & ~e)) & 0x80808080;
        // Written whole: the bytes from the mark on are written again below (the room is there,
        // `o` stays behind `i`).
        sWords.setUint32(o, w, true);
        if (marks === 0) {
          i += 4;
          o += 4;
          continue;
        }
        const k = (31 - Math.clz32(marks & -marks)) >> 3;
        i += k;
        o += k;
        break;
      }
      if (i >= end) return false;
      let b = buf[i++] as number;
      if (b === 0x5c) {
        b = buf[i++] as number;
        // `\"` nearly always (a JSON body's quotes): the escaped byte itself.
        if (b !== 0x22 && b !== 0x5c) {
          if (b === 0x6e) b = 0x0a;
          else if (b === 0x74) b = 0x09;
          else if (b === 0x72) b = 0x0d;
          else if (b === 0x75) {
            o = this.unicode(buf, i, end, o);
            if (o < 0) return false;
            i += this.escapeBytes;
            continue;
          } else if (b === 0x62) b = 0x08;
          else if (b === 0x66) b = 0x0c;
          else if (b !== 0x2f) return false;
        }
      } else if (b === 0x22) break;
      s[o++] = b;
    }
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
    return this.fill(out, stream, this.times.parse(buf, i, end - 2), from, o);
  }

  private wordsOf(buf: Buffer): DataView {
    if (buf !== this.wordsBuf) {
      this.wordsBuf = buf;
      this.words = new DataView(buf.buffer, buf.byteOffset, buf.length);
    }
    return this.words;
  }

  /** Bytes after `\\u` that `unicode` read: 4, or 10 for a surrogate pair. */
  private escapeBytes = 4;

  /** A `\\uXXXX` escape (a surrogate pair: two) at `buf[i]` after the `\\u`, written at `o`; -1 if invalid. */
  private unicode(buf: Buffer, i: number, end: number, o: number): number {
    let cp = hex4(buf, i, end);
    this.escapeBytes = 4;
    if (cp < 0) return -1;
    if (cp >= 0xd800 && cp < 0xdc00 && buf[i + 4] === 0x5c && buf[i + 5] === 0x75) {
      const lo = hex4(buf, i + 6, end);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        this.escapeBytes = 10;
      }
    }
    return writeUtf8(cp, this.scratch, o);
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
    const from = this.used;
    const n = this.scratch.write(log, from);
    return this.fill(out, stream === "stderr" ? 1 : 0, this.times.parseString(time), from, from + n);
  }

  /** `scratch[from, to)` is the record's `log`. */
  private fill(out: RuntimeRecord, stream: number, timeMs: number, from: number, to: number): boolean {
    if (Number.isNaN(timeMs)) return false;
    const s = this.scratch;
    this.used = to;
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
