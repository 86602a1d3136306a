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
 * Memory: a line is held up to the framer's stream threshold, then streamed (`longStart/longData/
 * longEnd`) and past `maxRecordBytes` skipped as oversized. What waits behind an unfinished line is
 * bounded by the same threshold: past it the unfinished line is cut (handed on as it is).
 */
import type { LineCounts } from "../core/records.js";
import type { LineHandler } from "../framing/line-splitter.js";
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
    let p = this.open[rec.stream];
    if (p === undefined) {
      if (!rec.partial && this.queue.length === 0) {
        // The common case, a whole line in one record with nothing waiting: handed on in place.
        this.times.add(lineNo, rec.timeMs);
        this.target.line(rec.buf, rec.start, rec.end, lineNo, size);
        return;
      }
      p = pending(rec.stream, lineNo, rec.timeMs, null);
      this.queue.push(p);
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

  /** End of input: unfinished lines are complete as they are. */
  finish(): void {
    for (const p of this.queue) p.done = true;
    this.open.fill(undefined);
    this.drain();
  }

  timeOf(lineNo: number): number | undefined {
    return this.times.get(lineNo);
  }

  forgetTimes(): void {
    // A line being streamed was the last one timed: its frames come when it ends.
    this.times.clear(this.queue[0]?.streaming === true);
  }

  private threshold(): number {
    const { maxRecordBytes, streamThresholdBytes } = this.options;
    return Math.min(Math.max(streamThresholdBytes, this.target.holdLimitBytes?.() ?? 0), maxRecordBytes);
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
    this.times.add(p.lineNo, p.timeMs);
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
    this.times.add(p.lineNo, p.timeMs);
    this.target.line(line, 0, end, p.lineNo, p.size);
  }

  /**
   * A record that holds no line. The framer still gets its size (as a blank line) so that its byte
   * accounting stays in file offsets.
   */
  private skip(lineNo: number, size: number, why: Skipped): void {
    if (this.queue.length === 0) {
      this.countSkipped(why);
      this.target.line(EMPTY, 0, 0, lineNo, size);
      return;
    }
    const p = pending(-1, lineNo, 0, why);
    p.size = size;
    p.done = true;
    this.queue.push(p);
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
