import type { BodyFormat, Frame, Parsed } from "../core/records.js";

/**
 * The one seam between the framer and every body parser (JSON scanner, stream-json, XML fast path
 * + sax, SDK text strings): begin a body, feed it a line, finish it. Each call returns an Outcome:
 *
 * - `MORE`: the body goes on past this line (or piece of a long line);
 * - `done at p` (p ≥ 0): the body ended; p is the position after its last byte in the buffer just
 *   given. A body that ends *before* the line just fed (a text block is over when a line is not part
 *   of it) says `done at` that line's `start`;
 * - `failed at p` (`failedAt(p)`, p ≥ 0): not a body; p is the offending byte (the line's end when it
 *   ran out). The framer resumes at the next candidate after the body's start and examines again the
 *   lines it had taken; a failure at the fed line's `start` means that line was not consumed.
 *
 * Outcomes are plain numbers so that the hot path allocates nothing.
 */
export type Outcome = number;

export const MORE: Outcome = -1;

export function failedAt(pos: number): Outcome {
  return -2 - pos;
}

export function isFailed(o: Outcome): boolean {
  return o <= -2;
}

/** The offending position of a failed outcome. */
export function failurePos(o: Outcome): number {
  return -2 - o;
}

export interface BodyParser {
  /** What its responses are: bodies (`json`, `xml`) or SDK error strings (`text`). */
  readonly format: BodyFormat | "text";
  /** A body (candidate) starts at `buf[pos]`; parses on to `end`, its line's end (terminator excluded). */
  begin(buf: Buffer, pos: number, end: number): Outcome;
  /**
   * The next line of the open body, `buf[start, end)` without its terminator (blank lines too). For
   * the parsers of lines too long to hold, the next piece of the same line.
   */
  feed(buf: Buffer, start: number, end: number): Outcome;
  /** No more input for the open body (end of input, or it was settled): done or failed. */
  finish(): Outcome;
  /** The response of the body that is done (the shallowest object with a request id); null if none. */
  result(): Parsed | null;
  /**
   * Once done: the responses found inside the body's string values (docs/design.md §3, bodies inside
   * strings), their wrapper status, action and log time completed from the enclosing objects.
   */
  strings?(): readonly Frame[];
  /**
   * After a failure: where bodies nested in the failed one began that were still open when it failed,
   * as [lineIndex, pos] pairs (lineIndex 0: the begin line, pos in that buffer; n: the n-th non-blank
   * line fed, pos in that buffer; -1: a pair to pass over). A candidate there fails the same way, so
   * the framer skips it: re-scans after failed candidates stay linear (docs/design.md §3, bounded
   * work). Valid until the parser begins again.
   */
  openStarts?(): ArrayLike<number>;
  /**
   * After a failure: the candidate was not taken for a body at all (README "What counts as a
   * response": angle brackets in everyday text), so its lines are not `malformed`.
   */
  notABody?(): boolean;
}

/**
 * Examines the decoded text of a string value like a line of its own (docs/design.md §3, bodies inside
 * strings). The framer provides it; the JSON scanner calls it for the strings that name a request id.
 */
export interface StringExaminer {
  /**
   * Whether a string (content `buf[start, end)`) whose raw bytes hold a request-id name may hold a
   * body or an SDK string; `marks`: what else they hold (json-strings.ts: ESCAPED, LT).
   */
  mayHold(buf: Buffer, start: number, end: number, marks: number): boolean;
  /**
   * The responses in the decoded text of the string whose raw content is `buf[start, end)` (`marks`
   * as for `mayHold`; lineStart/lineEnd: the physical line of the string).
   */
  examine(buf: Buffer, start: number, end: number, marks: number): readonly Frame[];
}

/**
 * The SDK error-string recognizer (docs/design.md §3, format `text`) as the framer sees it: a cheap byte
 * prefilter and the parser of what it finds. The framer looks for text candidates on the parts of a
 * line that no body covers (before the next `{`/`<` candidate), and inside JSON string values that
 * name a request id and where `find` matches; a text candidate that fails is not counted as malformed.
 */
export interface TextRecognizer {
  /**
   * Where an SDK error string may start in `buf[pos, limit)` (before the next body candidate), or
   * -1; `end` is the line's end (a string may go on past `limit`). Runs on every line that is not
   * all body: it must cost about an `indexOf` or two on a line without one, and the calls on one
   * line linear time together.
   */
  find(buf: Buffer, pos: number, limit: number, end: number): number;
  /** The framer begins to examine a line: what `find` kept of the last one (its text) is stale. */
  newLine(): void;
  /**
   * A recognizer of the same rules for the framer one level deeper (the text of strings): what it
   * keeps of its line and its open block are its own.
   */
  another(): TextRecognizer;
  /** Parses the string that starts where `find` said (`begin`), over following lines for blocks. */
  readonly parser: BodyParser;
}
