import type { LineCounts, Parsed } from "../core/records.js";
import type { BodyParser } from "../parsers/body-parser.js";
import type { FrameSink } from "./frame-sink.js";
import type { HeldLine, HeldLines } from "./held-lines.js";
import { countLine, FAILED } from "./line-outcomes.js";
import { knownFailures, type ReplayLine } from "./replay.js";

/** A body that goes on past its first line (docs/design.md §3): its parser and where it began. */
export interface OpenBody {
  readonly parser: BodyParser;
  /** Position of the body's first byte in the arena. */
  readonly start: number;
  /** Arena position minus the position in the buffer the body began in (its first line). */
  readonly shift: number;
  /**
   * The body took lines where they were read (BodyFramer.takeLines): its parser's positions in
   * them are not the arena's until it is scanned again.
   */
  readonly tookLines?: boolean;
  /** Its lines go by BodyFramer.line, one by one (taking them failed on a blank line of VT or FF). */
  readonly lineByLine?: boolean;
}

/**
 * The open body ended at `endPos` (an arena position) of its last held line, or at the start of
 * that line when the body ended with the line before: its response goes to `out`, the held lines
 * before the last are counted. Returns the last line and its flags: the framer examines the rest of
 * it from `endPos`.
 */
export function closeHeld(
  open: OpenBody,
  held: HeldLines,
  out: FrameSink,
  counts: LineCounts,
  parsed: Parsed | null,
  endPos: number,
): { line: HeldLine; flags: number } {
  const lines = held.lines;
  const last = lines.length - 1;
  const lastLine = lines[last] as HeldLine;
  const endedBefore = last > 0 && endPos === lastLine.start;
  const endLine = endedBefore ? (lines[last - 1] as HeldLine) : lastLine;
  const flag = reportBody(open, held, out, counts, parsed, endLine.lineNo, last);
  return { line: lastLine, flags: endedBefore ? lastLine.flags : lastLine.flags | flag };
}

/**
 * The open body is done, its last line `endLineNo`: its response (and those of its strings) goes
 * to `out`, after the frames its first line held back, and its first `counted` held lines are
 * counted. Returns the flag of its lines.
 */
export function reportBody(
  open: OpenBody,
  held: HeldLines,
  out: FrameSink,
  counts: LineCounts,
  parsed: Parsed | null,
  endLineNo: number,
  counted: number,
): number {
  const lines = held.lines;
  const first = lines[0] as HeldLine;
  out.release();
  const flag = out.body(open.parser, held.arena, first.start, open.start, first.lineNo, endLineNo, parsed);
  for (let i = 0; i < counted; i++) countLine(counts, (lines[i] as HeldLine).flags | flag);
  return flag;
}

/**
 * The open body is not valid: its held lines to examine again (pushed on `replay`, last one first),
 * from the candidate after its start, with the candidates nested in it that fail the same way.
 * `lastLineConsumed`: the body failed at the end of its last line (that line is malformed too).
 */
export function replayHeld(
  open: OpenBody,
  held: HeldLines,
  out: FrameSink,
  lastLineConsumed: boolean,
  replay: ReplayLine[],
): void {
  const { lines, arena } = held;
  open.parser.finish();
  const malformed = open.parser.format !== "text" && open.parser.notABody?.() !== true;
  const skip = knownFailures(open.parser, null, open.shift, lines, 0, held.used);
  out.release();
  const last = lines.length - 1;
  for (let i = last; i >= 0; i--) {
    const l = lines[i] as HeldLine;
    const failed = malformed && (i < last || lastLineConsumed || i === 0);
    replay.push({
      buf: arena,
      start: l.start,
      end: l.end,
      lineNo: l.lineNo,
      offset: l.offset,
      flags: failed ? l.flags | FAILED : l.flags,
      from: i === 0 ? open.start + 1 : l.start,
      skip,
    });
  }
}
