/**
 * The runtime time and stream of the content lines passed to the framer, by line number, until
 * the frames that start on them have been handed on (README "Container logs": the line's time,
 * its stream). Line numbers only grow, so parallel arrays and a binary search do; frames ask in
 * line order, mostly for the line after the last one found, which is looked at first. The arrays
 * are typed and kept from batch to batch: adding a line writes three numbers, nothing else.
 */
import type { OutputStream } from "../core/records.js";

const STREAM_NAMES: readonly OutputStream[] = ["stdout", "stderr"];
const INITIAL_LINES = 1024;

export class LineTimes {
  private lines = new Float64Array(INITIAL_LINES);
  private times = new Float64Array(INITIAL_LINES);
  private streams = new Uint8Array(INITIAL_LINES);
  private n = 0;
  /** Where the last search found its line. */
  private at = 0;

  add(lineNo: number, timeMs: number, stream: number): void {
    const i = this.n;
    if (i === this.lines.length) this.grow();
    this.lines[i] = lineNo;
    this.times[i] = timeMs;
    this.streams[i] = stream;
    this.n = i + 1;
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
    const n = this.n;
    if (n === 0 || (keepLast && n === 1)) return;
    if (keepLast) {
      this.lines[0] = this.lines[n - 1] as number;
      this.times[0] = this.times[n - 1] as number;
      this.streams[0] = this.streams[n - 1] as number;
    }
    this.n = keepLast ? 1 : 0;
    this.at = 0;
  }

  private grow(): void {
    const size = this.lines.length * 2;
    const lines = new Float64Array(size);
    const times = new Float64Array(size);
    const streams = new Uint8Array(size);
    lines.set(this.lines);
    times.set(this.times);
    streams.set(this.streams);
    this.lines = lines;
    this.times = times;
    this.streams = streams;
  }

  private find(lineNo: number): number {
    const lines = this.lines;
    const n = this.n;
    const at = this.at;
    if (at < n && lines[at] === lineNo) return at;
    if (at + 1 < n && lines[at + 1] === lineNo) {
      this.at = at + 1;
      return at + 1;
    }
    let lo = 0;
    let hi = n - 1;
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
