/**
 * The lines of the application that the joiner cannot hand on yet (README "Container logs"): one
 * whose stream's last record was partial, and whatever came after it, in the order their first
 * record appeared. The bytes not handed on are one run from the first record of the first of them,
 * so a checkpoint keeps that record's offset (`size` is the raw bytes of the records queued).
 *
 * Memory: a line is held up to the framer's stream threshold, then streamed (`longStart/longData/
 * longEnd`) and past `maxRecordBytes` skipped as oversized. What waits behind an unfinished line is
 * bounded by the same threshold: past it the unfinished line is cut (handed on as it is).
 */
import type { LineHandler } from "../framing/line-splitter.js";
import type { LaterLines } from "./later-lines.js";
import type { LineTimes } from "./line-times.js";
import type { RuntimeRecord } from "./runtime-record.js";

/** Why a record holds no line. */
export type Skipped = "malformed" | "oversized" | "blank";

export interface JoinerOptions {
  readonly maxRecordBytes: number;
  readonly streamThresholdBytes: number;
}

/** An unfinished line whose records so far lie one after the other in `buf[start, end)`. */
export interface JoinedLine {
  readonly stream: number;
  readonly lineNo: number;
  readonly timeMs: number;
  buf: Buffer;
  start: number;
  end: number;
  /** Raw bytes of its records. */
  size: number;
}

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

const EMPTY = Buffer.alloc(0);

export class PendingLines {
  /** Raw bytes of the records queued. */
  size = 0;
  private readonly queue: Pending[] = [];
  /** The unfinished line of each stream. */
  private readonly open: (Pending | undefined)[] = [undefined, undefined];
  private heldBytes = 0;

  constructor(
    private readonly target: LineHandler,
    private readonly options: JoinerOptions,
    private readonly times: LineTimes,
    private readonly later: LaterLines,
    /** Counts a skipped record when its turn comes (the counts object changes per batch). */
    private readonly countSkipped: (why: Skipped) => void,
  ) {}

  get empty(): boolean {
    return this.queue.length === 0;
  }

  /** The first line is being streamed: its frames come when it ends. */
  get streamingHead(): boolean {
    return this.queue[0]?.streaming === true;
  }

  /** Longest line held whole. */
  threshold(): number {
    const { maxRecordBytes, streamThresholdBytes } = this.options;
    return Math.min(Math.max(streamThresholdBytes, this.target.holdLimitBytes?.() ?? 0), maxRecordBytes);
  }

  /** A record of the line on line `lineNo` (of `rec.stream`'s unfinished one if there is one). */
  add(rec: RuntimeRecord, lineNo: number, size: number): void {
    let p = this.open[rec.stream];
    if (p === undefined) {
      p = pending(rec.stream, lineNo, rec.timeMs, null);
      this.enqueue(p);
      if (rec.partial) this.open[rec.stream] = p;
    }
    p.size += size;
    this.size += size;
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

  /** An unfinished line whose first records were joined elsewhere (copied: that buffer is written again). */
  openLine(j: Readonly<JoinedLine>): void {
    const p = pending(j.stream, j.lineNo, j.timeMs, null);
    p.size = j.size;
    this.size += j.size;
    this.enqueue(p);
    this.open[j.stream] = p;
    this.append(p, j.buf, j.start, j.end);
  }

  /** A record that holds no line, behind the lines queued. */
  skip(lineNo: number, size: number, why: Skipped): void {
    const p = pending(-1, lineNo, 0, why);
    p.size = size;
    p.done = true;
    this.enqueue(p);
    this.size += size;
  }

  /** End of input: unfinished lines are complete as they are. */
  finish(): void {
    for (const p of this.queue) p.done = true;
    this.open.fill(undefined);
    this.drain();
  }

  /** Lines waiting for the end of the chunk go on before anything is queued behind them. */
  private enqueue(p: Pending): void {
    if (this.queue.length === 0 && this.later.count > 0) this.later.flush(this.target);
    this.queue.push(p);
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
    this.size -= p.size;
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
