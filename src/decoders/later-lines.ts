/**
 * Lines whose content a parser wrote into a buffer of its own (json-file's decoded `log`), held
 * until the chunk they came from is done and then handed on together (README "Container logs").
 *
 * The framer shares its searches for rare bytes between the lines of one buffer until `chunkEnd`
 * (the bytes after a line must not change meanwhile), so the lines of a buffer that is still being
 * written cannot be handed on one by one: they wait here while the parser appends, and go on in
 * one view of the buffer that ends where the last of them ends (searches stop there, not in older
 * bytes further on).
 */
import type { LineHandler } from "../framing/line-splitter.js";

export class LaterLines {
  private bufs: Buffer[] = [];
  private starts: number[] = [];
  private ends: number[] = [];
  private lineNos: number[] = [];
  private sizes: number[] = [];
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(buf: Buffer, start: number, end: number, lineNo: number, size: number): void {
    const i = this.n++;
    this.bufs[i] = buf;
    this.starts[i] = start;
    this.ends[i] = end;
    this.lineNos[i] = lineNo;
    this.sizes[i] = size;
  }

  /** Hands every held line on to `target`, in order. */
  flush(target: LineHandler): void {
    const { bufs, starts, ends, lineNos, sizes } = this;
    const n = this.n;
    this.n = 0;
    let view = bufs[0] as Buffer;
    for (let i = 0; i < n; i++) {
      const buf = bufs[i] as Buffer;
      if (i === 0 || buf !== bufs[i - 1]) {
        // A buffer is written in order: the last of its lines here ends furthest.
        let last = i;
        while (last + 1 < n && bufs[last + 1] === buf) last++;
        view = buf.subarray(0, ends[last]);
      }
      target.line(view, starts[i] as number, ends[i] as number, lineNos[i] as number, sizes[i] as number);
    }
    // No reference to a buffer the parser may write again stays here.
    bufs.length = 0;
  }
}
