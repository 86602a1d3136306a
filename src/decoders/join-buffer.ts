/**
 * Where the joiner assembles a line split into records of a chunk (CRI `P` records, whose content
 * stays in the chunk): each record's content is copied once, after the line's earlier ones, and the
 * line goes on as a view of it (README "Container logs"). Written from its start again once the
 * chunk is done: lines handed on meanwhile keep their bytes until then, as the framer needs.
 *
 * A finished line is followed by a `\n`, inside its view, as a line in a chunk is: the framer's
 * scans read the byte after a line's end, and a read past the end of a view cost the JSON scanner
 * ~40% more time on the bench's CRI corpus, whose every third line is joined (test/bench/README.md).
 */
const EMPTY = Buffer.alloc(0);
/** Room for the joined lines of a few 64 KiB chunks. */
const JOIN_BYTES = 256 * 1024;

export class JoinBuffer {
  /** The buffer the current line is in (a new one when full: lines handed on refer to the old one). */
  buf: Buffer = EMPTY;
  private used = 0;

  /**
   * Copies `src[start, end)` after the line that starts at `lineStart` of `buf` (-1: a new line) and
   * returns where the line starts now (0 if it moved into a new buffer); it ends at `end()`.
   */
  append(lineStart: number, src: Buffer, start: number, end: number): number {
    const n = end - start;
    // Room for the `\n` after the line too.
    if (this.used + n + 1 > this.buf.length) {
      const held = lineStart < 0 ? 0 : this.used - lineStart;
      const next = Buffer.allocUnsafe(Math.max(JOIN_BYTES, 2 * (held + n + 1)));
      if (held > 0) this.buf.copy(next, 0, lineStart, this.used);
      this.buf = next;
      this.used = held;
      lineStart = 0;
    } else if (lineStart < 0) lineStart = this.used;
    src.copy(this.buf, this.used, start, end);
    this.used += n;
    return lineStart;
  }

  end(): number {
    return this.used;
  }

  /** The line is finished: a `\n` follows it; returns the end of the line's view (after the `\n`). */
  endLine(): number {
    this.buf[this.used++] = 0x0a;
    return this.used;
  }

  /** Nothing refers to the lines assembled so far any more. */
  reset(): void {
    this.used = 0;
  }
}
