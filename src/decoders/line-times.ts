/**
 * The runtime time of the content lines passed to the framer, by line number, until the frames
 * that start on them have been handed on (README "Container logs": the line's time). Line numbers
 * only grow, so two parallel arrays and a binary search do.
 */
export class LineTimes {
  private readonly lines: number[] = [];
  private readonly times: number[] = [];

  add(lineNo: number, timeMs: number): void {
    this.lines.push(lineNo);
    this.times.push(timeMs);
  }

  /** Where the last `get` found its line: frames ask in line order, mostly for the next line. */
  private at = 0;

  /** The time of the line `lineNo`, or undefined if it was not a decoded line. */
  get(lineNo: number): number | undefined {
    const lines = this.lines;
    const at = this.at;
    if (lines[at] === lineNo) return this.times[at];
    if (lines[at + 1] === lineNo) {
      this.at = at + 1;
      return this.times[at + 1];
    }
    let lo = 0;
    let hi = lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const l = lines[mid] as number;
      if (l === lineNo) {
        this.at = mid;
        return this.times[mid];
      }
      if (l < lineNo) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Nothing held refers to these lines any more; `keepLast`: but the last one is still open. */
  clear(keepLast = false): void {
    const n = this.lines.length;
    if (n === 0 || (keepLast && n === 1)) return;
    // In place: the arrays keep their room for the next batch.
    const keep = keepLast ? 1 : 0;
    if (keepLast) {
      this.lines[0] = this.lines[n - 1] as number;
      this.times[0] = this.times[n - 1] as number;
    }
    this.lines.length = keep;
    this.times.length = keep;
    this.at = 0;
  }
}
