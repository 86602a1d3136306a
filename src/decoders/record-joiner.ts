/**
 * Runtime records → content lines, for the body framer (README "Container logs"). A `LineHandler`
 * between `LineSplitter` (which splits the file into the runtime's records) and the framer: it
 * takes the runtime's wrapping off each record, joins a stream's partial records into the line the
 * application wrote, and hands that line on with the *raw* size of the records it came from, so the
 * framer's byte accounting and the checkpoints stay in file offsets.
 *
 * Lines are handed on in the order their first record appears. While a line is unfinished (its
 * stream's last record was partial), whatever follows it waits behind it (pending-lines.ts), so the
 * bytes not handed on yet are one run from its first record: a checkpoint (`pendingBytes`) keeps
 * that record's offset, and a restart reads the whole sequence again — nothing lost, nothing
 * counted twice.
 *
 * The common cases take no copy of a whole line: a line in one record goes on in place; a line
 * split into records that follow each other, with nothing queued, is joined where it lies (`joined`):
 * in the parser's own buffer (docker writes the `log`s of a chunk one after the other) or, for
 * records whose content stays in the chunk (CRI), in a join buffer that takes each record's
 * content once (join-buffer.ts). Lines in a buffer that is still being written go on once the chunk
 * is done (later-lines.ts).
 */
import type { LineCounts, OutputStream } from "../core/records.js";
import type { LineHandler } from "../framing/line-splitter.js";
import { JoinBuffer } from "./join-buffer.js";
import { LaterLines } from "./later-lines.js";
import { LineTimes } from "./line-times.js";
import { type JoinedLine, type JoinerOptions, PendingLines, type Skipped } from "./pending-lines.js";
import { emptyRecord, isBlank, MAX_RUNTIME_RECORD_BYTES, type RecordParser } from "./runtime-record.js";

const EMPTY = Buffer.alloc(0);

// A `LineDecoder` (line-decoder.ts checks it where it returns one; importing the type here would
// make the two files import each other).
export class RecordJoiner {
  counts: LineCounts;
  private readonly times = new LineTimes();
  private readonly rec = emptyRecord();
  private readonly later = new LaterLines();
  private readonly pending: PendingLines;
  /** An unfinished line joined in place (in the parser's buffer or the join buffer), while nothing else is queued. */
  private joined: JoinedLine | null = null;
  private readonly joins = new JoinBuffer();
  private longLineNo = 0;

  constructor(
    private readonly target: LineHandler,
    private readonly parser: RecordParser,
    counts: LineCounts,
    options: JoinerOptions,
  ) {
    this.counts = counts;
    this.pending = new PendingLines(target, options, this.times, this.later, (why) => this.countSkipped(why));
  }

  /** Raw bytes of records not handed on yet: a checkpoint must let them be read again. */
  get pendingBytes(): number {
    return this.pending.size + (this.joined?.size ?? 0);
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
    if (this.pending.empty) {
      const own = rec.buf !== buf;
      if (!rec.partial) {
        // The common case, a whole line in one record with nothing waiting: handed on in place.
        this.times.add(lineNo, rec.timeMs, rec.stream);
        this.pass(rec.buf, rec.start, rec.end, lineNo, size, own);
        return;
      }
      // The first record of a split line: joined in the parser's buffer, or copied into the join buffer.
      const { stream, timeMs } = rec;
      if (own) this.joined = { stream, lineNo, timeMs, buf: rec.buf, start: rec.start, end: rec.end, size };
      else {
        const at = this.joins.append(-1, rec.buf, rec.start, rec.end);
        this.joined = { stream, lineNo, timeMs, buf: this.joins.buf, start: at, end: this.joins.end(), size };
      }
      return;
    }
    this.pending.add(rec, lineNo, size);
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

  /** The splitter's chunk is done: the lines decoded from it go on, and the buffers they were in are free. */
  chunkEnd(): void {
    if (this.joined !== null) this.materialize();
    if (this.later.count > 0) this.later.flush(this.target);
    this.target.chunkEnd?.();
    this.parser.release?.();
    this.joins.reset();
  }

  /** End of input: unfinished lines are complete as they are. */
  finish(): void {
    if (this.joined !== null) this.materialize();
    this.pending.finish();
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
    this.times.clear(this.pending.streamingHead);
  }

  /** The record just parsed continues `joined`, or `joined` is copied into the queue (false). */
  private extend(size: number): boolean {
    const j = this.joined as JoinedLine;
    const rec = this.rec;
    const n = rec.end - rec.start;
    if (rec.stream !== j.stream || j.end - j.start + n > this.pending.threshold()) {
      this.materialize();
      return false;
    }
    if (rec.buf === j.buf && rec.start === j.end) j.end = rec.end;
    else if (j.buf === this.joins.buf) {
      j.start = this.joins.append(j.start, rec.buf, rec.start, rec.end);
      j.buf = this.joins.buf;
      j.end = this.joins.end();
    } else {
      this.materialize();
      return false;
    }
    j.size += size;
    if (rec.partial) return true;
    this.joined = null;
    // A `\r` before the line's `\n` belongs to the terminator, as in LineSplitter.
    const end = j.end > j.start && j.buf[j.end - 1] === 0x0d ? j.end - 1 : j.end;
    this.times.add(j.lineNo, j.timeMs, j.stream);
    if (j.buf === this.joins.buf) {
      // Ends after the line's `\n`: bytes after it are older lines' (or the next line's, later).
      this.pass(j.buf.subarray(0, this.joins.endLine()), j.start, end, j.lineNo, j.size, false);
    } else this.pass(j.buf, j.start, end, j.lineNo, j.size, true);
    return true;
  }

  /** `joined` becomes a queued line of its own (copied: its buffer is written again). */
  private materialize(): void {
    const j = this.joined as JoinedLine;
    this.joined = null;
    this.pending.openLine(j);
  }

  /** A line with nothing queued before it: handed on now, or at the chunk's end if it is in the parser's buffer (`own`). */
  private pass(buf: Buffer, start: number, end: number, lineNo: number, size: number, own: boolean): void {
    if (own || this.later.count > 0) this.later.add(buf, start, end, lineNo, size);
    else this.target.line(buf, start, end, lineNo, size);
  }

  /**
   * A record that holds no line. The framer still gets its size (as a blank line) so that its byte
   * accounting stays in file offsets.
   */
  private skip(lineNo: number, size: number, why: Skipped): void {
    if (this.joined !== null) this.materialize();
    if (this.pending.empty) {
      this.countSkipped(why);
      this.pass(EMPTY, 0, 0, lineNo, size, false);
    } else this.pending.skip(lineNo, size, why);
  }

  private countSkipped(why: Skipped): void {
    if (why === "blank") return;
    this.counts.lines++;
    if (why === "malformed") this.counts.malformed++;
    else this.counts.oversized++;
  }
}
