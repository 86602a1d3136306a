import { emptyCounts, type Frame, type LineCounts, type Parsed } from "../core/records.js";
import { firstNonBlank } from "../parsers/blanks.js";
import {
  type BodyParser,
  failurePos,
  isFailed,
  MORE,
  type Outcome,
  type TextRecognizer,
} from "../parsers/body-parser.js";
import { FrameSink } from "./frame-sink.js";
import { type HeldLine, HeldLines } from "./held-lines.js";
import { LineExaminer } from "./line-examiner.js";
import { countLine, PAUSED } from "./line-outcomes.js";
import type { LineHandler } from "./line-splitter.js";
import { LineTurns, type WaitingLine } from "./line-turns.js";
import { LongLine } from "./long-line.js";
import { closeHeld, type OpenBody, replayHeld } from "./open-body.js";
import type { ReplayLine, Skips } from "./replay.js";
import { SettleProbe } from "./settle-probe.js";
import { movedStop, type Stop, type TurnBudget } from "./turn-budget.js";

/**
 * Lines → frames. Has each line's bodies found and parsed (line-examiner.ts), follows a body over
 * following lines when it does not end on its own (held lines, settling), and when such a body
 * fails goes on from the next candidate after its start — re-examining the lines the failed body
 * had taken (docs/design.md §3). Counts every non-blank line once. Frames and counts accumulate in
 * `frames` and `counts` until the caller takes them (once per batch).
 */
export class BodyFramer implements LineHandler {
  private readonly out = new FrameSink();
  counts: LineCounts;
  private readonly examiner: LineExaminer;
  private open: OpenBody | null = null;
  private readonly held = new HeldLines();
  /** Bytes of all lines received so far. */
  private seen = 0;
  /** Lines to examine again, last one first. */
  private replay: ReplayLine[] = [];
  private long: LongLine | null = null;
  private readonly probe = new SettleProbe();
  /** The input's last line, when the caller said which (`line`'s `last`); else -1. */
  private lastLineNo = -1;
  /** The input's framer under a turn budget: the lines that wait for the next turn; else null. */
  private readonly turns: LineTurns | null;

  /**
   * `depth`: how many strings this framer's text is inside (0: the input itself). `budget`: `run`'s
   * turn budget (null: a line is examined in one go).
   */
  constructor(
    counts: LineCounts,
    private readonly maxMultilineBytes: number,
    text: TextRecognizer | null = null,
    private readonly budget: TurnBudget | null = null,
    private readonly depth = 0,
  ) {
    this.counts = counts;
    this.turns = budget !== null && depth === 0 ? new LineTurns(budget) : null;
    this.examiner = new LineExaminer(
      this.out,
      text,
      depth,
      () => new BodyFramer(emptyCounts(), maxMultilineBytes, text, budget, depth + 1),
      budget,
    );
  }

  /** The frames found since the caller last took them (once per batch). */
  get frames(): Frame[] {
    return this.out.frames;
  }

  set frames(frames: Frame[]) {
    this.out.frames = frames;
  }

  /** Bytes of lines that are not final yet: a checkpoint must let them be read again. */
  get pendingBytes(): number {
    if (this.turns?.paused) return this.seen - this.turns.offset;
    const first = this.held.lines[0];
    return this.open !== null && first !== undefined ? this.seen - first.offset : 0;
  }

  /**
   * `last`: the caller knows no line follows (the decoded text of a string): a body still open at
   * the line's end ends there at once, as `finish` would end it, without holding the line.
   */
  line(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    size: number,
    last = false,
    from?: Stop,
  ): void {
    const offset = this.seen;
    this.seen += size;
    if (this.turns?.paused) this.turns.add(buf, start, end, lineNo, offset);
    else {
      if (last) this.lastLineNo = lineNo;
      this.fresh(buf, start, end, lineNo, offset, from);
    }
  }

  /** Where the examination of the text's line stopped (a framer of a string's text, after PAUSE). */
  get stop(): Stop | null {
    return this.examiner.stop;
  }

  /** A line stopped for this turn (turn-budget.ts): `resume` goes on with it in the next. */
  get paused(): boolean {
    return this.turns?.paused === true;
  }

  /** Goes on with the lines that wait, until all are done or the turn's budget is spent again. */
  resume(): void {
    this.turns?.resume(this.goOn);
  }

  private readonly goOn = (l: WaitingLine): void => this.fresh(l.buf, 0, l.end, l.lineNo, l.offset, l.stop);

  /** A new line, or with `from` one that goes on from there; it may stop if nothing is open. */
  private fresh(buf: Buffer, start: number, end: number, lineNo: number, offset: number, from?: Stop): void {
    const mayStop = this.budget !== null && this.open === null && this.replay.length === 0;
    if (mayStop) this.examiner.mayStop(from !== undefined);
    try {
      if (from === undefined) this.process(buf, start, end, lineNo, offset, 0, start, null);
      else {
        const stop = movedStop(from, start);
        this.out.moved(buf, lineNo, from.lineStart, start);
        this.examiner.strings.lineNo = lineNo;
        this.examiner.quotesFrom = stop.quotesFrom;
        this.examine(buf, start, end, lineNo, offset, stop.flags, stop.pos, stop.skip);
      }
    } finally {
      if (mayStop) this.examiner.mayNotStop();
    }
    this.drain();
  }

  /** End of input: an open body is truncated. */
  finish(): void {
    this.turns?.complete(this.goOn);
    while (this.open !== null) {
      const outcome = this.open.parser.finish();
      // Every byte of the last line was read before the input ended.
      if (isFailed(outcome) || outcome === MORE) this.failOpen(true);
      else this.closeOpen(this.open.parser.result(), outcome);
      this.drain();
    }
    this.lastLineNo = -1;
    this.out.endInput();
  }

  /** The input paused long enough (partialLineTimeoutMs): an open body is settled now. */
  settle(): void {
    this.finish();
  }

  private drain(): void {
    for (let l = this.replay.pop(); l !== undefined; l = this.replay.pop()) {
      this.process(l.buf, l.start, l.end, l.lineNo, l.offset, l.flags, l.from, l.skip);
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
    skip: Skips | null,
  ): void {
    const first = firstNonBlank(buf, start, end);
    const open = this.open;
    if (first === end) {
      // A blank line is fed as an empty one (not held, not counted).
      if (open !== null) this.settleAfterLine(open.parser.feed(buf, start, start), -1);
      return;
    }
    this.examiner.strings.lineNo = lineNo;
    if (open !== null) {
      this.continueOpen(open, buf, start, end, lineNo, offset, flags, first - start);
      return;
    }
    this.examine(buf, start, end, lineNo, offset, flags, from, skip);
  }

  /** Examines a line from `from` (line-examiner.ts); the line is final unless a body stays open. */
  private examine(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
    flags: number,
    from: number,
    skip: Skips | null,
  ): void {
    const examiner = this.examiner;
    flags = examiner.examine(buf, start, end, lineNo, flags, from, skip, lineNo === this.lastLineNo);
    if (flags & PAUSED) {
      this.stopLine(buf, start, end, lineNo, offset);
      return;
    }
    const parser = examiner.opened;
    if (parser === null) {
      countLine(this.counts, flags);
      return;
    }
    // A body opens here: the line is held, and so are the frames found before it on the line.
    this.held.reset(end - start);
    this.out.defer(lineNo);
    const line = this.held.hold(buf, start, end, lineNo, offset, flags);
    this.open = { parser, start: line.start + (examiner.openedAt - start), shift: line.start - start };
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
    if (this.settledBy(open.parser, buf, start, end)) {
      // A complete response of its own settles the open body as it stands, before this line.
      const outcome = open.parser.finish();
      if (outcome >= 0) this.closeOpen(open.parser.result(), line.start);
      else this.failOpen(false);
      return;
    }
    this.settleAfterLine(open.parser.feed(this.held.arena, line.start, line.end), line.start + first);
  }

  /** A line that is a complete response of its own settles an open XML root or text block (settle-probe.ts). */
  private settledBy(parser: BodyParser, buf: Buffer, start: number, end: number): boolean {
    const { json, xml } = this.examiner;
    return parser !== json && (parser !== xml || xml.inRoot) && this.probe.settles(buf, start, end);
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
    const { line, flags } = closeHeld(
      this.open as OpenBody,
      this.held,
      this.out,
      this.counts,
      parsed,
      endPos,
    );
    this.resetOpen();
    this.examine(this.held.arena, line.start, line.end, line.lineNo, line.offset, flags, endPos, null);
  }

  /** The open body is not valid: its lines are examined again, from the candidate after its start. */
  private failOpen(lastLineConsumed: boolean): void {
    replayHeld(this.open as OpenBody, this.held, this.out, lastLineConsumed, this.replay);
    this.resetOpen();
  }

  /** The input's line stopped for this turn: copied, it waits for `resume`. */
  private stopLine(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    const copy = (this.turns as LineTurns).stopped(
      buf,
      start,
      end,
      lineNo,
      offset,
      this.examiner.stop as Stop,
    );
    this.out.moved(copy, lineNo, start, 0);
    this.examiner.strings.moved(-start);
  }

  private resetOpen(): void {
    this.open = null;
    this.held.lines = [];
  }

  // Lines too long to hold (LineSplitter streams them): see long-line.ts.

  longStart(buf: Buffer, start: number, end: number, lineNo: number): void {
    this.turns?.complete(this.goOn);
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
    this.long?.end(oversized, this.counts, this.out.frames);
    this.long = null;
  }

  /** How long a line may grow and still be held: room left for an open multi-line body. */
  holdLimitBytes(): number {
    return this.open === null ? 0 : Math.max(0, this.maxMultilineBytes - this.held.used);
  }
}
