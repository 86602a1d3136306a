/**
 * The runtime time of the content lines passed to the framer, by line number, until the frames
 * that start on them have been handed on (README "Container logs": the line's time). Line numbers
 * only grow, so two parallel arrays and a binary search do.
 */
export class LineTimes {
  private lines: number[] = [];
  private times: number[] = [];

  add(lineNo: number, timeMs: number): void {
    this.lines.push(lineNo);
    this.times.push(timeMs);
  }

  /** The time of the line `lineNo`, or undefined if it was not a decoded line. */
  get(lineNo: number): number | undefined {
    const lines = this.lines;
    let lo = 0;
    let hi = lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const l = lines[mid] as number;
      if (l === lineNo) return this.times[mid];
      if (l < lineNo) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Nothing held refers to these lines any more; `keepLast`: but the last one is still open. */
  clear(keepLast = false): void {
    const n = this.lines.length;
    if (n === 0 || (keepLast && n === 1)) return;
    this.lines = keepLast ? this.lines.slice(n - 1) : [];
    this.times = keepLast ? this.times.slice(n - 1) : [];
  }
}
