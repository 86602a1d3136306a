import type { ReplayLine } from "./replay.js";
import { movedStop, type Stop, type TurnBudget } from "./turn-budget.js";

/**
 * A line that waits for the next turn, `buf[start, end)`: its bytes copied (the caller's buffer is
 * reused), or in the arena of the held lines it is examined again from (the framer's own).
 */
export interface WaitingLine {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  readonly lineNo: number;
  /** Bytes of input before this line (checkpoints). */
  readonly offset: number;
  /** Where its examination stopped; undefined for a line not examined yet. */
  readonly stop: Stop | undefined;
}

/**
 * The input framer's lines under `run`'s turn budget (turn-budget.ts): the line whose examination
 * stopped and the lines that came after it wait here, in order, until a later turn goes on with
 * them. What waits is not final: a checkpoint must let it be read again (`offset`).
 */
export class LineTurns {
  private lines: WaitingLine[] = [];
  private next = 0;
  /** The index of the line `resume` is going on with, else -1. */
  private current = -1;
  /** Lines to examine again were stopped while `resume` went on with a line: it stops there. */
  private halted = false;

  constructor(readonly budget: TurnBudget) {}

  get paused(): boolean {
    return this.next < this.lines.length;
  }

  /** Bytes of input before the first line that waits. */
  get offset(): number {
    return (this.lines[this.next] as WaitingLine).offset;
  }

  /**
   * Line `lineNo` (`buf[start, end)`) stopped at `stop`: it waits, copied, unless it is in a buffer
   * of its own already (the line `resume` went on with: what was found on it still holds).
   */
  stopped(buf: Buffer, start: number, end: number, lineNo: number, offset: number, stop: Stop): WaitingLine {
    const own = this.current >= 0 && buf === this.lines[this.current]?.buf;
    const line = own
      ? { buf, start, end, lineNo, offset, stop }
      : {
          buf: Buffer.from(buf.subarray(start, end)),
          start: 0,
          end: end - start,
          lineNo,
          offset,
          stop: movedStop(stop, 0),
        };
    if (this.current < 0) this.lines.push(line);
    else {
      // The line `resume` went on with stopped again: it waits where it was.
      this.lines[this.current] = line;
      this.next = this.current;
    }
    return line;
  }

  /**
   * Lines to examine again (replay.ts), in order, stopped for this turn before the first: they wait
   * before every line that came after them, where they are (the held lines' arena is the framer's).
   */
  replayed(lines: readonly ReplayLine[]): void {
    const waiting = lines.map(
      (l): WaitingLine => ({
        buf: l.buf,
        start: l.start,
        end: l.end,
        lineNo: l.lineNo,
        offset: l.offset,
        stop: { pos: l.from, flags: l.flags, skip: l.skip, quotesFrom: l.from, lineStart: l.start },
      }),
    );
    // Not spread as arguments: tens of thousands of lines would pass V8's argument limit.
    this.lines = this.lines.slice(0, this.next).concat(waiting, this.lines.slice(this.next));
    if (this.current >= 0) this.halted = true;
  }

  /** A line that came while lines wait: it waits behind them. */
  add(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    this.lines.push({
      buf: Buffer.from(buf.subarray(start, end)),
      start: 0,
      end: end - start,
      lineNo,
      offset,
      stop: undefined,
    });
  }

  /** Goes on with the lines that wait (`goOn` each) until all are done or one stops again. */
  resume(goOn: (line: WaitingLine) => void): void {
    while (this.next < this.lines.length) {
      const at = this.next++;
      this.current = at;
      goOn(this.lines[at] as WaitingLine);
      this.current = -1;
      // It stopped again (it waits where it was), or lines it made to examine again did, or the
      // turn is spent.
      if (this.next === at || this.halted || (this.next < this.lines.length && this.budget.expired())) {
        this.halted = false;
        return;
      }
    }
    this.lines = [];
    this.next = 0;
  }

  /** Nothing may wait any more (a flush, the input's end, a line too long to hold): all goes on now. */
  complete(goOn: (line: WaitingLine) => void): void {
    if (!this.paused) return;
    this.budget.unlimited();
    while (this.paused) this.resume(goOn);
  }
}
