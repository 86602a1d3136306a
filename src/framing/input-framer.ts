import type { Frame, LineCounts } from "../core/records.js";
import type { TextRecognizer } from "../parsers/body-parser.js";
import { BodyFramer } from "./body-framer.js";
import type { LineHandler } from "./line-splitter.js";
import { LineTurns, type WaitingLine } from "./line-turns.js";
import { LongLine } from "./long-line.js";
import type { Stop, TurnBudget } from "./turn-budget.js";

/**
 * The framer of the input itself: what the splitter and the decoders hand lines to. It adds to the
 * body framer what only the input has — lines too long to hold (long-line.ts), and under `run`'s
 * turn budget (turn-budget.ts) the line that stopped and the lines after it, which wait here until
 * `resume` goes on with them.
 */
export class InputFramer implements LineHandler {
  private readonly framer: BodyFramer;
  private readonly turns: LineTurns | null;
  private long: LongLine | null = null;

  constructor(
    counts: LineCounts,
    maxMultilineBytes: number,
    text: TextRecognizer | null,
    budget: TurnBudget | null,
  ) {
    this.framer = new BodyFramer(counts, maxMultilineBytes, text, budget);
    this.turns = budget === null ? null : new LineTurns(budget);
    this.framer.onStop = this.stopped;
    this.framer.onReplayStop = (lines) => this.turns?.replayed(lines);
  }

  /** The frames found since the caller last took them (once per batch). */
  get frames(): Frame[] {
    return this.framer.frames;
  }

  set frames(frames: Frame[]) {
    this.framer.frames = frames;
  }

  get counts(): LineCounts {
    return this.framer.counts;
  }

  set counts(counts: LineCounts) {
    this.framer.counts = counts;
  }

  /** Bytes of lines that are not final yet (waiting, or held by an open body): read again after a restart. */
  get pendingBytes(): number {
    const turns = this.turns;
    const held = this.framer.pendingBytes;
    // A body that a line examined again opened may hold lines from before the first that waits.
    return turns?.paused ? Math.max(held, this.framer.bytesSeen - turns.offset) : held;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void {
    if (this.turns?.paused) this.turns.add(buf, start, end, lineNo, this.framer.received(size));
    else this.framer.line(buf, start, end, lineNo, size);
  }

  /** A line stopped for this turn: `resume` goes on with it in the next. */
  get paused(): boolean {
    return this.turns?.paused === true;
  }

  /** Goes on with the lines that wait, until all are done or the turn's budget is spent again. */
  resume(): void {
    this.turns?.resume(this.goOn);
  }

  /** End of input: what waits goes on at once, then an open body is truncated. */
  finish(): void {
    this.turns?.complete(this.goOn);
    this.framer.finish();
  }

  /** The input paused long enough (partialLineTimeoutMs): an open body is settled now. */
  settle(): void {
    this.finish();
  }

  // Lines too long to hold (LineSplitter streams them): see long-line.ts.

  longStart(buf: Buffer, start: number, end: number, lineNo: number): void {
    this.turns?.complete(this.goOn);
    this.framer.failOpenBodies();
    this.long = new LongLine(lineNo);
    this.long.data(buf, start, end);
  }

  longData(buf: Buffer, start: number, end: number): void {
    this.long?.data(buf, start, end);
  }

  longEnd(oversized: boolean, size: number): void {
    this.framer.received(size);
    this.long?.end(oversized, this.framer.counts, this.framer.frames);
    this.long = null;
  }

  holdLimitBytes(): number {
    return this.framer.holdLimitBytes();
  }

  private readonly goOn = (l: WaitingLine): void =>
    this.framer.fresh(l.buf, l.start, l.end, l.lineNo, l.offset, l.stop);

  /** A line stopped for this turn: copied, it waits. */
  private readonly stopped = (
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
  ): void => {
    const line = (this.turns as LineTurns).stopped(buf, start, end, lineNo, offset, this.framer.stop as Stop);
    this.framer.moved(line.buf, lineNo, start, line.start);
  };
}
