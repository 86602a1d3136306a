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
import { countLine, countLines, PAUSED } from "./line-outcomes.js";
import { closeHeld, type OpenBody, replayHeld, reportBody } from "./open-body.js";
import type { ReplayLine, Skips } from "./replay.js";
import { SettleProbe } from "./settle-probe.js";
import { movedStop, type Stop, type TurnBudget } from "./turn-budget.js";

/** The input's framer (input-framer.ts) is told when one of its lines stops for this turn. */
export type OnStop = (buf: Buffer, start: number, end: number, lineNo: number, offset: number) => void;

/**
 * Lines → frames. Has each line's bodies found and parsed (line-examiner.ts), follows a body over
 * following lines when it does not end on its own (held lines, settling), and when such a body
 * fails goes on from the next candidate after its start — re-examining the lines the failed body
 * had taken (docs/design.md §3). Counts every non-blank line once. Frames and counts accumulate in
 * `frames` and `counts` until the caller takes them (once per batch). The input's own framer
 * (input-framer.ts) adds lines too long to hold and `run`'s turns.
 */
export class BodyFramer {
  private readonly out = new FrameSink();
  counts: LineCounts;
  private readonly examiner: LineExaminer;
  private open: OpenBody | null = null;
  private readonly held = new HeldLines();
  /** Bytes of all lines received so far. */
  private seen = 0;
  /** Lines to examine again, last one first. */
  private replay: ReplayLine[] = [];
  private readonly probe = new SettleProbe();
  /** The input's last line, when the caller said which (`line`'s `last`); else -1. */
  private lastLineNo = -1;
  /** Set by the input's framer under a turn budget. */
  onStop: OnStop | null = null;
  /** The lines to examine again stopped for this turn (the input's framer under a budget). */
  replayWaits = false;

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
    this.examiner = new LineExaminer(
      this.out,
      text,
      depth,
      () => new BodyFramer(emptyCounts(), maxMultilineBytes, text?.another() ?? null, budget, depth + 1),
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
    // The next line to examine again is the first of them (a stack, the last one first).
    const replayed = this.replayWaits ? this.replay[this.replay.length - 1] : undefined;
    if (replayed !== undefined)
      return this.seen - Math.min(replayed.offset, this.held.lines[0]?.offset ?? replayed.offset);
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
    const offset = this.received(size);
    if (last) this.lastLineNo = lineNo;
    this.fresh(buf, start, end, lineNo, offset, from);
  }

  /**
   * Whether `takeLines` may take the next lines: a JSON body is open, and no line waits to be
   * examined again.
   */
  get takesLines(): boolean {
    const open = this.open;
    return (
      open !== null &&
      open.parser === this.examiner.json &&
      open.lineByLine !== true &&
      this.replay.length === 0
    );
  }

  /** How many lines the last `takeLines` took. */
  linesTaken = 0;

  /**
   * Complete lines `data[pos, end)`, each with its `\n` (the first is line `lineNo`), for the open
   * JSON body (`takesLines`), scanned in one call where they are, not line by line (a
   * pretty-printed body's cost was mostly per line). The caller (the splitter) makes sure that
   * together they fit in `holdLimitBytes`, so that none of them is a long line or passes the
   * multi-line limit. Each line comes out as `line` would make it:
   *
   * - the body ends: its lines are counted from the scanner's line breaks, the rest of the line it
   *   ends on is examined, and the lines after it are not taken;
   * - it goes on past them: they are held (copied into the arena), as `line` holds each;
   * - it fails: it is scanned again line by line from its held lines (`rescan`), to fail where
   *   `line` would have it fail (a blank line may hold a VT or FF, which the framer skips and the
   *   scanner does not), and the lines after that one are not taken.
   *
   * Returns the position after the last line taken; `linesTaken` says how many.
   */
  takeLines(data: Buffer, pos: number, end: number, lineNo: number): number {
    const json = this.examiner.json;
    const strings = this.examiner.strings;
    strings.spanLines(data, pos, end, lineNo);
    let outcome: Outcome;
    try {
      outcome = json.feed(data, pos, end);
    } finally {
      strings.endSpan();
    }
    if (outcome >= 0) return this.endTaken(data, pos, lineNo, outcome, json.lineBreaks, json.blankLines);
    const firstNew = this.held.lines.length;
    // Held up to the end of the line it failed on: the lines after it are not taken.
    const failed = isFailed(outcome) ? failurePos(outcome) : -1;
    const to = failed < 0 || failed >= end ? end : data.indexOf(0x0a, failed) + 1;
    const next = this.keepLines(data, pos, to, lineNo);
    // The scanner's positions in these lines are in `data`, not in the arena: a failure scans again.
    this.open = { ...(this.open as OpenBody), tookLines: true };
    if (failed < 0) {
      this.seen += end - pos;
      this.linesTaken = next - lineNo;
      return end;
    }
    return this.takeAgain(data, pos, lineNo, firstNew);
  }

  /**
   * The body ended at `endPos` of `data`, `lineBreaks` lines after line `lineNo` at `pos`
   * (`blankLines` of them blank): as closeHeld and closeOpen would have it, its lines are counted,
   * then the rest of the line it ended on is examined. Returns the position after that line.
   */
  private endTaken(
    data: Buffer,
    pos: number,
    lineNo: number,
    endPos: number,
    lineBreaks: number,
    blankLines: number,
  ): number {
    const open = this.open as OpenBody;
    const held = this.held;
    const start = data.lastIndexOf(0x0a, endPos - 1) + 1;
    const nl = data.indexOf(0x0a, endPos);
    const end = nl > start && data[nl - 1] === 0x0d ? nl - 1 : nl;
    const endLineNo = lineNo + lineBreaks;
    const offset = this.seen + (start - pos);
    this.seen = offset + (nl + 1 - start);
    this.linesTaken = lineBreaks + 1;
    const flag = reportBody(
      open,
      held,
      this.out,
      this.counts,
      open.parser.result(),
      endLineNo,
      held.lines.length,
    );
    countLines(this.counts, flag, lineBreaks - blankLines);
    this.resetOpen();
    // Its quoted strings are on that line.
    this.examiner.strings.lineNo = endLineNo;
    this.examine(data, start, end, endLineNo, offset, flag, endPos, null);
    this.drain(this.budget !== null && this.depth === 0);
    return nl + 1;
  }

  /**
   * Holds the non-blank lines of `data[from, to)`, each on its own as `line` holds it (blank lines
   * are not held); returns the number of the line after the last one.
   */
  private keepLines(data: Buffer, from: number, to: number, lineNo: number): number {
    let n = lineNo;
    for (let s = from; s < to; n++) {
      const nl = data.indexOf(0x0a, s);
      const e = nl > s && data[nl - 1] === 0x0d ? nl - 1 : nl;
      if (firstNonBlank(data, s, e) < e) this.held.hold(data, s, e, n, this.seen + (s - from), 0);
      s = nl + 1;
    }
    return n;
  }

  /**
   * The body failed in lines `takeLines` took (`data` from `pos`, held from `firstNew` on):
   * scanned again line by line, it ends or fails on one of them, where `line` would.
   */
  private takeAgain(data: Buffer, pos: number, lineNo: number, firstNew: number): number {
    const lines = this.held.lines;
    const at = this.rescan();
    if (at < 0) {
      // Only a VT or FF of a blank line failed it: the lines from there on go by `line`, and so do
      // the body's next ones (taking them could fail on the next such line, and scan again each time).
      this.open = { ...(this.open as OpenBody), lineByLine: true };
      const last = lines.length - 1;
      if (last >= firstNew) return this.untake(data, pos, last, lineNo);
      this.linesTaken = 0;
      return pos;
    }
    const l = lines[at] as HeldLine;
    const after = this.untake(data, pos, at, lineNo);
    this.settleAfterLine(this.rescanned, firstNonBlank(this.held.arena, l.start, l.end));
    this.drain(this.budget !== null && this.depth === 0);
    return after;
  }

  /** The outcome of the line `rescan` stopped at. */
  private rescanned: Outcome = MORE;

  /**
   * The open body (one that took lines, `takeLines`) begun again on its first held line and fed
   * the others up to `fed` one by one, as `line` fed them: the scanner's positions are then the
   * arena's, as replayHeld needs them. Returns the index of the held line where it ended or failed
   * (its outcome in `rescanned`), or -1 when it goes on past them.
   */
  private rescan(fed = this.held.lines.length): number {
    const { parser, start } = this.open as OpenBody;
    const { arena, lines } = this.held;
    const strings = this.examiner.strings;
    const first = lines[0] as HeldLine;
    strings.lineNo = first.lineNo;
    // MORE, as when it began (the same bytes); begun in the arena, its positions need no shift.
    parser.begin(arena, start, first.end);
    this.open = { parser, start, shift: 0 };
    for (let i = 1; i < fed; i++) {
      const l = lines[i] as HeldLine;
      strings.lineNo = l.lineNo;
      const outcome = parser.feed(arena, l.start, l.end);
      if (outcome === MORE) continue;
      this.rescanned = outcome;
      return i;
    }
    return -1;
  }

  /**
   * Keeps the held lines up to `last`, one of those `takeLines` took from `pos` of `data` (the
   * lines after it are not taken), and counts their bytes as seen; returns the position in `data`
   * after that line.
   */
  private untake(data: Buffer, pos: number, last: number, lineNo: number): number {
    const line = this.held.lines[last] as HeldLine;
    const start = pos + (line.offset - this.seen);
    const after = data.indexOf(0x0a, start + (line.end - line.start)) + 1;
    this.held.truncate(last + 1);
    this.seen = line.offset + (after - start);
    this.linesTaken = line.lineNo - lineNo + 1;
    return after;
  }

  /** Bytes of all lines received so far. */
  get bytesSeen(): number {
    return this.seen;
  }

  /** `size` more bytes of input; returns the bytes before them (a line's offset). */
  received(size: number): number {
    this.seen += size;
    return this.seen - size;
  }

  /** Where the examination of the text's line stopped (a framer of a string's text, after PAUSE). */
  get stop(): Stop | null {
    return this.examiner.stop;
  }

  /** A new line, or with `from` one that goes on from there; it may stop if nothing is open. */
  fresh(buf: Buffer, start: number, end: number, lineNo: number, offset: number, from?: Stop): void {
    const budget = this.budget;
    const mayStop =
      budget !== null &&
      this.open === null &&
      this.replay.length === 0 &&
      (this.depth > 0 || from !== undefined || end - start >= budget.minLineBytes);
    if (mayStop) this.examiner.mayStop(from !== undefined);
    try {
      if (from === undefined) this.process(buf, start, end, lineNo, offset, 0, start, null);
      else {
        const stop = movedStop(from, start);
        this.out.moved(buf, lineNo, from.lineStart, start);
        if (this.open === null) this.examiner.goingOn = stop;
        this.process(buf, start, end, lineNo, offset, stop.flags, stop.pos, stop.skip);
      }
    } finally {
      if (mayStop) this.examiner.mayNotStop();
    }
    this.drain(this.budget !== null && this.depth === 0);
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
    this.lastLineNo = -1;
    this.out.endInput();
  }

  /**
   * Examines the lines to examine again. `mayStop`: the input's lines under a turn budget — when
   * it is spent between two of them, the rest wait (`replayWaits`) for `goOnReplay` (a body one of
   * them opened stays open: the next is fed to it then, as a line that comes later would be).
   */
  private drain(mayStop = false): void {
    // At least one line each time (so each turn gets further), then a look at the budget.
    let first = true;
    for (let l = this.replay.pop(); l !== undefined; l = this.replay.pop()) {
      if (mayStop && !first && (this.budget as TurnBudget).expired()) {
        this.replay.push(l);
        this.replayWaits = true;
        return;
      }
      this.process(l.buf, l.start, l.end, l.lineNo, l.offset, l.flags, l.from, l.skip);
      first = false;
    }
  }

  /** Goes on with the lines to examine again that wait, until done or the turn is spent again. */
  goOnReplay(): void {
    this.replayWaits = false;
    this.drain(true);
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
      (this.onStop as OnStop)(buf, start, end, lineNo, offset);
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
      // This line was held, not fed.
      this.failOpen(false, this.held.lines.length - 1);
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
  private failOpen(lastLineConsumed: boolean, fed = this.held.lines.length): void {
    // Its scanner's positions are those replayHeld needs once it is scanned again line by line.
    if ((this.open as OpenBody).tookLines === true) this.rescan(fed);
    replayHeld(this.open as OpenBody, this.held, this.out, lastLineConsumed, this.replay);
    this.resetOpen();
  }

  private resetOpen(): void {
    this.open = null;
    this.held.lines = [];
  }

  /** The line that stopped at `start` is at the start of `buf` now (copied to wait): its positions move. */
  moved(buf: Buffer, lineNo: number, start: number): void {
    this.out.moved(buf, lineNo, start, 0);
    this.examiner.strings.moved(-start);
  }

  /** A line too long to hold begins (input-framer.ts): an open body fails before it. */
  failOpenBodies(): void {
    while (this.open !== null) {
      this.failOpen(false);
      this.drain();
    }
  }

  /** How long a line may grow and still be held: room left for an open multi-line body. */
  holdLimitBytes(): number {
    return this.open === null ? 0 : Math.max(0, this.maxMultilineBytes - this.held.used);
  }
}
