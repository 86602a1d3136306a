import { movedStop, type Stop, type TurnBudget } from "./turn-budget.js";

/** A line that waits for the next turn, `buf[0, end)`: its bytes copied (the caller's buffer is reused). */
export interface WaitingLine {
  readonly buf: Buffer;
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

  constructor(readonly budget: TurnBudget) {}

  get paused(): boolean {
    return this.next < this.lines.length;
  }

  /** Bytes of input before the first line that waits. */
  get offset(): number {
    return (this.lines[this.next] as WaitingLine).offset;
  }

  /**
   * Line `lineNo` (`buf[start, end)`) stopped at `stop`: it waits, copied, unless it is the copy
   * already (the line `resume` went on with: what was found on it still holds); returns the copy.
   */
  stopped(buf: Buffer, start: number, end: number, lineNo: number, offset: number, stop: Stop): Buffer {
    const own = this.current >= 0 && buf === this.lines[this.current]?.buf;
    const copy = own ? buf : Buffer.from(buf.subarray(start, end));
    const line = { buf: copy, end: end - start, lineNo, offset, stop: movedStop(stop, 0) };
    if (this.current < 0) this.lines.push(line);
    else {
      // The line `resume` went on with stopped again: it waits where it was.
      this.lines[this.current] = line;
      this.next = this.current;
    }
    return copy;
  }

  /** A line that came while lines wait: it waits behind them. */
  add(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    this.lines.push({
      buf: Buffer.from(buf.subarray(start, end)),
      end: end - start,
      lineNo,
      offset,
      stop: undefined,
    });
  }

  /**
   * Goes on with the lines that wait (`goOn` each) until all are done, one stops again, `goOn`
   * says to stop (lines it made to examine again wait) or the turn is spent.
   */
  resume(goOn: (line: WaitingLine) => boolean): void {
    while (this.next < this.lines.length) {
      const at = this.next++;
      this.current = at;
      const stop = goOn(this.lines[at] as WaitingLine);
      this.current = -1;
      // It stopped again: it waits where it was.
      if (this.next === at || stop || (this.next < this.lines.length && this.budget.expired())) return;
    }
    this.lines = [];
    this.next = 0;
  }
}
