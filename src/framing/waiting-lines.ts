import type { Stop } from "./turn-budget.js";

/** A line that waits for the next turn, its bytes copied (the caller's buffer is reused). */
export interface WaitingLine {
  readonly buf: Buffer;
  readonly end: number;
  readonly lineNo: number;
  /** Bytes of input before this line (checkpoints). */
  readonly offset: number;
  /** Where its examination stopped; null for a line not examined yet. */
  readonly stop: Stop | null;
}

/**
 * The lines that wait for the next turn (turn-budget.ts): the line whose examination stopped, then
 * the lines that came after it, in order. What waits is not final: a checkpoint must let it be
 * read again (`offset`).
 */
export class WaitingLines {
  private readonly lines: WaitingLine[];
  private next = 0;

  constructor(stopped: WaitingLine) {
    this.lines = [stopped];
  }

  /** Bytes of input before the first line that waits. */
  get offset(): number {
    return (this.lines[this.next] as WaitingLine).offset;
  }

  /** A line that came while lines wait: it waits behind them. */
  add(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    this.lines.push({
      buf: Buffer.from(buf.subarray(start, end)),
      end: end - start,
      lineNo,
      offset,
      stop: null,
    });
  }

  /** The next line to go on with, or undefined. */
  take(): WaitingLine | undefined {
    return this.next < this.lines.length ? this.lines[this.next++] : undefined;
  }

  /** The lines not taken yet now wait behind `stopped` (a line taken from here that stopped again). */
  behind(stopped: WaitingLine): WaitingLines {
    const rest = new WaitingLines(stopped);
    for (let l = this.take(); l !== undefined; l = this.take()) rest.lines.push(l);
    return rest;
  }
}
