import type { Frame, LineCounts, Parsed } from "../core/records.js";
import { firstNonBlank } from "../parsers/blanks.js";
import {
  type BodyParser,
  failurePos,
  isFailed,
  MORE,
  type Outcome,
  type TextRecognizer,
} from "../parsers/body-parser.js";
import { JsonScanner } from "../parsers/json-scanner.js";
import { XmlBody } from "../parsers/xml-body.js";
import { findCandidate } from "./candidates.js";
import { type HeldLine, HeldLines } from "./held-lines.js";
import { BODY, countLine, FAILED, RESPONSE } from "./line-outcomes.js";
import type { LineHandler } from "./line-splitter.js";
import { LongLine } from "./long-line.js";
import { prefixText } from "./prefix-text.js";

/** A line to examine again, with its bytes. */
interface ReplayLine {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  readonly lineNo: number;
  readonly offset: number;
  readonly flags: number;
  /** Where to start looking for candidates. */
  readonly from: number;
}

interface OpenBody {
  readonly parser: BodyParser;
  /** Position of the body's first byte in the arena. */
  readonly start: number;
}

/**
 * Lines → frames. Finds candidate bodies on each line, has a body parser (src/parsers/body-parser.ts)
 * parse them, follows a body over following lines when it does not end on its own, and when a body
 * fails goes on from the next candidate after the failed one's start — re-examining the lines the
 * failed body had taken (DESIGN §3). Counts every non-blank line once. Frames and counts accumulate
 * in `frames` and `counts` until the caller takes them (once per batch).
 */
export class BodyFramer implements LineHandler {
  frames: Frame[] = [];
  counts: LineCounts;
  private readonly json = new JsonScanner();
  private readonly xml = new XmlBody();
  private open: OpenBody | null = null;
  private readonly held = new HeldLines();
  /** Bytes of all lines received so far. */
  private seen = 0;
  /** Lines to examine again, last one first. */
  private replay: ReplayLine[] = [];
  /**
   * Frames found on the first line of the open body, before it: held back with that line, which a
   * checkpoint leaves to be read again (else a restart would count them twice).
   */
  private deferred: Frame[] = [];
  private long: LongLine | null = null;

  constructor(
    counts: LineCounts,
    private readonly maxMultilineBytes: number,
    private readonly text: TextRecognizer | null = null,
  ) {
    this.counts = counts;
  }

  /** Bytes of lines that are not final yet: a checkpoint must let them be read again. */
  get pendingBytes(): number {
    const first = this.held.lines[0];
    return this.open !== null && first !== undefined ? this.seen - first.offset : 0;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void {
    const offset = this.seen;
    this.seen += size;
    this.process(buf, start, end, lineNo, offset, 0, start);
    this.drain();
  }

  /** End of input: an open body is truncated. */
  finish(): void {
    while (this.open !== null) {
      const outcome = this.open.parser.finish();
      // Every byte of the last line was read before the input ended.
      if (isFailed(outcome) || outcome === MORE) this.failOpen(true);
      else this.closeOpen(this.open.parser.result(), outcome);
      this.drain();
    }
  }

  private drain(): void {
    for (let l = this.replay.pop(); l !== undefined; l = this.replay.pop()) {
      this.process(l.buf, l.start, l.end, l.lineNo, l.offset, l.flags, l.from);
    }
  }

  private process(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    flags: number,
    from: number,
  ): void {
    const first = firstNonBlank(buf, start, end);
    const open = this.open;
    if (first === end) {
      // A blank line is fed as an empty one (not held, not counted).
      if (open !== null) this.settleAfterLine(open.parser.feed(buf, start, start), -1);
      return;
    }
    if (open !== null) {
      this.continueOpen(open, buf, start, end, lineNo, offset, flags, first - start);
      return;
    }
    this.examine(buf, start, end, lineNo, offset, flags, from);
  }

  /** Looks for bodies on a line from `from`; the line is final unless a body stays open. */
  private examine(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    flags: number,
    from: number,
  ): void {
    let pos = from;
    const text = this.text;
    for (;;) {
      let p = findCandidate(buf, pos, end);
      let parser: BodyParser;
      const t = text === null ? -1 : text.find(buf, pos, p < 0 ? end : p);
      if (t >= 0) {
        p = t;
        parser = (text as TextRecognizer).parser;
      } else if (p < 0) break;
      else parser = buf[p] === 0x7b ? this.json : this.xml;
      const after = parser.begin(buf, p, end);
      if (after === MORE) {
        this.startOpen(parser, buf, start, end, p, lineNo, offset, flags);
        return;
      }
      if (isFailed(after)) {
        if (parser.format !== "text") flags |= FAILED;
        pos = p + 1;
        continue;
      }
      flags |= this.bodyDone(parser.result(), buf, start, p, lineNo, lineNo);
      pos = after;
    }
    countLine(this.counts, flags);
  }

  private startOpen(
    parser: BodyParser,
    buf: Buffer,
    start: number,
    end: number,
    p: number,
    lineNo: number,
    offset: number,
    flags: number,
  ): void {
    this.held.reset(end - start);
    const frames = this.frames;
    while (frames.length > 0 && (frames[frames.length - 1] as Frame).lineStart === lineNo) {
      this.deferred.unshift(frames.pop() as Frame);
    }
    const line = this.held.hold(buf, start, end, lineNo, offset, flags);
    this.open = { parser, start: line.start + (p - start) };
  }

  /** One more non-blank line for the open body; `first` is its first non-blank byte (relative). */
  private continueOpen(
    open: OpenBody,
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    flags: number,
    first: number,
  ): void {
    const line = this.held.hold(buf, start, end, lineNo, offset, flags);
    if (this.held.used > this.maxMultilineBytes) {
      this.failOpen(false);
      return;
    }
    this.settleAfterLine(open.parser.feed(this.held.arena, line.start, line.end), line.start + first);
  }

  /**
   * Acts on the open body's outcome after a line; `firstPos` is the arena position of the line's
   * first non-blank byte (-1 for a blank line, which is not held).
   */
  private settleAfterLine(outcome: Outcome, firstPos: number): void {
    if (outcome === MORE) return;
    const open = this.open as OpenBody;
    if (isFailed(outcome)) this.failOpen(firstPos >= 0 && failurePos(outcome) > firstPos);
    else if (firstPos < 0) {
      // Ended before the blank line: at the end of the last held line.
      const lines = this.held.lines;
      this.closeOpen(open.parser.result(), (lines[lines.length - 1] as HeldLine).end);
    } else this.closeOpen(open.parser.result(), outcome);
  }

  /**
   * The open body ended at `endPos` (an arena position) of its last held line, or at the start of
   * that line when the body ended with the line before.
   */
  private closeOpen(parsed: Parsed | null, endPos: number): void {
    const open = this.open as OpenBody;
    const { lines: held, arena } = this.held;
    const last = held.length - 1;
    const firstLine = held[0] as HeldLine;
    const lastLine = held[last] as HeldLine;
    const endedBefore = last > 0 && endPos === lastLine.start;
    const endLine = endedBefore ? (held[last - 1] as HeldLine) : lastLine;
    this.releaseDeferred();
    const flag = this.bodyDone(parsed, arena, firstLine.start, open.start, firstLine.lineNo, endLine.lineNo);
    this.resetOpen();
    for (let i = 0; i < last; i++) countLine(this.counts, (held[i] as HeldLine).flags | flag);
    const { start, end, lineNo, offset } = lastLine;
    this.examine(
      arena,
      start,
      end,
      lineNo,
      offset,
      endedBefore ? lastLine.flags : lastLine.flags | flag,
      endPos,
    );
  }

  /** The open body is not valid: its lines are examined again, from the candidate after its start. */
  private failOpen(lastLineConsumed: boolean): void {
    const open = this.open as OpenBody;
    const { lines: held, arena } = this.held;
    open.parser.finish();
    const malformed = open.parser.format !== "text";
    this.resetOpen();
    this.releaseDeferred();
    const last = held.length - 1;
    for (let i = last; i >= 0; i--) {
      const l = held[i] as HeldLine;
      const failed = malformed && (i < last || lastLineConsumed || i === 0);
      this.replay.push({
        buf: arena,
        start: l.start,
        end: l.end,
        lineNo: l.lineNo,
        offset: l.offset,
        flags: failed ? l.flags | FAILED : l.flags,
        from: i === 0 ? open.start + 1 : l.start,
      });
    }
  }

  private releaseDeferred(): void {
    for (const f of this.deferred) this.frames.push(f);
    this.deferred = [];
  }

  private resetOpen(): void {
    this.open = null;
    this.held.lines = [];
  }

  /** A body parsed completely; returns the flag for its lines. */
  private bodyDone(
    parsed: Parsed | null,
    buf: Buffer,
    lineStartPos: number,
    bodyPos: number,
    lineStart: number,
    lineEnd: number,
  ): number {
    if (parsed === null) return BODY;
    const prefix = prefixText(buf, lineStartPos, bodyPos);
    this.frames.push({ parsed, lineStart, lineEnd, prefix });
    return RESPONSE;
  }

  // Lines too long to hold (LineSplitter streams them): see long-line.ts.

  longStart(buf: Buffer, start: number, end: number, lineNo: number): void {
    while (this.open !== null) {
      this.failOpen(false);
      this.drain();
    }
    this.long = new LongLine(lineNo);
    this.long.data(buf, start, end);
  }

  longData(buf: Buffer, start: number, end: number): void {
    this.long?.data(buf, start, end);
  }

  longEnd(oversized: boolean, size: number): void {
    this.seen += size;
    const long = this.long;
    this.long = null;
    if (long === null) return;
    if (oversized) {
      this.counts.lines++;
      this.counts.oversized++;
      return;
    }
    long.finish();
    for (const f of long.frames) this.frames.push(f);
    countLine(this.counts, long.flags);
  }

  /** How long a line may grow and still be held: room left for an open multi-line body. */
  holdLimitBytes(): number {
    return this.open === null ? 0 : Math.max(0, this.maxMultilineBytes - this.held.used);
  }
}
