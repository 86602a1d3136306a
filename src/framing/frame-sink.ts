import type { Frame, Parsed } from "../core/records.js";
import type { BodyParser } from "../parsers/body-parser.js";
import { BODY, RESPONSE } from "./line-outcomes.js";
import { prefixText } from "./prefix-text.js";

const NO_FRAMES: readonly Frame[] = [];

/** The frames the framer found, until the pipeline takes them (once per batch). */
export class FrameSink {
  frames: Frame[] = [];
  /**
   * Frames found on the first line of an open body, before it: held back with that line, which a
   * checkpoint leaves to be read again (else a restart would count them twice).
   */
  private deferred: Frame[] = [];
  /** Where the last response-holding body or string began (buffer, line number, line start, position): see `prefixBefore`. */
  private lastBuf: Buffer | null = null;
  private lastLineNo = -1;
  private lastLineStartPos = -1;
  private lastPos = -1;

  /** A body opens on `lineNo`: the frames found before it on that line wait for it. */
  defer(lineNo: number): void {
    const frames = this.frames;
    while (frames.length > 0 && (frames[frames.length - 1] as Frame).lineStart === lineNo) {
      this.deferred.unshift(frames.pop() as Frame);
    }
  }

  /** The open body is settled: the frames before it are final. */
  release(): void {
    for (const f of this.deferred) this.frames.push(f);
    this.deferred = [];
  }

  /**
   * A body parsed completely from `bodyPos` (its line starts at `lineStartPos` of `buf`): its
   * response and those in its strings; returns the flag for its lines.
   */
  body(
    parser: BodyParser,
    buf: Buffer,
    lineStartPos: number,
    bodyPos: number,
    lineStart: number,
    lineEnd: number,
    parsed: Parsed | null = parser.result(),
  ): number {
    const inner = parser.strings?.() ?? NO_FRAMES;
    if (parsed === null && inner.length === 0) return BODY;
    const prefix = this.prefixBefore(buf, lineStart, lineStartPos, bodyPos);
    if (parsed !== null) this.frames.push({ parsed, lineStart, lineEnd, prefix });
    for (const f of inner) this.frames.push(f);
    return RESPONSE;
  }

  /**
   * The responses found in a string decoded from `at` of line `lineNo` (which starts at
   * `lineStartPos` of `buf`): the line's text before the string goes in front of their own prefix.
   */
  decoded(found: readonly Frame[], buf: Buffer, lineNo: number, lineStartPos: number, at: number): void {
    const outer = this.prefixBefore(buf, lineNo, lineStartPos, at);
    for (const f of found) this.frames.push({ ...f, prefix: outer + f.prefix });
  }

  /**
   * Line `lineNo`, which started at `oldStart` of its buffer, is at `start` of `buf` now (it stopped
   * for a turn and was copied, or its text decoded again: turn-budget.ts): the prefix of its next
   * body still starts after the last one.
   */
  moved(buf: Buffer, lineNo: number, oldStart: number, start: number): void {
    if (this.lastLineNo !== lineNo || this.lastLineStartPos !== oldStart || this.lastBuf === null) return;
    this.lastBuf = buf;
    this.lastLineStartPos = start;
    this.lastPos += start - oldStart;
  }

  /** The input ended: a next input's first line is not the line of the last body (its buffer may be reused). */
  endInput(): void {
    this.lastBuf = null;
  }

  /**
   * The text before `pos` on its line, since the line's start or since the start of the body or
   * string before it on the same line (a status line and an `Action=` belong to the first body after
   * them): a line of thousands of bodies costs its own length, not thousands of prefixes of 8 KiB.
   */
  private prefixBefore(buf: Buffer, lineNo: number, lineStartPos: number, pos: number): string {
    const sameLine =
      buf === this.lastBuf &&
      lineNo === this.lastLineNo &&
      lineStartPos === this.lastLineStartPos &&
      pos > this.lastPos;
    const prefix = prefixText(buf, sameLine ? this.lastPos : lineStartPos, pos);
    this.lastBuf = buf;
    this.lastLineNo = lineNo;
    this.lastLineStartPos = lineStartPos;
    this.lastPos = pos;
    return prefix;
  }
}
