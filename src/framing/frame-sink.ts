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
  /** Where the last body began (buffer, line number, line start, body start): see `body`. */
  private lastBuf: Buffer | null = null;
  private lastLineNo = -1;
  private lastLineStartPos = -1;
  private lastBodyPos = -1;

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
   * response and those in its strings; returns the flag for its lines. Its prefix is the text
   * before it since the line's start, or since the start of the body before it on the same line: a
   * line of thousands of bodies costs its own length, not thousands of prefixes of 8 KiB.
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
    const sameLine =
      buf === this.lastBuf &&
      lineStart === this.lastLineNo &&
      lineStartPos === this.lastLineStartPos &&
      bodyPos > this.lastBodyPos;
    const prefix = prefixText(buf, sameLine ? this.lastBodyPos : lineStartPos, bodyPos);
    this.lastBuf = buf;
    this.lastLineNo = lineStart;
    this.lastLineStartPos = lineStartPos;
    this.lastBodyPos = bodyPos;
    if (parsed !== null) this.frames.push({ parsed, lineStart, lineEnd, prefix });
    for (const f of inner) this.frames.push(f);
    return RESPONSE;
  }
}
