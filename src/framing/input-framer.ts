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
    const framed = this.framer.pendingBytes;
    // What the body framer holds (an open body, lines to examine again) comes before what waits here.
    return turns?.paused ? Math.max(framed, this.framer.bytesSeen - turns.offset) : framed;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, size: number): void {
    if (this.paused) (this.turns as LineTurns).add(buf, start, end, lineNo, this.framer.received(size));
    else this.framer.line(buf, start, end, lineNo, size);
  }

  /** Whether `takeLines` may take the next lines (body-framer.ts): an open JSON body, nothing waiting. */
  get takesLines(): boolean {
    return this.framer.takesLines && !this.paused;
  }

  takeLines(data: Buffer, pos: number, end: number, lineNo: number): number {
    return this.framer.takeLines(data, pos, end, lineNo);
  }

  get linesTaken(): number {
    return this.framer.linesTaken;
  }

  /** A line stopped for this turn: `resume` goes on with it in the next. */
  get paused(): boolean {
    return this.framer.replayWaits || this.turns?.paused === true;
  }

  /**
   * Goes on with what waits — the lines to examine again first, then the lines that came after —
   * until all is done or the turn's budget is spent again.
   */
  resume(): void {
    if (this.framer.replayWaits) this.framer.goOnReplay();
    if (!this.framer.replayWaits) this.turns?.resume(this.goOn);
  }

  /** End of input: what waits goes on at once, then an open body is truncated. */
  finish(): void {
    this.complete();
    this.framer.finish();
  }

  /** Nothing may wait any more (a flush, the input's end, a line too long to hold): all goes on now. */
  private complete(): void {
    if (!this.paused) return;
    this.turns?.budget.unlimited();
    while (this.paused) this.resume();
  }

  /** The input paused long enough (partialLineTimeoutMs): an open body is settled now. */
  settle(): void {
    this.finish();
  }

  // Lines too long to hold (LineSplitter streams them): see long-line.ts.

  longStart(buf: Buffer, start: number, end: number, lineNo: number): void {
    this.complete();
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

  /** One waiting line; true when lines it made to examine again wait now. */
  private readonly goOn = (l: WaitingLine): boolean => {
    this.framer.fresh(l.buf, 0, l.end, l.lineNo, l.offset, l.stop);
    return this.framer.replayWaits;
  };

  /** A line stopped for this turn: copied, it waits. */
  private readonly stopped = (
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    offset: number,
  ): void => {
    const copy = (this.turns as LineTurns).stopped(buf, start, end, lineNo, offset, this.framer.stop as Stop);
    this.framer.moved(copy, lineNo, start);
  };
}
