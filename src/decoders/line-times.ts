/**
 * The runtime time and stream of the content lines passed to the framer, by line number, until
 * the frames that start on them have been handed on (README "Container logs": the line's time,
 * its stream). Line numbers only grow, so parallel arrays and a binary search do; frames ask in
 * line order, mostly for the line after the last one found, which is looked at first.
 */
import type { OutputStream } from "../core/records.js";

const STREAM_NAMES: readonly OutputStream[] = ["stdout", "stderr"];

export class LineTimes {
  private readonly lines: number[] = [];
  private readonly times: number[] = [];
  private readonly streams: number[] = [];
  /** Where the last search found its line. */
  private at = 0;

  add(lineNo: number, timeMs: number, stream: number): void {
    this.lines.push(lineNo);
    this.times.push(timeMs);
    this.streams.push(stream);
  }

  /** The time of the line `lineNo`, or undefined if it was not a decoded line. */
  get(lineNo: number): number | undefined {
    const i = this.find(lineNo);
    return i < 0 ? undefined : this.times[i];
  }

  /** The stream of the line `lineNo`, or undefined if it was not a decoded line. */
  stream(lineNo: number): OutputStream | undefined {
    const i = this.find(lineNo);
    return i < 0 ? undefined : STREAM_NAMES[this.streams[i] as number];
  }

  /** Nothing held refers to these lines any more; `keepLast`: but the last one is still open. */
  clear(keepLast = false): void {
    const n = this.lines.length;
    if (n === 0 || (keepLast && n === 1)) return;
    // In place: the arrays keep their room for the next batch.
    const keep = keepLast ? 1 : 0;
    for (const a of [this.lines, this.times, this.streams]) {
      if (keepLast) a[0] = a[n - 1] as number;
      a.length = keep;
    }
    this.at = 0;
  }

  private find(lineNo: number): number {
    const lines = this.lines;
    const at = this.at;
    if (lines[at] === lineNo) return at;
    if (lines[at + 1] === lineNo) {
      this.at = at + 1;
      return at + 1;
    }
    let lo = 0;
    let hi = lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const l = lines[mid] as number;
      if (l === lineNo) {
        this.at = mid;
        return mid;
      }
      if (l < lineNo) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
