/**
 * Runtime records → content lines, for the body framer (README "Container logs"). A `LineHandler`
 * between `LineSplitter` (which splits the file into the runtime's records) and the framer: it
 * takes the runtime's wrapping off each record, joins a stream's partial records into the line the
 * application wrote, and hands that line on with the *raw* size of the records it came from, so the
 * framer's byte accounting and the checkpoints stay in file offsets.
 *
 * Lines are handed on in the order their first record appears. While a line is unfinished (its
 * stream's last record was partial), whatever follows it waits behind it, so the bytes not handed
 * on yet are one run from its first record: a checkpoint (`pendingBytes`) keeps that record's
 * offset, and a restart reads the whole sequence again — nothing lost, nothing counted twice.
 *
 * A parser that writes the content into a buffer of its own (docker) fills it in order: a line split
 * into records that follow each other is joined there without a copy (`joined`), and the lines are
 * handed on once the chunk is done (later-lines.ts).
 *
 * Memory: a line is held up to the framer's stream threshold, then streamed (`longStart/longData/
 * longEnd`) and past `maxRecordBytes` skipped as oversized. What waits behind an unfinished line is
 * bounded by the same threshold: past it the unfinished line is cut (handed on as it is).
 */
import type { LineCounts, OutputStream } from "../core/records.js";
import type { LineHandler } from "../framing/line-splitter.js";
import { LaterLines } from "./later-lines.js";
import { LineTimes } from "./line-times.js";
import { emptyRecord, type RecordParser } from "./runtime-record.js";

/**
 * A runtime writes at most 16 KiB of a line per record, plus its prefix; json-file escapes it,
 * `<`, `>` and `&` as 6-byte `\u003c` among others (so up to 96 KiB): records are held whole up
 * to this before the splitter would stream them (and the joiner count them as oversized).
 */
export const MAX_RUNTIME_RECORD_BYTES = 128 * 1024;

export interface JoinerOptions {
  readonly maxRecordBytes: number;
  readonly streamThresholdBytes: number;
}

type Skipped = "malformed" | "oversized" | "blank";

/** One line of the application, from the first record of it that was read. */
interface Pending {
  readonly stream: number;
  readonly lineNo: number;
  readonly timeMs: number;
  /** Set for a record that is not a line (counted when its turn comes). */
  readonly skipped: Skipped | null;
  parts: Buffer[];
  /** Content bytes so far (held in `parts`, or streamed). */
  bytes: number;
  /** Raw bytes of its records. */
  size: number;
  done: boolean;
  streaming: boolean;
  skipping: boolean;
}

/** A line whose records so far lie one after the other in the parser's buffer. */
interface Joined {
  readonly stream: number;
  readonly lineNo: number;
  readonly timeMs: number;
  readonly buf: Buffer;
  readonly start: number;
  end: number;
  size: number;
}

const EMPTY = Buffer.alloc(0);

// A `LineDecoder` (line-decoder.ts checks it where it returns one; importing the type here would
// make the two files import each other).
export class RecordJoiner {
  counts: LineCounts;
  private readonly times = new LineTimes();
  private readonly rec = emptyRecord();
  private readonly queue: Pending[] = [];
  /** The unfinished line of each stream. */
  private readonly open: (Pending | undefined)[] = [undefined, undefined];
  /** An unfinished line in the parser's buffer, while nothing else is queued. */
  private joined: Joined | null = null;
  private readonly later = new LaterLines();
  private queuedSize = 0;
  private heldBytes = 0;
  private longLineNo = 0;

  constructor(
    private readonly target: LineHandler,
    private readonly parser: RecordParser,
    counts: LineCounts,
    private readonly options: JoinerOptions,
  ) {
    this.counts = counts;
  }

  /** Raw bytes of records not handed on yet: a checkpoint must let them be read again. */
  get pendingBytes(): number {
    return this.queuedSize;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void {
    const rec = this.rec;
    if (isBlank(buf, start, end)) {
      this.skip(lineNo, size, "blank");
      return;
    }
    if (!this.parser.parse(buf, start, end, rec)) {
      this.skip(lineNo, size, "malformed");
      return;
    }
    if (this.joined !== null && this.extend(size)) return;
    let p = this.open[rec.stream];
    if (p === undefined) {
      if (this.queue.length === 0) {
        const own = rec.buf !== buf;
        if (!rec.partial) {
          // The common case, a whole line in one record with nothing waiting: handed on in place.
          this.times.add(lineNo, rec.timeMs, rec.stream);
          this.pass(rec.buf, rec.start, rec.end, lineNo, size, own);
          return;
        }
        if (own) {
          const { stream, timeMs, start: s, end: e } = rec;
          this.joined = { stream, lineNo, timeMs, buf: rec.buf, start: s, end: e, size };
          this.queuedSize += size;
          return;
        }
      }
      p = pending(rec.stream, lineNo, rec.timeMs, null);
      this.enqueue(p);
      if (rec.partial) this.open[rec.stream] = p;
    }
    p.size += size;
    this.queuedSize += size;
    if (!rec.partial) {
      p.done = true;
      this.open[rec.stream] = undefined;
      const n = rec.end - rec.start;
      if (this.queue[0] === p && !p.streaming && p.bytes + n <= this.threshold()) {
        // The last record of the first line: joined in one copy (handOn), not copied first.
        this.queue.shift();
        p.parts.push(rec.buf.subarray(rec.start, rec.end));
        p.bytes += n;
        this.heldBytes += n;
        this.handOn(p);
        this.drain();
        return;
      }
    }
    this.append(p, rec.buf, rec.start, rec.end);
    this.drain();
  }

  // A record longer than the splitter holds is nothing a runtime writes: skipped as oversized.
  longStart(_buf: Buffer, _start: number, _end: number, lineNo: number): void {
    this.longLineNo = lineNo;
  }

  longData(): void {}

  longEnd(_oversized: boolean, size: number): void {
    this.skip(this.longLineNo, size, "oversized");
  }

  holdLimitBytes(): number {
    return MAX_RUNTIME_RECORD_BYTES;
  }

  /** The splitter's chunk is done: the lines decoded from it go on, and the parser's buffer is free. */
  chunkEnd(): void {
    if (this.joined !== null) this.materialize();
    if (this.later.count > 0) this.later.flush(this.target);
    this.target.chunkEnd?.();
    this.parser.release?.();
  }

  /** End of input: unfinished lines are complete as they are. */
  finish(): void {
    if (this.joined !== null) this.materialize();
    for (const p of this.queue) p.done = true;
    this.open.fill(undefined);
    this.drain();
    if (this.later.count > 0) this.later.flush(this.target);
  }

  timeOf(lineNo: number): number | undefined {
    return this.times.get(lineNo);
  }

  streamOf(lineNo: number): OutputStream | undefined {
    return this.times.stream(lineNo);
  }

  forgetTimes(): void {
    // A line being streamed was the last one timed: its frames come when it ends.
    this.times.clear(this.queue[0]?.streaming === true);
  }

  private threshold(): number {
    const { maxRecordBytes, streamThresholdBytes } = this.options;
    return Math.min(Math.max(streamThresholdBytes, this.target.holdLimitBytes?.() ?? 0), maxRecordBytes);
  }

  /** The record just parsed continues `joined` in place, or `joined` is copied into the queue (false). */
  private extend(size: number): boolean {
    const j = this.joined as Joined;
    const rec = this.rec;
    if (
      rec.stream !== j.stream ||
      rec.buf !== j.buf ||
      rec.start !== j.end ||
      rec.end - j.start > this.threshold()
    ) {
      this.materialize();
      return false;
    }
    j.end = rec.end;
    j.size += size;
    if (rec.partial) {
      this.queuedSize += size;
      return true;
    }
    this.joined = null;
    this.queuedSize -= j.size - size;
    // A `\r` before the line's `\n` belongs to the terminator, as in LineSplitter.
    const end = j.end > j.start && j.buf[j.end - 1] === 0x0d ? j.end - 1 : j.end;
    this.times.add(j.lineNo, j.timeMs, j.stream);
    this.pass(j.buf, j.start, end, j.lineNo, j.size, true);
    return true;
  }

  /** `joined` becomes a queued line of its own (copied: the parser's buffer is written again). */
  private materialize(): void {
    const j = this.joined as Joined;
    this.joined = null;
    const p = pending(j.stream, j.lineNo, j.timeMs, null);
    p.size = j.size;
    this.enqueue(p);
    this.open[j.stream] = p;
    this.append(p, j.buf, j.start, j.end);
  }

  /** Lines waiting for the end of the chunk go on before anything is queued behind them. */
  private enqueue(p: Pending): void {
    if (this.queue.length === 0 && this.later.count > 0) this.later.flush(this.target);
    this.queue.push(p);
  }

  /** A line with nothing queued before it: handed on now, or at the chunk's end if it is in the parser's buffer (`own`). */
  private pass(buf: Buffer, start: number, end: number, lineNo: number, size: number, own: boolean): void {
    if (own || this.later.count > 0) this.later.add(buf, start, end, lineNo, size);
    else this.target.line(buf, start, end, lineNo, size);
  }

  private append(p: Pending, buf: Buffer, start: number, end: number): void {
    const n = end - start;
    p.bytes += n;
    if (p.streaming) {
      if (p.skipping) return;
      if (p.bytes > this.options.maxRecordBytes) p.skipping = true;
      else this.target.longData(buf, start, end);
      return;
    }
    if (n > 0) {
      // Copied: the record's buffer is only valid during the call.
      p.parts.push(Buffer.from(buf.subarray(start, end)));
      this.heldBytes += n;
    }
    if (p.bytes > this.threshold()) this.stream(p);
    while (this.heldBytes > this.threshold() && this.queue.length > 0 && !(this.queue[0] as Pending).done) {
      this.cutHead();
    }
  }

  /** The line grew past what may be held: it is streamed to the framer, once it is first in line. */
  private stream(p: Pending): void {
    while (this.queue[0] !== p) this.cutHead();
    const first = p.parts.length === 1 ? (p.parts[0] as Buffer) : Buffer.concat(p.parts, p.bytes);
    this.heldBytes -= p.bytes;
    p.parts = [];
    p.streaming = true;
    this.times.add(p.lineNo, p.timeMs, p.stream);
    p.skipping = p.bytes > this.options.maxRecordBytes;
    this.target.longStart(first, 0, p.skipping ? 0 : first.length, p.lineNo);
  }

  /** The first line waits too long a queue behind it: it is handed on as it is. */
  private cutHead(): void {
    const head = this.queue[0] as Pending;
    head.done = true;
    if (this.open[head.stream] === head) this.open[head.stream] = undefined;
    this.drain();
  }

  private drain(): void {
    const queue = this.queue;
    while (queue.length > 0 && (queue[0] as Pending).done) this.handOn(queue.shift() as Pending);
  }

  private handOn(p: Pending): void {
    this.queuedSize -= p.size;
    if (p.skipped !== null) {
      this.countSkipped(p.skipped);
      this.target.line(EMPTY, 0, 0, p.lineNo, p.size);
      return;
    }
    if (p.streaming) {
      this.target.longEnd(p.skipping, p.size);
      return;
    }
    this.heldBytes -= p.bytes;
    const line = p.parts.length === 1 ? (p.parts[0] as Buffer) : Buffer.concat(p.parts, p.bytes);
    // A `\r` before the line's `\n` belongs to the terminator, as in LineSplitter.
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    this.times.add(p.lineNo, p.timeMs, p.stream);
    this.target.line(line, 0, end, p.lineNo, p.size);
  }

  /**
   * A record that holds no line. The framer still gets its size (as a blank line) so that its byte
   * accounting stays in file offsets.
   */
  private skip(lineNo: number, size: number, why: Skipped): void {
    if (this.joined !== null) this.materialize();
    if (this.queue.length === 0) {
      this.countSkipped(why);
      this.pass(EMPTY, 0, 0, lineNo, size, false);
      return;
    }
    const p = pending(-1, lineNo, 0, why);
    p.size = size;
    p.done = true;
    this.enqueue(p);
    this.queuedSize += size;
  }

  private countSkipped(why: Skipped): void {
    if (why === "blank") return;
    this.counts.lines++;
    if (why === "malformed") this.counts.malformed++;
    else this.counts.oversized++;
  }
}

function pending(stream: number, lineNo: number, timeMs: number, skipped: Skipped | null): Pending {
  return {
    stream,
    lineNo,
    timeMs,
    skipped,
    parts: [],
    bytes: 0,
    size: 0,
    done: false,
    streaming: false,
    skipping: false,
  };
}

/** Only blanks (space, tab, `\r`). */
export function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}
