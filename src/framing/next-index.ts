/**
 * `buf.indexOf(needle, from)` for the lines of one chunk, met in order: the answer for one line is
 * the answer for the lines after it up to the needle, so a needle that is rare costs one native search
 * per chunk instead of one per line (test/bench/README.md, "Issue 12 shapes: cost on plain input").
 * Valid only while the chunk's bytes do not change: `forget` when the chunk is done.
 */
export class NextIndex {
  private buf: Buffer | null = null;
  private from = 0;
  private at = -1;

  constructor(private readonly needle: number | Buffer) {}

  /** The first position ≥ `from` of the needle in `buf`, or -1. */
  next(buf: Buffer, from: number): number {
    if (buf !== this.buf || from < this.from || (this.at >= 0 && from > this.at)) {
      this.buf = buf;
      this.from = from;
      this.at = buf.indexOf(this.needle, from);
    }
    return this.at;
  }

  forget(): void {
    this.buf = null;
  }
}
